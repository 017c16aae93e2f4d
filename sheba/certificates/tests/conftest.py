"""Certificate fixtures: Paikkandi union parishad (Gopalganj) with its chairman's post, and a KEK per test."""

from __future__ import annotations

import pytest

from sheba.directory.tests.conftest import GOPALGANJ, PAIKKANDI, gopalganj, gopalganj_data  # noqa: F401


@pytest.fixture(autouse=True)
def _kek(tmp_path, monkeypatch):
    """Each test gets its own key-encryption key file (created on first use, mode 600)."""
    path = tmp_path / "keys" / "cert-kek.key"
    monkeypatch.setenv("SHEBA_CERT_KEK_FILE", str(path))
    monkeypatch.delenv("SHEBA_CERT_KEK", raising=False)
    return path


@pytest.fixture
def up_office(gopalganj):  # noqa: F811
    from sheba.directory.models import Office

    return Office.objects.select_related("office_type").get(
        union_id=PAIKKANDI, office_type__code="union_parishad"
    )


@pytest.fixture
def chairman_post(up_office):
    from sheba.directory.models import Post

    return Post.objects.get(office=up_office, code="up_chairman")


@pytest.fixture
def signing_key(chairman_post):
    from sheba.certificates.services import signing_key_create

    return signing_key_create(actor=None, post=chairman_post)


@pytest.fixture
def issue(chairman_post, signing_key):
    from sheba.certificates.services import certificate_issue

    def make(**overrides):
        fields = {
            "actor": None,
            "signer_post": chairman_post,
            "type_code": "citizenship",
            "type_name_bn": "নাগরিকত্ব সনদ",
            "type_name_en": "Citizenship certificate",
            "holder_name_bn": "মোছাঃ খাদিজা আক্তার",
            "holder_name_en": "Mst. Khadija Akter",
            "holder_id": "1990123456789",
        }
        fields.update(overrides)
        return certificate_issue(**fields)

    return make
