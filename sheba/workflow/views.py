"""The officer's file inbox (e-Nothi style) and file page, and the applicant's side of a file
that was sent back. Views parse, authorise, call one service and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sheba.accounts.views_officer import officer_required
from sheba.accounts.views_profile import citizen_required
from sheba.applications.models import Status
from sheba.applications.selectors import application_attachments, application_get, application_history
from sheba.catalog.forms_engine import build_form, enum_label, ordered_properties, text_in
from sheba.catalog.models import Service
from sheba.core import clock
from sheba.core.errors import DomainError, NotFound
from sheba.locker.models import DocumentVersion, ScanStatus
from sheba.workflow import selectors, services
from sheba.workflow.models import ActionKind, Task

FORM_PREFIX = "f"


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
    tasks = list(selectors.inbox_tasks(request.user, text=text, service_id=service_id, status=status,
                                       overdue=overdue)[:200])
    services_here = Service.objects.filter(
        pk__in=selectors.inbox_tasks(request.user).values("application__service_id")
    ).order_by("name_bn")
    return render(request, "workflow/inbox.html", {
        "tasks": tasks, "today": clock.today(), "q": text, "status": status, "service_id": service_id,
        "overdue": overdue, "statuses": [(v, lbl) for v, lbl in Status.choices if v != Status.DRAFT],
        "services": services_here,
    })


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
