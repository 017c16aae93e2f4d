"""Deterministic synthetic people for the register simulator. NOT real people, NOT real numbers.

``python -m sheba.identity.synthetic [--count 200] [--out data/identity/synthetic_people.json]``
writes the file the simulator reads. The same count and seed always give the same people. The
first entry is the demo citizen that ``seed_demo`` creates (sheba/directory/demo.py), so the demo's
applications verify against the simulator.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "identity" / "synthetic_people.json"
SEED = 20260601

# The demo citizen of sheba/directory/demo.py: keep in step with it.
DEMO_PERSON: dict[str, Any] = {
    "nid": "1990561234567",
    "brn": "19905610112345678",
    "name_bn": "রহিমা খাতুন",
    "name_en": "Rahima Khatun",
    "father_name_bn": "আবুল হোসেন",
    "father_name_en": "Abul Hossain",
    "mother_name_bn": "সালেহা বেগম",
    "mother_name_en": "Saleha Begum",
    "date_of_birth": "1990-03-15",
    "note": "demo citizen (seed_demo)",
}

MALE_GIVEN = [
    ("রফিকুল", "Rafiqul"), ("আবুল", "Abul"), ("কামরুল", "Kamrul"), ("জাহিদুল", "Jahidul"),
    ("সাইফুল", "Saiful"), ("আনিসুর", "Anisur"), ("মিজানুর", "Mizanur"), ("শফিকুল", "Shafiqul"),
    ("তারেক", "Tarek"), ("সুমন", "Sumon"), ("প্রদীপ", "Prodip"), ("অমিত", "Amit"),
    ("হাবিবুর", "Habibur"), ("নজরুল", "Nazrul"), ("মাহফুজ", "Mahfuz"), ("ইমরান", "Imran"),
]
MALE_FAMILY = [
    ("ইসলাম", "Islam"), ("রহমান", "Rahman"), ("হোসেন", "Hossain"), ("আলম", "Alam"),
    ("মোল্লা", "Molla"), ("শেখ", "Sheikh"), ("সরকার", "Sarkar"), ("চৌধুরী", "Chowdhury"),
    ("বিশ্বাস", "Biswas"), ("মিয়া", "Mia"), ("হক", "Haque"), ("উদ্দিন", "Uddin"),
]
FEMALE_GIVEN = [
    ("রহিমা", "Rahima"), ("সালেহা", "Saleha"), ("নাসরিন", "Nasrin"), ("শাহানা", "Shahana"),
    ("ফাতেমা", "Fatema"), ("রোকেয়া", "Rokeya"), ("তাসলিমা", "Taslima"), ("সুমাইয়া", "Sumaiya"),
    ("শিরিন", "Shirin"), ("মৌসুমী", "Mousumi"), ("দীপ্তি", "Dipti"), ("কৃষ্ণা", "Krishna"),
    ("জান্নাতুল", "Jannatul"), ("লাকী", "Laki"), ("আয়েশা", "Ayesha"), ("স্বপ্না", "Swapna"),
]
FEMALE_FAMILY = [
    ("খাতুন", "Khatun"), ("বেগম", "Begum"), ("আক্তার", "Akter"), ("পারভীন", "Parvin"),
    ("সুলতানা", "Sultana"), ("ইয়াসমিন", "Yasmin"), ("রানী", "Rani"), ("ফেরদৌসী", "Ferdousi"),
]
NO_HONORIFIC = {"Prodip", "Amit", "Dipti", "Krishna", "Swapna"}  # names a মোঃ/মোছাঃ never precedes
MD = ("মোঃ", "Md.")
MST = ("মোছাঃ", "Mst.")


def _name(rng: random.Random, *, female: bool, honorific_chance: float) -> tuple[str, str]:
    given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    family = rng.choice(FEMALE_FAMILY if female else MALE_FAMILY)
    bn, en = f"{given[0]} {family[0]}", f"{given[1]} {family[1]}"
    if rng.random() < honorific_chance and given[1] not in NO_HONORIFIC:
        prefix = MST if female else MD
        bn, en = f"{prefix[0]} {bn}", f"{prefix[1]} {en}"
    return bn, en


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def generate_people(count: int = 200, seed: int = SEED) -> list[dict[str, Any]]:
    rng = random.Random(seed)  # noqa: S311 - deterministic test data, nothing secret
    people: list[dict[str, Any]] = [dict(DEMO_PERSON)]
    used = {DEMO_PERSON["nid"], DEMO_PERSON["brn"]}
    while len(people) < count:
        female = rng.random() < 0.5
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 56))
        name_bn, name_en = _name(rng, female=female, honorific_chance=0.35)
        father_bn, father_en = _name(rng, female=False, honorific_chance=0.5)
        mother_bn, mother_en = _name(rng, female=True, honorific_chance=0.3)
        length = (10, 13, 17)[len(people) % 3]
        # 13 digits: district (2) + RMO (1) + upazila (2) + union (2) + serial (6); 17 = birth year + 13.
        thirteen = f"{rng.randrange(10, 65):02d}{rng.choice('12359')}{_digits(rng, 10)}"
        nid = {10: f"{rng.randrange(1, 10)}{_digits(rng, 9)}", 13: thirteen, 17: f"{born.year}{thirteen}"}[length]
        brn = f"{born.year}{_digits(rng, 13)}"
        if nid in used or brn in used:
            continue
        used.update({nid, brn})
        people.append(
            {
                "nid": nid,
                "brn": brn,
                "name_bn": name_bn,
                "name_en": name_en,
                "father_name_bn": father_bn,
                "father_name_en": father_en,
                "mother_name_bn": mother_bn,
                "mother_name_en": mother_en,
                "date_of_birth": born.isoformat(),
            }
        )
    return people


def document(count: int = 200, seed: int = SEED) -> dict[str, Any]:
    return {
        "synthetic": True,
        "notice": "Synthetic test data for the Sheba register simulator. Not real people or real ID numbers.",
        "seed": seed,
        "people": generate_people(count, seed),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document(args.count, args.seed), ensure_ascii=False, indent=1) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.count} synthetic people written to {args.out}")  # noqa: T201


if __name__ == "__main__":
    main()
