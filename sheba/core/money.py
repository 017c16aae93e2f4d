"""Money as integer poisha (1 taka = 100 poisha) plus a currency code. Never floats."""

from __future__ import annotations

from dataclasses import dataclass

from sheba.core.bengali import to_bn_digits

POISHA_PER_TAKA = 100


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in poisha. ``Money.taka(50)`` is fifty taka; amounts always come from the server."""

    poisha: int
    currency: str = "BDT"

    def __post_init__(self) -> None:
        if not isinstance(self.poisha, int) or isinstance(self.poisha, bool):
            raise TypeError("Money needs an integer number of poisha.")

    @classmethod
    def taka(cls, amount: int, currency: str = "BDT") -> Money:
        return cls(int(amount) * POISHA_PER_TAKA, currency)

    @property
    def is_zero(self) -> bool:
        return self.poisha == 0

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money) or other.currency != self.currency:
            return NotImplemented
        return Money(self.poisha + other.poisha, self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money) or other.currency != self.currency:
            return NotImplemented
        return Money(self.poisha - other.poisha, self.currency)

    def format(self, language: str = "bn") -> str:
        """``৳ ১,২৫০`` / ``Tk 1,250``; poisha shown only when there are some (``৳ ১২.৫০``)."""
        sign = "-" if self.poisha < 0 else ""
        taka, poisha = divmod(abs(self.poisha), POISHA_PER_TAKA)
        text = f"{taka:,}" + (f".{poisha:02d}" if poisha else "")
        if language.startswith("bn"):
            symbol = "৳" if self.currency == "BDT" else self.currency
            return f"{sign}{symbol} {to_bn_digits(text)}"
        symbol = "Tk" if self.currency == "BDT" else self.currency
        return f"{sign}{symbol} {text}"

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.format(get_language() or "bn")
