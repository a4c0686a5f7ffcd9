"""End to end: the app process under Xvfb, typed into with xdotool, killed with SIGKILL mid-reply,
restarted, and every acknowledged message is still there."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_chat.store.chatfile import read_chat_file
from tests.e2e.conftest import ROOT, wait_for
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID

pytestmark = pytest.mark.e2e


def stored_messages(data_dir: Path) -> list[tuple[str, str, str]]:
    """(role, text, status) of every message on disk, read without opening (or writing) the store."""
    found = []
    for path in sorted((data_dir / "chats").glob("*.jsonl")):
        read = read_chat_file(path, path.stem)
        found += [(m.role, m.text, m.status) for m in read.messages]
    return found


def start_app(display: str, server_url: str, data_dir: Path, config_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "YC_API_KEY": FAKE_API_KEY,
           "YC_FOLDER_ID": FAKE_FOLDER_ID, "DESKTOP_CHAT_PRINT_FIRST_PAINT": "1"}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # no keyring needed: the key comes from the environment
    return subprocess.Popen([sys.executable, "-m", "desktop_chat", "--api-base", server_url,
                             "--data-dir", str(data_dir), "--config-dir", str(config_dir)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def xdotool(display: str, *args: str) -> str:
    result = subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display},
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def focus_window(display: str) -> None:
    window = xdotool(display, "search", "--sync", "--onlyvisible", "--name", "Desktop Chat").splitlines()[0]
    xdotool(display, "windowfocus", "--sync", window)


def type_message(display: str, text: str) -> None:
    # xdotool types Cyrillic by remapping a spare keycode per letter; the very first remapped key can
    # reach the app before the keymap change does (a letter was seen lost even mid-message), so the
    # messages here are Latin; Russian text is typed in the pytest-qt tests instead.
    xdotool(display, "type", "--delay", "150", text)
    xdotool(display, "key", "Return")


def test_type_stream_kill_restart_keeps_everything_acknowledged(xvfb, standalone_server, tmp_path) -> None:
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool is missing: apt-get install xdotool (scripts/test.sh does it)")
    data, config = tmp_path / "data", tmp_path / "config"
    app = start_app(xvfb, standalone_server, data, config)
    try:
        assert app.stdout is not None
        assert app.stdout.readline().startswith("first-paint")
        focus_window(xvfb)
        type_message(xvfb, "Privet, kak dela?")
        wait_for(lambda: [r for r, _t, s in stored_messages(data) if r == "assistant" and s == "final"],
                 timeout=30, what="the first streamed reply on disk")
        first = stored_messages(data)
        assert first[0] == ("user", "Privet, kak dela?", "final")
        assert "Privet, kak dela?" in first[1][1]  # the fake server echoes the question

        type_message(xvfb, "Vtoroy vopros")
        wait_for(lambda: len(stored_messages(data)) == 3, timeout=20, what="the second question on disk")
        # The reply takes 8 chunks x 0.4 s; kill the app while it streams.
        time.sleep(1.2)
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=10)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    acknowledged = stored_messages(data)
    assert acknowledged[:2] == first[:2]
    assert acknowledged[2] == ("user", "Vtoroy vopros", "final")

    again = start_app(xvfb, standalone_server, data, config)
    try:
        assert again.stdout is not None
        assert again.stdout.readline().startswith("first-paint")
        focus_window(xvfb)
        assert stored_messages(data)[:3] == acknowledged[:3]
        # Open the chat from the list (Ctrl+PgDown) and go on: the new request must carry the whole
        # acknowledged history, which the fake server counts in its reply.
        xdotool(xvfb, "key", "ctrl+Next")
        type_message(xvfb, "ok, tretiy vopros")
        wait_for(lambda: len(stored_messages(data)) == 5 and stored_messages(data)[-1][2] == "final",
                 timeout=30, what="the reply after the restart")
        final = stored_messages(data)
        assert final[:3] == acknowledged[:3]
        assert final[3] == ("user", "ok, tretiy vopros", "final")
        assert "Сообщений в запросе: 4." in final[4][1]
        assert again.poll() is None
    finally:
        again.terminate()
        try:
            again.wait(timeout=10)
        except subprocess.TimeoutExpired:
            again.kill()


def test_an_openai_compatible_turn_and_an_economy_reply_across_a_restart(xvfb, tmp_path) -> None:
    from desktop_chat.chat.pending import PendingReplies
    from desktop_chat.store import ChatSettings, ChatStore

    data, config = tmp_path / "data", tmp_path / "config"
    store = ChatStore(data, auto_backup=False, search_in_background=False)
    store.open()
    qwen = store.create_chat("Qwen", ChatSettings(model="qwen3-235b-a22b-fp8"))
    economy = store.create_chat("Economy", ChatSettings(model="yandexgpt-lite", economy=True))
    store.close()
    server = subprocess.Popen([sys.executable, "-m", "tests.fakes.yandex_server", "--port", "0",
                               "--chunk-delay", "0.05", "--polls-until-done", "4"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    url = server.stdout.readline().strip().split()[-1]

    def chat_messages(chat_id: str) -> list[tuple[str, str, str]]:
        path = data / "chats" / f"{chat_id}.jsonl"
        return [(m.role, m.text, m.status) for m in read_chat_file(path, chat_id).messages]

    app = start_app(xvfb, url, data, config)
    try:
        assert app.stdout is not None and app.stdout.readline().startswith("first-paint")
        focus_window(xvfb)
        xdotool(xvfb, "key", "ctrl+Next")  # the newest chat: Economy
        type_message(xvfb, "Ekonomny vopros")
        wait_for(lambda: PendingReplies(data).all(), timeout=20, what="the operation id on disk")
        app.send_signal(signal.SIGKILL)  # closed while the reply is still being prepared
        app.wait(timeout=10)
        assert chat_messages(economy.id) == [("user", "Ekonomny vopros", "final")]

        app = start_app(xvfb, url, data, config)
        assert app.stdout is not None and app.stdout.readline().startswith("first-paint")
        wait_for(lambda: len(chat_messages(economy.id)) == 2, timeout=30, what="the economy reply after restart")
        assert chat_messages(economy.id)[1][0::2] == ("assistant", "final")
        wait_for(lambda: not PendingReplies(data).all(), timeout=10, what="the pending list emptied")

        focus_window(xvfb)
        xdotool(xvfb, "key", "ctrl+Next")
        xdotool(xvfb, "key", "ctrl+Next")  # the second chat in the list: Qwen
        type_message(xvfb, "Vopros dlya Qwen")
        wait_for(lambda: len(chat_messages(qwen.id)) == 2 and chat_messages(qwen.id)[1][2] == "final",
                 timeout=30, what="the OpenAI-compatible reply")
        path = data / "chats" / f"{qwen.id}.jsonl"
        assert read_chat_file(path, qwen.id).messages[1].model == "qwen3-235b-a22b-fp8"
    finally:
        if app.poll() is None:
            app.terminate()
            try:
                app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                app.kill()
        server.terminate()
        server.wait(timeout=10)
