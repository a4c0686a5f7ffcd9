"""Qt translations: `.ts` sources live in resources/translations; `.qm` files are compiled from them
by the build (scripts/update_translations.py --release) or, when missing or older than the source, at start-up
with the `lrelease` that ships with PySide6 (into the user's cache folder)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop_chat.resources import translations_dir

log = logging.getLogger(__name__)
_installed: list[QTranslator] = []


def ui_language(choice: str) -> str:
    """"ru" or "en": the setting, or the OS language when it says "system"."""
    if choice in ("ru", "en"):
        return choice
    return "ru" if QLocale.system().language() == QLocale.Language.Russian else "en"


def lrelease_path() -> Path | None:
    import PySide6

    for name in ("lrelease", "lrelease.exe"):
        candidate = Path(PySide6.__file__).parent / name
        if candidate.exists():
            return candidate
    return None


def compile_ts(ts: Path, qm: Path) -> bool:
    tool = lrelease_path()
    if tool is None:
        return False
    import subprocess  # here: only when a translation is compiled (not at every start, before the first paint)

    qm.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([str(tool), "-silent", str(ts), "-qm", str(qm)], capture_output=True, timeout=60)
    return result.returncode == 0 and qm.exists()


def compiled_translation(language: str) -> Path | None:
    """The .qm file for a language, compiling it first when it is missing or stale."""
    ts = translations_dir() / f"desktop_chat_{language}.ts"
    qm = ts.with_suffix(".qm")
    if qm.exists() and (not ts.exists() or qm.stat().st_mtime >= ts.stat().st_mtime):
        return qm
    if not ts.exists():
        return None
    import platformdirs

    cached = Path(platformdirs.user_cache_dir("DesktopChat", "DesktopChat")) / qm.name
    if cached.exists() and cached.stat().st_mtime >= ts.stat().st_mtime:
        return cached
    import subprocess

    try:
        return cached if compile_ts(ts, cached) else None
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("could not compile translations: %s", error)
        return None


def install_translator(app: QCoreApplication, language: str) -> bool:
    """Switches the UI language; widgets get a LanguageChange event and retranslate themselves."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language == "en":
        return True
    loaded = False
    qm = compiled_translation(language)
    if qm is not None:
        translator = QTranslator(app)
        if translator.load(str(qm)):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded = True
    # Qt's own strings: the buttons of standard dialogs ("Cancel", "OK"...).
    qt_translator = QTranslator(app)
    qt_translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_translator.load(QLocale(language), "qtbase", "_", qt_translations):
        app.installTranslator(qt_translator)
        _installed.append(qt_translator)
    return loaded
