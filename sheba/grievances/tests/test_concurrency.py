"""At the same moment: two desk officers answering one complaint (one wins, the other is told),
and one complaint form sent twice (one complaint)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from sheba.core.errors import DomainError
from sheba.directory.models import Post
from sheba.grievances import services
from sheba.grievances.enums import ComplaintStatus
from sheba.grievances.models import Complaint, ComplaintEvent
from sheba.workflow.tests.helpers import hold, make_officer

from .helpers import make_grs

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _templates(_application_templates):
    from importlib import import_module

    from django.apps import apps

    import_module("sheba.grievances.migrations.0002_notification_templates").seed(apps, None)


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        from django.utils import translation

        translation.activate("en")
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except DomainError as refused:
            outcomes[index] = str(refused.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_officers_answer_at_once_one_wins():
    grs = make_grs()
    acting = make_officer("uno.acting")
    hold(acting, Post.objects.get(office=grs.uno_office, code="uno"), acting=True)
    complaint = services.complaint_file(actor=grs.citizen, office=grs.office_a, reason="other",
                                        text="The office is closed at 11 in the morning.", submission_token="t-c-1")
    outcomes = run_together(
        lambda: services.complaint_decide(actor=grs.uno, complaint=complaint, decision="resolve", reply="Fixed."),
        lambda: services.complaint_decide(actor=acting, complaint=complaint, decision="reject", reply="No."),
    )
    won = [o for o in outcomes if isinstance(o, Complaint)]
    told = [o for o in outcomes if isinstance(o, str)]
    assert len(won) == 1 and told == ["This complaint has already been decided."]
    complaint.refresh_from_db()
    assert complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED)
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == 2  # submitted + one decision


def test_one_form_sent_twice_at_once_makes_one_complaint():
    grs = make_grs()

    def send():
        return services.complaint_file(actor=grs.citizen, office=grs.office_a, reason="conduct",
                                       text="The clerk shouted at me at the counter.", submission_token="t-same-1")

    outcomes = run_together(send, send)
    assert all(isinstance(o, Complaint) for o in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert Complaint.objects.count() == 1
