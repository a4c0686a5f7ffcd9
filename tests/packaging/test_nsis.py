"""The Windows installer script compiles (with makensis, against a stand-in payload).

The real installer needs the Windows bundle (PyInstaller cannot cross-compile); this catches syntax
errors, missing includes or language strings, and warnings (compiled with -WX) on every run.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.helpers import PACKAGING, ROOT

NSI = PACKAGING / "windows" / "installer.nsi"


def test_installer_script_compiles(tmp_path: Path) -> None:
    if shutil.which("makensis") is None:
        pytest.fail("makensis is not installed: apt-get install -y --no-install-recommends nsis", pytrace=False)
    out = tmp_path / "DesktopChat-test-setup.exe"  # a bare "setup.exe" draws NSIS warning 9000
    result = subprocess.run(["bash", str(PACKAGING / "windows" / "check_nsis.sh"), str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    data = out.read_bytes()
    assert data[:2] == b"MZ" and b"Nullsoft" in data, "not an NSIS installer"


def test_uninstaller_keeps_user_data_by_default() -> None:
    """The 'delete my chats' choice starts unchecked and guards the only recursive delete of user data."""
    text = NSI.read_text(encoding="utf-8")
    assert "StrCpy $DeleteUserData ${BST_UNCHECKED}" in text
    guarded = text.split("${If} $DeleteUserData == ${BST_CHECKED}", 1)
    assert len(guarded) == 2, "the user-data delete must be inside the checkbox's If"
    assert "$APPDATA" not in guarded[0].split('Section "Uninstall"', 1)[1], "user data deleted unconditionally"
    for language in ("English", "Russian"):
        assert f'!insertmacro MUI_LANGUAGE "{language}"' in text


def test_numeric_version() -> None:
    script = PACKAGING / "windows" / "numeric_version.sh"
    for given, expected in (("0.1.0", "0.1.0.0"), ("1.2rc1", "1.2.0.0"), ("2.3.4.5", "2.3.4.5")):
        result = subprocess.run(["bash", str(script), given], capture_output=True, text=True, check=True)
        assert result.stdout.strip() == expected
