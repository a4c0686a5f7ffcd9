"""`desktop-chat --smoke-test`: check that an installed (often frozen) copy of the app works, then exit.

The installers' tests and the release workflow run this on the built application, because a frozen
build fails in ways the source tree never does: a module PyInstaller did not see, a data file left out
(the math font, certifi's CA file), a Qt plugin missing, keyring's backends lost (keyring issues
#324 and #591: no entry-point metadata in the bundle means `fail.Keyring`).

Every check runs on its own, so one failure never hides another, and each prints one line:

    ok imports
    ok keyring SecretService (set/get/delete a secret) (290 ms)
    warn keyring no system keyring (fail.Keyring; 6 backend entry points) …
    FAIL render: no formula image was produced

to stderr (and to the file named by DESKTOP_CHAT_SMOKE_REPORT, because a windowed Windows build has no
stderr to read). The exit status is 0 when nothing FAILed. A missing keyring is only a warning — a
headless Linux may have none — unless DESKTOP_CHAT_SMOKE_REQUIRE_KEYRING=1, which the packaging tests set.

The test never touches the user's chats, settings or saved key: the store and the main window get
throwaway folders, and the keyring round trip uses its own service name.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_REQUIRE_KEYRING = "DESKTOP_CHAT_SMOKE_REQUIRE_KEYRING"
ENV_REPORT = "DESKTOP_CHAT_SMOKE_REPORT"
# Deliberately not secrets.SERVICE_NAME: the round trip must never overwrite the user's real key.
SMOKE_SERVICE = "desktop-chat-smoke-test"
KEYRING_TIMEOUT_S = 30.0  # D-Bus or an unlock prompt can hang; a hung check must not hang the test

# The modules other code imports lazily or by name; a frozen build that lost one fails here by name.
APP_MODULES = (
    "desktop_chat.paths",
    "desktop_chat.api.models",
    "desktop_chat.api.client",
    "desktop_chat.api.errors",
    "desktop_chat.catalogue",
    "desktop_chat.providers.yandex_native",
    "desktop_chat.chat.sessions",
    "desktop_chat.cli",
    "desktop_chat.store",
    "desktop_chat.settings",
    "desktop_chat.secrets",
    "desktop_chat.ui.render",
    "desktop_chat.ui.i18n",
    "desktop_chat.ui.main_window",
    "desktop_chat.app",
)
# Names under which desktop_chat.app may offer "build the main window without running the event loop".
MAIN_WINDOW_FACTORIES = ("create_main_window", "build_main_window", "make_main_window")

SAMPLE_REPLY = """\
## Проверка

**Жирный** текст, `код` и [ссылка](https://example.com).

```python
def hello(name: str) -> str:
    return f"Привет, {name}!"
```

Формула: $E = mc^2$, и отдельно:

$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$
"""


class CheckFailed(Exception):
    """The check found a real problem: the smoke test fails."""


class CheckWarning(Exception):
    """The check could not fully run for a reason that is not the app's fault (e.g. no keyring here)."""


@dataclass
class Result:
    name: str
    status: str  # "ok", "warn" or "FAIL"
    detail: str
    seconds: float

    def line(self) -> str:
        took = f"{self.seconds * 1000:.0f} ms"
        if self.status == "ok":
            return f"ok {self.name}" + (f" {self.detail}" if self.detail else "") + f" ({took})"
        return f"{self.status} {self.name}: {self.detail} ({took})"


class SmokeTest:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        self.results: list[Result] = []
        self.hung_threads = False
        self._qapp: Any = None

    # --- running ---------------------------------------------------------------------------------

    def run(self, name: str, check: Callable[[], str]) -> Result:
        started = time.perf_counter()
        try:
            status, detail = "ok", check()
        except CheckWarning as exc:
            status, detail = "warn", str(exc)
        except CheckFailed as exc:
            status, detail = "FAIL", str(exc)
        except Exception as exc:  # any other error is a failure, reported with where it happened
            status, detail = "FAIL", _describe(exc)
        result = Result(name, status, detail, time.perf_counter() - started)
        self.results.append(result)
        _emit(result.line())
        return result

    # --- checks ----------------------------------------------------------------------------------

    def check_imports(self) -> str:
        import importlib

        missing = []
        for module in APP_MODULES:
            try:
                importlib.import_module(module)
            except Exception as exc:
                missing.append(f"{module} ({_describe(exc)})")
        if missing:
            raise CheckFailed("cannot import " + "; ".join(missing))
        return ""

    def check_tls(self) -> str:
        """requests verifies HTTPS with certifi's CA file, which a frozen build must carry along."""
        import ssl

        import certifi  # what requests.certs.where() returns

        cafile = Path(certifi.where())
        if not cafile.is_file() or cafile.stat().st_size == 0:
            raise CheckFailed(f"CA bundle missing: {cafile}")
        context = ssl.create_default_context(cafile=str(cafile))
        count = len(context.get_ca_certs())
        if count == 0:
            raise CheckFailed(f"CA bundle has no certificates: {cafile}")
        return f"{count} CA certificates"

    def check_qt(self) -> str:
        from PySide6.QtWidgets import QWidget

        app = self.qapp()
        platform = app.platformName()
        window: Any = None
        made_by = "plain widget"
        factory = _main_window_factory()
        if factory is not None:
            name, create = factory
            window = create(self._window_args())
            if isinstance(window, tuple):  # tolerate (window, services) style factories
                window = next((item for item in window if isinstance(item, QWidget)), None)
            if not isinstance(window, QWidget):
                raise CheckFailed(f"desktop_chat.app.{name} returned {type(window).__name__}, not a widget")
            made_by = f"main window from app.{name}"
        else:
            window = QWidget()
            window.setWindowTitle("Desktop Chat smoke test")
            window.resize(320, 200)
        window.show()
        deadline = time.monotonic() + 0.3  # long enough to lay out and paint once, short enough not to bother
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        if window.width() <= 0 or window.height() <= 0:
            raise CheckFailed("the window has no size after showing it")
        image = window.grab()
        window.close()
        window.deleteLater()
        app.processEvents()
        if image.isNull():
            raise CheckFailed("could not paint the window")
        detail = f"{platform} ({made_by})"
        if factory is None:
            raise CheckWarning(f"{detail}: desktop_chat.app has no {MAIN_WINDOW_FACTORIES[0]}(args)")
        return detail

    def check_store(self) -> str:
        from desktop_chat.store import ChatStore, Message

        store = ChatStore(self.workdir / "store")
        store.open()
        try:
            summary = store.create_chat(title="Smoke test")
            text = "Проверка связи: привет, мир! ∫ x dx"
            message = Message.new("user", text)
            store.append_message(summary.id, message)
            chat = store.load_chat(summary.id)
            if not chat.messages or chat.messages[-1].text != text:
                raise CheckFailed("the message read back differs from the one written")
            if summary.id not in {item.id for item in store.list_chats()}:
                raise CheckFailed("the new chat is missing from list_chats()")
        finally:
            store.close()
        return ""

    def check_keyring(self) -> str:
        """Name the keyring backend and, if it is a real one, do a set/get/delete round trip."""
        require = os.environ.get(ENV_REQUIRE_KEYRING, "") not in ("", "0")
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["detail"] = _keyring_round_trip()
            except BaseException as exc:
                outcome["error"] = exc

        thread = threading.Thread(target=work, name="smoke-keyring", daemon=True)
        thread.start()
        thread.join(KEYRING_TIMEOUT_S)
        if thread.is_alive():
            self.hung_threads = True
            raise CheckFailed(f"no answer within {KEYRING_TIMEOUT_S:.0f} s (a locked keyring? a prompt?)")
        error = outcome.get("error")
        if isinstance(error, _NoKeyring):
            if require:
                raise CheckFailed(f"{error} and {ENV_REQUIRE_KEYRING}=1")
            raise CheckWarning(str(error))
        if isinstance(error, CheckFailed):
            raise error
        if error is not None:
            raise CheckFailed(_describe(error))
        return str(outcome["detail"])

    def check_render(self) -> str:
        self.qapp()  # QImage/QFont need a Gui application
        from desktop_chat.ui.render import render_message

        rendered = render_message(SAMPLE_REPLY, dark=False)
        if not rendered.html or "<" not in rendered.html:
            raise CheckFailed("no HTML was produced")
        if "hello" not in "".join(rendered.code_blocks):
            raise CheckFailed("the code block is missing from code_blocks")
        if not rendered.images:
            raise CheckFailed("no formula image was produced")
        for key, image in rendered.images.items():
            if image.isNull() or image.width() <= 0 or image.height() <= 0:
                raise CheckFailed(f"formula image {key!r} is empty")
        return f"{len(rendered.images)} formula images"

    def check_i18n(self) -> str:
        """The Russian UI: our compiled .qm, and Qt's own strings for standard dialogs (qtbase_ru)."""
        self.qapp()
        from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

        from desktop_chat.ui.i18n import compiled_translation

        qm = compiled_translation("ru")
        if qm is None:
            raise CheckFailed("desktop_chat_ru.qm is missing (scripts/update_translations.py --release)")
        ours = QTranslator()
        if not ours.load(str(qm)):
            raise CheckFailed(f"cannot load {qm}")
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if not QTranslator().load(QLocale("ru"), "qtbase", "_", qt_dir):
            raise CheckFailed(f"Qt's own Russian strings (qtbase_ru.qm) are missing from {qt_dir}")
        if ours.isEmpty():
            raise CheckWarning(f"{qm.name} holds no translated strings yet")
        return "ru"

    # --- helpers ---------------------------------------------------------------------------------

    def qapp(self) -> Any:
        if self._qapp is None:
            from PySide6.QtWidgets import QApplication

            self._qapp = QApplication.instance() or QApplication(["desktop-chat", "--smoke-test"])
        return self._qapp

    def _window_args(self) -> argparse.Namespace:
        args = argparse.Namespace(**vars(self.args))
        args.data_dir = str(self.workdir / "data")
        args.config_dir = str(self.workdir / "config")
        args.smoke_test = True
        return args


class _NoKeyring(Exception):
    """keyring found no usable backend (a warning unless the keyring is required)."""


def _keyring_round_trip() -> str:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    name = _backend_name(backend)
    if isinstance(backend, fail.Keyring) or name in ("null", "chainer()"):
        raise _NoKeyring(f"no system keyring (backend {name}; {_entry_point_note()})")
    user = f"smoke-{uuid.uuid4().hex[:12]}"
    secret = f"smoke-secret-{uuid.uuid4().hex}"
    backend.set_password(SMOKE_SERVICE, user, secret)
    try:
        read = backend.get_password(SMOKE_SERVICE, user)
        if read != secret:
            raise CheckFailed(f"{name}: the secret read back differs from the one stored")
    finally:
        backend.delete_password(SMOKE_SERVICE, user)
    if backend.get_password(SMOKE_SERVICE, user) is not None:
        raise CheckFailed(f"{name}: the secret is still there after delete")
    return f"{name} (set/get/delete a secret)"


def _backend_name(backend: Any) -> str:
    """`SecretService`, `Windows`, `macOS`, `kwallet`, `fail`, or `chainer(a,b)` for a chain."""
    module = type(backend).__module__.rsplit(".", 1)[-1]
    if module == "chainer":
        return "chainer(" + ",".join(_backend_name(b) for b in getattr(backend, "backends", [])) + ")"
    return module


def _entry_point_note() -> str:
    """How many backends keyring can see; 0 in a frozen build means its dist-info metadata was left out."""
    from importlib.metadata import entry_points

    count = len(entry_points(group="keyring.backends"))
    if count == 0:
        return "0 backend entry points: keyring's metadata is missing from this build"
    return f"{count} backend entry points"


def _main_window_factory() -> tuple[str, Callable[[argparse.Namespace], Any]] | None:
    try:
        import desktop_chat.app as app_module
    except ImportError:
        return None
    for name in MAIN_WINDOW_FACTORIES:
        factory = getattr(app_module, name, None)
        if callable(factory):
            return name, factory
    return None


def _describe(exc: BaseException) -> str:
    """Type, message and the innermost frame: enough to find the cause from a CI log line."""
    # Import machinery frames ("<frozen importlib._bootstrap>") say nothing useful.
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith("<")]
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    message = str(exc).replace("\n", " ").strip()
    return f"{type(exc).__name__}: {message}{where}" if message else f"{type(exc).__name__}{where}"


_report_lines: list[str] = []


def _emit(line: str) -> None:
    _report_lines.append(line)
    stream = sys.stderr
    if stream is not None:  # a windowed (no console) Windows build has no stderr at all
        with contextlib.suppress(Exception):
            print(line, file=stream, flush=True)


def _write_report_file() -> None:
    target = os.environ.get(ENV_REPORT)
    if target:
        with contextlib.suppress(OSError):
            Path(target).write_text("\n".join(_report_lines) + "\n", encoding="utf-8")


def _prepare_platform() -> None:
    """No display on Linux (CI, ssh): draw offscreen instead of aborting in the xcb plugin."""
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


@contextlib.contextmanager
def _hermetic_env(workdir: Path) -> Iterator[None]:
    """Point the app's own folders at the throwaway ones while the checks run."""
    saved = {key: os.environ.get(key) for key in ("DESKTOP_CHAT_DATA_DIR", "DESKTOP_CHAT_CONFIG_DIR")}
    os.environ["DESKTOP_CHAT_DATA_DIR"] = str(workdir / "data")
    os.environ["DESKTOP_CHAT_CONFIG_DIR"] = str(workdir / "config")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_smoke_test(args: argparse.Namespace | None = None) -> int:
    """Run every check, print one line each, return the exit status (0 = nothing failed)."""
    from desktop_chat import __version__

    args = args if args is not None else argparse.Namespace(data_dir=None, config_dir=None, api_base=None)
    _report_lines.clear()
    _prepare_platform()
    frozen = "frozen" if getattr(sys, "frozen", False) else "source"
    python = sys.version.split()[0]
    _emit(f"desktop-chat {__version__} smoke test ({frozen}, Python {python}, {sys.platform})")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="desktop-chat-smoke-", ignore_cleanup_errors=True) as tmp:
        workdir = Path(tmp)
        smoke = SmokeTest(args, workdir)
        with _hermetic_env(workdir):
            smoke.run("imports", smoke.check_imports)
            smoke.run("tls", smoke.check_tls)
            smoke.run("qt", smoke.check_qt)
            smoke.run("store", smoke.check_store)
            smoke.run("keyring", smoke.check_keyring)
            smoke.run("render", smoke.check_render)
            smoke.run("i18n", smoke.check_i18n)
    failed = [r.name for r in smoke.results if r.status == "FAIL"]
    warned = [r.name for r in smoke.results if r.status == "warn"]
    took = time.perf_counter() - started
    if failed:
        _emit(f"smoke test FAILED: {', '.join(failed)} ({took:.2f} s)")
    else:
        extra = f", warnings: {', '.join(warned)}" if warned else ""
        _emit(f"smoke test passed{extra} ({took:.2f} s)")
    _write_report_file()
    code = 1 if failed else 0
    if smoke.hung_threads:  # a keyring call still blocks in D-Bus: do not wait for it at exit
        os._exit(code)
    return code
