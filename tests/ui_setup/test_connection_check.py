"""ConnectionCheck / BackgroundCall: results come back as signals on the GUI thread, never the secret."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from desktop_chat.api import Credentials
from desktop_chat.api.errors import RateLimitError
from desktop_chat.ui.connection_check import (
    FAILURE_INVALID_ADDRESS,
    FAILURE_UNEXPECTED,
    BackgroundCall,
    ConnectionCheck,
)
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID, FAKE_MODEL_URI

CREDENTIALS = Credentials(kind="api_key", secret=FAKE_API_KEY, folder_id=FAKE_FOLDER_ID)


def run_check(qtbot, make_client, base_url="https://llm.api.cloud.yandex.net", lang="en"):
    check = ConnectionCheck(make_client, lang)
    outcome: list[tuple] = []
    check.succeeded.connect(lambda: outcome.append(("ok",)))
    check.failed.connect(lambda message, kind: outcome.append((kind, message)))
    with qtbot.waitSignal(check.finished, timeout=10000):
        check.start(CREDENTIALS, base_url, FAKE_MODEL_URI)
    assert len(outcome) == 1
    return outcome[0]


def test_success_against_the_fake_server(qtbot, fake_server, real_client_factory):
    assert run_check(qtbot, real_client_factory, fake_server.url) == ("ok",)


def test_api_errors_carry_kind_and_plain_message(qtbot, fake_server, real_client_factory):
    fake_server.fail_next(429)
    kind, message = run_check(qtbot, real_client_factory, fake_server.url, lang="ru")
    assert kind == "rate_limit" and message == RateLimitError().user_message("ru")


def test_plain_http_to_another_host_is_refused_before_sending(qtbot, real_client_factory):
    kind, message = run_check(qtbot, real_client_factory, "http://example.com")
    assert kind == FAILURE_INVALID_ADDRESS and "https://" in message
    assert FAKE_API_KEY not in message


def test_unexpected_errors_name_only_the_type(qtbot):
    def make(credentials: Credentials, base_url: str) -> object:
        raise RuntimeError(f"boom {credentials.secret}")  # a careless message must not reach the UI

    kind, message = run_check(qtbot, make)
    assert kind == FAILURE_UNEXPECTED and "RuntimeError" in message and FAKE_API_KEY not in message


def test_work_happens_on_another_thread(qtbot):
    seen: list[object] = []

    def work() -> int:
        seen.append(QThread.currentThread())
        return threading.get_ident()

    call = BackgroundCall()
    with qtbot.waitSignal(call.done, timeout=5000) as blocker:
        call.start(work)
    assert seen[0] is not QThread.currentThread()
    assert blocker.args[0] != threading.get_ident()
    qtbot.waitUntil(lambda: not call.is_running())


def test_a_new_check_replaces_a_running_one(qtbot, gated_client):
    check = ConnectionCheck(gated_client.factory)
    results: list[str] = []
    check.succeeded.connect(lambda: results.append("ok"))
    check.start(CREDENTIALS, "https://x", FAKE_MODEL_URI)
    qtbot.waitUntil(gated_client.entered.is_set)
    gated_client.entered.clear()
    check.start(CREDENTIALS, "https://y", FAKE_MODEL_URI)  # the first answer is stale now
    qtbot.waitUntil(gated_client.entered.is_set)
    with qtbot.waitSignal(check.finished, timeout=5000):
        gated_client.release.set()
    assert results == ["ok"]


def test_the_check_is_free_even_for_models_without_a_tokenizer():
    from desktop_chat.api.models import model_uri
    from desktop_chat.ui.connection_check import checkable_uri

    folder = "b1gfolder0000000000a"
    native = model_uri(folder, "yandexgpt/rc")
    assert checkable_uri(native, folder) == native  # the chosen model itself is proved
    assert checkable_uri(model_uri(folder, "deepseek-v32"), folder) == model_uri(folder, "yandexgpt-lite")


def test_a_model_only_the_openai_api_serves_is_proved_by_the_free_model_list(qtbot, fake_server,
                                                                              real_client_factory):
    from desktop_chat.api.models import model_uri
    from desktop_chat.ui.connection_check import FAILURE_MODEL_NOT_LISTED, ConnectionCheck

    credentials = Credentials("api_key", FAKE_API_KEY, FAKE_FOLDER_ID)
    check = ConnectionCheck(real_client_factory)
    outcome: list[tuple] = []
    check.succeeded.connect(lambda: outcome.append(("ok",)))
    check.failed.connect(lambda message, kind: outcome.append((kind, message)))
    # Waiting for `finished` (not the answer): the thread has ended before `check` may be collected.
    with qtbot.waitSignal(check.finished, timeout=10000):
        check.start(credentials, fake_server.url, model_uri(FAKE_FOLDER_ID, "gpt-oss-120b"))
    assert outcome == [("ok",)]
    paths = [r.path for r in fake_server.requests]
    assert paths == ["/foundationModels/v1/tokenize", "/v1/models"]  # both free
    with qtbot.waitSignal(check.finished, timeout=10000):
        check.start(credentials, fake_server.url, model_uri(FAKE_FOLDER_ID, "deepseek-v32"))  # not in the list
    kind, message = outcome[-1]
    assert kind == FAILURE_MODEL_NOT_LISTED and "not offered in your folder" in message
    assert not any(r.path == "/v1/chat/completions" for r in fake_server.requests)
