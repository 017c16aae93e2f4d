"""The citizen's dashboard and profile (with address pickers that work without JavaScript), and
the e-mail confirmation link."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sheba.accounts import profile_services, selectors
from sheba.accounts.forms_profile import ADDRESS_PREFIXES, ProfileForm, profile_initial
from sheba.applications.selectors import my_applications
from sheba.core.errors import DomainError


def citizen_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in citizens only; others sign in first, officers go to their own desk."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.is_officer:
            return redirect("officer:dashboard")
        return view(request, *args, **kwargs)

    return wrapper


def _language() -> str:
    return "en" if (get_language() or "bn").startswith("en") else "bn"


@require_safe
@citizen_required
def dashboard(request: HttpRequest) -> HttpResponse:
    profile = selectors.profile_of(request.user)
    if _language() == "en":
        display_name = profile.name_en or profile.name_bn
    else:
        display_name = profile.name_bn or profile.name_en
    return render(request, "accounts/profile/dashboard.html", {
        "profile": profile,
        "display_name": display_name,
        "completeness": selectors.profile_completeness(profile),
        "pending_email": selectors.pending_email_verification(request.user),
        "recent_applications": my_applications(request.user)[:5],
    })


@require_safe
@citizen_required
def profile_view(request: HttpRequest) -> HttpResponse:
    profile = selectors.profile_of(request.user)
    return render(request, "accounts/profile/profile.html", {
        "profile": profile,
        "identity_masked": selectors.mask_identity(profile.identity_number),
        "identity_label": selectors.identity_label(profile.identity_kind),
        "pending_email": selectors.pending_email_verification(request.user),
        "completeness": selectors.profile_completeness(profile),
        "same_address": profile_initial(profile, None)["permanent_same"],
    })


@require_http_methods(["GET", "POST"])
@citizen_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST" and request.POST.get("refresh") in ADDRESS_PREFIXES:
        # "Update the lists" without JavaScript: show the same values, with the dependent lists
        # filtered by the choices made so far. Nothing is saved and nothing is marked wrong yet.
        form = ProfileForm(initial=request.POST.dict())
        return render(request, "accounts/profile/edit.html", {"form": form, "refreshed": request.POST["refresh"]})
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                profile_services.profile_update(actor=user, user=user, data=form.cleaned_data, language=_language())
            except DomainError as error:
                form.add_error("email" if error.code == "rate_limited" else None, str(error.message))
            else:
                messages.success(request, _("Your profile has been saved."))
                pending = selectors.pending_email_verification(user)
                if pending is not None and pending.email == form.cleaned_data.get("email"):
                    messages.info(request, _("We have sent a confirmation link to %(email)s. Open it to confirm "
                                             "the address.") % {"email": pending.email})
                return redirect("accounts:profile")
        return render(request, "accounts/profile/edit.html", {"form": form}, status=200)
    pending = selectors.pending_email_verification(user)
    profile = selectors.profile_of(user)
    form = ProfileForm(initial=profile_initial(profile, pending.email if pending else None))
    return render(request, "accounts/profile/edit.html", {"form": form})


@require_safe
@citizen_required
def address_options(request: HttpRequest) -> HttpResponse:
    """htmx: the pickers of one address, with each list filtered by the choices above it."""
    prefix = request.GET.get("prefix", "")
    if prefix not in ADDRESS_PREFIXES:
        prefix = "present"
    form = ProfileForm(initial=request.GET.dict())
    return render(request, "accounts/profile/_address.html", {"form": form, "prefix": prefix})


@require_POST
@citizen_required
def email_resend(request: HttpRequest) -> HttpResponse:
    try:
        verification = profile_services.email_verification_resend(actor=request.user, language=_language())
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("We have sent the confirmation link again to %(email)s.")
                         % {"email": verification.email})
    return redirect("accounts:profile")


@require_http_methods(["GET", "POST"])
def email_verify(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what will be confirmed (mail scanners that open links confirm nothing); POST confirms."""
    if request.method == "POST":
        try:
            verification = profile_services.email_verification_confirm(token=token)
        except profile_services.EmailLinkInvalid as error:
            return render(request, "accounts/profile/email_verify.html", {"state": error.reason})
        return render(request, "accounts/profile/email_verify.html",
                      {"state": "confirmed", "email": verification.email})
    verification = profile_services.email_verification_find(token)
    state = profile_services.email_verification_state(verification)
    return render(
        request, "accounts/profile/email_verify.html",
        {"state": state, "email": verification.email if verification and state == "valid" else ""},
    )
