"""The access matrix of ../shared/SECURITY.md ("Access"), as data, checked over HTTP against the
real views with the test client.

Every cell is written down: actor × (object, action) → the one outcome allowed. Outcomes:

- ``OK``        the page (200) or, for a write, the change was made;
- ``HIDDEN``    404: out of scope looks like nothing is there (SECURITY.md: "Out of scope answers 404");
- ``LOGIN``     sent to a sign-in page first (302), nothing shown or changed;
- ``AWAY``      a signed-in person of the wrong kind is sent to their own desk (302), nothing shown or changed;
- ``FORBIDDEN`` 403 (the admin site, for staff without the permission);
- ``SEES`` / ``NOT``  for content cells (notes, messages, the audit trail): whether the actor can
  read it on any page open to them.

A write that is refused must change nothing; that is checked for every refused write cell.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from sheba.accounts.models import User, UserKind
from sheba.applications.models import Application
from sheba.applications.services import application_start, application_update_draft
from sheba.applications.tests.helpers import locker_file, make_citizen
from sheba.core import clock
from sheba.workflow.models import FileMessage, Task
from sheba.workflow.selectors import open_task
from sheba.workflow.services import file_message_send, task_act, tasks_escalate_overdue

from .helpers import VALID, citizen_client, english, hold, make_officer, officer_client, submitted
from .test_routing_escalation import Tree, make_tree

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "owner", "other_citizen", "officer_here", "officer_elsewhere", "acting", "supervisor",
          "staff", "designer"]
OK, HIDDEN, LOGIN, AWAY, FORBIDDEN, SEES, NOT = "OK", "HIDDEN", "LOGIN", "AWAY", "FORBIDDEN", "SEES", "NOT"


def row(*outcomes: str) -> dict[str, str]:
    assert len(outcomes) == len(ACTORS)
    return dict(zip(ACTORS, outcomes, strict=True))


#                              anon    owner   other   here    elsewh. acting  superv. staff      designer
MATRIX: dict[tuple[str, str], dict[str, str]] = {
    ("application", "list (my applications / file inbox)"):
        row(NOT, SEES, NOT, SEES, NOT, SEES, NOT, NOT, NOT),
    ("application", "view (citizen page)"):
        row(LOGIN, OK, HIDDEN, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    ("application", "view (office file)"):
        row(LOGIN, AWAY, AWAY, OK, HIDDEN, OK, HIDDEN, HIDDEN, HIDDEN),
    ("application", "view (office file, escalated to the supervisor)"):
        row(LOGIN, AWAY, AWAY, OK, HIDDEN, OK, OK, HIDDEN, HIDDEN),
    ("application", "act/decide"):
        row(LOGIN, AWAY, AWAY, OK, HIDDEN, OK, HIDDEN, HIDDEN, HIDDEN),
    ("task", "claim"):
        row(LOGIN, AWAY, AWAY, OK, HIDDEN, OK, HIDDEN, HIDDEN, HIDDEN),
    ("draft", "view (citizen page)"):
        row(LOGIN, OK, HIDDEN, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    ("draft", "edit"):
        row(LOGIN, OK, HIDDEN, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    ("draft", "view (office file)"):
        row(LOGIN, AWAY, AWAY, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    ("attachment", "download (office file)"):
        row(LOGIN, AWAY, AWAY, OK, HIDDEN, OK, HIDDEN, HIDDEN, HIDDEN),
    ("locker document", "download"):
        row(LOGIN, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    ("file notes", "view"):
        row(NOT, NOT, NOT, SEES, NOT, SEES, NOT, NOT, NOT),
    ("file messages", "view"):
        row(NOT, SEES, NOT, SEES, NOT, SEES, NOT, NOT, NOT),
    ("file messages", "write"):
        row(LOGIN, OK, HIDDEN, OK, HIDDEN, OK, HIDDEN, HIDDEN, HIDDEN),
    ("audit trail", "view"):
        row(NOT, SEES, NOT, NOT, NOT, NOT, NOT, NOT, NOT),
    ("office dashboard", "view"):
        row(LOGIN, AWAY, AWAY, OK, HIDDEN, OK, OK, HIDDEN, HIDDEN),
    ("workflow (admin)", "edit"):
        row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, FORBIDDEN, OK),
}

NOTE_TEXT = "অভ্যন্তরীণ নোট: কাগজ যাচাই করা হয়েছে"
OFFICE_MESSAGE = "অফিসের বার্তা: মূল কাগজ নিয়ে আসুন"


class World:
    def __init__(self) -> None:
        self.tree: Tree = make_tree()
        desk = self.tree.desk
        self.desk = desk
        acting = make_officer("acting.secretary")
        hold(acting, desk.world.office_a.posts.get(code="up_secretary"), acting=True)
        staff = make_officer("staff.nopost")
        User.objects.filter(pk=staff.pk).update(is_staff=True)
        designer = make_officer("designer.nopost")
        User.objects.filter(pk=designer.pk).update(is_staff=True)
        designer.user_permissions.add(*Permission.objects.filter(content_type__app_label="workflow"))
        self.people: dict[str, User | None] = {
            "anonymous": None,
            "owner": desk.citizen,
            "other_citizen": make_citizen(desk.world, mobile="+8801711000077"),
            "officer_here": desk.secretary,
            "officer_elsewhere": desk.secretary_b,
            "acting": User.objects.get(pk=acting.pk),
            "supervisor": self.tree.uno,
            "staff": User.objects.get(pk=staff.pk),
            "designer": User.objects.get(pk=designer.pk),
        }

    def client(self, actor: str) -> Client:
        person = self.people[actor]
        if person is None:
            return english(Client())
        return officer_client(person) if person.kind == UserKind.OFFICER else citizen_client(person)

    def fresh(self) -> Application:
        return submitted(self.desk)

    def draft(self) -> Application:
        who = self.desk.citizen
        draft = application_start(actor=who, service=self.desk.world.service, office=self.desk.world.office_a,
                                  submission_token=f"matrix-draft-{Application.objects.count():06d}")
        application_update_draft(actor=who, application=draft, for_self=True, other_name="", other_mobile="",
                                 form_data=VALID,
                                 attachments=[(locker_file(who), "nid_copy")])
        return draft


def classify(response: Any) -> str:
    if response.status_code == 200:
        return OK
    if response.status_code == 404:
        return HIDDEN
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 302:
        location = response["Location"]
        logins = (reverse("accounts:login"), reverse("officer:login"), "/admin/login/")
        return LOGIN if location.startswith(logins) else AWAY
    return f"status {response.status_code}"


# --- How each (object, action) is tried ---------------------------------------------------------


def try_list(world: World, actor: str) -> str:
    application = world.fresh()
    client = world.client(actor)
    bodies = [client.get(url) for url in (reverse("applications:mine"), reverse("workflow:inbox"))]
    seen = any(r.status_code == 200 and application.tracking_display in r.content.decode() for r in bodies)
    return SEES if seen else NOT


def try_view_citizen_page(world: World, actor: str) -> str:
    application = world.fresh()
    return classify(world.client(actor).get(reverse("applications:detail", args=[application.public_id])))


def try_view_office_file(world: World, actor: str) -> str:
    application = world.fresh()
    return classify(world.client(actor).get(reverse("workflow:file", args=[application.public_id])))


def try_view_escalated(world: World, actor: str) -> str:
    desk = world.desk
    with time_machine.travel(clock.now() - timedelta(days=20), tick=False):
        application = world.fresh()
    # The secretary's overdue task goes to the chairman; the chairman's overdue one to the UNO.
    with time_machine.travel(clock.now() - timedelta(days=10), tick=False):
        task_act(actor=desk.secretary, task=open_task(application),
                 action=open_task(application).step.actions.get(kind="forward"), note="অগ্রায়ণ")
    tasks_escalate_overdue()
    assert open_task(application).escalation.to_post.code == "uno"
    return classify(world.client(actor).get(reverse("workflow:file", args=[application.public_id])))


def try_decide(world: World, actor: str) -> str:
    application = world.fresh()
    task = open_task(application)
    forward = task.step.actions.get(kind="forward")
    response = world.client(actor).post(reverse("workflow:act", args=[application.public_id]),
                                        {"action": forward.pk, "note": "অগ্রায়ণ করা হলো"})
    done = Task.objects.get(pk=task.pk).completed_at is not None
    if done:
        assert response.status_code == 302 and response["Location"] == reverse("workflow:inbox")
        return OK
    assert open_task(application).pk == task.pk  # refused: nothing changed
    return classify(response)


def try_claim(world: World, actor: str) -> str:
    application = world.fresh()
    task = open_task(application)
    response = world.client(actor).post(reverse("workflow:claim", args=[application.public_id]))
    claimed = Task.objects.get(pk=task.pk).assigned_to_id
    if claimed is not None:
        assert claimed == world.people[actor].pk
        return OK
    return classify(response)


def try_view_draft(world: World, actor: str) -> str:
    return classify(world.client(actor).get(reverse("applications:detail", args=[world.draft().public_id])))


def try_edit_draft(world: World, actor: str) -> str:
    return classify(world.client(actor).get(reverse("applications:edit", args=[world.draft().public_id])))


def try_draft_office_file(world: World, actor: str) -> str:
    return classify(world.client(actor).get(reverse("workflow:file", args=[world.draft().public_id])))


def try_download_attachment(world: World, actor: str) -> str:
    application = world.fresh()
    version = application.attachments.select_related("version").first().version
    response = world.client(actor).get(reverse("workflow:document", args=[application.public_id, version.public_id]))
    if response.status_code == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    return classify(response)


def try_download_locker(world: World, actor: str) -> str:
    version = locker_file(world.desk.citizen)
    response = world.client(actor).get(reverse("locker:download", args=[version.public_id]))
    return classify(response)


def _readable_pages(world: World, actor: str, application: Application) -> str:
    """Everything the actor can open about this file, concatenated (200 answers only)."""
    client = world.client(actor)
    urls = [reverse("applications:detail", args=[application.public_id]),
            reverse("workflow:citizen_file", args=[application.public_id]),
            reverse("workflow:file", args=[application.public_id])]
    bodies = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            bodies.append(response.content.decode())
    return "\n".join(bodies)


def try_view_notes(world: World, actor: str) -> str:
    application = world.fresh()
    task_act(actor=world.desk.secretary, task=open_task(application),
             action=open_task(application).step.actions.get(kind="forward"), note=NOTE_TEXT)
    # The chairman's step is at the same office: the secretary still sees the file.
    return SEES if NOTE_TEXT in _readable_pages(world, actor, application) else NOT


def try_view_messages(world: World, actor: str) -> str:
    application = world.fresh()
    file_message_send(actor=world.desk.secretary, application=application, text=OFFICE_MESSAGE)
    return SEES if OFFICE_MESSAGE in _readable_pages(world, actor, application) else NOT


def try_write_message(world: World, actor: str) -> str:
    application = world.fresh()
    person = world.people[actor]
    client = world.client(actor)
    text = f"বার্তা {actor}"
    if person is not None and person.kind == UserKind.OFFICER:
        response = client.post(reverse("workflow:message", args=[application.public_id]), {"text": text})
    else:
        response = client.post(reverse("workflow:citizen_file", args=[application.public_id]),
                               {"intent": "message", "text": text})
    if FileMessage.objects.filter(application=application, text=text).exists():
        assert response.status_code == 302
        return OK
    return classify(response)


def try_view_trail(world: World, actor: str) -> str:
    application = world.fresh()
    world.client("officer_here").get(reverse("workflow:file", args=[application.public_id]))  # a view to list
    marker = "Who opened or acted on your file"
    return SEES if marker in _readable_pages(world, actor, application) else NOT


def try_dashboard(world: World, actor: str) -> str:
    return classify(world.client(actor).get(reverse("workflow:dashboard", args=[world.desk.world.office_a.public_id])))


def try_admin_workflows(world: World, actor: str) -> str:
    return classify(world.client(actor).get("/admin/workflow/workflow/"))


TRIES = {
    ("application", "list (my applications / file inbox)"): try_list,
    ("application", "view (citizen page)"): try_view_citizen_page,
    ("application", "view (office file)"): try_view_office_file,
    ("application", "view (office file, escalated to the supervisor)"): try_view_escalated,
    ("application", "act/decide"): try_decide,
    ("task", "claim"): try_claim,
    ("draft", "view (citizen page)"): try_view_draft,
    ("draft", "edit"): try_edit_draft,
    ("draft", "view (office file)"): try_draft_office_file,
    ("attachment", "download (office file)"): try_download_attachment,
    ("locker document", "download"): try_download_locker,
    ("file notes", "view"): try_view_notes,
    ("file messages", "view"): try_view_messages,
    ("file messages", "write"): try_write_message,
    ("audit trail", "view"): try_view_trail,
    ("office dashboard", "view"): try_dashboard,
    ("workflow (admin)", "edit"): try_admin_workflows,
}


def test_every_cell_has_a_way_to_try_it():
    assert set(TRIES) == set(MATRIX)
    assert all(set(cells) == set(ACTORS) for cells in MATRIX.values())


@pytest.mark.parametrize("cell", list(MATRIX), ids=[f"{o}: {a}" for o, a in MATRIX])
def test_access_matrix(cell):
    world = World()
    got = {actor: TRIES[cell](world, actor) for actor in ACTORS}
    assert got == MATRIX[cell]
