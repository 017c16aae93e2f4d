"""``manage.py seed_payments``: the demo's payment set-up (safe to run again).

* The demo Union Parishad (Paikkandi) collects its fees online: every service it offers with a
  known fee above zero gets its fee row with online collection switched on.
* The demo front-desk operator gets a cash float of 10,000 taka (topped up by the demo admin).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

FLOAT_POISHA = 1_000_000


class Command(BaseCommand):
    help = "Switch online fee collection on at the demo Union Parishad; give the demo operator a float."

    def handle(self, *args, **options):
        from sheba.accounts.models import User
        from sheba.catalog.models import Service, ServiceFee
        from sheba.directory.demo import PAIKKANDI_UNION_ID
        from sheba.directory.models import Office
        from sheba.payments.services import operator_float, operator_float_topup

        office = Office.objects.filter(union_id=PAIKKANDI_UNION_ID, office_type__code="union_parishad").first()
        switched = 0
        if office is not None:
            for service in Service.objects.filter(office_type=office.office_type):
                row = ServiceFee.objects.filter(service=service, office=office).first()
                amount = row.amount_poisha if row and row.amount_poisha is not None else service.default_fee_poisha
                if not amount:
                    continue
                ServiceFee.objects.update_or_create(
                    service=service, office=office,
                    defaults={"amount_poisha": amount, "online_collection_enabled": True})
                switched += 1
        admin = User.objects.filter(username="admin", is_staff=True).first()
        operator = User.objects.filter(username="frontdesk").first()
        if admin is not None and operator is not None and operator_float(operator) == 0:
            operator_float_topup(actor=admin, operator=operator, amount_poisha=FLOAT_POISHA)
        self.stdout.write(f"Online fee collection on for {switched} service(s) at the demo Union Parishad.")
