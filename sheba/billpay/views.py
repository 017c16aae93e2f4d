"""Pages of bill payment: the citizen's billers, saved accounts, bills due, history and receipts;
the counter operator's cash payment and printable receipt. Views parse, authorise, call one
service and render; every domain error is shown on the page in the user's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sheba.accounts.views_officer import officer_required
from sheba.accounts.views_profile import citizen_required
from sheba.billpay import selectors, services
from sheba.billpay.models import Biller, BillPayment, BillPaymentStatus, FetchMode
from sheba.core.errors import DomainError, NotFound
from sheba.core.money import Money

MAX_FIELD = 40


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _field(request: HttpRequest, name: str, limit: int = MAX_FIELD) -> str:
    return str(request.POST.get(name, ""))[:limit]


class AccountForm(forms.Form):
    """A biller account as the biller words it: its own label, hint, and unit list (PBS)."""

    unit = forms.ChoiceField(required=False)
    account_number = forms.CharField(max_length=MAX_FIELD, strip=True)
    nickname = forms.CharField(label=gettext_lazy("Name for this account (optional)"), max_length=60,
                               required=False, strip=True,
                               help_text=gettext_lazy("For example: home, shop, mother's house."))

    def __init__(self, *args: Any, biller: Biller, with_nickname: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.biller = biller
        number = self.fields["account_number"]
        number.label = biller.account_label
        number.help_text = biller.account_hint
        number.error_messages["required"] = _("Enter the %(label)s.") % {"label": biller.account_label}
        number.widget.attrs.update({"autocomplete": "off", "spellcheck": "false", "inputmode": "text"})
        if biller.has_units:
            unit = self.fields["unit"]
            unit.label = biller.unit_label
            unit.required = True
            unit.choices = [("", _("Choose…")), *biller.unit_choices()]
            unit.error_messages["required"] = _("Choose your %(unit)s.") % {"unit": biller.unit_label}
        else:
            del self.fields["unit"]
        if not with_nickname:
            del self.fields["nickname"]


def _holder(lookup: Any) -> str:
    if lookup is None:
        return ""
    english = (get_language() or "bn").startswith("en")
    return (lookup.holder_en or lookup.holder_bn) if english else (lookup.holder_bn or lookup.holder_en)


def _biller_from(request: HttpRequest, *, cash_only: bool = False) -> Biller | None:
    code = (request.POST.get("biller") or request.GET.get("biller") or "")[:20]
    if not code:
        return None
    biller = selectors.active_billers().filter(code=code).first()
    if biller is None or (cash_only and not biller.accepts_cash):
        return None
    return biller


# --- Citizens ----------------------------------------------------------------------------------


@require_safe
@citizen_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "billpay/index.html", {
        "accounts": list(selectors.accounts_of(request.user)),
        "sectors": selectors.billers_by_sector(),
        "recent": list(selectors.payments_of(request.user)[:5]),
    })


@require_http_methods(["GET", "POST"])
@citizen_required
def account_add(request: HttpRequest) -> HttpResponse:
    biller = _biller_from(request)
    if biller is None:
        if request.method == "POST":
            messages.error(request, _("Choose a biller from the list."))
        return render(request, "billpay/choose_biller.html", {"sectors": selectors.billers_by_sector()})
    form = AccountForm(request.POST or None, biller=biller)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.biller_account_save(
                actor=request.user, biller=biller, unit=form.cleaned_data.get("unit", ""),
                account_number=form.cleaned_data["account_number"], nickname=form.cleaned_data.get("nickname", ""),
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The account is saved."))
            return redirect("billpay:account", account.public_id)
    return render(request, "billpay/account_add.html", {"biller": biller, "form": form},
                  status=400 if form.errors else 200)


def _own_account(request: HttpRequest, public_id: Any) -> Any:
    try:
        return selectors.account_for(request.user, public_id)
    except NotFound:
        raise Http404() from None


@require_safe
@citizen_required
def account(request: HttpRequest, public_id: Any) -> HttpResponse:
    saved = _own_account(request, public_id)
    lookup, problem, status = None, None, 200
    try:
        lookup = selectors.bill_due(biller=saved.biller, unit=saved.unit, account_number=saved.account_number)
    except DomainError as exc:
        problem = str(exc.message)
        status = 503 if exc.status >= 500 else 200
    paid_here = None
    if lookup is not None and lookup.bill is not None:
        paid_here = selectors.paid_payment_for_bill(selectors.bill_key(saved.biller, lookup.bill.bill_id))
    return render(request, "billpay/account.html", {
        "saved": saved, "lookup": lookup, "holder": _holder(lookup), "bill": lookup.bill if lookup else None, "problem": problem,
        "paid_here": paid_here, "amount_mode": saved.biller.fetch_mode == FetchMode.AMOUNT,
        "min_amount": Money(int(saved.biller.min_amount_poisha or 0)),
        "max_amount": Money(int(saved.biller.max_amount_poisha or 0)),
    }, status=status)


@require_POST
@citizen_required
def account_pay(request: HttpRequest, public_id: Any) -> HttpResponse:
    saved = _own_account(request, public_id)
    try:
        payment, url = services.bill_payment_start(
            actor=request.user, account=saved, bill_id=_field(request, "bill_id", 100),
            amount=_field(request, "amount"), return_base_url=_base_url(request),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("billpay:account", saved.public_id)
    return redirect(url)


@require_POST
@citizen_required
def account_remove(request: HttpRequest, public_id: Any) -> HttpResponse:
    saved = _own_account(request, public_id)
    services.biller_account_remove(actor=request.user, account=saved)
    messages.success(request, _("The account is removed. Its payments stay in your history."))
    return redirect("billpay:index")


@require_safe
@citizen_required
def history(request: HttpRequest) -> HttpResponse:
    return render(request, "billpay/history.html", {"payments": list(selectors.payments_of(request.user)[:200])})


def _own_payment(request: HttpRequest, public_id: Any) -> BillPayment:
    try:
        return selectors.payment_for(request.user, public_id)
    except NotFound:
        raise Http404() from None


@require_safe
@citizen_required
def payment(request: HttpRequest, public_id: Any) -> HttpResponse:
    found = _own_payment(request, public_id)
    intent = selectors.intent_of(found)
    return render(request, "billpay/payment.html", {
        "payment": found, "intent": intent, "has_receipt": bool(intent and intent.receipt_number),
        "in_progress": found.status in (BillPaymentStatus.PAID, BillPaymentStatus.POSTING),
    })


def _pdf(intent: Any) -> HttpResponse:
    from sheba.payments import services as payments

    if intent is None:
        raise Http404()
    try:
        pdf = payments.receipt_pdf(intent)
    except NotFound:
        raise Http404() from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{intent.receipt_number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@citizen_required
def payment_receipt(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _pdf(selectors.intent_of(_own_payment(request, public_id)))


# --- The counter (UDC / e-service centre operator) -----------------------------------------------


class CounterForm(AccountForm):
    citizen_mobile = forms.CharField(label=gettext_lazy("Citizen's mobile number"), max_length=20, strip=True,
                                     help_text=gettext_lazy("The receipt SMS goes to this number."))


def _operator_posts(request: HttpRequest) -> list[Any]:
    return list(selectors.counter_posts(request.user))


@require_http_methods(["GET", "POST"])
@officer_required
def counter(request: HttpRequest) -> HttpResponse:
    posts = _operator_posts(request)
    if not posts:
        return render(request, "billpay/counter_denied.html", status=403)
    from sheba.payments.services import operator_float

    context: dict[str, Any] = {"posts": posts, "float": Money(operator_float(request.user)),
                               "today": list(selectors.counter_payments_today(request.user)[:50])}
    biller = _biller_from(request, cash_only=True)
    if biller is None:
        cash_billers = {sector: [b for b in billers if b.accepts_cash]
                        for sector, billers in selectors.billers_by_sector().items()}
        context["sectors"] = {sector: billers for sector, billers in cash_billers.items() if billers}
        if request.method == "POST":
            messages.error(request, _("Choose a biller that takes cash at the counter."))
        return render(request, "billpay/counter.html", context)
    form = CounterForm(request.POST or None, biller=biller, with_nickname=False)
    context.update(biller=biller, form=form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        step = request.POST.get("step", "fetch")
        try:
            if step == "confirm":
                paid = services.bill_payment_cash(
                    operator=request.user, biller=biller, unit=data.get("unit", ""),
                    account_number=data["account_number"], citizen_mobile=data["citizen_mobile"],
                    bill_id=_field(request, "bill_id", 100), amount=_field(request, "amount"),
                )
                messages.success(request, _("Cash payment recorded. Print the receipt for the citizen."))
                return redirect("billpay:counter_receipt", paid.public_id)
            unit, number = services.clean_account(biller, unit=data.get("unit", ""),
                                                  account_number=data["account_number"])
            lookup = selectors.bill_due(biller=biller, unit=unit, account_number=number)
            if biller.fetch_mode == FetchMode.BILL and lookup.bill is None:
                raise services.NoBillDue()
            if lookup.bill is not None and (lookup.bill.paid or selectors.paid_payment_for_bill(
                    selectors.bill_key(biller, lookup.bill.bill_id))):
                raise services.AlreadyPaid()
            context.update(lookup=lookup, holder=_holder(lookup), bill=lookup.bill, number=number, unit=unit,
                           unit_name=biller.unit_name(unit), confirm=True)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
    status = 400 if form.errors else 200
    return render(request, "billpay/counter.html", context, status=status)


def _counter_payment(request: HttpRequest, public_id: Any) -> BillPayment:
    try:
        return selectors.counter_payment_for(request.user, public_id)
    except NotFound:
        raise Http404() from None


@require_safe
@officer_required
def counter_receipt(request: HttpRequest, public_id: Any) -> HttpResponse:
    found = _counter_payment(request, public_id)
    return render(request, "billpay/counter_receipt.html", {"payment": found, "intent": selectors.intent_of(found)})


@require_safe
@officer_required
def counter_receipt_pdf(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _pdf(selectors.intent_of(_counter_payment(request, public_id)))
