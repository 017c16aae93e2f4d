"""Name tolerance: what a clerk forgives and what they do not."""

import unicodedata

import pytest

from sheba.identity.matching import digits, name_words, names_match


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("মোঃ রফিকুল ইসলাম", "মোঃ রফিকুল ইসলাম"),
        ("মো: রফিকুল ইসলাম", "মোঃ রফিকুল ইসলাম"),
        ("মো. রফিকুল ইসলাম", "মোঃ রফিকুল ইসলাম"),
        ("মোহাম্মদ রফিকুল ইসলাম", "মোঃ রফিকুল ইসলাম"),
        ("মুহাম্মদ রফিকুল ইসলাম", "মোঃ রফিকুল ইসলাম"),
        ("রফিকুল ইসলাম", "মোঃ রফিকুল ইসলাম"),  # honorific left out
        ("মোঃ রফিকুল ইসলাম", "রফিকুল ইসলাম"),
        ("  মোঃ   রফিকুল\tইসলাম ", "মোঃ রফিকুল ইসলাম"),
        ("Md. Rafiqul Islam", "Md. Rafiqul Islam"),
        ("md rafiqul islam", "Md. Rafiqul Islam"),
        ("MOHAMMAD RAFIQUL ISLAM", "Md. Rafiqul Islam"),
        ("Mohammed Rafiqul Islam", "Md. Rafiqul Islam"),
        ("Md.Rafiqul Islam", "Md. Rafiqul Islam"),
        ("Rafiqul Islam", "Md. Rafiqul Islam"),
        ("মোছাঃ নাসরিন রানী", "মোসাম্মৎ নাসরিন রানী"),
        ("Mst. Nasrin Rani", "Mosammat Nasrin Rani"),
        ("নাসরিন রানী", "মোছাঃ নাসরিন রানী"),
        ("আয়েশা খাতুন", "আয়েশা খাতুন"),  # decomposed য় typed, precomposed recorded
        ("রোকেয়া বেগম", unicodedata.normalize("NFD", "রোকেয়া বেগম")),
        ("শরৎ চন্দ্র", "শরত্\u200d চন্দ্র"),  # khanda-ta written with ZWJ
        ("লক্ষ্মী রানী", "লক্ষ\u200c্মী রানী"),  # stray zero-width non-joiner
        ("মোঃ আবুল হোসেন ২য়", "মোঃ আবুল হোসেন 2য়"),  # Bengali digits in a name
    ],
)
def test_names_a_clerk_accepts(typed, recorded):
    assert names_match(typed, recorded) is True


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("রফিকুল ইসলাম", "রফিকুল আলম"),  # a different family name
        ("রফিকুল", "মোঃ রফিকুল ইসলাম"),  # a word missing
        ("ইসলাম রফিকুল", "রফিকুল ইসলাম"),  # different order
        ("মোঃ রফিকুল ইসলাম", "মোছাঃ রফিকুল ইসলাম"),  # different honorifics
        ("Mst. Nasrin Rani", "Md. Nasrin Rani"),
        ("রফিকুল ইসলাম", "রফীকুল ইসলাম"),  # a different vowel sign is a different spelling
        ("Rafiqul Islam", "Rafiqul Islum"),
        ("মোঃ", "মোঃ রফিকুল ইসলাম"),  # an honorific alone is no name
        ("", "রফিকুল ইসলাম"),
        ("...", "..."),
    ],
)
def test_names_a_clerk_refuses(typed, recorded):
    assert names_match(typed, recorded) is False


def test_name_words():
    assert name_words("মো: রফিকুল-ইসলাম") == ["<md>", "রফিকুল", "ইসলাম"]
    assert name_words("Mst.  Nasrin  Rani") == ["<mst>", "nasrin", "rani"]
    assert name_words("Mahmud Hasan") == ["mahmud", "hasan"]  # a name, not an honorific


def test_digits():
    assert digits("১৯৯০ ৫৬১২-৩৪৫৬৭") == "1990561234567"
    assert digits("4042119710") == "4042119710"
