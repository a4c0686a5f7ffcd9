"""Credentials: the API key, IAM token or OAuth token, kept in the OS keyring and nowhere else on disk.

This is the only module that handles a secret's value. The keyring is the OS password storage
(Windows Credential Manager, macOS Keychain, Secret Service on Linux) reached through `keyring`.
When there is none (a headless Linux, a locked or broken keyring), the secret is kept in memory for
this session only and `SecretStore.problem` says why; it is never written anywhere in plain text.

Keyring calls can block for a while (D-Bus, an unlock prompt), so these are plain functions the app
may call off the GUI thread; a `SecretStore` is safe to share between threads.

No Qt here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from desktop_chat.api.client import Credentials
    from desktop_chat.settings import Settings

# The one place that knows the keyring service name. User names are the secret kinds below.
SERVICE_NAME = "desktop-chat"

SecretKind = Literal["api_key", "iam_token", "oauth_token"]
SECRET_KINDS: tuple[SecretKind, ...] = ("api_key", "iam_token", "oauth_token")

# How the account signs in. An OAuth token (Yandex ID) is never sent to the API: it is exchanged for
# IAM tokens, which live in memory only (api/iam.py). Until settings.py has a field for it, the choice
# of OAuth is kept in Settings.ui_state["sign_in"] (Settings.auth_kind then says "iam_token", which is
# what the API sees), and the expiry of a pasted IAM token in ui_state["iam_token_expires_at"].
SignIn = Literal["api_key", "iam_token", "oauth_token"]
SIGN_INS: tuple[SignIn, ...] = ("api_key", "iam_token", "oauth_token")
SIGN_IN_STATE = "sign_in"
IAM_EXPIRY_STATE = "iam_token_expires_at"
IAM_BASE_STATE = "iam_base"  # the IAM service's address, for tests and proxies (default: Yandex's)

# Environment variables that override the saved values for one run (never stored).
ENV_API_KEY = "YC_API_KEY"
ENV_IAM_TOKEN = "YC_IAM_TOKEN"
ENV_FOLDER_ID = "YC_FOLDER_ID"

# Problem codes, so the UI can show its own translated sentence; `problem` holds the English one.
PROBLEM_NONE = ""
PROBLEM_NO_KEYRING = "no_keyring"  # no password storage on this system at all
PROBLEM_LOCKED = "locked"  # the storage exists but stayed locked (prompt dismissed)
PROBLEM_ERROR = "error"  # the storage answered with an error (D-Bus, permissions, ...)

_PROBLEM_TEXT = {
    PROBLEM_NO_KEYRING: "Your system has no password storage; the key will be kept until you close the app.",
    PROBLEM_LOCKED: "The system password storage is locked; the key will be kept until you close the app.",
    PROBLEM_ERROR: ("The system password storage did not respond; "
                    "the key will be kept until you close the app."),
}


def _check_kind(kind: str) -> SecretKind:
    if kind not in SECRET_KINDS:
        raise ValueError(f"unknown secret kind {kind!r}; expected one of {SECRET_KINDS}")
    return cast(SecretKind, kind)


def _describe_error(exc: BaseException) -> str:
    """The exception's type name only: keyring error texts are not ours and could echo input."""
    return type(exc).__name__


class SecretStore:
    """Get, set and delete the API key / IAM token in the OS keyring, with a session-only fallback.

    `backend`: a keyring backend instance; None uses whatever `keyring.get_keyring()` returns at
    the time of each call (so `keyring.set_keyring()` in tests and start-up code takes effect).

    `persistent` is False once the keyring turned out to be unavailable; `problem` is a plain
    English sentence and `problem_kind` one of the PROBLEM_* codes. Values set while the keyring
    is unavailable live in this object's memory and are gone when the app closes.
    """

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend
        self._lock = threading.RLock()
        self._session: dict[str, str] = {}
        self._problem_kind = PROBLEM_NONE
        self._error_name = ""

    # --- state -----------------------------------------------------------------------------

    @property
    def persistent(self) -> bool:
        """True while secrets go to the OS keyring (checks the backend's kind, no D-Bus call)."""
        with self._lock:
            if self._problem_kind:
                return False
            if _is_unusable_backend(self._current_backend()):
                self._problem_kind = PROBLEM_NO_KEYRING
                return False
            return True

    @property
    def problem_kind(self) -> str:
        """"" when all is well, else PROBLEM_NO_KEYRING / PROBLEM_LOCKED / PROBLEM_ERROR."""
        _ = self.persistent  # refreshes the no-keyring check
        return self._problem_kind

    @property
    def problem(self) -> str:
        """Why secrets are kept for this session only, in plain English ("" when they are not)."""
        kind = self.problem_kind
        return _PROBLEM_TEXT.get(kind, "")

    @property
    def backend_name(self) -> str:
        """The keyring backend's class, for diagnostics (never a secret)."""
        backend = self._current_backend()
        return f"{type(backend).__module__}.{type(backend).__qualname__}"

    def probe(self) -> bool:
        """Make one cheap keyring call now, so `persistent` is known before the user types a key.

        May block (D-Bus): call it off the GUI thread.
        """
        self.get_secret("api_key")
        return self.persistent

    # --- the secrets -----------------------------------------------------------------------

    def get_secret(self, kind: str) -> str | None:
        """The stored secret of this kind, or None. A session-only value wins over the keyring."""
        kind = _check_kind(kind)
        with self._lock:
            if kind in self._session:
                return self._session[kind]
            if not self.persistent:
                return None
            backend = self._current_backend()
        try:
            value = backend.get_password(SERVICE_NAME, kind)
        except Exception as exc:  # any keyring / D-Bus error: fall back, never crash
            self._fail(exc)
            return None
        return value or None

    def set_secret(self, kind: str, secret: str) -> None:
        """Store the secret in the keyring; without one, keep it for this session only.

        An empty secret deletes it. Never raises because the keyring is missing or broken.
        """
        kind = _check_kind(kind)
        if not secret:
            self.delete_secret(kind)
            return
        with self._lock:
            persistent = self.persistent
            backend = self._current_backend()
            if not persistent:
                self._session[kind] = secret
                return
        try:
            backend.set_password(SERVICE_NAME, kind, secret)
        except Exception as exc:
            self._fail(exc)
            with self._lock:
                self._session[kind] = secret
            return
        with self._lock:
            self._session.pop(kind, None)

    def delete_secret(self, kind: str) -> None:
        """Forget the secret in the session and in the keyring (no error if there was none)."""
        from keyring.errors import PasswordDeleteError

        kind = _check_kind(kind)
        with self._lock:
            self._session.pop(kind, None)
            if not self.persistent:
                return
            backend = self._current_backend()
        try:
            backend.delete_password(SERVICE_NAME, kind)
        except PasswordDeleteError:
            pass  # nothing was stored: that is what the caller wanted
        except Exception as exc:
            self._fail(exc)

    def __repr__(self) -> str:
        # Names only; the values never appear in a repr, a log or a traceback's locals dump.
        with self._lock:
            session = sorted(self._session)
        return (f"SecretStore(backend={self.backend_name}, persistent={self.persistent}, "
                f"session_only={session}, problem={self._problem_kind!r})")

    # --- internals -------------------------------------------------------------------------

    def _current_backend(self) -> KeyringBackend:
        if self._backend is not None:
            return self._backend
        import keyring

        return keyring.get_keyring()

    def _fail(self, exc: BaseException) -> None:
        from keyring.errors import KeyringLocked, NoKeyringError

        if isinstance(exc, NoKeyringError):
            kind = PROBLEM_NO_KEYRING
        elif isinstance(exc, KeyringLocked):
            kind = PROBLEM_LOCKED
        else:
            kind = PROBLEM_ERROR
        with self._lock:
            self._problem_kind = kind
            self._error_name = _describe_error(exc)


def _is_unusable_backend(backend: Any) -> bool:
    """fail.Keyring raises on every call; null.Keyring silently drops what it is given.

    Both mean "no password storage": treating null as usable would lose the key without a word.
    A chainer with no backends behaves like fail.
    """
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return True
    return isinstance(backend, chainer.ChainerBackend) and not backend.backends


# --- environment overrides -------------------------------------------------------------------


@dataclass(frozen=True)
class EnvOverrides:
    """Values from YC_API_KEY / YC_IAM_TOKEN / YC_FOLDER_ID: used for this run, never stored.

    Empty variables count as unset. When both YC_API_KEY and YC_IAM_TOKEN are set, the API key
    wins (it does not expire in 12 hours like an IAM token).
    """

    folder_id: str | None = None
    api_key: str | None = field(default=None, repr=False)
    iam_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> EnvOverrides:
        def get(name: str) -> str | None:
            return (environ.get(name) or "").strip() or None

        return cls(folder_id=get(ENV_FOLDER_ID), api_key=get(ENV_API_KEY), iam_token=get(ENV_IAM_TOKEN))

    @property
    def secret_kind(self) -> Literal["api_key", "iam_token"] | None:
        """Which secret the environment provides ("api_key" first), or None."""
        if self.api_key:
            return "api_key"
        if self.iam_token:
            return "iam_token"
        return None

    @property
    def secret(self) -> str | None:
        return self.api_key or self.iam_token

    @property
    def secret_variable(self) -> str | None:
        """The name of the variable the secret comes from, for "set by environment variable ..."."""
        kind = self.secret_kind
        if kind is None:
            return None
        return ENV_API_KEY if kind == "api_key" else ENV_IAM_TOKEN

    @property
    def variables(self) -> list[str]:
        """Names of the variables in effect (never their values)."""
        names = []
        if self.secret_variable:
            names.append(self.secret_variable)
        if self.folder_id:
            names.append(ENV_FOLDER_ID)
        return names

    def __bool__(self) -> bool:
        return bool(self.folder_id or self.secret)


def sign_in_of(settings: Settings) -> SignIn:
    """How these settings sign in: "api_key", "iam_token" or "oauth_token"."""
    if settings.ui_state.get(SIGN_IN_STATE) == "oauth_token" and settings.auth_kind == "iam_token":
        return "oauth_token"
    return "iam_token" if settings.auth_kind == "iam_token" else "api_key"


def with_sign_in(settings: Settings, sign_in: SignIn, *, iam_expires_at: float | None = None) -> Settings:
    """These settings signing in this way (a copy). `iam_expires_at`: a newly pasted IAM token's expiry."""
    import dataclasses

    state = dict(settings.ui_state)
    if sign_in == "oauth_token":
        state[SIGN_IN_STATE] = sign_in
    else:
        state.pop(SIGN_IN_STATE, None)
    if sign_in == "iam_token" and iam_expires_at is not None:
        state[IAM_EXPIRY_STATE] = float(iam_expires_at)
    elif sign_in != "iam_token":
        state.pop(IAM_EXPIRY_STATE, None)
    auth_kind: Literal["api_key", "iam_token"] = "api_key" if sign_in == "api_key" else "iam_token"
    return dataclasses.replace(settings, auth_kind=auth_kind, ui_state=state)


def iam_base_of(settings: Settings) -> str:
    from desktop_chat.api.iam import DEFAULT_IAM_BASE

    value = settings.ui_state.get(IAM_BASE_STATE)
    return value if isinstance(value, str) and value else DEFAULT_IAM_BASE


class CredentialSource:
    """This run's account: `current()` gives Credentials valid now, with a fresh IAM token where needed.

    An API key never changes; a pasted IAM token is refused once its known expiry has passed
    (IamTokenExpiredError); an OAuth token is exchanged for IAM tokens, renewed well before they
    expire (OAuthTokenSource). `current()` may block (keyring no, network yes for OAuth): call it off
    the GUI thread. The secret never appears in a repr.
    """

    def __init__(self, folder_id: str, sign_in: SignIn, secret: str, *, expires_at: float | None = None,
                 iam_base: str | None = None, from_environment: bool = False,
                 clock: Callable[[], float] | None = None) -> None:
        import time

        from desktop_chat.api.iam import DEFAULT_IAM_BASE, OAuthTokenSource, StaticIamToken

        self.folder_id = folder_id
        self.sign_in: SignIn = sign_in
        self.from_environment = from_environment
        self._secret = secret
        self._clock = clock or time.time
        self._oauth = (OAuthTokenSource(secret, iam_base or DEFAULT_IAM_BASE, self._clock)
                       if sign_in == "oauth_token" else None)
        self._static = (StaticIamToken(secret, expires_at, self._clock)
                        if sign_in == "iam_token" and expires_at is not None else None)

    def __repr__(self) -> str:
        return f"CredentialSource(folder_id={self.folder_id!r}, sign_in={self.sign_in!r})"

    @property
    def expires_at(self) -> float | None:
        """When the IAM token in use ends (None for an API key, or an IAM token of unknown age)."""
        if self._oauth is not None:
            return self._oauth.expires_at
        return self._static.expires_at if self._static is not None else None

    @property
    def renews(self) -> bool:
        return self._oauth is not None

    def current(self) -> Credentials:
        from desktop_chat.api.client import Credentials

        if self._oauth is not None:
            return Credentials(kind="iam_token", secret=self._oauth.current(), folder_id=self.folder_id)
        if self._static is not None:
            return Credentials(kind="iam_token", secret=self._static.current(), folder_id=self.folder_id)
        kind: Literal["api_key", "iam_token"] = "iam_token" if self.sign_in == "iam_token" else "api_key"
        return Credentials(kind=kind, secret=self._secret, folder_id=self.folder_id)


def credential_source(settings: Settings, secrets: SecretStore, environ: Mapping[str, str],
                      clock: Callable[[], float] | None = None) -> CredentialSource | None:
    """Like effective_credentials, as a source that renews IAM tokens. Reads the keyring (may block)."""
    env = EnvOverrides.from_environ(environ)
    folder_id = env.folder_id or settings.folder_id.strip()
    if env.secret_kind is not None and env.secret:
        if not folder_id:
            return None
        return CredentialSource(folder_id, env.secret_kind, env.secret, from_environment=True, clock=clock)
    sign_in = sign_in_of(settings)
    secret = secrets.get_secret(sign_in)
    if not folder_id or not secret:
        return None
    expires = settings.ui_state.get(IAM_EXPIRY_STATE) if sign_in == "iam_token" else None
    expires_at = float(expires) if isinstance(expires, int | float) and not isinstance(expires, bool) else None
    return CredentialSource(folder_id, sign_in, secret, expires_at=expires_at, iam_base=iam_base_of(settings),
                            clock=clock)


def effective_credentials(settings: Settings, secrets: SecretStore,
                          environ: Mapping[str, str]) -> Credentials | None:
    """The credentials for this run: environment variables first, then the saved settings + keyring.

    None when a folder ID or a secret is missing (the app then offers the first-run setup, or
    works offline). With a secret from the environment the keyring is not touched at all.
    May block on the keyring: call it off the GUI thread if that matters.
    """
    from desktop_chat.api.client import Credentials

    env = EnvOverrides.from_environ(environ)
    folder_id = env.folder_id or settings.folder_id.strip()
    kind: Literal["api_key", "iam_token"]
    if env.secret_kind is not None:
        kind, secret = env.secret_kind, env.secret
    elif sign_in_of(settings) == "oauth_token":
        return None  # needs an exchange over the network: use credential_source(...).current()
    else:
        kind = "iam_token" if settings.auth_kind == "iam_token" else "api_key"
        secret = secrets.get_secret(kind)
    if not folder_id or not secret:
        return None
    return Credentials(kind=kind, secret=secret, folder_id=folder_id)
