"""SMS length: which encoding a text needs and how many segments (parts) it costs.

GSM 03.38 (GSM-7): 160 septets in one SMS, 153 per part when concatenated; the extension
characters (``^{}\\[~]|€`` and form feed) take two septets and an escape pair is never split
across parts. Anything outside GSM-7 — Bengali, for one — goes as UCS-2: 70 UTF-16 code units
in one SMS, 67 per part, and a surrogate pair is never split.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"
_BASIC = frozenset(GSM7_BASIC) - {"\x1b"}
_EXTENSION = frozenset(GSM7_EXTENSION)

GSM7 = "gsm7"
UCS2 = "ucs2"


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "gsm7" or "ucs2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def is_gsm7(text: str) -> bool:
    return all(ch in _BASIC or ch in _EXTENSION for ch in text)


def _pack(widths: list[int], single: int, part: int) -> int:
    """Segments needed for characters of the given widths, never splitting one character."""
    total = sum(widths)
    if total <= single:
        return 1
    segments, used = 1, 0
    for width in widths:
        if used + width > part:
            segments += 1
            used = 0
        used += width
    return segments


def measure(text: str) -> SmsLength:
    """Encoding, length and segment count of an SMS text."""
    if is_gsm7(text):
        widths = [2 if ch in _EXTENSION else 1 for ch in text]
        return SmsLength(GSM7, sum(widths), _pack(widths, 160, 153))
    widths = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return SmsLength(UCS2, sum(widths), _pack(widths, 70, 67))


def fit(text: str, max_segments: int) -> str:
    """Cut ``text`` (ending it with "…") so that it costs at most ``max_segments`` segments."""
    if measure(text).segments <= max_segments:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that still fits with the ellipsis
        middle = (low + high + 1) // 2
        if measure(text[:middle].rstrip() + "…").segments <= max_segments:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"
