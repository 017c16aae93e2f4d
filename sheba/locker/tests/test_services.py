"""Uploading through the service: storage, versions, scanning (fail closed), deletion."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import struct
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from django_tasks_db.models import DBTaskResult
from PIL import Image

from sheba.audit.models import AuditEvent
from sheba.core.errors import Conflict, InvalidInput, NotFound
from sheba.locker import scanning, selectors, services
from sheba.locker.checks import UploadRefused
from sheba.locker.models import Document, DocumentKind, DocumentVersion, ScanStatus
from sheba.locker.scanning import EICAR, ClamdScanner, ScannerError, ScanVerdict
from sheba.locker.services import (
    UploadInfected,
    document_delete,
    document_replace,
    document_upload,
    version_scan,
)
from sheba.locker.tests.helpers import (
    SECRET_EXIF,
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


class BrokenScanner:
    def scan(self, data):
        raise ScannerError("scanner down")


class CrashingScanner:
    def scan(self, data):
        raise RuntimeError("bug inside the scanner")


class SilentScanner:
    def scan(self, data):
        return None


class CleanScanner:
    def scan(self, data):
        return ScanVerdict(infected=False)


HERE = "sheba.locker.tests.test_services."


def test_pdf_upload_stored_outside_static_under_generated_name(media_root):
    rahim = make_citizen()
    data = pdf_bytes()
    version = document_upload(actor=rahim, owner=rahim, kind="nid_copy",
                              uploaded_file=upload("../../static/evil.pdf", data), title="  My NID  ")
    document = version.document
    assert (document.owner, document.kind, document.title) == (rahim, "nid_copy", "My NID")
    assert (version.number, version.content_type, version.size, version.sha256) == (
        1, "application/pdf", len(data), hashlib.sha256(data).hexdigest())
    assert (version.scan_status, version.is_usable, version.original_name) == ("clean", True, "evil.pdf")
    assert version.created_by == rahim and version.scanned_at is not None
    path = services.storage_path(version.storage_name)
    assert path.read_bytes() == data
    assert stored_files(media_root) == [path]
    assert media_root in path.parents
    assert "evil" not in version.storage_name and version.storage_name.startswith("locker/")
    assert Path(version.storage_name).suffix == ".pdf"
    static_dirs = [Path(p).resolve() for p in django_settings.STATICFILES_DIRS] + [Path(django_settings.STATIC_ROOT)]
    assert all(static not in path.parents for static in static_dirs)
    assert oct(path.stat().st_mode & 0o777) == "0o640"
    event = AuditEvent.objects.get(action="locker.document_created")
    assert event.object_id == str(document.public_id) and event.data["scan"] == "clean"


def test_storage_path_stays_inside_media_root(media_root):
    with pytest.raises(NotFound):
        services.storage_path("../outside.pdf")


def test_image_stored_re_encoded_without_exif(media_root):
    rahim = make_citizen()
    version = document_upload(actor=rahim, owner=rahim, kind="photo", uploaded_file=upload("me.jpg", jpeg_bytes()))
    stored = services.storage_path(version.storage_name).read_bytes()
    assert SECRET_EXIF.encode() not in stored and b"EvilCam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {}
    assert (version.width, version.height, version.size) == (40, 30, len(stored))
    assert version.sha256 == hashlib.sha256(stored).hexdigest()


@pytest.mark.parametrize("name,data,content_type", [
    ("nid.pdf", exe_bytes(), "application/pdf"),
    ("nid.pdf", png_bytes(), "application/pdf"),
    ("nid.pdf", pdf_bytes(catalog_extra=b"/OpenAction << /S /JavaScript /JS (x) >> "), "application/pdf"),
    ("nid.pdf", pdf_bytes(pad_to=5 * 1024 * 1024 + 1), "application/pdf"),
    ("nid.exe", exe_bytes(), "application/x-msdownload"),
])
def test_refused_upload_keeps_nothing(media_root, name, data, content_type):
    rahim = make_citizen()
    with pytest.raises(UploadRefused):
        document_upload(actor=rahim, owner=rahim, kind="nid_copy", uploaded_file=upload(name, data, content_type))
    assert Document.objects.count() == 0 and DocumentVersion.objects.count() == 0
    assert stored_files(media_root) == []
    assert not AuditEvent.objects.filter(action__startswith="locker.document").exists()


def test_unknown_kind_refused(media_root):
    rahim = make_citizen()
    with pytest.raises(InvalidInput) as caught:
        document_upload(actor=rahim, owner=rahim, kind="passport", uploaded_file=upload("a.pdf", pdf_bytes()))
    with translation.override("en"):
        assert str(caught.value.message) == "Please choose what kind of document this is."
    assert stored_files(media_root) == [] and Document.objects.count() == 0


def test_only_the_owner_uploads(media_root):
    rahim, karim, officer = make_citizen(), make_citizen("+8801711000002"), make_officer()
    for actor, owner in [(karim, rahim), (officer, rahim), (officer, officer)]:
        with pytest.raises(NotFound):
            document_upload(actor=actor, owner=owner, kind="other", uploaded_file=upload("a.pdf", pdf_bytes()))
    assert Document.objects.count() == 0 and stored_files(media_root) == []


# --- versions ---------------------------------------------------------------------------------

def test_same_kind_adds_a_version_and_keeps_the_old_one(media_root):
    rahim = make_citizen()
    first = document_upload(actor=rahim, owner=rahim, kind="nid_copy", uploaded_file=upload("old.pdf", pdf_bytes()))
    second = document_upload(actor=rahim, owner=rahim, kind="nid_copy",
                             uploaded_file=upload("new.png", png_bytes()), title="Front and back")
    assert second.document == first.document
    assert [v.number for v in first.document.versions.order_by("number")] == [1, 2]
    assert second.document.title == "Front and back"
    assert first.storage_name != second.storage_name
    assert services.storage_path(first.storage_name).exists() and services.storage_path(second.storage_name).exists()
    assert Document.objects.count() == 1
    assert selectors.latest_version(first.document) == second
    assert AuditEvent.objects.filter(action="locker.version_added").count() == 1


def test_replace_adds_a_version_to_that_document(media_root):
    rahim = make_citizen()
    first = document_upload(actor=rahim, owner=rahim, kind="other", uploaded_file=upload("a.pdf", pdf_bytes()))
    second = document_replace(actor=rahim, document=first.document,
                              uploaded_file=upload("b.pdf", pdf_bytes(comment=b"%second\n")))
    third = document_replace(actor=rahim, document=first.document, uploaded_file=upload("c.jpg", jpeg_bytes()))
    assert (second.number, third.number) == (2, 3)
    assert first.document.versions.count() == 3
    assert DocumentVersion.objects.get(pk=first.pk).original_name == "a.pdf"  # old versions untouched


def test_kind_other_keeps_separate_documents(media_root):
    rahim = make_citizen()
    a = document_upload(actor=rahim, owner=rahim, kind="other", uploaded_file=upload("a.pdf", pdf_bytes()))
    b = document_upload(actor=rahim, owner=rahim, kind="other",
                        uploaded_file=upload("b.pdf", pdf_bytes(comment=b"%other\n")))
    assert a.document != b.document and a.number == b.number == 1


def test_another_citizens_document_cannot_be_replaced(media_root):
    rahim, karim = make_citizen(), make_citizen("+8801711000002")
    version = document_upload(actor=rahim, owner=rahim, kind="photo", uploaded_file=upload("a.png", png_bytes()))
    with pytest.raises(NotFound):
        document_replace(actor=karim, document=version.document, uploaded_file=upload("b.png", png_bytes()))
    assert version.document.versions.count() == 1 and len(stored_files(media_root)) == 1


@pytest.mark.parametrize("kind", ["nid_copy", "other"])
def test_the_same_file_sent_twice_at_once_is_kept_once(media_root, kind):
    """A double-clicked submit: the second upload returns the first version and stores nothing."""
    rahim = make_citizen()
    first = document_upload(actor=rahim, owner=rahim, kind=kind, uploaded_file=upload("a.png", png_bytes()))
    again = document_upload(actor=rahim, owner=rahim, kind=kind, uploaded_file=upload("a.png", png_bytes()))
    assert again == first
    assert DocumentVersion.objects.count() == 1 and Document.objects.count() == 1
    assert stored_files(media_root) == [services.storage_path(first.storage_name)]


def test_the_same_file_later_is_a_new_version(media_root, time_machine):
    rahim = make_citizen()
    time_machine.move_to("2026-11-22 10:00:00+06:00")
    first = document_upload(actor=rahim, owner=rahim, kind="photo", uploaded_file=upload("a.png", png_bytes()))
    time_machine.move_to("2026-11-22 10:05:00+06:00")
    later = document_upload(actor=rahim, owner=rahim, kind="photo", uploaded_file=upload("a.png", png_bytes()))
    assert (first.number, later.number, later.document) == (1, 2, first.document)


def test_kind_labels_in_both_languages():
    with translation.override("en"):
        assert [str(label) for label in DocumentKind.labels] == [
            "NID copy", "Photograph", "Birth certificate", "Death certificate", "Proof of trade premises",
            "Other document"]
    with translation.override("bn"):
        assert [str(label) for label in DocumentKind.labels] == [
            "এনআইডির কপি", "ছবি", "জন্ম সনদ", "মৃত্যু সনদ", "ব্যবসার স্থানের প্রমাণ", "অন্যান্য কাগজ"]


# --- the virus scanner hook -------------------------------------------------------------------

def test_eicar_infected_and_refused(media_root):
    rahim = make_citizen()
    assert scanning.EicarScanner().scan(eicar_pdf()) == ScanVerdict(infected=True, signature="Eicar-Test-Signature")
    with pytest.raises(UploadInfected) as caught:
        document_upload(actor=rahim, owner=rahim, kind="nid_copy", uploaded_file=upload("nid.pdf", eicar_pdf()))
    with translation.override("en"):
        assert str(caught.value.message) == ("Our virus check found a virus in this file, so it was not saved. "
                                             "Please check your device and upload a clean copy.")
    assert Document.objects.count() == 0 and DocumentVersion.objects.count() == 0
    assert stored_files(media_root) == []
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.data) == (
        "locker.upload_refused_infected", str(rahim.public_id), {"kind": "nid_copy"})


def test_eicar_refused_on_replace_too(media_root):
    rahim = make_citizen()
    version = document_upload(actor=rahim, owner=rahim, kind="nid_copy", uploaded_file=upload("a.pdf", pdf_bytes()))
    with pytest.raises(UploadInfected):
        document_replace(actor=rahim, document=version.document, uploaded_file=upload("b.pdf", eicar_pdf()))
    assert version.document.versions.count() == 1 and len(stored_files(media_root)) == 1


@pytest.mark.parametrize("scanner", [HERE + "BrokenScanner", HERE + "CrashingScanner", HERE + "SilentScanner",
                                     "no.such.Scanner", "clamd"])
def test_scanner_error_leaves_version_pending_never_clean(media_root, settings, scanner,
                                                          django_capture_on_commit_callbacks):
    settings.SHEBA_VIRUS_SCANNER = scanner
    settings.SHEBA_CLAMD_SOCKET = ""
    settings.SHEBA_CLAMD_HOST = ""
    rahim = make_citizen()
    with django_capture_on_commit_callbacks(execute=True):
        version = document_upload(actor=rahim, owner=rahim, kind="photo", uploaded_file=upload("a.png", png_bytes()))
    assert (version.scan_status, version.is_usable, version.scanned_at) == ("pending", False, None)
    assert version.scan_attempts == 1
    assert not selectors.usable_versions(rahim).exists()
    assert len(stored_files(media_root)) == 1
    queued = DBTaskResult.objects.get(task_path="sheba.locker.tasks.scan_version")
    assert queued.args_kwargs == {"args": [version.pk], "kwargs": {}}
    assert queued.run_after is not None


def test_pending_version_scanned_later_by_the_worker(media_root, settings):
    settings.SHEBA_VIRUS_SCANNER = HERE + "BrokenScanner"
    rahim = make_citizen()
    version = document_upload(actor=rahim, owner=rahim, kind="photo", uploaded_file=upload("a.png", png_bytes()))
    settings.SHEBA_VIRUS_SCANNER = HERE + "CleanScanner"
    assert version_scan(version_id=version.pk) == "clean"
    version.refresh_from_db()
    assert (version.scan_status, version.is_usable, version.scan_attempts) == ("clean", True, 2)
    assert version_scan(version_id=version.pk) == "clean"  # idempotent
    version.refresh_from_db()
    assert version.scan_attempts == 2


def test_pending_version_found_infected_later_loses_its_file(media_root, settings,
                                                             django_capture_on_commit_callbacks):
    settings.SHEBA_VIRUS_SCANNER = HERE + "BrokenScanner"
    rahim = make_citizen()
    version = document_upload(actor=rahim, owner=rahim, kind="nid_copy", uploaded_file=upload("a.pdf", eicar_pdf()))
    assert version.scan_status == "pending"
    settings.SHEBA_VIRUS_SCANNER = "eicar"
    with django_capture_on_commit_callbacks(execute=True):
        assert version_scan(version_id=version.pk) == "infected"
    version.refresh_from_db()
    assert (version.scan_status, version.scan_detail, version.is_usable) == (
        "infected", "Eicar-Test-Signature", False)
    assert stored_files(media_root) == []


def test_scanner_down_for_good_ends_in_error(media_root, settings):
    settings.SHEBA_VIRUS_SCANNER = HERE + "BrokenScanner"
    rahim = make_citizen()
    version = document_upload(actor=rahim, owner=rahim, kind="photo", uploaded_file=upload("a.png", png_bytes()))
    results = [version_scan(version_id=version.pk) for _ in range(services.MAX_SCAN_ATTEMPTS - 1)]
    assert results == ["pending"] * (services.MAX_SCAN_ATTEMPTS - 2) + ["error"]
    version.refresh_from_db()
    assert (version.scan_status, version.is_usable, version.scan_attempts) == (
        "error", False, services.MAX_SCAN_ATTEMPTS)
    assert version_scan(version_id=version.pk) == "error"


def test_scan_of_a_missing_version():
    assert version_scan(version_id=987654) == "missing"


# --- clamd over its socket (a stand-in daemon speaking the INSTREAM protocol) -----------------

class FakeClamd:
    def __init__(self, path: str, reply: bytes | None):
        self.received = b""
        self.reply = reply
        self.path = path
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(1)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        conn, _ = self.server.accept()
        with conn:
            command = b""
            while not command.endswith(b"\0"):
                command += conn.recv(1)
            assert command == b"zINSTREAM\0"
            while True:
                size = struct.unpack("!L", self._exact(conn, 4))[0]
                if size == 0:
                    break
                self.received += self._exact(conn, size)
            reply = self.reply
            if reply is None:
                reply = b"stream: Eicar-Signature FOUND\0" if EICAR in self.received else b"stream: OK\0"
            conn.sendall(reply)

    @staticmethod
    def _exact(conn, size):
        data = b""
        while len(data) < size:
            data += conn.recv(size - len(data))
        return data

    def close(self):
        self.thread.join(timeout=5)
        self.server.close()
        os.unlink(self.path)


@pytest.fixture
def clamd_socket(tmp_path):
    return str(tmp_path / "clamd.sock")


def test_clamd_clean_and_found(clamd_socket):
    data = pdf_bytes(pad_to=200_000)
    fake = FakeClamd(clamd_socket, None)
    assert ClamdScanner(unix_socket=clamd_socket).scan(data) == ScanVerdict(infected=False)
    fake.close()
    assert fake.received == data  # sent whole, in length-prefixed chunks
    fake = FakeClamd(clamd_socket, None)
    assert ClamdScanner(unix_socket=clamd_socket).scan(eicar_pdf()) == ScanVerdict(
        infected=True, signature="Eicar-Signature")
    fake.close()


@pytest.mark.parametrize("reply", [b"INSTREAM size limit exceeded. ERROR\0", b"", b"stream: something odd\0"])
def test_clamd_errors_are_scanner_errors(clamd_socket, reply):
    fake = FakeClamd(clamd_socket, reply)
    with pytest.raises(ScannerError):
        ClamdScanner(unix_socket=clamd_socket).scan(pdf_bytes())
    fake.close()


def test_clamd_unreachable_is_a_scanner_error(clamd_socket):
    with pytest.raises(ScannerError):
        ClamdScanner(unix_socket=clamd_socket, timeout=1).scan(pdf_bytes())
    with pytest.raises(ScannerError):
        ClamdScanner()


def test_clamd_setting_used_for_uploads(media_root, settings, clamd_socket):
    settings.SHEBA_VIRUS_SCANNER = "clamd"
    settings.SHEBA_CLAMD_SOCKET = clamd_socket
    rahim = make_citizen()
    fake = FakeClamd(clamd_socket, None)
    with pytest.raises(UploadInfected):
        document_upload(actor=rahim, owner=rahim, kind="nid_copy", uploaded_file=upload("a.pdf", eicar_pdf()))
    fake.close()
    fake = FakeClamd(clamd_socket, None)
    version = document_upload(actor=rahim, owner=rahim, kind="nid_copy", uploaded_file=upload("a.pdf", pdf_bytes()))
    fake.close()
    assert version.scan_status == ScanStatus.CLEAN
    # clamd gone: the next upload is kept but pending.
    version = document_upload(actor=rahim, owner=rahim, kind="nid_copy",
                              uploaded_file=upload("b.pdf", pdf_bytes(comment=b"%second\n")))
    assert version.scan_status == ScanStatus.PENDING


# --- delete -----------------------------------------------------------------------------------

def test_owner_deletes_document_versions_and_files(media_root, django_capture_on_commit_callbacks):
    rahim = make_citizen()
    version = document_upload(actor=rahim, owner=rahim, kind="nid_copy", uploaded_file=upload("a.pdf", pdf_bytes()))
    document_replace(actor=rahim, document=version.document,
                     uploaded_file=upload("b.pdf", pdf_bytes(comment=b"%second\n")))
    keep = document_upload(actor=rahim, owner=rahim, kind="photo", uploaded_file=upload("c.png", png_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(actor=rahim, document=version.document)
    assert list(Document.objects.all()) == [keep.document]
    assert stored_files(media_root) == [services.storage_path(keep.storage_name)]
    assert AuditEvent.objects.get(action="locker.document_deleted").data == {"kind": "nid_copy", "versions": 2}


def test_document_in_use_cannot_be_deleted(media_root, monkeypatch, django_capture_on_commit_callbacks):
    rahim = make_citizen()
    version = document_upload(actor=rahim, owner=rahim, kind="nid_copy", uploaded_file=upload("a.pdf", pdf_bytes()))
    assert selectors.version_in_use(version) is False
    monkeypatch.setattr(selectors, "version_in_use", lambda v: v.pk == version.pk)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict) as caught:
        document_delete(actor=rahim, document=version.document)
    with translation.override("en"):
        assert str(caught.value.message) == ("An application uses this document, so it cannot be deleted. "
                                             "You can upload a new version instead.")
    assert Document.objects.count() == 1 and len(stored_files(media_root)) == 1


def test_only_the_owner_deletes(media_root):
    rahim, karim, officer = make_citizen(), make_citizen("+8801711000002"), make_officer()
    version = document_upload(actor=rahim, owner=rahim, kind="nid_copy", uploaded_file=upload("a.pdf", pdf_bytes()))
    for actor in (karim, officer):
        with pytest.raises(NotFound):
            document_delete(actor=actor, document=version.document)
    assert Document.objects.count() == 1 and len(stored_files(media_root)) == 1


# --- concurrency ------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_two_first_uploads_of_one_kind_at_once_make_one_document_with_two_versions(media_root):
    from django.db import connection

    rahim = make_citizen()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def send(marker: bytes):
        try:
            barrier.wait(timeout=10)
            results.append(document_upload(actor=rahim, owner=rahim, kind="nid_copy",
                                           uploaded_file=upload("a.pdf", pdf_bytes(comment=marker))))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(marker,)) for marker in (b"%one\n", b"%two\n")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Document.objects.count() == 1
    assert sorted(DocumentVersion.objects.values_list("number", flat=True)) == [1, 2]
    assert len(stored_files(media_root)) == 2


def test_demo_nid_copy_is_a_clean_checked_pdf_and_idempotent(media_root):
    from sheba.locker.demo import demo_nid_copy

    rahim = make_citizen()
    first = demo_nid_copy(rahim)
    assert (first.document.kind, first.content_type, first.scan_status) == ("nid_copy", "application/pdf", "clean")
    assert demo_nid_copy(rahim) == first
    assert DocumentVersion.objects.count() == 1
