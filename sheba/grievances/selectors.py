"""Reads for complaints: who handles an office's complaints, who may see or decide a complaint, the
grievance officer's inbox, the citizen's list, and the public status lookup."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db.models import Case, DateField, F, IntegerField, Q, QuerySet, Value, When

from sheba.applications.models import Application
from sheba.applications.models import Status as ApplicationStatus
from sheba.core import clock
from sheba.core.errors import NotFound
from sheba.directory.models import Office, Post
from sheba.directory.selectors import posts_held_by
from sheba.grievances.enums import (
    GRIEVANCE_POST_PREFERENCE,
    OFFICE_REASONS,
    OPEN,
    OPEN_APPEAL,
    OPEN_FIRST,
    ComplaintReason,
    ComplaintStatus,
    EventKind,
)
from sheba.grievances.models import Complaint, ComplaintEvent

APPLICATION_UNDECIDED = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.SENT_BACK)
APPLICATION_DECIDED = (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.DELIVERED)
APPEAL_STAGE = (ComplaintStatus.APPEALED, ComplaintStatus.APPEAL_REVIEW, ComplaintStatus.APPEAL_DECIDED)


def _as_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise NotFound() from None


# --- The directory's shape of grievance redress ----------------------------------------------


def supervising_office(office: Office) -> Office:
    """Where a complaint about ``office`` goes: its parent office in the directory (a Union
    Parishad -> the Upazila Nirbahi Office; an upazila office -> the DC office). An office at the
    top (a DC office: the divisional level is not in the directory) handles its own."""
    return office.parent if office.parent_id and office.parent is not None else office


def appeal_office_for(handling_office: Office) -> Office:
    """Where an appeal goes: one level above the office that decided (the same office, heard by its
    head, when there is nothing above)."""
    return supervising_office(handling_office)


def grievance_post(office: Office) -> Post | None:
    """The grievance officer's post (অভিযোগ নিষ্পত্তি কর্মকর্তা) at ``office``: a dedicated
    ``grievance_officer`` post, else the ADC (General), else the office head's post."""
    posts = list(Post.objects.filter(office=office).filter(
        Q(code__in=GRIEVANCE_POST_PREFERENCE) | Q(is_office_head=True)).order_by("pk"))
    for code in GRIEVANCE_POST_PREFERENCE:
        for post in posts:
            if post.code == code:
                return post
    return next((p for p in posts if p.is_office_head), None)


def desk_posts(office: Office) -> list[Post]:
    """The posts that may work complaints at ``office``: its grievance officer and its head."""
    found: list[Post] = []
    gro = grievance_post(office)
    if gro is not None:
        found.append(gro)
    head = Post.objects.filter(office=office, is_office_head=True).order_by("pk").first()
    if head is not None and all(p.pk != head.pk for p in found):
        found.append(head)
    return found


def desk_posts_held(user: Any, *, on: date | None = None) -> list[Post]:
    """The complaint-desk posts ``user`` holds today (acting-in-charge included), at any office."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_officer", False):
        return []
    held = list(posts_held_by(user, on=on))
    by_office: dict[int, set[int]] = {}
    result = []
    for post in held:
        if post.office_id not in by_office:
            by_office[post.office_id] = {p.pk for p in desk_posts(post.office)}
        if post.pk in by_office[post.office_id]:
            result.append(post)
    return result


def desk_office_ids(user: Any) -> set[int]:
    return {post.office_id for post in desk_posts_held(user)}


# --- Who may see what -----------------------------------------------------------------------


def complaints_visible_to(user: Any) -> QuerySet[Complaint]:
    """Citizens: their own complaints. Officers: the complaints their complaint desks handle (first
    level, whatever the stage) or hear on appeal. Officers of other offices, and the offices
    complained about, see none of them. Anyone else: none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Complaint.objects.none()
    if user.is_officer:
        offices = desk_office_ids(user)
        if not offices:
            return Complaint.objects.none()
        return Complaint.objects.filter(
            Q(handling_office_id__in=offices) | Q(appeal_office_id__in=offices, status__in=APPEAL_STAGE)
        )
    return Complaint.objects.filter(complainant=user)


def _with_related(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return queryset.select_related(
        "application", "application__service", "application__office", "application__holder_office",
        "subject_office", "handling_office", "appeal_office", "complainant",
    )


def complaint_get(user: Any, public_id: Any) -> Complaint:
    """One complaint ``user`` may see, or NotFound (also for someone else's)."""
    found = _with_related(complaints_visible_to(user)).filter(public_id=_as_uuid(public_id)).first()
    if found is None:
        raise NotFound()
    return found


def my_complaints(user: Any) -> QuerySet[Complaint]:
    if getattr(user, "is_officer", False):
        return Complaint.objects.none()
    return _with_related(complaints_visible_to(user)).order_by("-created_at", "-pk")


def open_complaint_on(application: Application) -> Complaint | None:
    return Complaint.objects.filter(application=application, status__in=sorted(OPEN)).first()


def complaint_inbox(user: Any, *, overdue_only: bool = False) -> QuerySet[Complaint]:
    """Open complaints waiting at the user's complaint desks: first-level ones at the offices that
    handle them, appeals at the offices that hear them. Overdue first, then by due date."""
    offices = desk_office_ids(user)
    if not offices:
        return Complaint.objects.none()
    today = clock.today()
    current_due = Case(
        When(status__in=sorted(OPEN_APPEAL), then=F("appeal_due_on")), default=F("due_on"), output_field=DateField()
    )
    waiting = Q(handling_office_id__in=offices, status__in=sorted(OPEN_FIRST)) | Q(
        appeal_office_id__in=offices, status__in=sorted(OPEN_APPEAL)
    )
    if overdue_only:
        waiting &= Q(status__in=sorted(OPEN_FIRST), due_on__lt=today) | Q(
            status__in=sorted(OPEN_APPEAL), appeal_due_on__lt=today
        )
    return (
        _with_related(Complaint.objects.filter(waiting))
        .annotate(
            current_due=current_due,
            overdue_rank=Case(
                When(Q(status__in=sorted(OPEN_FIRST), due_on__lt=today)
                     | Q(status__in=sorted(OPEN_APPEAL), appeal_due_on__lt=today), then=Value(0)),
                default=Value(1), output_field=IntegerField(),
            ),
        )
        .order_by("overdue_rank", "current_due", "pk")
    )


def is_party(user: Any, complaint: Complaint) -> bool:
    """Is ``user`` someone the complaint is about, so they may not investigate or decide it? They
    hold a post at the office complained about (as holder or acting; unless that office handles
    its own complaints), worked on the file, decided the complaint at the first level (for its
    appeal), or filed it."""
    if user.pk == complaint.complainant_id:
        return True
    # A complaint about the top office of the directory is handled inside that office (GRS puts
    # the grievance officer in the office itself), so holding a post there is not enough there.
    if (complaint.subject_office_id != complaint.current_office.pk
            and posts_held_by(user).filter(office_id=complaint.subject_office_id).exists()):
        return True
    if complaint.is_appeal_stage and complaint.decided_by_id == user.pk:
        return True
    if complaint.application_id:
        from sheba.workflow.models import FileNote, Task

        if Task.objects.filter(application_id=complaint.application_id, completed_by=user).exists():
            return True
        if FileNote.objects.filter(application_id=complaint.application_id, author=user).exists():
            return True
    return False


def desk_post_for(user: Any, complaint: Complaint) -> Post | None:
    """The complaint-desk post through which ``user`` works the complaint at its current stage."""
    office_id = complaint.current_office.pk
    return next((p for p in desk_posts_held(user) if p.office_id == office_id), None)


def may_work(user: Any, complaint: Complaint) -> bool:
    """May ``user`` write notes on and decide ``complaint`` now?"""
    return (
        complaint.status in OPEN
        and desk_post_for(user, complaint) is not None
        and not is_party(user, complaint)
    )


def complaint_history(complaint: Complaint, *, for_officer: bool) -> QuerySet[ComplaintEvent]:
    events = complaint.events.select_related("office").order_by("at", "pk")
    return events if for_officer else events.exclude(kind=EventKind.NOTE)


# --- When a citizen may complain about a file -----------------------------------------------


def reasons_for(application: Application | None, *, today: date | None = None) -> list[tuple[str, str]]:
    """The (reason, label) pairs a complaint may give now: about a file, by its state; about an
    office, conduct or something else."""
    if application is None:
        return [(r.value, str(r.label)) for r in OFFICE_REASONS]
    day = today or clock.today()
    reasons = []
    if application.due_on and application.due_on < day and application.status in APPLICATION_UNDECIDED:
        reasons.append(ComplaintReason.DELAY)
    if application.status in APPLICATION_DECIDED:
        reasons.append(ComplaintReason.DECISION)
    reasons += [ComplaintReason.CONDUCT, ComplaintReason.OTHER]
    return [(r.value, str(r.label)) for r in reasons]


def deadline_passed(application: Application, *, today: date | None = None) -> bool:
    day = today or clock.today()
    return bool(application.due_on and application.due_on < day and application.status in APPLICATION_UNDECIDED)


def offices_to_complain_about(*, district_id: int | None = None, upazila_id: int | None = None,
                              text: str = "", limit: int = 60) -> list[Office]:
    """Active offices for the "complain about an office" picker."""
    queryset = Office.objects.filter(is_active=True).select_related("office_type")
    if upazila_id:
        queryset = queryset.filter(upazila_id=upazila_id)
    elif district_id:
        queryset = queryset.filter(district_id=district_id)
    elif not text:
        return []
    if text:
        queryset = queryset.filter(Q(name_bn__icontains=text) | Q(name_en__icontains=text))
    return list(queryset.order_by("name_bn", "pk")[:limit])


# --- The public status page -----------------------------------------------------------------

STATUS_COLUMNS = (
    "status", "created_at", "due_on", "appeal_due_on",
    "handling_office__name_bn", "handling_office__name_en",
    "appeal_office__name_bn", "appeal_office__name_en",
)


def public_status(canonical_number: str) -> dict[str, Any] | None:
    """What the public complaint status page shows, and nothing more (no names, no text)."""
    rows = list(Complaint.objects.filter(number=canonical_number).order_by().values(*STATUS_COLUMNS)[:1])
    return rows[0] if rows else None


def status_label(status: str) -> str:
    return str(ComplaintStatus(status).label) if status in ComplaintStatus.values else status
