"""Certificates issued on the chairman's approval: signed in the approval's transaction, delivered to
the locker, rendered to a Bengali PDF, revocable by the signing post only, never a 500."""

from __future__ import annotations

import copy
import re
import zlib

import pytest
from django.test import Client
from django.urls import reverse

from sheba.applications.models import Status
from sheba.certificates import rendering
from sheba.certificates.models import Certificate, CertificateTemplate, KeyStatus
from sheba.certificates.payload import qr_payload_verify
from sheba.certificates.selectors import certificate_verify, published_keys
from sheba.certificates.services import (
    certificate_pdf_bytes,
    certificate_render,
    signing_key_create,
    signing_key_rotate,
    template_save,
    templates_seed,
)
from sheba.core.errors import InvalidInput
from sheba.directory.models import Post
from sheba.locker.models import IssuedDocument
from sheba.locker.tests.helpers import media_root  # noqa: F401
from sheba.workflow.models import ActionKind
from sheba.workflow.selectors import open_task
from sheba.workflow.services import task_act
from sheba.workflow.tests.conftest import _application_templates, _english, _fresh_status_throttle  # noqa: F401
from sheba.workflow.tests.helpers import (
    citizen_client,
    hold,
    make_citizen,
    make_desk,
    make_officer,
    officer_client,
    submitted,
)

pytestmark = pytest.mark.django_db

RARE = "ঋতুপর্ণা ক্ষৌণীশ্রী চক্রবর্ত্তী"  # ঋ, ক্ষ + ৌ, শ্র + ী, র্ত + ্ত + ী
HEIR_RELATIONS = ["spouse", "son", "daughter", "brother", "sister", "mother"]


def inflate(pdf: bytes) -> bytes:
    """The PDF with every compressed stream inflated, to look for fonts and pages."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end():]))
        except zlib.error:
            pass
    return b"\n".join(parts)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", inflate(pdf)))


def fonts(pdf: bytes) -> set[str]:
    return {m.decode() for m in re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([^\s/<>\[\]]+)", inflate(pdf))}


@pytest.fixture
def desk():
    desk = make_desk()
    templates_seed()
    desk.world.service.output_template_code = "up_citizenship"
    desk.world.service.save(update_fields=["output_template_code"])
    return desk


@pytest.fixture
def chairman_post(desk):
    return Post.objects.get(office=desk.world.office_a, code="up_chairman")


@pytest.fixture
def key(chairman_post):
    return signing_key_create(actor=None, post=chairman_post)


def forward(desk, application):
    task = open_task(application)
    return task_act(actor=desk.secretary, task=task, action=task.step.actions.get(kind=ActionKind.FORWARD),
                    note="যাচাই করা হলো")


def approve(desk, application):
    task = open_task(application)
    return task_act(actor=desk.chairman, task=task, action=task.step.actions.get(kind=ActionKind.APPROVE),
                    note="অনুমোদিত")


def approved(desk, application=None):
    application = application or submitted(desk)
    forward(desk, application)
    approve(desk, application)
    application.refresh_from_db()
    return application


# --- Issue on approval ----------------------------------------------------------------------


def test_approval_issues_signs_and_delivers_the_certificate(desk, key):
    application = approved(desk)
    assert application.status == Status.APPROVED
    certificate = Certificate.objects.get(application=application)
    assert certificate.signing_key == key
    assert certificate.type_code == "up_citizenship"
    assert certificate.holder_name_bn == "রহিম উদ্দিন"
    assert certificate.holder_id_last4 == "7890"
    assert certificate.signer_name == str(desk.chairman)
    assert "রহিম উদ্দিন" in certificate.body_bn and "Rahim" not in certificate.body_bn
    assert "This is to certify" in certificate.body_en
    # In the locker as an issued document of the applicant.
    entry = IssuedDocument.objects.get(certificate=certificate)
    assert entry.owner == desk.citizen and entry.reference == certificate.serial
    # The QR verifies offline with the published keys, and online as valid.
    verified = qr_payload_verify(certificate.payload, published_keys())
    assert verified.serial == certificate.serial
    assert certificate_verify(certificate.payload).status == "valid"


def test_approval_without_a_signing_key_is_refused_and_nothing_changes(desk, client):
    application = submitted(desk)
    forward(desk, application)
    task = open_task(application)
    chairman = officer_client(desk.chairman)
    response = chairman.post(reverse("workflow:act", args=[application.public_id]),
                             {"action": task.step.actions.get(kind=ActionKind.APPROVE).pk, "note": "ok"})
    assert response.status_code in {200, 400, 409}
    assert "no signing key" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert open_task(application).pk == task.pk
    assert not Certificate.objects.exists() and not IssuedDocument.objects.exists()


def test_a_service_without_a_template_is_approved_without_a_certificate(desk):
    desk.world.service.output_template_code = ""
    desk.world.service.save(update_fields=["output_template_code"])
    application = approved(desk)
    assert application.status == Status.APPROVED
    assert not Certificate.objects.exists()


def test_the_pdf_is_bengali_with_the_noto_font_serial_and_qr(desk, key):
    application = approved(desk)
    certificate = Certificate.objects.get(application=application)
    name = certificate_render(certificate_id=certificate.pk)
    assert certificate_render(certificate_id=certificate.pk) == name  # idempotent
    certificate.refresh_from_db()
    assert certificate.pdf_bn == name
    from sheba.certificates.services import pdf_path

    pdf = pdf_path(name).read_bytes()
    assert pdf.startswith(b"%PDF")
    used = fonts(pdf)
    assert any("Bengali" in font for font in used), used
    assert page_count(pdf) == 1
    english = certificate_render(certificate_id=certificate.pk, language="en")
    assert english != name and pdf_path(english).exists()


def test_the_page_html_carries_dates_serial_office_signer_and_the_signed_code(desk, key):
    certificate = Certificate.objects.get(application=approved(desk))
    from sheba.certificates.services import certificate_page

    html = rendering.page_html(certificate_page(certificate))
    assert certificate.office.name_bn in html
    assert "চেয়ারম্যান" in html and str(desk.chairman) in html
    import base64

    from sheba.certificates.services import qr_png

    # The QR image is the QR of the signed payload.
    assert "data:image/png;base64," + base64.b64encode(qr_png(certificate.payload)).decode() in html
    from sheba.core.bengali import format_bangla, format_gregorian

    assert format_gregorian(certificate.issued_on, "bn") in html
    assert format_bangla(certificate.issued_on, "bn") in html
    plain = rendering.page_html(certificate_page(certificate, signed=False))
    assert "data:image/png" not in plain and certificate.office.name_bn in plain


def test_rare_conjunct_names_render_without_error(desk, key):
    citizen = make_citizen(desk.world, mobile="+8801711000077", name_bn=RARE)
    application = submitted(desk, citizen=citizen)
    application.form_data = {**application.form_data, "applicant_name": RARE}
    application.save(update_fields=["form_data"])
    certificate = Certificate.objects.get(application=approved(desk, application))
    assert certificate.holder_name_bn == RARE
    assert RARE in certificate.body_bn
    pdf = certificate_pdf_bytes(certificate)
    assert any("Bengali" in font for font in fonts(pdf))
    assert certificate_verify(certificate.payload).payload.claims["hn"][0] == RARE


def test_a_warish_certificate_with_30_heirs_flows_onto_a_second_page(desk, key):
    from sheba.catalog.seed_data import FORMS

    application = submitted(desk)
    service = desk.world.service
    service.output_template_code = "up_warish"
    # The real warish form without its identity block: the register check is another test's subject.
    schema = copy.deepcopy(FORMS["up-warish"])
    del schema["properties"]["identity_number"]
    schema["required"].remove("identity_number")
    service.form_schema = schema
    service.save(update_fields=["output_template_code", "form_schema"])
    from sheba.catalog.forms_engine import validate_data
    heirs = [{"name": f"ওয়ারিশ নম্বর {i} শ্রীমতী ক্ষমা", "relation": HEIR_RELATIONS[i % 6], "age": 20 + i}
             for i in range(30)]
    application.form_data = {"name_bn": "মোঃ আব্দুল্লাহ্‌", "deceased_name": "মরহুম আব্দুর রহমান",
                             "date_of_death": "2025-03-15", "heirs": heirs, "declaration": True}
    application.save(update_fields=["form_data"])
    assert "heirs" not in " ".join(map(str, validate_data(service.form_schema, application.form_data)))
    certificate = Certificate.objects.get(application=approved(desk, application))
    assert certificate.body_bn.count("<tr>") == 31  # header + 30 heirs
    assert "ওয়ারিশ নম্বর 29" in certificate.body_bn and "পুত্র" in certificate.body_bn
    assert "১৫ মার্চ ২০২৫" in certificate.body_bn
    pdf = certificate_pdf_bytes(certificate)
    assert page_count(pdf) == 2
    # One heir: one page.
    few = Certificate.objects.get(pk=certificate.pk)
    few.body_bn = rendering.render_body(CertificateTemplate.objects.get(code="up_warish").body_bn,
                                        {"heirs": [{"name": "এক", "relation": "পুত্র", "age": "৩"}]})
    assert page_count(certificate_pdf_bytes(few)) == 1


def test_rotation_keeps_old_certificates_valid_and_signs_new_ones_with_the_new_key(desk, key, chairman_post):
    old = Certificate.objects.get(application=approved(desk))
    new_key = signing_key_rotate(actor=None, post=chairman_post)
    key.refresh_from_db()
    assert key.status == KeyStatus.RETIRED
    new = Certificate.objects.get(application=approved(desk))
    assert new.signing_key == new_key
    assert certificate_verify(old.payload).status == "valid"
    assert certificate_verify(new.payload).status == "valid"


def test_the_offline_command_verifies_with_the_key_file(desk, key, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    certificate = Certificate.objects.get(application=approved(desk))
    keys = tmp_path / "keys.json"
    call_command("certificates_export_keys", str(keys))
    from io import StringIO

    out = StringIO()
    call_command("verify_certificate", certificate.payload, "--keys", str(keys), stdout=out)
    assert '"valid": true' in out.getvalue() and certificate.serial in out.getvalue()
    tampered = certificate.payload[:-3] + ("A" if certificate.payload[-3] != "A" else "B") + certificate.payload[-2:]
    with pytest.raises(CommandError, match="NOT VALID"):
        call_command("verify_certificate", tampered, "--keys", str(keys), stdout=StringIO())


# --- Pages: download, revoke, who may not -----------------------------------------------------


def test_the_owner_downloads_the_pdf_from_the_locker_and_the_application_page(desk, key):
    application = approved(desk)
    certificate = Certificate.objects.get(application=application)
    client = citizen_client(desk.citizen)
    locker = client.get(reverse("locker:list")).content.decode()
    pdf_url = reverse("certificates:pdf", args=[certificate.public_id])
    assert pdf_url in locker and certificate.serial in locker
    page = client.get(reverse("applications:detail", args=[application.public_id])).content.decode()
    assert pdf_url in page
    response = client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Content-Type-Options"] == "nosniff"
    english = client.get(pdf_url + "?lang=en")
    assert english.status_code == 200


def test_another_citizen_and_another_office_get_404(desk, key):
    certificate = Certificate.objects.get(application=approved(desk))
    other = make_citizen(desk.world, mobile="+8801711000099")
    for client in (citizen_client(other), officer_client(desk.secretary_b)):
        assert client.get(reverse("certificates:pdf", args=[certificate.public_id])).status_code == 404
        assert client.get(reverse("certificates:detail", args=[certificate.public_id])).status_code == 404
    anonymous = Client()
    assert anonymous.get(reverse("certificates:pdf", args=[certificate.public_id])).status_code == 302
    assert citizen_client(other).get("/certificates/not-a-uuid/pdf/").status_code == 404
    assert not IssuedDocument.objects.filter(owner=other).exists()


def test_the_chairman_revokes_with_a_reason_and_verify_says_revoked(desk, key):
    certificate = Certificate.objects.get(application=approved(desk))
    url = reverse("certificates:detail", args=[certificate.public_id])
    chairman = officer_client(desk.chairman)
    assert "Revoke the certificate" in chairman.get(url).content.decode()
    empty = chairman.post(url, {"reason": "  "})
    assert empty.status_code == 400 and "reason" in empty.content.decode()
    assert chairman.post(url, {"reason": "ভুল তথ্যের ভিত্তিতে দেওয়া"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_by == desk.chairman
    again = chairman.post(url, {"reason": "আবার"})
    assert again.status_code in {200, 409}
    result = chairman.post(reverse("verify"), {"code": certificate.payload}).content.decode()
    assert "revoked" in result and "ভুল তথ্যের ভিত্তিতে দেওয়া" in result
    assert "Revoked" in citizen_client(desk.citizen).get(reverse("locker:list")).content.decode()


def test_a_secretary_or_the_citizen_cannot_revoke(desk, key):
    certificate = Certificate.objects.get(application=approved(desk))
    url = reverse("certificates:detail", args=[certificate.public_id])
    secretary = officer_client(desk.secretary)
    assert "Revoke the certificate" not in secretary.get(url).content.decode()
    assert secretary.post(url, {"reason": "না"}).status_code == 404
    assert citizen_client(desk.citizen).post(url, {"reason": "না"}).status_code == 404
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_a_secretary_cannot_approve_and_sign_for_the_chairman(desk, key):
    application = submitted(desk)
    forward(desk, application)
    task = open_task(application)
    from sheba.workflow import errors

    with pytest.raises(errors.WrongPost):
        task_act(actor=desk.secretary, task=task, action=task.step.actions.get(kind=ActionKind.APPROVE), note="x")
    assert not Certificate.objects.exists()


def test_an_acting_chairman_signs_with_the_posts_key(desk, key, chairman_post):
    acting = make_officer("acting.chair")
    hold(acting, chairman_post, acting=True)
    application = submitted(desk)
    forward(desk, application)
    task = open_task(application)
    task_act(actor=acting, task=task, action=task.step.actions.get(kind=ActionKind.APPROVE), note="ok")
    certificate = Certificate.objects.get(application=application)
    assert certificate.signing_key == key and certificate.signer_name == str(acting)


# --- Templates: the safe placeholder language -------------------------------------------------


@pytest.mark.parametrize("body, wanted", [
    ("{{ holder_name }}", []),
    ("{% for heir in heirs %}{{ heir.name }}{% endfor %}", []),
    ("{{ secret_key }}", ["secret_key"]),
    ("{% load static %}", ["load"]),
    ("{% include 'base.html' %}", ["include"]),
    ("{% debug %}", ["debug"]),
    ("{{ holder_name|ljust:'100000000' }}", ["ljust"]),
    ("{% if user.is_superuser %}x{% endif %}", ["user"]),
])
def test_template_problems(body, wanted):
    problems = " ".join(rendering.template_problems(body))
    for word in wanted:
        assert word in problems
    assert bool(problems) == bool(wanted)


def test_values_are_escaped_and_nothing_else_is_reachable():
    out = rendering.render_body("<p>{{ holder_name }}</p>{{ form.x }}", {"holder_name": "<script>x</script>",
                                                                         "form": {"x": "&"}})
    assert out == "<p>&lt;script&gt;x&lt;/script&gt;</p>&amp;"


def test_a_bad_template_is_refused_with_every_problem(desk):
    template = CertificateTemplate.objects.get(code="up_citizenship")
    with pytest.raises(InvalidInput) as refused:
        template_save(actor=None, template=template, fields={"body_bn": "{{ password }} {% for %}"})
    assert "placeholders" in str(refused.value.message)
    template.refresh_from_db()
    assert template.version == 1
    saved = template_save(actor=None, template=template, fields={"body_bn": "<p>{{ holder_name }}</p>"})
    assert saved.version == 2


def test_an_issued_certificate_keeps_its_text_when_the_template_changes(desk, key):
    certificate = Certificate.objects.get(application=approved(desk))
    before = certificate.body_bn
    template_save(actor=None, template=CertificateTemplate.objects.get(code="up_citizenship"),
                  fields={"body_bn": "<p>নতুন লেখা {{ holder_name }}</p>"})
    certificate.refresh_from_db()
    assert certificate.body_bn == before and certificate.template_version == 1


def test_a_template_cannot_make_the_server_fetch_anything(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not really")
    html = f'<html><body><img src="file://{secret}"><img src="http://127.0.0.1:9/x.png">এক</body></html>'
    pdf = rendering.html_to_pdf(html)
    assert pdf.startswith(b"%PDF")


def test_seeded_templates_are_all_valid_and_seeding_is_idempotent(desk):
    assert templates_seed() == []
    codes = set(CertificateTemplate.objects.values_list("code", flat=True))
    assert {"up_citizenship", "up_warish", "up_character", "up_unmarried", "up_landless", "up_trade_license",
            "up_income", "up_family"} <= codes
    for template in CertificateTemplate.objects.all():
        assert rendering.template_problems(template.body_bn) == []
        assert rendering.template_problems(template.body_en) == []


@pytest.fixture
def admin_client(client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sheba.accounts.models import User, UserKind

    admin = User.objects.create_superuser("designer", "a long admin password 1", kind=UserKind.OFFICER)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client.force_login(admin)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def test_the_admin_preview_renders_a_sample_pdf(desk, admin_client):
    template = CertificateTemplate.objects.get(code="up_warish")
    url = reverse("admin:certificates_certificatetemplate_preview", args=[template.pk])
    response = admin_client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert admin_client.get(url + "?lang=en").content.startswith(b"%PDF")
    change = admin_client.get(reverse("admin:certificates_certificatetemplate_change", args=[template.pk]))
    assert change.status_code == 200 and "{{ holder_name }}" in change.content.decode()


def test_bad_revocation_input_gets_a_clear_answer(desk, key):
    certificate = Certificate.objects.get(application=approved(desk))
    url = reverse("certificates:detail", args=[certificate.public_id])
    chairman = officer_client(desk.chairman)
    too_long = chairman.post(url, {"reason": "ক" * 501})
    assert too_long.status_code == 400 and "too long" in too_long.content.decode()
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_a_lost_pdf_is_made_again_and_a_missing_english_version_is_404(desk, key):
    from sheba.certificates.services import pdf_path

    desk.world.service.output_template_code = "up_landless"  # Bengali only
    desk.world.service.save(update_fields=["output_template_code"])
    certificate = Certificate.objects.get(application=approved(desk))
    client = citizen_client(desk.citizen)
    url = reverse("certificates:pdf", args=[certificate.public_id])
    assert client.get(url).status_code == 200
    certificate.refresh_from_db()
    pdf_path(certificate.pdf_bn).unlink()
    again = client.get(url)
    assert again.status_code == 200 and b"".join(again.streaming_content).startswith(b"%PDF")
    assert client.get(url + "?lang=en").status_code == 404


def test_an_unverified_officer_is_sent_to_sign_in(desk, key):
    certificate = Certificate.objects.get(application=approved(desk))
    client = Client()
    client.force_login(desk.chairman)  # no second factor
    response = client.get(reverse("certificates:detail", args=[certificate.public_id]))
    assert response.status_code == 302 and "/officer/login/" in response["Location"]
