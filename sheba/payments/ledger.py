"""Double-entry bookkeeping in integer poisha. Debits are positive, credits negative; every
posting sums to zero (checked here, and in PostgreSQL by a deferred trigger at commit).

Accounts: ``gateway_clearing`` (money the gateway holds for us), ``office_fee_income``,
``biller_payable``, ``operator_float:<operator>`` (what the platform owes a counter operator for
cash they deposited), ``refunds_payable`` (refunds promised, not yet paid out), ``cash_at_bank``
(operators' deposits) and ``suspense`` (money captured but held for review).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Sum

from sheba.core import clock
from sheba.payments.models import Account, AccountKind, LedgerEntry, LedgerTransaction


class Unbalanced(ValueError):
    pass


def account(code: str) -> Account:
    """The account named ``code`` (created on first use). Operator floats: :func:`float_account`."""
    kind = code.split(":", 1)[0]
    if kind not in AccountKind.values:
        raise ValueError(f"unknown account kind {kind!r}")
    found, _created = Account.objects.get_or_create(code=code, defaults={"kind": kind})
    return found


def float_account(operator: Any) -> Account:
    found, _created = Account.objects.get_or_create(
        operator=operator, defaults={"code": f"operator_float:{operator.public_id}", "kind": AccountKind.OPERATOR_FLOAT}
    )
    return found


def post(*, kind: str, lines: Sequence[tuple[Account | str, int]], intent: Any = None, refund: Any = None,
         memo: str = "") -> LedgerTransaction:
    """Write one balanced transaction. Call inside the caller's transaction."""
    if not lines or sum(amount for _account, amount in lines) != 0:
        raise Unbalanced(f"ledger posting {kind} does not balance")
    if any(not isinstance(amount, int) or isinstance(amount, bool) or amount == 0 for _a, amount in lines):
        raise Unbalanced("ledger amounts are non-zero integers of poisha")
    txn = LedgerTransaction.objects.create(at=clock.now(), kind=kind, intent=intent, refund=refund, memo=memo[:200])
    LedgerEntry.objects.bulk_create([
        LedgerEntry(transaction=txn, account=acct if isinstance(acct, Account) else account(acct), amount_poisha=amount)
        for acct, amount in lines
    ])
    return txn


def balance(acct: Account) -> int:
    """Debits minus credits, in poisha."""
    return int(LedgerEntry.objects.filter(account=acct).aggregate(total=Sum("amount_poisha"))["total"] or 0)


def unbalanced_transactions() -> list[int]:
    """Ids of transactions whose entries do not sum to zero (the reconciliation's first check)."""
    from django.db.models import Count

    return list(
        LedgerTransaction.objects.annotate(total=Sum("entries__amount_poisha"), n=Count("entries"))
        .exclude(total=0, n__gte=2)
        .values_list("pk", flat=True)
    )
