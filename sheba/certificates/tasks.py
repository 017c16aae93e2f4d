"""Background work: render an issued certificate's PDF right after the approval commits.

Thin and idempotent: the id goes in, ``certificate_render`` does nothing if the PDF exists. If the
worker is down, the download view renders on first request instead, so nothing waits for ever.
"""

from __future__ import annotations

from django_tasks import task


@task()
def render_certificate(certificate_id: int) -> str:
    from sheba.certificates.services import certificate_render

    return certificate_render(certificate_id=certificate_id, language="bn")
