"""Saving biller accounts: each biller's format, Bengali digits, unknown accounts, biller down,
and nobody seeing another citizen's accounts."""

from __future__ import annotations

import pytest

from sheba.billpay import selectors, services
from sheba.billpay.catalogue import billers_ensure, normalise_account
from sheba.billpay.models import Biller, BillerAccount
from sheba.billpay.tests.helpers import DESCO, client_for, make_citizen, save_account
from sheba.core.errors import Conflict, InvalidInput, NotFound


def test_normalise_account_accepts_bengali_digits_spaces_and_dashes():
    assert normalise_account("১২-০১২৩-৪৫৬৭") == "1201234567"
    assert normalise_account(" ৪১০ ১২৩৪৫ ") == "41012345"
    assert normalise_account("st123456") == "ST123456"
    assert len(normalise_account("9" * 10_000)) <= 40


@pytest.mark.django_db
def test_billers_come_from_the_data_files_and_seeding_is_idempotent():
    assert billers_ensure()[0] == 14
    assert billers_ensure() == (0, 0)
    desco = Biller.objects.get(code="DESCO")
    assert desco.name_bn.endswith("(ডেসকো)") and desco.sector == "electricity"
    breb = Biller.objects.get(code="BREB")
    assert len(breb.units) == 80 and breb.unit_name("246").startswith("গোপালগঞ্জ") is False  # a real PBS name
    assert all(u["name_bn"].endswith(("সমিতি", "১", "২", "৩", "৪")) for u in breb.units)
    titas = Biller.objects.get(code="TITAS")
    assert titas.sector == "gas" and titas.accepts_cash
    assert not Biller.objects.get(code="SCC-WATER").accepts_cash
    assert Biller.objects.get(code="EDU-DEMO").fetch_mode == "amount"
    assert {b.sector for b in Biller.objects.all()} == {"electricity", "gas", "water", "education"}


@pytest.mark.parametrize(("code", "number", "unit"), [
    ("DESCO", "4101234", ""),          # 7 digits, DESCO has 8
    ("DESCO", "4101234X", ""),
    ("TITAS", "12-0123-456", ""),      # 9 digits
    ("BREB", "123456789012", ""),      # no samity chosen
    ("BREB", "123456789012", "999"),   # no such samity
    ("EDU-DEMO", "12345678", ""),      # needs 2 letters first
    ("DESCO", "", ""),
])
def test_wrong_format_is_refused_with_the_billers_own_wording(billers, citizen, code, number, unit):
    with pytest.raises(InvalidInput) as refused:
        services.biller_account_save(actor=citizen, biller=billers[code], unit=unit, account_number=number)
    assert str(refused.value.message)
    assert not BillerAccount.objects.exists()


def test_save_with_bengali_digits_and_dashes(billers, citizen, biller_sim):
    saved = save_account(citizen, billers["TITAS"], "১২-০১২৩-৪৫৬৭")
    assert saved.account_number == "1201234567" and saved.holder_name == "রহিমা খাতুন"
    with pytest.raises(Conflict):
        save_account(citizen, billers["TITAS"], "1201234567")


def test_unknown_account_is_refused(billers, citizen, biller_sim):
    with pytest.raises(InvalidInput) as refused:
        save_account(citizen, billers["DESCO"], "49999999")
    assert "has no account with this number" in str(refused.value.message)
    assert not BillerAccount.objects.exists()


def test_a_well_formed_account_is_saved_while_the_biller_is_down(billers, citizen, biller_sim):
    biller_sim.fault("down")
    saved = save_account(citizen, billers["DESCO"], DESCO)
    assert saved.holder_name == ""


def test_nobody_sees_another_citizens_account(billers, citizen, biller_sim):
    saved = save_account(citizen, billers["DESCO"], DESCO)
    other = make_citizen()
    with pytest.raises(NotFound):
        selectors.account_for(other, saved.public_id)
    client = client_for(other)
    assert client.get(f"/bills/accounts/{saved.public_id}/").status_code == 404
    assert client.post(f"/bills/accounts/{saved.public_id}/pay/", {"bill_id": "x", "amount": "1250"}).status_code == 404
    assert client.post(f"/bills/accounts/{saved.public_id}/remove/").status_code == 404
    assert BillerAccount.objects.filter(pk=saved.pk).exists()
    assert DESCO not in client.get("/bills/").content.decode()


def test_pages_add_show_and_remove_an_account(billers, citizen, biller_sim):
    client = client_for(citizen)
    page = client.get("/bills/accounts/add/?biller=BREB").content.decode()
    assert "SMS account number" in page and "Bagerhat" in page
    bad = client.post("/bills/accounts/add/", {"biller": "DESCO", "account_number": "123"})
    assert bad.status_code == 400 and "This is not a valid Account number for" in bad.content.decode()
    added = client.post("/bills/accounts/add/", {"biller": "DESCO", "account_number": "৪১০১২৩৪৫",
                                                 "nickname": "Home"})
    saved = BillerAccount.objects.get(owner=citizen)
    assert added.status_code == 302 and added.url == f"/bills/accounts/{saved.public_id}/"
    shown = client.get(added.url).content.decode()
    assert "Rahima Khatun" in shown and "Tk 1,250" in shown and "Pay Tk 1,250 online" in shown
    biller_sim.fault("down")
    down = client.get(added.url)
    assert down.status_code == 503 and "is not answering right now" in down.content.decode()
    client.post(f"/bills/accounts/{saved.public_id}/remove/")
    assert not BillerAccount.objects.exists()


def test_unknown_biller_in_the_form_gets_the_list_again(billers, citizen):
    client = client_for(citizen)
    response = client.post("/bills/accounts/add/", {"biller": "NOPE", "account_number": "1"})
    assert response.status_code == 200 and "Choose a biller from the list." in response.content.decode()


def test_officers_and_visitors_do_not_get_citizen_pages(billers, operator):
    from django.test import Client

    assert Client().get("/bills/").status_code == 302
    assert client_for(operator).get("/bills/").status_code == 302
