"""The developer outbox page and the SMS gateway's delivery-receipt endpoint."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sheba.core.errors import NotFound
from sheba.notifications.forms import OutboxFilterForm
from sheba.notifications.selectors import outbox_messages
from sheba.notifications.services import receipt_record

OUTBOX_LIMIT = 50


@require_GET
@never_cache
def outbox(request: HttpRequest) -> HttpResponse:
    """Recent SMS and e-mail, newest first: how demo users read their OTP. Demo only."""
    if not settings.SHEBA_SHOW_OUTBOX:
        raise Http404
    form = OutboxFilterForm(request.GET or None)
    to = form.cleaned_data["to"] if form.is_bound and form.is_valid() else ""
    messages = list(outbox_messages(to=to, limit=OUTBOX_LIMIT)) if not form.errors else []
    return render(
        request, "notifications/outbox.html", {"form": form, "outbox": messages, "filtered": bool(to)},
        status=400 if form.errors else 200,
    )


def _bearer_ok(request: HttpRequest, expected: str) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())


@csrf_exempt
@require_POST
def sms_receipt(request: HttpRequest) -> JsonResponse:
    """Delivery receipt from the SMS gateway: JSON {reference, status}, Bearer SHEBA_SMS_RECEIPT_TOKEN."""
    if not _bearer_ok(request, settings.SHEBA_SMS_RECEIPT_TOKEN):
        response = JsonResponse({"error": "unauthorised"}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"error": "body must be JSON"}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"error": "body must be a JSON object"}, status=400)
    reference, status = data.get("reference"), data.get("status")
    if not isinstance(reference, str) or not isinstance(status, str) or not status.strip():
        return JsonResponse({"error": "reference and status are required strings"}, status=400)
    try:
        message = receipt_record(reference=reference, status=status, raw=data)
    except NotFound:
        return JsonResponse({"error": "unknown reference"}, status=404)
    return JsonResponse({"reference": str(message.pk), "status": message.status})
