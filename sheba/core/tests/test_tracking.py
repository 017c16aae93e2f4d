"""Tracking numbers: format, reading back what people type, and the check character's guarantees."""

from __future__ import annotations

import re
from itertools import product

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from sheba.core import tracking
from sheba.core.errors import InvalidInput, NotFound
from sheba.core.tracking import (
    ALPHABET,
    TrackingNumberMalformed,
    TrackingNumberMistyped,
    TrackingNumberUnknown,
)

bodies = st.text(alphabet=ALPHABET, min_size=tracking.RANDOM_LENGTH, max_size=tracking.RANDOM_LENGTH)
numbers = bodies.map(lambda body: body + tracking.check_character(body))


def test_alphabet_is_crockford_base32():
    assert ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    assert len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_generate_shape_and_validity():
    seen = {tracking.generate() for _ in range(2000)}
    assert len(seen) == 2000  # 50 random bits: no repeats in a small sample
    for number in seen:
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{11}", number)
        assert tracking.is_valid(number)
        assert tracking.parse(number) == number


def test_generate_is_not_sequential():
    first, second = tracking.generate(), tracking.generate()
    assert first != second
    # Every one of the 10 random positions takes many values across a sample.
    sample = [tracking.generate() for _ in range(500)]
    for position in range(tracking.RANDOM_LENGTH):
        assert len({n[position] for n in sample}) > 20


def test_display_groups_with_prefix():
    number = "7KQ49XH2MC" + tracking.check_character("7KQ49XH2MC")
    assert number == "7KQ49XH2MC4"
    assert tracking.display(number) == "SB-7KQ4-9XH2-MC4"
    assert tracking.EXAMPLE == "SB-7KQ4-9XH2-MC4"
    assert tracking.is_valid(tracking.EXAMPLE)


@pytest.mark.parametrize(
    "typed",
    [
        "SB-7KQ4-9XH2-MC4",
        "sb-7kq4-9xh2-mc4",
        "7KQ49XH2MC4",
        "7kq4 9xh2 mc4",
        " SB 7KQ4 9XH2 MC4 ",
        "SB—7KQ4–9XH2-MC4",  # em and en dashes pasted from a message
        "SB-7KQ৪-৯XH২-MC৪",  # Bengali digits
        "ＳＢ-７ＫＱ４-９ＸＨ２-ＭＣ４",  # full-width
    ],
)
def test_normalise_accepts_what_people_type(typed):
    assert tracking.normalise(typed) == "7KQ49XH2MC4"
    assert tracking.parse(typed) == "7KQ49XH2MC4"


def test_lookalikes_map_to_digits():
    body = "1001X0H2MC"
    number = body + tracking.check_character(body)
    typed = "I0O1X0H2MC" + number[-1]
    assert tracking.normalise(typed) == number
    assert tracking.normalise(typed.lower().replace("1", "l", 1)) == number
    assert tracking.parse("L0o" + number[3:]) == number


@pytest.mark.parametrize(
    "typed",
    ["", "SB", "7KQ49XH2MC", "7KQ49XH2MC44", "7KQ49XH2MCU", "7KQ49XH2MC*", "SB-7KQ4-9XH2-MC4-1", "x" * 10_000,
     "৭ক৪৯"],
)
def test_malformed_is_not_mistyped(typed):
    with pytest.raises(TrackingNumberMalformed) as caught:
        tracking.parse(typed)
    assert caught.value.code == "tracking_malformed"
    assert tracking.is_valid(typed) is False


def test_non_text_is_malformed():
    with pytest.raises(TrackingNumberMalformed):
        tracking.normalise(None)  # type: ignore[arg-type]


def test_bad_check_character_says_mistyped_in_both_languages():
    with pytest.raises(TrackingNumberMistyped) as caught:
        tracking.parse("SB-7KQ4-9XH2-MC5")
    error = caught.value
    assert error.code == "tracking_mistyped"
    assert isinstance(error, InvalidInput)
    with translation.override("en"):
        assert str(error.message) == "This tracking number looks mistyped. Please check each character and try again."
    with translation.override("bn"):
        assert str(error.message) == "ট্র্যাকিং নম্বরটি ভুল টাইপ হয়েছে বলে মনে হচ্ছে। প্রতিটি অক্ষর মিলিয়ে আবার চেষ্টা করুন।"


def test_unknown_is_a_distinct_not_found():
    error = TrackingNumberUnknown()
    assert isinstance(error, NotFound)
    assert not isinstance(error, InvalidInput)
    assert error.code == "tracking_unknown" != TrackingNumberMistyped.code != TrackingNumberMalformed.code
    with translation.override("en"):
        assert str(error.message) == "We have no application with this tracking number."


def test_exactly_one_check_character_per_body():
    body = "7KQ49XH2MC"
    valid = [char for char in ALPHABET if tracking.is_valid(body + char)]
    assert valid == ["4"]


def test_quasigroup_is_totally_anti_symmetric_exhaustively():
    """(c*x)*y == (c*y)*x only when x == y, for all 32^3 triples; rows and columns are permutations."""
    step = tracking._step
    for c, x, y in product(range(32), repeat=3):
        if x != y:
            assert step(step(c, x), y) != step(step(c, y), x)
    for a in range(32):
        assert sorted(step(a, b) for b in range(32)) == list(range(32))
        assert sorted(step(b, a) for b in range(32)) == list(range(32))


@settings(max_examples=300, deadline=None)
@given(numbers, st.integers(min_value=0, max_value=tracking.LENGTH - 1), st.sampled_from(ALPHABET))
def test_every_single_substitution_is_caught(number, position, replacement):
    assert tracking.is_valid(number)
    if number[position] == replacement:
        return
    typo = number[:position] + replacement + number[position + 1:]
    with pytest.raises(TrackingNumberMistyped):
        tracking.parse(typo)


@settings(max_examples=300, deadline=None)
@given(numbers, st.integers(min_value=0, max_value=tracking.LENGTH - 2))
def test_every_adjacent_transposition_is_caught(number, position):
    a, b = number[position], number[position + 1]
    if a == b:
        return
    swapped = number[:position] + b + a + number[position + 2:]
    with pytest.raises(TrackingNumberMistyped):
        tracking.parse(swapped)


@settings(max_examples=200, deadline=None)
@given(numbers)
def test_display_round_trips(number):
    assert tracking.parse(tracking.display(number)) == number
    assert tracking.parse(tracking.display(number).lower().replace("-", " ")) == number


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_parse_never_fails_unexpectedly(text):
    try:
        result = tracking.parse(text)
    except (TrackingNumberMalformed, TrackingNumberMistyped):
        return
    assert tracking.is_valid(result)
