"""Regression: PySide6 6.12.0 on CPython 3.11 aborts after a few thousand Qt calls that return None
(each drops one reference to None; see platform-notes). The pin in pyproject.toml prevents it; this
test proves the installed combination survives far more calls than the crash needed."""

import subprocess
import sys

SCRIPT = """
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for i in range(20000):
    label.setText("x")
    label.setObjectName("y")
print("survived")
"""


def test_twenty_thousand_void_qt_calls_do_not_crash() -> None:
    # A child process: the crash is a fatal abort that would take the test runner down with it.
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "survived"


def test_version_has_one_source() -> None:
    from desktop_chat import __version__

    result = subprocess.run([sys.executable, "-m", "desktop_chat", "--version"], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0
    assert result.stdout.strip() == f"desktop-chat {__version__}"
