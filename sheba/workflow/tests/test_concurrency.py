"""Two officers deciding the same file at the same moment: one wins, the other is told."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from sheba.applications.models import Status
from sheba.workflow import errors
from sheba.workflow.models import ActionKind, FileNote, Task
from sheba.workflow.selectors import open_task
from sheba.workflow.services import task_act

from .helpers import hold, make_desk, make_officer, submitted


@pytest.mark.django_db(transaction=True)
def test_two_officers_at_once_one_wins():
    desk = make_desk()
    second = make_officer("sec.two")
    hold(second, desk.world.office_a.posts.get(code="up_secretary"))
    application = submitted(desk)
    task = open_task(application)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def decide(officer, kind):
        from django.utils import translation

        translation.activate("en")  # each thread has its own active language
        try:
            mine = Task.objects.get(pk=task.pk)
            action = mine.step.actions.get(kind=kind)
            barrier.wait(timeout=10)
            task_act(actor=officer, task=mine, action=action, note=f"{officer} {kind}",
                     fields_to_correct=["father_name"])
            outcomes[officer.username] = "won"
        except errors.AlreadyDecided as refused:
            outcomes[officer.username] = str(refused.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(desk.secretary, ActionKind.FORWARD)),
               threading.Thread(target=decide, args=(second, ActionKind.SEND_BACK))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["sec.a", "sec.two"]
    winners = [name for name, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1
    loser = "sec.two" if winners == ["sec.a"] else "sec.a"
    winner_user = desk.secretary if winners == ["sec.a"] else second
    assert outcomes[loser] == f"This file was already decided by {winner_user}."
    assert FileNote.objects.count() == 1
    application.refresh_from_db()
    assert application.status == (Status.IN_REVIEW if winners == ["sec.a"] else Status.SENT_BACK)
