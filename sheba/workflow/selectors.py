"""Reads for the file workflow: which workflow a file follows, the officer's inbox, the file page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Aggregate,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from sheba.applications.models import Application
from sheba.applications.selectors import applications_visible_to
from sheba.catalog.models import Service
from sheba.core import clock
from sheba.core.errors import NotFound
from sheba.directory.models import Office, Post, PostTerm
from sheba.directory.selectors import posts_held_by, terms_held_by
from sheba.workflow.models import (
    ActionKind,
    Escalation,
    FileMessage,
    FileNote,
    Route,
    Task,
    Workflow,
    WorkflowAction,
)

# The catalogue's ``Service.workflow_code`` -> the workflow code to use, per office type code
# ("*": any office type). A workflow whose code equals the service's own code wins over this map.
SERVICE_WORKFLOWS: dict[str, dict[str, str]] = {
    "up_certificate": {"*": "up_certificate"},
    "up_licence": {"*": "up_certificate"},
    "civil_registration": {"*": "single_desk"},
    "office_review": {"dc_office": "dc_office", "*": "single_desk"},
    "upazila_review": {"*": "up_to_upazila"},
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
    """Ids of the posts ``user`` holds on ``on`` (default today), acting-in-charge included."""
    if not getattr(user, "pk", None):
        return set()
    day = on or clock.today()
    return set(
        PostTerm.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), person_id=user.pk, starts_on__lte=day)
        .values_list("post_id", flat=True)
    )


def acting_post_ids(user: Any) -> set[int]:
    return {term.post_id for term in terms_held_by(user) if term.is_acting}


def inbox_services(post_ids: set[int]) -> list[tuple[int, str]]:
    """(id, name) of the services a file at these posts can be for (the filter's choices): those
    offered by the posts' office types. One query on the small catalogue, not on the tasks."""
    if not post_ids:
        return []
    types = Post.objects.filter(pk__in=list(post_ids)).values("office__office_type_id")
    english = (get_language() or "bn").startswith("en")
    return list(
        Service.objects.filter(Q(office_type_id__in=types) | Q(other_office_types__in=types))
        .distinct().order_by("name_en" if english else "name_bn")
        .values_list("pk", "name_en" if english else "name_bn")
    )


def escalated_task_ids(post_ids: list[int] | set[int]) -> set[int]:
    """Open tasks escalated to any of these posts (the supervisor's inbox shows them, marked)."""
    if not post_ids:
        return set()
    return set(
        Escalation.objects.filter(to_post_id__in=list(post_ids), task__completed_at__isnull=True)
        .order_by().values_list("task_id", flat=True)[:1000]
    )


def inbox_tasks(
    user: Any, *, text: str = "", service_id: int | None = None, status: str = "", overdue: bool = False,
    post_ids: set[int] | None = None, escalated_ids: set[int] | None = None,
) -> QuerySet[Task]:
    """Open tasks at the posts ``user`` holds today (acting-in-charge included), claimed by them
    or still in the shared pool, and the overdue tasks escalated to those posts. Overdue first,
    then by due date. ``post_ids``/``escalated_ids``: already read by the caller."""
    today = clock.today()
    held = held_post_ids(user) if post_ids is None else post_ids
    escalated = escalated_task_ids(held) if escalated_ids is None else escalated_ids
    mine = Q(post_id__in=list(held)) & (Q(assigned_to__isnull=True) | Q(assigned_to=user))
    queryset = Task.objects.filter(completed_at__isnull=True).filter(
        (mine | Q(pk__in=list(escalated))) if escalated else mine
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
        .select_related("application", "application__service", "step", "post")
        # Only what a list row shows: no answers, no form schema, no user rows.
        .only("id", "due_on", "post_id", "assigned_to_id", "application_id", "step_id",
              "application__public_id", "application__tracking_number", "application__status",
              "application__service_id", "application__service__name_bn", "application__service__name_en",
              "step__label_bn", "step__label_en", "post__name_bn", "post__name_en")
        # Overdue first, then by due date: since overdue means "due before today", ordering by the
        # due date alone gives exactly that order, and the open-task index (post, due_on, id) serves it.
        .order_by("due_on", "pk")
    )


def file_for_officer(user: Any, public_id: Any) -> Application:
    """An application at one of the officer's offices, or an overdue one escalated to a post they
    hold; NotFound otherwise (anywhere else answers 404)."""
    from sheba.applications.selectors import _as_uuid

    uuid = _as_uuid(public_id)
    related = ("service", "office", "holder_office", "applicant")
    found = applications_visible_to(user).select_related(*related).filter(public_id=uuid).first()
    if found is None and getattr(user, "is_officer", False):  # the rare case: escalated to a post they hold
        escalated_here = Escalation.objects.filter(
            to_post__in=posts_held_by(user).values("pk"), task__completed_at__isnull=True,
            task__application__public_id=uuid,
        ).values("task__application_id")
        found = (Application.objects.exclude(status="draft").select_related(*related)
                 .filter(pk__in=escalated_here).first())
    if found is None:
        raise NotFound()
    return found


def escalation_of(task: Task | None) -> Escalation | None:
    if task is None:
        return None
    return Escalation.objects.select_related("to_post", "to_office").filter(task=task).first()


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


# --- The office dashboard -------------------------------------------------------------------

DECIDING_KINDS = (ActionKind.APPROVE, ActionKind.REJECT)


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)``: the median of the expression (NULLs left out)."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _days_to_decide() -> Func:
    """Days from the file's submission to the end of this task (fractional)."""
    return Func(
        F("completed_at") - F("application__submitted_at"),
        template="(EXTRACT(EPOCH FROM %(expressions)s) / 86400.0)", output_field=FloatField(),
    )


def _measures(today: date) -> dict[str, Any]:
    decided = Q(completed_at__isnull=False, action__kind__in=DECIDING_KINDS)
    return {
        "received": Count("application", distinct=True),
        "pending": Count("pk", filter=Q(completed_at__isnull=True)),
        "overdue": Count("pk", filter=Q(completed_at__isnull=True, due_on__lt=today)),
        "decided": Count("pk", filter=decided),
        "median_days": Median(_days_to_decide(), filter=decided),
    }


def offices_for_dashboard(user: Any) -> QuerySet[Office]:
    """Offices whose dashboard ``user`` may see: where they hold a post today, and every office
    below those (a supervising office sees the offices it supervises), up to four levels down."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_officer", False):
        return Office.objects.none()
    own = posts_held_by(user).values("office_id")
    return Office.objects.filter(
        Q(pk__in=own) | Q(parent__in=own) | Q(parent__parent__in=own) | Q(parent__parent__parent__in=own)
        | Q(parent__parent__parent__parent__in=own)
    ).distinct()


def dashboard_office_for(user: Any, public_id: Any) -> Office:
    from sheba.applications.selectors import _as_uuid

    found = offices_for_dashboard(user).filter(public_id=_as_uuid(public_id)).first()
    if found is None:
        raise NotFound()
    return found


def office_dashboard(office: Office, *, start: date, end: date) -> dict[str, Any]:
    """Received, pending, overdue, decided and the median days to decide at ``office`` for the
    files that reached it from ``start`` to ``end`` (both included): in total, per service and per
    officer (who decided, else who holds the file; the shared pool as its own row). Three
    aggregate queries and one for the officers' names."""
    from django.contrib.auth import get_user_model

    today = clock.today()
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    base = Task.objects.filter(office=office, created_at__gte=since, created_at__lt=until)
    totals = base.aggregate(**_measures(today))
    per_service: list[dict[str, Any]] = [
        dict(row) for row in
        base.values("application__service_id", "application__service__name_bn", "application__service__name_en")
        .annotate(**_measures(today))
        .order_by(F("received").desc(), "application__service__name_en")[:100]
    ]
    per_officer: list[dict[str, Any]] = [
        dict(row) for row in
        base.annotate(officer_id=Coalesce("completed_by_id", "assigned_to_id"))
        .values("officer_id")
        .annotate(**_measures(today))
        .order_by(F("decided").desc(), F("received").desc(), "officer_id")[:200]
    ]
    names = {
        user.pk: str(user)
        for user in get_user_model().objects.filter(
            pk__in=[row["officer_id"] for row in per_officer if row["officer_id"]]
        ).select_related("profile")
    }
    english = (get_language() or "bn").startswith("en")
    for row in per_service:
        row["label"] = (row["application__service__name_en"] if english else row["application__service__name_bn"])
    for row in per_officer:
        row["label"] = names.get(row["officer_id"], "") if row["officer_id"] else None
    return {"totals": totals, "per_service": per_service, "per_officer": per_officer}
