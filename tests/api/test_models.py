"""api.models: the old names, answered by the model catalogue."""

import pytest

from desktop_chat import catalogue
from desktop_chat.api import DEFAULT_API_BASE, DEFAULT_CONTEXT_TOKENS, MODELS, ModelInfo, context_window, model_uri
from desktop_chat.api.models import CUSTOM_URI_SCHEMES, OPERATIONS_API_BASE, is_custom_uri


def test_models_offers_the_native_entries_of_the_catalogue():
    assert list(MODELS) == ["yandexgpt/rc", "yandexgpt", "yandexgpt-lite", "aliceai-llm"]
    assert len(MODELS) == 4
    assert all(key == info.key for key, info in MODELS.items())
    assert all(info.context_tokens == 32768 for info in MODELS.values())
    assert [info.title for info in MODELS.values()] == [
        "YandexGPT Pro 5.1", "YandexGPT Pro 5", "YandexGPT Lite 5", "Alice AI LLM"]
    assert [info.path for info in MODELS.values()] == [
        "yandexgpt/rc", "yandexgpt/latest", "yandexgpt-lite/latest", "aliceai-llm/latest"]
    for key, info in MODELS.items():
        entry = catalogue.find(key)
        assert entry is not None and entry.api == "native"
        assert info == ModelInfo(entry.id, entry.title_en, entry.path, entry.context_tokens)


@pytest.mark.parametrize(
    ("old_key", "current"),
    [
        ("yandexgpt-lite/rc", "yandexgpt-lite"),
        ("yandexgpt-lite/deprecated", "yandexgpt-lite"),
        ("yandexgpt/deprecated", "yandexgpt"),
        ("deepseek-v32", "deepseek-v32"),
        ("gemma-3-27b-it", "gemma-3-27b-it"),
    ],
)
def test_old_keys_and_other_models_still_look_up(old_key, current):
    # Old settings keep validating (settings copies dict(MODELS)), and old chats find their model.
    assert old_key in MODELS
    assert old_key in dict(MODELS)
    assert MODELS[old_key].key == current
    assert MODELS.get(old_key) is MODELS[current]


def test_unknown_names_and_uris_are_not_keys():
    for name in ("gpt-4", "", "gpt://f/yandexgpt/rc", "ds://x/y", "yandexgpt-lite@tuned", 42):
        assert name not in MODELS
        assert MODELS.get(name) is None  # type: ignore[call-overload]
    with pytest.raises(KeyError):
        MODELS["gpt-4"]


@pytest.mark.parametrize(
    ("key", "uri"),
    [
        ("yandexgpt-lite", "gpt://b1gfolder/yandexgpt-lite/latest"),
        ("yandexgpt", "gpt://b1gfolder/yandexgpt/latest"),
        ("yandexgpt/rc", "gpt://b1gfolder/yandexgpt/rc"),
        ("yandexgpt-lite/deprecated", "gpt://b1gfolder/yandexgpt-lite/latest"),  # an alias of the current entry
        ("yandexgpt-lite/rc", "gpt://b1gfolder/yandexgpt-lite/latest"),
        ("aliceai-llm", "gpt://b1gfolder/aliceai-llm/latest"),
        ("deepseek-v32", "gpt://b1gfolder/deepseek-v32/latest"),
        ("qwen3-235b-a22b-fp8", "gpt://b1gfolder/qwen3-235b-a22b-fp8/latest"),
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
    assert is_custom_uri(custom)


def test_unknown_model_and_missing_folder_are_clear_errors():
    with pytest.raises(ValueError, match="Unknown model"):
        model_uri("b1gfolder", "gpt-4")
    with pytest.raises(ValueError, match="folder ID"):
        model_uri("  ", "yandexgpt")
    with pytest.raises(ValueError, match="not a model URI"):
        model_uri("b1gfolder", "gpt://")


def test_context_window_for_keys_uris_and_unknown():
    assert context_window("yandexgpt") == 32768
    assert context_window("gpt://f/yandexgpt/rc") == 32768
    assert context_window("gpt://f/yandexgpt") == 32768
    assert context_window("gpt://f/qwen3-235b-a22b-fp8/latest") == 262144
    assert context_window("deepseek-v32") == 131072
    assert context_window("ds://whatever") == DEFAULT_CONTEXT_TOKENS
    assert context_window("no-such-model") == DEFAULT_CONTEXT_TOKENS
    assert DEFAULT_CONTEXT_TOKENS == 32768


def test_endpoints_and_schemes_are_unchanged():
    assert DEFAULT_API_BASE == "https://llm.api.cloud.yandex.net"
    assert OPERATIONS_API_BASE == "https://operation.api.cloud.yandex.net"
    assert CUSTOM_URI_SCHEMES == ("gpt://", "ds://")
