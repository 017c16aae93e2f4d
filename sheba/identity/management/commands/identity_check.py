"""Ask the configured identity register about one person: for operators checking the connection.

    manage.py identity_check --kind nid --number 1990561234567 --dob 1990-03-15 --name-bn "রহিমা খাতুন"

Prints the status and the differing fields (never the register's data); exit code 0 on an answer,
1 when the register is unavailable or refused us, 2 for input the client refuses.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sheba.core.errors import InvalidInput
from sheba.identity.register import IdentityQuery, RegisterUnavailable, get_register


class Command(BaseCommand):
    help = "Check one person against the national identity register (connection test)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--kind", choices=["nid", "brn"], default="nid")
        parser.add_argument("--number", required=True)
        parser.add_argument("--dob", required=True, help="YYYY-MM-DD")
        parser.add_argument("--name-bn", default="")
        parser.add_argument("--name-en", default="")
        parser.add_argument("--father", default="")
        parser.add_argument("--mother", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            query = IdentityQuery(
                kind=options["kind"], number=options["number"], date_of_birth=date.fromisoformat(options["dob"]),
                name_bn=options["name_bn"], name_en=options["name_en"], father_name=options["father"],
                mother_name=options["mother"],
            )
        except (InvalidInput, ValueError) as exc:
            raise CommandError(f"invalid input: {exc}", returncode=2) from exc
        register = get_register()
        try:
            result = register.verify(query)
        except RegisterUnavailable as exc:
            raise CommandError(f"register unavailable ({exc.code}) at {getattr(register, 'url', '?')}") from exc
        line: str = result.status
        if result.mismatched:
            line += " (differs: " + ", ".join(result.mismatched) + ")"
        self.stdout.write(f"{line} reference={result.reference}")
