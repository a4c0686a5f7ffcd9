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
import time
from collections.abc import Iterable
from typing import Any, ClassVar

from desktop_chat import safe_json

from .scrub import _MAX_DETAIL, HIDDEN, scrub

__all__ = ["HIDDEN", "scrub"]  # re-exported: their old home


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

    # Finer causes told apart by the server's text: (name, pattern over the detail, messages).
    variants: ClassVar[tuple[tuple[str, re.Pattern[str], dict[str, str]], ...]] = ()

    def _format_args(self) -> dict[str, Any]:
        return {}

    @property
    def reason(self) -> str:
        """Which variant of this error the server's text names ("" for the general one)."""
        for name, pattern, _ in self.variants:
            if pattern.search(self.detail):
                return name
        return ""

    def user_message(self, lang: str = "ru") -> str:
        """Plain words for a non-technical user, with what to do next ("ru" or "en")."""
        table = self.messages
        for _, pattern, messages in self.variants:
            if pattern.search(self.detail):
                table = messages
                break
        return table[_lang(lang)].format(**self._format_args())

    def support_details(self, *, model: str = "", when: float | None = None) -> str:
        """What to paste to Yandex Cloud support ("copy details"): time, model, the reply's request ids,
        status and the server's own (scrubbed) message. Never a key."""
        lines = [
            f"time: {time.strftime('%Y-%m-%d %H:%M:%S %z', time.localtime(when))}",
            f"error: {self.kind}" + (f" ({self.reason})" if self.reason else ""),
        ]
        if model:
            lines.append(f"model: {scrub(model)}")
        if self.status is not None:
            lines.append(f"HTTP status: {self.status}")
        if self.server_request_id:
            lines.append(f"x-request-id: {self.server_request_id}")
        if self.server_trace_id:
            lines.append(f"x-server-trace-id: {self.server_trace_id}")
        if self.request_id:
            lines.append(f"x-client-request-id: {self.request_id}")
        if self.detail:
            lines.append(f"server message: {self.detail}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kind={self.kind!r}, status={self.status!r}, detail={self.detail!r})"


_SCOPE = "yc.ai.foundationModels.execute"


class AuthenticationError(ApiError):
    kind = "auth"
    retryable_default = False
    messages: ClassVar[dict[str, str]] = {
        "en": "The API key or IAM token was not accepted. Open Settings and paste a valid key.",
        "ru": "Ключ API или IAM-токен не принят. Откройте настройки и вставьте действующий ключ.",
    }
    variants = (
        ("key_expired", re.compile(r"(?i)api ?key (has )?expired"), {
            "en": "This API key has expired: its lifetime is over. Create a new API key "
            f"(scope {_SCOPE}) and paste it in Settings.",
            "ru": "Срок действия этого API-ключа истёк. Создайте новый API-ключ "
            f"(область действия {_SCOPE}) и вставьте его в настройках.",
        }),
        ("unknown_key", re.compile(r"(?i)unknown api ?key"), {
            "en": "Yandex Cloud does not know this API key. Check that you copied the whole key. If you did, "
            f"the key was made with the wrong scope: create a new API key with the scope {_SCOPE} "
            "(the AI Studio console makes one in one step) and paste it in Settings.",
            "ru": "Yandex Cloud не знает этот API-ключ. Проверьте, что ключ скопирован целиком. Если да, "
            f"ключ создан с неверной областью действия: создайте новый API-ключ с областью {_SCOPE} "
            "(в консоли AI Studio это делается в один шаг) и вставьте его в настройках.",
        }),
        ("token_expired", re.compile(r"(?i)token (is invalid or )?(has )?expired|iam token"), {
            "en": "The IAM token has expired or is not valid (an IAM token lives at most 12 hours). "
            "Get a new IAM token and paste it in Settings, or sign in with an API key instead.",
            "ru": "IAM-токен истёк или недействителен (IAM-токен живёт не больше 12 часов). "
            "Получите новый IAM-токен и вставьте его в настройках или войдите с API-ключом.",
        }),
    )  # fmt: skip


class PermissionDeniedError(ApiError):
    kind = "permission"
    retryable_default = False
    messages: ClassVar[dict[str, str]] = {
        "en": "Access denied. Yandex Cloud names three causes: 1) the key's service account lacks the role "
        "ai.languageModels.user in this folder (web answers also need ai.assistants.editor); 2) this model "
        "needs access granted on request; 3) no billing account is linked to the cloud, or it is still "
        "being created. Check them in the Yandex Cloud console, and the folder ID in Settings.",
        "ru": "Доступ запрещён. Yandex Cloud называет три причины: 1) у сервисного аккаунта ключа нет роли "
        "ai.languageModels.user в этом каталоге (для ответов с поиском нужна ещё ai.assistants.editor); "
        "2) доступ к этой модели выдаётся по заявке; 3) к облаку не привязан платёжный аккаунт или он ещё "
        "создаётся. Проверьте это в консоли Yandex Cloud, а ID каталога — в настройках.",
    }


WEB_ROLE = "ai.assistants.editor"


class WebSearchRoleError(PermissionDeniedError):
    """403 from the Responses API (web answers): the key's service account lacks `ai.assistants.editor`."""

    kind = "web_role"
    messages: ClassVar[dict[str, str]] = {
        "en": f"Answers from the web need one more role: the key's service account has no role {WEB_ROLE} in "
        "this folder. Ask the cloud's administrator to grant it (Yandex Cloud console → the folder → Access "
        "bindings), or send without “Search the web”. Other answers keep working.",
        "ru": f"Для ответов с поиском в интернете нужна ещё одна роль: у сервисного аккаунта ключа нет роли "
        f"{WEB_ROLE} в этом каталоге. Попросите администратора облака выдать её (консоль Yandex Cloud → "
        "каталог → Права доступа) или отправьте без «Искать в интернете». Обычные ответы работают как прежде.",
    }


class RateLimitError(ApiError):
    kind = "rate_limit"
    # The commonest 429: the folder's limit of simultaneous generations (10). The app already retried.
    messages: ClassVar[dict[str, str]] = {
        "en": "Too many replies at once: the Yandex Cloud quota of 10 simultaneous generations per folder "
        "is used up. Wait until a reply in progress finishes, then try again.",
        "ru": "Слишком много ответов одновременно: квота Yandex Cloud — 10 одновременных генераций на каталог — "
        "исчерпана. Дождитесь окончания одного из ответов и повторите.",
    }
    hourly_messages: ClassVar[dict[str, str]] = {
        "en": "The hourly request quota of Yandex Cloud is used up. Try again later, or ask Yandex Cloud "
        "support to raise it (name the model, the mode and the quota from the details).",
        "ru": "Часовая квота запросов Yandex Cloud исчерпана. Повторите позже или попросите поддержку "
        "Yandex Cloud увеличить её (назовите модель, режим и квоту из подробностей).",
    }
    variants = (("hourly", re.compile(r"(?i)per ?hour"), hourly_messages),)
    retrying_messages: ClassVar[dict[str, str]] = {
        "en": "Yandex Cloud is busy with other replies in this folder; trying again in a moment…",
        "ru": "Yandex Cloud занят другими ответами в этом каталоге; повторяем через мгновение…",
    }

    @property
    def quota_text(self) -> str:
        """The server's quota message (scrubbed), e.g. "…RequestsPerHour.rate rate quota limit exceed…"."""
        return self.detail

    @property
    def quota(self) -> str:
        """"concurrent" (10 generations at once per folder) or "hourly"."""
        return "hourly" if self.reason == "hourly" else "concurrent"

    def retrying_message(self, lang: str = "ru") -> str:
        """While the client waits to retry a concurrent-limit 429 (the hourly quota is not retried away)."""
        return self.retrying_messages[_lang(lang)] if self.quota == "concurrent" else self.user_message(lang)


class ContextTooLongError(ApiError):
    kind = "context_too_long"
    retryable_default = False
    messages: ClassVar[dict[str, str]] = {
        "en": "The conversation is too long for this model ({actual} tokens, at most {limit} allowed). "
        "Delete earlier messages you no longer need (Delete under a message), start a new chat, shorten the "
        "message or its files, or choose a model with a larger memory (Qwen3 235B, DeepSeek).",
        "ru": "Диалог слишком длинный для этой модели (токенов: {actual}, допустимо не больше {limit}). "
        "Удалите ненужные ранние сообщения («Удалить» под сообщением), начните новый чат, сократите сообщение "
        "или его файлы или выберите модель с большей памятью (Qwen3 235B, DeepSeek).",
    }
    char_messages: ClassVar[dict[str, str]] = {
        "en": "The conversation is too long for this model ({actual} characters, at most {limit} allowed). "
        "Delete earlier messages you no longer need (Delete under a message), start a new chat, shorten the "
        "message or its files, or choose a model with a larger memory (Qwen3 235B, DeepSeek).",
        "ru": "Диалог слишком длинный для этой модели (символов: {actual}, допустимо не больше {limit}). "
        "Удалите ненужные ранние сообщения («Удалить» под сообщением), начните новый чат, сократите сообщение "
        "или его файлы или выберите модель с большей памятью (Qwen3 235B, DeepSeek).",
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


class FolderMismatchError(BadRequestError):
    """400 `Specified folder ID does not match with service account`."""

    kind = "folder_mismatch"
    messages: ClassVar[dict[str, str]] = {
        "en": "The folder ID does not match the key: either the folder ID is wrong, or the key's service "
        "account has no access to that folder. Open Settings and check the folder ID (copy it from the "
        "Yandex Cloud console), or use a key of a service account in that folder.",
        "ru": "ID каталога не подходит к ключу: либо ID каталога указан неверно, либо у сервисного аккаунта "
        "ключа нет доступа к этому каталогу. Откройте настройки и проверьте ID каталога (скопируйте его "
        "из консоли Yandex Cloud) или используйте ключ сервисного аккаунта из этого каталога.",
    }


class ModelUnavailableError(BadRequestError):
    """400 `invalid model_uri` / `Failed to parse model URI`."""

    kind = "model_unavailable"
    messages: ClassVar[dict[str, str]] = {
        "en": "This model is not available in your folder, or its address is wrong. Pick another model "
        "for this chat from the list, and check the folder ID in Settings.",
        "ru": "Эта модель недоступна в вашем каталоге или её адрес указан неверно. Выберите для этого чата "
        "другую модель из списка и проверьте ID каталога в настройках.",
    }


class DrawRefusedError(BadRequestError):
    """400 from YandexART: the model will not draw this prompt (the service's rules)."""

    kind = "draw_refused"
    messages: ClassVar[dict[str, str]] = {
        "en": "YandexART will not draw this: the prompt goes against the service's rules. Change the prompt "
        "and draw again; it is kept for editing.",
        "ru": "YandexART не будет это рисовать: описание противоречит правилам сервиса. Измените описание и "
        "нарисуйте снова — оно сохранено для правки.",
    }


def as_error(cls: type[ApiError], error: ApiError) -> ApiError:
    """`error` as a more precise class, keeping its details and request ids."""
    return cls(error.detail, status=error.status, request_id=error.request_id,
               server_request_id=error.server_request_id, server_trace_id=error.server_trace_id)


class ServerError(ApiError):
    kind = "server"
    messages: ClassVar[dict[str, str]] = {
        "en": "Yandex Cloud had an internal problem. Try again in a minute. If it keeps happening, write to "
        "Yandex Cloud support and quote the request ID from the details.",
        "ru": "На стороне Yandex Cloud произошёл сбой. Повторите через минуту. Если сбой повторяется, "
        "напишите в поддержку Yandex Cloud и укажите ID запроса из подробностей.",
    }


class AbortedError(ApiError):
    """gRPC 10 (ABORTED) from an operation: stopped before it finished, e.g. by a conflicting request."""

    kind = "aborted"
    messages: ClassVar[dict[str, str]] = {
        "en": "Yandex Cloud stopped the request before it finished. Try again.",
        "ru": "Yandex Cloud прервал запрос, не закончив его. Повторите попытку.",
    }


class GatewayTimeoutError(ApiError):
    kind = "gateway_timeout"
    messages: ClassVar[dict[str, str]] = {
        "en": "Yandex Cloud took too long to answer. Try again, or ask for a shorter answer. If it keeps "
        "happening, write to Yandex Cloud support and quote the request ID from the details.",
        "ru": "Yandex Cloud слишком долго не отвечал. Повторите или попросите ответ покороче. Если это "
        "повторяется, напишите в поддержку Yandex Cloud и укажите ID запроса из подробностей.",
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
    """`wait_operation` raises this, and an operation that ended with gRPC 1 (CANCELLED) carries it (a
    stream simply ends when cancelled)."""

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

# (At most 18 digits: int() of a 5,000-digit run raises ValueError, and no window is that large.)
_CONTEXT_TOKENS = re.compile(r"number of input tokens must be no more than (\d{1,18}), got (\d{1,18})\b")
_CONTEXT_CHARS = re.compile(r"text length is (\d{1,18}), which is outside the range \(0, (\d{1,18})\]")

_FOLDER_MISMATCH = re.compile(r"(?i)folder id does not match|does not match with service account")
_MODEL_URI = re.compile(r"(?i)invalid model[_ ]?uri|failed to parse model uri")

# gRPC status codes (used in operation errors and error lines) to HTTP statuses. 1 CANCELLED has no HTTP
# status of its own (499 is nginx's "client closed request"); 2 UNKNOWN is a server-side failure;
# 9 FAILED_PRECONDITION and 11 OUT_OF_RANGE reject the request as it is; 10 ABORTED is a conflict (409).
_GRPC_TO_HTTP = {
    1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503,
    16: 401,
}  # fmt: skip


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
    return (message if isinstance(message, str) else _as_text(message)), (
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
    if status == 499:
        return CancelledError(message, **kw)
    if status == 409:
        return AbortedError(message, **kw)
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
    if 400 <= status < 500 and _FOLDER_MISMATCH.search(message):
        return FolderMismatchError(message, **kw)
    if 400 <= status < 500 and _MODEL_URI.search(message):
        return ModelUnavailableError(message, **kw)
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
