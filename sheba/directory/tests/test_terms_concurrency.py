from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from sheba.core.errors import InvalidInput
from sheba.directory.enums import PostCode
from sheba.directory.models import Post, PostTerm
from sheba.directory.services import post_term_assign

from .conftest import PAIKKANDI


@pytest.mark.django_db(transaction=True)
def test_parallel_assignments_of_one_post_leave_one_holder(gopalganj, make_officer):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    post = Post.objects.get(office__union_id=PAIKKANDI, code=PostCode.UP_SECRETARY)
    officers = [make_officer() for _ in range(8)]
    barrier = threading.Barrier(len(officers))
    outcomes: list[str] = []

    def assign(person):
        from django.db import connections

        try:
            barrier.wait()
            post_term_assign(actor=None, post=post, person=person, starts_on=date(2026, 1, 1))
            outcomes.append("ok")
        except InvalidInput:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign, args=(person,)) for person in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 7
    assert PostTerm.objects.filter(post=post).count() == 1
