"""Office types and the standard offices: a DC office per district, a UNO office per upazila and a
Union Parishad for every (non-duplicate) union, each with its units (শাখা) and posts (পদবি).

Bulk and idempotent: an office is created together with its whole structure in one transaction,
so a second run only has to see which offices exist (three indexed queries) to know it has
nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet

from sheba.core.bengali import nfc
from sheba.directory.enums import OfficeTypeCode, PostCode
from sheba.directory.models import District, Office, OfficeLevel, OfficeType, OfficeUnit, Post, Union, Upazila

BATCH = 500

# code, Bengali name, English name, level
OFFICE_TYPES: list[tuple[str, str, str, str]] = [
    (OfficeTypeCode.UNION_PARISHAD, "ইউনিয়ন পরিষদ", "Union Parishad", OfficeLevel.UNION),
    (OfficeTypeCode.UNION_LAND_OFFICE, "ইউনিয়ন ভূমি অফিস", "Union Land Office", OfficeLevel.UNION),
    (OfficeTypeCode.PAURASHAVA, "পৌরসভা", "Paurashava (municipality)", OfficeLevel.UPAZILA),
    (
        OfficeTypeCode.UPAZILA_NIRBAHI_OFFICE,
        "উপজেলা নির্বাহী অফিসারের কার্যালয়",
        "Upazila Nirbahi Office",
        OfficeLevel.UPAZILA,
    ),
    (
        OfficeTypeCode.UPAZILA_LAND_OFFICE,
        "সহকারী কমিশনার (ভূমি)-এর কার্যালয়",
        "Upazila Land Office (Assistant Commissioner, Land)",
        OfficeLevel.UPAZILA,
    ),
    (
        OfficeTypeCode.UPAZILA_ELECTION_OFFICE,
        "উপজেলা নির্বাচন অফিসারের কার্যালয়",
        "Upazila Election Office",
        OfficeLevel.UPAZILA,
    ),
    (
        OfficeTypeCode.UPAZILA_SOCIAL_SERVICES_OFFICE,
        "উপজেলা সমাজসেবা কার্যালয়",
        "Upazila Social Services Office",
        OfficeLevel.UPAZILA,
    ),
    (OfficeTypeCode.DC_OFFICE, "জেলা প্রশাসকের কার্যালয়", "Deputy Commissioner's Office", OfficeLevel.DISTRICT),
    (OfficeTypeCode.CITY_CORPORATION, "সিটি কর্পোরেশন", "City Corporation", OfficeLevel.DISTRICT),
    (OfficeTypeCode.NATIONAL_AGENCY, "জাতীয় সংস্থা", "National agency", OfficeLevel.NATIONAL),
]

# The standard structure of each seeded office: units (key, bn, en) and posts
# (code, unit key, bn, en, is_office_head, supervisor post code within the office or None).
DC_UNITS = [
    ("admin", "প্রশাসন", "Administration"),
    ("front_desk", "ফ্রন্ট ডেস্ক (ই-সেবা কেন্দ্র)", "Front desk (e-service centre)"),
    ("general_certificate", "জেনারেল সার্টিফিকেট শাখা", "General Certificate branch"),
    ("record_room", "রেকর্ড রুম", "Record room"),
    ("revenue", "রাজস্ব শাখা", "Revenue branch"),
]
DC_POSTS = [
    (PostCode.DC, "admin", "জেলা প্রশাসক", "Deputy Commissioner", True, None),
    (
        PostCode.ADC_GENERAL,
        "admin",
        "অতিরিক্ত জেলা প্রশাসক (সার্বিক)",
        "Additional Deputy Commissioner (General)",
        False,
        PostCode.DC,
    ),
    (
        PostCode.FRONT_DESK,
        "front_desk",
        "ফ্রন্ট ডেস্ক অপারেটর",
        "Front desk operator",
        False,
        PostCode.ADC_GENERAL,
    ),
    (
        PostCode.GC_ASSISTANT,
        "general_certificate",
        "সহকারী, জেনারেল সার্টিফিকেট শাখা",
        "Assistant, General Certificate branch",
        False,
        PostCode.ADC_GENERAL,
    ),
    (
        PostCode.RECORD_ROOM_ASSISTANT,
        "record_room",
        "সহকারী, রেকর্ড রুম",
        "Assistant, Record room",
        False,
        PostCode.ADC_GENERAL,
    ),
    (
        PostCode.REVENUE_ASSISTANT,
        "revenue",
        "সহকারী, রাজস্ব শাখা",
        "Assistant, Revenue branch",
        False,
        PostCode.ADC_GENERAL,
    ),
]
UNO_UNITS = [("admin", "প্রশাসন", "Administration")]
UNO_POSTS = [
    (PostCode.UNO, "admin", "উপজেলা নির্বাহী অফিসার", "Upazila Nirbahi Officer", True, None),
    (PostCode.OFFICE_ASSISTANT, "admin", "অফিস সহকারী", "Office assistant", False, PostCode.UNO),
]
UP_UNITS = [("office", "ইউনিয়ন পরিষদ কার্যালয়", "Union Parishad office")]
UP_POSTS = [
    (PostCode.UP_CHAIRMAN, "office", "চেয়ারম্যান", "Chairman", True, None),
    (PostCode.UP_SECRETARY, "office", "সচিব", "Secretary", False, PostCode.UP_CHAIRMAN),
]


@dataclass
class SeedResult:
    created: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values())

    def summary(self) -> str:
        return ", ".join(f"{name}: {count} new" for name, count in self.created.items())


@transaction.atomic
def office_types_ensure() -> dict[str, OfficeType]:
    """Create the standard office types that are missing (existing ones keep any edits). By code."""
    existing = {t.code: t for t in OfficeType.objects.all()}
    missing = [
        OfficeType(code=code, name_bn=nfc(bn), name_en=en, level=level)
        for code, bn, en, level in OFFICE_TYPES
        if code not in existing
    ]
    for office_type in OfficeType.objects.bulk_create(missing):
        existing[office_type.code] = office_type
    return existing


def _build(
    offices: list[Office],
    units_spec: list[tuple[str, str, str]],
    posts_spec: list[tuple],
    outside_supervisor: Callable[[Office], int | None],
) -> tuple[int, int]:
    """Create units and posts for freshly saved ``offices``. ``outside_supervisor(office)`` is the post
    (in another office) that supervises this office's head post."""
    units: dict[tuple[int, str], OfficeUnit] = {}
    for office in offices:
        for key, bn, en in units_spec:
            units[(office.pk, key)] = OfficeUnit(office=office, name_bn=nfc(bn), name_en=en)
    OfficeUnit.objects.bulk_create(units.values(), batch_size=BATCH)

    # Posts are saved in waves so that each supervisor has its id before its subordinates are saved.
    posts: dict[tuple[int, str], Post] = {}
    remaining = list(posts_spec)
    while remaining:
        done = _done_codes(posts)
        wave = [spec for spec in remaining if spec[5] is None or spec[5] in done]
        if not wave:
            raise ValueError(f"post supervisors form a cycle or name a missing post: {remaining}")
        batch = []
        for office in offices:
            for code, unit_key, bn, en, is_head, supervisor_code in wave:
                supervisor_id = (
                    posts[(office.pk, supervisor_code)].pk if supervisor_code else outside_supervisor(office)
                )
                post = Post(
                    office=office,
                    unit=units[(office.pk, unit_key)],
                    code=code,
                    name_bn=nfc(bn),
                    name_en=en,
                    is_office_head=is_head,
                    supervisor_id=supervisor_id,
                )
                posts[(office.pk, code)] = post
                batch.append(post)
        Post.objects.bulk_create(batch, batch_size=BATCH)
        remaining = [spec for spec in remaining if spec not in wave]
    return len(units), len(posts)


def _done_codes(posts: dict[tuple[int, str], Post]) -> set[str]:
    return {code for _office, code in posts}


def _missing(places: QuerySet, offices: QuerySet[Office], key: str) -> list[int]:
    """Ids of ``places`` that have no office in ``offices`` (joined on ``key``). Done on two id lists in
    Python: a NOT IN / NOT EXISTS query can pick a quadratic plan on freshly loaded tables before
    PostgreSQL has statistics for them."""
    have = set(offices.exclude(**{f"{key}__isnull": True}).values_list(key, flat=True))
    return [pk for pk in places.values_list("pk", flat=True) if pk not in have]


def _head_posts(office_type: OfficeType, code: str, key: str) -> dict[int | None, int]:
    """{geographic id: head post id} for offices of one type, keyed by ``district`` or ``upazila``."""
    return dict(
        Post.objects.filter(office__office_type=office_type, code=code).values_list(f"office__{key}_id", "pk")
    )


@transaction.atomic
def offices_seed(*, district_ids: Iterable[int] | None = None) -> SeedResult:
    """Create every missing standard office (with units and posts) in the given districts (all when None).

    Supervisors: branch posts -> ADC (General) -> DC; office assistant -> UNO -> DC;
    UP secretary -> UP chairman -> UNO. Duplicate unions get no office.
    """
    types = office_types_ensure()
    dc_type = types[OfficeTypeCode.DC_OFFICE]
    uno_type = types[OfficeTypeCode.UPAZILA_NIRBAHI_OFFICE]
    up_type = types[OfficeTypeCode.UNION_PARISHAD]
    result = SeedResult(created={"offices": 0, "units": 0, "posts": 0})

    districts = District.objects.all()
    upazilas = Upazila.objects.select_related("district")
    unions = Union.objects.filter(duplicate_of__isnull=True).select_related("upazila__district")
    if district_ids is not None:
        ids = list(district_ids)
        districts = districts.filter(pk__in=ids)
        upazilas = upazilas.filter(district_id__in=ids)
        unions = unions.filter(upazila__district_id__in=ids)

    def add(offices: list[Office], units_spec, posts_spec, outside: Callable[[Office], int | None]) -> None:
        Office.objects.bulk_create(offices, batch_size=BATCH)
        units, posts = _build(offices, units_spec, posts_spec, outside)
        result.created["offices"] += len(offices)
        result.created["units"] += units
        result.created["posts"] += posts

    # District level: the Deputy Commissioner's office.
    # Only the places that still lack their office are loaded, so a second run reads almost nothing.
    missing_districts = _missing(districts, Office.objects.filter(office_type=dc_type), "district_id")
    new = [
        Office(
            office_type=dc_type,
            name_bn=nfc(f"জেলা প্রশাসকের কার্যালয়, {d.name_bn}"),
            name_en=f"Deputy Commissioner's Office, {d.name_en}",
            division_id=d.division_id,
            district=d,
        )
        for d in districts.filter(pk__in=missing_districts)
    ]
    if new:
        add(new, DC_UNITS, DC_POSTS, lambda office: None)

    # Upazila level: the Upazila Nirbahi Office, under its district's DC office; UNO reports to the DC.
    missing = list(
        upazilas.filter(pk__in=_missing(upazilas, Office.objects.filter(office_type=uno_type), "upazila_id"))
    )
    if missing:
        dc_offices = dict(Office.objects.filter(office_type=dc_type).values_list("district_id", "pk"))
        dc_posts = _head_posts(dc_type, PostCode.DC, "district")
        new = [
            Office(
                office_type=uno_type,
                name_bn=nfc(f"উপজেলা নির্বাহী অফিসারের কার্যালয়, {u.name_bn}"),
                name_en=f"Upazila Nirbahi Office, {u.name_en}",
                parent_id=dc_offices.get(u.district_id),
                division_id=u.district.division_id,
                district_id=u.district_id,
                upazila=u,
            )
            for u in missing
        ]
        add(new, UNO_UNITS, UNO_POSTS, lambda office: dc_posts.get(office.district_id))

    # Union level: the Union Parishad, under its upazila's UNO office; the chairman reports to the UNO.
    missing_unions = list(
        unions.filter(pk__in=_missing(unions, Office.objects.filter(office_type=up_type), "union_id"))
    )
    if missing_unions:
        uno_offices = dict(Office.objects.filter(office_type=uno_type).values_list("upazila_id", "pk"))
        uno_posts = _head_posts(uno_type, PostCode.UNO, "upazila")
        new = [
            Office(
                office_type=up_type,
                name_bn=nfc(f"{u.name_bn} ইউনিয়ন পরিষদ"),
                name_en=f"{u.name_en} Union Parishad",
                parent_id=uno_offices.get(u.upazila_id),
                division_id=u.upazila.district.division_id,
                district_id=u.upazila.district_id,
                upazila_id=u.upazila_id,
                union=u,
            )
            for u in missing_unions
        ]
        add(new, UP_UNITS, UP_POSTS, lambda office: uno_posts.get(office.upazila_id))
    return result
