"""Bengali text: digits, NFC normalisation, the Bangla calendar (Bangladesh's 2019 revision)."""

from __future__ import annotations

import unicodedata
from datetime import date

BN_DIGITS = "০১২৩৪৫৬৭৮৯"
_TO_BN = str.maketrans("0123456789", BN_DIGITS)
_TO_ASCII = str.maketrans(BN_DIGITS, "0123456789")

BANGLA_MONTHS = [
    "বৈশাখ", "জ্যৈষ্ঠ", "আষাঢ়", "শ্রাবণ", "ভাদ্র", "আশ্বিন",
    "কার্তিক", "অগ্রহায়ণ", "পৌষ", "মাঘ", "ফাল্গুন", "চৈত্র",
]
BANGLA_MONTHS_EN = [
    "Boishakh", "Joishtho", "Asharh", "Shrabon", "Bhadro", "Ashwin",
    "Kartik", "Agrohayon", "Poush", "Magh", "Falgun", "Choitro",
]
GREGORIAN_MONTHS_BN = [
    "জানুয়ারি", "ফেব্রুয়ারি", "মার্চ", "এপ্রিল", "মে", "জুন",
    "জুলাই", "আগস্ট", "সেপ্টেম্বর", "অক্টোবর", "নভেম্বর", "ডিসেম্বর",
]
GREGORIAN_MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


def nfc(text: str) -> str:
    """Unicode NFC, so precomposed and decomposed য়/ড়/ঢ় compare and search alike."""
    return unicodedata.normalize("NFC", text)


def to_bn_digits(value: object) -> str:
    return str(value).translate(_TO_BN)


def to_ascii_digits(text: str) -> str:
    """Map Bengali digits (০-৯) to ASCII; leave everything else alone."""
    return text.translate(_TO_ASCII)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def bangla_date(day: date) -> tuple[int, int, int]:
    """(year, month 1-12, day) in the revised Bangla calendar used in Bangladesh since 2019.

    Pohela Boishakh is 14 April. Boishakh-Ashwin have 31 days, Kartik-Chaitra 30, except
    Falgun: 29 days, 30 when that February is a Gregorian leap month.
    """
    start_year = day.year if (day.month, day.day) >= (4, 14) else day.year - 1
    offset = (day - date(start_year, 4, 14)).days  # 0-based day of the Bangla year
    falgun = 30 if _is_leap(start_year + 1) else 29
    lengths = [31] * 6 + [30, 30, 30, 30, falgun, 30]
    month = 0
    while offset >= lengths[month]:
        offset -= lengths[month]
        month += 1
    return start_year - 593, month + 1, offset + 1


def format_gregorian(day: date, language: str) -> str:
    if language == "bn":
        return f"{to_bn_digits(day.day)} {GREGORIAN_MONTHS_BN[day.month - 1]} {to_bn_digits(day.year)}"
    return f"{day.day} {GREGORIAN_MONTHS_EN[day.month - 1]} {day.year}"


def format_bangla(day: date, language: str) -> str:
    year, month, dom = bangla_date(day)
    if language == "bn":
        return f"{to_bn_digits(dom)} {BANGLA_MONTHS[month - 1]} {to_bn_digits(year)}"
    return f"{dom} {BANGLA_MONTHS_EN[month - 1]} {year}"


def format_dual(day: date, language: str) -> str:
    """Both calendars, as documents show them: ২২ নভেম্বর ২০২৬ / ৭ অগ্রহায়ণ ১৪৩৩."""
    return f"{format_gregorian(day, language)} / {format_bangla(day, language)}"
