"""Citizen sign-in pages: register, log in, forgotten MPIN, change of mobile number, log out.

Each multi-step flow keeps its state (the phone and the challenge id) in the server session
under ``auth_flow``; whether a code was verified is read back from the database, so a
double-clicked submit lands where the first click went. Every refusal is a message on the
same page in the page's language; a refused send answers 429 with ``Retry-After``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from sheba.accounts import otp, services
from sheba.accounts.forms_auth import (
    ChangeMobileForm,
    ChangeMobileVerifyForm,
    LoginForm,
    MobileForm,
    MpinSetForm,
    OtpForm,
    RecoveryIdentityForm,
)
from sheba.accounts.models import OtpPurpose, User
from sheba.accounts.sessions import session_ended, session_started
from sheba.core.errors import Conflict, DomainError, InvalidInput, RateLimited

FLOW_KEY = "auth_flow"
SECRETS = ("mpin", "mpin2", "code", "code_old", "code_new", "number", "date_of_birth")
T = "accounts/auth/"


# --- Small helpers ---------------------------------------------------------------------------


def _ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client says unless a trusted proxy
    # rewrites it (configure the proxy to set REMOTE_ADDR, e.g. gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR") or None


def _language() -> str:
    return "en" if (translation.get_language() or "bn").startswith("en") else "bn"


def _flow(request: HttpRequest, kind: str) -> dict[str, Any] | None:
    flow = request.session.get(FLOW_KEY)
    if isinstance(flow, dict) and flow.get("kind") == kind:
        return flow
    return None


def _set_flow(request: HttpRequest, **values: Any) -> None:
    request.session[FLOW_KEY] = values


def _next_url(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and target.startswith("/") and len(target) < 500 and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    error: DomainError | None = None,
    status: int | None = None,
) -> HttpResponse:
    """Render a page; a refusal shows its message at the top (a refused send: 429 + Retry-After)."""
    context.setdefault("otp_minutes", settings.SHEBA_OTP_TTL_SECONDS // 60)
    if error is not None:
        context["page_error"] = error.message
        if isinstance(error, RateLimited):
            status = 429
    response = render(request, T + template, context, status=status or 200)
    if isinstance(error, RateLimited) and error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


def _restart(request: HttpRequest, to: str) -> HttpResponse:
    request.session.pop(FLOW_KEY, None)
    messages.error(request, _("That code is no longer valid. Please start again."))
    return redirect(to)


def _set_device_cookie(response: HttpResponse, token: str) -> None:
    response.set_cookie(
        services.DEVICE_COOKIE,
        token,
        max_age=services.DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _remember_device(request: HttpRequest, user: User) -> str:
    label = request.META.get("HTTP_USER_AGENT", "")[:200]
    return services.device_remember(user=user, token=request.COOKIES.get(services.DEVICE_COOKIE), label=label)


def _sign_in(request: HttpRequest, user: User, *, next_url: str | None = None, device_token: str | None = None) -> HttpResponse:
    """A new session id, the session recorded, then on to the dashboard (or where they were going)."""
    request.session.pop(FLOW_KEY, None)
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    session_started(request, user)
    response = HttpResponseRedirect(next_url or reverse("accounts:dashboard"))
    if device_token:
        _set_device_cookie(response, device_token)
    return response


def _verify_code(
    *, flow: dict[str, Any], purpose: str, code: str, challenge_key: str = "challenge", phone_key: str = "phone"
) -> None:
    """Use the flow's code; a double-clicked submit of the same right code counts as verified."""
    kwargs = {"challenge_id": flow.get(challenge_key), "phone": flow.get(phone_key, ""), "purpose": purpose}
    try:
        otp.otp_verify(code=code, **kwargs)
    except otp.OtpExpired:
        if not otp.otp_recently_verified(code=code, **kwargs):
            raise


# --- Registration ----------------------------------------------------------------------------


@sensitive_post_parameters(*SECRETS)
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    form = MobileForm(request.POST or None)
    context = {"form": form, "flow": "register"}
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["mobile"]
        try:
            challenge = services.citizen_registration_start(phone=phone, ip=_ip(request), language=_language())
        except RateLimited as exc:
            return _page(request, "mobile.html", context, error=exc)
        _set_flow(request, kind="register", phone=phone, challenge=str(challenge.pk))
        return redirect("accounts:register_verify")
    return _page(request, "mobile.html", context)


@sensitive_post_parameters(*SECRETS)
@never_cache
@require_http_methods(["GET", "POST"])
def register_verify(request: HttpRequest) -> HttpResponse:
    flow = _flow(request, "register")
    if flow is None:
        return redirect("accounts:register")
    form = OtpForm(request.POST or None) if "resend" not in request.POST else OtpForm()
    context = {"form": form, "flow": "register", "phone": flow["phone"]}
    if request.method != "POST":
        return _page(request, "verify.html", context)
    if "resend" in request.POST:
        try:
            challenge = services.citizen_registration_start(
                phone=flow["phone"], ip=_ip(request), language=_language(), resend=True
            )
        except RateLimited as exc:
            return _page(request, "verify.html", context, error=exc)
        _set_flow(request, **{**flow, "challenge": str(challenge.pk)})
        messages.success(request, _("We have sent a new code."))
        return redirect("accounts:register_verify")
    if not form.is_valid():
        return _page(request, "verify.html", context)
    try:
        _verify_code(flow=flow, purpose=OtpPurpose.REGISTER, code=form.cleaned_data["code"])
    except InvalidInput as exc:
        return _page(request, "verify.html", context, error=exc)
    if not settings.SHEBA_GENERATED_PIN:
        return redirect("accounts:register_mpin")
    # Ekseba variant: we make the PIN and send it by SMS; the citizen then logs in with it.
    try:
        user = services.citizen_registration_finish_generated(
            challenge_id=flow["challenge"], phone=flow["phone"], language=_language()
        )
    except otp.OtpExpired:
        return _restart(request, "accounts:register")
    except Conflict as exc:
        return _page(request, "verify.html", context, error=exc)
    token = _remember_device(request, user)
    request.session.pop(FLOW_KEY, None)
    messages.success(request, _("Your account is ready. We have sent your PIN by SMS: log in with it."))
    response = redirect(reverse("accounts:login") + "?registered=1")
    _set_device_cookie(response, token)
    return response


@sensitive_post_parameters(*SECRETS)
@never_cache
@require_http_methods(["GET", "POST"])
def register_mpin(request: HttpRequest) -> HttpResponse:
    flow = _flow(request, "register")
    if flow is None or settings.SHEBA_GENERATED_PIN:
        return redirect("accounts:register")
    ids = {"challenge_id": flow["challenge"], "phone": flow["phone"], "purpose": OtpPurpose.REGISTER}
    if otp.otp_verified(**ids) is None and otp.otp_recently_consumed(**ids) is None:
        return _restart(request, "accounts:register")
    form = MpinSetForm(request.POST or None, phone=flow["phone"])
    context = {"form": form, "flow": "register", "phone": flow["phone"]}
    if request.method == "POST" and form.is_valid():
        try:
            user = services.citizen_registration_finish(
                challenge_id=flow["challenge"], phone=flow["phone"], mpin=form.cleaned_data["mpin"], language=_language()
            )
        except otp.OtpExpired:
            return _restart(request, "accounts:register")
        except (InvalidInput, Conflict) as exc:
            return _page(request, "mpin_set.html", context, error=exc)
        messages.success(request, _("Welcome! Your account is ready."))
        return _sign_in(request, user, device_token=_remember_device(request, user))
    return _page(request, "mpin_set.html", context)


# --- Login -----------------------------------------------------------------------------------


@sensitive_post_parameters(*SECRETS)
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and not request.user.is_officer:
        return redirect("accounts:dashboard")
    form = LoginForm(request.POST or None)
    context = {"form": form, "next": _next_url(request)}
    if request.method != "POST" or not form.is_valid():
        return _page(request, "login.html", context)
    phone = form.cleaned_data["mobile"]
    try:
        step = services.citizen_login_check(
            phone=phone, mpin=form.cleaned_data["mpin"], device_token=request.COOKIES.get(services.DEVICE_COOKIE)
        )
    except services.LoginRefused as exc:
        return _page(request, "login.html", context, error=exc)
    if step.otp_purpose is None:
        return _sign_in(request, step.user, next_url=context["next"])
    try:
        challenge = services.citizen_login_send_otp(
            user=step.user, purpose=step.otp_purpose, ip=_ip(request), language=_language()
        )
    except RateLimited as exc:
        return _page(request, "login.html", context, error=exc)
    _set_flow(
        request,
        kind="login",
        phone=phone,
        purpose=step.otp_purpose,
        challenge=str(challenge.pk),
        next=context["next"],
    )
    return redirect("accounts:login_verify")


@sensitive_post_parameters(*SECRETS)
@never_cache
@require_http_methods(["GET", "POST"])
def login_verify(request: HttpRequest) -> HttpResponse:
    flow = _flow(request, "login")
    if flow is None:
        return redirect("accounts:login")
    form = OtpForm(request.POST or None) if "resend" not in request.POST else OtpForm()
    context = {"form": form, "flow": "login", "phone": flow["phone"], "purpose": flow["purpose"]}
    if request.method != "POST":
        return _page(request, "verify.html", context)
    if "resend" in request.POST:
        user = User.objects.filter(username=flow["phone"], kind="citizen").first()
        if user is None:
            return _restart(request, "accounts:login")
        try:
            challenge = services.citizen_login_send_otp(
                user=user, purpose=flow["purpose"], ip=_ip(request), language=_language(), resend=True
            )
        except RateLimited as exc:
            return _page(request, "verify.html", context, error=exc)
        _set_flow(request, **{**flow, "challenge": str(challenge.pk)})
        messages.success(request, _("We have sent a new code."))
        return redirect("accounts:login_verify")
    if not form.is_valid():
        return _page(request, "verify.html", context)
    try:
        user = services.citizen_login_finish(
            challenge_id=flow["challenge"], phone=flow["phone"], purpose=flow["purpose"], code=form.cleaned_data["code"]
        )
    except services.LoginRefused as exc:
        request.session.pop(FLOW_KEY, None)
        return _page(request, "login.html", {"form": LoginForm(), "next": flow.get("next")}, error=exc)
    except InvalidInput as exc:
        return _page(request, "verify.html", context, error=exc)
    return _sign_in(request, user, next_url=flow.get("next"), device_token=_remember_device(request, user))


@never_cache
@require_http_methods(["GET", "POST"])
def logout(request: HttpRequest) -> HttpResponse:
    """GET asks; POST ends the server session (a link or prefetch never logs anyone out)."""
    if request.method == "GET":
        return render(request, T + "logout.html")
    idle = request.POST.get("reason") == "idle"
    officer = request.user.is_authenticated and request.user.is_officer
    session_ended(request)
    auth_logout(request)  # flushes the server session and gives a new, empty one
    if idle:
        messages.info(request, _("You were logged out because you were inactive for a while."))
        # after the idle countdown, land where one logs in again (the session work's contract)
        return redirect("officer:login" if officer else "accounts:login")
    else:
        messages.success(request, _("You have logged out."))
    return redirect("core:home")


# --- Forgotten MPIN --------------------------------------------------------------------------


@sensitive_post_parameters(*SECRETS)
@never_cache
@require_http_methods(["GET", "POST"])
def mpin_forgot(request: HttpRequest) -> HttpResponse:
    form = MobileForm(request.POST or None)
    context = {"form": form, "flow": "reset"}
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["mobile"]
        try:
            challenge = services.mpin_reset_start(phone=phone, ip=_ip(request), language=_language())
        except RateLimited as exc:
            return _page(request, "mobile.html", context, error=exc)
        _set_flow(request, kind="reset", phone=phone, challenge=str(challenge.pk))
        return redirect("accounts:mpin_forgot_verify")
    return _page(request, "mobile.html", context)


@sensitive_post_parameters(*SECRETS)
@never_cache
@require_http_methods(["GET", "POST"])
def mpin_forgot_verify(request: HttpRequest) -> HttpResponse:
    flow = _flow(request, "reset")
    if flow is None:
        return redirect("accounts:mpin_forgot")
    form = OtpForm(request.POST or None) if "resend" not in request.POST else OtpForm()
    context = {"form": form, "flow": "reset", "phone": flow["phone"]}
    if request.method != "POST":
        return _page(request, "verify.html", context)
    if "resend" in request.POST:
        try:
            challenge = services.mpin_reset_start(phone=flow["phone"], ip=_ip(request), language=_language(), resend=True)
        except RateLimited as exc:
            return _page(request, "verify.html", context, error=exc)
        _set_flow(request, **{**flow, "challenge": str(challenge.pk)})
        messages.success(request, _("We have sent a new code."))
        return redirect("accounts:mpin_forgot_verify")
    if not form.is_valid():
        return _page(request, "verify.html", context)
    try:
        _verify_code(flow=flow, purpose=OtpPurpose.RESET_MPIN, code=form.cleaned_data["code"])
    except InvalidInput as exc:
        return _page(request, "verify.html", context, error=exc)
    return redirect("accounts:mpin_forgot_identity")


@sensitive_post_parameters(*SECRETS)
@never_cache
@require_http_methods(["GET", "POST"])
def mpin_forgot_identity(request: HttpRequest) -> HttpResponse:
    """After the code: the NID/birth registration number and date of birth, checked against the
    profile and the national identity register (issue 6)."""
    flow = _flow(request, "reset")
    if flow is None:
        return redirect("accounts:mpin_forgot")
    ids = {"challenge_id": flow["challenge"], "phone": flow["phone"], "purpose": OtpPurpose.RESET_MPIN}
    if otp.otp_verified(**ids) is None:
        return _restart(request, "accounts:mpin_forgot")
    form = RecoveryIdentityForm(request.POST or None)
    context = {"form": form, "flow": "reset", "phone": flow["phone"]}
    if request.method != "POST" or not form.is_valid():
        return _page(request, "identity.html", context)
    from sheba.identity.register import RegisterUnavailable

    try:
        services.mpin_reset_identity(
            challenge_id=flow["challenge"], phone=flow["phone"], number=form.cleaned_data["number"],
            date_of_birth=form.cleaned_data["date_of_birth"],
        )
    except otp.OtpExpired:
        return _restart(request, "accounts:mpin_forgot")
    except RegisterUnavailable:
        return _page(request, "identity.html", context, status=503, error=DomainError(_(
            "The national identity register is not answering right now, so we cannot check your identity. "
            "Please try again in a little while."
        )))
    except DomainError as exc:
        return _page(request, "identity.html", context, error=exc)
    return redirect("accounts:mpin_forgot_new")


@sensitive_post_parameters(*SECRETS)
@never_cache
@require_http_methods(["GET", "POST"])
def mpin_forgot_new(request: HttpRequest) -> HttpResponse:
    flow = _flow(request, "reset")
    if flow is None:
        return redirect("accounts:mpin_forgot")
    ids = {"challenge_id": flow["challenge"], "phone": flow["phone"], "purpose": OtpPurpose.RESET_MPIN}
    verified = otp.otp_verified(**ids) or otp.otp_recently_consumed(**ids)
    if verified is None or verified.user_id is None:
        return _restart(request, "accounts:mpin_forgot")
    user = User.objects.select_related("profile").get(pk=verified.user_id)
    if services.identity_recheck_required(user, since=verified.used_at) and otp.otp_verified(**ids) is not None:
        return redirect("accounts:mpin_forgot_identity")  # the identity check comes first
    profile = getattr(user, "profile", None)
    form = MpinSetForm(
        request.POST or None, phone=flow["phone"], date_of_birth=profile.date_of_birth if profile else None
    )
    context = {"form": form, "flow": "reset", "phone": flow["phone"]}
    if request.method == "POST" and form.is_valid():
        try:
            user = services.mpin_reset_finish(
                challenge_id=flow["challenge"], phone=flow["phone"], mpin=form.cleaned_data["mpin"], language=_language()
            )
        except otp.OtpExpired:
            return _restart(request, "accounts:mpin_forgot")
        except InvalidInput as exc:
            return _page(request, "mpin_set.html", context, error=exc)
        # The code just proved this browser is in the citizen's hands: remember it.
        token = _remember_device(request, user)
        request.session.pop(FLOW_KEY, None)
        messages.success(request, _("Your new MPIN is set. Log in with it."))
        response = redirect("accounts:login")
        _set_device_cookie(response, token)
        return response
    return _page(request, "mpin_set.html", context)


# --- Change of mobile number -----------------------------------------------------------------


def _citizen(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_citizen:
        raise Http404()
    return user


@sensitive_post_parameters(*SECRETS)
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def change_mobile(request: HttpRequest) -> HttpResponse:
    user = _citizen(request)
    form = ChangeMobileForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        new_phone = form.cleaned_data["new_mobile"]
        try:
            change = services.mobile_change_start(
                actor=user, mpin=form.cleaned_data["mpin"], new_phone=new_phone, ip=_ip(request), language=_language()
            )
        except DomainError as exc:
            return _page(request, "change_mobile.html", context, error=exc)
        _set_flow(
            request,
            kind="change_mobile",
            phone=user.username,
            new_phone=new_phone,
            old_challenge=str(change.old_challenge.pk),
            new_challenge=str(change.new_challenge.pk),
        )
        return redirect("accounts:change_mobile_verify")
    return _page(request, "change_mobile.html", context)


@sensitive_post_parameters(*SECRETS)
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def change_mobile_verify(request: HttpRequest) -> HttpResponse:
    user = _citizen(request)
    flow = _flow(request, "change_mobile")
    if flow is None:
        return redirect("accounts:change_mobile")
    if flow["phone"] != user.username and flow["new_phone"] != user.username:
        return _restart(request, "accounts:change_mobile")
    old_ids = {"challenge_id": flow["old_challenge"], "phone": flow["phone"], "purpose": OtpPurpose.CHANGE_MOBILE_OLD}
    new_ids = {"challenge_id": flow["new_challenge"], "phone": flow["new_phone"], "purpose": OtpPurpose.CHANGE_MOBILE_NEW}
    old_verified, new_verified = otp.otp_verified(**old_ids), otp.otp_verified(**new_ids)
    old_done, new_done = old_verified is not None, new_verified is not None
    resend = "resend" in request.POST
    data = request.POST if request.method == "POST" and not resend else None
    form = ChangeMobileVerifyForm(data, need_old=not old_done, need_new=not new_done)
    context = {"form": form, "phone": flow["phone"], "new_phone": flow["new_phone"], "old_done": old_done, "new_done": new_done}
    if request.method != "POST":
        return _page(request, "change_mobile_verify.html", context)
    if resend:
        try:
            change = services.mobile_change_send(
                actor=user,
                new_phone=flow["new_phone"],
                ip=_ip(request),
                language=_language(),
                resend=True,
                old_challenge=old_verified,
                new_challenge=new_verified,
            )
        except DomainError as exc:
            return _page(request, "change_mobile_verify.html", context, error=exc)
        _set_flow(
            request, **{**flow, "old_challenge": str(change.old_challenge.pk), "new_challenge": str(change.new_challenge.pk)}
        )
        messages.success(request, _("We have sent new codes."))
        return redirect("accounts:change_mobile_verify")
    if not form.is_valid():
        return _page(request, "change_mobile_verify.html", context)
    errors: list[str] = []
    for name, ids, key in (("code_old", old_ids, "old"), ("code_new", new_ids, "new")):
        if name not in form.cleaned_data:
            continue
        try:
            _verify_code(
                flow=flow,
                purpose=ids["purpose"],
                code=form.cleaned_data[name],
                challenge_key=f"{key}_challenge",
                phone_key="phone" if key == "old" else "new_phone",
            )
        except InvalidInput as exc:
            form.add_error(name, str(exc.message))
            errors.append(name)
    if errors:
        context["old_done"] = otp.otp_verified(**old_ids) is not None
        context["new_done"] = otp.otp_verified(**new_ids) is not None
        return _page(request, "change_mobile_verify.html", context)
    try:
        services.mobile_change_finish(
            actor=user,
            old_challenge_id=flow["old_challenge"],
            new_challenge_id=flow["new_challenge"],
            new_phone=flow["new_phone"],
            keep_session_key=request.session.session_key,
            keep_device_token=request.COOKIES.get(services.DEVICE_COOKIE),
            language=_language(),
        )
    except otp.OtpExpired:
        return _restart(request, "accounts:change_mobile")
    except Conflict as exc:
        request.session.pop(FLOW_KEY, None)
        return _page(request, "change_mobile.html", {"form": ChangeMobileForm()}, error=exc)
    request.session.pop(FLOW_KEY, None)
    messages.success(request, _("Your mobile number has been changed. Other devices have been logged out."))
    return redirect("accounts:profile")
