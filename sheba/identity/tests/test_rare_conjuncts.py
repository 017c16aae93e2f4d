"""Bengali names with rare conjuncts (ক্ষ্ম, ন্ত্র, জ্ঞ, ঙ্ক্ষ, ত্ত্ব, খণ্ড-ত ৎ, য়/ড় in either Unicode form)
submitted through the apply page and checked by a simulator (own people file) over real HTTP."""

from __future__ import annotations

import json
import unicodedata

import pytest

from sheba.identity.models import IdentityCheck
from sheba.identity.testing import start_simulator
from sheba.identity.tests.test_application_check import RAHIMA, _templates, desk, draft, post  # noqa: F401
from sheba.locker.tests.helpers import media_root  # noqa: F401 - fixture
from sheba.workflow.tests.helpers import citizen_client

pytestmark = pytest.mark.django_db

PEOPLE = [
    {"nid": "5512350000001", "name_bn": "লক্ষ্মী রানী মৃন্ময়ী", "name_en": "Lakshmi Rani Mrinmoyee",
     "father_name_bn": "যজ্ঞেশ্বর চন্দ্র", "father_name_en": "Jogyeshwar Chandra",
     "mother_name_bn": "আকাঙ্ক্ষা সৎপথী", "mother_name_en": "Akangkha Satpathi", "date_of_birth": "1985-06-01"},
    {"nid": "5512350000002", "name_bn": "উজ্জ্বল তত্ত্বদর্শী", "name_en": "Ujjwal Tattwadarshi",
     "father_name_bn": "সুস্মিত অন্ত্রিক", "father_name_en": "Susmit Antrik",
     "mother_name_bn": "ঋদ্ধি বাড়ৈ", "mother_name_en": "Riddhi Baroi", "date_of_birth": "1979-12-31"},
]  # fmt: skip


@pytest.fixture(scope="module")
def rare_register(tmp_path_factory):
    path = tmp_path_factory.mktemp("rare") / "people.json"
    path.write_text(json.dumps({"synthetic": True, "people": PEOPLE}, ensure_ascii=False), encoding="utf-8")
    simulator = start_simulator(path)
    yield simulator
    simulator.stop()


@pytest.fixture
def rare(rare_register, settings):
    settings.SHEBA_NID_URL = rare_register.url
    settings.SHEBA_NID_CLIENT_ID = rare_register.client_id
    settings.SHEBA_NID_SECRET = rare_register.secret
    settings.SHEBA_NID_TIMEOUT_SECONDS = 2
    return rare_register


def typed(person, *, decompose=False, zwj_khanda_ta=False):
    values = {
        "name_bn": person["name_bn"], "name_en": person["name_en"], "father_name": person["father_name_bn"],
        "mother_name": person["mother_name_bn"], "date_of_birth": person["date_of_birth"],
        "identity_number": person["nid"],
    }  # fmt: skip
    for key in ("name_bn", "father_name", "mother_name"):
        text = values[key]
        if decompose:  # য় as য + nukta, ড় as ড + nukta (what some keyboards produce)
            text = text.replace("য়", "য\u09bc").replace("ড়", "ড\u09bc")
        if zwj_khanda_ta:  # ৎ typed as ত + hasanta + ZWJ
            text = text.replace("ৎ", "ত\u09cd\u200d")
        values[key] = text
    return values


@pytest.mark.parametrize("variant", [{}, {"decompose": True}, {"zwj_khanda_ta": True}])
@pytest.mark.parametrize("index", [0, 1])
def test_rare_conjunct_names_pass(rare, desk, index, variant):  # noqa: F811
    client = citizen_client(desk.citizen)
    application = draft(desk, client)
    values = typed(PEOPLE[index], **variant)
    if variant.get("decompose") and index == 0:
        assert unicodedata.normalize("NFC", values["name_bn"]) != values["name_bn"] or "য\u09bc" in values["name_bn"]
    response = post(desk, client, application, **values)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert IdentityCheck.objects.get(application=application).status == "passed"


def test_one_letter_of_a_conjunct_wrong_is_a_mismatch(rare, desk):  # noqa: F811
    client = citizen_client(desk.citizen)
    application = draft(desk, client)
    values = typed(PEOPLE[0])
    values["mother_name"] = "আকাঙ্খা সৎপথী"  # ঙ্খ instead of ঙ্ক্ষ
    response = post(desk, client, application, **values)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["mother_name"]
