"""Word forms for search queries: one common Russian or English ending off each query word (see
docs/store-format.md, "Search index"). Pure functions; search.py folds the words first."""

from __future__ import annotations

import re

# ---- word forms ----------------------------------------------------------------------------
# A light, predictable stemmer for the query only: drop ONE ending, then search the rest as a word
# prefix. The index keeps words as written, so the rules can change without a rebuild.
#
# Russian (a word of Russian letters only, after folding, so "ё" is already "е"): of the endings in
# RU_ENDINGS the word ends with, the longest that leaves at least RU_MIN_STEM letters and whose
# condition in RU_AFTER holds is removed; when none does, the word stays as typed. So a shorter
# ending is the fallback ("часть": -ть would leave "час", -ь leaves "част"), and words of 4 letters
# or fewer stay as typed ("кот" still finds "котлета": it is a prefix as typed, as before). The
# conditions keep verb endings off nouns:
#   -ла/-ло/-ли only after а/я (читала, гуляли), not свекла → свек, правило → прави, модели → моде;
#   -ет/-ешь/-ют/-ть only after a vowel (работает, говорить), not привет → прив, отчет;
#   -ат only after ж/ш/ч/щ (кричат, слышат: there a verb's -ят is spelled -ат), not формат → форм.
RU_MIN_STEM = 4
RU_ENDINGS = (  # longest first
    "ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "ешь",
    "ая", "яя", "ое", "ее", "ую", "юю", "ой", "ей", "ий", "ый", "ым", "им", "ом", "ем", "ам", "ям",
    "ах", "ях", "ов", "ев", "ть", "ла", "ло", "ли", "ет", "ют", "ат", "ят", "ит",
    "а", "я", "ы", "и", "о", "е", "у", "ю", "ь", "й",
)
_RU_VOWELS = "аеиоуыэюя"
RU_AFTER: dict[str, str] = {
    "ла": "ая", "ло": "ая", "ли": "ая",
    "ет": _RU_VOWELS, "ешь": _RU_VOWELS, "ют": _RU_VOWELS, "ть": _RU_VOWELS,
    "ат": "жшчщ",
}
# English (a word of a-z only, after folding, so "café" counts): -ing, -ed (not -eed), -es after
# ss/x/zz/ch/sh (boxes, classes), else -s (not after s/u/i: class, status, this; uses → use), if at
# least EN_MIN_STEM letters with a vowel among them are left (string, thing, used stay as typed).
# English roots are short, so the floor is 3 ("cats" → "cat"), and words of 3 letters stay as typed.
# Words with digits, other scripts or mixed scripts stay as typed.
EN_MIN_STEM = 3
_EN_NOT_S = ("ss", "us", "is")
_EN_ES_AFTER = ("ss", "x", "zz", "ch", "sh")
_RU_WORD = re.compile(r"[а-я]+")
_EN_WORD = re.compile(r"[a-z]+")
_EN_VOWELS = re.compile(r"[aeiouy]")


def _stem_ru(word: str) -> str:
    for ending in RU_ENDINGS:
        cut = len(word) - len(ending)
        if cut < RU_MIN_STEM or not word.endswith(ending):
            continue
        after = RU_AFTER.get(ending)
        if after is None or word[cut - 1] in after:
            return word[:cut]
    return word


def _en_ending(word: str) -> int:
    """The length of the English ending to drop (0: none)."""
    if word.endswith("ing"):
        return 3
    if word.endswith("ed"):
        return 0 if word.endswith("eed") else 2
    if word.endswith("es") and word[:-2].endswith(_EN_ES_AFTER):
        return 2
    if word.endswith("s") and not word.endswith(_EN_NOT_S):
        return 1
    return 0


def _stem_en(word: str) -> str:
    stem = word[: len(word) - _en_ending(word)]
    return stem if len(stem) >= EN_MIN_STEM and _EN_VOWELS.search(stem) else word


def stem(word: str) -> str:
    """The part of a folded query word that is searched as a prefix: `word` minus one common
    Russian or English inflectional ending (see the rules above), or `word` as it is."""
    if _RU_WORD.fullmatch(word):
        return _stem_ru(word)
    if _EN_WORD.fullmatch(word):
        return _stem_en(word)
    return word
