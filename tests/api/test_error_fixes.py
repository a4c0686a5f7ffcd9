"""Every error says its real fix (issue 16), in Russian and English, on both API surfaces, from Yandex's
own table (yandex-api.md §12); the reply's request ids stay with the error; never the key."""

import pytest

from desktop_chat.api import (
    ApiError,
    AuthenticationError,
    CancelToken,
    ChatMessage,
    ContextTooLongError,
    Credentials,
    GatewayTimeoutError,
    OpenAICompatClient,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    StreamError,
    YandexGptClient,
)
from desktop_chat.api.errors import (
    AbortedError,
    BadRequestError,
    CancelledError,
    FolderMismatchError,
    ModelUnavailableError,
    error_from_payload,
    message_for_kind,
)
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID, FAKE_MODEL_URI, FAKE_QWEN_URI

HELLO = [ChatMessage("user", "Привет")]
SCOPE = "yc.ai.foundationModels.execute"
FOLDER = (
    "The folder ID does not match the key: either the folder ID is wrong, or the key's service account has no "
    "access to that folder. Open Settings and check the folder ID (copy it from the Yandex Cloud console), or use "
    "a key of a service account in that folder.",
    "ID каталога не подходит к ключу: либо ID каталога указан неверно, либо у сервисного аккаунта ключа нет "
    "доступа к этому каталогу. Откройте настройки и проверьте ID каталога (скопируйте его из консоли Yandex "
    "Cloud) или используйте ключ сервисного аккаунта из этого каталога.",
)
MODEL = (
    "This model is not available in your folder, or its address is wrong. Pick another model for this chat from "
    "the list, and check the folder ID in Settings.",
    "Эта модель недоступна в вашем каталоге или её адрес указан неверно. Выберите для этого чата другую модель "
    "из списка и проверьте ID каталога в настройках.",
)
UNKNOWN_KEY = (
    "Yandex Cloud does not know this API key. Check that you copied the whole key. If you did, the key was made "
    f"with the wrong scope: create a new API key with the scope {SCOPE} (the AI Studio console makes one in one "
    "step) and paste it in Settings.",
    "Yandex Cloud не знает этот API-ключ. Проверьте, что ключ скопирован целиком. Если да, ключ создан с неверной "
    f"областью действия: создайте новый API-ключ с областью {SCOPE} (в консоли AI Studio это делается в один "
    "шаг) и вставьте его в настройках.",
)
KEY_EXPIRED = (
    f"This API key has expired: its lifetime is over. Create a new API key (scope {SCOPE}) and paste it in "
    "Settings.",
    f"Срок действия этого API-ключа истёк. Создайте новый API-ключ (область действия {SCOPE}) и вставьте его в "
    "настройках.",
)
IAM_EXPIRED = (
    "The IAM token has expired or is not valid (an IAM token lives at most 12 hours). Get a new IAM token and "
    "paste it in Settings, or sign in with an API key instead.",
    "IAM-токен истёк или недействителен (IAM-токен живёт не больше 12 часов). Получите новый IAM-токен и вставьте "
    "его в настройках или войдите с API-ключом.",
)
DENIED = (
    "Access denied. Yandex Cloud names three causes: 1) the key's service account lacks the role "
    "ai.languageModels.user in this folder (web answers also need ai.assistants.editor); 2) this model needs "
    "access granted on request; 3) no billing account is linked to the cloud, or it is still being created. "
    "Check them in the Yandex Cloud console, and the folder ID in Settings.",
    "Доступ запрещён. Yandex Cloud называет три причины: 1) у сервисного аккаунта ключа нет роли "
    "ai.languageModels.user в этом каталоге (для ответов с поиском нужна ещё ai.assistants.editor); 2) доступ "
    "к этой модели выдаётся по заявке; 3) к облаку не привязан платёжный аккаунт или он ещё создаётся. Проверьте "
    "это в консоли Yandex Cloud, а ID каталога — в настройках.",
)
CONCURRENT = (
    "Too many replies at once: the Yandex Cloud quota of 10 simultaneous generations per folder is used up. Wait "
    "until a reply in progress finishes, then try again.",
    "Слишком много ответов одновременно: квота Yandex Cloud — 10 одновременных генераций на каталог — исчерпана. "
    "Дождитесь окончания одного из ответов и повторите.",
)
HOURLY = (
    "The hourly request quota of Yandex Cloud is used up. Try again later, or ask Yandex Cloud support to raise "
    "it (name the model, the mode and the quota from the details).",
    "Часовая квота запросов Yandex Cloud исчерпана. Повторите позже или попросите поддержку Yandex Cloud "
    "увеличить её (назовите модель, режим и квоту из подробностей).",
)
SERVER = (
    "Yandex Cloud had an internal problem. Try again in a minute. If it keeps happening, write to Yandex Cloud "
    "support and quote the request ID from the details.",
    "На стороне Yandex Cloud произошёл сбой. Повторите через минуту. Если сбой повторяется, напишите в поддержку "
    "Yandex Cloud и укажите ID запроса из подробностей.",
)
GATEWAY = (
    "Yandex Cloud took too long to answer. Try again, or ask for a shorter answer. If it keeps happening, write "
    "to Yandex Cloud support and quote the request ID from the details.",
    "Yandex Cloud слишком долго не отвечал. Повторите или попросите ответ покороче. Если это повторяется, "
    "напишите в поддержку Yandex Cloud и укажите ID запроса из подробностей.",
)
CONTEXT = (
    "The conversation is too long for this model (59830 tokens, at most 32768 allowed). Delete earlier messages "
    "you no longer need (Delete under a message), start a new chat, shorten the message or its files, or choose "
    "a model with a larger memory (Qwen3 235B, DeepSeek).",
    "Диалог слишком длинный для этой модели (токенов: 59830, допустимо не больше 32768). Удалите ненужные ранние "
    "сообщения («Удалить» под сообщением), начните новый чат, сократите сообщение или его файлы или выберите "
    "модель с большей памятью (Qwen3 235B, DeepSeek).",
)

# fake error kind -> (class, kind, reason, (en, ru), may Retry)
TABLE = {
    "folder_mismatch": (FolderMismatchError, "folder_mismatch", "", FOLDER, False),
    "invalid_model_uri": (ModelUnavailableError, "model_unavailable", "", MODEL, False),
    "bad_model_uri": (ModelUnavailableError, "model_unavailable", "", MODEL, False),
    "context_too_long": (ContextTooLongError, "context_too_long", "", CONTEXT, False),
    "unknown_api_key": (AuthenticationError, "auth", "unknown_key", UNKNOWN_KEY, False),
    "apikey_expired": (AuthenticationError, "auth", "key_expired", KEY_EXPIRED, False),
    "iam_expired": (AuthenticationError, "auth", "token_expired", IAM_EXPIRED, False),
    "permission_denied": (PermissionDeniedError, "permission", "", DENIED, False),
    "quota_concurrent": (RateLimitError, "rate_limit", "", CONCURRENT, True),
    "quota_hourly": (RateLimitError, "rate_limit", "hourly", HOURLY, True),
    "internal": (ServerError, "server", "", SERVER, True),
    "not_implemented": (ServerError, "server", "", SERVER, True),
    "unavailable": (ServerError, "server", "", SERVER, True),
    "deadline": (GatewayTimeoutError, "gateway_timeout", "", GATEWAY, True),
}


def _call(surface: str, server):
    creds = Credentials("api_key", FAKE_API_KEY, FAKE_FOLDER_ID)
    if surface.startswith("native"):
        client = YandexGptClient(creds, server.url, max_retries=0)
        if surface == "native-stream":
            return client, lambda: list(client.stream(FAKE_MODEL_URI, HELLO, cancel=CancelToken()))
        return client, lambda: client.complete(FAKE_MODEL_URI, HELLO)
    client2 = OpenAICompatClient(creds, server.url, max_retries=0)
    if surface == "openai-stream":
        return client2, lambda: list(client2.stream(FAKE_QWEN_URI, HELLO, cancel=CancelToken()))
    return client2, lambda: client2.complete(FAKE_QWEN_URI, HELLO)


@pytest.mark.parametrize("surface", ["native", "native-stream", "openai", "openai-stream"])
@pytest.mark.parametrize("kind", sorted(TABLE))
def test_each_error_says_its_fix(fake_server, surface, kind):
    cls, error_kind, reason, (en, ru), retryable = TABLE[kind]
    fake_server.fail_with(kind)
    client, call = _call(surface, fake_server)
    with pytest.raises(ApiError) as info:
        call()
    client.close()
    error = info.value
    assert type(error) is cls, (surface, kind)
    assert (error.kind, error.reason, error.retryable) == (error_kind, reason, retryable)
    assert error.user_message("en") == en and str(error) == en
    assert error.user_message("ru") == ru
    # what support asks for stays with the error; the key never does
    assert (error.server_request_id, error.server_trace_id) == (f"req-{kind}", f"trace-{kind}")
    details = error.support_details(model=FAKE_MODEL_URI)
    assert f"x-request-id: req-{kind}" in details and f"x-server-trace-id: trace-{kind}" in details
    assert f"model: {FAKE_MODEL_URI}" in details and "server message: " in details
    for text in (details, error.detail, repr(error), en, ru):
        assert FAKE_API_KEY not in text
    body = fake_server.requests[-1]
    assert body.path == ("/v1/chat/completions" if surface.startswith("openai") else "/foundationModels/v1/completion")


def test_the_real_body_shapes(fake_server):
    import requests

    fake_server.fail_with("folder_mismatch", times=2)
    native = requests.post(fake_server.url + "/foundationModels/v1/completion", headers={"Authorization": "Api-Key k"},
                           json={}).json()  # fmt: skip
    assert native == {"error": {"grpcCode": 3, "httpCode": 400, "httpStatus": "Bad Request", "details": [],
                                "message": "Specified folder ID does not match with service account"}}  # fmt: skip
    compat = requests.post(fake_server.url + "/v1/chat/completions", headers={"Authorization": "Api-Key k"},
                           json={}).json()  # fmt: skip
    assert compat == {"error": {"message": "Specified folder ID does not match with service account",
                                "type": "invalid_request_error"}}  # fmt: skip


def test_the_unknown_key_is_echoed_and_scrubbed(fake_server, fake_client):
    fake_server.fail_with("unknown_api_key")
    with pytest.raises(AuthenticationError) as info:
        fake_client.complete(FAKE_MODEL_URI, HELLO)
    assert info.value.detail == "Unknown api key '[hidden]'"


def test_an_expired_iam_token(fake_server):
    fake_server.expired_tokens.add("t1.expired-token-value")
    for cls in (YandexGptClient, OpenAICompatClient):
        client = cls(Credentials("iam_token", "t1.expired-token-value", FAKE_FOLDER_ID), fake_server.url)
        with client, pytest.raises(AuthenticationError) as info:
            client.complete(FAKE_QWEN_URI, HELLO)
        assert info.value.reason == "token_expired"
        assert info.value.user_message("en") == IAM_EXPIRED[0]


def test_rate_limit_says_which_quota_while_retrying_and_when_giving_up():
    concurrent = RateLimitError(TABLE_TEXT["quota_concurrent"], status=429)
    hourly = RateLimitError(TABLE_TEXT["quota_hourly"], status=429)
    assert (concurrent.quota, hourly.quota) == ("concurrent", "hourly")
    assert concurrent.retrying_message("en").startswith("Yandex Cloud is busy with other replies")
    assert "занят другими ответами" in concurrent.retrying_message("ru")
    assert hourly.retrying_message("en") == HOURLY[0]
    assert RateLimitError().user_message("ru") == CONCURRENT[1]  # the common case when the server says nothing


def test_an_error_inside_a_stream_keeps_the_reply_ids(fake_server, fake_client, openai_client):
    for client, uri in ((fake_client, FAKE_MODEL_URI), (openai_client, FAKE_QWEN_URI)):
        fake_server.inject("error_line", after_chunks=2, status=500, message="boom")
        with pytest.raises(StreamError) as info:
            list(client.stream(uri, HELLO, cancel=CancelToken()))
        assert info.value.server_request_id and info.value.server_trace_id and info.value.request_id


@pytest.mark.parametrize(
    ("code", "cls"),
    [(1, CancelledError), (2, ServerError), (3, BadRequestError), (9, BadRequestError), (10, AbortedError),
     (11, BadRequestError), (4, GatewayTimeoutError), (8, RateLimitError), (16, AuthenticationError)],
)  # fmt: skip
def test_operation_grpc_codes(fake_server, fake_client, code, cls):
    fake_server.inject("error_line", path="completionAsync", grpc_code=code, message="operation failed")
    op_id = fake_client.complete_async(FAKE_MODEL_URI, HELLO)
    operation = fake_client.get_operation(op_id)
    while not operation.done:
        operation = fake_client.get_operation(op_id)
    assert type(operation.error) is cls
    assert type(error_from_payload({"error": {"code": code, "message": "x"}})) is cls


def test_stored_kinds_read_back():
    assert message_for_kind("folder_mismatch", "en") == FOLDER[0]
    assert message_for_kind("model_unavailable", "ru") == MODEL[1]
    assert message_for_kind("aborted", "en") == "Yandex Cloud stopped the request before it finished. Try again."


TABLE_TEXT = {
    "quota_concurrent": "ai.textGenerationCompletionSessionsCount.count gauge quota limit exceed: allowed 10 requests",
    "quota_hourly": "ai.textGenerationCompletionRequestsPerHour.rate rate quota limit exceed: allowed 100 requests",
}
