"""A small world for the applications tests: geography, two Union Parishads, one service with a
real form and documents, citizens with profiles, files for the locker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.test import Client

from sheba.accounts.models import Profile, User, UserKind
from sheba.catalog.models import RecipientType, RequiredDocument, Sector, Service, ServiceFee
from sheba.directory.models import District, Division, Office, OfficeLevel, OfficeType, Union, Upazila
from sheba.locker.services import document_upload
from sheba.locker.tests.helpers import png_bytes, upload

BASE = 910_000
DHAKA = ZoneInfo("Asia/Dhaka")
# A Thursday: the next two days are the weekend (Friday, Saturday).
THURSDAY = datetime(2026, 11, 19, 10, 0, tzinfo=DHAKA)

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["applicant_name", "father_name", "nid", "declaration"],
    "properties": {
        "applicant_name": {
            "type": "string", "x-label-bn": "আবেদনকারীর নাম", "x-label-en": "Applicant's name",
            "x-prefill": "name_bn", "maxLength": 100, "x-order": 1,
        },
        "father_name": {
            "type": "string", "x-label-bn": "পিতার নাম", "x-label-en": "Father's name",
            "x-prefill": "father_name", "x-order": 2,
        },
        "nid": {
            "type": "string", "x-label-bn": "জাতীয় পরিচয়পত্র নম্বর", "x-label-en": "NID number",
            "x-mask": "nid", "x-prefill": "identity_number", "x-order": 3,
        },
        "purpose": {
            "type": "string", "x-label-bn": "উদ্দেশ্য", "x-label-en": "Purpose", "x-order": 4,
            "enum": ["job", "passport"],
            "x-enum-labels": {"job": {"bn": "চাকরি", "en": "Job"}, "passport": {"bn": "পাসপোর্ট", "en": "Passport"}},
        },
        "declaration": {
            "type": "boolean", "x-label-bn": "আমি ঘোষণা করছি তথ্য সত্য", "x-label-en": "I declare this is true",
            "x-order": 5,
        },
    },
}  # fmt: skip


@dataclass
class World:
    district: District
    other_district: District
    upazila: Upazila
    union_a: Union
    union_b: Union
    union_far: Union
    office_a: Office
    office_b: Office
    office_far: Office
    service: Service


def make_world() -> World:
    division = Division.objects.create(id=BASE + 1, name_bn="ঢাকা", name_en="Dhaka")
    district = District.objects.create(id=BASE + 11, division=division, name_bn="গাজীপুর", name_en="Gazipur")
    far = District.objects.create(id=BASE + 12, division=division, name_bn="নরসিংদী", name_en="Narsingdi")
    upazila = Upazila.objects.create(id=BASE + 111, district=district, name_bn="কালিয়াকৈর", name_en="Kaliakair")
    far_upazila = Upazila.objects.create(id=BASE + 121, district=far, name_bn="পলাশ", name_en="Palash")
    union_a = Union.objects.create(id=BASE + 1111, upazila=upazila, name_bn="আটাবহ", name_en="Atabaha")
    union_b = Union.objects.create(id=BASE + 1112, upazila=upazila, name_bn="বোয়ালী", name_en="Boali")
    union_far = Union.objects.create(id=BASE + 1211, upazila=far_upazila, name_bn="চরসিন্দুর", name_en="Charsindur")
    up = OfficeType.objects.create(code="test-up", level=OfficeLevel.UNION, name_bn="ইউনিয়ন পরিষদ", name_en="Union Parishad")

    def office(union: Union, upz: Upazila, dist: District) -> Office:
        return Office.objects.create(
            office_type=up, union=union, upazila=upz, district=dist, division=division,
            name_bn=f"{union.name_bn} ইউনিয়ন পরিষদ", name_en=f"{union.name_en} Union Parishad",
        )

    office_a = office(union_a, upazila, district)
    office_b = office(union_b, upazila, district)
    office_far = office(union_far, far_upazila, far)
    sector = Sector.objects.create(code="test-cert", name_bn="সনদ", name_en="Certificates")
    citizen_type = RecipientType.objects.create(code="test-citizen", name_bn="নাগরিক", name_en="Citizen")
    service = Service.objects.create(
        slug="test-citizenship", name_bn="নাগরিকত্ব সনদ", name_en="Citizenship certificate",
        sector=sector, office_type=up, charter_days=3, default_fee_poisha=10000, form_schema=SCHEMA,
    )
    service.recipient_types.add(citizen_type)
    RequiredDocument.objects.create(service=service, code="nid_copy", label_bn="জাতীয় পরিচয়পত্রের কপি",
                                    label_en="Copy of the NID", position=1)
    RequiredDocument.objects.create(service=service, code="photo", label_bn="ছবি", label_en="Photograph",
                                    is_optional=True, position=2)
    RequiredDocument.objects.create(service=service, code="ward_member_recommendation",
                                    label_bn="ওয়ার্ড সদস্যের সুপারিশ", label_en="Ward member's recommendation",
                                    bring_to_counter=True, position=3)
    ServiceFee.objects.create(service=service, office=office_a, amount_poisha=5000)
    ServiceFee.objects.create(service=service, office=office_b, amount_poisha=30000, charter_days=7)
    return World(district, far, upazila, union_a, union_b, union_far, office_a, office_b, office_far, service)


def make_citizen(world: World | None = None, mobile: str = "+8801711000001", **profile: object) -> User:
    user = User.objects.create_user(mobile, None, kind=UserKind.CITIZEN, mobile=mobile)
    defaults: dict[str, object] = {
        "name_bn": "রহিম উদ্দিন", "name_en": "Rahim Uddin", "father_name": "করিম উদ্দিন",
        "mother_name": "জরিনা বেগম", "date_of_birth": date(1990, 1, 2), "identity_kind": "nid",
        "identity_number": "1234567890",
    }  # fmt: skip
    if world is not None:
        defaults.update(present_district=world.district, present_upazila=world.upazila, present_union=world.union_a)
    defaults.update(profile)
    Profile.objects.create(user=user, **defaults)
    return user


def make_officer(username: str = "up.secretary") -> User:
    return User.objects.create_user(username, "correct horse battery 7", kind=UserKind.OFFICER)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


_files_made = [0]


def locker_file(user: User, kind: str = "nid_copy", name: str = "nid.png"):
    """A clean version in the user's locker (through the locker's own upload service). Each call
    makes a different picture: the locker treats the same bytes uploaded again as one upload."""
    _files_made[0] += 1
    picture = png_bytes(size=(32 + _files_made[0] % 200, 24 + _files_made[0] // 200))
    return document_upload(actor=user, owner=user, kind=kind, uploaded_file=upload(name, picture))


def answers(**overrides: object) -> dict[str, object]:
    """A complete, valid POST of the apply page (prefix ``f-``), for oneself."""
    data: dict[str, object] = {
        "for_whom": "self",
        "f-applicant_name": "রহিম উদ্দিন",
        "f-father_name": "করিম উদ্দিন",
        "f-nid": "১২৩৪৫৬৭৮৯০",
        "f-purpose": "job",
        "f-declaration": "on",
        "action": "submit",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
