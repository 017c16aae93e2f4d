"""The officer's file inbox (e-Nothi style) and file page, and the applicant's side of a file
that was sent back. Views parse, authorise, call one service and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sheba.accounts.views_officer import officer_required
from sheba.accounts.views_profile import citizen_required
from sheba.applications.models import Status
from sheba.applications.selectors import application_attachments, application_get, application_history
from sheba.catalog.forms_engine import build_form, enum_label, ordered_properties, text_in
from sheba.core import clock
from sheba.core.errors import DomainError, NotFound
from sheba.locker.models import DocumentVersion, ScanStatus
from sheba.workflow import selectors, services
from sheba.workflow.models import ActionKind, Task

FORM_PREFIX = "f"
INBOX_PAGE = 25


def _language() -> str:
    return "en" if (get_language() or "bn").startswith("en") else "bn"


def _answers(application) -> list[tuple[str, str, list[str]]]:
    """(field name, label, values) of the answers, for reading."""
    found = []
    for name, spec in ordered_properties(application.service.form_schema or {}):
        value = (application.form_data or {}).get(name)
        if value in (None, "", []):
            continue
        if spec.get("type") == "array":
            items = spec.get("items") or {}
            rows = [
                ", ".join(f"{text_in(s, 'label')}: {row.get(sub)}" for sub, s in ordered_properties(items)
                          if row.get(sub) not in (None, ""))
                for row in value if isinstance(row, dict)
            ]
            found.append((name, text_in(spec, "label"), rows))
        elif spec.get("type") == "boolean":
            found.append((name, text_in(spec, "label"), [_("Yes") if value else _("No")]))
        elif "enum" in spec:
            found.append((name, text_in(spec, "label"), [enum_label(spec, value)]))
        else:
            found.append((name, text_in(spec, "label"), [str(value)]))
    return found


# --- Officers -------------------------------------------------------------------------------


@require_safe
@officer_required
def inbox(request: HttpRequest) -> HttpResponse:
    text = (request.GET.get("q") or "").strip()[:100]
    status = request.GET.get("status") or ""
    status = status if status in Status.values else ""
    service_raw = request.GET.get("service") or ""
    service_id = int(service_raw) if service_raw.isdigit() and len(service_raw) < 10 else None
    overdue = request.GET.get("overdue") == "1"
    held = selectors.held_post_ids(request.user)
    escalated = selectors.escalated_task_ids(held)
    page_raw = request.GET.get("page") or "1"
    page = int(page_raw) if page_raw.isdigit() and len(page_raw) < 5 and int(page_raw) > 0 else 1
    start = (page - 1) * INBOX_PAGE
    tasks = list(selectors.inbox_tasks(request.user, text=text, service_id=service_id, status=status,
                                       overdue=overdue, post_ids=held, escalated_ids=escalated)
                 [start:start + INBOX_PAGE + 1])
    has_next = len(tasks) > INBOX_PAGE
    return render(request, "workflow/inbox.html", {
        "rows": _inbox_rows(tasks[:INBOX_PAGE], user_id=request.user.pk, held=held, escalated=escalated),
        "q": text, "status": status, "service_id": service_id, "overdue": overdue,
        "statuses": [(v, lbl) for v, lbl in Status.choices if v != Status.DRAFT],
        "services": selectors.inbox_services(held), "page": page, "has_next": has_next,
        "next_query": _page_query(request, page + 1), "previous_query": _page_query(request, page - 1),
    })


def _inbox_rows(tasks: list[Task], *, user_id: int, held: set[int], escalated: set[int]) -> list[dict[str, Any]]:
    """What each row shows, as plain strings (the list is the busiest officer page)."""
    from sheba.core import tracking
    from sheba.core.templatetags.sheba import day

    english = _language() == "en"
    status_labels = {value: str(label) for value, label in Status.choices}
    prefix = reverse("workflow:inbox")
    you, pool, supervising = _("You"), _("Shared pool"), _("Supervising")
    today = clock.today()
    rows = []
    for task in tasks:
        application, step, post = task.application, task.step, task.post
        escalated_here = task.pk in escalated and task.post_id not in held
        holder = supervising if escalated_here else (you if task.assigned_to_id == user_id else pool)
        rows.append({
            "url": f"{prefix}{application.public_id}/",
            "tracking": tracking.display(application.tracking_number) if application.tracking_number else "",
            "service": application.service.name_en if english else application.service.name_bn,
            "step": (step.label_en or step.label_bn) if english else step.label_bn,
            "status": status_labels.get(application.status, application.status),
            "due": day(task.due_on), "overdue": task.due_on < today, "escalated": escalated_here,
            "with": f"{holder} ({(post.name_en if english else post.name_bn) if post else '—'})",
        })
    return rows


def _page_query(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(max(1, page))
    return query.urlencode()


def _file_context(request: HttpRequest, application, **extra: Any) -> dict[str, Any]:
    task = selectors.open_task(application)
    today = clock.today()
    return {
        "application": application,
        "answers": _answers(application),
        "attachments": application_attachments(application),
        "events": application_history(application),
        "notes": selectors.file_notes(application),
        "file_messages": selectors.file_messages(application),
        "task": task,
        "overdue": bool(task and task.due_on < today),
        "escalation": selectors.escalation_of(task),
        "actions": selectors.actions_for(request.user, task),
        "can_claim": bool(task and task.assigned_to_id is None and task.post_id
                          and task.post_id in selectors.held_post_ids(request.user)),
        "correctable": services.correctable_fields(application),
        "own": services._is_own(request.user, application),
        "send_back": ActionKind.SEND_BACK,
        "today": today,
        **extra,
    }


def _officer_file(request: HttpRequest, public_id: Any):
    try:
        return selectors.file_for_officer(request.user, public_id)
    except NotFound:
        raise Http404() from None


@require_safe
@officer_required
def file_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    application = _officer_file(request, public_id)
    services.audit_file_view(actor=request.user, application=application, ip=request.META.get("REMOTE_ADDR"))
    return render(request, "workflow/file.html", _file_context(request, application))


@require_POST
@officer_required
def file_act(request: HttpRequest, public_id: Any) -> HttpResponse:
    application = _officer_file(request, public_id)
    task = selectors.open_task(application)
    note = (request.POST.get("note") or "")[: services.NOTE_MAX + 1]
    fields = request.POST.getlist("fields")[:100]
    action_raw = request.POST.get("action") or ""
    action = None
    if task is not None and action_raw.isdigit() and len(action_raw) < 12:
        action = task.step.actions.filter(pk=int(action_raw)).first()
    error = None
    if task is None:
        error = _("This file has already been acted on.")
        last = application.tasks.filter(completed_at__isnull=False).select_related("completed_by").last()
        if last is not None:
            error = _("This file was already decided by %(name)s.") % {"name": last.completed_by}
    elif action is None:
        error = _("Choose an action.")
    else:
        try:
            services.task_act(actor=request.user, task=task, action=action, note=note, fields_to_correct=fields)
        except DomainError as refused:
            error = str(refused.message)
        else:
            messages.success(request, _("Done: %(action)s. The file has moved on.") % {"action": action.label})
            return redirect("workflow:inbox")
    application.refresh_from_db()
    context = _file_context(request, application, error=error, typed_note=note, typed_fields=fields,
                            chosen_action=action.pk if action else None)
    return render(request, "workflow/file.html", context, status=409 if task is None else 400)


@require_POST
@officer_required
def file_claim(request: HttpRequest, public_id: Any) -> HttpResponse:
    application = _officer_file(request, public_id)
    task = selectors.open_task(application)
    if task is None:
        messages.error(request, _("This file has already been acted on."))
        return redirect("workflow:inbox")
    try:
        services.task_claim(actor=request.user, task=task)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The file is now in your inbox."))
    return redirect("workflow:file", public_id=application.public_id)


@require_POST
@officer_required
def file_message(request: HttpRequest, public_id: Any) -> HttpResponse:
    application = _officer_file(request, public_id)
    text = request.POST.get("text") or ""
    try:
        services.file_message_send(actor=request.user, application=application, text=text[:5000])
    except DomainError as refused:
        return render(request, "workflow/file.html",
                      _file_context(request, application, message_error=str(refused.message), typed_message=text),
                      status=400)
    messages.success(request, _("Your message was added to the file."))
    return redirect("workflow:file", public_id=application.public_id)


@require_safe
@officer_required
def file_document(request: HttpRequest, public_id: Any, version_id: Any) -> HttpResponse:
    from sheba.locker.views import version_file_response

    application = _officer_file(request, public_id)
    attachment = application.attachments.select_related("version").filter(version__public_id=version_id).first()
    if attachment is None or not attachment.version.is_usable:
        raise Http404()
    services.audit_file_view(actor=request.user, application=application, ip=request.META.get("REMOTE_ADDR"))
    return version_file_response(attachment.version)


# --- The applicant --------------------------------------------------------------------------


def _correction_form(application, flagged: list[str], data=None):
    form = build_form(application.service.form_schema or {}, data=data, initial_data=application.form_data,
                      prefix=FORM_PREFIX, language=_language())
    for name in flagged:
        if name in form.fields:
            field = form.fields[name]
            field.help_text = _("The office asks you to correct this.")
            field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " needs-correction").strip()
    return form


def _document_choices(request: HttpRequest, application, flagged: list[str]) -> list[dict[str, Any]]:
    from sheba.applications.selectors import uploadable_documents

    wanted = {name.removeprefix(services.DOC_PREFIX) for name in flagged if name.startswith(services.DOC_PREFIX)}
    versions = list(
        DocumentVersion.objects.filter(document__owner=request.user, scan_status=ScanStatus.CLEAN)
        .select_related("document").order_by("-created_at")[:50]
    )
    return [
        {"code": doc.code, "label": doc.label, "versions": versions,
         "chosen": request.POST.get(f"doc-{doc.code}", "")}
        for doc in uploadable_documents(application.service) if doc.code in wanted
    ]


@require_http_methods(["GET", "POST"])
@citizen_required
def citizen_file(request: HttpRequest, public_id: Any) -> HttpResponse:
    try:
        application = application_get(request.user, public_id)
    except NotFound:
        raise Http404() from None
    if application.applicant_id != request.user.pk or application.status == Status.DRAFT:
        raise Http404()
    sent_back = selectors.last_send_back(application) if application.status == Status.SENT_BACK else None
    flagged = list(sent_back.fields_to_correct) if sent_back else []
    labels = dict(services.correctable_fields(application))
    error = message_error = None
    form = _correction_form(application, flagged) if sent_back else None
    documents = _document_choices(request, application, flagged) if sent_back else []
    if request.method == "POST":
        intent = request.POST.get("intent")
        if intent == "message":
            try:
                services.file_message_send(actor=request.user, application=application,
                                           text=(request.POST.get("text") or "")[:5000])
            except DomainError as refused:
                message_error = str(refused.message)
            else:
                messages.success(request, _("Your message was added to the file."))
                return redirect("workflow:citizen_file", public_id=application.public_id)
        elif intent == "resubmit" and sent_back:
            form = _correction_form(application, flagged, data=request.POST)
            attachments = []
            for doc in documents:
                chosen = next((v for v in doc["versions"] if str(v.public_id) == doc["chosen"]), None)
                if chosen is None:
                    error = _("Choose a file for “%(document)s”.") % {"document": doc["label"]}
                else:
                    attachments.append((chosen, doc["code"]))
            if form.is_valid() and error is None:
                try:
                    services.application_resubmit(
                        actor=request.user, application=application, form_data=form.cleaned_data["data"],
                        attachments=attachments, message=request.POST.get("message") or "",
                    )
                except DomainError as refused:
                    error = str(refused.message)
                else:
                    messages.success(request, _("Your corrected application was submitted again."))
                    return redirect("workflow:citizen_file", public_id=application.public_id)
            elif error is None:
                error = _("Some answers in the form are missing or not valid. Please correct them.")
    status = 400 if (error or message_error) else 200
    return render(request, "workflow/citizen_file.html", {
        "application": application, "sent_back": sent_back,
        "flagged": [(name, labels.get(name, name)) for name in flagged],
        "form": form, "documents": documents, "error": error, "message_error": message_error,
        "typed_message": request.POST.get("text", "") if message_error else "",
        "file_messages": selectors.file_messages(application),
        "answers": _answers(application), "flagged_names": set(flagged),
        "task": Task.objects.filter(application=application, completed_at__isnull=True).first(),
    }, status=status)


# --- The office dashboard -------------------------------------------------------------------

DASHBOARD_DEFAULT_DAYS = 30
DASHBOARD_MAX_DAYS = 3 * 366
CHART_WIDTH = 600
CHART_LABEL_WIDTH = 0
BAR_MAX = 480
BAR_HEIGHT = 10
# (key, label, colour): colours pass WCAG non-text contrast on white and are told apart by the legend.
COUNT_SERIES = [
    ("received", gettext_lazy("Received"), "#1d4ed8"),
    ("pending", gettext_lazy("Pending"), "#a16207"),
    ("overdue", gettext_lazy("Overdue"), "#b91c1c"),
    ("decided", gettext_lazy("Decided"), "#15803d"),
]
MEDIAN_SERIES = [("median_days", gettext_lazy("Median days to decide"), "#6d28d9")]


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _chart(rows: list[dict[str, Any]], series: list[tuple[str, Any, str]]) -> dict[str, Any]:
    """Geometry of a horizontal bar chart (one group of bars a row) as SVG attribute values."""
    biggest = max([float(row.get(key) or 0) for row in rows for key, _label, _colour in series] + [1.0])
    group = 20 + len(series) * (BAR_HEIGHT + 3) + 8
    drawn = []
    for index, row in enumerate(rows):
        bars = []
        for position, (key, label, colour) in enumerate(series):
            value = row.get(key)
            number = float(value or 0)
            width = BAR_MAX * number / biggest
            y = 20 + position * (BAR_HEIGHT + 3)
            bars.append({"label": label, "colour": colour, "value": value, "width": _fmt(width), "y": str(y),
                         "text_x": _fmt(width + 4), "text_y": str(y + BAR_HEIGHT - 1)})
        drawn.append({"label": row.get("label") or _("Shared pool"), "y": str(index * group), "bars": bars})
    return {"rows": drawn, "height": str(max(1, len(rows)) * group), "width": str(CHART_WIDTH),
            "legend": [{"label": label, "colour": colour} for _key, label, colour in series]}


def _date_param(raw: str | None):
    from datetime import date

    if not raw:
        return None
    try:
        return date.fromisoformat(raw.strip()[:10])
    except ValueError:
        raise ValueError(raw) from None


@require_safe
@officer_required
def dashboard_index(request: HttpRequest) -> HttpResponse:
    offices = list(selectors.offices_for_dashboard(request.user).order_by("name_en")[:200])
    if len(offices) == 1:
        return redirect("workflow:dashboard", office_id=offices[0].public_id)
    return render(request, "workflow/dashboard_index.html", {"offices": offices})


@require_safe
@officer_required
def dashboard(request: HttpRequest, office_id: Any) -> HttpResponse:
    from datetime import timedelta

    try:
        office = selectors.dashboard_office_for(request.user, office_id)
    except NotFound:
        raise Http404() from None
    today = clock.today()
    error = None
    try:
        end = _date_param(request.GET.get("to")) or today
        start = _date_param(request.GET.get("from")) or end - timedelta(days=DASHBOARD_DEFAULT_DAYS)
    except ValueError:
        error = _("Enter the dates as year-month-day, for example 2026-01-31.")
        start, end = today - timedelta(days=DASHBOARD_DEFAULT_DAYS), today
    if error is None and start > end:
        error = _("The start date must not be after the end date.")
        start, end = end, start
    if error is None and (end - start).days > DASHBOARD_MAX_DAYS:
        error = _("Choose a period of at most three years.")
        start = end - timedelta(days=DASHBOARD_MAX_DAYS)
    data = selectors.office_dashboard(office, start=start, end=end)
    return render(request, "workflow/dashboard.html", {
        "office": office, "start": start, "end": end, "error": error, **data,
        "service_chart": _chart(data["per_service"], COUNT_SERIES),
        "service_median_chart": _chart(data["per_service"], MEDIAN_SERIES),
        "officer_chart": _chart(data["per_officer"], COUNT_SERIES),
        "officer_median_chart": _chart(data["per_officer"], MEDIAN_SERIES),
    }, status=400 if error else 200)
