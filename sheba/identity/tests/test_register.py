"""The HTTP client against the register simulator running as a real subprocess."""

import json
import time
from datetime import date, timedelta

import pytest
import requests
import time_machine

from sheba.core import clock
from sheba.identity import protocol
from sheba.identity.register import (
    HttpIdentityRegister,
    IdentityQuery,
    IdentityRegister,
    IdentityResult,
    RegisterRejected,
    RegisterUnavailable,
    get_register,
    verify_identity,
)
from sheba.identity.testing import CLIENT_TIMEOUT_SECONDS


def demo_query(**overrides):
    values = {
        "kind": "nid",
        "number": "1990561234567",
        "name_bn": "রহিমা খাতুন",
        "date_of_birth": date(1990, 3, 15),
        "father_name": "আবুল হোসেন",
        "mother_name": "সালেহা বেগম",
    }
    return IdentityQuery(**{**values, **overrides})


def person_query(person, **overrides):
    values = {
        "kind": "nid",
        "number": person["nid"],
        "name_bn": person["name_bn"],
        "name_en": person["name_en"],
        "date_of_birth": date.fromisoformat(person["date_of_birth"]),
        "father_name": person["father_name_bn"],
        "mother_name": person["mother_name_en"],
    }
    return IdentityQuery(**{**values, **overrides})


def find(people, predicate):
    return next(person for person in people if predicate(person))


def test_the_configured_register_is_the_http_client(identity_register):
    register = get_register()
    assert isinstance(register, HttpIdentityRegister)
    assert isinstance(register, IdentityRegister)
    assert register.url == identity_register
    assert register.timeout == CLIENT_TIMEOUT_SECONDS


def test_the_demo_citizen_matches(identity_register):
    result = verify_identity(demo_query())
    assert result.status == "match"
    assert result.matched is True
    assert result.mismatched == ()
    assert result.checked == ("name", "date_of_birth", "father_name", "mother_name")
    assert len(result.reference) == 36


def test_the_demo_citizen_matches_the_seeded_profile(identity_register):
    """The simulator knows the person seed_demo creates (kept in step with sheba/directory/demo.py)."""
    from sheba.directory import demo

    source = open(demo.__file__, encoding="utf-8").read()
    for value in ("রহিমা খাতুন", "আবুল হোসেন", "সালেহা বেগম", "date(1990, 3, 15)", '"1990561234567"'):
        assert value in source
    assert verify_identity(demo_query()).status == "match"


def test_every_synthetic_person_matches_in_bengali_and_english(identity_register_sim):
    people = identity_register_sim.people
    assert len(people) == 200
    assert {len(person["nid"]) for person in people} == {10, 13, 17}
    assert {len(person["brn"]) for person in people} == {17}
    register = get_register()
    for person in people[:30]:
        assert register.verify(person_query(person)).status == "match", person
        by_brn = person_query(person, kind="brn", number=person["brn"], name_bn="",
                              father_name=person["father_name_en"], mother_name=person["mother_name_bn"])
        assert register.verify(by_brn).status == "match", person


@pytest.mark.parametrize(
    ("overrides", "mismatched"),
    [
        ({"name_bn": "রহিমা বেগম"}, ("name",)),
        ({"date_of_birth": date(1990, 3, 16)}, ("date_of_birth",)),
        ({"father_name": "আবুল কালাম"}, ("father_name",)),
        ({"mother_name": "সালেহা খাতুন"}, ("mother_name",)),
        ({"name_bn": "", "name_en": "Rahima Begum"}, ("name",)),
        ({"name_en": "Rahim Khatun"}, ("name",)),  # Bengali right, English wrong: both must agree
        ({"date_of_birth": date(1991, 3, 15), "mother_name": "Saleha Khatun"}, ("date_of_birth", "mother_name")),
    ],
)
def test_a_mismatch_names_the_fields_and_nothing_else(identity_register, overrides, mismatched):
    result = verify_identity(demo_query(**overrides))
    assert result.status == "mismatch"
    assert result.matched is False
    assert result.mismatched == mismatched
    # Nothing of the register's own record comes back.
    assert "Rahima" not in repr(result) and "রহিমা" not in repr(result) and "1990-03-15" not in repr(result)


def test_the_raw_answer_does_not_echo_the_record(identity_register_sim):
    register = get_register()
    body, headers = register.signed_request({"request_id": "r1", **demo_query(name_bn="ভুল নাম").payload()})
    response = requests.post(identity_register_sim.url + protocol.VERIFY_PATH, data=body, headers=headers, timeout=5)
    assert response.status_code == 200
    assert response.json() == {
        "request_id": "r1",
        "status": "mismatch",
        "fields": {"name": False, "date_of_birth": True, "father_name": True, "mother_name": True},
    }


def test_parents_left_out_are_not_checked(identity_register):
    result = verify_identity(demo_query(father_name="", mother_name=""))
    assert (result.status, result.checked) == ("match", ("name", "date_of_birth"))


def test_an_unknown_number_is_not_found(identity_register):
    result = verify_identity(demo_query(number="1990561234568"))
    assert (result.status, result.mismatched, result.checked) == ("not_found", (), ())
    assert verify_identity(demo_query(kind="brn", number="19905610112345679")).status == "not_found"
    # A known NID number asked as a birth registration number is not found either.
    assert verify_identity(demo_query(kind="brn", number="19651639891924952")).status == "not_found"


def test_bengali_digits_in_the_number(identity_register):
    assert verify_identity(demo_query(number="১৯৯০৫৬১২৩৪৫৬৭")).status == "match"
    assert verify_identity(demo_query(kind="brn", number="১৯৯০৫৬১০১১২৩৪৫৬৭৮")).status == "match"


def test_thirteen_and_seventeen_digit_forms_are_one_card(identity_register_sim):
    assert verify_identity(demo_query(number="19901990561234567")).status == "match"
    person = find(identity_register_sim.people, lambda p: len(p["nid"]) == 17)
    assert verify_identity(person_query(person, number=person["nid"][4:])).status == "match"


def test_name_tolerance_end_to_end(identity_register_sim):
    person = find(identity_register_sim.people, lambda p: p["name_bn"].startswith("মোঃ "))
    core_bn = person["name_bn"].removeprefix("মোঃ ")
    core_en = person["name_en"].removeprefix("Md. ")
    for name_bn in (f"মোহাম্মদ {core_bn}", f"মো: {core_bn}", core_bn, f"  মোঃ  {core_bn} "):
        assert verify_identity(person_query(person, name_bn=name_bn, name_en="")).status == "match", name_bn
    for name_en in (f"Mohammad {core_en}", f"MD {core_en.upper()}", core_en):
        assert verify_identity(person_query(person, name_bn="", name_en=name_en)).status == "match", name_en
    wrong = verify_identity(person_query(person, name_bn=f"মোছাঃ {core_bn}", name_en=""))
    assert wrong.mismatched == ("name",)


def test_the_timeout_is_respected(identity_register_sim):
    identity_register_sim.fault("slow")
    started = time.monotonic()
    with pytest.raises(RegisterUnavailable) as caught:
        verify_identity(demo_query())
    assert time.monotonic() - started < CLIENT_TIMEOUT_SECONDS + 1.0
    assert type(caught.value) is RegisterUnavailable


def test_the_timeout_is_never_above_ten_seconds(identity_register, settings):
    settings.SHEBA_NID_TIMEOUT_SECONDS = 60
    assert get_register().timeout == 10.0


def test_a_register_that_is_down(identity_register_sim):
    identity_register_sim.fault("down")
    with pytest.raises(RegisterUnavailable) as caught:
        verify_identity(demo_query())
    assert caught.value.status == 503
    assert type(caught.value) is RegisterUnavailable


def test_a_closed_port_is_unavailable(identity_register, settings):
    from sheba.notifications.testing import free_port

    settings.SHEBA_NID_URL = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RegisterUnavailable):
        verify_identity(demo_query())


def test_a_flaky_register_fails_every_other_time(identity_register_sim):
    identity_register_sim.fault("flaky")
    outcomes = []
    for _ in range(4):
        try:
            outcomes.append(verify_identity(demo_query()).status)
        except RegisterUnavailable:
            outcomes.append("unavailable")
    assert outcomes == ["unavailable", "match", "unavailable", "match"]


def test_wrong_secret_is_rejected(identity_register, settings):
    settings.SHEBA_NID_SECRET = "not-the-secret"
    with pytest.raises(RegisterRejected):
        verify_identity(demo_query())


def test_a_stale_clock_is_rejected(identity_register):
    with time_machine.travel(clock.now() - timedelta(minutes=6), tick=True):
        with pytest.raises(RegisterRejected):
            verify_identity(demo_query())
    with time_machine.travel(clock.now() - timedelta(minutes=4), tick=True):
        assert verify_identity(demo_query()).status == "match"


def test_the_result_type_is_plain_data():
    result = IdentityResult(status="match", checked=("name",))
    assert result.matched is True and result.mismatch_labels() == []
    assert json.dumps({"status": result.status, "mismatched": list(result.mismatched)})


def make_profile(**fields):
    from django.contrib.auth import get_user_model

    from sheba.accounts.models import IdentityKind, Profile, UserKind

    user = get_user_model().objects.create_user("+8801711000099", "135790", kind=UserKind.CITIZEN,
                                                mobile="+8801711000099")
    values = {"name_bn": "রহিমা খাতুন", "name_en": "Rahima Khatun", "father_name": "আবুল হোসেন",
              "mother_name": "সালেহা বেগম", "date_of_birth": date(1990, 3, 15),
              "identity_kind": IdentityKind.NID, "identity_number": "1990561234567"}
    return Profile.objects.create(user=user, **{**values, **fields})


def test_a_saved_profile_is_checked(identity_register):
    from sheba.identity.register import query_from_profile

    query = query_from_profile(make_profile())
    assert query == demo_query(name_en="Rahima Khatun")
    assert verify_identity(query).status == "match"


def test_an_incomplete_profile_is_refused_before_any_request(identity_register_sim):
    from sheba.core.errors import InvalidInput
    from sheba.identity.register import query_from_profile

    identity_register_sim.fault("down")  # a request would fail differently
    with pytest.raises(InvalidInput):
        query_from_profile(make_profile(identity_number=""))


def test_the_identity_check_command(identity_register, capsys):
    from django.core.management import CommandError, call_command

    call_command("identity_check", "--number", "১৯৯০৫৬১২৩৪৫৬৭", "--dob", "1990-03-15", "--name-bn", "রহিমা খাতুন",
                 "--father", "আবুল কালাম")
    out = capsys.readouterr().out
    assert out.startswith("mismatch (differs: father_name) reference=")
    assert "হোসেন" not in out
    with pytest.raises(CommandError, match="invalid input"):
        call_command("identity_check", "--number", "123", "--dob", "1990-03-15", "--name-bn", "x")


def test_outside_production_the_defaults_point_at_the_simulator(settings, monkeypatch):
    from sheba.identity.simulator import DEMO_CLIENT_ID, DEMO_SECRET

    for name in ("SHEBA_NID_BACKEND", "SHEBA_NID_URL", "SHEBA_NID_CLIENT_ID", "SHEBA_NID_SECRET",
                 "SHEBA_NID_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
        if hasattr(settings, name):
            delattr(settings, name)
    register = get_register()
    assert (register.url, register.client_id, register.secret, register.timeout) == (
        "http://127.0.0.1:8090", DEMO_CLIENT_ID, DEMO_SECRET, 10.0)
    monkeypatch.setenv("SHEBA_NID_URL", "https://nid.example/")
    assert get_register().url == "https://nid.example"
    settings.PRODUCTION = True
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        get_register()
    settings.SHEBA_NID_BACKEND = "fake"
    with pytest.raises(ImproperlyConfigured):
        get_register()


class CannedSession:
    """A requests.Session stand-in answering one canned response (for answers no register should give)."""

    def __init__(self, status, body):
        self.status, self.body = status, body

    def post(self, url, **kwargs):
        response = requests.Response()
        response.status_code = self.status
        response._content = self.body
        return response


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, b"<html>gateway</html>", RegisterUnavailable),
        (200, b'{"status": "maybe", "fields": {}}', RegisterUnavailable),
        (200, b'{"status": "mismatch", "fields": {"name": true}}', RegisterUnavailable),
        (200, b'{"status": "match"}', RegisterUnavailable),
        (302, b"", RegisterRejected),
        (400, b'{"error": "malformed"}', RegisterRejected),
        (502, b"", RegisterUnavailable),
    ],
)
def test_answers_we_cannot_trust_are_never_a_pass(status, body, error):
    register = HttpIdentityRegister(url="http://register.invalid", client_id="c", secret="s",
                                    session=CannedSession(status, body))
    with pytest.raises(error):
        register.verify(demo_query())


def test_a_contradictory_match_is_a_mismatch():
    body = b'{"status": "match", "fields": {"name": true, "date_of_birth": false}}'
    register = HttpIdentityRegister(url="http://register.invalid", client_id="c", secret="s",
                                    session=CannedSession(200, body))
    result = register.verify(demo_query())
    assert (result.status, result.mismatched) == ("mismatch", ("date_of_birth",))
