"""Domain errors of payments (stable codes, messages in the user's language, HTTP status)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sheba.core.errors import Conflict, DomainError, InvalidInput, ServiceUnavailable


class IllegalTransition(Conflict):
    code = "payment_illegal_transition"
    default_message = _("This payment cannot move to that state from where it is now.")


class IdempotencyConflict(Conflict):
    code = "payment_idempotency_conflict"
    default_message = _(
        "This request was already made with different details. Please start the payment again."
    )


class AlreadyPaid(Conflict):
    code = "payment_already_paid"
    default_message = _("This has already been paid. You do not need to pay again.")


class UnknownPurpose(InvalidInput):
    code = "payment_unknown_purpose"
    default_message = _("We do not take payments for this.")


class BadAmount(InvalidInput):
    code = "payment_bad_amount"
    default_message = _("The amount is not valid.")


class InProgress(Conflict):
    code = "payment_in_progress"
    default_message = _("This payment is already being processed. Please wait a moment and look again.")


class NotPayable(Conflict):
    code = "payment_not_payable"
    default_message = _("This payment can no longer be paid. Please start a new payment.")


class GatewayUnavailable(ServiceUnavailable):
    code = "payment_gateway_unavailable"
    default_message = _(
        "The payment gateway did not answer. No money has been taken; please try again in a few minutes."
    )


class InsufficientFloat(Conflict):
    code = "payment_insufficient_float"
    default_message = _("Your counter balance (float) is too low for this payment. Please top it up first.")


class RefundTooLarge(InvalidInput):
    code = "payment_refund_too_large"
    default_message = _("The refund is larger than what remains of this payment.")


class RefundPreconditionFailed(DomainError):
    code = "payment_refund_precondition"
    status = 412
    default_message = _(
        "The payment changed while you were looking at it (another refund was made). Please look again."
    )


class NotRefundable(Conflict):
    code = "payment_not_refundable"
    default_message = _("Only a paid payment can be refunded.")


class BadSignature(InvalidInput):
    code = "payment_bad_signature"
    default_message = _("The gateway's message could not be verified.")


class UnknownTransaction(InvalidInput):
    code = "payment_unknown_transaction"
    default_message = _("We do not know this transaction.")


class FeeUnpaid(Conflict):
    code = "payment_fee_unpaid"
    default_message = _("The fee for this application has not been paid yet. It cannot be approved until it is.")
