from django.core.management.base import BaseCommand

from sheba.workflow.seeding import workflows_seed
from sheba.workflow.services import workflow_validate


class Command(BaseCommand):
    help = "Create the shipped file workflows (UP certificate, DC office, single desk) that do not exist yet."

    def handle(self, *args, **options):
        created = workflows_seed()
        for workflow in created:
            problems = workflow_validate(workflow)
            status = "ok" if not problems else "warning: " + "; ".join(problems)
            self.stdout.write(f"{workflow.code} ({workflow.office_type.code}) v{workflow.version}: {status}")
        self.stdout.write(f"{len(created)} workflow(s) created.")
