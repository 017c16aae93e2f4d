"""Demo people: one per role, each holding their post from today, with printable logins.

Officer passwords are never fixed in code: ``SHEBA_DEMO_PASSWORD`` when set, otherwise one random
password generated on the first run and kept in ``$SHEBA_VAR_DIR/demo-logins.json`` (mode 600) so
every later ``make demo`` can print it again. The demo citizen's MPIN is the documented 246810.
"""

from __future__ import annotations

import json
import os
import secrets
import string
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sheba.accounts.models import IdentityKind, Profile, UserKind
from sheba.core import clock
from sheba.core.bengali import nfc
from sheba.directory.enums import OfficeTypeCode, PostCode
from sheba.directory.models import Office, Post, Union
from sheba.directory.services import post_term_assign

GOPALGANJ_DISTRICT_ID = 51
PAIKKANDI_UNION_ID = 3506  # Paikkandi, Gopalganj Sadar (upazila 385), Gopalganj (district 51)
CITIZEN_MOBILE = "+8801711000001"
CITIZEN_MPIN = "246810"
PASSWORD_ENV = "SHEBA_DEMO_PASSWORD"
TOTP_DEVICE_NAME = "demo"


@dataclass(frozen=True)
class DemoOfficer:
    username: str
    role: str
    name_bn: str
    name_en: str
    office: str  # "up", "uno" or "dc" (all in Paikkandi / Gopalganj Sadar / Gopalganj)
    post_code: str


OFFICERS = [
    DemoOfficer(
        "up-secretary", "UP secretary", "মোঃ রফিকুল ইসলাম", "Md. Rafiqul Islam", "up", PostCode.UP_SECRETARY
    ),
    DemoOfficer(
        "up-chairman", "UP chairman", "আবদুল করিম মোল্লা", "Abdul Karim Molla", "up", PostCode.UP_CHAIRMAN
    ),
    DemoOfficer("uno", "UNO", "নাসরিন সুলতানা", "Nasrin Sultana", "uno", PostCode.UNO),
    DemoOfficer("dc", "DC", "মোহাম্মদ কামরুল হাসান", "Mohammad Kamrul Hasan", "dc", PostCode.DC),
    DemoOfficer("frontdesk", "Front desk", "শাহানা পারভীন", "Shahana Parvin", "dc", PostCode.FRONT_DESK),
]
ADMIN = DemoOfficer("admin", "Admin (site)", "সিস্টেম প্রশাসক", "System administrator", "", "")
# Acting-in-charge (ভারপ্রাপ্ত): the UNO also acts as ADC (General) at the DC office.
ACTING = ("uno", "dc", PostCode.ADC_GENERAL)


def logins_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-logins.json"


def officer_password() -> tuple[str, str]:
    """(password, where it comes from). Generated once, then read back from the var directory."""
    from_env = os.environ.get(PASSWORD_ENV, "")
    if from_env:
        return from_env, PASSWORD_ENV
    path = logins_file()
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8")).get("officer_password", "")
        if stored:
            return stored, str(path)
    alphabet = string.ascii_letters + string.digits
    password = "".join(secrets.choice(alphabet) for _ in range(16))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"officer_password": password}, handle)
    return password, str(path)


def _demo_offices(union: Union) -> dict[str, Office]:
    return {
        "up": Office.objects.get(office_type__code=OfficeTypeCode.UNION_PARISHAD, union=union),
        "uno": Office.objects.get(
            office_type__code=OfficeTypeCode.UPAZILA_NIRBAHI_OFFICE, upazila=union.upazila
        ),
        "dc": Office.objects.get(office_type__code=OfficeTypeCode.DC_OFFICE, district=union.upazila.district),
    }


def _citizen(union: Union):
    User = get_user_model()
    user = User.objects.filter(username=CITIZEN_MOBILE).first()
    if user is None:
        user = User.objects.create_user(
            CITIZEN_MOBILE, CITIZEN_MPIN, kind=UserKind.CITIZEN, mobile=CITIZEN_MOBILE
        )
    upazila = union.upazila
    district = upazila.district
    address = {
        "division_id": district.division_id,
        "district_id": district.pk,
        "upazila_id": upazila.pk,
        "union_id": union.pk,
    }
    Profile.objects.get_or_create(
        user=user,
        defaults={
            "name_bn": nfc("রহিমা খাতুন"),
            "name_en": "Rahima Khatun",
            "father_name": nfc("আবুল হোসেন"),
            "mother_name": nfc("সালেহা বেগম"),
            "date_of_birth": date(1990, 3, 15),
            "identity_kind": IdentityKind.NID,
            "identity_number": "1990561234567",
            **{f"present_{key}": value for key, value in address.items()},
            "present_line": nfc("গ্রাম: পাইককান্দি, ডাকঘর: গোপালগঞ্জ"),
            **{f"permanent_{key}": value for key, value in address.items()},
            "permanent_line": nfc("গ্রাম: পাইককান্দি, ডাকঘর: গোপালগঞ্জ"),
        },
    )
    return user


def _officer(spec: DemoOfficer, password: str, *, check_password: bool, superuser: bool = False):
    User = get_user_model()
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        user = User.objects.create_user(
            spec.username, password, kind=UserKind.OFFICER, is_staff=superuser, is_superuser=superuser
        )
    elif check_password and not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    Profile.objects.get_or_create(user=user, defaults={"name_bn": nfc(spec.name_bn), "name_en": spec.name_en})
    TOTPDevice.objects.get_or_create(user=user, name=TOTP_DEVICE_NAME, defaults={"confirmed": True})
    return user


def _hold(user, post: Post, *, is_acting: bool = False) -> None:
    today = clock.today()
    holds = post.terms.filter(person=user, starts_on__lte=today, is_acting=is_acting).exclude(
        ends_on__lt=today
    )
    if not holds.exists():
        post_term_assign(actor=None, post=post, person=user, starts_on=today, is_acting=is_acting)


@dataclass
class DemoLogin:
    role: str
    username: str
    secret: str
    where: str


@transaction.atomic
def demo_people_seed(*, password: str, check_password: bool) -> list[DemoLogin]:
    """Create (or find) the demo citizen and officers and their posts. Returns their logins."""
    union = Union.objects.select_related("upazila__district").get(pk=PAIKKANDI_UNION_ID)
    offices = _demo_offices(union)
    _citizen(union)
    logins = [DemoLogin("Citizen", CITIZEN_MOBILE, f"MPIN {CITIZEN_MPIN}", "/accounts/login/")]
    users = {}
    for spec in OFFICERS:
        user = _officer(spec, password, check_password=check_password)
        users[spec.username] = user
        _hold(user, Post.objects.get(office=offices[spec.office], code=spec.post_code))
        logins.append(DemoLogin(spec.role, spec.username, password, "/officer/login/"))
    username, office_key, code = ACTING
    _hold(users[username], Post.objects.get(office=offices[office_key], code=code), is_acting=True)
    _officer(ADMIN, password, check_password=check_password, superuser=True)
    logins.append(DemoLogin(ADMIN.role, ADMIN.username, password, "/admin/"))
    return logins


def current_totp(user) -> tuple[str, int]:
    """The officer's current TOTP code and the seconds it stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        raise LookupError("no confirmed TOTP device")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = clock.now().timestamp()
    totp.time = now
    remaining = device.step - int(now - device.t0) % device.step
    return f"{totp.token():0{device.digits}d}", remaining
