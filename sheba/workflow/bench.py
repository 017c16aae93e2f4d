"""`make bench` plugin (see ``Harness`` in scripts/bench.py): the officer's file inbox and a
decision, over HTTP through the running gunicorn on the 1,000,000-application database.

- Two Union Parishad chairmen (password + TOTP, sessions as django-otp leaves them after the
  TOTP step). The first has an inbox of ``INBOX_TASKS`` open files at the chairman's step (a
  very busy union); the second has one open file for every decision the load will make.
- Tasks are made set-based: existing submitted applications are moved to the chairman's office
  (``holder_office``) and given an open task at the "decide" step of the shipped UP workflow.
- Each file gets the passed NID check the identity app's guard asks for before any decision.
- The decision is the real «নামঞ্জুর» (reject) POST of the file page with a note: locks, note,
  task, guards and effects of the other apps, status change, event, audit row, SMS to the
  applicant, redirect to the inbox. Each
  request decides a different file; every answer must be the 302 to the inbox.
"""

from __future__ import annotations

import sys
import urllib.parse
from typing import Any

INBOX_TASKS = 1000
SPREAD = 97  # files are taken from every 97th application id (other plugins take others)
NOTE = "আবেদনের তথ্য সনদের শর্ত পূরণ করে না। / The application does not meet the conditions."


def _officer(username: str, post: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sheba.accounts.models import User, UserKind
    from sheba.core import clock
    from sheba.directory.models import PostTerm

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, "bench officer password 7Q", kind=UserKind.OFFICER)
    TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    PostTerm.objects.get_or_create(post=post, person=user, defaults={"starts_on": clock.today().replace(day=1)})
    return user


def officer_session(h: Any, user: Any) -> str:
    """A signed-in officer session that passed the TOTP step (django-otp's ``otp_device_id``)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.plugins.otp_totp.models import TOTPDevice

    key = h.session_cookie(user)
    store = SessionStore(session_key=key)
    store["otp_device_id"] = TOTPDevice.objects.get(user=user, name="bench").persistent_id
    store.save()
    return key


def make_tasks(h: Any, *, office_id: int, post_id: int, step_id: int, workflow_id: int, count: int, salt: int) -> int:
    """``count`` submitted applications without an open task: held by ``office_id`` now, each with
    an open task at ``step_id`` for ``post_id`` (due over the next weeks; a tenth overdue)."""
    h.sql(
        """
        WITH picked AS (
            SELECT a.id FROM applications_application a
            WHERE a.status = 'submitted' AND a.id %% %(spread)s = %(salt)s %% %(spread)s
              AND NOT EXISTS (SELECT 1 FROM workflow_task t WHERE t.application_id = a.id)
            ORDER BY a.id LIMIT %(count)s
        ), moved AS (
            UPDATE applications_application a SET holder_office_id = %(office)s
            FROM picked WHERE a.id = picked.id RETURNING a.id
        )
        INSERT INTO workflow_task (application_id, workflow_id, step_id, office_id, post_id, created_at, due_on,
                                   fields_to_correct)
        SELECT id, %(workflow)s, %(step)s, %(office)s, %(post)s, now() - interval '2 days',
               current_date + ((id %% 30) - 3)::int, '[]'::jsonb
        FROM moved
        """,
        {"salt": salt, "spread": SPREAD, "count": count, "office": office_id, "post": post_id, "step": step_id,
         "workflow": workflow_id},
    )
    _identity_passed(post_id)
    return h.one("SELECT count(*) FROM workflow_task WHERE post_id = %s AND completed_at IS NULL", [post_id])[0]


def _identity_passed(post_id: int) -> None:
    """The identity app lets an officer decide only once the applicant's NID check has passed for
    the details the file holds (its workflow guard): record that check for these files, as the
    register would have answered it (the fingerprint is a keyed hash, so it is made here)."""
    try:
        from sheba.identity.models import IdentityCheck
        from sheba.identity.services import fingerprint
    except ImportError:  # pragma: no cover (no identity app: no guard either)
        return
    from sheba.core import clock
    from sheba.workflow.models import Task

    now = clock.now()
    rows = (
        Task.objects.filter(post_id=post_id, completed_at__isnull=True, application__identity_check__isnull=True)
        .values_list("application_id", "application__form_data")
        .iterator(chunk_size=5000)
    )
    batch = []
    for application_id, form_data in rows:
        batch.append(IdentityCheck(application_id=application_id, status="passed", kind="nid",
                                   fingerprint=fingerprint(dict(form_data or {})), attempts=1,
                                   created_at=now, updated_at=now, checked_at=now))
        if len(batch) >= 5000:
            IdentityCheck.objects.bulk_create(batch)
            batch = []
    IdentityCheck.objects.bulk_create(batch)


def run(h: Any) -> list[dict]:
    from django.conf import settings
    from django.core.management import call_command

    from sheba.directory.models import Post
    from sheba.workflow.models import Workflow

    bench = sys.modules[type(h).__module__]  # scripts/bench.py: its wrk, one run per request list
    call_command("seed_workflows", verbosity=0)
    workflow = Workflow.objects.get(code="up_certificate", office_type__code="union_parishad", is_active=True)
    decide = workflow.steps.get(code="decide")
    reject = decide.actions.get(kind="reject")
    posts = list(
        Post.objects.filter(code="up_chairman", office__office_type__code="union_parishad")
        .select_related("office").order_by("pk")[:2]
    )
    inbox_post, decide_post = posts
    inbox_user = _officer("bench.chairman.inbox", inbox_post)
    decide_user = _officer("bench.chairman.decide", decide_post)

    duration, warm, repeat = h.load["duration"], h.warm, h.repeat
    per_run = int(max(2000, 800 * duration) * 1.5)
    warm_n = int(300 * warm) + 50
    needed = warm_n + per_run * repeat + 10

    def tasks_for(post, count, salt):
        return h.timer.run(
            f"workflow: {count:,} open tasks at {post.office.name_en}", make_tasks, h, office_id=post.office_id,
            post_id=post.pk, step_id=decide.pk, workflow_id=workflow.pk, count=count, salt=salt,
        )

    tasks_for(inbox_post, INBOX_TASKS, 11)
    made = tasks_for(decide_post, needed, 12)
    if made < needed:  # not enough submitted files with that salt: take more
        made = tasks_for(decide_post, needed - made, 13)
    h.sql("ANALYZE workflow_task")
    h.sql("ANALYZE applications_application")

    cookie_name = settings.SESSION_COOKIE_NAME
    inbox_cookie = f"{cookie_name}={officer_session(h, inbox_user)}"
    inbox_requests = [("/officer/files/", None, inbox_cookie)]
    h.check_one(h.server, "/officer/files/", cookie=inbox_cookie)
    rows: list[dict] = []
    inbox = h.wrk("officer inbox", inbox_requests)
    rows.append({"endpoint": f"officer inbox ({INBOX_TASKS:,} open files)", **_numbers(inbox),
                 "ceiling": "bare SELECT", "goal": "≥ 50 %", "goal_ratio": 0.5})

    secret, token = h.csrf_pair()
    decide_cookie = f"{cookie_name}={officer_session(h, decide_user)}; {settings.CSRF_COOKIE_NAME}={secret}"
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "action": str(reject.pk), "note": NOTE})
    files = [str(p) for p in h_public_ids(h, decide_post.pk)]
    requests = [(f"/officer/files/{public_id}/act/", body, decide_cookie) for public_id in files]
    post = {"method": "POST", "expect": 302, "location": r"^/officer/files/$", "wrap": False,
            "headers": {"Content-Type": "application/x-www-form-urlencoded"}}
    first, requests = requests[0], requests[1:]
    h.check_one(h.server, first[0], expect=302, cookie=decide_cookie, body=body, location=r"^/officer/files/$")
    warm_requests, requests = requests[:warm_n], requests[warm_n:]
    bench.wrk(h.server, "decision (warm-up)", warm_requests, **{**h.load, "duration": warm}, **post)
    runs = []
    for index in range(repeat):
        chunk = requests[index * per_run:(index + 1) * per_run]
        runs.append(bench.wrk(h.server, "decision", chunk, **h.load, **post))
    best = max(runs, key=lambda r: r["rps"]) | {"errors": sum(r["errors"] for r in runs)}
    rows.append({"endpoint": "decision (reject with a note, real file view)", **_numbers(best),
                 "ceiling": "bare INSERT", "goal": "≥ 40 %", "goal_ratio": 0.4})
    return rows


def h_public_ids(h: Any, post_id: int) -> list[str]:
    from sheba.workflow.models import Task

    return [
        str(public_id) for public_id in Task.objects.filter(post_id=post_id, completed_at__isnull=True)
        .order_by("pk").values_list("application__public_id", flat=True)
    ]


def _numbers(result: dict) -> dict:
    return {key: result[key] for key in ("rps", "p50_us", "p99_us", "errors")}
