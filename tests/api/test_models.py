"""Model table, model URIs and context windows."""

import pytest

from desktop_chat.api import DEFAULT_CONTEXT_TOKENS, MODELS, context_window, model_uri


def test_contract_keys_present():
    assert set(MODELS) == {
        "yandexgpt-lite", "yandexgpt-lite/rc", "yandexgpt", "yandexgpt/rc",
        "yandexgpt/deprecated", "yandexgpt-lite/deprecated", "aliceai-llm",
    }  # fmt: skip
    assert all(info.context_tokens == 32768 for info in MODELS.values())
    assert all(key == info.key for key, info in MODELS.items())


@pytest.mark.parametrize(
    ("key", "uri"),
    [
        ("yandexgpt-lite", "gpt://b1gfolder/yandexgpt-lite/latest"),
        ("yandexgpt", "gpt://b1gfolder/yandexgpt/latest"),
        ("yandexgpt/rc", "gpt://b1gfolder/yandexgpt/rc"),
        ("yandexgpt-lite/deprecated", "gpt://b1gfolder/yandexgpt-lite/deprecated"),
        ("aliceai-llm", "gpt://b1gfolder/aliceai-llm/latest"),
    ],
)
def test_model_uri_from_key(key, uri):
    assert model_uri(" b1gfolder ", key) == uri


@pytest.mark.parametrize(
    "custom", ["gpt://other/yandexgpt-lite/latest@tuned123", "ds://bt1abc/xyz", "gpt://f/llama/latest"]
)
def test_custom_uri_passes_through(custom):
    assert model_uri("b1gfolder", custom) == custom
    assert model_uri("", custom) == custom  # no folder needed


def test_unknown_model_and_missing_folder_are_clear_errors():
    with pytest.raises(ValueError, match="Unknown model"):
        model_uri("b1gfolder", "gpt-4")
    with pytest.raises(ValueError, match="folder ID"):
        model_uri("  ", "yandexgpt")


def test_context_window_for_keys_uris_and_unknown():
    assert context_window("yandexgpt") == 32768
    assert context_window("gpt://f/yandexgpt/rc") == 32768
    assert context_window("gpt://f/yandexgpt") == 32768
    assert context_window("ds://whatever") == DEFAULT_CONTEXT_TOKENS
    assert context_window("no-such-model") == DEFAULT_CONTEXT_TOKENS
