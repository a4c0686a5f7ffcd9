"""Render the first-run guide and the settings dialog to PNG files (offscreen), for docs and review.

    .venv/bin/python scripts/screenshots_setup.py                 # English, into docs/screenshots/
    .venv/bin/python scripts/screenshots_setup.py --lang ru       # once Russian .qm files exist

With --lang, every resources/translations/*_<lang>.qm is installed before the widgets are built, and
the translator's sheet resources/translations/setup_strings_<lang>.tsv fills in strings the .qm files
do not have yet (a preview of the Russian layout: longer strings are where clipping shows).
Nothing is sent anywhere: the client factory is a stub, and the keyring is a failing one on purpose.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from keyring.backends import fail  # noqa: E402
from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from desktop_chat.api.errors import AuthenticationError  # noqa: E402
from desktop_chat.secrets import EnvOverrides, SecretStore  # noqa: E402
from desktop_chat.settings import Settings  # noqa: E402
from desktop_chat.ui.first_run import FirstRunWizard  # noqa: E402
from desktop_chat.ui.settings_dialog import SettingsDialog  # noqa: E402


def _no_client(credentials: object, base_url: str) -> object:
    raise RuntimeError("screenshots make no requests")


class _RejectingClient:
    """Answers every check as the real service answers a revoked key (no network involved)."""

    def __init__(self, credentials: object, base_url: str) -> None:
        pass

    def check_connection(self, model_uri: str) -> None:
        raise AuthenticationError()


class _SheetTranslator(QTranslator):
    """Translates from an "English<TAB>Translation" sheet, whatever the context."""

    def __init__(self, path: Path, parent: QApplication) -> None:
        super().__init__(parent)
        self.rows = dict(line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if line)

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        return self.rows.get(source)  # None (not "") lets Qt ask the next translator, or keep the source

    def isEmpty(self) -> bool:
        return not self.rows


def _install_translations(app: QApplication, lang: str) -> list[QTranslator]:
    QLocale.setDefault(QLocale(lang))
    folder = ROOT / "resources" / "translations"
    translators: list[QTranslator] = []
    sheet = folder / f"setup_strings_{lang}.tsv"
    if sheet.exists():  # installed first, so compiled .qm files (asked first by Qt) win where they have a string
        translators.append(_SheetTranslator(sheet, app))
    for qm in sorted(folder.glob(f"*_{lang}.qm")):
        translator = QTranslator(app)
        if translator.load(str(qm)):
            translators.append(translator)
    qt_own = QTranslator(app)  # Qt's own button texts (Save, Cancel, Next), as the app installs them
    if qt_own.load(QLocale(lang), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        translators.append(qt_own)
    for translator in translators:
        app.installTranslator(translator)
    return translators


def _save(widget: QWidget, path: Path) -> None:
    app = QApplication.instance()
    assert app is not None
    for _ in range(3):  # let layouts and the grow-to-fit timers settle
        app.processEvents()
    widget.grab().save(str(path))
    print(f"{path} {widget.width()}x{widget.height()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en", help="en (default) or ru")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    app = QApplication(sys.argv)
    app.setStyle("Fusion")  # the same look on every machine that renders them
    translators = _install_translations(app, args.lang) if args.lang != "en" else []
    if args.lang != "en" and not translators:
        print(f"note: no *_{args.lang}.qm in resources/translations; the strings stay English")

    settings = Settings(folder_id="b1g0123456789abcdefg")

    wizard = FirstRunWizard(Settings(), SecretStore(fail.Keyring()), _RejectingClient, lang=args.lang)
    wizard.resize(700, 460)
    wizard.show()
    _save(wizard, args.out / f"first-run-{args.lang}.png")
    wizard.next()
    wizard.details.folder_edit.setText("b1g0123456789abcdefg")
    wizard.details.secret_edit.edit.setText("AQVN" + "x" * 36)
    _save(wizard, args.out / f"first-run-details-{args.lang}.png")
    wizard.next()
    wizard.check.wait()
    _save(wizard, args.out / f"first-run-check-{args.lang}.png")
    wizard.done(0)

    # The no-keyring case is shown on purpose: its warning is the longest text in the dialog.
    dialog = SettingsDialog(settings, SecretStore(fail.Keyring()), EnvOverrides(), _no_client, lang=args.lang)
    dialog.show()
    dialog._loader.wait()
    dialog.folder_edit.deselect()
    _save(dialog, args.out / f"settings-{args.lang}.png")
    dialog.done(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
