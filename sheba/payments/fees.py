"""The application fee (purpose ``application_fee``, reference = the application's public id).

* Paid online from the application page where the office has online collection on, or in cash
  at a counter (``cash_payment_record``).
* A file cannot be approved while a required fee is unpaid. "Required" means the fee at the
  file's office is more than zero AND that office collects it through Sheba (online collection
  on); offices that take fees outside Sheba are not blocked.
* Refund policy (kept simple): when a file whose fee was paid is rejected, the whole remaining
  fee is refunded automatically.
"""

from __future__ import annotations

from typing import Any

from sheba.audit.services import audit_record
from sheba.payments import errors

PURPOSE = "application_fee"


def _on_paid(intent: Any) -> None:
    audit_record(actor=None, action="application.fee_paid", object_type="application",
                 object_id=intent.reference, data={"payment": str(intent.public_id),
                                                   "amount_poisha": int(intent.amount_poisha)})


def _on_refunded(intent: Any, refund: Any) -> None:
    audit_record(actor=None, action="application.fee_refunded", object_type="application",
                 object_id=intent.reference, data={"payment": str(intent.public_id),
                                                   "amount_poisha": int(refund.amount_poisha)})


def fee_must_be_paid(*, application: Any, **_context: Any) -> None:
    """Workflow guard on approval: a required fee must be paid first."""
    from sheba.payments.selectors import fee_state

    state = fee_state(application)
    if state.required and state.paid is None:
        raise errors.FeeUnpaid()


def refund_fee_on_reject(*, actor: Any, application: Any, **_context: Any) -> None:
    """Workflow effect on rejection: refund what remains of a paid fee (sent after commit)."""
    from sheba.payments.models import SUCCESS, PaymentIntent
    from sheba.payments.services import _lock, _refund_request

    paid = PaymentIntent.objects.filter(purpose=PURPOSE, reference=str(application.public_id),
                                        status__in=SUCCESS, duplicate_of__isnull=True).first()
    if paid is None:
        return
    locked = _lock(paid)
    if locked.available_poisha > 0:
        _refund_request(locked, amount_poisha=locked.available_poisha,
                        reason="application rejected: fee refunded", actor=actor, automatic=True)


def register() -> None:
    from sheba.payments.purposes import register_purpose
    from sheba.workflow import hooks

    register_purpose(PURPOSE, on_paid=_on_paid, on_refunded=_on_refunded, label_bn="আবেদন ফি",
                     label_en="Application fee", ledger_account="office_fee_income")
    hooks.register_guard(hooks.APPROVE, fee_must_be_paid)
    hooks.register_effect(hooks.REJECT, refund_fee_on_reject)
