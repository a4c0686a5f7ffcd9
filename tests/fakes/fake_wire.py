"""What the fake server's parts share: wire constants, error bodies, faults, recorded requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CONTENT_FILTER_TEXT = "К сожалению, я не могу ничего сказать об этом. Давайте сменим тему?"

# Statuses as they appear on the wire.
PARTIAL = "ALTERNATIVE_STATUS_PARTIAL"
FINAL = "ALTERNATIVE_STATUS_FINAL"
TRUNCATED = "ALTERNATIVE_STATUS_TRUNCATED_FINAL"
FILTERED = "ALTERNATIVE_STATUS_CONTENT_FILTER"

NATIVE_COMPLETION = "/foundationModels/v1/completion"
CHAT_COMPLETIONS = "/v1/chat/completions"
RESPONSES = "/v1/responses"
COMPLETION_PATHS = (NATIVE_COMPLETION, CHAT_COMPLETIONS, RESPONSES)

HTTP_TO_GRPC = {400: 3, 401: 16, 403: 7, 404: 5, 429: 8, 500: 13, 501: 12, 503: 14, 504: 4}
HTTP_STATUS_TEXT = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
}  # fmt: skip
DEFAULT_ERROR_TEXT = {
    400: "invalid message role 'robot'",
    401: "Unknown api key",
    403: "Permission denied",
    429: "ai.textGenerationCompletionSessionsCount.count gauge quota limit exceed: allowed 10 requests",
    500: "Fatal internal error in TextGenerationService.Completion",
    503: "Service is unavailable, try again later",
    504: "Deadline exceeded",
}
# The OpenAI-compatible surface names an error type (sample 06: invalid_request_error; the others are
# the OpenAI convention, unconfirmed for Yandex).
OPENAI_ERROR_TYPES = {
    400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error",
    429: "rate_limit_error",
}  # fmt: skip
# The real error texts of Yandex's table (yandex-api.md §5 and §12), sent on demand by `fail_with(kind)` on
# either surface, in that surface's body shape. "{key}" is replaced by the key of the request.
REAL_ERRORS = {
    "folder_mismatch": (400, "Specified folder ID does not match with service account"),
    "invalid_model_uri": (400, "invalid model_uri"),
    "bad_model_uri": (400, "Failed to parse model URI"),
    "context_too_long": (400, "Error in session internal_id=e70ea36e-0b9c-4f4e-8c0e-4d0f1c3a2b1a: "
                              "number of input tokens must be no more than 32768, got 59830"),
    "unknown_api_key": (401, "Unknown api key '{key}'"),
    "apikey_expired": (401, "The apikey has expired"),
    "iam_expired": (401, "Token is invalid or has expired."),
    "permission_denied": (403, "Permission denied"),
    "quota_concurrent": (429, "ai.textGenerationCompletionSessionsCount.count gauge quota limit exceed: "
                              "allowed 10 requests"),
    "quota_hourly": (429, "ai.textGenerationCompletionRequestsPerHour.rate rate quota limit exceed: "
                          "allowed 100 requests"),
    "internal": (500, "Fatal internal error in TextGenerationService.Completion"),
    "not_implemented": (501, "Not implemented"),
    "unavailable": (503, "Service is unavailable, try again later"),
    "deadline": (504, "Deadline exceeded"),
}  # fmt: skip
HTML_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

# Faults that change how a completion is generated; they only match completion requests (both surfaces).
COMPLETION_FAULTS = {"torn", "error_line", "prefix_change", "content_filter", "truncated", "bytewise", "flood"}
FAULT_KINDS = {"status", "delay", "stall", "drop", "malformed", "html_502"} | COMPLETION_FAULTS


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: Any  # parsed JSON, or None if there was none / it did not parse
    raw: bytes
    time: float


@dataclass
class Fault:
    """One way to misbehave, used for the next `times` requests that match `path` (a substring)."""

    kind: str
    times: int = 1
    path: str | None = None
    status: int = 500  # "status": HTTP status; "error_line": httpCode of the error line
    body: str | bytes | None = None  # "status"/"malformed": exact body (default: the contract's)
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 30.0  # "delay": how long; "stall": longest stall (release_stalls() ends it early)
    after_chunks: int = 1  # mid-stream faults: how many good chunks go out first (stall: 0 = no headers)
    message: str = ""  # "error_line"/"status": the error message
    error_type: str = ""  # OpenAI-compatible error bodies: "type" (default: by status)
    grpc_code: int = 0  # "error_line" on completionAsync: the operation's gRPC code (default: by status)
    total_bytes: int = 100 * 1024 * 1024  # "flood": how much to send ...
    chunk_size: int = 64 * 1024  # ... in pieces of this size ...
    interval: float = 0.0  # ... this many seconds apart (a trickle) ...
    fill: bytes = b"x"  # ... repeating these bytes (no newline by default)

    def matches(self, path: str) -> bool:
        if self.kind in COMPLETION_FAULTS and not path.startswith(COMPLETION_PATHS):
            return False
        return self.path is None or self.path in path



def error_body(status: int, message: str | None = None, *, unary: bool = False) -> dict[str, Any]:
    """The contract's error body: grpc-gateway stream shape, or the unary shape for unary calls."""
    message = message if message is not None else DEFAULT_ERROR_TEXT.get(status, "error")
    grpc = HTTP_TO_GRPC.get(status, 2)
    if unary:
        return {"code": grpc, "message": message, "details": []}
    return {
        "error": {
            "grpcCode": grpc,
            "httpCode": status,
            "message": message,
            "httpStatus": HTTP_STATUS_TEXT.get(status, "Error"),
            "details": [],
        }
    }


def openai_error_body(status: int, message: str | None = None, error_type: str = "") -> dict[str, Any]:
    """The OpenAI-compatible error body (real shape, sample 06): {"error": {"message", "type"}}."""
    message = message if message is not None else DEFAULT_ERROR_TEXT.get(status, "error")
    return {"error": {"message": message, "type": error_type or OPENAI_ERROR_TYPES.get(status, "server_error")}}


class BadRequest(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


def number(value: Any, name: str, *, integer: bool) -> float:
    """proto3 JSON: int64/double may come as a number or a numeric string."""
    try:
        if isinstance(value, bool):
            raise ValueError
        number = int(value) if integer else float(value)
    except (TypeError, ValueError):
        raise BadRequest(400, error_body(400, f"invalid value for {name}: {value!r}")) from None
    return number



def as_bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data
