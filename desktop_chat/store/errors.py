"""The one error type the store raises, with a stable `.kind` code the UI can translate."""

from __future__ import annotations


class StoreError(Exception):
    """A store operation failed; `str(err)` says why in plain words.

    `kind` is a stable code for the UI to choose its own (translated) wording:
    "not_open", "not_found", "read_only", "corrupt", "invalid", "duplicate", "too_large",
    "bad_import", "io".
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
