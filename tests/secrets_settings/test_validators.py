"""Shape checks for what a person pastes: folder IDs, API keys, IAM tokens."""

from __future__ import annotations

import pytest

from desktop_chat.settings import (
    HINT_INCOMPLETE,
    HINT_OAUTH,
    HINT_OK,
    HINT_STATIC_KEY,
    HINT_UNKNOWN,
    classify_secret,
    looks_like_folder_id,
    normalize_secret,
    secret_hint,
)

API_KEY = "AQVN" + "1a2B3c4D5e6F7g8H9i0J_k-LmNoPqRsTuVwXy"  # 41 characters
IAM_TOKEN = "t1.9euelZqXkc2Ry5uSz5CVk5qXmZaRjO3rnpWaz8qNy5GVipnOnp2Tk5CazZXl8_dGXHx." + "x" * 86


@pytest.mark.parametrize(("text", "ok"), [
    ("b1gv4d5ihg9cg29jicr4", True),
    ("  b1gv4d5ihg9cg29jicr4\n", True),
    ("aje0123456789abcdefg", True),  # not b1g, still an ID shape: the server will tell
    ("b1gv4d5ihg9cg29jicr", False),  # 19
    ("B1GV4D5IHG9CG29JICR4", False),  # IDs are lowercase
    ("b1gv4d5ihg9cg29jicr4x", False),
    ("my-folder", False),
    ("", False),
])
def test_folder_id_shape(text, ok):
    assert looks_like_folder_id(text) is ok


def test_api_key_and_token_are_told_apart():
    assert classify_secret(API_KEY) == "api_key"
    assert classify_secret(IAM_TOKEN) == "iam_token"
    assert classify_secret("y0_AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") is None
    assert classify_secret("hello") is None


def test_copying_noise_is_removed():
    assert normalize_secret(f"  Api-Key {API_KEY}\n") == API_KEY
    assert normalize_secret(f"Authorization: Bearer {IAM_TOKEN}") == IAM_TOKEN
    assert normalize_secret(f'"{API_KEY}"') == API_KEY
    assert classify_secret(f"Bearer {IAM_TOKEN}") == "iam_token"


@pytest.mark.parametrize(("text", "hint"), [
    (API_KEY, HINT_OK),
    (IAM_TOKEN, HINT_OK),
    (API_KEY[:20], HINT_INCOMPLETE),
    (IAM_TOKEN[:50], HINT_INCOMPLETE),
    ("y0_" + "A" * 55, HINT_OAUTH),
    ("YC" + "a" * 38, HINT_STATIC_KEY),
    ("test-key-for-the-fake-server", HINT_UNKNOWN),
])
def test_secret_hints(text, hint):
    assert secret_hint(text) == hint
