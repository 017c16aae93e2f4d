"""What an uploaded file must be before we keep it (SECURITY.md "Uploads").

PDF, JPEG or PNG only; at most 5 MB; the name's extension, the type the browser declared and the
content's magic bytes must all agree; images are decoded and re-encoded from their pixels (which
drops EXIF and any data hidden around the pixels, so polyglots do not survive) after the pixel
count is checked against decompression bombs; PDFs must look like PDFs and carry no JavaScript,
embedded files or launch actions. Pure functions: nothing here touches the database or disk.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import zlib
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from sheba.core.bengali import to_bn_digits
from sheba.core.errors import InvalidInput

MAX_FILE_BYTES = 5 * 1024 * 1024  # 5 MB a file
MAX_FILES_PER_APPLICATION = 10
MAX_IMAGE_PIXELS = 40_000_000  # 40 megapixels: more than any phone photo, far less than a bomb
MAX_PDF_INFLATED_BYTES = 50 * 1024 * 1024  # how much of a PDF's compressed streams we inflate to inspect
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"  # for <input accept>

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".jpe": JPEG, ".png": PNG}
STORED_EXTENSION = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
# What browsers declare for each type; "application/octet-stream" (or nothing) means "not declared".
DECLARED_ALIASES = {
    PDF: {"application/pdf", "application/x-pdf"},
    JPEG: {"image/jpeg", "image/pjpeg", "image/jpg"},
    PNG: {"image/png", "image/x-png"},
}
UNDECLARED = {"", "application/octet-stream"}
KIND_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}

# PDF names that run code or carry other files. Matched after #xx escapes are decoded.
FORBIDDEN_PDF_NAMES = {
    b"JavaScript", b"JS", b"EmbeddedFile", b"EmbeddedFiles", b"Launch", b"RichMedia", b"XFA",
}


# Pillow's own guard (warns above this, refuses above twice this) backs up our explicit check.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


class UploadRefused(InvalidInput):
    code = "upload_refused"
    default_message = _("We cannot accept this file.")


def _n(value: int) -> str:
    """A number in the active language's digits (messages are built in the user's language)."""
    return to_bn_digits(value) if (get_language() or "bn").startswith("bn") else str(value)


def max_file_bytes() -> int:
    return int(getattr(settings, "SHEBA_UPLOAD_MAX_BYTES", MAX_FILE_BYTES))


def max_image_pixels() -> int:
    return int(getattr(settings, "SHEBA_UPLOAD_MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS))


def check_attachment_count(count: int) -> None:
    """An application carries at most 10 files (SECURITY.md); the applications work calls this."""
    if count > MAX_FILES_PER_APPLICATION:
        raise UploadRefused(
            _("An application can carry at most %(limit)s files. Please remove one before adding another.")
            % {"limit": _n(MAX_FILES_PER_APPLICATION)}
        )


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check, in the form we store (images already re-encoded)."""

    data: bytes
    content_type: str
    original_name: str
    width: int | None = None
    height: int | None = None

    @property
    def extension(self) -> str:
        return STORED_EXTENSION[self.content_type]


def display_name(name: str) -> str:
    """The uploader's file name as harmless display text: no path, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    return name[-200:] or "file"


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def read_upload(uploaded_file: Any) -> bytes:
    """All the bytes of an uploaded file, refusing before reading when it is too big."""
    limit = max_file_bytes()
    declared_size = getattr(uploaded_file, "size", None)
    if declared_size is not None and declared_size > limit:
        raise _too_big()
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise _too_big()
    return data


def _too_big() -> UploadRefused:
    return UploadRefused(_("This file is larger than %(limit)s MB. Please upload a smaller file.")
                         % {"limit": _n(max_file_bytes() // (1024 * 1024))})


def check_file(*, name: str, declared_type: str, data: bytes) -> CheckedFile:
    """Check one file; return it in the form to store, or raise :class:`UploadRefused`."""
    if not data:
        raise UploadRefused(_("This file is empty."))
    if len(data) > max_file_bytes():
        raise _too_big()
    expected = EXTENSIONS.get(_extension(name))
    if expected is None:
        raise UploadRefused(_("Only PDF, JPEG and PNG files can be uploaded."))
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared not in UNDECLARED and declared not in DECLARED_ALIASES[expected]:
        raise UploadRefused(_("This file's name does not match the type your device gave for it. "
                              "Please upload a PDF, JPEG or PNG file."))
    guessed = filetype.guess(data)
    actual = guessed.mime if guessed is not None else None
    if actual != expected:
        raise UploadRefused(
            _("This file's name ends in %(extension)s but its content is not a %(kind)s file. "
              "Please upload the real document.")
            % {"extension": _extension(name), "kind": KIND_NAMES[expected]}
        )
    original = display_name(name)
    if expected == PDF:
        check_pdf(data)
        return CheckedFile(data=data, content_type=PDF, original_name=original)
    return reencode_image(data, expected, original)


# --- Images ---------------------------------------------------------------------------------

def reencode_image(data: bytes, content_type: str, original_name: str) -> CheckedFile:
    """Decode the pixels and write a fresh file from them (no EXIF, nothing hidden before or after)."""
    unreadable = UploadRefused(_("We could not read this image. Please upload another copy."))
    pixel_limit = max_image_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[KIND_NAMES[content_type]]) as image:
                # The header alone tells the size: refuse a bomb before decoding a single pixel.
                if image.width * image.height > pixel_limit or image.width < 1 or image.height < 1:
                    raise _bomb(pixel_limit)
                # WeasyPrint turns on LOAD_TRUNCATED_IMAGES for the whole process when imported;
                # an upload cut short must still be refused, not padded with grey.
                ImageFile.LOAD_TRUNCATED_IMAGES = False
                image.load()
                upright = ImageOps.exif_transpose(image)  # keep the picture upright once EXIF is gone
                fresh = _plain_mode(upright, content_type)
                out = io.BytesIO()
                if content_type == JPEG:
                    fresh.save(out, format="JPEG", quality=90, optimize=True)
                else:
                    fresh.save(out, format="PNG")
                width, height = fresh.size
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb(pixel_limit) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, zlib.error, MemoryError,
            struct.error, KeyError, IndexError, TypeError):  # what Pillow raises on damaged files
        raise unreadable from None
    return CheckedFile(data=out.getvalue(), content_type=content_type, original_name=original_name,
                       width=width, height=height)


def _bomb(pixel_limit: int) -> UploadRefused:
    return UploadRefused(
        _("This image has too many pixels (more than %(megapixels)s megapixels). "
          "Please upload a smaller picture or a scan at a lower resolution.")
        % {"megapixels": _n(pixel_limit // 1_000_000)}
    )


def _plain_mode(image: Image.Image, content_type: str) -> Image.Image:
    """A fresh image in a mode the target format stores plainly, with no metadata carried over."""
    if content_type == JPEG:
        target = "L" if image.mode in {"1", "L", "I", "I;16", "F"} else "RGB"
    elif image.mode in {"1", "L", "LA", "P", "RGB", "RGBA"}:
        target = image.mode
    else:
        target = "RGBA" if "A" in image.getbands() else "RGB"
    if image.mode == "P" and target == "P":
        fresh = image.copy()
    else:
        fresh = image.convert(target)
    # Drop every piece of metadata (EXIF, XMP, text chunks, ICC); keep only PNG transparency.
    transparency = image.info.get("transparency") if content_type == PNG and fresh.mode == image.mode else None
    fresh.info = {} if transparency is None else {"transparency": transparency}
    return fresh


# --- PDFs -----------------------------------------------------------------------------------

_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)


def _names(chunk: bytes) -> set[bytes]:
    return {_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw) for raw in _NAME.findall(chunk)}


def _inflated_streams(data: bytes) -> list[bytes]:
    """The content of every Flate-compressed stream, within a budget (PDFs can be bombs too)."""
    budget = MAX_PDF_INFLATED_BYTES
    found = []
    for match in _STREAM.finditer(data):
        if budget <= 0:
            raise UploadRefused(_("This PDF is too complex for us to check. Please save it again as a "
                                  "simple PDF and upload that."))
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue  # not Flate (an image, say): the raw bytes were already searched
        budget -= len(chunk)
        if inflater.unconsumed_tail:
            budget = 0
        found.append(chunk)
    return found


def check_pdf(data: bytes) -> None:
    """A real PDF, not encrypted, with no JavaScript, embedded files or launch actions."""
    if not data.startswith(b"%PDF-"):
        raise UploadRefused(_("This file's name ends in %(extension)s but its content is not a %(kind)s file. "
                              "Please upload the real document.") % {"extension": ".pdf", "kind": "PDF"})
    if b"%%EOF" not in data[-1024:]:
        raise UploadRefused(_("This PDF is incomplete (it does not end as a PDF should). "
                              "Please save or download it again and upload the new copy."))
    names = _names(data)
    for chunk in _inflated_streams(data):
        names |= _names(chunk)
    if b"Encrypt" in names:
        raise UploadRefused(_("This PDF is locked with a password or encrypted, so we cannot check it. "
                              "Please upload an unlocked copy."))
    if names & FORBIDDEN_PDF_NAMES:
        raise UploadRefused(_("This PDF contains JavaScript, an attached file or an action that starts a "
                              "program, which we do not accept. Please print it to a new PDF or scan the "
                              "paper, and upload that."))
