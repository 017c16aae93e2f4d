"""Complaints through their services: filing, the desk, appeal; every refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from sheba.applications.models import Status
from sheba.audit.models import AuditEvent
from sheba.core import clock
from sheba.core.errors import InvalidInput, NotFound
from sheba.core.workdays import add_working_days
from sheba.grievances import errors, numbers, selectors, services
from sheba.grievances.enums import APPEAL_DAYS, ComplaintReason, ComplaintStatus, EventKind
from sheba.grievances.models import Complaint, ComplaintEvent
from sheba.notifications.models import Message
from sheba.workflow.models import ActionKind
from sheba.workflow.selectors import open_task
from sheba.workflow.services import task_act
from sheba.workflow.tests.helpers import hold, submitted

from .helpers import make_grs

pytestmark = pytest.mark.django_db
TEXT = "The secretary has not touched my file for weeks."
_tokens = [0]


def token() -> str:
    _tokens[0] += 1
    return f"complaint-token-{_tokens[0]:08d}"


@pytest.fixture
def grs():
    return make_grs()


def file(grs, application=None, *, reason=ComplaintReason.CONDUCT, text=TEXT, actor=None, office=None, tok=None):
    return services.complaint_file(actor=actor or grs.citizen, application=application, office=office,
                                   reason=reason, text=text, submission_token=tok or token())


def decide(grs, application, kind):
    """Walk the file through its workflow (forwarding) until a post may take ``kind``; take it."""
    people = {"up_secretary": grs.desk.secretary, "up_chairman": grs.desk.chairman}
    for _step in range(5):
        task = open_task(application)
        wanted = task.step.actions.filter(kind=kind).first()
        action = wanted or task.step.actions.get(kind=ActionKind.FORWARD)
        task_act(actor=people[action.post_code], task=task, action=action, note="Looked at it.")
        if wanted:
            break
    application.refresh_from_db()


def past_deadline(application):
    """time-machine to the working day after the charter deadline."""
    return time_machine.travel(clock.now() + timedelta(days=(application.due_on - clock.today()).days + 3), tick=False)


def test_filing_goes_to_the_supervising_office_with_its_own_number(grs):
    application = submitted(grs.desk)
    sms_before = Message.objects.count()
    complaint = file(grs, application)
    assert len(complaint.number) == 12 and numbers.parse(complaint.number_display) == complaint.number
    assert complaint.number_display.startswith("GR-")
    assert complaint.subject_office == grs.office_a
    assert complaint.handling_office == grs.uno_office
    assert complaint.status == ComplaintStatus.SUBMITTED
    assert complaint.due_on == add_working_days(clock.today(), 30)
    assert list(complaint.events.values_list("to_status", flat=True)) == [ComplaintStatus.SUBMITTED]
    audit = AuditEvent.objects.get(object_type="complaint", object_id=str(complaint.public_id))
    assert audit.action == "complaint.submitted" and audit.actor_id == grs.citizen.pk
    sent = Message.objects.order_by("created_at")[sms_before:]
    assert [(m.event, m.recipient) for m in sent] == [("grievance_submitted", grs.citizen.mobile)]
    assert complaint.number_display in sent[0].body


def test_an_application_number_is_never_a_complaint_number(grs):
    application = submitted(grs.desk)
    with pytest.raises(numbers.ComplaintNumberIsApplication):
        numbers.parse(application.tracking_display)
    with pytest.raises(numbers.ComplaintNumberMalformed):
        numbers.parse("hello")
    complaint = file(grs, application)
    typo = complaint.number[:-1] + ("0" if complaint.number[-1] != "0" else "1")
    with pytest.raises(numbers.ComplaintNumberMistyped):
        numbers.parse(typo)


def test_double_submit_with_one_token_makes_one_complaint(grs):
    application = submitted(grs.desk)
    first = file(grs, application, tok="same-token-123")
    again = file(grs, application, tok="same-token-123")
    assert again.pk == first.pk
    assert Complaint.objects.count() == 1
    assert Message.objects.filter(event="grievance_submitted").count() == 1
    with pytest.raises(errors.AlreadyOpen):
        file(grs, application)  # a second open complaint on the same file
    assert Complaint.objects.count() == 1


def test_someone_elses_application_is_refused(grs):
    application = submitted(grs.desk)
    with pytest.raises(errors.NotYourApplication):
        file(grs, application, actor=grs.other_citizen)
    with pytest.raises(NotFound):
        file(grs, application, actor=grs.uno)  # officers do not file complaints as citizens
    assert Complaint.objects.count() == 0 and not AuditEvent.objects.filter(object_type="complaint").exists()


def test_delay_only_after_the_charter_deadline(grs):
    application = submitted(grs.desk)
    with pytest.raises(errors.TooEarly) as refused:
        file(grs, application, reason=ComplaintReason.DELAY)
    assert "has not passed yet" in str(refused.value.message)
    with pytest.raises(errors.TooEarly):
        file(grs, application, reason=ComplaintReason.DECISION)
    assert Complaint.objects.count() == 0
    with past_deadline(application):
        assert selectors.deadline_passed(application)
        complaint = file(grs, application, reason=ComplaintReason.DELAY)
    assert complaint.reason == ComplaintReason.DELAY


def test_decision_complaint_after_a_rejection(grs):
    application = submitted(grs.desk)
    decide(grs, application, ActionKind.REJECT)
    assert application.status == Status.REJECTED
    with pytest.raises(errors.TooEarly):
        file(grs, application, reason=ComplaintReason.DELAY)  # decided: no delay to complain about
    complaint = file(grs, application, reason=ComplaintReason.DECISION)
    assert complaint.reason == ComplaintReason.DECISION


@pytest.mark.parametrize(("text", "error"), [("", errors.TextMissing), ("   short ", errors.TextMissing),
                                             ("x" * 2001, errors.TextTooLong)])
def test_missing_or_oversized_text(grs, text, error):
    application = submitted(grs.desk)
    with pytest.raises(error):
        file(grs, application, text=text)
    assert Complaint.objects.count() == 0


def test_bad_reason_and_empty_token(grs):
    application = submitted(grs.desk)
    with pytest.raises(errors.ReasonInvalid):
        file(grs, application, reason="bribe-please")
    with pytest.raises(InvalidInput):
        services.complaint_file(actor=grs.citizen, application=application, reason="conduct", text=TEXT,
                                submission_token="")
    with pytest.raises(errors.ReasonInvalid):
        file(grs, office=grs.office_a, reason=ComplaintReason.DELAY)  # an office in general has no deadline
    assert Complaint.objects.count() == 0


def test_a_complaint_about_an_office_in_general(grs):
    complaint = file(grs, office=grs.office_a, reason=ComplaintReason.OTHER)
    assert complaint.application is None
    assert complaint.handling_office == grs.uno_office
    about_dc = file(grs, office=grs.dc_office)
    assert about_dc.handling_office == grs.dc_office  # nothing above a DC office in the directory


def test_the_whole_path_note_resolve_appeal_decide(grs):
    application = submitted(grs.desk)
    complaint = file(grs, application)
    services.complaint_note(actor=grs.uno, complaint=complaint, text="Asked the secretary for the file.")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.INVESTIGATING
    services.complaint_note(actor=grs.uno, complaint=complaint, text="Second note.")
    services.complaint_decide(actor=grs.uno, complaint=complaint, decision="resolve",
                              reply="The secretary will finish your file tomorrow.")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED and complaint.decided_by == grs.uno
    # The UNO may not answer again.
    with pytest.raises(errors.IllegalStep):
        services.complaint_decide(actor=grs.uno, complaint=complaint, decision="reject", reply="again")
    with pytest.raises(errors.IllegalStep):
        services.complaint_note(actor=grs.uno, complaint=complaint, text="late note")
    services.complaint_appeal(actor=grs.citizen, complaint=complaint, text="Nothing happened the next day.")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.APPEALED and complaint.appeal_office == grs.dc_office
    # A double-clicked appeal is kept once; a different second appeal is refused.
    services.complaint_appeal(actor=grs.citizen, complaint=complaint, text="Nothing happened the next day.")
    with pytest.raises(errors.AppealTwice):
        services.complaint_appeal(actor=grs.citizen, complaint=complaint, text="And another appeal text.")
    # The UNO is not at the appeal desk any more.
    with pytest.raises(errors.NotHandler):
        services.complaint_decide(actor=grs.uno, complaint=complaint, decision="upheld", reply="mine")
    services.complaint_note(actor=grs.adc, complaint=complaint, text="Called the UNO.")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.APPEAL_REVIEW
    with pytest.raises(InvalidInput):
        services.complaint_decide(actor=grs.adc, complaint=complaint, decision="resolve", reply="wrong word")
    services.complaint_decide(actor=grs.adc, complaint=complaint, decision="upheld", reply="UNO to act by Sunday.")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.APPEAL_DECIDED and complaint.appeal_outcome == "upheld"
    with pytest.raises(errors.AppealTwice):
        services.complaint_appeal(actor=grs.citizen, complaint=complaint, text="Nothing happened the next day.")
    statuses = list(complaint.events.filter(kind=EventKind.STATUS).values_list("to_status", flat=True))
    assert statuses == ["submitted", "investigating", "resolved", "appealed", "appeal_review", "appeal_decided"]
    assert complaint.events.filter(kind=EventKind.NOTE).count() == 3
    actions = list(AuditEvent.objects.filter(object_type="complaint").order_by("seq").values_list("action", flat=True))
    assert actions == ["complaint.submitted", "complaint.investigating", "complaint.note", "complaint.note",
                       "complaint.resolved", "complaint.appealed", "complaint.appeal_review", "complaint.note",
                       "complaint.appeal_decided"]
    # The citizen was told at every change of status (one SMS each; no e-mail address).
    told = list(Message.objects.filter(user=grs.citizen, event__startswith="grievance_").order_by("created_at")
                .values_list("event", flat=True))
    assert told == ["grievance_submitted"] + ["grievance_status"] * 5


def test_email_too_when_verified_and_in_english(grs):
    citizen = grs.citizen
    citizen.email, citizen.email_verified_at, citizen.preferred_language = "rahim@example.org", clock.now(), "en"
    citizen.save()
    complaint = file(grs, submitted(grs.desk))
    sent = Message.objects.filter(event="grievance_submitted")
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "sms"]
    assert all(m.language == "en" for m in sent)
    services.complaint_decide(actor=grs.uno, complaint=complaint, decision="reject", reply="No ground found.")
    email = Message.objects.get(event="grievance_status", channel="email")
    assert "No ground found." in email.body and "appeal" in email.body


def test_appeal_before_answer_after_limit(grs):
    complaint = file(grs, submitted(grs.desk))
    with pytest.raises(errors.AppealNotAllowed):
        services.complaint_appeal(actor=grs.citizen, complaint=complaint, text="I appeal right now please.")
    services.complaint_decide(actor=grs.uno, complaint=complaint, decision="reject", reply="No ground.")
    with pytest.raises(NotFound):
        services.complaint_appeal(actor=grs.other_citizen, complaint=complaint, text="Not my complaint at all.")
    with time_machine.travel(clock.now() + timedelta(days=APPEAL_DAYS, hours=1), tick=False):
        with pytest.raises(errors.AppealTooLate):
            services.complaint_appeal(actor=grs.citizen, complaint=complaint, text="I appeal too late, sorry.")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.REJECTED and complaint.appeal_text == ""


def test_officers_of_other_offices_cannot_see_or_act(grs):
    complaint = file(grs, submitted(grs.desk))
    for outsider in (grs.far_uno, grs.desk.secretary, grs.desk.chairman, grs.dc, grs.adc):
        with pytest.raises(NotFound):
            selectors.complaint_get(outsider, complaint.public_id)
        assert not selectors.complaint_inbox(outsider).exists()
        with pytest.raises(NotFound):
            services.complaint_decide(actor=outsider, complaint=complaint, decision="resolve", reply="mine")
    with pytest.raises(NotFound):
        selectors.complaint_get(grs.other_citizen, complaint.public_id)
    assert selectors.complaint_get(grs.uno, complaint.public_id) == complaint
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.SUBMITTED and complaint.events.count() == 1


def test_the_officer_complained_about_cannot_decide_it(grs):
    """The UNO is also acting chairman of the Union Parishad complained about: he sees the complaint
    at his desk but may neither investigate nor decide it; the office head... is himself, so the
    complaint waits for another holder. Likewise an officer who worked on the file."""
    from sheba.directory.models import Post

    application = submitted(grs.desk)
    complaint = file(grs, application)
    hold(grs.uno, Post.objects.get(office=grs.office_a, code="up_chairman"), acting=True)
    assert selectors.is_party(grs.uno, complaint)
    with pytest.raises(errors.PartyToComplaint):
        services.complaint_decide(actor=grs.uno, complaint=complaint, decision="reject", reply="Nothing wrong.")
    with pytest.raises(errors.PartyToComplaint):
        services.complaint_note(actor=grs.uno, complaint=complaint, text="I looked at myself.")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.SUBMITTED
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.NOTE).exists()


def test_who_decided_first_cannot_hear_the_appeal(grs):
    """The ADC (General) at the DC office answers appeals; if the UNO who decided is also acting
    ADC, the appeal must go to the DC (the office head)."""
    from sheba.directory.models import Post

    complaint = file(grs, submitted(grs.desk))
    services.complaint_decide(actor=grs.uno, complaint=complaint, decision="reject", reply="No ground.")
    hold(grs.uno, Post.objects.get(office=grs.dc_office, code="adc_general"), acting=True)
    services.complaint_appeal(actor=grs.citizen, complaint=complaint, text="The UNO is wrong about this.")
    with pytest.raises(errors.PartyToComplaint):
        services.complaint_decide(actor=grs.uno, complaint=complaint, decision="dismissed", reply="Still no.")
    services.complaint_decide(actor=grs.dc, complaint=complaint, decision="upheld", reply="The UP must issue it.")
    complaint.refresh_from_db()
    assert complaint.appeal_decided_by == grs.dc


def test_inbox_overdue_first(grs):
    first = file(grs, office=grs.office_a)
    with time_machine.travel(clock.now() + timedelta(days=60), tick=False):
        second = file(grs, office=grs.desk.world.office_b)
        rows = list(selectors.complaint_inbox(grs.uno))
        assert [c.pk for c in rows] == [first.pk, second.pk]
        assert rows[0].overdue_rank == 0 and rows[1].overdue_rank == 1
        assert [c.pk for c in selectors.complaint_inbox(grs.uno, overdue_only=True)] == [first.pk]


def test_viewing_a_complaint_is_audited_on_the_file_too(grs):
    application = submitted(grs.desk)
    complaint = file(grs, application)
    services.complaint_view(actor=grs.uno, complaint=complaint)
    assert AuditEvent.objects.filter(action="audit.view", object_type="complaint", actor=grs.uno).count() == 1
    assert AuditEvent.objects.filter(action="audit.view", object_type="application",
                                     object_id=str(application.public_id), actor=grs.uno).count() == 1


def test_a_complaint_about_the_top_office_is_decided_inside_it(grs):
    """Nothing is above a DC office in the directory: its own grievance officer (the ADC) handles a
    complaint about it; on appeal the DC (the head) decides, not the ADC who answered first."""
    complaint = file(grs, office=grs.dc_office)
    assert complaint.handling_office == grs.dc_office
    assert not selectors.is_party(grs.adc, complaint)
    services.complaint_decide(actor=grs.adc, complaint=complaint, decision="reject", reply="Nothing wrong.")
    services.complaint_appeal(actor=grs.citizen, complaint=complaint, text="The ADC did not look into it.")
    complaint.refresh_from_db()
    assert complaint.appeal_office == grs.dc_office
    with pytest.raises(errors.PartyToComplaint):
        services.complaint_decide(actor=grs.adc, complaint=complaint, decision="dismissed", reply="Still no.")
    services.complaint_decide(actor=grs.dc, complaint=complaint, decision="upheld", reply="Look again, ADC.")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.APPEAL_DECIDED
