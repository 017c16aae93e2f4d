"""The locker pages: upload without JavaScript, refusals that keep the form, downloads, access matrix."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from sheba.locker import services
from sheba.locker.models import Document, DocumentVersion
from sheba.locker.tests.helpers import (
    client_for,
    eicar_pdf,
    exe_bytes,
    jpeg_bytes,
    make_citizen,
    make_officer,
    pdf_bytes,
    png_bytes,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies["sheba_language"] = "en"
    return client


def text(response) -> str:
    return response.content.decode()


# --- pages ------------------------------------------------------------------------------------

def test_empty_locker_page_in_bengali(media_root):
    response = client_for(make_citizen()).get(reverse("locker:list"))
    assert response.status_code == 200
    body = text(response)
    assert "<h1>আমার কাগজপত্র</h1>" in body
    assert "আপনার লকার খালি।" in body
    assert "সর্বোচ্চ ৫ এমবি" in body
    assert response["Cache-Control"] == "no-store"


def test_upload_form_works_without_javascript(media_root):
    response = english(client_for(make_citizen())).get(reverse("locker:upload"))
    body = text(response)
    assert 'enctype="multipart/form-data"' in body and 'method="post"' in body
    assert 'accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"' in body
    assert '<label for="id_file">File:</label>' in body
    assert 'aria-describedby="id_file_helptext"' in body
    assert "<option value=\"nid_copy\">NID copy</option>" in body


def test_upload_then_listed_with_version(media_root):
    rahim = make_citizen()
    client = english(client_for(rahim))
    response = client.post(reverse("locker:upload"), {"kind": "nid_copy", "title": "Mine",
                                                      "file": upload("nid.pdf", pdf_bytes())})
    version = DocumentVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("locker:detail", args=[version.document.public_id])
    page = client.get(response["Location"])
    assert "Your document has been saved in your locker." in text(page)
    assert "NID copy: Mine" in text(page)
    listing = text(client.get(reverse("locker:list")))
    assert "nid.pdf" in listing and reverse("locker:download", args=[version.public_id]) in listing


def test_upload_preselects_kind_from_query(media_root):
    body = text(english(client_for(make_citizen())).get(reverse("locker:upload") + "?kind=photo"))
    assert '<option value="photo" selected>Photograph</option>' in body


@pytest.mark.parametrize("name,data,message_en", [
    ("nid.pdf", exe_bytes(), "This file&#x27;s name ends in .pdf but its content is not a PDF file."),
    ("nid.pdf", png_bytes(), "This file&#x27;s name ends in .pdf but its content is not a PDF file."),
    ("nid.pdf", pdf_bytes(pad_to=5 * 1024 * 1024 + 1), "This file is larger than 5 MB."),
    ("nid.pdf", eicar_pdf(), "Our virus check found a virus in this file, so it was not saved."),
    ("nid.pdf", pdf_bytes(catalog_extra=b"/OpenAction << /S /JavaScript /JS (x) >> "), "This PDF contains JavaScript"),
    ("nid.docx", b"PK\x03\x04 word", "Only PDF, JPEG and PNG files can be uploaded."),
])
def test_refusal_on_the_same_page_keeps_the_rest(media_root, name, data, message_en):
    rahim = make_citizen()
    client = english(client_for(rahim))
    response = client.post(reverse("locker:upload"), {"kind": "birth_certificate", "title": "Baba's <b>card</b>",
                                                      "file": upload(name, data)})
    assert response.status_code == 200
    body = text(response)
    assert message_en in body
    assert 'role="alert"' in body
    assert '<option value="birth_certificate" selected>Birth certificate</option>' in body
    assert 'value="Baba&#x27;s &lt;b&gt;card&lt;/b&gt;"' in body  # kept, and escaped
    assert "please choose it again" in body
    assert 'aria-invalid="true"' in body
    assert Document.objects.count() == 0 and stored_files(media_root) == []


def test_refusal_in_bengali(media_root):
    client = client_for(make_citizen())
    response = client.post(reverse("locker:upload"), {"kind": "nid_copy", "file": upload("nid.pdf", exe_bytes())})
    assert "ফাইলের নাম .pdf দিয়ে শেষ হলেও এর ভেতরের বিষয়বস্তু PDF ফাইল নয়।" in text(response)
    response = client.post(reverse("locker:upload"), {"kind": "nid_copy",
                                                      "file": upload("big.pdf", pdf_bytes(pad_to=5 * 1024 * 1024 + 1))})
    assert "ফাইলটি ৫ এমবির চেয়ে বড়।" in text(response)


def test_missing_file_and_kind(media_root):
    response = english(client_for(make_citizen())).post(reverse("locker:upload"), {"kind": "", "title": "x"})
    body = text(response)
    assert response.status_code == 200
    assert "Please choose a file to upload." in body
    assert "Please choose what kind of document this is." in body
    assert 'value="x"' in body


def test_unknown_kind_posted(media_root):
    response = english(client_for(make_citizen())).post(
        reverse("locker:upload"), {"kind": "passport", "file": upload("a.pdf", pdf_bytes())})
    assert response.status_code == 200
    assert "Please choose what kind of document this is." in text(response)
    assert Document.objects.count() == 0


def test_scanner_down_keeps_file_pending_and_says_so(media_root, settings):
    settings.SHEBA_VIRUS_SCANNER = "sheba.locker.tests.test_services.BrokenScanner"
    rahim = make_citizen()
    client = english(client_for(rahim))
    response = client.post(reverse("locker:upload"), {"kind": "photo", "file": upload("me.png", png_bytes())},
                           follow=True)
    body = text(response)
    assert "the virus check could not run just now" in body
    assert "Waiting for the virus check" in body
    version = DocumentVersion.objects.get()
    assert reverse("locker:download", args=[version.public_id]) not in body
    download = client.get(reverse("locker:download", args=[version.public_id]))
    assert download.status_code == 302
    assert download["Location"] == reverse("locker:detail", args=[version.document.public_id])
    assert "Content-Disposition" not in download


def test_double_clicked_upload_keeps_one_version(media_root):
    client = client_for(make_citizen())
    for _ in range(2):
        response = client.post(reverse("locker:upload"), {"kind": "photo", "file": upload("me.png", png_bytes())})
        assert response.status_code == 302
    assert DocumentVersion.objects.count() == 1 and len(stored_files(media_root)) == 1


def test_replace_adds_version_through_the_page(media_root):
    rahim = make_citizen()
    first = services.document_upload(actor=rahim, owner=rahim, kind="photo", uploaded_file=upload("a.png", png_bytes()))
    client = english(client_for(rahim))
    url = reverse("locker:replace", args=[first.document.public_id])
    assert 'accept="' in text(client.get(url))
    response = client.post(url, {"file": upload("b.jpg", jpeg_bytes())})
    assert response.status_code == 302
    assert list(first.document.versions.order_by("number").values_list("number", "original_name")) == [
        (1, "a.png"), (2, "b.jpg")]
    refused = client.post(url, {"file": upload("c.png", exe_bytes())})
    assert refused.status_code == 200 and "not a PNG file" in text(refused)
    assert first.document.versions.count() == 2


def test_delete_through_the_page(media_root):
    rahim = make_citizen()
    version = services.document_upload(actor=rahim, owner=rahim, kind="photo",
                                       uploaded_file=upload("a.png", png_bytes()))
    client = english(client_for(rahim))
    url = reverse("locker:delete", args=[version.document.public_id])
    assert "This deletes the document and its 1 version for good." in text(client.get(url))
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("locker:list")
    assert Document.objects.count() == 0


def test_delete_refused_when_in_use(media_root, monkeypatch):
    from sheba.locker import selectors

    rahim = make_citizen()
    version = services.document_upload(actor=rahim, owner=rahim, kind="photo",
                                       uploaded_file=upload("a.png", png_bytes()))
    monkeypatch.setattr(selectors, "version_in_use", lambda v: True)
    client = english(client_for(rahim))
    url = reverse("locker:delete", args=[version.document.public_id])
    detail = text(client.get(reverse("locker:detail", args=[version.document.public_id])))
    assert url not in detail and "An application uses this document, so it cannot be deleted." in detail
    response = client.post(url)
    assert response.status_code == 409
    assert "An application uses this document, so it cannot be deleted." in text(response)
    assert Document.objects.count() == 1


# --- download ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name,data,content_type,saved_as", [
    ("nid.pdf", pdf_bytes(), "application/pdf", "nid.pdf"),
    ("me.JPEG", jpeg_bytes(), "image/jpeg", "me.JPEG"),
    ("scan.png", png_bytes(), "image/png", "scan.png"),
])
def test_download_headers(media_root, name, data, content_type, saved_as):
    rahim = make_citizen()
    version = services.document_upload(actor=rahim, owner=rahim, kind="other", uploaded_file=upload(name, data))
    response = client_for(rahim).get(reverse("locker:download", args=[version.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{saved_as}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body == services.storage_path(version.storage_name).read_bytes()
    assert int(response["Content-Length"]) == version.size


def test_download_name_is_never_a_path_or_header_injection(media_root):
    rahim = make_citizen()
    version = services.document_upload(actor=rahim, owner=rahim, kind="other",
                                       uploaded_file=upload('x"\r\nSet-Cookie: a=b;.pdf', pdf_bytes()))
    response = client_for(rahim).get(reverse("locker:download", args=[version.public_id]))
    assert "\n" not in response["Content-Disposition"] and "\r" not in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Set-Cookie" not in response or "a=b" not in response["Set-Cookie"]


def test_bengali_file_name_downloads(media_root):
    rahim = make_citizen()
    version = services.document_upload(actor=rahim, owner=rahim, kind="other",
                                       uploaded_file=upload("জন্ম সনদ.pdf", pdf_bytes()))
    response = client_for(rahim).get(reverse("locker:download", args=[version.public_id]))
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")


# --- access matrix ----------------------------------------------------------------------------
# Actors: the owner (citizen A), another citizen (B), an officer, anonymous.
# Objects: A's document and its version. Actions: list, view, download, replace (GET, POST),
# delete (GET, POST), upload (GET). Every cell is written down; "login" = redirect to sign in.

ACTIONS = ["list", "view", "download", "replace_get", "replace_post", "delete_get", "delete_post", "upload_get"]
MATRIX = {
    "owner": {"list": 200, "view": 200, "download": 200, "replace_get": 200, "replace_post": 302,
              "delete_get": 200, "delete_post": 302, "upload_get": 200},
    "citizen_b": {"list": 200, "view": 404, "download": 404, "replace_get": 404, "replace_post": 404,
                  "delete_get": 404, "delete_post": 404, "upload_get": 200},
    "officer": {"list": 404, "view": 404, "download": 404, "replace_get": 404, "replace_post": 404,
                "delete_get": 404, "delete_post": 404, "upload_get": 404},
    "anonymous": {"list": "login", "view": "login", "download": "login", "replace_get": "login",
                  "replace_post": "login", "delete_get": "login", "delete_post": "login", "upload_get": "login"},
}


def _request(client, action, document, version):
    doc = document.public_id
    if action == "list":
        return client.get(reverse("locker:list"))
    if action == "view":
        return client.get(reverse("locker:detail", args=[doc]))
    if action == "download":
        return client.get(reverse("locker:download", args=[version.public_id]))
    if action == "replace_get":
        return client.get(reverse("locker:replace", args=[doc]))
    if action == "replace_post":
        return client.post(reverse("locker:replace", args=[doc]),
                           {"file": upload("new.pdf", pdf_bytes(comment=b"%new\n"))})
    if action == "delete_get":
        return client.get(reverse("locker:delete", args=[doc]))
    if action == "delete_post":
        return client.post(reverse("locker:delete", args=[doc]))
    return client.get(reverse("locker:upload"))


@pytest.mark.parametrize("actor", list(MATRIX))
@pytest.mark.parametrize("action", ACTIONS)
def test_access_matrix(media_root, actor, action):
    owner = make_citizen()
    people = {"owner": owner, "citizen_b": make_citizen("+8801711000002"), "officer": make_officer(),
              "anonymous": None}
    version = services.document_upload(actor=owner, owner=owner, kind="nid_copy",
                                       uploaded_file=upload("secret-nid.pdf", pdf_bytes()))
    document = version.document
    client = english(client_for(people[actor]))
    response = _request(client, action, document, version)
    expected = MATRIX[actor][action]
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    else:
        assert response.status_code == expected
    changed_versions = action == "replace_post" and actor == "owner"
    deleted = action == "delete_post" and actor == "owner"
    assert Document.objects.filter(pk=document.pk).exists() is not deleted
    assert DocumentVersion.objects.filter(document=document).count() == (0 if deleted else 2 if changed_versions else 1)
    if actor != "owner" and response.status_code == 200:
        assert "secret-nid.pdf" not in text(response)  # B's own (empty) list, never A's files
    if expected == 404:
        assert "Content-Disposition" not in response


def _without_request_id(body: str) -> str:
    """The page minus what differs between any two requests: ids in the URL, CSRF token, request id."""
    body = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", body)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "<csrf>", body)
    return re.sub(r"[0-9a-f]{12}", "<id>", body)


@pytest.mark.parametrize("action", ["view", "download", "replace_get", "delete_get"])
def test_another_citizens_document_answers_exactly_like_a_missing_one(media_root, action):
    owner, other = make_citizen(), make_citizen("+8801711000002")
    version = services.document_upload(actor=owner, owner=owner, kind="nid_copy",
                                       uploaded_file=upload("a.pdf", pdf_bytes()))
    client = english(client_for(other))
    theirs = _request(client, action, version.document, version)

    class Missing:
        public_id = uuid.uuid4()

    missing = _request(client, action, Missing, Missing)
    assert theirs.status_code == missing.status_code == 404
    assert _without_request_id(text(theirs)) == _without_request_id(text(missing))


def test_officer_sees_nothing_through_the_selectors(media_root):
    from sheba.locker import selectors

    owner, officer = make_citizen(), make_officer()
    services.document_upload(actor=owner, owner=owner, kind="nid_copy", uploaded_file=upload("a.pdf", pdf_bytes()))
    assert list(selectors.document_visible_to(officer)) == []
    assert list(selectors.versions_visible_to(officer)) == []
    assert selectors.document_visible_to(owner).count() == 1
    assert selectors.versions_visible_to(owner).count() == 1
    from django.contrib.auth.models import AnonymousUser

    assert list(selectors.document_visible_to(AnonymousUser())) == []
    owner.is_active = False
    assert list(selectors.versions_visible_to(owner)) == []


def test_stored_files_are_not_reachable_by_any_plain_url(media_root, settings):
    rahim = make_citizen()
    version = services.document_upload(actor=rahim, owner=rahim, kind="nid_copy",
                                       uploaded_file=upload("a.pdf", pdf_bytes()))
    client = client_for(rahim)
    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"
    for prefix in ("/media/", "/static/", "/private/", "/locker/", "/"):
        response = client.get(prefix + version.storage_name)
        assert response.status_code == 404, prefix
        assert "Content-Disposition" not in response
    assert str(media_root) not in text(client.get(reverse("locker:detail", args=[version.document.public_id])))
    assert version.storage_name not in text(client.get(reverse("locker:list")))
