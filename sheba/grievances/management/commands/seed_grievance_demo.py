"""manage.py seed_grievance_demo: the demo citizen's overdue file, for the complaint path (run
after seed_demo; make demo does). Safe to run again."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Give the demo citizen one application whose charter deadline has passed. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="allow with SHEBA_ENV=prod")

    def handle(self, *args, force: bool, **options):
        if settings.SHEBA_ENV == "prod" and not force:
            raise CommandError("seed_grievance_demo makes demo data; it refuses to run in production.")
        from sheba.grievances.demo import overdue_file_seed

        try:
            application = overdue_file_seed()
        except (LookupError, ObjectDoesNotExist) as missing:
            raise CommandError(f"{missing} (run manage.py seed_demo first)") from None
        if application is not None:
            self.stdout.write(
                f"Overdue demo file {application.tracking_display} ({application.service.name_en}) for the demo "
                f"citizen: its charter deadline was {application.due_on:%Y-%m-%d}."
            )
        self.stdout.write(
            "Complaints: the citizen opens the overdue file and presses «অভিযোগ দাখিল করুন»; the grievance "
            "officer of the upazila office (login: uno) answers at /grievances/desk/."
        )
