"""Public views (no login): the published key list and the /verify page. Signed-in views: an
issued certificate's page (with revocation for the signing post) and its PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from sheba.accounts.views_officer import officer_required
from sheba.audit.services import audit_record
from sheba.certificates import selectors, services
from sheba.certificates.selectors import Verification, certificate_verify, published_keys_document
from sheba.core import ratelimit
from sheba.core.errors import DomainError, NotFound

MAX_CODE = 4096
# Light: a person checks a few certificates, an office desk perhaps a few hundred a day.
VERIFY_PER_MINUTE = 30
VERIFY_PER_HOUR = 600

ERRORS = {
    "bad_prefix": _("This is not a Sheba certificate code. A code starts with BD1:"),
    "bad_base45": _("This code is damaged: it contains characters a certificate code never has."),
    "bad_zlib": _("This code is damaged or incomplete."),
    "bad_cose": _("This code is damaged or was changed."),
    "bad_signature": _("The signature does not match: this certificate was changed or forged."),
    "key_not_valid": _("The signing key was not valid when this code was signed."),
    "not_on_record": _("This certificate is not in our records."),
    "too_long": _("This is far longer than any certificate code."),
}


def _pick(pair: object) -> str:
    """The Bengali or English half of a [bn, en] claim (Bengali when there is no English)."""
    if not isinstance(pair, list | tuple) or not pair:
        return str(pair or "")
    english = (get_language() or "bn").startswith("en")
    return str(pair[1] if english and len(pair) > 1 and pair[1] else pair[0])


def _shown(result: Verification) -> dict | None:
    """Only what a checker needs, taken from the signed claims: never more than the code itself carries."""
    if result.payload is None or result.status in {"invalid", "unknown_key"}:
        return None
    claims = result.payload.claims
    try:
        issued_on = date.fromisoformat(str(claims.get("d", "")))
    except ValueError:
        issued_on = None
    return {
        "holder": _pick(claims.get("hn")),
        "type": _pick(claims.get("tn")),
        "office": _pick(claims.get("on")),
        "post": _pick(claims.get("p")),
        "issued_on": issued_on,
        "serial": str(claims.get("sn", "")),
    }


@require_GET
def keys_json(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(published_keys_document(), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _rules(request: HttpRequest) -> list[ratelimit.Rule]:
    ip = request.META.get("REMOTE_ADDR") or "unknown"
    return [
        ratelimit.Rule(f"cert-verify:min:{ip}", VERIFY_PER_MINUTE, 60),
        ratelimit.Rule(f"cert-verify:hour:{ip}", VERIFY_PER_HOUR, 3600),
    ]


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("code", "")
    context: dict = {"code": code[:MAX_CODE], "result": None, "error": None, "wait": 0}
    status = 200
    if "code" in source:
        if not code.strip():
            context["error"] = _("Please paste the code from the certificate's QR.")
            status = 400
        elif len(code) > MAX_CODE:
            context["error"] = ERRORS["too_long"]
            context["code"] = ""
            status = 400
        else:
            wait = ratelimit.hit(_rules(request))
            if wait:
                context["error"] = _("Too many checks from this connection. Please wait and try again.")
                context["wait"] = wait
                status = 429
            else:
                result = certificate_verify(code)
                context["result"] = result
                context["reason"] = ERRORS.get(result.error, ERRORS["bad_cose"])
                context["shown"] = _shown(result)
    response = render(request, "certificates/verify.html", context, status=status)
    if context["wait"]:
        response["Retry-After"] = str(context["wait"])
    response["Cache-Control"] = "no-store"
    return response


# --- Issued certificates: the holder's and the office's pages ----------------------------------


def _signed_in(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Citizens signed in; officers signed in with their second factor. Others sign in first.
    Anything the user may not see answers 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        inner = officer_required(view) if request.user.is_officer else view
        try:
            return inner(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None

    return wrapper


def _language_param(request: HttpRequest) -> str:
    return "en" if request.GET.get("lang") == "en" else "bn"


@require_GET
@_signed_in
def certificate_pdf(request: HttpRequest, public_id: Any) -> HttpResponseBase:
    certificate = selectors.certificate_get(request.user, public_id)
    language = _language_param(request)
    if language == "en" and not certificate.has_english:
        raise Http404()
    try:
        name = services.certificate_render(certificate_id=certificate.pk, language=language)
        handle = open(services.pdf_path(name), "rb")  # noqa: SIM115 (FileResponse closes it)
    except (DomainError, OSError):
        raise Http404() from None
    if request.user.is_officer:
        with transaction.atomic():
            audit_record(actor=request.user, action="certificates.download",
                         object_type="certificates.Certificate", object_id=certificate.serial,
                         ip=request.META.get("REMOTE_ADDR"))
    filename = f"{certificate.serial}{'-en' if language == 'en' else ''}.pdf"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@_signed_in
def certificate_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    certificate = selectors.certificate_get(request.user, public_id)
    may_revoke = selectors.can_revoke(request.user, certificate)
    error, reason, status = "", "", 200
    if request.method == "POST":
        if not may_revoke:
            raise Http404()
        reason = request.POST.get("reason", "")[:2000]
        try:
            services.certificate_revoke(actor=request.user, certificate=certificate, reason=reason)
        except DomainError as refused:
            error, status = str(refused.message), refused.status
        else:
            messages.success(request, gettext("The certificate has been revoked. Checking its QR code now says so."))
            return redirect("certificates:detail", public_id=certificate.public_id)
    response = render(request, "certificates/detail.html", {
        "certificate": certificate, "may_revoke": may_revoke, "error": error, "reason": reason[:500],
    }, status=status)
    response["Cache-Control"] = "no-store"
    return response
