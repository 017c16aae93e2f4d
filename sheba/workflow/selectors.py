"""Reads for the file workflow: which workflow a file follows, the officer's inbox, the file page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from sheba.applications.models import Application
from sheba.applications.selectors import applications_visible_to
from sheba.core import clock
from sheba.core.errors import NotFound
from sheba.directory.models import Post
from sheba.directory.selectors import posts_held_by, terms_held_by
from sheba.workflow.models import FileMessage, FileNote, Route, Task, Workflow, WorkflowAction

# The catalogue's ``Service.workflow_code`` -> the workflow code to use, per office type code
# ("*": any office type). A workflow whose code equals the service's own code wins over this map.
SERVICE_WORKFLOWS: dict[str, dict[str, str]] = {
    "up_certificate": {"*": "up_certificate"},
    "up_licence": {"*": "up_certificate"},
    "civil_registration": {"*": "single_desk"},
    "office_review": {"dc_office": "dc_office", "*": "single_desk"},
}


def workflow_for(application: Application) -> Workflow | None:
    """The active workflow a newly submitted ``application`` starts on, or None."""
    office_type = application.office.office_type
    service_code = application.service.workflow_code or "office_review"
    mapping = SERVICE_WORKFLOWS.get(service_code, {})
    candidates = [service_code, mapping.get(office_type.code), mapping.get("*"), "single_desk"]
    for code in candidates:
        if not code:
            continue
        found = Workflow.objects.filter(code=code, office_type=office_type, is_active=True).first()
        if found is not None:
            return found
    return None


def workflow_in_use(workflow: Workflow) -> bool:
    """Do any files follow this version (open or finished)?"""
    return Task.objects.filter(workflow=workflow).exists()


def open_task(application: Application) -> Task | None:
    return (
        Task.objects.filter(application=application, completed_at__isnull=True)
        .select_related("step", "post", "assigned_to", "office")
        .first()
    )


def last_send_back(application: Application) -> Task | None:
    """The latest task that sent the file back to the applicant (its step resumes on resubmission)."""
    return (
        Task.objects.filter(application=application, completed_at__isnull=False, action__route=Route.APPLICANT)
        .select_related("step", "action")
        .order_by("-completed_at", "-pk")
        .first()
    )


def held_post_ids(user: Any, *, on: date | None = None) -> set[int]:
    return set(posts_held_by(user, on=on).values_list("pk", flat=True))


def acting_post_ids(user: Any) -> set[int]:
    return {term.post_id for term in terms_held_by(user) if term.is_acting}


def inbox_tasks(
    user: Any, *, text: str = "", service_id: int | None = None, status: str = "", overdue: bool = False
) -> QuerySet[Task]:
    """Open tasks at the posts ``user`` holds today (acting-in-charge included), claimed by them
    or still in the shared pool. Overdue first, then by due date."""
    today = clock.today()
    post_ids = posts_held_by(user).values("pk")
    queryset = Task.objects.filter(completed_at__isnull=True, post__in=post_ids).filter(
        Q(assigned_to__isnull=True) | Q(assigned_to=user)
    )
    if text:
        from sheba.core import tracking

        try:
            canonical = tracking.normalise(text)
        except Exception:  # noqa: BLE001 (not a tracking number: search by name only)
            canonical = None
        name_q = (
            Q(application__form_data__applicant_name__icontains=text)
            | Q(application__applicant__profile__name_bn__icontains=text)
            | Q(application__applicant__profile__name_en__icontains=text)
        )
        queryset = queryset.filter((Q(application__tracking_number=canonical) | name_q) if canonical else name_q)
    if service_id:
        queryset = queryset.filter(application__service_id=service_id)
    if status:
        queryset = queryset.filter(application__status=status)
    if overdue:
        queryset = queryset.filter(due_on__lt=today)
    return (
        queryset.annotate(
            overdue_rank=Case(When(due_on__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .select_related("application", "application__service", "step", "post", "assigned_to")
        .order_by("overdue_rank", "due_on", "pk")
    )


def file_for_officer(user: Any, public_id: Any) -> Application:
    """An application at one of the officer's offices, or NotFound (anywhere else answers 404)."""
    from sheba.applications.selectors import _as_uuid

    found = (
        applications_visible_to(user)
        .select_related("service", "office", "holder_office", "applicant")
        .filter(public_id=_as_uuid(public_id))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def actions_for(user: Any, task: Task | None) -> list[WorkflowAction]:
    """The actions ``user`` may take on ``task`` today: they hold its post, the action's post code
    is one of the posts they hold at the task's office, and the task is theirs or in the pool."""
    if task is None or task.completed_at is not None or task.post_id is None:
        return []
    if task.assigned_to_id not in (None, getattr(user, "pk", None)):
        return []
    held = posts_held_by(user)
    if not held.filter(pk=task.post_id).exists():
        return []
    codes = set(Post.objects.filter(pk__in=held.values("pk"), office_id=task.office_id).values_list("code", flat=True))
    return [a for a in task.step.actions.select_related("to_step").all() if a.post_code in codes]


def file_notes(application: Application) -> QuerySet[FileNote]:
    return application.notes.select_related("author").order_by("at", "pk")


def file_messages(application: Application) -> QuerySet[FileMessage]:
    return application.messages.select_related("author").order_by("at", "pk")
