"""The identity check of applications, against the register simulator over real HTTP: at submission
(match, mismatch per field, unknown number, Bengali names with rare conjuncts), register down or
slow (submitted, waiting), the background re-check with backoff, the officer guard."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from sheba.applications.models import Application, Status
from sheba.applications.tests.helpers import client_for, locker_file
from sheba.catalog.seed_data import _up_certificate
from sheba.core import clock
from sheba.identity import services
from sheba.identity.models import IdentityCheck
from sheba.identity.tasks import identity_recheck_task
from sheba.locker.tests.helpers import media_root  # noqa: F401 - fixture
from sheba.notifications.models import Message, NotificationTemplate
from sheba.workflow.models import ActionKind, Task
from sheba.workflow.services import task_act
from sheba.workflow.tests.helpers import citizen_client, make_desk, officer_client

pytestmark = pytest.mark.django_db

RAHIMA = {  # the simulator's first person (data/identity/synthetic_people.json)
    "name_bn": "রহিমা খাতুন", "name_en": "Rahima Khatun", "father_name": "আবুল হোসেন",
    "mother_name": "সালেহা বেগম", "date_of_birth": "1990-03-15", "identity_number": "1990561234567",
    "ward_no": 3, "address": "গ্রাম: পাইককান্দি",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _templates(db, media_root):  # noqa: F811
    for module, event in (("sheba.applications.migrations.0002_notification_templates", "application_submitted"),
                          ("sheba.identity.migrations.0002_notification_templates", "identity_mismatch")):
        if not NotificationTemplate.objects.filter(event=event).exists():
            import_module(module).seed(apps, None)


@pytest.fixture
def desk():
    desk = make_desk()
    service = desk.world.service
    service.form_schema = _up_certificate("নাগরিকত্ব সনদ", "Citizenship certificate")
    service.save(update_fields=["form_schema"])
    return desk


def draft(desk, client) -> Application:
    response = client.post(
        reverse("applications:start", args=[desk.world.service.slug]),
        {"office": str(desk.world.office_a.public_id), "submission_token": "identity-test-token-0001"},
    )
    assert response.status_code == 302
    return Application.objects.get(submission_token="identity-test-token-0001")


def post(desk, client, application, **changes):
    values = {**RAHIMA, **changes}
    data = {f"f-{key}": value for key, value in values.items() if value is not None}
    nid = locker_file(desk.citizen)
    data.update(for_whom="self", action="submit", submission_token=application.submission_token,
                doc_nid_copy=str(nid.public_id))
    return client.post(reverse("applications:edit", args=[application.public_id]), data)


def person(sim, index):
    record = sim.people[index]
    return {
        "name_bn": record["name_bn"], "name_en": record["name_en"], "father_name": record["father_name_bn"],
        "mother_name": record["mother_name_bn"], "date_of_birth": record["date_of_birth"],
        "identity_number": record["nid"],
    }


# --- At submission ----------------------------------------------------------------------------


def test_match_submits_and_passes(identity_register_sim, desk):
    client = citizen_client(desk.citizen)
    application = draft(desk, client)
    response = post(desk, client, application)
    assert response.status_code == 302, response.content.decode()[:2000]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    check = IdentityCheck.objects.get(application=application)
    assert (check.status, check.kind, check.number_last4, check.attempts) == ("passed", "nid", "4567", 1)
    assert check.reference and check.checked_at is not None


@pytest.mark.parametrize(
    ("change", "wrong_fields"),
    [
        ({"name_bn": "রহিমা বেগম", "name_en": ""}, ["name_bn", "name_en"]),
        ({"date_of_birth": "1990-03-16"}, ["date_of_birth"]),
        ({"father_name": "আবুল কাশেম"}, ["father_name"]),
        ({"mother_name": "সালেহা খাতুন"}, ["mother_name"]),
    ],
)
def test_mismatch_per_field_shows_the_form_again(identity_register_sim, desk, change, wrong_fields):
    client = citizen_client(desk.citizen)
    application = draft(desk, client)
    response = post(desk, client, application, **change)
    assert response.status_code == 400
    page = response.content.decode()
    assert "do not match the national identity register" in page
    form = response.context["form"]
    assert sorted(name for name in form.errors if name in services.FORM_FIELDS_ALL) == wrong_fields
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.tracking_number is None
    assert application.form_data[wrong_fields[0]] == {**RAHIMA, **change}[wrong_fields[0]]  # nothing lost
    assert not IdentityCheck.objects.exists()


def test_mismatch_message_in_bengali(identity_register_sim, desk):
    client = client_for(desk.citizen)  # no language cookie: Bengali, the default
    application = draft(desk, client)
    response = post(desk, client, application, father_name="আবুল কাশেম")
    assert response.status_code == 400
    page = response.content.decode()
    assert "পিতার নাম মেলেনি" in page


def test_unknown_number_marks_the_number(identity_register_sim, desk):
    client = citizen_client(desk.citizen)
    application = draft(desk, client)
    response = post(desk, client, application, identity_number="9999999999")
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["identity_number"]
    assert Application.objects.get(pk=application.pk).status == Status.DRAFT


def test_birth_registration_number_of_17_digits(identity_register_sim, desk):
    client = citizen_client(desk.citizen)
    application = draft(desk, client)
    response = post(desk, client, application, identity_number="19905610112345678")  # Rahima's BRN
    assert response.status_code == 302
    assert IdentityCheck.objects.get(application=application).kind == "brn"


def test_bengali_names_with_rare_conjuncts(identity_register_sim, desk):
    """Every synthetic person whose name carries a conjunct (্) or khanda-ta passes as recorded."""
    people = [i for i, p in enumerate(identity_register_sim.people[1:], 1)
              if "্" in p["name_bn"] + p["father_name_bn"] + p["mother_name_bn"] or "ৎ" in p["name_bn"]]
    assert people
    for index in people[:8]:
        values = {**RAHIMA, **person(identity_register_sim, index)}
        result, _query = services._ask(values)
        assert result.matched, (index, values)
    # typed with a decomposed য় (য + nukta) and a ZWJ khanda-ta, Rahima's father still agrees
    values = {**RAHIMA, "father_name": "আবুল হোসেন".replace("য়", "য\u09bc")}
    assert services._ask(values)[0].matched


def test_register_down_submits_and_waits(identity_register_sim, desk):
    identity_register_sim.fault("down")
    client = citizen_client(desk.citizen)
    application = draft(desk, client)
    response = post(desk, client, application)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    check = IdentityCheck.objects.get(application=application)
    assert (check.status, check.attempts, check.last_error) == ("pending", 1, "register_unavailable")
    assert check.next_attempt_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "not answering right now" in page


def test_register_timeout_submits_and_waits(identity_register_sim, desk):
    identity_register_sim.fault("slow")
    client = citizen_client(desk.citizen)
    application = draft(desk, client)
    response = post(desk, client, application)
    assert response.status_code == 302
    assert IdentityCheck.objects.get(application=application).status == "pending"


def test_submitted_without_precheck_is_pending_never_passed(identity_register_sim, desk):
    """Another channel calls application_submit without asking first: recorded pending."""
    from sheba.applications.services import application_submit, application_update_draft

    client = citizen_client(desk.citizen)
    application = draft(desk, client)
    application_update_draft(actor=desk.citizen, application=application, for_self=True, other_name="",
                             other_mobile="", form_data=RAHIMA, attachments=[(locker_file(desk.citizen), "nid_copy")])
    application_submit(actor=desk.citizen, application=application, submission_token=application.submission_token)
    assert IdentityCheck.objects.get(application=application).status == "pending"


# --- The background re-check ----------------------------------------------------------------


def pending_application(sim, desk, **change):
    sim.fault("down")
    client = citizen_client(desk.citizen)
    application = draft(desk, client)
    assert post(desk, client, application, **change).status_code == 302
    sim.fault("none")
    return Application.objects.get(pk=application.pk)


def test_retry_task_passes_when_the_register_is_back(identity_register_sim, desk):
    application = pending_application(identity_register_sim, desk)
    check = IdentityCheck.objects.get(application=application)
    assert identity_recheck_task.call(str(check.public_id)) == "passed"
    check.refresh_from_db()
    assert (check.status, check.attempts, check.last_error) == ("passed", 2, "")
    # idempotent: a second run changes nothing
    assert identity_recheck_task.call(str(check.public_id)) == "passed"
    check.refresh_from_db()
    assert check.attempts == 2


def test_retry_backs_off_while_down(identity_register_sim, desk, django_capture_on_commit_callbacks):
    application = pending_application(identity_register_sim, desk)
    identity_register_sim.fault("down")
    check = IdentityCheck.objects.get(application=application)
    before = clock.now()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert services.identity_recheck(check_id=check.public_id) == "pending"
    assert len(queued) == 1
    check.refresh_from_db()
    assert check.attempts == 2
    assert timedelta(seconds=55) <= check.next_attempt_at - before <= timedelta(seconds=65)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.identity_recheck(check_id=check.public_id) == "pending"
    check.refresh_from_db()
    assert check.next_attempt_at - clock.now() >= timedelta(seconds=115)
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path=identity_recheck_task.module_path)
    assert queued.count() == 2
    assert all(row.run_after is not None and row.run_after > before for row in queued)


def test_later_mismatch_sends_the_file_back_and_tells_the_citizen(identity_register_sim, desk):
    application = pending_application(identity_register_sim, desk, mother_name="সালেহা খাতুন")
    check = IdentityCheck.objects.get(application=application)
    assert services.identity_recheck(check_id=check.public_id) == "mismatch"
    application.refresh_from_db()
    check.refresh_from_db()
    assert application.status == Status.SENT_BACK
    assert check.mismatched == ["mother_name"]
    task = Task.objects.get(application=application)
    assert task.completed_at is not None and task.fields_to_correct == ["mother_name"]
    assert task.action is not None and task.action.kind == ActionKind.SEND_BACK
    assert Message.objects.filter(event="identity_mismatch", recipient=desk.citizen.mobile).exists()
    event = application.events.order_by("-pk").first()
    assert "মাতার নাম" in event.note or "mother" in event.note


# --- The officer guard and the file page ----------------------------------------------------


def open_task(application):
    return Task.objects.select_related("step").get(application=application, completed_at__isnull=True)


def act(desk, application, kind):
    task = open_task(application)
    action = task.step.actions.filter(kind=kind).first()
    assert action is not None
    return task_act(actor=desk.secretary, task=task, action=action, note="দেখা হলো",
                    fields_to_correct=["father_name"] if kind == ActionKind.SEND_BACK else None)


def test_guard_blocks_every_action_but_send_back_while_pending(identity_register_sim, desk):
    application = pending_application(identity_register_sim, desk)
    task = open_task(application)
    kinds = set(task.step.actions.values_list("kind", flat=True)) - {ActionKind.SEND_BACK}
    assert kinds
    for kind in kinds:
        with pytest.raises(services.IdentityNotChecked):
            act(desk, application, kind)
    assert open_task(application).completed_at is None
    act(desk, application, ActionKind.SEND_BACK)
    assert Application.objects.get(pk=application.pk).status == Status.SENT_BACK


def test_guard_lets_a_passed_file_go_on(identity_register_sim, desk):
    client = citizen_client(desk.citizen)
    application = draft(desk, client)
    assert post(desk, client, application).status_code == 302
    task = open_task(application)
    forward = task.step.actions.exclude(kind=ActionKind.SEND_BACK).first()
    task_act(actor=desk.secretary, task=task, action=forward, note="ঠিক আছে")
    assert Task.objects.get(pk=task.pk).completed_at is not None


def test_guard_blocks_when_details_changed_after_the_check(identity_register_sim, desk):
    client = citizen_client(desk.citizen)
    application = draft(desk, client)
    assert post(desk, client, application).status_code == 302
    Application.objects.filter(pk=application.pk).update(form_data={**RAHIMA, "father_name": "অন্য কেউ"})
    application.refresh_from_db()
    task = open_task(application)
    forward = task.step.actions.exclude(kind=ActionKind.SEND_BACK).first()
    with pytest.raises(services.IdentityNotChecked):
        task_act(actor=desk.secretary, task=task, action=forward, note="ঠিক আছে")


def test_officer_file_page_shows_the_check_and_check_again(identity_register_sim, desk):
    application = pending_application(identity_register_sim, desk)
    officer = officer_client(desk.secretary)
    page = officer.get(reverse("workflow:file", args=[application.public_id])).content.decode()
    assert "Identity check (NID)" in page and "Waiting for the identity register" in page
    response = officer.post(reverse("identity:check_again", args=[application.public_id]))
    assert response.status_code == 302
    assert IdentityCheck.objects.get(application=application).status == "passed"
    page = officer.get(reverse("workflow:file", args=[application.public_id])).content.decode()
    assert "Identity verified" in page


def test_check_again_refused_to_other_offices_and_citizens(identity_register_sim, desk):
    application = pending_application(identity_register_sim, desk)
    url = reverse("identity:check_again", args=[application.public_id])
    assert officer_client(desk.secretary_b).post(url).status_code == 404
    assert citizen_client(desk.citizen).post(url).status_code in (302, 403, 404)
    assert IdentityCheck.objects.get(application=application).status == "pending"


def test_check_due_after_backoff_with_time_machine(identity_register_sim, desk):
    application = pending_application(identity_register_sim, desk)
    check = IdentityCheck.objects.get(application=application)
    with time_machine.travel(check.next_attempt_at + timedelta(seconds=1)):
        assert services.identity_recheck(check_id=check.public_id) == "passed"


# --- The sweeper: lost queue entries, corrected resubmissions --------------------------------


def test_sweep_asks_again_for_a_pending_check_whose_task_was_lost(identity_register_sim, desk):
    application = pending_application(identity_register_sim, desk)
    check = IdentityCheck.objects.get(application=application)
    assert services.identity_sweep() == {"due": 0, "changed": 0}  # not due yet
    with time_machine.travel(check.next_attempt_at + timedelta(seconds=61)):
        assert services.identity_sweep()["due"] == 1
    assert IdentityCheck.objects.get(pk=check.pk).status == "passed"


def test_corrected_resubmission_is_checked_again_by_the_sweep(identity_register_sim, desk):
    from sheba.workflow.services import application_resubmit

    application = pending_application(identity_register_sim, desk, father_name="আবুল কাশেম")
    check = IdentityCheck.objects.get(application=application)
    assert services.identity_recheck(check_id=check.public_id) == "mismatch"
    application.refresh_from_db()
    assert application.status == Status.SENT_BACK
    with time_machine.travel(clock.now() + timedelta(minutes=5)):
        application_resubmit(actor=desk.citizen, application=application, form_data={**RAHIMA, "ward_no": 3})
        assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED
        # still blocked until the register confirms the corrected details
        kind = open_task(application).step.actions.exclude(kind=ActionKind.SEND_BACK).values_list("kind", flat=True)[0]
        with pytest.raises(services.IdentityNotChecked):
            act(desk, application, kind)
        assert services.identity_sweep()["changed"] == 1
    check.refresh_from_db()
    assert check.status == "passed" and check.mismatched == []
    assert services.identity_sweep() == {"due": 0, "changed": 0}
