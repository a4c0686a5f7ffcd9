"""A second instance hands over to the first (issue 17): QLocalServer keyed by the data folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalServer

from desktop_chat.ui.single_instance import SingleInstance, hand_over, server_name

ROOT = Path(__file__).resolve().parents[2]


def unique() -> str:
    return f"desktop-chat-test-{uuid.uuid4().hex[:12]}"


SECOND = ("import sys\nfrom PySide6.QtCore import QCoreApplication\n"
          "from desktop_chat.ui.single_instance import hand_over\n"
          "app = QCoreApplication([])\nsys.exit(0 if hand_over(sys.argv[1], sys.argv[2:]) else 3)\n")


def second_instance(name: str, args: list[str]) -> subprocess.Popen[bytes]:
    """What a second start does: hand over and exit 0 (3 when nobody took it). A process, because
    hand_over blocks (holding the GIL) while this process's event loop must answer it."""
    return subprocess.Popen([sys.executable, "-c", SECOND, name, *args],
                            env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"})


def finish(qtbot, child: subprocess.Popen[bytes]) -> int:
    qtbot.waitUntil(lambda: child.poll() is not None, timeout=10000)  # the event loop runs meanwhile
    return child.returncode


def test_the_name_follows_the_data_folder(tmp_path: Path) -> None:
    assert server_name(tmp_path / "a") == server_name(tmp_path / "a")
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert len(server_name(tmp_path / ("x" * 300))) < 100


def test_a_second_instance_hands_its_arguments_to_the_first(qtbot) -> None:
    first, other = SingleInstance(unique()), SingleInstance(unique())
    assert first.listen() and other.listen()
    seen_by_other: list[list[str]] = []
    other.activated.connect(seen_by_other.append)
    with qtbot.waitSignal(first.activated, timeout=10000) as blocker:
        child = second_instance(first.name, ["--open", "чат.json"])
    assert finish(qtbot, child) == 0
    assert blocker.args == [["--open", "чат.json"]]
    assert seen_by_other == []  # another folder's instance heard nothing
    first.close()
    other.close()


def test_nobody_listening_means_start_normally() -> None:
    started = time.monotonic()
    assert hand_over(unique(), ["x"], timeout_ms=500) is False
    assert time.monotonic() - started < 2


def test_garbage_from_a_client_is_refused(qtbot) -> None:
    from PySide6.QtNetwork import QLocalSocket

    first = SingleInstance(unique())
    assert first.listen()
    fired: list[object] = []
    first.activated.connect(fired.append)

    for garbage in (b'{"not": "a list"}\n', b"[" * 100_000 + b"\n", b"x" * 200_000):
        sock = QLocalSocket()
        sock.connectToServer(first.name)
        assert sock.waitForConnected(2000)
        sock.write(garbage)
        sock.flush()
        qtbot.waitUntil(lambda s=sock: s.state() == QLocalSocket.LocalSocketState.UnconnectedState, timeout=5000)
    assert fired == []
    first.close()


@pytest.mark.skipif(sys.platform == "win32", reason="a stale Unix socket file is a POSIX thing")
def test_a_stale_name_left_by_a_crash_is_taken_over(qtbot) -> None:
    name = unique()
    probe = QLocalServer()
    assert probe.listen(name)
    path = probe.fullServerName()
    probe.close()
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(path)  # a socket file nobody listens on, as after a crash
    stale.close()
    assert os.path.exists(path)
    first = SingleInstance(name)
    assert first.listen()
    with qtbot.waitSignal(first.activated, timeout=10000):
        child = second_instance(name, [])
    assert finish(qtbot, child) == 0
    first.close()


def test_with_nobody_listening_the_second_process_starts_normally(qtbot, tmp_path: Path) -> None:
    assert finish(qtbot, second_instance(server_name(tmp_path / "data"), ["x"])) == 3
