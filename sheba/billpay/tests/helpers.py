"""People and clients for the bill-payment tests."""

from __future__ import annotations

import secrets
from typing import Any

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from sheba.accounts.models import Profile, User, UserKind
from sheba.core import clock
from sheba.directory.models import Office, OfficeLevel, OfficeType, OfficeUnit, Post, PostTerm

DESCO = "41012345"  # simulator: bill due in 10 days, ৳ 1,250 (+ ৳ 62.50 late)
DESCO_LATE = "41098765"  # simulator: due date 3 days ago, ৳ 840.50 + ৳ 42 late fee
DESCO_NO_BILL = "41000001"


def make_citizen(mobile: str | None = None) -> User:
    number = mobile or f"+88017{secrets.randbelow(90_000_000) + 10_000_000:08d}"
    user = User.objects.create_user(number, None, kind=UserKind.CITIZEN, mobile=number)
    Profile.objects.get_or_create(user=user)
    return user


def make_staff() -> User:
    return User.objects.create_user(f"finance{secrets.token_hex(3)}", "a long staff password 1",
                                    kind=UserKind.OFFICER, is_staff=True)


def make_operator(*, post_code: str = "front_desk", float_poisha: int = 0) -> User:
    """An officer holding ``post_code`` today at a test e-service centre, with ``float_poisha``."""
    user = User.objects.create_user(f"udc{secrets.token_hex(3)}", "a long operator password 1",
                                    kind=UserKind.OFFICER)
    office_type, _ = OfficeType.objects.get_or_create(
        code="test-dc", defaults={"level": OfficeLevel.DISTRICT, "name_bn": "ডিসি অফিস", "name_en": "DC office"})
    office = Office.objects.create(office_type=office_type, name_bn="পরীক্ষা অফিস", name_en="Test office")
    unit = OfficeUnit.objects.create(office=office, name_bn="ফ্রন্ট ডেস্ক", name_en="Front desk")
    post = Post.objects.create(unit=unit, office=office, code=post_code, name_bn="ফ্রন্ট ডেস্ক অপারেটর",
                               name_en="Front desk operator")
    PostTerm.objects.create(post=post, person=user, starts_on=clock.today())
    if float_poisha:
        top_up(user, float_poisha)
    return user


def top_up(operator: User, amount_poisha: int) -> None:
    from sheba.payments.services import operator_float_topup

    operator_float_topup(actor=make_staff(), operator=operator, amount_poisha=amount_poisha)


def client_for(user: User, language: str = "en") -> Client:
    from django.conf import settings

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    if user.is_officer:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def save_account(user: User, biller: Any, number: str, unit: str = "") -> Any:
    from sheba.billpay.services import biller_account_save

    return biller_account_save(actor=user, biller=biller, unit=unit, account_number=number)
