"""The citizen's locker pages: list, upload, a document's versions, replace, delete, download.

Citizens only: anonymous visitors sign in first; officers get 404 (they will see documents only
through the applications they handle). Someone else's document answers 404 exactly like a
missing one, because every lookup goes through ``selectors``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sheba.core.errors import DomainError, NotFound
from sheba.locker import selectors, services
from sheba.locker.checks import MAX_FILES_PER_APPLICATION, STORED_EXTENSION, max_file_bytes
from sheba.locker.forms import ReplaceForm, UploadForm
from sheba.locker.models import DocumentVersion, ScanStatus


def citizen_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in citizens; anonymous visitors are sent to sign in; officers get 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_citizen:
            raise Http404()
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None

    return wrapper


def _limits() -> dict[str, int]:
    return {"max_megabytes": max_file_bytes() // (1024 * 1024), "max_files": MAX_FILES_PER_APPLICATION}


def _saved_message(request: HttpRequest, version: DocumentVersion) -> None:
    if version.scan_status == ScanStatus.CLEAN:
        messages.success(request, _("Your document has been saved in your locker."))
    else:
        messages.warning(request, _("Your file has been saved, but the virus check could not run just now. "
                                    "You can use the file once the check has passed; we will try again shortly."))


@require_GET
@citizen_only
def locker_list(request: HttpRequest) -> HttpResponse:
    documents = list(selectors.locker_of(request.user))
    issued = list(selectors.issued_documents_of(request.user))
    return render(request, "locker/list.html", {"documents": documents, "issued": issued, **_limits()})


@require_http_methods(["GET", "POST"])
@citizen_only
def document_upload(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    form = UploadForm(request.POST or None, request.FILES or None, initial={"kind": kind} if kind else None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.document_upload(
                actor=request.user, owner=request.user, kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"], title=form.cleaned_data["title"],
            )
        except DomainError as error:
            form.add_error("file", str(error.message))
        else:
            _saved_message(request, version)
            return redirect("locker:detail", document_id=version.document.public_id)
    return render(request, "locker/upload.html", {"form": form, **_limits()})


@require_GET
@citizen_only
def document_detail(request: HttpRequest, document_id: Any) -> HttpResponse:
    document = selectors.document_get(request.user, document_id)
    versions = list(document.versions.order_by("-number"))
    return render(request, "locker/detail.html", {"document": document, "versions": versions,
                                                  "in_use": selectors.document_in_use(document)})


@require_http_methods(["GET", "POST"])
@citizen_only
def document_replace(request: HttpRequest, document_id: Any) -> HttpResponse:
    document = selectors.document_get(request.user, document_id)
    form = ReplaceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.document_replace(actor=request.user, document=document,
                                                 uploaded_file=form.cleaned_data["file"])
        except DomainError as error:
            form.add_error("file", str(error.message))
        else:
            _saved_message(request, version)
            return redirect("locker:detail", document_id=document.public_id)
    return render(request, "locker/replace.html", {"document": document, "form": form, **_limits()})


@require_http_methods(["GET", "POST"])
@citizen_only
def document_delete(request: HttpRequest, document_id: Any) -> HttpResponse:
    document = selectors.document_get(request.user, document_id)
    error_message = ""
    if request.method == "POST":
        try:
            services.document_delete(actor=request.user, document=document)
        except DomainError as error:
            error_message = str(error.message)
        else:
            messages.success(request, _("The document and all its versions have been deleted."))
            return redirect("locker:list")
    return render(request, "locker/delete.html", {
        "document": document,
        "error_message": error_message,
        "in_use": selectors.document_in_use(document),
        "version_count": document.versions.count(),
    }, status=409 if error_message else 200)


def download_name(version: DocumentVersion) -> str:
    """The name the browser saves under: the uploader's name with the stored type's extension."""
    stem, extension = os.path.splitext(version.original_name)
    wanted = STORED_EXTENSION.get(version.content_type, "")
    if extension.lower() in {".jpg", ".jpeg", ".jpe"} and wanted == ".jpg":
        return version.original_name
    return f"{stem or 'document'}{wanted}" if extension.lower() != wanted else version.original_name


def version_file_response(version: DocumentVersion) -> FileResponse:
    """The bytes of a clean version as a download that no browser will render or sniff.

    For every view that serves locker files (the applications and officer views reuse it, after
    authorising through ``selectors.versions_visible_to``).
    """
    if not version.is_usable:
        raise NotFound()
    handle = open(services.storage_path(version.storage_name), "rb")  # noqa: SIM115 (FileResponse closes it)
    response = FileResponse(handle, as_attachment=True, filename=download_name(version),
                            content_type=version.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@citizen_only
def version_download(request: HttpRequest, version_id: Any) -> HttpResponseBase:
    version = selectors.version_get(request.user, version_id)
    if not version.is_usable:
        messages.error(request, _("This file cannot be downloaded: it has not passed the virus check."))
        return redirect("locker:detail", document_id=version.document.public_id)
    try:
        return version_file_response(version)
    except FileNotFoundError:
        raise Http404() from None
