"""Payment pages (the payer's list, one payment, pay, receipt, the application fee) and the
gateway's endpoints (IPN, browser return). Everything works without JavaScript; gateway return
URLs work without the session cookie and believe nothing the browser says."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sheba.accounts.views_profile import citizen_required
from sheba.core.errors import DomainError, NotFound
from sheba.payments import errors, selectors, services
from sheba.payments.fees import PURPOSE as FEE_PURPOSE
from sheba.payments.models import OPEN, Status
from sheba.payments.purposes import purpose_get

log = logging.getLogger(__name__)
MAX_FIELDS = 60
MAX_FIELD_LENGTH = 500


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
@citizen_required
def mine(request: HttpRequest) -> HttpResponse:
    payments = list(selectors.my_payments(request.user)[:200])
    return render(request, "payments/mine.html", {"payments": payments})


def _get(request: HttpRequest, public_id: Any):
    try:
        return selectors.payment_get(request.user, public_id)
    except NotFound:
        raise Http404() from None


@require_GET
@citizen_required
def detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    intent = _get(request, public_id)
    try:
        purpose_label = purpose_get(intent.purpose).label
    except DomainError:
        purpose_label = intent.purpose
    return render(request, "payments/detail.html", {
        "intent": intent,
        "purpose_label": purpose_label,
        "refunds": list(selectors.payment_refunds(intent)),
        # The hosted page is reached by a link from here, not by a redirect after the POST: the
        # site's CSP (form-action 'self') rightly stops a form submission from ending elsewhere.
        "gateway_url": intent.gateway_url if intent.status == Status.PENDING else "",
        "payable": intent.status == Status.CREATED or (intent.status == Status.PENDING and not intent.gateway_url),
        "checking": intent.status in (Status.LOCKED, Status.UNKNOWN),
    })


@require_POST
@citizen_required
def pay(request: HttpRequest, public_id: Any) -> HttpResponse:
    intent = _get(request, public_id)
    try:
        services.payment_checkout(intent=intent, return_base_url=_base_url(request))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("payments:detail", intent.public_id)  # it links on to the gateway (see _to_gateway)


@require_GET
@citizen_required
def receipt(request: HttpRequest, public_id: Any) -> HttpResponse:
    try:
        intent = selectors.payment_receipt_get(request.user, public_id)
        pdf = services.receipt_pdf(intent)
    except NotFound:
        raise Http404() from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{intent.receipt_number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@citizen_required
def fee_pay(request: HttpRequest, application_id: Any) -> HttpResponse:
    """Pay an application's fee: the amount is the office's fee from the catalogue (whatever the
    form says), only where the office collects online and the fee is unpaid."""
    from sheba.applications.selectors import application_get

    try:
        application = application_get(request.user, application_id)
    except NotFound:
        raise Http404() from None
    if application.applicant_id != request.user.pk:
        raise Http404()
    state = selectors.fee_state(application)
    back = redirect("applications:detail", application.public_id)
    if state.paid is not None:
        messages.info(request, str(errors.AlreadyPaid.default_message))
        return back
    if not state.online or not state.amount_poisha:
        messages.error(request, str(errors.NotPayable.default_message))
        return back
    key = (request.POST.get("idempotency_key") or "").strip()[:100] or secrets.token_urlsafe(16)
    service = application.service
    description = f"{service.name_bn} — {application.tracking_display or application.public_id}"[:200]
    try:
        if state.open is not None and state.open.payer_id == request.user.pk \
                and state.open.amount_poisha == state.amount_poisha and state.open.status == Status.PENDING:
            intent = state.open
        else:
            intent = services.payment_start(
                actor=request.user, purpose=FEE_PURPOSE, reference=str(application.public_id),
                amount_poisha=state.amount_poisha, payer_mobile=request.user.mobile or "",
                description=description, idempotency_key=key, office=application.office,
            )
            if intent.status not in OPEN:
                return redirect("payments:detail", intent.public_id)
        services.payment_checkout(intent=intent, return_base_url=_base_url(request))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return back
    return redirect("payments:detail", intent.public_id)


def _fields(request: HttpRequest) -> dict[str, str]:
    data = request.POST if request.method == "POST" else request.GET
    if len(data) > MAX_FIELDS:
        raise errors.BadSignature()
    return {str(k)[:60]: str(v)[:MAX_FIELD_LENGTH] for k, v in data.items()}


@csrf_exempt  # server-to-server from the gateway; authenticated by its signature
@require_POST
def ipn(request: HttpRequest) -> HttpResponse:
    try:
        intent = services.payment_ipn(fields=_fields(request))
    except DomainError as exc:
        log.warning("payments: IPN refused", extra={"code": exc.code})
        return HttpResponse(exc.code, status=400, content_type="text/plain")
    return HttpResponse(f"OK {intent.status}", content_type="text/plain")


@csrf_exempt  # the gateway's page POSTs the payer back here; nothing posted is believed
@require_http_methods(["GET", "POST"])
def gateway_return(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ("success", "fail", "cancel"):
        raise Http404()
    try:
        intent = services.payment_return(fields=_fields(request))
    except DomainError:
        return render(request, "payments/return.html", {"intent": None}, status=400)
    response = render(request, "payments/return.html", {
        "intent": intent,
        "paid": intent.is_paid,
        "checking": intent.status in (Status.LOCKED, Status.PENDING, Status.UNKNOWN),
    })
    response["Cache-Control"] = "no-store"
    return response
