from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from sheba.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the audit hash chain from the first row, check every signed checkpoint and name the "
        "first tampered row. Exit status 1 on tampering. --generate N first appends N synthetic rows (benchmarks)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--generate", type=int, default=0, metavar="N", help="append N synthetic rows first")

    def handle(self, *args, batch_size: int = 5000, generate: int = 0, **options):
        if generate:
            from sheba.audit.bench import generate_rows

            started = time.monotonic()
            generate_rows(generate)
            self.stdout.write(f"generated {generate} rows in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        report = verify_chain(batch_size=batch_size)
        took = time.monotonic() - started
        self.stdout.write(
            f"checked {report.rows} rows and {report.checkpoints} checkpoints in {took:.1f} s"
            f" (head seq {report.last_seq}, hash {report.last_hash[:16]}…)"
        )
        for line in report.bad_signatures:
            self.stderr.write(f"TAMPERED: {line}")
        if report.first_problem is not None:
            self.stderr.write(f"TAMPERED: first bad row is {report.first_problem}")
        if not report.ok:
            raise CommandError("the audit log fails verification", returncode=1)
        self.stdout.write("audit chain OK")
