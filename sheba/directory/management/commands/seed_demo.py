"""manage.py seed_demo: geography, offices and one demo person per role; prints their logins."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.urls import NoReverseMatch, reverse

from sheba.directory.demo import GOPALGANJ_DISTRICT_ID, PASSWORD_ENV, demo_people_seed, officer_password
from sheba.directory.seeding import offices_seed


def _path(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


class Command(BaseCommand):
    help = "Seed the demo (geography, offices, demo people) and print the demo logins. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="allow with SHEBA_ENV=prod")
        parser.add_argument(
            "--district",
            type=int,
            action="append",
            dest="districts",
            help="seed offices only here (tests; repeatable)",
        )

    def handle(self, *args, force: bool, districts: list[int] | None, **options):
        if settings.SHEBA_ENV == "prod" and not force:
            raise CommandError("seed_demo creates people with known logins; it refuses to run in production.")
        call_command("import_geo", verbosity=0, stdout=self.stdout)
        # The demo people work in Gopalganj, so its offices are always seeded.
        result = offices_seed(district_ids=None if districts is None else [*districts, GOPALGANJ_DISTRICT_ID])
        if result.changed:
            self.stdout.write(f"Offices seeded — {result.summary()}.")
        # The service catalogue (63 services, per-union fees) and a demo NID copy in the citizen's
        # locker, so a visitor can apply at once.
        call_command("seed_catalog", verbosity=0, stdout=self.stdout)
        call_command("seed_workflows", verbosity=0, stdout=self.stdout)
        password, source = officer_password()
        # A password chosen in the environment may change between runs; a stored one cannot.
        logins = demo_people_seed(password=password, check_password=source == PASSWORD_ENV)

        from sheba.accounts.models import User
        from sheba.locker.demo import demo_nid_copy

        for citizen in User.objects.filter(username__in=[lg.username for lg in logins], kind="citizen"):
            demo_nid_copy(citizen)

        citizen_login = _path("accounts:login", "/accounts/login/")
        officer_login = _path("officer:login", "/officer/login/")
        width = max(len(login.username) for login in logins)
        self.stdout.write("")
        self.stdout.write("Demo logins")
        self.stdout.write("-----------")
        for login in logins:
            where = {"/accounts/login/": citizen_login, "/officer/login/": officer_login}.get(
                login.where, login.where
            )
            self.stdout.write(f"  {login.role:<13} {login.username:<{width}}  {login.secret:<20}  {where}")
        self.stdout.write("")
        self.stdout.write(f"Officer password: from {source} (set {PASSWORD_ENV} to choose your own).")
        self.stdout.write(
            "Officers also need a TOTP code: run  .venv/bin/python manage.py demo_totp <login>  "
            "(e.g. demo_totp dc) for the current 6-digit code."
        )
        self.stdout.write(
            "The UNO (uno) is also acting-in-charge (ভারপ্রাপ্ত) ADC (General) at the Gopalganj DC office."
        )
        base = getattr(settings, "SHEBA_BASE_DOMAIN", "") or "localhost"
        self.stdout.write("")
        self.stdout.write("Union portal (Paikkandi, Gopalganj Sadar): /up/paikkandiup/  or  http://paikkandiup."
                          f"{base}:<port>/  (all unions: /up/)")
        self.stdout.write(
            "NID check (register simulator on :8090): the demo citizen's profile is the simulator's person "
            "NID 1990561234567, রহিমা খাতুন / Rahima Khatun, born 1990-03-15, father আবুল হোসেন, "
            "mother সালেহা বেগম. Apply for নাগরিকত্ব সনদ from the portal with these (pre-filled) and the check "
            "passes; change the father's name to see a mismatch. More people: data/identity/synthetic_people.json."
        )
