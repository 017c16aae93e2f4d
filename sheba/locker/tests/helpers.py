"""Small generated files for the upload tests, and people to upload them."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, PngImagePlugin

from sheba.accounts.models import User, UserKind
from sheba.locker.scanning import EICAR

SECRET_EXIF = "GPS 23.8103N 90.4125E secret-camera-owner"


def make_citizen(mobile: str = "+8801711000001") -> User:
    return User.objects.create_user(mobile, None, kind=UserKind.CITIZEN, mobile=mobile)


def make_officer(username: str = "up.secretary") -> User:
    return User.objects.create_user(username, None, kind=UserKind.OFFICER)  # no password: no Argon2 cost


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "EvilCam"  # Make
    exif[0x010E] = SECRET_EXIF  # ImageDescription
    exif[0x013B] = "Rahim Uddin"  # Artist
    if orientation:
        exif[0x0112] = orientation
    return exif


def jpeg_bytes(size: tuple[int, int] = (40, 30), *, exif: bool = True, orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    kwargs = {"exif": _exif(orientation).tobytes()} if exif else {}
    image.save(out, format="JPEG", quality=85, **kwargs)
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (32, 24), *, exif: bool = True, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    image = Image.new(mode, size, "navy" if mode != "1" else 1)
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET_EXIF)
    kwargs = {"exif": _exif().tobytes(), "pnginfo": info} if exif else {}
    image.save(out, format="PNG", **kwargs)
    return out.getvalue()


def pdf_bytes(*, extra_objects: list[bytes] | None = None, catalog_extra: bytes = b"", pad_to: int | None = None,
              comment: bytes = b"") -> bytes:
    """A minimal, valid one-page PDF with a correct xref table; optionally padded to an exact size."""

    def build(padding: bytes) -> bytes:
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
            *(extra_objects or []),
        ]
        out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + padding + comment
        offsets = []
        for number, body in enumerate(objects, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
        return out

    plain = build(b"")
    if pad_to is None:
        return plain
    filler = pad_to - len(plain) - 2
    for _ in range(3):  # the startxref offset may gain digits as the file grows
        assert filler >= 0
        padded = build(b"%" + b"x" * filler + b"\n")
        if len(padded) == pad_to:
            return padded
        filler -= len(padded) - pad_to
    raise AssertionError("could not pad the PDF to the exact size")


def flate_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"


def exe_bytes() -> bytes:
    """The start of a Windows executable (MZ header, PE offset, 'This program cannot be run…')."""
    header = bytearray(b"MZ" + b"\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44)
    header[0x3C:0x40] = struct.pack("<I", 0x80)
    stub = b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 20
    return bytes(header) + stub + b"\x00" * (0x80 - len(header) - len(stub)) + b"PE\x00\x00" + b"\x00" * 200


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(side: int = 12_000) -> bytes:
    """A genuine, fully decodable 1-bit PNG of side × side pixels that compresses to a few KB."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)  # filter byte + packed pixels
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")


def header_only_bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG whose header claims 10 gigapixels with almost no data behind it."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + _png_chunk(b"IEND", b""))


def eicar_pdf() -> bytes:
    """A valid PDF that carries the EICAR test signature (as a comment line)."""
    return pdf_bytes(comment=b"%" + EICAR + b"\n")


def upload(name: str, data: bytes, content_type: str = "") -> SimpleUploadedFile:
    if not content_type:
        content_type = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg",
                        "jpeg": "image/jpeg"}.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def media_root(settings, tmp_path):
    """Every test stores files in its own directory (the real MEDIA_ROOT is never touched)."""
    root = tmp_path / "private"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.SHEBA_VIRUS_SCANNER = "eicar"
    return root


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())
