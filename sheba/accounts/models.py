"""People who sign in: citizens (mobile + OTP + MPIN) and officers (password + TOTP).

For a citizen the Django ``password`` field holds the Argon2 hash of the 6-digit MPIN.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sheba.directory.models import District, Division, Union, Upazila


class UserKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    OFFICER = "officer", _("Officer")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: object) -> User:
        user = self.model(username=username, **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("kind", UserKind.OFFICER)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. ``username`` is the E.164 mobile for citizens, a login name for officers."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    username = models.CharField(_("login"), max_length=64, unique=True)
    kind = models.CharField(max_length=10, choices=UserKind.choices, default=UserKind.CITIZEN)
    mobile = models.CharField(_("mobile number"), max_length=16, unique=True, null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    preferred_language = models.CharField(max_length=5, default="bn")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    # Failure counters (SECURITY.md): MPIN failures since the last success; every failed
    # login step (OTP or MPIN) in a row, which locks the account at 100.
    mpin_failures = models.PositiveIntegerField(default=0)
    consecutive_failures = models.PositiveIntegerField(default=0)
    mpin_disabled_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        profile = getattr(self, "profile", None)
        if profile is not None and profile.name_bn:
            return profile.name_bn
        return self.username

    @property
    def is_citizen(self) -> bool:
        return self.kind == UserKind.CITIZEN

    @property
    def is_officer(self) -> bool:
        return self.kind == UserKind.OFFICER


class IdentityKind(models.TextChoices):
    NID = "nid", _("National ID (NID)")
    BRN = "brn", _("Birth registration number")


class Profile(models.Model):
    """What a citizen tells us once and reuses in every application. Changes are audited."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    name_bn = models.CharField(_("name in Bengali"), max_length=100, blank=True)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    father_name = models.CharField(_("father's name"), max_length=100, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    identity_kind = models.CharField(max_length=3, choices=IdentityKind.choices, blank=True)
    identity_number = models.CharField(_("NID or birth registration number"), max_length=17, blank=True)

    present_division = models.ForeignKey(Division, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    present_district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    present_upazila = models.ForeignKey(Upazila, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    present_union = models.ForeignKey(Union, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    present_line = models.CharField(_("village, road, house"), max_length=200, blank=True)
    permanent_division = models.ForeignKey(Division, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    permanent_district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    permanent_upazila = models.ForeignKey(Upazila, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    permanent_union = models.ForeignKey(Union, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    permanent_line = models.CharField(_("village, road, house"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return self.name_bn or self.name_en or str(self.user_id)


class OtpPurpose(models.TextChoices):
    REGISTER = "register", _("registration")
    LOGIN = "login", _("sign-in from a new device")
    UNLOCK = "unlock", _("sign-in after wrong MPINs")
    RESET_MPIN = "reset_mpin", _("new MPIN")
    CHANGE_MOBILE_OLD = "change_mobile_old", _("change of mobile number (old number)")
    CHANGE_MOBILE_NEW = "change_mobile_new", _("change of mobile number (new number)")


class OtpChallenge(models.Model):
    """One OTP sent to one phone for one purpose. The code is kept only as a keyed hash.

    It is good for 5 minutes, for one use, and is voided after 5 wrong guesses.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    phone = models.CharField(max_length=16, db_index=True)
    purpose = models.CharField(max_length=20, choices=OtpPurpose.choices)
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="otp_challenges")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    wrong_guesses = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone", "created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} {self.id}"


class Device(models.Model):
    """A browser the citizen has proved with an OTP. The cookie holds a random token; we keep its hash."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="devices")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "token_hash"], name="device_token_per_user")]

    def __str__(self) -> str:
        return self.label or str(self.pk)


class SessionRecord(models.Model):
    """Which server sessions belong to whom, so a change of mobile number can end the others."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="session_records")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id}"


class EmailVerification(models.Model):
    """An e-mail address waiting for its owner to click the link we sent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_verifications")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="verification_expires_later")
        ]

    def __str__(self) -> str:
        return self.email
