"""The `make bench` plugins of the workflow and the audit chain, run on a small world with a fake
harness: the same set-based SQL, sessions and requests, answered by the test client instead of
wrk through gunicorn. The real numbers come from `make bench`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from sheba.applications.models import Status
from sheba.directory.models import OfficeType
from sheba.workflow.models import Task

from .helpers import make_desk, submitted

pytestmark = pytest.mark.django_db(transaction=True)


def _client_for(cookie: str | None) -> Client:
    client = Client()
    for part in (cookie or "").split("; "):
        if "=" in part:
            name, value = part.split("=", 1)
            client.cookies[name] = value
    return client


def _ask(path: str, body: str | None, cookie: str | None, method: str = "GET", **_options: Any):
    client = _client_for(cookie)
    if method == "POST":
        return client.post(path, body or "", content_type="application/x-www-form-urlencoded")
    return client.get(path)


def wrk(server: Any, name: str, requests: list[tuple], *, method: str = "GET", expect: int = 200,
        location: str | None = None, **_options: Any) -> dict:
    """Each request once, checked like scripts/bench.py's wrk does."""
    bad = 0
    for path, body, cookie in requests[:30]:
        response = _ask(path, body, cookie, method)
        if response.status_code != expect or (location and not re.match(location, response.get("Location", ""))):
            bad += 1
    return {"rps": 1.0, "p50_us": 1, "p99_us": 1, "errors": bad, "requests": min(30, len(requests))}


@dataclass
class FakeHarness:
    server: Any = None
    load: dict = field(default_factory=lambda: {"duration": 1.0, "threads": 1, "connections": 1})
    warm: float = 0.2
    repeat: int = 1
    quick: bool = True
    select_rps: float = 1.0
    insert_rps: float = 1.0
    checked: list = field(default_factory=list)

    class timer:  # noqa: N801
        @staticmethod
        def run(_name: str, func, *args, **kwargs):
            return func(*args, **kwargs)

    def sql(self, statement: str, params=None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    def one(self, statement: str, params=None):
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchone()

    def session_cookie(self, user) -> str:
        client = Client()
        client.force_login(user)
        return client.session.session_key

    def csrf_pair(self) -> tuple[str, str]:
        return "", ""

    def check_one(self, server: Any, path: str, *, expect: int = 200, cookie: str | None = None,
                  body: str | None = None, location: str | None = None) -> None:
        response = _ask(path, body, cookie, "POST" if body is not None else "GET")
        assert response.status_code == expect, (path, response.status_code)
        if location:
            assert re.match(location, response["Location"]), response["Location"]
        self.checked.append(path)

    def wrk(self, name: str, requests: list[tuple], **options: Any) -> dict:
        return wrk(self.server, name, requests, **options)


def test_workflow_plugin_makes_tasks_and_decides_through_the_real_views(monkeypatch):
    from sheba.workflow import bench

    desk = make_desk()
    # The plugin looks for the real type codes: give the test world's types those codes.
    OfficeType.objects.filter(code="test-up").update(code="union_parishad")
    for _n in range(40):
        submitted(desk)
    monkeypatch.setattr(bench, "INBOX_TASKS", 5)
    monkeypatch.setattr(bench, "SPREAD", 1)  # every submitted file qualifies in this small world
    # No other office of the type has a chairman post: both officers sit in the two unions.
    Task.objects.all().delete()
    harness = FakeHarness()
    rows = bench.run(harness)
    inbox, decision = rows
    assert inbox["errors"] == 0 and inbox["ceiling"] == "bare SELECT" and inbox["goal_ratio"] == 0.5
    assert decision["errors"] == 0 and decision["ceiling"] == "bare INSERT" and decision["goal_ratio"] == 0.4
    assert "/officer/files/" in harness.checked
    rejected = Task.objects.filter(completed_at__isnull=False, action__kind="reject")
    assert rejected.count() >= 2  # the checked one and the measured ones
    assert all(task.application.status == Status.REJECTED for task in rejected.select_related("application"))


def test_audit_chain_plugin_verifies_and_writers_do_not_fork(monkeypatch):
    from sheba.audit import bench_chain

    monkeypatch.setattr(bench_chain, "CHAIN_ROWS", 2000)
    monkeypatch.setattr(bench_chain, "WRITERS", 20)
    monkeypatch.setattr(bench_chain, "ROWS_EACH", 4)
    rows = bench_chain.run(FakeHarness())
    verify, writers = rows
    assert verify["met"] is True and "2,000 rows" in verify["endpoint"]
    assert writers["met"] is True and writers["hard"] is True, writers["result"]
    assert "80 rows" in writers["result"]
