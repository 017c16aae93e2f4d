"""Pages of complaints: the citizen's (file, my complaints, one complaint, appeal), the public
status lookup, and the grievance officer's desk (inbox, complaint, note, decide). Views parse,
authorise (through the selectors), call one service and render; refusals are messages on the
same page in the user's language, never a 500."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from sheba.accounts.views_officer import officer_required
from sheba.accounts.views_profile import citizen_required
from sheba.applications import throttle
from sheba.applications.selectors import application_get
from sheba.core import clock
from sheba.core.bengali import to_bn_digits
from sheba.core.errors import DomainError, NotFound
from sheba.directory.models import District, Office, Upazila
from sheba.grievances import errors, numbers, selectors, services
from sheba.grievances.enums import APPEAL_DAYS, OPEN, OPEN_APPEAL, TEXT_MAX, AppealOutcome, ComplaintStatus
from sheba.grievances.models import Complaint

INPUT_MAX = TEXT_MAX + 1  # read one more than allowed, so "too long" is told, not silently cut


def _language() -> str:
    return "en" if (get_language() or "bn").startswith("en") else "bn"


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 10 else None


# --- The citizen ----------------------------------------------------------------------------


def _own_application(request: HttpRequest, public_id: str):
    """The citizen's own submitted application, or a NotYourApplication refusal."""
    try:
        application = application_get(request.user, public_id)
    except NotFound:
        raise errors.NotYourApplication() from None
    if application.applicant_id != request.user.pk or application.is_draft:
        raise errors.NotYourApplication()
    return application


@require_http_methods(["GET", "POST"])
@citizen_required
def new(request: HttpRequest) -> HttpResponse:
    """«অভিযোগ দাখিল করুন»: about one of my applications (?application=) or an office in general."""
    source = request.POST if request.method == "POST" else request.GET
    application_id = (source.get("application") or "")[:40]
    application = None
    error = ""
    status = 200
    if application_id:
        try:
            application = _own_application(request, application_id)
        except DomainError as refused:
            return render(request, "grievances/refused.html", {"error": str(refused.message)}, status=404)
        existing = selectors.open_complaint_on(application)
        if existing is not None and request.method == "GET":
            messages.info(request, str(errors.AlreadyOpen.default_message))
            return redirect("grievances:detail", public_id=existing.public_id)

    office = None
    office_id = (source.get("office") or "")[:40]
    if application is None and office_id:
        try:
            office = Office.objects.filter(public_id=selectors._as_uuid(office_id), is_active=True).first()
        except NotFound:
            office = None
    if request.method == "POST":
        reason = (request.POST.get("reason") or "")[:20]
        text = (request.POST.get("text") or "")[:INPUT_MAX]
        if application is None and office is None:
            error = _("Choose the office your complaint is about.")
        else:
            try:
                complaint = services.complaint_file(
                    actor=request.user, application=application, office=office, reason=reason, text=text,
                    submission_token=request.POST.get("submission_token", ""),
                )
            except DomainError as refused:
                error = str(refused.message)
                status = refused.status if refused.status in (400, 404, 409) else 400
            else:
                messages.success(request, _(
                    "Your complaint is filed. Its number is %(number)s; we have sent it to you by SMS."
                ) % {"number": complaint.number_display})
                return redirect("grievances:detail", public_id=complaint.public_id)

    district_id = _int(source.get("district"))
    upazila_id = _int(source.get("upazila"))
    text_query = services.CONTROL_CHARACTERS.sub("", source.get("q") or "").strip()[:60]
    order = "name_en" if _language() == "en" else "name_bn"
    context = {
        "application": application,
        "deadline_passed": bool(application and selectors.deadline_passed(application)),
        "office": office,
        "reasons": selectors.reasons_for(application),
        "chosen_reason": request.POST.get("reason", ""),
        "typed_text": request.POST.get("text", "")[:INPUT_MAX] if request.method == "POST" else "",
        "error": error,
        "text_max": TEXT_MAX,
        "submission_token": request.POST.get("submission_token") or secrets.token_urlsafe(24),
        "districts": District.objects.order_by(order, "pk") if application is None else [],
        "upazilas": Upazila.objects.filter(district_id=district_id).order_by(order) if district_id else [],
        "district_id": district_id,
        "upazila_id": upazila_id,
        "q": text_query,
        "offices": (selectors.offices_to_complain_about(district_id=district_id, upazila_id=upazila_id,
                                                          text=text_query)
                    if application is None and office is None else []),
        "handling_office": (selectors.supervising_office(application.holder_office or application.office)
                            if application else (selectors.supervising_office(office) if office else None)),
    }
    if error and status == 200:
        status = 400
    return render(request, "grievances/new.html", context, status=status)


@require_GET
@citizen_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "grievances/mine.html", {
        "complaints": list(selectors.my_complaints(request.user)[:200]), "today": clock.today(),
    })


def _citizen_complaint(request: HttpRequest, public_id: Any) -> Complaint:
    try:
        complaint = selectors.complaint_get(request.user, public_id)
    except NotFound:
        raise Http404() from None
    if complaint.complainant_id != request.user.pk:
        raise Http404()
    return complaint


def _render_citizen(request: HttpRequest, complaint: Complaint, *, status: int = 200, **extra: Any) -> HttpResponse:
    return render(request, "grievances/detail.html", {
        "complaint": complaint,
        "events": selectors.complaint_history(complaint, for_officer=False),
        "appeal_until": services.appeal_open_until(complaint),
        "can_appeal": bool(services.appeal_open_until(complaint)
                           and clock.now() <= services.appeal_open_until(complaint)),
        "appeal_days": APPEAL_DAYS,
        "text_max": TEXT_MAX,
        "today": clock.today(),
        **extra,
    }, status=status)


@require_GET
@citizen_required
def detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _render_citizen(request, _citizen_complaint(request, public_id))


@require_POST
@citizen_required
def appeal(request: HttpRequest, public_id: Any) -> HttpResponse:
    complaint = _citizen_complaint(request, public_id)
    text = (request.POST.get("text") or "")[:INPUT_MAX]
    try:
        services.complaint_appeal(actor=request.user, complaint=complaint, text=text)
    except DomainError as refused:
        complaint.refresh_from_db()
        return _render_citizen(request, complaint, status=refused.status if refused.status == 409 else 400,
                               appeal_error=str(refused.message), typed_appeal=text)
    messages.success(request, _("Your appeal is filed. The office above will answer it."))
    return redirect("grievances:detail", public_id=complaint.public_id)


# --- Public status --------------------------------------------------------------------------


def _refused(context: dict[str, Any], request: HttpRequest, wait: int) -> HttpResponse:
    context["error"] = _("Too many lookups from your connection. Please wait %(seconds)s seconds and try again.") % {
        "seconds": to_bn_digits(wait) if _language() == "bn" else wait
    }
    response = render(request, "grievances/status.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


@require_GET
def status(request: HttpRequest) -> HttpResponse:
    """The public lookup by complaint number: status, office and due date, no personal data.
    Unsuccessful lookups count against the same per-address budget as the application status page
    (``sheba.applications.throttle``), so two lookup pages do not double an enumerator's budget."""
    raw = request.GET.get("number")
    context: dict[str, Any] = {"number": (raw or "")[:64], "example": numbers.EXAMPLE}
    if raw is None or not raw.strip():
        return render(request, "grievances/status.html", context)
    address = request.META.get("REMOTE_ADDR") or "unknown"
    wait = throttle.blocked_for(address)
    if wait:
        return _refused(context, request, wait)
    row = None
    http_status = 400
    canonical = ""
    try:
        canonical = numbers.parse(raw)
        row = selectors.public_status(canonical)
        if row is None:
            raise numbers.ComplaintNumberUnknown()
    except DomainError as refused:
        context["error"] = str(refused.message)
        http_status = refused.status
    if row is None:
        wait = throttle.count_failure(address)
        if wait:
            return _refused(context, request, wait)
        return render(request, "grievances/status.html", context, status=http_status)
    english = _language() == "en"
    appeal_stage = row["status"] in selectors.APPEAL_STAGE
    prefix = "appeal_office" if appeal_stage and row["appeal_office__name_bn"] else "handling_office"
    name_bn, name_en = row[f"{prefix}__name_bn"], row[f"{prefix}__name_en"]
    context["result"] = {
        "number": numbers.display(canonical),
        "status": row["status"],
        "status_label": selectors.status_label(row["status"]),
        "office": (name_en or name_bn) if english else name_bn,
        "filed_on": row["created_at"],
        "due_on": row["appeal_due_on"] if appeal_stage else row["due_on"],
        "answered": row["status"] in {ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED,
                                      ComplaintStatus.APPEAL_DECIDED},
    }
    return render(request, "grievances/status.html", context)


# --- The grievance officer ------------------------------------------------------------------


@require_safe
@officer_required
def inbox(request: HttpRequest) -> HttpResponse:
    overdue = request.GET.get("overdue") == "1"
    return render(request, "grievances/inbox.html", {
        "complaints": list(selectors.complaint_inbox(request.user, overdue_only=overdue)[:200]),
        "desk_posts": selectors.desk_posts_held(request.user),
        "overdue": overdue,
        "today": clock.today(),
    })


def _officer_complaint(request: HttpRequest, public_id: Any) -> Complaint:
    try:
        return selectors.complaint_get(request.user, public_id)
    except NotFound:
        raise Http404() from None


def _render_officer(request: HttpRequest, complaint: Complaint, *, status: int = 200, **extra: Any) -> HttpResponse:
    application = complaint.application
    context: dict[str, Any] = {
        "complaint": complaint,
        "events": selectors.complaint_history(complaint, for_officer=True),
        "may_work": selectors.may_work(request.user, complaint),
        "is_open": complaint.status in OPEN,
        "is_party": selectors.is_party(request.user, complaint),
        "at_desk": selectors.desk_post_for(request.user, complaint) is not None,
        "appeal_stage": complaint.status in OPEN_APPEAL,
        "outcomes": AppealOutcome.choices,
        "today": clock.today(),
        "application": application,
        "application_overdue": bool(application and selectors.deadline_passed(application)),
        "application_events": application.events.select_related("office").order_by("at", "pk") if application else [],
        **extra,
    }
    return render(request, "grievances/officer_complaint.html", context, status=status)


@require_safe
@officer_required
def officer_complaint(request: HttpRequest, public_id: Any) -> HttpResponse:
    complaint = _officer_complaint(request, public_id)
    services.complaint_view(actor=request.user, complaint=complaint, ip=request.META.get("REMOTE_ADDR"))
    return _render_officer(request, complaint)


@require_POST
@officer_required
def officer_note(request: HttpRequest, public_id: Any) -> HttpResponse:
    complaint = _officer_complaint(request, public_id)
    text = (request.POST.get("note") or "")[: services.REPLY_MAX + 1]
    try:
        services.complaint_note(actor=request.user, complaint=complaint, text=text)
    except DomainError as refused:
        complaint.refresh_from_db()
        return _render_officer(request, complaint, status=refused.status if refused.status == 409 else 400,
                               note_error=str(refused.message), typed_note=text)
    messages.success(request, _("Your note was added to the complaint."))
    return redirect("grievances:officer_complaint", public_id=complaint.public_id)


@require_POST
@officer_required
def officer_decide(request: HttpRequest, public_id: Any) -> HttpResponse:
    complaint = _officer_complaint(request, public_id)
    reply = (request.POST.get("reply") or "")[: services.REPLY_MAX + 1]
    decision = (request.POST.get("decision") or "")[:20]
    try:
        services.complaint_decide(actor=request.user, complaint=complaint, decision=decision, reply=reply)
    except DomainError as refused:
        complaint.refresh_from_db()
        return _render_officer(request, complaint, status=refused.status if refused.status == 409 else 400,
                               decide_error=str(refused.message), typed_reply=reply, chosen_decision=decision)
    messages.success(request, _("The complaint is answered and the citizen has been told."))
    return redirect("grievances:inbox")
