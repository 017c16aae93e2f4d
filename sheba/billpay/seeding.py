"""``manage.py seed_billpay``: billers from data/billers, and for the demo the demo citizen's saved
accounts (matching the biller simulator's synthetic accounts) and a float for the demo front desk."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from sheba.billpay.catalogue import billers_ensure, demo_accounts
from sheba.billpay.models import Biller, BillerAccount
from sheba.core import clock

DEMO_CITIZEN_MOBILE = "+8801711000001"  # sheba.directory.demo.CITIZEN_MOBILE
DEMO_OPERATOR = "frontdesk"  # sheba.directory.demo: the DC office's front desk
DEMO_ADMIN = "admin"
DEMO_FLOAT_POISHA = 50_000_00  # 50,000 taka of cash the demo operator may take


@dataclass
class SeedResult:
    billers_created: int = 0
    billers_updated: int = 0
    accounts_created: int = 0
    float_topped_up: int = 0

    def summary(self) -> str:
        return (f"billers: {self.billers_created} new, {self.billers_updated} updated; demo accounts: "
                f"{self.accounts_created} new; operator float topped up by {self.float_topped_up // 100} taka")


def seed_billpay(*, demo: bool = True) -> SeedResult:
    created, updated = billers_ensure()
    result = SeedResult(billers_created=created, billers_updated=updated)
    if not demo:
        return result
    users = get_user_model().objects
    citizen = users.filter(mobile=DEMO_CITIZEN_MOBILE).first()
    if citizen is not None:
        with transaction.atomic():
            for spec in demo_accounts():
                biller = Biller.objects.get(code=spec["biller"])
                _, made = BillerAccount.objects.get_or_create(
                    owner=citizen, biller=biller, unit=spec.get("unit", ""), account_number=spec["account"],
                    defaults={"holder_name": spec.get("holder_bn", ""), "created_at": clock.now()},
                )
                result.accounts_created += int(made)
    operator = users.filter(username=DEMO_OPERATOR).first()
    admin = users.filter(username=DEMO_ADMIN, is_staff=True).first()
    if operator is not None and admin is not None:
        from sheba.payments.services import operator_float, operator_float_topup

        missing = DEMO_FLOAT_POISHA - operator_float(operator)
        if missing > 0:
            operator_float_topup(actor=admin, operator=operator, amount_poisha=missing)
            result.float_topped_up = missing
    return result
