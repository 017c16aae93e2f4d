from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from sheba.accounts.models import Profile, User, UserKind
from sheba.audit.models import AuditEvent
from sheba.directory.demo import CITIZEN_MOBILE, PASSWORD_ENV
from sheba.directory.enums import PostCode
from sheba.directory.models import Office, PostTerm
from sheba.directory.selectors import posts_held_by, terms_held_by

from .conftest import GOPALGANJ, GOPALGANJ_SADAR, PAIKKANDI

pytestmark = pytest.mark.django_db

OFFICERS = {
    "up-secretary": (PostCode.UP_SECRETARY, {"union_id": PAIKKANDI}),
    "up-chairman": (PostCode.UP_CHAIRMAN, {"union_id": PAIKKANDI}),
    "uno": (PostCode.UNO, {"upazila_id": GOPALGANJ_SADAR, "office_type__code": "upazila_nirbahi_office"}),
    "dc": (PostCode.DC, {"district_id": GOPALGANJ, "office_type__code": "dc_office"}),
    "frontdesk": (PostCode.FRONT_DESK, {"district_id": GOPALGANJ, "office_type__code": "dc_office"}),
}


@pytest.fixture
def demo_env(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    # Argon2 is deliberately slow and is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    return tmp_path


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--district", str(GOPALGANJ), stdout=out)
    return out.getvalue()


def _snapshot():
    return (
        User.objects.count(),
        Profile.objects.count(),
        PostTerm.objects.count(),
        TOTPDevice.objects.count(),
        Office.objects.count(),
        AuditEvent.objects.count(),
        sorted(User.objects.values_list("username", "password")),
    )


def test_seed_demo_creates_one_person_per_role(demo_env):
    output = _seed()
    password = json.loads((demo_env / "demo-logins.json").read_text())["officer_password"]
    assert len(password) == 16
    assert oct((demo_env / "demo-logins.json").stat().st_mode & 0o777) == "0o600"

    citizen = User.objects.get(username=CITIZEN_MOBILE)
    assert (citizen.kind, citizen.mobile) == (UserKind.CITIZEN, CITIZEN_MOBILE)
    assert citizen.check_password("246810")
    profile = citizen.profile
    assert (profile.name_bn, profile.name_en) == ("রহিমা খাতুন", "Rahima Khatun")
    assert profile.father_name and profile.mother_name and profile.date_of_birth and profile.identity_number
    assert (profile.present_union_id, profile.present_upazila_id, profile.present_district_id) == (
        PAIKKANDI,
        GOPALGANJ_SADAR,
        GOPALGANJ,
    )
    assert profile.permanent_union_id == PAIKKANDI and profile.present_division_id == 6
    assert list(posts_held_by(citizen)) == []

    for username, (code, office_filter) in OFFICERS.items():
        officer = User.objects.get(username=username)
        assert officer.kind == UserKind.OFFICER
        assert officer.check_password(password)
        assert TOTPDevice.objects.filter(user=officer, confirmed=True).count() == 1
        office = Office.objects.get(**office_filter, posts__code=code)
        held = [(p.code, p.office_id) for p in posts_held_by(officer) if p.code == code]
        assert held == [(code, office.pk)], username

    uno = User.objects.get(username="uno")
    acting = [(t.post.code, t.post.office.district_id) for t in terms_held_by(uno) if t.is_acting]
    assert acting == [(PostCode.ADC_GENERAL, GOPALGANJ)]
    assert AuditEvent.objects.filter(action="directory.post_term_assign").count() == 6

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password(password)

    for login in [
        "+8801711000001",
        "246810",
        "up-secretary",
        "up-chairman",
        "uno",
        "dc",
        "frontdesk",
        password,
    ]:
        assert login in output
    assert "demo_totp" in output
    assert output.count(password) == 6


def test_seed_demo_second_run_changes_nothing_and_prints_again(demo_env):
    first = _seed()
    before = _snapshot()
    second = _seed()
    assert _snapshot() == before
    password = json.loads((demo_env / "demo-logins.json").read_text())["officer_password"]
    assert password in second
    assert "Demo logins" in first and "Demo logins" in second
    assert "Offices seeded" not in second


def test_password_from_the_environment(demo_env, monkeypatch):
    _seed()
    monkeypatch.setenv(PASSWORD_ENV, "chosen-by-the-operator-2026")
    output = _seed()
    assert "chosen-by-the-operator-2026" in output
    assert User.objects.get(username="dc").check_password("chosen-by-the-operator-2026")


def test_seed_demo_refuses_production(demo_env, settings):
    settings.SHEBA_ENV = "prod"
    with pytest.raises(CommandError):
        call_command("seed_demo", "--district", str(GOPALGANJ), stdout=io.StringIO())
    assert not User.objects.exists()
    assert not (demo_env / "demo-logins.json").exists()


def test_demo_totp_prints_a_code_that_verifies(demo_env, settings):
    _seed()
    settings.SHEBA_ENV = "dev"
    out = io.StringIO()
    call_command("demo_totp", "dc", stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    device = TOTPDevice.objects.get(user__username="dc")
    assert device.verify_token(code) is True


def test_demo_totp_refuses_outside_dev_unless_forced(demo_env, settings):
    _seed()
    settings.SHEBA_ENV = "test"
    with pytest.raises(CommandError):
        call_command("demo_totp", "dc", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_totp", "dc", "--force", stdout=out, stderr=io.StringIO())
    assert re.fullmatch(r"\d{6}", out.getvalue().strip())
    with pytest.raises(CommandError):
        call_command("demo_totp", CITIZEN_MOBILE, "--force", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("demo_totp", "nobody", "--force", stdout=io.StringIO())
