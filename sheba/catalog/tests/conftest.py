"""Catalogue fixtures: the seeded catalogue, and the real geography with the offices of the two
districts whose unions appear in the fee observations we test (Pachpir, Mijanpur)."""

from __future__ import annotations

import pytest

from sheba.catalog.seeding import catalog_seed

PANCHAGARH = 53  # Pachpir union (3677): warish 300 taka, citizenship 20 taka
RAJBARI = 49  # Mijanpur union (3400): warish 100 taka, citizenship free
PACHPIR = 3677
MIJANPUR = 3400


@pytest.fixture
def catalog(db):
    return catalog_seed()


@pytest.fixture
def union_offices(db):
    from sheba.directory.geo import geo_import
    from sheba.directory.seeding import offices_seed

    geo_import()
    return offices_seed(district_ids=[PANCHAGARH, RAJBARI])


@pytest.fixture
def designer(db):
    from sheba.accounts.models import User, UserKind

    return User.objects.create_superuser("designer", "a long designer password 1", kind=UserKind.OFFICER)


@pytest.fixture
def admin_client(client, designer):
    """A service designer in the admin, having passed TOTP as the officers' login records it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=designer, name="test", confirmed=True)
    client.force_login(designer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
