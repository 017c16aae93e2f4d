from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from sheba.audit.services import audit_checkpoint_create


class Command(BaseCommand):
    help = "Sign (seq, hash, time) of the audit chain's head with the audit key."

    def handle(self, *args, **options):
        try:
            checkpoint = audit_checkpoint_create()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if checkpoint is None:
            self.stdout.write("the audit chain is empty; nothing to sign")
        else:
            self.stdout.write(f"checkpoint at seq {checkpoint.seq} signed with key {checkpoint.key.key_id}")
