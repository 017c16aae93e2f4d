"""What the client accepts before it ever talks to the register."""

from datetime import date

import pytest
import time_machine

from sheba.core.errors import InvalidInput
from sheba.identity.register import IdentityQuery, IdentityResult


def query(**overrides):
    values = {"kind": "nid", "number": "1990561234567", "name_bn": "রহিমা খাতুন", "date_of_birth": date(1990, 3, 15)}
    return IdentityQuery(**{**values, **overrides})


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("nid", "১৯৯০৫৬১২৩৪৫৬৭", "1990561234567"),
        ("nid", "১৯৯০ ৫৬১২ ৩৪৫৬৭", "1990561234567"),
        ("nid", "4042-119-710", "4042119710"),
        ("nid", "19651639891924952", "19651639891924952"),
        ("brn", "১৯৯০৫৬১০১১২৩৪৫৬৭৮", "19905610112345678"),
    ],
)
def test_numbers_are_normalised(kind, typed, stored):
    assert query(kind=kind, number=typed).number == stored


@pytest.mark.parametrize(
    ("kind", "number", "message"),
    [
        ("nid", "12345678901", "An NID number has 10, 13 or 17 digits."),
        ("nid", "123456789", "An NID number has 10, 13 or 17 digits."),
        ("nid", "12345abcde", "The number may contain digits only."),
        ("nid", "", "The number may contain digits only."),
        ("brn", "1990561234567", "A birth registration number has 17 digits."),
        ("brn", "1990561011234567",
         "This is an old 16-digit birth registration number. Please have it converted to the 17-digit number first."),
        ("xyz", "1990561234567", "Choose NID or birth registration number."),
    ],
)
def test_bad_numbers_are_refused(kind, number, message, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        query(kind=kind, number=number)
    assert str(caught.value.message) == message


def test_a_name_is_required():
    with pytest.raises(InvalidInput):
        query(name_bn="   ", name_en="")


def test_names_are_cleaned():
    cleaned = query(name_bn="  রহিমা \n খাতুন ", father_name="আবুল  হোসেন")
    assert (cleaned.name_bn, cleaned.father_name) == ("রহিমা খাতুন", "আবুল হোসেন")


@time_machine.travel("2026-05-01 10:00 +0600", tick=False)
def test_a_future_birthday_is_refused():
    with pytest.raises(InvalidInput):
        query(date_of_birth=date(2026, 5, 2))
    assert query(date_of_birth=date(2026, 5, 1)).date_of_birth == date(2026, 5, 1)


def test_mismatch_labels_are_translated():
    from django.utils import translation

    result = IdentityResult(status="mismatch", mismatched=("date_of_birth", "father_name"))
    with translation.override("en"):
        assert result.mismatch_labels() == ["date of birth", "father's name"]
    with translation.override("bn"):
        assert result.mismatch_labels() == ["জন্মতারিখ", "পিতার নাম"]
    assert result.matched is False
