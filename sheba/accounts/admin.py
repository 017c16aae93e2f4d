"""Admin for accounts. Secrets never show: no password, OTP, token or session hashes, NIDs masked.

The whole admin site requires a session verified with TOTP (django-otp's OTPAdminSite); staff
sign in through the officers' login, which counts failures and locks like every other login.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.password_validation import validate_password
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from sheba.accounts.models import (
    Device,
    EmailVerification,
    OtpChallenge,
    Profile,
    SessionRecord,
    User,
    UserKind,
)
from sheba.accounts.selectors import mask_identity
from sheba.audit.services import audit_record
from sheba.core.bengali import to_ascii_digits


class ShebaAdminSite(OTPAdminSite):
    """Only staff whose session passed the TOTP step get in; sign-in is the officers' login page."""

    site_header = _("Sheba administration")
    site_title = _("Sheba administration")
    index_title = _("Administration")

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_verified():  # type: ignore[union-attr]
            if self.has_permission(request):
                return redirect(reverse("admin:index", current_app=self.name))
            # Signed in properly but not staff: sending them to sign in again would loop.
            return render(request, "accounts/officer/admin_denied.html", status=403)
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        return redirect(f"{reverse('officer:login')}?{urlencode({'next': next_url})}")


# The default site object, with OTP required: django-otp's documented way to protect admin.site
# without touching the URL configuration.
admin.site.__class__ = ShebaAdminSite


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LockedFilter(admin.SimpleListFilter):
    title = _("locked")
    parameter_name = "locked"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Locked")), ("no", _("Not locked"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(locked_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(locked_at__isnull=True)
        return queryset


class UserAdminForm(forms.ModelForm):
    new_password = forms.CharField(
        label=_("New password"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Officers only; leave empty to keep the current one. Citizens use their MPIN."),
    )

    class Meta:
        model = User
        fields = ["username", "kind", "mobile", "email", "preferred_language", "is_active", "is_staff",
                  "is_superuser", "groups", "user_permissions"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password = data.get("new_password")
        if password:
            if data.get("kind") != UserKind.OFFICER:
                self.add_error("new_password", _("Only officers have passwords; citizens sign in with their MPIN."))
            else:
                try:
                    validate_password(password, user=self.instance)
                except forms.ValidationError as error:
                    self.add_error("new_password", error)
        if data.get("kind") == UserKind.CITIZEN and (data.get("is_staff") or data.get("is_superuser")):
            self.add_error("is_staff", _("A citizen account cannot be staff."))
        return data


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserAdminForm
    list_display = ["username", "kind", "mobile", "is_active", "is_staff", "locked_at", "date_joined"]
    list_filter = ["kind", "is_active", "is_staff", LockedFilter]
    search_fields = ["mobile", "username", "profile__name_bn", "profile__name_en"]
    search_help_text = _("Search by mobile number (Bengali digits are fine), login name or name.")
    readonly_fields = ["public_id", "date_joined", "last_login", "email_verified_at", "consecutive_failures",
                       "mpin_failures", "mpin_disabled_at", "locked_at"]
    fieldsets = [
        (None, {"fields": ["username", "kind", "mobile", "email", "email_verified_at", "preferred_language",
                           "new_password"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Sign-in safety"), {"fields": ["consecutive_failures", "mpin_failures", "mpin_disabled_at",
                                          "locked_at", "last_login"]}),
        (_("Record"), {"fields": ["public_id", "date_joined"]}),
    ]
    filter_horizontal = ["groups", "user_permissions"]
    actions = ["unlock"]
    ordering = ["-date_joined"]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        return super().get_search_results(request, queryset, to_ascii_digits(search_term or ""))

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool) -> None:
        password = form.cleaned_data.get("new_password")
        if password:
            obj.set_password(password)
        elif not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        changed = [name for name in form.changed_data if name != "new_password"]
        audit_record(
            actor=request.user, action="user.admin_change" if change else "user.admin_add",
            object_type="accounts.user", object_id=str(obj.public_id),
            data={"fields": changed, "password_set": bool(password)},
        )

    @admin.action(description=_("Unlock the selected accounts"))
    def unlock(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for user in queryset.filter(locked_at__isnull=False):
            User.objects.filter(pk=user.pk).update(locked_at=None, consecutive_failures=0)
            audit_record(actor=request.user, action="user.unlock", object_type="accounts.user",
                         object_id=str(user.public_id))
            count += 1
        self.message_user(request, _("Accounts unlocked: %(count)s") % {"count": count}, messages.SUCCESS)


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    """Citizens edit their own profile (every change audited); staff can look, not change."""

    list_display = ["user", "name_bn", "name_en", "identity", "updated_at"]
    search_fields = ["user__mobile", "name_bn", "name_en"]
    fields = ["user", "name_bn", "name_en", "father_name", "mother_name", "date_of_birth", "identity_kind",
              "identity", "present_division", "present_district", "present_upazila", "present_union",
              "present_line", "permanent_division", "permanent_district", "permanent_upazila",
              "permanent_union", "permanent_line", "updated_at"]
    readonly_fields = fields
    list_select_related = ["user"]

    @admin.display(description=_("NID or birth registration number"))
    def identity(self, obj: Profile) -> str:
        return mask_identity(obj.identity_number)


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ["user", "label", "created_at", "last_seen_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__mobile"]
    fields = ["user", "label", "created_at", "last_seen_at", "revoked_at"]
    readonly_fields = fields


@admin.register(OtpChallenge)
class OtpChallengeAdmin(ReadOnlyAdmin):
    list_display = ["phone", "purpose", "created_at", "expires_at", "wrong_guesses", "used_at", "voided_at"]
    list_filter = ["purpose"]
    search_fields = ["phone"]
    fields = ["id", "phone", "purpose", "user", "created_at", "expires_at", "wrong_guesses", "used_at",
              "voided_at", "ip_address"]
    readonly_fields = fields

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        return super().get_search_results(request, queryset, to_ascii_digits(search_term or ""))


@admin.register(EmailVerification)
class EmailVerificationAdmin(ReadOnlyAdmin):
    list_display = ["email", "user", "created_at", "expires_at", "confirmed_at"]
    search_fields = ["email", "user__mobile"]
    fields = ["id", "user", "email", "created_at", "expires_at", "confirmed_at"]
    readonly_fields = fields


@admin.register(SessionRecord)
class SessionRecordAdmin(ReadOnlyAdmin):
    """Who has a session since when; the session key itself is a secret and is not shown."""

    list_display = ["user", "created_at"]
    search_fields = ["user__mobile", "user__username"]
    fields = ["user", "created_at"]
    readonly_fields = fields
