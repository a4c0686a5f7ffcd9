"""Walk through the first-run guide and the settings dialog offscreen, save a PNG at each step, and estimate
how long a new person needs for the whole setup.

    .venv/bin/python scripts/screenshots_setup.py                 # English, into docs/screenshots/
    .venv/bin/python scripts/screenshots_setup.py --lang ru       # Russian (compiled .qm + the setup sheet)

Each step is driven as a person does it (typing, pasting, pressing Next); the widgets are grabbed with
QWidget.grab(). The estimate adds, per step, reading time for the words shown (150 words a minute: a
careful first read) and an estimate of what a person does there in the browser (signing in, pressing
"Create API key", copying two values): those seconds are estimates, not measured in AI Studio.
Nothing is sent anywhere: the check answers from a stub, and the keyring is an in-memory one (and a
failing one for the no-password-storage shot).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from keyring.backend import KeyringBackend  # noqa: E402
from keyring.backends import fail  # noqa: E402
from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget, QWizard  # noqa: E402

from desktop_chat.secrets import EnvOverrides, SecretStore  # noqa: E402
from desktop_chat.settings import Settings  # noqa: E402
from desktop_chat.ui.first_run import FirstRunWizard  # noqa: E402
from desktop_chat.ui.settings_dialog import SettingsDialog  # noqa: E402

FOLDER = "b1g0123456789abcdefg"
API_KEY = "AQVN" + "x" * 36
WORDS_PER_MINUTE = 150
# What a person does outside the app at each step, in seconds: estimates for someone already signed in
# to Yandex ID (a first sign-up with a bank card adds a few minutes on top). Not measured in AI Studio.
ACTIONS = {
    "intro": ("open AI Studio from the link, sign in, press Create API key, copy the key", 55),
    "details": ("paste the key, go back for the folder ID, copy it, paste it", 25),
    "details-filled": ("read the notes, press Next", 3),
    "check": ("wait for the check, press Start chatting", 4),
}


class _MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


class _AnsweringClient:
    """Answers the check as the real service answers a good key (no network involved)."""

    def __init__(self, credentials: object, base_url: str) -> None:
        pass

    def check_connection(self, model_uri: str) -> None:
        time.sleep(0.3)  # about what the real tokenizer call takes


def _no_client(credentials: object, base_url: str) -> object:
    raise RuntimeError("screenshots make no requests")


class _SheetTranslator(QTranslator):
    """Translates from an "English<TAB>Translation" sheet, whatever the context."""

    def __init__(self, path: Path, parent: QApplication) -> None:
        super().__init__(parent)
        self.rows = dict(line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if line)

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        return self.rows.get(source)

    def isEmpty(self) -> bool:
        return not self.rows


def _install_translations(app: QApplication, lang: str) -> list[QTranslator]:
    QLocale.setDefault(QLocale(lang))
    folder = ROOT / "resources" / "translations"
    translators: list[QTranslator] = []
    sheet = folder / f"setup_strings_{lang}.tsv"
    if sheet.exists():
        translators.append(_SheetTranslator(sheet, app))
    for qm in sorted(folder.glob(f"*_{lang}.qm")):
        translator = QTranslator(app)
        if translator.load(str(qm)):
            translators.append(translator)
    qt_own = QTranslator(app)
    if qt_own.load(QLocale(lang), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        translators.append(qt_own)
    for translator in translators:
        app.installTranslator(translator)
    return translators


def _settle() -> None:
    app = QApplication.instance()
    assert app is not None
    for _ in range(4):
        app.processEvents()


def _save(widget: QWidget, path: Path) -> None:
    _settle()
    widget.grab().save(str(path))
    print(f"{path.relative_to(ROOT)} {widget.width()}x{widget.height()}")


def _words(widget: QWidget) -> int:
    """Words a person reads on this page: visible labels and the page's title and subtitle."""
    texts = [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]
    texts += [button.text() for button in widget.findChildren(QAbstractButton) if button.isVisible()]
    plain = re.sub(r"<[^>]+>", " ", " ".join(texts))
    return len(re.findall(r"\w+", plain))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en", help="en (default) or ru")
    parser.add_argument("--theme", default="light", choices=["light", "dark"])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    lang = args.lang

    app = QApplication(sys.argv)
    app.setStyle("Fusion")  # the same look on every machine that renders them
    from desktop_chat.ui.theme import apply_theme

    apply_theme(app, args.theme)
    lang_tag = f"{args.lang}-dark" if args.theme == "dark" else args.lang  # light shots keep their names
    if lang != "en" and not _install_translations(app, lang):
        print(f"note: no *_{lang}.qm in resources/translations; the strings stay English")

    import keyring

    keyring.set_keyring(_MemoryKeyring())
    steps: list[tuple[str, int, str, int]] = []  # (step, words, action, seconds)

    def step(name: str, widget: QWidget) -> None:
        action, seconds = ACTIONS.get(name, ("", 0))
        steps.append((name, _words(widget), action, seconds))

    started = time.perf_counter()
    wizard = FirstRunWizard(Settings(), SecretStore(), _AnsweringClient, lang=lang)
    wizard.resize(720, 520)
    wizard.show()
    step("intro", wizard)
    _save(wizard, args.out / f"first-run-{lang_tag}.png")
    wizard.next()
    step("details", wizard)
    _save(wizard, args.out / f"first-run-details-empty-{lang_tag}.png")
    details = wizard.details
    details.secret_edit.edit.setText(API_KEY)
    details.form._on_secret_edited(API_KEY)
    details.folder_edit.setText(FOLDER)
    _save(wizard, args.out / f"first-run-details-{lang_tag}.png")
    steps.append(("details-filled", 0, *ACTIONS["details-filled"]))
    wizard.next()
    wizard.check.wait()
    _settle()
    assert wizard.check_page.outcome == "ok"
    assert not wizard.button(QWizard.WizardButton.CustomButton1).isVisible()
    step("check", wizard)
    _save(wizard, args.out / f"first-run-check-{lang_tag}.png")
    app_seconds = time.perf_counter() - started
    wizard.done(0)

    # The settings dialog: the usual view, and Advanced open on a machine with no password storage.
    dialog = SettingsDialog(Settings(folder_id=FOLDER), SecretStore(), EnvOverrides(), _no_client, lang=lang)
    dialog.show()
    dialog.account.wait_loaded()
    dialog.folder_edit.deselect()
    _save(dialog, args.out / f"settings-{lang_tag}.png")
    dialog.done(0)
    dialog = SettingsDialog(Settings(folder_id=FOLDER, auth_kind="iam_token"), SecretStore(fail.Keyring()),
                            EnvOverrides(), _no_client, lang=lang)
    dialog.show()
    dialog.account.wait_loaded()
    iam_token = "t1.9euelZqPnZ." + "A" * 86
    dialog.secret_edit.setText(iam_token)
    dialog.account._on_secret_edited(iam_token)  # as pasted: the note says until when it works
    _save(dialog, args.out / f"settings-advanced-{lang_tag}.png")
    dialog.done(0)

    total = 0.0
    print(f"\nwalkthrough ({lang}): step, words read, reading s, action, action s")
    for name, words, action, seconds in steps:
        reading = words * 60 / WORDS_PER_MINUTE
        total += reading + seconds
        print(f"  {name:15} {words:4} {reading:5.0f}  {action} {seconds}")
    print(f"  the app itself (pages, the check): {app_seconds:.1f} s")
    print(f"estimated total for a new person with a Yandex ID: {total / 60:.1f} min "
          f"(estimated; a first sign-up with a bank card adds a few minutes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
