"""Every upload rule of SECURITY.md "Uploads", at the level of the checks themselves."""

from __future__ import annotations

import io
import zlib

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from sheba.locker import checks
from sheba.locker.checks import UploadRefused, check_attachment_count, check_file
from sheba.locker.tests.helpers import (
    SECRET_EXIF,
    bomb_png,
    exe_bytes,
    flate_stream,
    header_only_bomb_png,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    upload,
)

MB5 = 5 * 1024 * 1024


def refusal(name: str, data: bytes, declared: str = "", language: str = "en") -> str:
    with translation.override(language):
        with pytest.raises(UploadRefused) as caught:
            check_file(name=name, declared_type=declared, data=data)
        return str(caught.value.message)


def test_limits_are_the_security_figures():
    assert checks.MAX_FILE_BYTES == 5_242_880
    assert checks.MAX_FILES_PER_APPLICATION == 10
    assert Image.MAX_IMAGE_PIXELS == checks.MAX_IMAGE_PIXELS == 40_000_000


# --- type: PDF, JPEG, PNG only, and content must match name and declared type ---------------

def test_pdf_accepted_unchanged():
    data = pdf_bytes()
    checked = check_file(name="nid.PDF", declared_type="application/pdf", data=data)
    assert (checked.content_type, checked.data, checked.width, checked.original_name) == (
        "application/pdf", data, None, "nid.PDF")


@pytest.mark.parametrize("name", ["photo.jpg", "photo.jpeg", "PHOTO.JPG", "photo.jpe"])
def test_jpeg_extensions_accepted(name):
    assert check_file(name=name, declared_type="image/jpeg", data=jpeg_bytes()).content_type == "image/jpeg"


@pytest.mark.parametrize("name", ["doc.gif", "doc.exe", "doc.docx", "doc", "doc.pdf.exe", "doc.svg", "doc.html"])
def test_other_extensions_refused(name):
    assert refusal(name, pdf_bytes()) == "Only PDF, JPEG and PNG files can be uploaded."


def test_gif_refused_even_named_gif():
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="GIF")
    assert refusal("a.gif", out.getvalue()) == "Only PDF, JPEG and PNG files can be uploaded."


def test_exe_renamed_pdf_refused():
    message = refusal("nid.pdf", exe_bytes(), "application/pdf")
    assert message == "This file's name ends in .pdf but its content is not a PDF file. Please upload the real document."


def test_exe_renamed_pdf_refused_in_bengali():
    message = refusal("nid.pdf", exe_bytes(), "application/pdf", language="bn")
    assert message == "ফাইলের নাম .pdf দিয়ে শেষ হলেও এর ভেতরের বিষয়বস্তু PDF ফাইল নয়। অনুগ্রহ করে আসল নথিটি আপলোড করুন।"


def test_png_named_pdf_refused():
    assert refusal("nid.pdf", png_bytes(), "application/pdf") == (
        "This file's name ends in .pdf but its content is not a PDF file. Please upload the real document.")


def test_jpeg_named_png_refused():
    assert refusal("photo.png", jpeg_bytes(), "image/png") == (
        "This file's name ends in .png but its content is not a PNG file. Please upload the real document.")


def test_pdf_named_jpg_refused():
    assert "not a JPEG file" in refusal("photo.jpg", pdf_bytes())


def test_declared_type_must_match():
    assert refusal("photo.png", png_bytes(), "application/pdf") == (
        "This file's name does not match the type your device gave for it. Please upload a PDF, JPEG or PNG file.")
    assert refusal("nid.pdf", pdf_bytes(), "text/html").startswith("This file's name does not match")


@pytest.mark.parametrize("declared", ["", "application/octet-stream", "image/x-png", "IMAGE/PNG; charset=binary"])
def test_undeclared_or_alias_types_accepted(declared):
    assert check_file(name="a.png", declared_type=declared, data=png_bytes()).content_type == "image/png"


def test_empty_file_refused():
    assert refusal("a.pdf", b"") == "This file is empty."


def test_text_named_pdf_refused():
    assert "not a PDF file" in refusal("a.pdf", b"hello, world\n" * 10)


# --- size: at most 5 MB -----------------------------------------------------------------------

def test_exactly_5_mb_accepted():
    data = pdf_bytes(pad_to=MB5)
    assert len(data) == MB5
    assert check_file(name="big.pdf", declared_type="application/pdf", data=data).data == data


def test_5_mb_plus_one_byte_refused():
    data = pdf_bytes(pad_to=MB5 + 1)
    assert refusal("big.pdf", data) == "This file is larger than 5 MB. Please upload a smaller file."
    assert refusal("big.pdf", data, language="bn") == "ফাইলটি ৫ এমবির চেয়ে বড়। অনুগ্রহ করে ছোট একটি ফাইল আপলোড করুন।"


def test_read_upload_stops_at_the_limit_without_reading_everything():
    class Lying:  # claims to be small, is not
        size = 10
        name = "a.pdf"

        def __init__(self):
            self.stream = io.BytesIO(b"%PDF-" + b"x" * MB5)
            self.asked = None

        def seek(self, pos):
            self.stream.seek(pos)

        def read(self, n=-1):
            self.asked = n
            return self.stream.read(n)

    lying = Lying()
    with pytest.raises(UploadRefused):
        checks.read_upload(lying)
    assert lying.asked == MB5 + 1
    with pytest.raises(UploadRefused):  # an honest size is refused before any read
        checks.read_upload(upload("a.pdf", b"x" * (MB5 + 1)))


# --- images: re-encoded, EXIF gone, polyglots gone, bombs refused ----------------------------

def test_jpeg_exif_removed_and_orientation_applied():
    original = jpeg_bytes((40, 30), orientation=6)
    assert SECRET_EXIF.encode() in original and b"EvilCam" in original
    checked = check_file(name="me.jpg", declared_type="image/jpeg", data=original)
    assert SECRET_EXIF.encode() not in checked.data
    assert b"EvilCam" not in checked.data and b"Exif" not in checked.data
    with Image.open(io.BytesIO(checked.data)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert image.size == (30, 40)  # turned upright: orientation 6 is a 90° rotation
    assert (checked.width, checked.height) == (30, 40)


def test_png_exif_and_text_chunks_removed():
    original = png_bytes()
    assert SECRET_EXIF.encode() in original and b"eXIf" in original
    checked = check_file(name="sign.png", declared_type="image/png", data=original)
    assert SECRET_EXIF.encode() not in checked.data
    assert b"eXIf" not in checked.data and b"tEXt" not in checked.data and b"EvilCam" not in checked.data
    with Image.open(io.BytesIO(checked.data)) as image:
        assert image.format == "PNG" and image.size == (32, 24) and dict(image.getexif()) == {}


def test_polyglot_tail_dropped():
    """A PNG with a PDF / script glued after IEND: the re-encoded file has none of it."""
    hidden = b"<script>alert(1)</script>%PDF-1.4 /JavaScript"
    checked = check_file(name="a.png", declared_type="image/png", data=png_bytes(exif=False) + hidden)
    assert hidden not in checked.data and b"script" not in checked.data
    jpeg = check_file(name="a.jpg", declared_type="image/jpeg", data=jpeg_bytes(exif=False) + hidden)
    assert b"script" not in jpeg.data


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGBA", "I;16"])
def test_png_modes_survive(mode):
    checked = check_file(name="a.png", declared_type="image/png", data=png_bytes(mode=mode, exif=False))
    with Image.open(io.BytesIO(checked.data)) as image:
        image.load()
        assert image.size == (32, 24)


def test_cmyk_jpeg_becomes_rgb():
    out = io.BytesIO()
    Image.new("CMYK", (10, 10), (0, 255, 255, 0)).save(out, format="JPEG")
    checked = check_file(name="a.jpg", declared_type="image/jpeg", data=out.getvalue())
    with Image.open(io.BytesIO(checked.data)) as image:
        assert image.mode == "RGB"


def test_decompression_bomb_refused():
    bomb = bomb_png(12_000)  # 144 megapixels in about 17 KB
    assert len(bomb) < 30_000
    message = refusal("bomb.png", bomb, "image/png")
    assert message == ("This image has too many pixels (more than 40 megapixels). "
                       "Please upload a smaller picture or a scan at a lower resolution.")


def test_header_only_bomb_refused_before_decoding():
    assert refusal("bomb.png", header_only_bomb_png(), "image/png").startswith("This image has too many pixels")


def test_pillow_guard_backs_up_the_explicit_check(settings):
    """With our own limit lifted, Pillow's MAX_IMAGE_PIXELS guard still refuses the bomb."""
    settings.SHEBA_UPLOAD_MAX_IMAGE_PIXELS = 10**12
    assert refusal("bomb.png", bomb_png(12_000), "image/png").startswith("This image has too many pixels")


def test_image_at_the_limit_accepted(settings):
    settings.SHEBA_UPLOAD_MAX_IMAGE_PIXELS = 32 * 24
    assert check_file(name="a.png", declared_type="image/png", data=png_bytes(exif=False)).width == 32
    settings.SHEBA_UPLOAD_MAX_IMAGE_PIXELS = 32 * 24 - 1
    assert refusal("a.png", png_bytes(exif=False)).startswith("This image has too many pixels")


def test_truncated_image_refused():
    data = png_bytes(exif=False)
    assert refusal("a.png", data[:60]) == "We could not read this image. Please upload another copy."
    assert refusal("a.jpg", jpeg_bytes(exif=False)[:40]) == "We could not read this image. Please upload another copy."


def test_truncated_image_refused_after_weasyprint_is_imported(monkeypatch):
    """WeasyPrint (certificates, receipts) sets Pillow's LOAD_TRUNCATED_IMAGES process-wide."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert refusal("a.png", png_bytes(exif=False)[:60]) == "We could not read this image. Please upload another copy."


# --- PDFs ---------------------------------------------------------------------------------------

PDF_ACTIVE = ("This PDF contains JavaScript, an attached file or an action that starts a program, which we do "
              "not accept. Please print it to a new PDF or scan the paper, and upload that.")


@pytest.mark.parametrize("catalog_extra", [
    b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ",
    b"/Names << /JavaScript 4 0 R >> ",
    b"/OpenAction << /S /Launch /F (cmd.exe) >> ",
    b"/Names << /EmbeddedFiles 4 0 R >> ",
    b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> ",  # #xx-escaped names
])
def test_pdf_active_content_refused(catalog_extra):
    assert refusal("a.pdf", pdf_bytes(catalog_extra=catalog_extra)) == PDF_ACTIVE


def test_pdf_embedded_file_object_refused():
    data = pdf_bytes(extra_objects=[b"<< /Type /EmbeddedFile /Length 3 >>\nstream\nabc\nendstream"])
    assert refusal("a.pdf", data) == PDF_ACTIVE


def test_pdf_javascript_hidden_in_compressed_object_stream_refused():
    hidden = flate_stream(b"4 0 << /S /JavaScript /JS (app.alert(1)) >>")
    assert refusal("a.pdf", pdf_bytes(extra_objects=[hidden])) == PDF_ACTIVE


def test_pdf_with_harmless_compressed_stream_accepted():
    content = flate_stream(b"BT /F1 12 Tf 20 100 Td (Hello) Tj ET")
    check_file(name="a.pdf", declared_type="application/pdf", data=pdf_bytes(extra_objects=[content]))


def test_pdf_stream_bomb_refused(monkeypatch):
    monkeypatch.setattr(checks, "MAX_PDF_INFLATED_BYTES", 1024 * 1024)
    packed = zlib.compress(b"\x00" * (3 * 1024 * 1024))
    stream = b"<< /Filter /FlateDecode >>\nstream\n" + packed + b"\nendstream"
    assert refusal("a.pdf", pdf_bytes(extra_objects=[stream, stream])).startswith("This PDF is too complex")


def test_pdf_must_start_with_header():
    data = b"\n" + pdf_bytes()
    assert "not a PDF file" in refusal("a.pdf", data)


def test_pdf_without_eof_refused():
    data = pdf_bytes().replace(b"%%EOF", b"")
    assert refusal("a.pdf", data) == ("This PDF is incomplete (it does not end as a PDF should). "
                                      "Please save or download it again and upload the new copy.")


def test_encrypted_pdf_refused():
    data = pdf_bytes().replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 5 0 R")
    assert refusal("a.pdf", data).startswith("This PDF is locked with a password")


# --- names and counts ---------------------------------------------------------------------------

def test_original_name_is_display_text_only():
    checked = check_file(name="../../etc/passwd\x00\n.pdf", declared_type="application/pdf", data=pdf_bytes())
    assert checked.original_name == "passwd.pdf"
    assert checks.display_name("C:\\Users\\me\\nid copy.pdf") == "nid copy.pdf"


def test_attachment_count():
    check_attachment_count(0)
    check_attachment_count(10)
    with translation.override("en"):
        with pytest.raises(UploadRefused) as caught:
            check_attachment_count(11)
        assert str(caught.value.message) == (
            "An application can carry at most 10 files. Please remove one before adding another.")
    with translation.override("bn"):
        with pytest.raises(UploadRefused) as caught:
            check_attachment_count(11)
        assert str(caught.value.message) == (
            "একটি আবেদনে সর্বোচ্চ ১০টি ফাইল যুক্ত করা যায়। আরেকটি যোগ করার আগে একটি সরিয়ে দিন।")


# --- fuzz: damaged files are refused with a message, never an unexpected error ------------------

_SEEDS = {"a.png": png_bytes(), "a.jpg": jpeg_bytes(orientation=6), "a.pdf": pdf_bytes()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(_SEEDS)), st.data())
def test_damaged_files_never_raise_anything_but_a_refusal(name, data):
    original = bytearray(_SEEDS[name])
    for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
        position = data.draw(st.integers(min_value=0, max_value=len(original) - 1))
        original[position] = data.draw(st.integers(min_value=0, max_value=255))
    cut = data.draw(st.integers(min_value=1, max_value=len(original)))
    try:
        check_file(name=name, declared_type="", data=bytes(original[:cut]))
    except UploadRefused:
        pass


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from(["a.png", "a.jpg", "a.pdf", "a.txt"]))
def test_random_bytes_are_refused_or_accepted_never_crash(data, name):
    try:
        check_file(name=name, declared_type="", data=data)
    except UploadRefused:
        pass
