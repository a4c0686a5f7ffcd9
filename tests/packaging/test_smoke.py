"""`desktop-chat --smoke-test` from the source tree: what the installers' tests run on a frozen build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.packaging.helpers import ROOT, assert_smoke_passed, smoke_statuses


def _run(env: dict[str, str], timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop_chat", "--smoke-test"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTOP_CHAT_")}
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    return env


def _no_keyring_env(**extra: str) -> dict[str, str]:
    # keyring honours PYTHON_KEYRING_BACKEND: the "no keyring at all" case, whatever this machine has.
    return _env(PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", **extra)


def test_passes_with_a_real_secret_service(secret_service) -> None:
    env = dict(secret_service.env, QT_QPA_PLATFORM="offscreen", DESKTOP_CHAT_SMOKE_REQUIRE_KEYRING="1")
    result = _run(env)
    assert_smoke_passed(result.returncode, result.stderr, keyring_backend="SecretService")


def test_no_keyring_is_a_warning(tmp_path: Path) -> None:
    report = tmp_path / "smoke.txt"
    result = _run(_no_keyring_env(DESKTOP_CHAT_SMOKE_REPORT=str(report)))
    statuses = smoke_statuses(result.stderr)
    assert statuses.get("keyring") == "warn", result.stderr
    assert "no system keyring" in result.stderr
    assert result.returncode == 0, result.stderr
    # The report file (for windowed builds without a console) carries the same lines (stderr may also
    # hold Qt's own warnings, such as the offscreen plugin's "does not support propagateSizeHints()").
    lines = report.read_text(encoding="utf-8").splitlines()
    assert lines and lines == [line for line in result.stderr.splitlines() if line in lines]
    assert smoke_statuses("\n".join(lines)) == statuses


def test_no_keyring_fails_when_required() -> None:
    result = _run(_no_keyring_env(DESKTOP_CHAT_SMOKE_REQUIRE_KEYRING="1"))
    assert result.returncode == 1
    assert smoke_statuses(result.stderr).get("keyring") == "FAIL", result.stderr
    assert "smoke test FAILED: keyring" in result.stderr.splitlines()[-1]


def test_does_not_touch_the_users_folders(tmp_path: Path) -> None:
    """The store and the window get throwaway folders, even when the user's are given."""
    data, config = tmp_path / "data", tmp_path / "config"
    result = _run(_no_keyring_env(DESKTOP_CHAT_DATA_DIR=str(data), DESKTOP_CHAT_CONFIG_DIR=str(config)))
    assert result.returncode == 0, result.stderr
    assert not data.exists() and not config.exists()
