"""`make bench` plugin: certificates issued per second (number + sign + store the row, fill the
template, render the PDF with its QR, store the file) against plain rendering of the same HTML to
PDF without signature or QR; and verifications per second (online with the revocation lookup, and
offline against the key list). Plain in-process measurements on the benchmark database."""

from __future__ import annotations

import statistics
import time
from typing import Any

ISSUE_GOAL = 20.0  # signing, QR and storing add at most 20 % to rendering


def _setup() -> tuple[Any, Any]:
    from sheba.certificates.models import CertificateTemplate, KeyStatus, SigningKey
    from sheba.certificates.services import signing_key_create, templates_seed
    from sheba.directory.models import Post

    templates_seed()
    post = (
        Post.objects.select_related("office").filter(code="up_chairman", office__union_id=3506).first()
        or Post.objects.select_related("office").filter(code="up_chairman").order_by("pk").first()
    )
    if post is None:
        raise RuntimeError("no Union Parishad chairman post: seed the offices first")
    if not SigningKey.objects.filter(post=post, status=KeyStatus.ACTIVE).exists():
        signing_key_create(actor=None, post=post)
    return post, CertificateTemplate.objects.get(code="up_citizenship")


def issue_one(post: Any, template: Any, number: int) -> Any:
    """One certificate the way an approval issues it (without an application): row + signature,
    the template's text, then the PDF rendered and stored."""
    from sheba.certificates import rendering
    from sheba.certificates.services import certificate_issue, certificate_render
    from sheba.certificates.template_data import SAMPLE

    holder = rendering.Holder(name_bn=f"{SAMPLE['name_bn']} {number}", name_en=SAMPLE["name_en"],
                              identity=SAMPLE["identity_number"])
    certificate = certificate_issue(
        actor=None, signer_post=post, type_code=template.code, type_name_bn=template.name_bn,
        type_name_en=template.name_en, holder_name_bn=holder.name_bn, holder_name_en=holder.name_en,
        holder_id=holder.identity, signer_name="বেঞ্চমার্ক",
    )
    context = rendering.certificate_context(
        language="bn", office=certificate.office, serial=certificate.serial, issued_on=certificate.issued_on,
        valid_until=None, signer_post=post, signer_name=certificate.signer_name, holder=holder, schema={},
        data=SAMPLE,
    )
    certificate.template, certificate.template_version = template, template.version
    certificate.body_bn = rendering.render_body(template.body_bn, context)
    certificate.save(update_fields=["template", "template_version", "body_bn"])
    certificate_render(certificate_id=certificate.pk, certificate=certificate)
    return certificate


def plain_one(certificate: Any) -> bytes:
    from sheba.certificates import rendering
    from sheba.certificates.services import certificate_page

    return rendering.html_to_pdf(rendering.page_html(certificate_page(certificate, signed=False)))


def measure(rounds: int) -> dict[str, float]:
    from sheba.certificates import payload
    from sheba.certificates.selectors import certificate_verify, published_keys

    post, template = _setup()
    first = issue_one(post, template, 0)  # warm-up: fonts, templates, connections
    plain_one(first)
    # Interleaved, and the median of each: the machine is shared, one slow moment must not decide.
    issue_times: list[float] = []
    plain_times: list[float] = []
    issue_cpu: list[float] = []
    plain_cpu: list[float] = []
    issued = []
    for number in range(1, rounds + 1):
        start, cpu = time.perf_counter(), time.process_time()
        certificate = issue_one(post, template, number)
        issue_times.append(time.perf_counter() - start)
        issue_cpu.append(time.process_time() - cpu)
        issued.append(certificate)
        start, cpu = time.perf_counter(), time.process_time()
        plain_one(certificate)
        plain_times.append(time.perf_counter() - start)
        plain_cpu.append(time.process_time() - cpu)
    codes = [c.payload for c in issued]
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < 1.0 or count < 50:
        if certificate_verify(codes[count % len(codes)]).status != "valid":
            raise RuntimeError("a benchmark certificate did not verify")
        count += 1
    online = count / (time.perf_counter() - start)
    keys = {key.kid: key for key in published_keys()}
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < 1.0 or count < 50:
        payload.verify_text(codes[count % len(codes)], keys)
        count += 1
    offline = count / (time.perf_counter() - start)
    return {"issue_rate": 1 / statistics.median(issue_times), "plain_rate": 1 / statistics.median(plain_times),
            "cpu_overhead": (statistics.median(issue_cpu) / statistics.median(plain_cpu) - 1) * 100,
            "online_rate": online, "offline_rate": offline}


def rows(numbers: dict[str, float]) -> list[dict[str, Any]]:
    overhead = (numbers["plain_rate"] / numbers["issue_rate"] - 1) * 100
    return [
        {
            "endpoint": "certificate issue (render+sign+store) vs plain render",
            "result": f"{numbers['issue_rate']:.1f}/s vs {numbers['plain_rate']:.1f}/s ({overhead:+.0f} %; "
                      f"CPU {numbers.get('cpu_overhead', 0.0):+.0f} %)",
            "goal": f"≤ +{ISSUE_GOAL:.0f} %",
            "met": overhead <= ISSUE_GOAL,
            "hard": False,
        },
        {
            "endpoint": "certificate verification (online, with revocation status)",
            "result": f"{numbers['online_rate']:.0f}/s",
            "goal": "≥ 100/s",
            "met": numbers["online_rate"] >= 100,
            "hard": False,
        },
        {
            "endpoint": "certificate verification (offline, published keys)",
            "result": f"{numbers['offline_rate']:.0f}/s",
            "goal": "≥ 1000/s",
            "met": numbers["offline_rate"] >= 1000,
            "hard": False,
        },
    ]


def run(h: Any) -> list[dict[str, Any]]:
    return rows(measure(10 if getattr(h, "quick", False) else 30))
