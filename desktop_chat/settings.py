"""Typed settings with defaults, validation and versioned migrations, stored as `settings.json`.

Each option is declared once, as a field of `Settings` (type annotation + default + an optional
`check`); loading, validation and saving all read that one declaration. The file is JSON a person
could open, with a `version` number; older files are migrated step by step (each step registered
with `@migration(n)` and covered by its own test), newer ones are read but never overwritten.

A broken file never stops the app: what can be read is kept, the rest falls back to defaults,
`SettingsStore.warnings` says what happened, and the original is kept aside as
`settings.json.broken-<timestamp>`.

No secret ever goes in this file (the API key and IAM token live in the keyring: secrets.py).
Also here: the shape checks the first-run setup uses on what a person pastes.
No Qt here.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import shutil
import threading
import time
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from desktop_chat import safe_json
from desktop_chat.store.fileio import atomic_write, ensure_dir, json_bytes

log = logging.getLogger(__name__)

try:  # the API layer owns the endpoint and the model list; the fallback only covers a half-built tree
    from desktop_chat.api.models import CUSTOM_URI_SCHEMES as _CUSTOM_URI_SCHEMES
    from desktop_chat.api.models import DEFAULT_API_BASE
except ImportError:  # pragma: no cover
    DEFAULT_API_BASE = "https://llm.api.cloud.yandex.net"
    _CUSTOM_URI_SCHEMES = ("gpt://", "ds://")

FILE_NAME = "settings.json"
CURRENT_VERSION = 2
DEFAULT_MODEL = "yandexgpt-lite"
MAX_TOKENS_LIMIT = 32768  # the largest context window of the models we know; the server checks the rest

AuthKind = Literal["api_key", "iam_token"]
Language = Literal["system", "ru", "en"]
Theme = Literal["system", "light", "dark"]


# --- option checks (beyond the type, which comes from the annotation) --------------------------

def _no_spaces(value: str) -> bool:
    return value == value.strip() and not any(ch.isspace() for ch in value)


def _is_http_url(value: str) -> bool:
    return re.fullmatch(r"https?://[^\s/]+(/\S*)?", value) is not None


def _is_model(value: str) -> bool:
    """A key of api.models.MODELS, or a custom URI (gpt://…, ds://…) passed through as is."""
    if not value or not _no_spaces(value):
        return False
    if value.startswith(_CUSTOM_URI_SCHEMES):
        return True
    known = _known_models()
    return known is None or value in known


def _known_models() -> dict[str, Any] | None:
    try:
        from desktop_chat.api.models import MODELS
    except ImportError:  # pragma: no cover - the API layer is not there yet
        return None
    return dict(MODELS)


def check(func: Callable[[Any], bool]) -> dict[str, Any]:
    """Field metadata: an extra check on top of the option's annotated type."""
    return {"check": func}


@dataclass
class Settings:
    """Everything the user can set, declared once: name, type, default, check.

    Secrets are not settings: see secrets.SecretStore.
    """

    folder_id: str = field(default="", metadata=check(_no_spaces))
    auth_kind: AuthKind = "api_key"
    api_base: str = field(default=DEFAULT_API_BASE, metadata=check(_is_http_url))
    model: str = field(default=DEFAULT_MODEL, metadata=check(_is_model))  # a MODELS key or a custom URI
    temperature: float = field(default=0.3, metadata=check(lambda v: 0.0 <= v <= 1.0))
    max_tokens: int = field(default=2000, metadata=check(lambda v: 1 <= v <= MAX_TOKENS_LIMIT))
    data_logging: bool = False  # let Yandex log requests (x-data-logging-enabled)
    language: Language = "system"
    theme: Theme = "system"
    auto_titles: bool = True  # name a new chat from its first exchange with a cheap model, in the background
    parallel_replies: int = field(default=4, metadata=check(lambda v: 1 <= v <= 10))  # replies at once
    # Window geometry, splitter sizes...: owned by the UI, opaque here (must be JSON-serialisable).
    ui_state: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _field_types() -> dict[str, Any]:
    return typing.get_type_hints(Settings)


def _coerce(name: str, value: Any) -> Any:
    """The value as the option's type, or ValueError. Only lossless conversions (int -> float)."""
    hint = _field_types()[name]
    if typing.get_origin(hint) is Literal:
        if value not in typing.get_args(hint):
            raise ValueError(f"must be one of {', '.join(map(str, typing.get_args(hint)))}")
    elif hint is bool:
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
    elif hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("must be a whole number")
    elif hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("must be a number")
        value = float(value)
    elif hint is str:
        if not isinstance(value, str):
            raise ValueError("must be text")
    elif typing.get_origin(hint) is dict:
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise ValueError("must be an object")
    else:  # pragma: no cover - a new option type needs a branch here
        raise TypeError(f"no coercion for {hint!r}")
    extra_check = next(f for f in dataclasses.fields(Settings) if f.name == name).metadata.get("check")
    if extra_check is not None and not extra_check(value):
        raise ValueError("is out of range or malformed")
    return value


def validate(settings: Settings) -> list[str]:
    """Problems with these settings ("name: why"); empty when they are fine to save."""
    problems = []
    for f in dataclasses.fields(Settings):
        try:
            _coerce(f.name, getattr(settings, f.name))
        except ValueError as exc:
            problems.append(f"{f.name}: {exc}")
    try:
        json.dumps(settings.ui_state)
    except (TypeError, ValueError):
        problems.append("ui_state: must be JSON-serialisable")
    return problems


def settings_from_dict(data: dict[str, Any]) -> tuple[Settings, list[str]]:
    """Settings from a current-version dict: valid values kept, bad or missing ones defaulted.

    Returns the settings and one warning per value that was present but unusable. Unknown keys
    are ignored (a secret pasted into the file by hand is dropped at the next save, too).
    """
    values: dict[str, Any] = {}
    warnings = []
    for f in dataclasses.fields(Settings):
        if f.name not in data:
            continue
        try:
            values[f.name] = _coerce(f.name, data[f.name])
        except ValueError as exc:
            # The value is not echoed: a person may have pasted anything there.
            warnings.append(f"The setting '{f.name}' {exc}; the default is used instead.")
    return Settings(**values), warnings


# --- migrations ---------------------------------------------------------------------------------

Migration = Callable[[dict[str, Any]], dict[str, Any]]
MIGRATIONS: dict[int, Migration] = {}


def migration(from_version: int) -> Callable[[Migration], Migration]:
    """Register the step that turns a `from_version` dict into a `from_version + 1` one."""
    def register(func: Migration) -> Migration:
        assert from_version not in MIGRATIONS, f"two migrations from v{from_version}"
        MIGRATIONS[from_version] = func
        return func
    return register


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Run every step from data["version"] up to CURRENT_VERSION (a copy; the input is untouched)."""
    data = dict(data)
    version = data.get("version", 1)
    while version < CURRENT_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data["version"] = version
    return data


_COMPLETION_PATH = "/foundationModels/v1/completion"


@migration(1)
def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """v1 kept the full completion URL as "endpoint" and the whole model URI as "model_uri"
    (gpt://<folder>/yandexgpt-lite/latest). v2 keeps the base URL as "api_base" and a model key
    ("yandexgpt-lite") so that changing the folder ID does not leave a stale URI behind.
    """
    out = {k: v for k, v in data.items() if k not in ("endpoint", "model_uri")}
    endpoint = data.get("endpoint")
    if isinstance(endpoint, str) and endpoint:
        base = endpoint.strip().rstrip("/")
        if base.endswith(_COMPLETION_PATH):
            base = base[: -len(_COMPLETION_PATH)]
        out["api_base"] = base
    uri = data.get("model_uri")
    if isinstance(uri, str) and uri:
        folder, key = _split_model_uri(uri.strip())
        if folder and not out.get("folder_id"):
            out["folder_id"] = folder
        same_folder = folder is not None and folder == out.get("folder_id")
        out["model"] = key if (key and same_folder) else uri.strip()
    return out


def _split_model_uri(uri: str) -> tuple[str | None, str | None]:
    """("b1g…", "yandexgpt-lite") for gpt://b1g…/yandexgpt-lite/latest; a None for what is unknown."""
    m = re.fullmatch(r"gpt://([^/]+)/(.+)", uri)
    if not m:
        return None, None
    folder, path = m.groups()
    known = _known_models() or {}
    candidates = [path, path.removesuffix("/latest")]
    for candidate in candidates:
        if candidate in known:
            return folder, candidate
    for key, info in known.items():
        if getattr(info, "path", None) in candidates:
            return folder, key
    return folder, None


# --- the file -----------------------------------------------------------------------------------

class SettingsStore:
    """Reads and writes `settings.json` in `config_dir`.

    `load()` never raises for a bad file: it returns the best settings it can and fills
    `warnings`. `read_only` is True after loading a file from a newer version of the app: such a
    file is not ours to rewrite (the newer app would lose what we do not know), so `save()` then
    keeps changes for this session only.
    """

    def __init__(self, config_dir: Path) -> None:
        self.config_dir = Path(config_dir)
        self.path = self.config_dir / FILE_NAME
        self.warnings: list[str] = []
        self.read_only = False
        self._lock = threading.Lock()

    def load(self) -> Settings:
        self.warnings = []
        self.read_only = False
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Settings()
        except OSError as exc:
            self.warnings.append(f"The settings file could not be read ({exc.strerror}); "
                                 "the defaults are used for now.")
            return Settings()

        try:
            # untrusted input: NaN/Infinity, huge numbers and deep nesting are refused here
            data = safe_json.loads(raw)
        except ValueError:  # bad UTF-8 or bad JSON
            self._set_aside("The settings file was damaged and could not be read; the defaults are used. "
                            "The damaged file was kept as {name}.")
            settings = Settings()
            self._write(settings)
            return settings
        if not isinstance(data, dict):
            self._set_aside("The settings file did not hold settings; the defaults are used. "
                            "The file was kept as {name}.")
            settings = Settings()
            self._write(settings)
            return settings

        version = data.get("version", 1)  # v1 files may predate the version key
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            settings, _ = settings_from_dict(data)
            self._set_aside("The settings file had no valid version number; what could be read was "
                            "kept. The original was kept as {name}.")
            self._write(settings)
            return settings

        if version > CURRENT_VERSION:
            self.read_only = True
            settings, field_warnings = settings_from_dict(data)
            self.warnings.append("The settings were saved by a newer version of Desktop Chat. They are used "
                                 "as far as this version understands them, and changes will not be saved.")
            self.warnings.extend(field_warnings)
            return settings

        migrated = version < CURRENT_VERSION
        if migrated:
            self._backup(f"{FILE_NAME}.v{version}.bak")
            try:
                data = migrate(data)
            except Exception:  # a migration bug must not cost the user their app
                log.exception("settings migration from v%s failed", version)
                self._set_aside("The settings could not be upgraded; the defaults are used. "
                                "The old file was kept as {name}.")
                settings = Settings()
                self._write(settings)
                return settings

        settings, field_warnings = settings_from_dict(data)
        if field_warnings:
            self.warnings.extend(field_warnings)
            self._set_aside("The original settings file was kept as {name}.")
        if migrated or field_warnings:
            self._write(settings)
        return settings

    def save(self, settings: Settings) -> None:
        """Write the settings atomically. Raises ValueError for invalid values (a caller's bug)."""
        problems = validate(settings)
        if problems:
            raise ValueError("invalid settings: " + "; ".join(problems))
        if self.read_only:
            log.info("settings file is from a newer version; not overwriting it")
            return
        with self._lock:
            self._write_or_raise(settings)

    # --- internals ------------------------------------------------------------------------------

    def _write(self, settings: Settings) -> None:
        """Write during load: a failure is a warning, not a crash."""
        try:
            with self._lock:
                self._write_or_raise(settings)
        except OSError as exc:
            self.warnings.append(f"The settings could not be saved ({exc.strerror}).")

    def _write_or_raise(self, settings: Settings) -> None:
        document = {"version": CURRENT_VERSION, **settings.to_dict()}
        ensure_dir(self.path.parent)
        atomic_write(self.path, json_bytes(document, indent=2) + b"\n")

    def _set_aside(self, message: str) -> None:
        """Copy the current file to settings.json.broken-<timestamp> and warn."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{FILE_NAME}.broken-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{FILE_NAME}.broken-{stamp}-{n}")
            n += 1
        try:
            shutil.copy2(self.path, target)
        except OSError as exc:
            self.warnings.append(message.format(name="(not kept: " + str(exc.strerror) + ")"))
            return
        self.warnings.append(message.format(name=target.name))

    def _backup(self, name: str) -> None:
        target = self.path.with_name(name)
        if target.exists():  # an earlier backup of the same version is the older, truer one
            return
        try:
            shutil.copy2(self.path, target)
        except OSError as exc:
            log.warning("could not back up settings before migrating: %s", exc)


# --- shape checks for what a person pastes in the first-run setup ------------------------------
# Shapes from Yandex Cloud's own secret-scanning patterns
# (https://yandex.cloud/en/docs/security/operations/search-secrets):
#   API key    AQVN[A-Za-z0-9_\-]{35,38}                      (39-42 characters)
#   IAM token  t1\.[A-Z0-9a-z_-]+[=]{0,2}\.[A-Z0-9a-z_-]{86}[=]{0,2}
#   OAuth      y[0-6]_[-_A-Za-z0-9]{55,199}   (a Yandex account token: must be exchanged, not usable here)
#   static     YC[a-zA-Z0-9_\-]{38}           (an S3-style access secret: not for this API)
# Resource IDs (folders, clouds) are 20 characters of [a-z0-9]; folder IDs usually start with "b1g".
# These checks only warn: a shape we do not know may still be valid, and the server has the last word.

_API_KEY_RE = re.compile(r"AQVN[A-Za-z0-9_\-]{35,38}")
_IAM_TOKEN_RE = re.compile(r"t1\.[A-Za-z0-9_\-]+={0,2}\.[A-Za-z0-9_\-]{86}={0,2}")
_OAUTH_RE = re.compile(r"y[0-6]_[-_A-Za-z0-9]{20,}")
_STATIC_KEY_RE = re.compile(r"YC[A-Za-z0-9_\-]{38}")
_FOLDER_ID_RE = re.compile(r"[a-z0-9]{20}")

# secret_hint() codes; the UI turns them into translated sentences.
HINT_OK = ""
HINT_INCOMPLETE = "incomplete"  # right prefix, wrong length: probably cut off while copying
HINT_OAUTH = "oauth_token"  # a Yandex OAuth token: the API wants an API key or an IAM token
HINT_STATIC_KEY = "static_key"  # a static access key secret (Object Storage), not an API key
HINT_UNKNOWN = "unknown"  # no known shape: allowed, but worth a second look


def normalize_folder_id(text: str) -> str:
    return text.strip().strip("\"'").strip()


def looks_like_folder_id(text: str) -> bool:
    """True for a Yandex Cloud resource ID shape: 20 characters, lowercase letters and digits."""
    return _FOLDER_ID_RE.fullmatch(normalize_folder_id(text)) is not None


def normalize_secret(text: str) -> str:
    """Strip what copying adds: spaces, line breaks, quotes, an "Api-Key " or "Bearer " prefix."""
    text = text.strip().strip("\"'").strip()
    text = re.sub(r"^(authorization:\s*)?(api-key|bearer)\s+", "", text, flags=re.IGNORECASE)
    return "".join(text.split())


def classify_secret(text: str) -> AuthKind | None:
    """"api_key" for AQVN…, "iam_token" for t1.…, None for a shape we do not recognise."""
    text = normalize_secret(text)
    if text.startswith("AQVN"):
        return "api_key"
    if text.startswith("t1."):
        return "iam_token"
    return None


def secret_hint(text: str) -> str:
    """A HINT_* code about the pasted secret's shape; HINT_OK when it matches exactly."""
    text = normalize_secret(text)
    if _API_KEY_RE.fullmatch(text) or _IAM_TOKEN_RE.fullmatch(text):
        return HINT_OK
    if text.startswith(("AQVN", "t1.")):
        return HINT_INCOMPLETE
    if _OAUTH_RE.fullmatch(text):
        return HINT_OAUTH
    if _STATIC_KEY_RE.fullmatch(text):
        return HINT_STATIC_KEY
    return HINT_UNKNOWN
