"""Pictures drawn by YandexART: `imageGenerationAsync` and its operation. No Qt here.

Wire facts (yandex-api.md §12; the SDK's image generation code):
- `POST {base}/foundationModels/v1/imageGenerationAsync` with

      {"modelUri": "art://<folder>/yandex-art/latest",
       "generationOptions": {"seed": "<int64 as a string>", "aspectRatio": {"widthRatio": "16", "heightRatio": "9"},
                             "mimeType": "image/jpeg"},
       "messages": [{"text": "<prompt, ≤ 500 characters>", "weight": "1"},
                    {"text": "<what to avoid>", "weight": "-1"}]}

  (the second message only when there is something to avoid) → an Operation `{"id": …, "done": false}`.
- `GET {operations base}/operations/<id>` until `done`; then `response.image` is the base64 JPEG and
  `response.modelVersion` the model's version; or `error` (`{code, message}`) replaces `response`.
- A refused prompt is a 400 (gRPC 3) whose message says the model cannot draw this (`DrawRefusedError`),
  either at once or as the operation's error. The service does not say which seed it used, so the client
  always picks one and sends it: the seed is shown and can be used again.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .errors import (
    ApiError,
    ApiTimeoutError,
    BadRequestError,
    CancelledError,
    DrawRefusedError,
    MalformedResponseError,
    as_error,
    error_from_payload,
)
from .models import DEFAULT_API_BASE
from .transport import Transport, check_base_url, folder_header
from .types import CancelToken, Credentials
from .yandex_native import operations_base_for

GENERATE_PATH = "/foundationModels/v1/imageGenerationAsync"
ART_MODEL = "yandex-art/latest"
MAX_PROMPT_CHARS = 500
ASPECTS: dict[str, tuple[int, int]] = {"1:1": (1, 1), "16:9": (16, 9), "9:16": (9, 16), "4:3": (4, 3), "3:4": (3, 4)}
MAX_SEED = 2**31 - 1  # any int64 is accepted; a shorter number is easier to read out and type again
_REFUSED = re.compile(r"(?i)can(?:not|'t|’t) (?:draw|generate)|not possible to generate|violat|ethic|"
                      r"не (?:могу|буду|удалось) (?:нарисовать|сгенерировать)")


def art_uri(folder_id: str) -> str:
    return f"art://{folder_id.strip()}/{ART_MODEL}"


def new_seed() -> int:
    return secrets.randbelow(MAX_SEED) + 1


@dataclass(frozen=True)
class Drawing:
    """What to draw. `check()` raises ValueError with the reason in plain English."""

    prompt: str
    aspect: str = "1:1"
    seed: int = 0  # 0: pick one (new_seed())
    avoid: str = ""  # a line with negative weight: what the picture must not have

    def check(self) -> None:
        if not self.prompt.strip():
            raise ValueError("the prompt is empty")
        if len(self.prompt) > MAX_PROMPT_CHARS or len(self.avoid) > MAX_PROMPT_CHARS:
            raise ValueError(f"a prompt may have at most {MAX_PROMPT_CHARS} characters")
        if self.aspect not in ASPECTS:
            raise ValueError(f"the aspect ratio must be one of {', '.join(ASPECTS)}")
        if not 0 <= self.seed < 2**63:
            raise ValueError("the seed must be a whole number from 0 to 2**63-1")


@dataclass(frozen=True)
class Picture:
    jpeg: bytes
    model_version: str = ""


def request_body(folder_id: str, drawing: Drawing) -> dict[str, Any]:
    drawing.check()
    width, height = ASPECTS[drawing.aspect]
    messages = [{"text": drawing.prompt.strip(), "weight": "1"}]
    if drawing.avoid.strip():
        messages.append({"text": drawing.avoid.strip(), "weight": "-1"})
    return {
        "modelUri": art_uri(folder_id),
        "generationOptions": {"seed": str(drawing.seed), "aspectRatio": {"widthRatio": str(width),
                                                                         "heightRatio": str(height)},
                              "mimeType": "image/jpeg"},
        "messages": messages,
    }


def _refusal(error: ApiError) -> ApiError:
    if type(error) is BadRequestError and _REFUSED.search(error.detail):
        return as_error(DrawRefusedError, error)
    return error


def parse_picture(response: Any) -> Picture:
    if not isinstance(response, dict) or not isinstance(response.get("image"), str):
        raise MalformedResponseError("the drawing has no image")
    try:
        data = base64.b64decode(response["image"], validate=True)
    except (binascii.Error, ValueError):
        raise MalformedResponseError("the image is not base64") from None
    if not data.startswith(b"\xff\xd8"):
        raise MalformedResponseError("the image is not a JPEG")
    version = response.get("modelVersion", "")
    return Picture(data, version if isinstance(version, str) else "")


class YandexArtClient:
    def __init__(self, credentials: Credentials, base_url: str = DEFAULT_API_BASE, *,
                 operations_base_url: str | None = None, **options: Any) -> None:
        """`options` go to the Transport, as for YandexGptClient."""
        self._transport = Transport(credentials, base_url, headers=folder_header(credentials), **options)
        self.credentials = credentials
        self.base_url = self._transport.base_url
        self.operations_base_url = check_base_url(operations_base_url or operations_base_for(self.base_url))

    def __repr__(self) -> str:
        return f"YandexArtClient(base_url={self.base_url!r}, credentials={self.credentials!r})"

    def close(self) -> None:
        self._transport.close()

    def start(self, drawing: Drawing) -> str:
        """Asks for the picture; returns the operation id (keep it: the picture can be fetched for 3 days)."""
        body = request_body(self.credentials.folder_id, drawing)
        try:
            payload = self._transport.json(self._transport.send("POST", self.base_url + GENERATE_PATH, body))
        except ApiError as error:
            raise _refusal(error) from None
        op_id = payload.get("id") if isinstance(payload, dict) else None
        if not isinstance(op_id, str) or not op_id:
            raise MalformedResponseError("operation reply has no id")
        return op_id

    def get(self, op_id: str) -> Picture | None:
        """The picture when the operation is done, None while it is not; raises the operation's error."""
        url = f"{self.operations_base_url}/operations/{quote(op_id, safe='')}"
        payload = self._transport.json(self._transport.send("GET", url, None), "operation")
        if not isinstance(payload, dict):
            raise MalformedResponseError("operation reply is not an object")
        if not payload.get("done"):
            return None
        if "error" in payload:
            raise _refusal(error_from_payload(payload, secrets=self._transport.secrets))
        return parse_picture(payload.get("response"))

    def wait(self, op_id: str, *, poll_interval: float = 1.0, timeout: float = 600.0,
             cancel: CancelToken | None = None) -> Picture:
        """Polls until the picture is ready. Raises the operation's error, ApiTimeoutError, or CancelledError
        (within a moment of `cancel`, even between polls)."""
        cancel = cancel or CancelToken()
        deadline = time.monotonic() + timeout
        while True:
            if cancel.cancelled:
                raise CancelledError("drawing wait cancelled")
            picture = self.get(op_id)
            if picture is not None:
                return picture
            if time.monotonic() + poll_interval > deadline:
                raise ApiTimeoutError(f"the picture was not ready after {timeout:g} s")
            cancel.wait(poll_interval)
