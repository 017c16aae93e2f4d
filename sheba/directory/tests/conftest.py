"""Directory fixtures: the real geography (fast: ~0.5 s) and one district's offices (Gopalganj)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sheba.directory.geo import DEFAULT_DATA_DIR, geo_import
from sheba.directory.seeding import offices_seed

GOPALGANJ = 51
GOPALGANJ_SADAR = 385
PAIKKANDI = 3506


@pytest.fixture
def geo(db):
    return geo_import()


@pytest.fixture(scope="session")
def gopalganj_data(tmp_path_factory) -> Path:
    """The bd-geo CSVs cut down to Gopalganj district (and its division), for fast fixtures."""
    out = tmp_path_factory.mktemp("bd-geo-gopalganj")
    keep: dict[str, set[str]] = {}

    def cut(name: str, key: str, allowed: set[str] | None) -> set[str]:
        with (DEFAULT_DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = [row for row in reader if allowed is None or row[key] in allowed]
            fields = reader.fieldnames
        with (out / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        return {row["id"] for row in rows}

    keep["districts"] = cut("districts.csv", "id", {str(GOPALGANJ)})
    cut("divisions.csv", "id", {"6"})
    keep["upazilas"] = cut("upazilas.csv", "parent_id", keep["districts"])
    cut("unions.csv", "parent_id", keep["upazilas"])
    return out


@pytest.fixture
def gopalganj(db, gopalganj_data):
    """Gopalganj's geography (1 division, 1 district, 5 upazilas, its unions) and its standard offices."""
    geo_import(data_dir=gopalganj_data)
    return offices_seed(district_ids=[GOPALGANJ])


@pytest.fixture
def make_officer(db):
    from sheba.accounts.models import User, UserKind

    counter = iter(range(1, 10_000))

    def make(username: str | None = None, **extra):
        return User.objects.create_user(
            username or f"officer-{next(counter)}", None, kind=UserKind.OFFICER, **extra
        )

    return make


@pytest.fixture
def citizen(db):
    from sheba.accounts.models import User, UserKind

    return User.objects.create_user(
        "+8801711999999", "246810", kind=UserKind.CITIZEN, mobile="+8801711999999"
    )
