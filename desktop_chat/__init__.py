"""Desktop Chat: a desktop client for YandexGPT that keeps every chat on the user's disk."""

__version__ = "0.1.0"
