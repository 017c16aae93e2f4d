"""Citizen pages of applications (apply, drafts, dashboard, detail) and the public status page.

Everything works without JavaScript. Views parse, authorise (through the selectors), call one
service and render; refusals are messages on the same page, in the user's language.
"""

from __future__ import annotations

import secrets
import uuid
from html import escape
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sheba.accounts.selectors import profile_of
from sheba.accounts.views_profile import citizen_required
from sheba.applications import selectors, services, throttle
from sheba.applications.errors import NotADraft
from sheba.applications.forms import FOR_OTHER, FOR_SELF, ApplicantForm, posted_values, show_stored_errors
from sheba.applications.models import Application, Status
from sheba.catalog.forms_engine import build_form, prefill, validate_data
from sheba.catalog.models import RequiredDocument
from sheba.core import tracking
from sheba.core.bengali import to_bn_digits
from sheba.core.errors import DomainError, NotFound
from sheba.core.templatetags.frames import render_frame
from sheba.core.templatetags.sheba import day, dualdate
from sheba.directory.models import District, Upazila
from sheba.locker.checks import ACCEPT, check_attachment_count
from sheba.locker.models import DocumentKind, DocumentVersion
from sheba.locker.selectors import usable_versions
from sheba.locker.services import document_upload

EXTRA = "other"  # the document type of files attached beyond the required ones
FORM_PREFIX = "f"


def _language() -> str:
    return "en" if (get_language() or "bn").startswith("en") else "bn"


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None




# --- Start: pick the office -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@citizen_required
def start(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        service = selectors.published_service_get(slug)
    except NotFound:
        raise Http404() from None
    profile = profile_of(request.user)
    home = selectors.home_office(service, profile)
    error = ""
    if request.method == "POST":
        try:
            office = selectors.office_offering_get(service, request.POST.get("office"))
        except NotFound:
            office = None
            error = _("Please choose the office you are applying to.")
        if office is not None:
            try:
                application = services.application_start(
                    actor=request.user,
                    service=service,
                    office=office,
                    submission_token=request.POST.get("submission_token", ""),
                )
            except DomainError as exc:
                error = str(exc.message)
            else:
                return redirect("applications:edit", public_id=application.public_id)

    district_id = _int(request.GET.get("district")) or (home.district_id if home else None)
    upazila_id = _int(request.GET.get("upazila"))
    text = (request.GET.get("q") or "").strip()[:60]
    searched = bool(request.GET.get("district") or upazila_id or text)
    offices = selectors.office_choices(
        service, district_id=district_id if searched or not home else None, upazila_id=upazila_id, text=text
    ) if (searched or not home) else []
    if home is not None and all(o.pk != home.pk for o in offices):
        offices.insert(0, home)
    # An office chosen on the service page (?office=) comes first and is pre-selected.
    preset = None
    if request.GET.get("office"):
        try:
            preset = selectors.office_offering_get(service, request.GET["office"][:40])
        except NotFound:
            preset = None
    if preset is not None:
        offices = [preset, *[o for o in offices if o.pk != preset.pk]]
    fees = selectors.fees_at(service, offices)
    chosen = request.POST.get("office") or str((preset or home).public_id if (preset or home) else "")
    districts = District.objects.order_by("name_en" if _language() == "en" else "name_bn", "pk")
    upazilas = (
        Upazila.objects.filter(district_id=district_id).order_by("name_en" if _language() == "en" else "name_bn")
        if district_id
        else Upazila.objects.none()
    )
    drafts = selectors.my_applications(request.user, status=Status.DRAFT).filter(service=service)[:5]
    return render(
        request,
        "applications/start.html",
        {
            "service": service,
            "home": home,
            "offices": [(o, fees.get(o.pk)) for o in offices],
            "chosen": chosen,
            "districts": districts,
            "upazilas": upazilas,
            "district_id": district_id,
            "upazila_id": upazila_id,
            "q": text,
            "searched": searched,
            "error": error,
            "drafts": drafts,
            "submission_token": request.POST.get("submission_token") or secrets.token_urlsafe(24),
        },
        status=400 if error else 200,
    )


# --- Edit a draft, submit -------------------------------------------------------------------


def _profile_values(user: Any) -> dict[str, Any]:
    profile = profile_of(user)

    def address(prefix: str) -> str:
        parts = [getattr(profile, f"{prefix}_line", "")]
        for level in ("union", "upazila", "district"):
            place = getattr(profile, f"{prefix}_{level}", None)
            if place is not None:
                parts.append(place.name)
        return ", ".join(p for p in parts if p)

    from sheba.core.phone import display_bd_mobile

    return {
        "name_bn": profile.name_bn,
        "name_en": profile.name_en,
        "father_name": profile.father_name,
        "mother_name": profile.mother_name,
        "date_of_birth": profile.date_of_birth,
        "identity_number": profile.identity_number,
        "mobile": display_bd_mobile(user.mobile or ""),
        "email": user.email if user.email_verified_at else "",
        "present_address": address("present") if profile.pk else "",
        "permanent_address": address("permanent") if profile.pk else "",
    }


def _locker_kind(code: str) -> str:
    return code if code in DocumentKind.values else DocumentKind.OTHER


class _Documents:
    """The documents part of the apply page: a locker pick and an upload per required document,
    and extra files from the locker."""

    def __init__(self, request: HttpRequest, application: Application, required: list[RequiredDocument]):
        self.request = request
        self.application = application
        self.required = required
        self.versions = list(usable_versions(request.user))
        self.by_public_id = {str(v.public_id): v for v in self.versions}
        self.errors: dict[str, str] = {}
        self.general_error = ""
        attached = list(application.attachments.select_related("version", "version__document"))
        self.chosen: dict[str, str] = {}
        self.extra: set[str] = set()
        for attachment in attached:
            key = str(attachment.version.public_id)
            if attachment.document_code in {d.code for d in required} and attachment.document_code not in self.chosen:
                self.chosen[attachment.document_code] = key
            else:
                self.extra.add(key)
        for attachment in attached:  # files attached before that are no longer usable still show
            self.by_public_id.setdefault(str(attachment.version.public_id), attachment.version)

    def read_post(self) -> None:
        post = self.request.POST
        self.chosen = {d.code: post.get(f"doc_{d.code}", "") for d in self.required if post.get(f"doc_{d.code}")}
        self.extra = {value for value in post.getlist("extra") if value}

    def uploads(self) -> list[tuple[str, Any]]:
        files = self.request.FILES
        found = [(d.code, files[f"file_{d.code}"]) for d in self.required if f"file_{d.code}" in files]
        if "file_extra" in files:
            found.append((EXTRA, files["file_extra"]))
        return found

    def selected(self) -> list[tuple[DocumentVersion, str]]:
        chosen: list[tuple[DocumentVersion, str]] = []
        seen: set[int] = set()
        for code, key in self.chosen.items():
            version = self.by_public_id.get(key)
            if version is None:
                self.errors[code] = _("Please choose a file from your locker, or upload one.")
                continue
            if version.pk not in seen:
                chosen.append((version, code))
                seen.add(version.pk)
        for key in sorted(self.extra):
            version = self.by_public_id.get(key)
            if version is not None and version.pk not in seen:
                chosen.append((version, EXTRA))
                seen.add(version.pk)
        return chosen

    def count_with(self, uploads: list[tuple[str, Any]]) -> int:
        replaced = {code for code, _file in uploads if code != EXTRA}
        kept = [key for code, key in self.chosen.items() if code not in replaced]
        return len(set(kept) | self.extra) + len(uploads)

    def do_uploads(self, uploads: list[tuple[str, Any]]) -> None:
        """Save each new file to the locker (kept there for next time) and attach it here."""
        for code, uploaded in uploads:
            try:
                version = document_upload(
                    actor=self.request.user, owner=self.request.user, kind=_locker_kind(code), uploaded_file=uploaded
                )
            except DomainError as exc:
                self.errors[code] = str(exc.message)
                continue
            key = str(version.public_id)
            self.by_public_id[key] = version
            if not version.is_usable:
                self.errors[code] = _(
                    "Your file was saved in your locker and is waiting for the virus check. "
                    "Attach it from the locker when the check is done."
                )
                continue
            if version not in self.versions:
                self.versions.insert(0, version)
            if code == EXTRA:
                self.extra.add(key)
            else:
                self.chosen[code] = key

    def missing(self) -> list[RequiredDocument]:
        return [d for d in self.required if not d.is_optional and d.code not in self.chosen]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "doc": d,
                "chosen": self.chosen.get(d.code, ""),
                "error": self.errors.get(d.code, ""),
                "choices": sorted(self.versions, key=lambda v: (v.document.kind != _locker_kind(d.code), v.document.kind)),
            }
            for d in self.required
        ]

    def extra_choices(self) -> list[tuple[DocumentVersion, bool]]:
        in_required = set(self.chosen.values())
        return [(v, str(v.public_id) in self.extra) for v in self.versions if str(v.public_id) not in in_required]


def _schema_form(application: Application, request: HttpRequest | None, *, initial: dict[str, Any]) -> Any:
    schema = application.service.form_schema or {}
    data = request.POST if request is not None else None
    return build_form(schema, data=data, initial_data=initial, prefix=FORM_PREFIX, language=_language())


@require_http_methods(["GET", "POST"])
@citizen_required
def edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    try:
        application = selectors.application_get(request.user, public_id)
    except NotFound:
        raise Http404() from None
    if application.applicant_id != request.user.pk:
        raise Http404()
    if not application.is_draft:
        # A second click on "submit" lands where the first went.
        return redirect("applications:detail", public_id=application.public_id)
    service = application.service
    schema = service.form_schema or {}
    required = selectors.uploadable_documents(service)
    documents = _Documents(request, application, required)
    outdated = application.service_version != service.version

    if request.method == "GET":
        initial = application.form_data or prefill(schema, _profile_values(request.user))
        form = _schema_form(application, None, initial=initial)
        if outdated and application.form_data:
            stored_errors = validate_data(schema, application.form_data)
            if stored_errors:
                show_stored_errors(form, stored_errors)
        applicant_form = ApplicantForm(
            initial={
                "for_whom": FOR_SELF if application.for_self else FOR_OTHER,
                "other_name": application.other_name,
                "other_mobile": application.other_mobile,
            }
        )
        return _render_edit(request, application, form, applicant_form, documents, outdated=outdated)

    action = request.POST.get("action", "save")
    form = _schema_form(application, request, initial={})
    applicant_form = ApplicantForm(request.POST)
    documents.read_post()
    uploads = documents.uploads()
    try:
        check_attachment_count(documents.count_with(uploads))
    except DomainError as exc:
        documents.general_error = str(exc.message)
        form.is_valid()
        applicant_form.is_valid()
        return _render_edit(request, application, form, applicant_form, documents, status=400)
    documents.do_uploads(uploads)
    schema_ok = form.is_valid() and not form.has_errors()
    applicant_ok = applicant_form.is_valid()
    for_self, other_name, other_mobile = applicant_form.draft_values()
    answers = form.cleaned_data["data"] if schema_ok else posted_values(form)
    try:
        services.application_update_draft(
            actor=request.user,
            application=application,
            for_self=for_self,
            other_name=other_name,
            other_mobile=other_mobile,
            form_data=answers,
            attachments=documents.selected(),
        )
    except NotADraft:
        return redirect("applications:detail", public_id=application.public_id)
    except DomainError as exc:
        documents.general_error = str(exc.message)
        return _render_edit(request, application, form, applicant_form, documents, status=400)

    if action != "submit":
        if documents.errors:
            return _render_edit(request, application, form, applicant_form, documents, status=400, saved=True)
        messages.success(request, _("Your draft is saved. You can continue it later from “My applications”."))
        return redirect("applications:edit", public_id=application.public_id)

    missing = documents.missing()
    for doc in missing:
        documents.errors.setdefault(doc.code, _("This document is required. Choose it from your locker or upload it."))
    if not (schema_ok and applicant_ok) or documents.errors:
        return _render_edit(request, application, form, applicant_form, documents, status=400, saved=True)
    # --- Identity check (issue 6, sheba.identity): asked BEFORE the submit transaction. A mismatch
    # marks the fields and shows the form again (the draft is saved); a register that does not
    # answer lets the application in, waiting for the check.
    from sheba.identity.services import IdentityMismatch, identity_precheck

    try:
        identity = identity_precheck(application=application)
    except IdentityMismatch as exc:
        for name, message in exc.field_errors.items():
            if name in form.fields:
                form.add_error(name, message)
        documents.general_error = str(exc.message)
        return _render_edit(request, application, form, applicant_form, documents, status=400, saved=True)
    except DomainError as exc:
        documents.general_error = str(exc.message)
        return _render_edit(request, application, form, applicant_form, documents, status=400, saved=True)
    # --- end of the identity check
    try:
        submitted = services.application_submit(
            actor=request.user, application=application, submission_token=request.POST.get("submission_token", ""),
            identity=identity,
        )
    except NotADraft:
        return redirect("applications:detail", public_id=application.public_id)
    except DomainError as exc:
        documents.general_error = str(exc.message)
        return _render_edit(request, application, form, applicant_form, documents, status=400, saved=True)
    messages.success(
        request,
        _("Your application is submitted. Your tracking number is %(number)s; we have sent it to you by SMS.")
        % {"number": submitted.tracking_display},
    )
    if identity is not None and not identity.passed:  # identity check (issue 6): the register was down
        messages.warning(request, str(identity.waiting_message))
    return redirect("applications:detail", public_id=submitted.public_id)


def _render_edit(
    request: HttpRequest,
    application: Application,
    form: Any,
    applicant_form: ApplicantForm,
    documents: _Documents,
    *,
    status: int = 200,
    outdated: bool = False,
    saved: bool = False,
) -> HttpResponse:
    service = application.service
    fee = selectors.fee_at(service, application.office)
    return render(
        request,
        "applications/edit.html",
        {
            "application": application,
            "service": service,
            "fee": fee,
            "form": form,
            "applicant_form": applicant_form,
            "documents": documents.rows(),
            "extra_choices": documents.extra_choices(),
            "documents_error": documents.general_error,
            "counter_documents": selectors.counter_documents(service),
            "accept": ACCEPT,
            "outdated": outdated,
            "saved": saved,
            "has_errors": status >= 400,
        },
        status=status,
    )


# --- Dashboard and detail -------------------------------------------------------------------


_URL_ID = uuid.UUID(int=0)


_DRAFT_ROW = '\n    <li><a href="{}">{}</a>\n      <span class="hint">{}</span></li>\n  '
_SUBMITTED_ROW = (
    '\n      <tr><td><a href="{}" class="nowrap">{}</a></td>\n        <td>{}</td>\n'
    '        <td>{}</td>\n        <td><span class="badge">{}</span></td>\n'
    "        <td>{}</td></tr>\n    "
)


def _dashboard_html(rows: list[dict[str, Any]]) -> tuple[SafeString, SafeString]:
    """The drafts list and the submitted applications' table rows of «My applications», built
    here in one pass (the rows are the only per-user part of the page; see ``mine``). Every
    value is HTML-escaped (``html.escape``, as Django's ``escape``)."""
    name = 1 if _language() == "en" else 0
    # Each row's links: reverse once, then put the row's id in (cheaper than a reverse per row).
    edit_url = reverse("applications:edit", args=[_URL_ID]).replace(str(_URL_ID), "{}")
    detail_url = reverse("applications:detail", args=[_URL_ID]).replace(str(_URL_ID), "{}")
    continue_text = _("Continue: %(service)s, %(office)s")
    saved_text = _("saved %(day)s")
    drafts: list[str] = []
    others: list[str] = []
    for row in rows:
        if row["status"] == Status.DRAFT:
            drafts.append(
                _DRAFT_ROW.format(
                    escape(edit_url.format(row["public_id"])),
                    escape(continue_text % {"service": row["service"][name], "office": row["office"][name]}),
                    escape(saved_text % {"day": day(row["updated_at"])}),
                )
            )
        else:
            others.append(
                _SUBMITTED_ROW.format(
                    escape(detail_url.format(row["public_id"])),
                    escape(tracking.display(row["tracking_number"]) if row["tracking_number"] else ""),
                    escape(row["service"][name]),
                    escape(row["holder_office"][name] or row["office"][name]),
                    escape(selectors.status_label(row["status"])),
                    escape(day(row["due_on"]) or "—"),
                )
            )
    return mark_safe("".join(drafts)), mark_safe("".join(others))  # noqa: S308 (every value escaped above)


@require_GET
@citizen_required
def mine(request: HttpRequest) -> HttpResponse:
    """«My applications»: drafts and submitted applications at every office, by status.

    One indexed query for the rows; the page around them comes from its pre-rendered frame
    (sheba.core.templatetags.frames), the rows are slots."""
    status = request.GET.get("status") or ""
    if status not in selectors.STATUS_VALUES:
        status = ""
    drafts, others = _dashboard_html(selectors.dashboard_rows(request.user, status=status or None))
    slots: dict[str, Any] = {}
    if drafts:
        slots["drafts"] = drafts
    if others:
        slots["others"] = others
    return render_frame(
        request,
        "applications/mine.html",
        {"status": status, "statuses": Status.choices},
        slots=slots,
        variant=(status, bool(drafts), bool(others)),
    )


@require_GET
@citizen_required
def detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    try:
        application = selectors.application_get(request.user, public_id)
    except NotFound:
        raise Http404() from None
    if application.applicant_id != request.user.pk:
        raise Http404()
    from sheba.catalog.forms_engine import enum_label, ordered_properties, text_in

    schema = application.service.form_schema or {}
    answers = []
    for name, spec in ordered_properties(schema):
        value = (application.form_data or {}).get(name)
        if value in (None, "", []):
            continue
        if spec.get("type") == "array":
            items = spec.get("items") or {}
            rows = [
                ", ".join(
                    f"{text_in(sub_spec, 'label')}: {row.get(sub)}"
                    for sub, sub_spec in ordered_properties(items)
                    if isinstance(row, dict) and row.get(sub) not in (None, "")
                )
                for row in value
                if isinstance(row, dict)
            ]
            answers.append((text_in(spec, "label"), rows))
        elif spec.get("type") == "boolean":
            answers.append((text_in(spec, "label"), [_("Yes") if value else _("No")]))
        elif "enum" in spec:
            answers.append((text_in(spec, "label"), [enum_label(spec, value)]))
        else:
            answers.append((text_in(spec, "label"), [str(value)]))
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "events": selectors.application_history(application),
            "attachments": selectors.application_attachments(application),
            "answers": answers,
            "fee": selectors.fee_at(application.service, application.office),
        },
    )


# --- Public status --------------------------------------------------------------------------


def _status_page(request: HttpRequest, *, number: str, error: str = "", result: dict[str, str] | None = None,
                 status: int = 200) -> HttpResponse:
    """The status page from its pre-rendered frame (sheba.core.templatetags.frames): every
    value shown is a slot, so the frame holds nothing of anyone's application."""
    slots: dict[str, Any] = {"number": number}
    if error:
        slots["error"] = error
    if result:
        slots["result"] = result
    return render_frame(
        request,
        "applications/status.html",
        {"example": tracking.EXAMPLE},
        slots=slots,
        variant=(bool(error), tuple(result) if result else ()),
        status=status,
    )


def _refused(request: HttpRequest, number: str, wait: int) -> HttpResponse:
    error = _("Too many lookups from your connection. Please wait %(seconds)s seconds and try again.") % {
        "seconds": to_bn_digits(wait) if _language() == "bn" else wait
    }
    response = _status_page(request, number=number, error=error, status=429)
    response["Retry-After"] = str(wait)
    return response


@require_GET
def status(request: HttpRequest) -> HttpResponse:
    """«আবেদনের সর্বশেষ অবস্থা জানুন»: status, holding office and expected date by tracking number.

    Cheap on purpose: no session, one indexed query on the unique tracking number (office and
    service names from a per-process cache), the page from its pre-rendered frame. Against
    enumeration (see ``sheba.applications.throttle``) unsuccessful lookups are counted per
    address; past the limit the address gets 429 with Retry-After for every lookup, found or not.
    """
    raw = request.GET.get("number")
    number = (raw or "")[:64]
    if raw is None or not raw.strip():
        return _status_page(request, number=number)
    address = request.META.get("REMOTE_ADDR") or "unknown"
    wait = throttle.blocked_for(address)
    if wait:
        return _refused(request, number, wait)
    row = None
    error = ""
    http_status = 400
    try:
        canonical = tracking.parse(raw)
        row = selectors.public_status(canonical)
        if row is None:
            raise tracking.TrackingNumberUnknown()
    except DomainError as exc:
        error = str(exc.message)
        http_status = exc.status
    if row is None:
        wait = throttle.count_failure(address)
        if wait:
            return _refused(request, number, wait)
        return _status_page(request, number=number, error=error, status=http_status)
    english = _language() == "en"
    result = {
        "tracking_number": tracking.display(canonical),
        "service": ((row["service__name_en"] or row["service__name_bn"]) if english else row["service__name_bn"]) or "",
        "status_label": selectors.status_label(row["status"]),
        "office": ((row["holder_office__name_en"] or row["holder_office__name_bn"]) if english
                   else row["holder_office__name_bn"]) or "—",
    }
    if row["submitted_at"]:
        result["submitted"] = day(row["submitted_at"])
    if row["due_on"]:
        result["due"] = dualdate(row["due_on"])
    return _status_page(request, number=number, result=result)
