"""Demo data for the locker: a small generated "NID copy" PDF in a citizen's locker.

``make demo`` (the lead's seeding) may call :func:`demo_nid_copy` for the demo citizen so that
"attach your NID copy from the locker" works on a fresh machine. Goes through the real service,
so the file is checked and scanned like any upload.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from sheba.locker.models import DocumentKind, DocumentVersion
from sheba.locker.services import document_upload


def demo_pdf(line: str = "DEMO NID COPY - NOT A REAL DOCUMENT") -> bytes:
    """A valid one-page PDF with one line of text (ASCII; Helvetica)."""
    text = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("ascii", "replace")
    content = b"BT /F1 18 Tf 40 400 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def demo_nid_copy(owner: Any) -> DocumentVersion:
    """Put a demo NID copy in ``owner``'s locker unless one is there already (idempotent)."""
    existing = (DocumentVersion.objects.filter(document__owner=owner, document__kind=DocumentKind.NID_COPY)
                .order_by("-number").first())
    if existing is not None:
        return existing
    return document_upload(actor=owner, owner=owner, kind=DocumentKind.NID_COPY,
                           uploaded_file=SimpleUploadedFile("nid-copy-demo.pdf", demo_pdf(), "application/pdf"))
