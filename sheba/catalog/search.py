"""Search keys for the catalogue: Bengali -> Latin transliteration and phonetic folding.

People type a service's name in Bengali (sometimes misspelt: নাগরিকতব), in English, or in
Bengali written with Latin letters ("nagorik sonod", "warish"). All three are brought to one
ASCII "folded" form, so one trigram comparison serves them all:

    নাগরিকত্ব সনদ --transliterate--> nagorikt sonod --fold--> nagarakt sanad
    nagorik sonod  --------------------------------fold--> nagarak sanad

Folding: digraphs to one letter (sh->s, th->t, kh->k, ph->p…), v->b, z->j, soft c->s, double
letters to one, and every run of vowels (a e i o u w y) to one "a" — Bengali vowels are written
in Latin so many ways (o/a, i/ee/e, oya/wa) that only their places carry information. Final
vowels of longer words are dropped (the inherent vowel is not pronounced at the end).
"""

from __future__ import annotations

import re
import unicodedata

VIRAMA = "\u09cd"
NUKTA = "\u09bc"
CONSONANTS = {
    "ক": "k", "খ": "kh", "গ": "g", "ঘ": "gh", "ঙ": "ng",
    "চ": "ch", "ছ": "chh", "জ": "j", "ঝ": "jh", "ঞ": "n",
    "ট": "t", "ঠ": "th", "ড": "d", "ঢ": "dh", "ণ": "n",
    "ত": "t", "থ": "th", "দ": "d", "ধ": "dh", "ন": "n",
    "প": "p", "ফ": "ph", "ব": "b", "ভ": "bh", "ম": "m",
    "য": "j", "র": "r", "ল": "l", "শ": "sh", "ষ": "sh", "স": "s", "হ": "h",
    "\u09dc": "r", "\u09dd": "rh", "\u09df": "y",
}  # fmt: skip
INDEPENDENT_VOWELS = {
    "অ": "o", "আ": "a", "ই": "i", "ঈ": "i", "উ": "u", "ঊ": "u", "ঋ": "ri",
    "এ": "e", "ঐ": "oi", "ও": "o", "ঔ": "ou",
}  # fmt: skip
VOWEL_SIGNS = {
    "া": "a", "ি": "i", "ী": "i", "ু": "u", "ূ": "u", "ৃ": "ri",
    "ে": "e", "ৈ": "oi", "ো": "o", "ৌ": "ou",
}  # fmt: skip
OTHERS = {"ৎ": "t", "ং": "ng", "ঃ": "h", "ঁ": "", "\u200c": "", "\u200d": ""}
BN_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")


def normalise(text: str) -> str:
    """NFC, lower case, Bengali digits as ASCII, punctuation as spaces, spaces collapsed."""
    text = unicodedata.normalize("NFC", text or "").lower().translate(BN_DIGITS)
    text = re.sub(r"[^\w\u0980-\u09ff]+", " ", text)
    return " ".join(text.split())


def transliterate(text: str) -> str:
    """Rule-based Bengali -> Latin (what a Bengali speaker would type); other text passes through.

    A consonant carries the inherent vowel "o" unless a vowel sign or the virama (্) follows, or
    it ends the word. ব and য after a virama (ব-ফলা, য-ফলা) only double the consonant before
    them, so they are left out: নাগরিকত্ব -> nagorikt, বিদ্যা -> bida.
    """
    text = unicodedata.normalize("NFC", text or "")
    # NFC keeps য়, ড়, ঢ় decomposed (letter + nukta); treat each pair as one letter.
    for plain, dotted in (("য", "\u09df"), ("ড", "\u09dc"), ("ঢ", "\u09dd")):
        text = text.replace(plain + NUKTA, dotted)
    out: list[str] = []
    chars = list(text)
    for i, ch in enumerate(chars):
        prev = chars[i - 1] if i else ""
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        if ch in CONSONANTS:
            if prev == VIRAMA and ch in "বয" and i >= 2 and chars[i - 2] in CONSONANTS:
                latin = ""
            else:
                latin = CONSONANTS[ch]
            out.append(latin)
            ends_word = not nxt or not ("\u0980" <= nxt <= "\u09ff")
            if nxt not in VOWEL_SIGNS and nxt != VIRAMA and not ends_word and nxt not in "ঁ":
                out.append("o")
        elif ch in INDEPENDENT_VOWELS:
            out.append(INDEPENDENT_VOWELS[ch])
        elif ch in VOWEL_SIGNS:
            out.append(VOWEL_SIGNS[ch])
        elif ch == VIRAMA or ch == NUKTA:
            continue
        elif ch in OTHERS:
            out.append(OTHERS[ch])
        else:
            out.append(ch)
    return "".join(out)


_DIGRAPHS = [
    ("chh", "c"), ("kh", "k"), ("gh", "g"), ("ch", "c"), ("jh", "j"), ("th", "t"), ("dh", "d"),
    ("ph", "p"), ("bh", "b"), ("sh", "s"), ("rh", "r"), ("ck", "k"), ("qu", "k"),
]  # fmt: skip
_LETTERS = str.maketrans({"f": "p", "v": "b", "z": "j", "q": "k", "x": "ks"})


def _fold_word(word: str) -> str:
    word = re.sub(r"c(?=[eiy])", "s", word)  # licence, certificate: soft c
    for src, dst in _DIGRAPHS:
        word = word.replace(src, dst)
    word = word.translate(_LETTERS)
    word = re.sub(r"[aeiouwy]+", "a", word)
    word = re.sub(r"([b-df-hj-np-tv-z])\1+", r"\1", word)
    if len(word) > 3 and word.endswith("a"):
        word = word[:-1]
    return word


def fold(text: str) -> str:
    """The phonetic key of a text in any script: transliterated, ASCII letters and digits, folded."""
    latin = unicodedata.normalize("NFKD", transliterate(normalise(text)))
    latin = "".join(ch for ch in latin if not unicodedata.combining(ch)).lower()
    words = re.findall(r"[a-z]+|[0-9]+", latin)
    return " ".join(w if w.isdigit() else _fold_word(w) for w in words if w)


# --- Trigram similarity, as PostgreSQL's pg_trgm computes it (for SQLite and for re-ranking) ----


def _ordered_trigrams(text: str) -> list[str]:
    found: list[str] = []
    for word in text.split():
        padded = f"  {word} "
        found.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def trigrams(text: str) -> set[str]:
    return set(_ordered_trigrams(text))


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of both."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def word_similarity(query: str, text: str) -> float:
    """pg_trgm's word_similarity(): the best similarity between the query's trigrams and any
    continuous extent of the text's ordered trigrams (so "nagarak" matches "nagarakt" well)."""
    tq = trigrams(query)
    sequence = _ordered_trigrams(text)
    if not tq or not sequence:
        return 0.0
    # An extent worth trying starts and ends on a trigram the query shares.
    hits = [i for i, t in enumerate(sequence) if t in tq]
    best = 0.0
    for a, start in enumerate(hits):
        for end in hits[a:]:
            extent = set(sequence[start : end + 1])
            score = len(tq & extent) / len(tq | extent)
            if score > best:
                best = score
    return best
