"""Demo data for the grievance path of issue 4's "Done when": one application file of the demo
citizen whose charter deadline has passed, so a visitor can file a complaint about it at once and
the grievance officer (the demo UNO, head of the upazila office above the Union Parishad) can
resolve it.

The file is made through the real services (start, draft, submit: tracking number, workflow task,
audit, SMS). Only its dates are then moved back — the submission and both deadlines — since a
demo cannot wait for a deadline to pass. Nothing in the audit log is touched.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from sheba.applications.models import Application
from sheba.catalog.forms_engine import prefill, validate_data
from sheba.catalog.models import Service
from sheba.core import clock
from sheba.core.workdays import is_working_day

DEMO_TOKEN = "demo-grievance-overdue-file-0001"
SERVICE_SLUGS = ("up-character", "up-citizenship")
DAYS_LATE = 5


def _last_working_day_before(day, n: int):
    """The ``n``-th working day before ``day``."""
    found = 0
    while found < n:
        day -= timedelta(days=1)
        if is_working_day(day):
            found += 1
    return day


def _answers(service: Service, citizen) -> dict:
    from sheba.applications.views import _profile_values  # the apply page's own prefill

    schema = service.form_schema or {}
    data = prefill(schema, _profile_values(citizen))
    properties = schema.get("properties", {})
    for name in schema.get("required", []):
        if name in data:
            continue
        spec = properties.get(name, {})
        if spec.get("type") == "boolean":
            data[name] = True
        elif spec.get("type") == "integer":
            data[name] = max(1, int(spec.get("minimum", 1)))
        elif "enum" in spec:
            data[name] = spec["enum"][0]
        elif spec.get("type") == "string":
            data[name] = "চাকরির আবেদনের জন্য"
    return data


def overdue_file_seed() -> Application | None:
    """Create (once) the demo citizen's overdue file at the demo Union Parishad. None when it exists."""
    from sheba.applications.services import application_start, application_submit, application_update_draft
    from sheba.directory.demo import CITIZEN_MOBILE, PAIKKANDI_UNION_ID
    from sheba.directory.models import Office
    from sheba.locker.demo import demo_nid_copy
    from sheba.workflow.models import Task

    if Application.objects.filter(submission_token=DEMO_TOKEN).exists():
        return None
    citizen = get_user_model().objects.get(username=CITIZEN_MOBILE)
    found = {s.slug: s for s in Service.objects.filter(slug__in=SERVICE_SLUGS, is_published=True)}
    service = next((found[slug] for slug in SERVICE_SLUGS if slug in found), None)
    if service is None:
        raise LookupError("no Union Parishad certificate service in the catalogue: run seed_catalog first")
    office = Office.objects.get(union_id=PAIKKANDI_UNION_ID, office_type=service.office_type)
    draft = application_start(actor=citizen, service=service, office=office, submission_token=DEMO_TOKEN)
    data = _answers(service, citizen)
    problems = validate_data(service.form_schema or {}, data)
    if problems:
        raise ValueError(f"the demo answers do not fit the form: {problems}")
    from sheba.applications.selectors import uploadable_documents

    nid = demo_nid_copy(citizen)
    attachments = [(nid, doc.code) for doc in uploadable_documents(service) if not doc.is_optional][:1]
    application_update_draft(actor=citizen, application=draft, for_self=True, other_name="", other_mobile="",
                             form_data=data, attachments=attachments)
    submitted = application_submit(actor=citizen, application=draft, submission_token=DEMO_TOKEN)
    today = clock.today()
    late = _last_working_day_before(today, DAYS_LATE)
    with transaction.atomic():
        Application.objects.filter(pk=submitted.pk).update(
            due_on=late, submitted_at=clock.now() - timedelta(days=(today - late).days + 10),
        )
        Task.objects.filter(application=submitted, completed_at__isnull=True).update(due_on=late)
    submitted.refresh_from_db()
    return submitted
