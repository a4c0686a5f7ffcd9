"""The model catalogue: the table, resolution, the live list, prices, the estimate, the disk cache."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_chat import catalogue
from desktop_chat.catalogue import (
    PRICES_DATE,
    CatalogueCache,
    Entry,
    api_of,
    context_window,
    cost,
    estimate_tokens,
    find,
    format_rub,
    merge,
    model_uri,
    price,
)
from desktop_chat.catalogue import cache as cache_module

# Recorded sample 07 (GET /v1/models, 2025-11-28): its ids, verbatim; the file itself is compared where it exists.
SAMPLE_07_NAME = "07-openai-models-list.json"
SAMPLE_07_FILES = [Path(__file__).resolve().parents[1] / "fakes" / "samples" / SAMPLE_07_NAME,
                   Path("/work/shared/reference/real-samples") / SAMPLE_07_NAME]
SAMPLE_07_IDS = [
    "emb://b1ge6b3ojkeeciv997a8/text-embeddings/latest@tamre4vupta1rql2em5su",
    "gpt://b1ge6b3ojkeeciv997a8/aliceai-llm/latest",
    "gpt://b1ge6b3ojkeeciv997a8/gpt-oss-120b/latest",
    "gpt://b1ge6b3ojkeeciv997a8/gpt-oss-20b/latest",
    "gpt://b1ge6b3ojkeeciv997a8/gemma-3-27b-it/latest",
    "gpt://b1ge6b3ojkeeciv997a8/qwen3-235b-a22b-fp8/latest",
    "emb://b1ge6b3ojkeeciv997a8/text-search-doc/latest",
    "emb://b1ge6b3ojkeeciv997a8/text-search-query/latest",
    "emb://b1ge6b3ojkeeciv997a8/text-embeddings/rc",
    "emb://b1ge6b3ojkeeciv997a8/text-embeddings/deprecated",
    "emb://b1ge6b3ojkeeciv997a8/text-embeddings/latest",
    "gpt://b1ge6b3ojkeeciv997a8/yandexgpt-lite/latest",
    "gpt://b1ge6b3ojkeeciv997a8/yandexgpt-lite/rc",
    "gpt://b1ge6b3ojkeeciv997a8/yandexgpt/latest",
    "gpt://b1ge6b3ojkeeciv997a8/yandexgpt/rc",
    "emb://b1ge6b3ojkeeciv997a8/text-embeddings/latest@tamrho34atg937amv6r62",
]

# id -> (URI path, title, API, context window, vision, reasoning, sync in/out, async in/out or None)
EXPECTED = {
    "yandexgpt/rc": ("yandexgpt/rc", "YandexGPT Pro 5.1", "native", 32768, False, "native",
                     ("0.80", "0.80"), ("0.41", "0.41")),
    "yandexgpt": ("yandexgpt/latest", "YandexGPT Pro 5", "native", 32768, False, "native",
                  ("1.20", "1.20"), ("0.61", "0.61")),
    "yandexgpt-lite": ("yandexgpt-lite/latest", "YandexGPT Lite 5", "native", 32768, False, "none",
                       ("0.20", "0.20"), ("0.10", "0.10")),
    "aliceai-llm": ("aliceai-llm/latest", "Alice AI LLM", "native", 32768, False, "none",
                    ("0.50", "1.20"), ("0.25", "1.02")),
    "deepseek-v32": ("deepseek-v32/latest", "DeepSeek V3.2", "openai", 131072, False, "none", ("0.50", "0.80"), None),
    "qwen3-235b-a22b-fp8": ("qwen3-235b-a22b-fp8/latest", "Qwen3 235B", "openai", 262144, False, "none",
                            ("0.50", "0.50"), None),
    "gpt-oss-120b": ("gpt-oss-120b/latest", "gpt-oss-120b", "openai", 131072, False, "effort", ("0.30", "0.30"), None),
    "gpt-oss-20b": ("gpt-oss-20b/latest", "gpt-oss-20b", "openai", 131072, False, "effort", ("0.10", "0.10"), None),
    "gemma-3-27b-it": ("gemma-3-27b-it/latest", "Gemma 3 27B", "openai", 131072, True, "none", ("0.40", "0.40"), None),
}


# --- the table -----------------------------------------------------------------------------------

def test_the_table_is_exactly_the_models_yandex_lists_in_picker_order():
    assert [e.id for e in catalogue.entries()] == list(EXPECTED)
    assert [e.id for e in catalogue.TABLE] == list(EXPECTED)


@pytest.mark.parametrize("model_id", list(EXPECTED))
def test_each_entry_carries_what_the_app_needs(model_id):
    path, title, api, window, vision, reasoning, sync, async_ = EXPECTED[model_id]
    entry = find(model_id)
    assert entry is not None and entry.known and entry.id == model_id
    assert entry.path == path
    assert entry.title("ru") == entry.title("en") == title == entry.title_ru == entry.title_en
    assert (entry.api, entry.context_tokens, entry.vision, entry.reasoning) == (api, window, vision, reasoning)
    assert entry.image_tokens == (256 if vision else 0)
    assert entry.can_count_tokens is (api == "native")  # only Yandex's own models have a tokenizer
    assert entry.is_yandex is (api == "native")
    assert entry.price_sync == catalogue.Price(Decimal(sync[0]), Decimal(sync[1]))
    if async_ is None:
        assert entry.price_async is None and not entry.has_async
    else:
        assert entry.price_async == catalogue.Price(Decimal(async_[0]), Decimal(async_[1]))
    assert entry.chars_per_token_ru > 3.0 and entry.chars_per_token_en > 3.0


def test_the_prices_date_is_one_visible_constant():
    assert date(2026, 3, 16) == PRICES_DATE
    assert catalogue.prices_date("ru") == "16.03.2026"
    assert catalogue.prices_date("en") == "2026-03-16"


# --- resolution ----------------------------------------------------------------------------------

@pytest.mark.parametrize("model_id", list(EXPECTED))
def test_every_model_resolves_by_id_by_uri_and_by_name_and_version(model_id):
    entry = find(model_id)
    assert entry is not None
    path = EXPECTED[model_id][0]
    assert find(f"gpt://b1gfolder/{path}") is entry
    assert find(f"  gpt://b1gfolder/{path}  ") is entry
    assert find(path) is entry
    if path.endswith("/latest"):
        assert find(f"gpt://b1gfolder/{path.removesuffix('/latest')}") is entry  # no version means latest
    assert model_uri("b1gfolder", model_id) == f"gpt://b1gfolder/{path}"
    assert find(entry) is entry


@pytest.mark.parametrize(
    ("alias", "model_id"),
    [
        ("yandexgpt-lite/rc", "yandexgpt-lite"),  # the app's old keys: old settings and chats keep working
        ("yandexgpt-lite/deprecated", "yandexgpt-lite"),
        ("yandexgpt/deprecated", "yandexgpt"),
        ("yandexgpt/latest", "yandexgpt"),
        ("yandexgpt-pro", "yandexgpt"),
        ("aliceai", "aliceai-llm"),
        ("deepseek", "deepseek-v32"),
        ("deepseek-v3.2", "deepseek-v32"),
        ("qwen3-235b", "qwen3-235b-a22b-fp8"),
        ("gemma-3-27b", "gemma-3-27b-it"),
        ("gpt-oss-20b/latest", "gpt-oss-20b"),
        ("YandexGPT-Lite", "yandexgpt-lite"),
        ("gpt://b1gfolder/yandexgpt-lite/rc", "yandexgpt-lite"),
        ("gpt://b1gfolder/yandexgpt/deprecated", "yandexgpt"),
    ],
)
def test_aliases_resolve_to_current_entries(alias, model_id):
    entry = find(alias)
    assert entry is not None and entry.id == model_id
    assert model_uri("f", alias if "://" not in alias else model_id) == f"gpt://f/{EXPECTED[model_id][0]}"


def test_a_uri_the_table_does_not_know_gets_safe_defaults():
    entry = find("gpt://b1gfolder/llama/rc")
    assert entry is not None and not entry.known
    assert entry.id == "llama/rc" and entry.title("ru") == entry.title("en") == "llama/rc"
    assert entry.api == "openai"  # it serves every chat model of AI Studio
    assert entry.context_tokens == 32768
    assert not entry.vision and entry.reasoning == "none" and not entry.can_count_tokens
    assert entry.price_sync is entry.price_async is None
    assert model_uri("other", entry) == "gpt://other/llama/rc"
    assert api_of("gpt://f/llama/latest") == "openai" and context_window("gpt://f/llama") == 32768


def test_a_fine_tune_keeps_its_base_abilities_but_no_price():
    uri = "gpt://b1gother/yandexgpt-lite/latest@tuned123"
    entry = find(uri)
    assert entry is not None and entry.known and entry.suffix == "tuned123"
    assert entry.id == "yandexgpt-lite@tuned123" and "YandexGPT Lite 5" in entry.title("en")
    assert (entry.api, entry.context_tokens, entry.can_count_tokens) == ("native", 32768, True)
    assert entry.price_sync is None and price(entry, SimpleNamespace(input_tokens=10, completion_tokens=5)) is None
    assert model_uri("b1gfolder", uri) == uri  # a full URI keeps its folder and suffix
    assert model_uri("b1gother", entry) == uri


def test_datasphere_uris_pass_through_to_the_native_api():
    entry = find("ds://bt1abc/xyz")
    assert entry is not None and entry.api == "native" and not entry.known
    assert model_uri("", "ds://bt1abc/xyz") == "ds://bt1abc/xyz"
    assert model_uri("", entry) == "ds://bt1abc/xyz"


@pytest.mark.parametrize("text", ["", "  ", "gpt-4", "no-such-model", "gpt://", "gpt:///yandexgpt", "gpt://f/",
                                  "gpt://f/a/b/c", "emb://f/text-embeddings/latest", "yandexgpt lite", "../etc"])
def test_unknown_names_and_bad_uris_resolve_to_nothing(text):
    assert find(text) is None
    assert context_window(text) == 32768
    with pytest.raises(ValueError, match=r"Unknown model|not a model URI"):
        model_uri("b1gfolder", text)


def test_a_live_name_resolves_when_the_live_list_is_given():
    live = merge(["gpt://f/llama/latest", "gpt://f/yandexgpt/rc"])
    assert find("llama") is None
    found = find("llama", live)
    assert found is not None and found.id == "llama" and not found.known
    assert model_uri("b1g", found) == "gpt://b1g/llama/latest"


def test_model_uri_version_and_folder():
    assert model_uri(" b1gfolder ", "deepseek-v32") == "gpt://b1gfolder/deepseek-v32/latest"
    assert model_uri("b1gfolder", "yandexgpt", version="rc") == "gpt://b1gfolder/yandexgpt/rc"
    with pytest.raises(ValueError, match="folder ID"):
        model_uri("  ", "yandexgpt")


def test_api_of_and_context_window():
    assert api_of("yandexgpt") == api_of("aliceai-llm") == "native"
    assert api_of("deepseek-v32") == api_of("gpt://f/gemma-3-27b-it/latest") == "openai"
    assert api_of("no-such-model") == "openai"
    assert context_window("qwen3-235b-a22b-fp8") == 262144
    assert context_window("gpt://f/gpt-oss-120b/latest") == 131072
    assert context_window("yandexgpt-lite/rc") == 32768


# --- the live catalogue --------------------------------------------------------------------------

def test_the_recorded_sample_07_is_the_list_these_tests_use():
    sample = next((p for p in SAMPLE_07_FILES if p.is_file()), None)
    if sample is None:
        pytest.skip("sample 07 is not on this machine")
    data = json.loads(sample.read_text(encoding="utf-8"))
    assert [item["id"] for item in data["data"]] == SAMPLE_07_IDS


def test_sample_07_merges_to_exactly_the_chat_models_yandex_first():
    ids = SAMPLE_07_IDS
    merged = merge(ids)
    assert [e.id for e in merged] == [
        "yandexgpt/rc", "yandexgpt", "yandexgpt-lite", "aliceai-llm",  # Yandex's own first
        "qwen3-235b-a22b-fp8", "gpt-oss-120b", "gpt-oss-20b", "gemma-3-27b-it",
    ]  # fmt: skip
    assert all(e.known for e in merged)  # yandexgpt-lite/rc is Lite 5 again, listed once; no emb://
    assert merged[0] is find("yandexgpt/rc")
    assert catalogue.catalogue(ids) == merged


def test_unknown_live_models_appear_by_id_with_defaults_after_the_known_ones():
    merged = merge([
        "gpt://f/zeta-model/latest", "gpt://f/gpt-oss-20b/latest", "gpt://f/aliceai-llm/rc",
        "gpt://f/alpha/rc", "gpt://f/yandexgpt-lite/latest", "gpt://f/zeta-model/latest",
        "emb://f/text-embeddings/latest", "art://f/yandex-art/latest", "gpt://bad uri", "", None, 42,
    ])  # fmt: skip
    assert [e.id for e in merged] == ["yandexgpt-lite", "aliceai-llm/rc", "gpt-oss-20b", "alpha/rc", "zeta-model"]
    unknown = {e.id: e for e in merged if not e.known}
    assert set(unknown) == {"aliceai-llm/rc", "alpha/rc", "zeta-model"}
    assert all(e.api == "openai" and e.context_tokens == 32768 and e.price_sync is None for e in unknown.values())


def test_without_a_live_list_the_table_is_offered():
    assert catalogue.catalogue(None) == catalogue.entries()
    assert catalogue.catalogue([]) == catalogue.entries()
    assert merge([]) == []


# --- prices --------------------------------------------------------------------------------------

def usage(input_tokens, completion_tokens, reasoning_tokens=0, total_tokens=None):
    total = input_tokens + completion_tokens if total_tokens is None else total_tokens
    return SimpleNamespace(input_tokens=input_tokens, completion_tokens=completion_tokens,
                           reasoning_tokens=reasoning_tokens, total_tokens=total)


def test_prices_for_a_known_usage():
    # Alice AI LLM: 0.50 in / 1.20 out sync, 0.25 / 1.02 async, per 1,000 tokens.
    assert price("aliceai-llm", usage(2000, 500)) == Decimal("1.60")
    assert price("aliceai-llm", usage(2000, 500), mode="async") == Decimal("1.01")
    assert price("yandexgpt-lite", usage(1234, 567)) == Decimal("0.3602")
    assert price("gpt://f/deepseek-v32/latest", usage(1000, 1000)) == Decimal("1.30")
    assert price("deepseek-v32", usage(1000, 1000), mode="async") is None  # no async for it
    assert price("gpt://f/llama/latest", usage(1000, 1000)) is None  # no price known
    assert cost("qwen3-235b-a22b-fp8", 10_000) == Decimal("5")  # what sending costs at least
    with pytest.raises(ValueError):
        price("yandexgpt", usage(1, 1), mode="batch")  # type: ignore[arg-type]


def test_reasoning_is_billed_as_output_once():
    # Included in completion_tokens (OpenAI's usage, total = input + completion): not added again.
    assert price("gpt-oss-120b", usage(1000, 3000, reasoning_tokens=2000)) == Decimal("1.20")
    # Reported beside the completion (total counts it): added.
    assert price("yandexgpt", usage(1000, 500, reasoning_tokens=1500, total_tokens=3000)) == Decimal("3.60")
    # No total, but more reasoning than completion: it cannot be a part of it.
    assert catalogue.billed_output(SimpleNamespace(input_tokens=1, completion_tokens=10, reasoning_tokens=90)) == 100
    assert catalogue.billed_output(SimpleNamespace(input_tokens=1, completion_tokens=10)) == 10


@pytest.mark.parametrize(
    ("amount", "ru", "en"),
    [
        ("1.2", "1,20\u00a0₽", "₽1.20"),
        ("0", "0,00\u00a0₽", "₽0.00"),
        ("0.3602", "0,36\u00a0₽", "₽0.36"),
        ("0.005", "0,01\u00a0₽", "₽0.01"),
        ("0.0004", "<0,01\u00a0₽", "<₽0.01"),
        ("1234567.891", "1\u00a0234\u00a0567,89\u00a0₽", "₽1,234,567.89"),
        ("-2.5", "-2,50\u00a0₽", "-₽2.50"),
    ],
)
def test_roubles_are_formatted_for_the_ui_language(amount, ru, en):
    assert format_rub(Decimal(amount), "ru") == ru
    assert format_rub(Decimal(amount), "ru_RU") == ru
    assert format_rub(Decimal(amount), "en") == en


# --- the offline estimate ------------------------------------------------------------------------

RUSSIAN = ("Модель не хранит память между вызовами, поэтому клиент сам ведёт разговор: он сохраняет каждый чат "
           "на диске пользователя, отправляет всю накопленную историю с каждым запросом и позволяет читать "
           "старые чаты без сети и без ключей. Пользователи устанавливают приложение из готового установщика, "
           "и большинство из них пишет по-русски. ")
ENGLISH = ("The model keeps no memory between calls, so the client owns the conversation: it keeps every chat on "
           "the user's disk, sends the accumulated history with every request, and lets people read old chats "
           "with no network and no credentials at all. ")


def test_a_russian_text_of_520_characters_is_about_100_tokens_for_yandexgpt():
    text = (RUSSIAN * 3)[:520]
    assert len(text) == 520
    tokens = estimate_tokens(text, "yandexgpt")
    assert 85 <= tokens <= 115  # Yandex measures ~5.2 characters per token on Russian
    assert tokens >= 100  # and the estimate errs on the high side
    assert tokens < 520 / 3.0 * 0.7  # the old 3 characters per token wasted ~40 % of the window


def test_the_estimate_follows_the_script_and_the_model():
    english = (ENGLISH * 3)[:520]
    assert 520 / 5.36 <= estimate_tokens(english, "yandexgpt") <= 520 / 5.36 * 1.15
    russian = (RUSSIAN * 3)[:520]
    assert estimate_tokens(russian, "qwen3-235b-a22b-fp8") > estimate_tokens(russian, "gpt-oss-120b") > \
        estimate_tokens(russian, "yandexgpt")
    mixed = russian[:260] + english[:260]
    assert estimate_tokens(russian, "qwen3-235b-a22b-fp8") > estimate_tokens(mixed, "qwen3-235b-a22b-fp8") > \
        estimate_tokens(english[:520], "qwen3-235b-a22b-fp8")
    assert estimate_tokens("", "yandexgpt") == 0
    assert estimate_tokens("漢字漢字漢字漢字", "yandexgpt") >= 8  # other scripts: about a token a character
    assert estimate_tokens("1234567890" * 10, "yandexgpt") > 0
    # an unknown model: the default of 4.5 characters per token, a little cautious
    assert 520 / 4.5 <= estimate_tokens(russian, "gpt://f/llama/latest") <= 520 / 4.5 * 1.15
    assert estimate_tokens(russian) == estimate_tokens(russian, "no-such-model")


# --- the disk cache ------------------------------------------------------------------------------

FETCHED = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_cache_round_trip(tmp_path):
    cache = CatalogueCache(tmp_path / "sub" / "models.json")
    assert cache.load() is None  # nothing cached yet
    assert cache.save(SAMPLE_07_IDS, FETCHED)
    loaded = cache.load()
    assert loaded is not None
    assert loaded.live_ids == SAMPLE_07_IDS and loaded.fetched_at == FETCHED and not loaded.newer
    assert loaded.age_seconds(FETCHED + timedelta(hours=2)) == 7200
    assert merge(loaded.live_ids) == merge(SAMPLE_07_IDS)
    assert loaded.is_for_folder("b1ge6b3ojkeeciv997a8") and not loaded.is_for_folder("b1gother")
    body = json.loads((tmp_path / "sub" / "models.json").read_text(encoding="utf-8"))
    assert body["format"] == "desktop-chat-models" and body["version"] == 1
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["models.json"]  # no temp file left behind
    # a naive time is taken as UTC
    assert cache.save(["gpt://f/yandexgpt/rc"], datetime(2026, 1, 1, 12, 0))
    again = cache.load()
    assert again is not None and again.fetched_at == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_cache_writes_atomically(tmp_path, monkeypatch):
    path = tmp_path / "models.json"
    cache = CatalogueCache(path)
    cache.save(["gpt://f/yandexgpt/rc"], FETCHED)
    calls = []
    import desktop_chat.store.fileio as fileio

    real = fileio.atomic_write
    monkeypatch.setattr(fileio, "atomic_write", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    assert cache.save(["gpt://f/yandexgpt/latest"], FETCHED)
    assert calls == [path]

    def fail(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio, "atomic_write", fail)
    assert cache.save(["gpt://f/other/latest"], FETCHED) is False  # not fatal
    loaded = cache.load()
    assert loaded is not None and loaded.live_ids == ["gpt://f/yandexgpt/latest"]  # the old file is intact


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe garbage",
        b"[]",
        b'{"format": "something-else", "version": 1, "fetched_at": "2026-11-30T10:00:00+00:00", "ids": []}',
        b'{"format": "desktop-chat-models", "version": "1", "fetched_at": "2026-11-30T10:00:00+00:00", "ids": []}',
        b'{"format": "desktop-chat-models", "version": 1, "fetched_at": "yesterday", "ids": []}',
        b'{"format": "desktop-chat-models", "version": 1, "fetched_at": "2026-11-30T10:00:00+00:00", "ids": [1]}',
        b'{"format": "desktop-chat-models", "version": 1, "fetched_at": "2026-11-30T10:00:00+00:00", "ids": {}}',
        b'{"format": "desktop-chat-models", "version": NaN, "fetched_at": "2026-11-30T10:00:00+00:00", "ids": []}',
        b'{"format": "desktop-chat-models", "version": 1, "fetched_at": "2026-11-30T10:00:00+00:00", "ids": ['
        + b"[" * 200 + b"]" * 200 + b"]}",
        b'{"format": "desktop-chat-models", "version": 1, "fetched_at": "2026-11-30T10:00:00+00:00", "ids": ["'
        + b"x" * 1_100_000 + b'"]}',
    ],
)
def test_a_damaged_cache_is_ignored_and_then_replaced(tmp_path, content):
    path = tmp_path / "models.json"
    path.write_bytes(content)
    cache = CatalogueCache(path)
    assert cache.load() is None
    assert cache.save(["gpt://f/yandexgpt/rc"], FETCHED)
    loaded = cache.load()
    assert loaded is not None and loaded.live_ids == ["gpt://f/yandexgpt/rc"]


def test_an_unreadable_or_unwritable_cache_is_not_fatal(tmp_path):
    path = tmp_path / "models.json"
    path.mkdir()  # something that cannot be read or replaced as a file
    cache = CatalogueCache(path)
    assert cache.load() is None
    assert cache.save(["gpt://f/yandexgpt/rc"], FETCHED) is False
    assert path.is_dir() and list(tmp_path.iterdir()) == [path]  # no temp file left behind


def test_a_cache_from_a_newer_version_is_read_but_never_overwritten(tmp_path):
    path = tmp_path / "models.json"
    newer = {"format": "desktop-chat-models", "version": cache_module.VERSION + 1,
             "fetched_at": "2026-11-30T10:00:00+00:00", "ids": ["gpt://f/yandexgpt/rc"], "extra": {"new": True}}
    raw = json.dumps(newer).encode()
    path.write_bytes(raw)
    cache = CatalogueCache(path)
    loaded = cache.load()
    assert loaded is not None and loaded.newer and loaded.live_ids == ["gpt://f/yandexgpt/rc"]
    assert cache.save(["gpt://f/yandexgpt-lite/latest"], FETCHED) is False
    assert path.read_bytes() == raw
    # a newer file without the fields this version reads is ignored, and still not overwritten
    other = b'{"format": "desktop-chat-models", "version": 9, "models": []}'
    path.write_bytes(other)
    assert cache.load() is None
    assert cache.save(["gpt://f/yandexgpt-lite/latest"], FETCHED) is False
    assert path.read_bytes() == other


def test_entry_is_immutable_and_hashable():
    entry = find("yandexgpt")
    assert isinstance(entry, Entry)
    with pytest.raises(AttributeError):
        entry.context_tokens = 1  # type: ignore[misc]
    assert len({entry, find("yandexgpt/latest")}) == 1


def _estimate_by_the_formula(text: str, model: str) -> int:
    """The estimate spelt out with every pattern counted (what estimate_tokens must equal, shortcuts or not)."""
    import math
    import re

    def count(pattern: str) -> int:
        return len(text) - len(re.sub(pattern, "", text))

    entry = find(model)
    ru, en = entry.chars_per_token_ru, entry.chars_per_token_en
    cyrillic, latin, other = count(r"[\u0400-\u04FF]+"), count(r"[A-Za-z\u00C0-\u024F]+"), \
        count(r"[^\x00-\u024F\u0400-\u04FF\s]+")
    share = cyrillic / (cyrillic + latin) if cyrillic + latin else None
    per_token = min(ru, en) if share is None else 1.0 / (share / ru + (1.0 - share) / en)
    return math.ceil(((len(text) - other) / per_token + other) / catalogue.resolve.CAUTION) if text else 0


@pytest.mark.parametrize("text", ["", "plain ASCII text, code() and 1234", "\t\n  ", ENGLISH, RUSSIAN,
                                  "mixed: привет, world — «ёлки» 😀 漢字 ÀÉÎ ɐɑ", "\u00a0nbsp only\u00a0",
                                  "Ѐ ӿ Ԁ ÿ Ā ȿ ɀ ɏ ɐ À×÷ «»", "lone \ud800 surrogate", RUSSIAN + "ÀȿĀ" + ENGLISH])
def test_the_quick_counts_equal_the_patterns(text: str) -> None:
    """ASCII text and text of Cyrillic and Latin letters are counted from their bytes: the same numbers."""
    for model in ("yandexgpt", "qwen3-235b-a22b-fp8"):
        assert estimate_tokens(text, model) == _estimate_by_the_formula(text, model)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x600), max_size=60)
       | st.text(alphabet=st.sampled_from("aZ ёЖЀӿÀÿĀȿɀɏɐ×\u00a0\u0400\u04ff\u0500\u023f\u0240—😀\ud800"), max_size=30))
def test_any_text_is_counted_as_the_patterns_count_it(text: str) -> None:
    assert estimate_tokens(text, "yandexgpt") == _estimate_by_the_formula(text, "yandexgpt")


def test_a_message_is_counted_once() -> None:
    """The meter estimates every message again after each reply, on the window's thread: a long reply's
    letters are counted once (5 ms per 100 KB)."""
    from desktop_chat.catalogue import resolve

    text = "Привет, world! " * 7001
    resolve._scripts.cache_clear()
    first = resolve.estimate_tokens(text, "yandexgpt")
    assert resolve.estimate_tokens(text, "yandexgpt") == first
    assert resolve.estimate_tokens(text, "qwen3-235b-a22b-fp8") > 0
    info = resolve._scripts.cache_info()
    assert (info.misses, info.hits) == (1, 2)
