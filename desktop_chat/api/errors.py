"""Typed errors of the Yandex API client, with plain-language messages in Russian and English.

Rules every error follows:
- `str(err)` is the English user message; `err.user_message("ru")` the Russian one.
- `err.detail` holds the server's own text for logs and a "details" box, scrubbed of secrets: servers
  echo keys back ("Unknown api key '<key>'"), so nothing from the server is stored unscrubbed.
- No secret ever reaches a message, a repr, or a log line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, ClassVar

from desktop_chat import safe_json

HIDDEN = "[hidden]"

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# Things that look like credentials even when we do not know the secret:
_KEY_LIKE = [
    # Authorization header values echoed back
    re.compile(r"(?i)\b(api-key|bearer)\s+\S+"),
    # "Unknown api key 'xxx'", "token: xxx", "api_key=xxx"
    re.compile(r"""(?i)\b((?:api[\s_-]?key|iam[\s_-]?token|token|secret|password)\s*[:=]?\s*)(['"])[^'"]*\2"""),
    re.compile(r"(?i)\b((?:api[_-]?key|token|secret|password)\s*[:=]\s*)[^\s'\",;&]+"),
    # Yandex API keys (AQVN…) and IAM tokens (t1.…)
    re.compile(r"\bAQVN[A-Za-z0-9_\-]{10,}"),
    re.compile(r"\bt1\.[A-Za-z0-9_\-.]{10,}"),
]
# A long run of key characters with both letters and digits: a key we could not otherwise recognise.
# Dots split runs, so dotted names (ai.textGenerationCompletionSessionsCount.count) survive; UUIDs
# are request ids and are kept too.
# (Found as plain runs and checked in Python: lookaheads here took quadratic time on a long run of digits.)
_LONG_RUN = re.compile(r"[\w-]{30,}", re.ASCII)
_HAS_DIGIT = re.compile(r"[0-9]")
_HAS_LETTER = re.compile(r"[A-Za-z]")


def _hide_long_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if _UUID.fullmatch(run) or not _HAS_DIGIT.search(run) or not _HAS_LETTER.search(run):
        return run
    return HIDDEN
_MAX_DETAIL = 2000


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove the given secrets and anything key-like from server text."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            while secret in text:
                text = text.replace(secret, HIDDEN)
    text = _KEY_LIKE[0].sub(lambda m: f"{m.group(1)} {HIDDEN}", text)
    text = _KEY_LIKE[1].sub(lambda m: f"{m.group(1)}{m.group(2)}{HIDDEN}{m.group(2)}", text)
    text = _KEY_LIKE[2].sub(lambda m: f"{m.group(1)}{HIDDEN}", text)
    for pattern in _KEY_LIKE[3:]:
        text = pattern.sub(HIDDEN, text)
    text = _LONG_RUN.sub(_hide_long_run, text)
    if len(text) > _MAX_DETAIL:
        text = text[:_MAX_DETAIL] + "…"
    return text


def _lang(lang: str) -> str:
    return "ru" if lang.lower().startswith("ru") else "en"


class ApiError(Exception):
    """Base class: something went wrong talking to the Yandex API."""

    kind: ClassVar[str] = "unknown"
    retryable_default: ClassVar[bool] = True
    messages: ClassVar[dict[str, str]] = {
        "en": "Something went wrong while talking to Yandex Cloud. Try again.",
        "ru": "Что-то пошло не так при обращении к Yandex Cloud. Повторите попытку.",
    }

    def __init__(
        self,
        detail: str = "",
        *,
        status: int | None = None,
        retryable: bool | None = None,
        secrets: Iterable[str] = (),
        request_id: str = "",
        server_request_id: str = "",
        server_trace_id: str = "",
    ) -> None:
        self.status = status
        self.retryable = self.retryable_default if retryable is None else retryable
        self.detail = scrub(detail, secrets)
        self.request_id = request_id  # x-client-request-id (ours): quote it to Yandex support
        # The reply's own `x-request-id` / `x-server-trace-id` headers: what Yandex support asks for.
        self.server_request_id = scrub(server_request_id, secrets)[:200]
        self.server_trace_id = scrub(server_trace_id, secrets)[:200]
        super().__init__(self.user_message("en"))

    def _format_args(self) -> dict[str, Any]:
        return {}

    def user_message(self, lang: str = "ru") -> str:
        """Plain words for a non-technical user, with what to do next ("ru" or "en")."""
        return self.messages[_lang(lang)].format(**self._format_args())

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kind={self.kind!r}, status={self.status!r}, detail={self.detail!r})"


class AuthenticationError(ApiError):
    kind = "auth"
    retryable_default = False
    messages: ClassVar[dict[str, str]] = {
        "en": "The API key or IAM token was not accepted. Open Settings and paste a valid key.",
        "ru": "Ключ API или IAM-токен не принят. Откройте настройки и вставьте действующий ключ.",
    }


class PermissionDeniedError(ApiError):
    kind = "permission"
    retryable_default = False
    messages: ClassVar[dict[str, str]] = {
        "en": "Access denied. In Settings, check the folder ID, and make sure the key's account "
        "has the ai.languageModels.user role in that folder.",
        "ru": "Доступ запрещён. Проверьте в настройках ID каталога и убедитесь, что у аккаунта ключа "
        "есть роль ai.languageModels.user в этом каталоге.",
    }


class RateLimitError(ApiError):
    kind = "rate_limit"
    messages: ClassVar[dict[str, str]] = {
        "en": "Too many requests: the Yandex Cloud quota is used up for now. Wait a minute and try again.",
        "ru": "Слишком много запросов: квота Yandex Cloud пока исчерпана. Подождите минуту и повторите.",
    }
    hourly_messages: ClassVar[dict[str, str]] = {
        "en": "The hourly request quota of Yandex Cloud is used up. Try again later, "
        "or ask Yandex Cloud support for a higher quota.",
        "ru": "Часовая квота запросов Yandex Cloud исчерпана. Повторите позже "
        "или попросите поддержку Yandex Cloud увеличить квоту.",
    }

    @property
    def quota_text(self) -> str:
        """The server's quota message (scrubbed), e.g. "…RequestsPerHour.rate rate quota limit exceed…"."""
        return self.detail

    def user_message(self, lang: str = "ru") -> str:
        if "perhour" in self.quota_text.lower().replace(" ", ""):
            return self.hourly_messages[_lang(lang)]
        return super().user_message(lang)


class ContextTooLongError(ApiError):
    kind = "context_too_long"
    retryable_default = False
    messages: ClassVar[dict[str, str]] = {
        "en": "The conversation is too long for this model ({actual} tokens, at most {limit} allowed). "
        "Start a new chat, or delete or shorten earlier messages.",
        "ru": "Диалог слишком длинный для этой модели (токенов: {actual}, допустимо не больше {limit}). "
        "Начните новый чат или удалите либо сократите старые сообщения.",
    }
    char_messages: ClassVar[dict[str, str]] = {
        "en": "The conversation is too long for this model ({actual} characters, at most {limit} allowed). "
        "Start a new chat, or delete or shorten earlier messages.",
        "ru": "Диалог слишком длинный для этой модели (символов: {actual}, допустимо не больше {limit}). "
        "Начните новый чат или удалите либо сократите старые сообщения.",
    }

    def __init__(self, detail: str = "", *, limit: int, actual: int, unit: str = "tokens", **kw: Any) -> None:
        self.limit = limit
        self.actual = actual
        self.unit = unit  # "tokens", or "characters" for the older text-length check
        super().__init__(detail, **kw)

    def _format_args(self) -> dict[str, Any]:
        return {"limit": self.limit, "actual": self.actual}

    def user_message(self, lang: str = "ru") -> str:
        table = self.char_messages if self.unit == "characters" else self.messages
        return table[_lang(lang)].format(**self._format_args())


class BadRequestError(ApiError):
    kind = "bad_request"
    retryable_default = False
    messages: ClassVar[dict[str, str]] = {
        "en": "Yandex Cloud rejected the request. Check the model and the generation settings "
        "(temperature, answer length) in Settings, then try again.",
        "ru": "Yandex Cloud отклонил запрос. Проверьте модель и параметры генерации "
        "(температура, длина ответа) в настройках и повторите.",
    }


class ServerError(ApiError):
    kind = "server"
    messages: ClassVar[dict[str, str]] = {
        "en": "Yandex Cloud had an internal problem. Try again in a minute.",
        "ru": "На стороне Yandex Cloud произошёл сбой. Повторите через минуту.",
    }


class GatewayTimeoutError(ApiError):
    kind = "gateway_timeout"
    messages: ClassVar[dict[str, str]] = {
        "en": "Yandex Cloud took too long to answer. Try again, or ask for a shorter answer.",
        "ru": "Yandex Cloud слишком долго не отвечал. Повторите или попросите ответ покороче.",
    }


class ApiTimeoutError(ApiError):
    kind = "timeout"
    messages: ClassVar[dict[str, str]] = {
        "en": "The server did not answer in time. Check your internet connection and try again.",
        "ru": "Сервер не ответил вовремя. Проверьте подключение к интернету и повторите.",
    }


class NetworkError(ApiError):
    kind = "network"
    messages: ClassVar[dict[str, str]] = {
        "en": "Could not connect to Yandex Cloud. Check your internet connection "
        "and the API address in Settings, then try again.",
        "ru": "Не удалось подключиться к Yandex Cloud. Проверьте подключение к интернету "
        "и адрес API в настройках, затем повторите.",
    }


class ConnectionLostError(ApiError):
    kind = "connection_lost"
    messages: ClassVar[dict[str, str]] = {
        "en": "The connection broke while the answer was arriving, so the answer is incomplete. Try again.",
        "ru": "Соединение оборвалось во время получения ответа, ответ неполный. Повторите попытку.",
    }


class MalformedResponseError(ApiError):
    kind = "malformed"
    messages: ClassVar[dict[str, str]] = {
        "en": "The server sent a reply the app could not read (maybe a proxy or a service outage). Try again later.",
        "ru": "Сервер прислал ответ, который приложение не смогло прочитать (возможно, из-за прокси "
        "или сбоя сервиса). Повторите позже.",
    }


class StreamError(ApiError):
    kind = "stream_error"
    messages: ClassVar[dict[str, str]] = {
        "en": "Yandex Cloud stopped the answer with an error. Try again.",
        "ru": "Yandex Cloud прервал ответ с ошибкой. Повторите попытку.",
    }


class CancelledError(ApiError):
    """Only `wait_operation` raises this (a stream simply ends when cancelled)."""

    kind = "cancelled"
    messages: ClassVar[dict[str, str]] = {
        "en": "The request was cancelled.",
        "ru": "Запрос отменён.",
    }


def message_for_kind(kind: str, lang: str = "ru") -> str | None:
    """The plain-words message for an error kind stored earlier (a failed reply read back from disk),
    or None for a kind whose message needs details that were not stored (or an unknown kind)."""
    classes = [ApiError]
    while classes:
        cls = classes.pop()
        if cls.kind == kind and "{" not in cls.messages[_lang(lang)]:
            return cls.messages[_lang(lang)]
        classes.extend(cls.__subclasses__())
    return None


# --- turning a server reply into an error -------------------------------------------------------

_CONTEXT_TOKENS = re.compile(r"number of input tokens must be no more than (\d+), got (\d+)")
_CONTEXT_CHARS = re.compile(r"text length is (\d+), which is outside the range \(0, (\d+)\]")

# gRPC status codes (used in operation errors and error lines) to HTTP statuses.
_GRPC_TO_HTTP = {3: 400, 4: 504, 5: 404, 7: 403, 8: 429, 12: 501, 13: 500, 14: 503, 16: 401}


# The OpenAI-compatible error shape {"error": {"message", "type"}} names a type instead of a code.
_OPENAI_TYPE_TO_HTTP = {
    "invalid_request_error": 400, "authentication_error": 401, "permission_error": 403,
    "permission_denied": 403, "not_found_error": 404, "rate_limit_error": 429, "insufficient_quota": 429,
    "server_error": 500, "api_error": 500, "internal_error": 500, "service_unavailable": 503,
}  # fmt: skip


def _as_text(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)[:_MAX_DETAIL]
    except (ValueError, TypeError, RecursionError):
        return "(an error message the app could not read)"


def _error_message(payload: Any) -> tuple[str, int | None]:
    """The human text and the HTTP code inside any of the error body shapes Yandex uses."""
    if not isinstance(payload, dict):
        return "", None
    inner = payload.get("error", payload)
    if isinstance(inner, dict):
        message = inner.get("message", "")
        code = inner.get("httpCode")
        if not isinstance(code, int) and isinstance(inner.get("code"), int):
            code = _GRPC_TO_HTTP.get(inner["code"])
        if not isinstance(code, int) and isinstance(inner.get("grpcCode"), int):
            code = _GRPC_TO_HTTP.get(inner["grpcCode"])
        if not isinstance(code, int) and isinstance(inner.get("type"), str):
            code = _OPENAI_TYPE_TO_HTTP.get(inner["type"])  # the OpenAI-compatible shape
        return (message if isinstance(message, str) else _as_text(message)), (code if isinstance(code, int) else None)
    # grpc-gateway's unary shape: {"error": "text", "code": 3, "message": "text"}
    message = payload.get("message", inner)
    code = payload.get("code")
    return (message if isinstance(message, str) else str(message)), (
        _GRPC_TO_HTTP.get(code) if isinstance(code, int) else None
    )


def error_from_status(
    status: int, message: str, *, secrets: Iterable[str] = (), json_ok: bool = True, request_id: str = "",
    server_request_id: str = "", server_trace_id: str = "",
) -> ApiError:  # fmt: skip
    """Pick the error class for an HTTP status and the server's message."""
    kw: dict[str, Any] = {
        "status": status, "secrets": secrets, "request_id": request_id,
        "server_request_id": server_request_id, "server_trace_id": server_trace_id,
    }  # fmt: skip
    if status == 401:
        return AuthenticationError(message, **kw)
    if status == 403:
        return PermissionDeniedError(message, **kw)
    if status == 429:
        return RateLimitError(message, **kw)
    if status == 504:
        return GatewayTimeoutError(message, **kw)
    if status == 400:
        m = _CONTEXT_TOKENS.search(message)
        if m:
            return ContextTooLongError(message, limit=int(m.group(1)), actual=int(m.group(2)), **kw)
        m = _CONTEXT_CHARS.search(message)
        if m:
            return ContextTooLongError(message, limit=int(m.group(2)), actual=int(m.group(1)), unit="characters", **kw)
    if 400 <= status < 500:
        return BadRequestError(message, **kw)
    if status >= 500 and json_ok:
        return ServerError(message, **kw)
    # A 5xx HTML page from a proxy, or a 1xx/2xx/3xx we cannot use.
    return MalformedResponseError(message, **kw)


def error_from_response(
    status: int, body: bytes, *, secrets: Iterable[str] = (), request_id: str = "", server_request_id: str = "",
    server_trace_id: str = "",
) -> ApiError:  # fmt: skip
    """An ApiError for a non-200 reply. Never raises anything else, whatever the body holds."""
    text = body.decode("utf-8", errors="replace")
    try:
        payload = safe_json.loads(text)
        message, _ = _error_message(payload)
        json_ok = isinstance(payload, dict)
    except ValueError:
        message, json_ok = text.strip(), False
        if "<html" in message.lower():
            # Keep the title of an HTML error page, not the whole markup.
            m = re.search(r"(?is)<title>(.*?)</title>", message)
            message = f"HTML page: {m.group(1).strip()}" if m else "HTML page"
    return error_from_status(
        status, message, secrets=secrets, json_ok=json_ok, request_id=request_id,
        server_request_id=server_request_id, server_trace_id=server_trace_id,
    )  # fmt: skip


def error_from_payload(
    payload: Any, *, default_status: int = 500, secrets: Iterable[str] = (), request_id: str = ""
) -> ApiError:
    """An ApiError for an `{"error": …}` object (an error line in a stream, or a failed operation)."""
    message, status = _error_message(payload)
    return error_from_status(status or default_status, message, secrets=secrets, request_id=request_id)
