"""Both providers behind the ChatProvider seam, against the fake server over real HTTP."""

import time

import pytest

from desktop_chat.api import CancelToken, ChatMessage, CompletionOptions, Status
from desktop_chat.providers.base import Account, ChatProvider
from desktop_chat.providers.openai_compat import OpenAICompatProvider
from desktop_chat.providers.yandex_native import YandexNativeProvider
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID, FAKE_MODEL_URI, FAKE_QWEN_URI

OPTIONS = CompletionOptions()


@pytest.fixture
def account(fake_server):
    return Account(FAKE_FOLDER_ID, "api_key", FAKE_API_KEY, fake_server.url)


@pytest.fixture
def native(account):
    provider = YandexNativeProvider(account, timeout=5.0, backoff=0.01)
    yield provider
    provider.close()


@pytest.fixture
def compat(account):
    provider = OpenAICompatProvider(account, timeout=5.0, backoff=0.01)
    yield provider
    provider.close()


def test_both_are_chat_providers(native, compat):
    providers: list[ChatProvider] = [native, compat]  # mypy checks the protocol here
    assert all(callable(p.stream) and callable(p.count_tokens) for p in providers)


def test_openai_provider_yields_whole_text_so_far(fake_server, compat):
    fake_server.script_chat(deltas=["Один", ", два", ", три"], reasoning=["мысль"], delay=0)
    items = list(compat.stream(FAKE_QWEN_URI, [ChatMessage("user", "hi")], OPTIONS, CancelToken()))
    assert [c.text for c in items] == ["", "Один", "Один, два", "Один, два, три", "Один, два, три"]
    assert items[-1].reasoning_text == "мысль" and items[-1].status is Status.FINAL
    assert compat.count_tokens(FAKE_QWEN_URI, [ChatMessage("user", "hi")], OPTIONS) is None
    assert compat.list_models()[0] == "gpt://b1ge6b3ojkeeciv997a8/aliceai-llm/latest"
    assert fake_server.last_request.headers["openai-project"] == FAKE_FOLDER_ID


def test_native_provider_replaces(fake_server, native):
    fake_server.script_reply(chunks=["Hel", "Hello wor", "Help, world"], delay=0)
    items = list(native.stream(FAKE_MODEL_URI, [ChatMessage("user", "hi")], OPTIONS, CancelToken()))
    assert [c.text for c in items] == ["Hel", "Hello wor", "Help, world"]
    messages = [ChatMessage("system", "s"), ChatMessage("user", "hi")]
    assert native.count_tokens(FAKE_MODEL_URI, messages, OPTIONS) == len(
        native.client.tokenize_completion(FAKE_MODEL_URI, messages, OPTIONS)
    )
    assert native.list_models() == []


def test_reasoning_switch_on_both_surfaces(fake_server, native, compat):
    thinking = CompletionOptions(reasoning=True)
    list(native.stream(FAKE_MODEL_URI, [ChatMessage("user", "hi")], thinking, CancelToken()))
    assert fake_server.last_request.body["completionOptions"]["reasoningOptions"] == {"mode": "ENABLED_HIDDEN"}
    list(native.stream(FAKE_MODEL_URI, [ChatMessage("user", "hi")], OPTIONS, CancelToken()))
    assert "reasoningOptions" not in fake_server.last_request.body["completionOptions"]
    gpt_oss = f"gpt://{FAKE_FOLDER_ID}/gpt-oss-20b/latest"
    items = list(compat.stream(gpt_oss, [ChatMessage("user", "hi")], thinking, CancelToken()))
    assert fake_server.last_request.body["reasoning_effort"] == "high"
    assert items[-1].reasoning_text and items[-1].usage and items[-1].usage.reasoning_tokens > 0


def test_a_chat_moving_between_surfaces_keeps_its_history(fake_server, native, compat):
    history = [ChatMessage("system", "Будь краток"), ChatMessage("user", "Первый вопрос")]
    *_, first = native.stream(FAKE_MODEL_URI, history, OPTIONS, CancelToken())
    history += [ChatMessage("assistant", first.text), ChatMessage("user", "Второй вопрос")]
    *_, second = compat.stream(FAKE_QWEN_URI, history, OPTIONS, CancelToken())
    history += [ChatMessage("assistant", second.text), ChatMessage("user", "Третий")]
    *_, third = native.stream(FAKE_MODEL_URI, history, OPTIONS, CancelToken())
    assert third.text == "Вы написали: «Третий». Сообщений в запросе: 6."
    native_body, compat_body, last_body = (r.body for r in fake_server.requests)
    assert [m["text"] for m in last_body["messages"]] == [m.text for m in history]
    assert [m["content"] for m in compat_body["messages"]] == [m.text for m in history[:4]]
    assert [m["role"] for m in compat_body["messages"]] == ["system", "user", "assistant", "user"]
    assert len(native_body["messages"]) == 2


def test_openai_provider_cancel(fake_server, compat):
    fake_server.stall_next(after_chunks=1)
    token = CancelToken()
    items = []
    started = None
    for item in compat.stream(FAKE_QWEN_URI, [ChatMessage("user", "hi")], OPTIONS, token):
        items.append(item)
        started = time.monotonic()
        token.cancel()
    assert started is not None and time.monotonic() - started < 0.2
    assert len(items) == 1
