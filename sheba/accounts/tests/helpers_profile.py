"""Shared set-up for the profile and officer tests: a small piece of geography, people, forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import Client

from sheba.accounts.models import User, UserKind
from sheba.directory.models import District, Division, Union, Upazila

# Ids far above the real bd-geo ids, so these rows never collide with imported data.
BASE = 900_000


@dataclass
class Geo:
    dhaka: Division
    khulna: Division
    gazipur: District
    narsingdi: District
    jessore: District
    kaliakair: Upazila
    kapasia: Upazila
    palash: Upazila
    atabaha: Union
    boali: Union
    durgapur: Union


def make_geo() -> Geo:
    dhaka = Division.objects.create(id=BASE + 1, name_bn="ঢাকা", name_en="Dhaka")
    khulna = Division.objects.create(id=BASE + 2, name_bn="খুলনা", name_en="Khulna")
    gazipur = District.objects.create(id=BASE + 11, division=dhaka, name_bn="গাজীপুর", name_en="Gazipur")
    narsingdi = District.objects.create(id=BASE + 12, division=dhaka, name_bn="নরসিংদী", name_en="Narsingdi")
    jessore = District.objects.create(id=BASE + 21, division=khulna, name_bn="যশোর", name_en="Jessore")
    kaliakair = Upazila.objects.create(id=BASE + 111, district=gazipur, name_bn="কালিয়াকৈর", name_en="Kaliakair")
    kapasia = Upazila.objects.create(id=BASE + 112, district=gazipur, name_bn="কাপাসিয়া", name_en="Kapasia")
    palash = Upazila.objects.create(id=BASE + 121, district=narsingdi, name_bn="পলাশ", name_en="Palash")
    atabaha = Union.objects.create(id=BASE + 1111, upazila=kaliakair, name_bn="আটাবহ", name_en="Atabaha")
    boali = Union.objects.create(id=BASE + 1112, upazila=kaliakair, name_bn="বোয়ালী", name_en="Boali")
    durgapur = Union.objects.create(id=BASE + 1121, upazila=kapasia, name_bn="দুর্গাপুর", name_en="Durgapur")
    return Geo(dhaka, khulna, gazipur, narsingdi, jessore, kaliakair, kapasia, palash, atabaha, boali, durgapur)


def make_citizen(mobile: str = "+8801711000001") -> User:
    return User.objects.create_user(mobile, None, kind=UserKind.CITIZEN, mobile=mobile)


def make_officer(username: str = "uno.kaliakair", password: str = "correct horse battery 7") -> User:
    return User.objects.create_user(username, password, kind=UserKind.OFFICER)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def profile_post(geo: Geo | None = None, **overrides: Any) -> dict[str, str]:
    """A complete, valid profile form submission (values as a browser sends them)."""
    data = {
        "name_bn": "রহিম উদ্দিন",
        "name_en": "Rahim Uddin",
        "father_name": "করিম উদ্দিন",
        "mother_name": "রহিমা বেগম",
        "date_of_birth": "15/03/1990",
        "identity_kind": "nid",
        "identity_number": "1990123456789",
        "email": "",
        "present_division": "",
        "present_district": "",
        "present_upazila": "",
        "present_union": "",
        "present_line": "",
        "permanent_division": "",
        "permanent_district": "",
        "permanent_upazila": "",
        "permanent_union": "",
        "permanent_line": "",
    }
    if geo is not None:
        data.update({
            "present_division": str(geo.dhaka.pk),
            "present_district": str(geo.gazipur.pk),
            "present_upazila": str(geo.kaliakair.pk),
            "present_union": str(geo.atabaha.pk),
            "present_line": "বাড়ি ১২, রোড ৩, আটাবহ",
            "permanent_same": "on",
        })
    data.update({k: str(v) for k, v in overrides.items() if v is not None})
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
    return data
