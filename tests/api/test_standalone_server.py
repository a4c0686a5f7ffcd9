"""`python -m tests.fakes.yandex_server` serves until stopped and prints its URL first."""

import subprocess
import sys
from pathlib import Path

import pytest

from desktop_chat.api import AuthenticationError, ChatMessage, Credentials, Status, YandexGptClient
from tests.fixtures.fake_server import FAKE_MODEL_URI

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def standalone():
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.yandex_server", "--port", "0", "--api-key", "only-this-key",
         "--chunk-delay", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_standalone_server(standalone):
    assert standalone.startswith("http://127.0.0.1:")
    with YandexGptClient(Credentials("api_key", "only-this-key"), standalone) as client:
        items = list(client.stream(FAKE_MODEL_URI, [ChatMessage("user", "/long 100")]))
        assert items[-1].status is Status.FINAL and len(items) == 7  # 100 tokens, 15 per chunk
        with pytest.raises(AuthenticationError):
            client.complete(FAKE_MODEL_URI, [ChatMessage("user", "/fail 401")])
    with YandexGptClient(Credentials("api_key", "bad"), standalone) as c, pytest.raises(AuthenticationError):
        c.complete(FAKE_MODEL_URI, [ChatMessage("user", "hi")])
