from __future__ import annotations

import pytest
from django.utils import translation

from sheba.catalog.templatetags.catalog import fee, working_days
from sheba.core.money import Money


def test_money_is_integer_poisha():
    assert Money.taka(300) == Money(30000)
    assert Money(30000) + Money(2000) == Money(32000)
    assert (Money(500) - Money(700)).poisha == -200
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(100) + Money(100, "USD")


def test_money_formats_in_both_languages():
    assert Money(125000).format("bn") == "৳ ১,২৫০"
    assert Money(125050).format("en") == "Tk 1,250.50"
    assert Money(-1250).format("bn") == "-৳ ১২.৫০"
    with translation.override("en"):
        assert str(Money(30000)) == "Tk 300"


def test_fee_and_deadline_filters():
    assert fee(None) == "নির্দিষ্ট নয় (টীকা দেখুন)"
    assert fee(Money(0)) == "বিনামূল্যে"
    assert fee(Money(10000)) == "৳ ১০০"
    assert working_days(None) == "উল্লেখ নেই"
    assert working_days(0) == "একই দিনে"
    assert working_days(15) == "১৫ কার্যদিবস"
    with translation.override("en"):
        assert working_days(1) == "1 working day"
        assert working_days(7) == "7 working days"
        assert fee(Money(10000)) == "Tk 100"
