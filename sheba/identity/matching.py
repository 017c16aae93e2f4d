"""Comparing what a citizen typed with what the register holds, the way a patient clerk would.

Pure Python (no Django): the register simulator uses it too. Rules, in order:

* Unicode NFC (precomposed and decomposed য়/ড়/ঢ় alike); ``ত্`` + ZWJ becomes ``ৎ``; zero-width
  joiners and non-joiners are dropped; Bengali digits become ASCII digits; case is folded.
* Punctuation (``. , : ; - ' "`` and the like) separates words; runs of whitespace count as one.
  The visarga ``ঃ`` is part of a Bengali abbreviation, so ``মোঃ`` and ``মো:`` and ``মো.`` agree.
* Honorific prefixes are spelled many ways: every spelling of Mohammad (মোঃ, মো:, মোহাম্মদ,
  মুহাম্মদ, Md., Mohd, Mohammed, Muhammad ...) is one word, and every spelling of Mosammat
  (মোসাম্মৎ, মোছাঃ, Mst., Most ...) another. A leading honorific may be left out on either side
  ("রফিকুল ইসলাম" matches "মোঃ রফিকুল ইসলাম") but two different ones do not match.
* Nothing else is forgiven: a different letter, a missing word or a different order is a mismatch.
"""

from __future__ import annotations

import re
import unicodedata

_BN_TO_ASCII = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")
ZWJ = "\u200d"
ZWNJ = "\u200c"
KHANDA_TA = "\u09ce"

_MOHAMMAD = {
    # Bengali spellings (after NFC; "মো:" and "মো." lose their punctuation and become "মো").
    "মোঃ", "মো", "মোহাঃ", "মুহাঃ", "মোহাম্মদ", "মোহাম্মাদ", "মুহাম্মদ", "মুহাম্মাদ", "মোহম্মদ",
    "মহাম্মদ", "মহম্মদ", "মুহম্মদ", "মোহাম্মেদ",
    # English spellings (case-folded, dot removed).
    "md", "mohd", "mohammad", "mohammed", "mohamed", "mohamad", "muhammad", "muhammed", "muhamad",
    "mohammod", "muhammod",
}
_MOSAMMAT = {
    "মোসাম্মৎ", "মোছাম্মৎ", "মোসাম্মাত", "মোছাম্মাত", "মোসাঃ", "মোছাঃ", "মোসা", "মোছা", "মোসাম্মত",
    "মোছাম্মত",
    "mst", "most", "mosammat", "mossammat", "musammat", "mosammot", "mosamat", "mussammat",
}
HONORIFICS = {**dict.fromkeys(_MOHAMMAD, "<md>"), **dict.fromkeys(_MOSAMMAT, "<mst>")}

def _is_word_char(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in {"L", "M", "N"}


def normalise_text(text: str) -> str:
    """NFC, khanda-ta unified, zero-width characters gone, ASCII digits, case folded."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("ত্" + ZWJ, KHANDA_TA)
    text = text.replace(ZWJ, "").replace(ZWNJ, "")
    return text.translate(_BN_TO_ASCII).casefold()


def name_words(text: str) -> list[str]:
    """The words of a name, honorifics replaced by one token per family (``<md>``, ``<mst>``)."""
    text = normalise_text(text)
    # Everything that is not a letter, a (Bengali) vowel sign/mark or a digit separates words.
    cleaned = "".join(char if _is_word_char(char) else " " for char in text)
    words = cleaned.split()
    return [HONORIFICS.get(word, word) for word in words]


def _without_leading_honorific(words: list[str]) -> tuple[str | None, list[str]]:
    if words and words[0] in {"<md>", "<mst>"}:
        return words[0], words[1:]
    return None, words


def names_match(typed: str, recorded: str) -> bool:
    """True when ``typed`` is the same name as ``recorded`` under the rules in this module."""
    typed_words, recorded_words = name_words(typed), name_words(recorded)
    if not typed_words or not recorded_words:
        return False
    if typed_words == recorded_words:
        return True
    typed_prefix, typed_core = _without_leading_honorific(typed_words)
    recorded_prefix, recorded_core = _without_leading_honorific(recorded_words)
    if not typed_core or typed_core != recorded_core:
        return False
    # Same core name: fine when one side leaves the honorific out, not when they name different ones.
    return typed_prefix is None or recorded_prefix is None or typed_prefix == recorded_prefix


def name_matches_any(typed: str, *recorded: str) -> bool:
    """The typed name equals any of the recorded spellings (the Bengali or the English one)."""
    return any(names_match(typed, each) for each in recorded if each)


def digits(text: str) -> str:
    """An identity number as ASCII digits: Bengali digits mapped, spaces and dashes dropped."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFC", text or "")).translate(_BN_TO_ASCII)
