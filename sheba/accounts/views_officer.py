"""Officers sign in here (login name + password, then a TOTP code) and see their desk."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import django_otp
from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from sheba.accounts import officer_services, selectors
from sheba.accounts.models import User
from sheba.core import clock
from sheba.core.bengali import to_ascii_digits
from sheba.core.errors import DomainError, RateLimited

PENDING_KEY = "officer_pending"


class OfficerLoginForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Login name"), max_length=64, strip=True)
    password = forms.CharField(label=gettext_lazy("Password"), max_length=512, strip=False,
                               widget=forms.PasswordInput)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none",
                                                     "spellcheck": "false"})
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        self.fields["username"].error_messages["required"] = gettext_lazy("Enter your login name.")
        self.fields["password"].error_messages["required"] = gettext_lazy("Enter your password.")


class TotpForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"), max_length=20, strip=True,
        help_text=gettext_lazy("6 digits. The code changes every 30 seconds."),
        error_messages={"required": gettext_lazy("Enter the 6-digit code.")},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code",
                                                 "class": "code"})

    def clean_code(self) -> str:
        code = to_ascii_digits(self.cleaned_data["code"]).replace(" ", "")
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(gettext_lazy("The code has 6 digits."), code="format")
        return code


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return ""


def officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in officer whose session passed the TOTP step (django-otp's ``is_verified``)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_officer:
            return redirect("accounts:dashboard")
        if not user.is_authenticated or not user.is_verified():
            if user.is_authenticated:
                messages.info(request, _("Sign in with your password and the code from your authenticator app."))
            login_url = reverse("officer:login")
            return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
def officer_login(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    user = request.user
    if user.is_authenticated and user.is_officer and user.is_verified():
        return redirect(next_url or "officer:dashboard")
    form = OfficerLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            officer = officer_services.officer_password_check(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"],
                ip=request.META.get("REMOTE_ADDR") or None,
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            request.session.cycle_key()
            request.session[PENDING_KEY] = {
                "user": officer.pk, "at": clock.now().timestamp(), "wrong": 0, "next": next_url,
            }
            return redirect("officer:totp")
    return render(request, "accounts/officer/login.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
def officer_totp(request: HttpRequest) -> HttpResponse:
    step = officer_services.pending_step(request.session)
    officer = User.objects.filter(pk=step["user"]).first() if step else None
    if step is None or officer is None:
        messages.error(request, _("Your sign-in has expired. Enter your login name and password again."))
        return redirect("officer:login")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = officer_services.officer_totp_verify(
                user=officer, code=form.cleaned_data["code"], wrong_so_far=int(step.get("wrong", 0))
            )
        except officer_services.WrongCode as error:
            step["wrong"] = int(step.get("wrong", 0)) + 1
            step["at"] = clock.now().timestamp()  # the step lasts 5 minutes from the latest try
            request.session[PENDING_KEY] = step
            form.add_error("code", str(error.message))
        except (officer_services.StepVoided, officer_services.AccountLocked, officer_services.NoAuthenticator) as error:
            request.session.pop(PENDING_KEY, None)
            messages.error(request, str(error.message))
            return redirect("officer:login")
        except RateLimited as error:
            form.add_error("code", str(error.message))
        else:
            request.session.pop(PENDING_KEY, None)
            auth_login(request, officer)
            from sheba.accounts.sessions import session_started

            session_started(request, officer)
            django_otp.login(request, device)
            return redirect(step.get("next") or "officer:dashboard")
    return render(request, "accounts/officer/totp.html", {"form": form})


@require_safe
@officer_required
def officer_dashboard(request: HttpRequest) -> HttpResponse:
    terms = selectors.officer_posts(request.user)
    return render(request, "accounts/officer/dashboard.html", {"terms": terms, "today": clock.today()})
