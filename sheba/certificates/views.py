"""Public views: the published key list and the /verify page (no login)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from sheba.certificates.selectors import Verification, certificate_verify, published_keys_document
from sheba.core import ratelimit

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
