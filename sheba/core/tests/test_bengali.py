from datetime import date

import pytest
from django.core.exceptions import ValidationError

from sheba.core import bengali
from sheba.core.phone import display_bd_mobile, parse_bd_mobile


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 22), (1433, 8, 7)),  # the issue's example: ৭ অগ্রহায়ণ ১৪৩৩
        (date(2026, 4, 14), (1433, 1, 1)),  # Pohela Boishakh
        (date(2026, 4, 13), (1432, 12, 30)),  # last day of Chaitra
        (date(2024, 2, 29), (1430, 11, 16)),  # a leap Falgun (from 14 Feb 2024)
        (date(2024, 2, 14), (1430, 11, 1)),
        (date(2023, 12, 16), (1430, 9, 1)),  # Victory Day = 1 Poush
        (date(2024, 3, 15), (1430, 12, 1)),  # Chaitra always starts on 15 March…
        (date(2025, 3, 14), (1431, 11, 29)),  # …because Falgun has 29 days, 30 in a leap year
    ],
)
def test_bangla_calendar(day, expected):
    assert bengali.bangla_date(day) == expected


def test_dual_date_matches_issue_example():
    assert bengali.format_dual(date(2026, 11, 22), "bn") == "২২ নভেম্বর ২০২৬ / ৭ অগ্রহায়ণ ১৪৩৩"
    assert bengali.format_dual(date(2026, 11, 22), "en") == "22 November 2026 / 7 Agrohayon 1433"


def test_digits_round_trip():
    assert bengali.to_bn_digits(1234567890) == "১২৩৪৫৬৭৮৯০"
    assert bengali.to_ascii_digits("০১৭১২-৩৪৫৬৭৮") == "01712-345678"


def test_nfc_makes_decomposed_ya_equal():
    decomposed = "\u09af\u09bc"  # য + nukta
    assert bengali.nfc("\u09df") == bengali.nfc(decomposed)


@pytest.mark.parametrize(
    "raw",
    ["01712345678", "+8801712345678", "8801712345678", "008801712345678", "017-1234-5678", "০১৭১২৩৪৫৬৭৮", " 01312 345678 "],
)
def test_mobile_numbers_accepted(raw):
    assert parse_bd_mobile(raw) in {"+8801712345678", "+8801312345678"}


@pytest.mark.parametrize(
    "raw",
    ["", "0171234567", "017123456789", "01112345678", "0212345678", "+447700900123", "abc", "0" * 1000, "01212345678"],
)
def test_bad_mobile_numbers_refused(raw):
    with pytest.raises(ValidationError):
        parse_bd_mobile(raw)


def test_display():
    assert display_bd_mobile("+8801712345678") == "01712-345678"
