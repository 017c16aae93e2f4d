from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.utils import translation

from sheba.audit.models import AuditEvent
from sheba.core.errors import InvalidInput
from sheba.directory.enums import PostCode
from sheba.directory.models import Post, PostTerm
from sheba.directory.selectors import holders_of, posts_held_by, terms_held_by
from sheba.directory.services import post_term_assign, post_term_end

from .conftest import PAIKKANDI

pytestmark = pytest.mark.django_db


@pytest.fixture
def up_posts(gopalganj):
    posts = Post.objects.filter(office__union_id=PAIKKANDI)
    return {p.code: p for p in posts}


@pytest.fixture
def uno_post(gopalganj):
    return Post.objects.get(office__upazila_id=385, code=PostCode.UNO)


def test_assign_creates_the_term_and_an_audit_row(up_posts, make_officer):
    officer = make_officer("secretary")
    admin = make_officer("admin")
    term = post_term_assign(
        actor=admin, post=up_posts["up_secretary"], person=officer, starts_on=date(2026, 1, 1), ends_on=None
    )
    assert (term.post_id, term.person_id, term.starts_on, term.ends_on, term.is_acting) == (
        up_posts["up_secretary"].pk,
        officer.pk,
        date(2026, 1, 1),
        None,
        False,
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id, event.actor_id) == (
        "directory.post_term_assign",
        "directory.postterm",
        str(term.pk),
        admin.pk,
    )
    assert event.data == {
        "post": up_posts["up_secretary"].pk,
        "office": up_posts["up_secretary"].office_id,
        "person": officer.pk,
        "starts_on": "2026-01-01",
        "ends_on": None,
        "is_acting": False,
    }


def test_posts_held_by_follows_the_dates(up_posts, uno_post, make_officer):
    officer = make_officer()
    secretary, chairman = up_posts["up_secretary"], up_posts["up_chairman"]
    post_term_assign(
        actor=None, post=secretary, person=officer, starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)
    )
    post_term_assign(actor=None, post=chairman, person=officer, starts_on=date(2026, 6, 1))
    post_term_assign(
        actor=None,
        post=uno_post,
        person=officer,
        starts_on=date(2026, 7, 1),
        ends_on=date(2026, 7, 31),
        is_acting=True,
    )

    assert list(posts_held_by(officer, on=date(2024, 12, 31))) == []
    assert list(posts_held_by(officer, on=date(2025, 1, 1))) == [secretary]  # first day counts
    assert list(posts_held_by(officer, on=date(2025, 12, 31))) == [secretary]  # last day counts
    assert list(posts_held_by(officer, on=date(2026, 1, 1))) == []  # past term over, future not begun
    assert list(posts_held_by(officer, on=date(2026, 6, 1))) == [chairman]
    assert set(posts_held_by(officer, on=date(2026, 7, 15))) == {chairman, uno_post}  # acting included
    assert list(posts_held_by(officer, on=date(2026, 8, 1))) == [chairman]

    acting = [t for t in terms_held_by(officer, on=date(2026, 7, 15)) if t.is_acting]
    assert [(t.post, t.post.office) for t in acting] == [(uno_post, uno_post.office)]

    with time_machine.travel("2025-06-01 10:00 +0600", tick=False):
        assert list(posts_held_by(officer)) == [secretary]
    with time_machine.travel("2026-07-20 10:00 +0600", tick=False):
        assert set(posts_held_by(officer)) == {chairman, uno_post}
        assert len(terms_held_by(officer)) == 2


def test_today_is_bangladesh_date(up_posts, make_officer):
    officer = make_officer()
    post_term_assign(actor=None, post=up_posts["up_secretary"], person=officer, starts_on=date(2026, 3, 2))
    # 19:30 UTC on 1 March is already 2 March in Dhaka (UTC+6).
    with time_machine.travel("2026-03-01 19:30 +0000", tick=False):
        assert list(posts_held_by(officer)) == [up_posts["up_secretary"]]


def test_holders_of_includes_acting(up_posts, make_officer):
    holder, acting = make_officer(), make_officer()
    chairman = up_posts["up_chairman"]
    post_term_assign(actor=None, post=chairman, person=holder, starts_on=date(2026, 1, 1))
    post_term_assign(
        actor=None,
        post=chairman,
        person=acting,
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 2, 10),
        is_acting=True,
    )
    assert set(holders_of(chairman, on=date(2026, 2, 5))) == {holder, acting}
    assert list(holders_of(chairman, on=date(2026, 3, 1))) == [holder]
    assert list(holders_of(chairman, on=date(2025, 3, 1))) == []


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (date(2026, 3, 1), None),  # inside an open-ended term
        (date(2025, 12, 1), date(2026, 1, 1)),  # touches the first day
        (date(2025, 1, 1), None),  # starts before, never ends
    ],
)
def test_overlapping_regular_term_is_refused(up_posts, make_officer, starts_on, ends_on):
    first, second = make_officer(), make_officer()
    post = up_posts["up_secretary"]
    post_term_assign(actor=None, post=post, person=first, starts_on=date(2026, 1, 1))
    audits = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as error:
        post_term_assign(actor=None, post=post, person=second, starts_on=starts_on, ends_on=ends_on)
    assert (
        str(error.value.message)
        == "এই তারিখগুলোর কিছু সময় অন্য কেউ এই পদে আছেন। আগে সেই দায়িত্বকাল শেষ করুন, অথবা এটি ভারপ্রাপ্ত হিসেবে দিন।"
    )
    with translation.override("en"):
        assert str(error.value.message) == (
            "Someone already holds this post for some of these dates. End that term first, "
            "or give this one as acting-in-charge."
        )
    assert PostTerm.objects.filter(post=post).count() == 1
    assert AuditEvent.objects.count() == audits


def test_adjacent_terms_and_acting_overlap_are_allowed(up_posts, make_officer):
    first, second, acting = make_officer(), make_officer(), make_officer()
    post = up_posts["up_secretary"]
    post_term_assign(
        actor=None, post=post, person=first, starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 31)
    )
    post_term_assign(actor=None, post=post, person=second, starts_on=date(2026, 2, 1))
    post_term_assign(
        actor=None,
        post=post,
        person=acting,
        starts_on=date(2026, 2, 10),
        ends_on=date(2026, 2, 20),
        is_acting=True,
    )
    assert PostTerm.objects.filter(post=post).count() == 3


def test_same_person_twice_is_refused(up_posts, make_officer):
    officer = make_officer()
    post = up_posts["up_secretary"]
    post_term_assign(actor=None, post=post, person=officer, starts_on=date(2026, 1, 1))
    with pytest.raises(InvalidInput):
        post_term_assign(actor=None, post=post, person=officer, starts_on=date(2026, 2, 1), is_acting=True)
    assert PostTerm.objects.filter(post=post).count() == 1


def test_citizen_cannot_hold_a_post(up_posts, citizen):
    with pytest.raises(InvalidInput) as error:
        post_term_assign(
            actor=None, post=up_posts["up_secretary"], person=citizen, starts_on=date(2026, 1, 1)
        )
    assert str(error.value.message) == "কেবল একজন কর্মকর্তা পদে দায়িত্ব পালন করতে পারেন।"
    assert not PostTerm.objects.exists()
    assert not AuditEvent.objects.exists()


def test_end_before_start_is_refused(up_posts, make_officer):
    with pytest.raises(InvalidInput) as error:
        post_term_assign(
            actor=None,
            post=up_posts["up_secretary"],
            person=make_officer(),
            starts_on=date(2026, 1, 2),
            ends_on=date(2026, 1, 1),
        )
    assert str(error.value.message) == "দায়িত্বকাল শুরুর আগে শেষ হতে পারে না।"
    assert not PostTerm.objects.exists()


def test_inactive_officer_is_refused(up_posts, make_officer):
    with pytest.raises(InvalidInput):
        post_term_assign(
            actor=None,
            post=up_posts["up_secretary"],
            person=make_officer(is_active=False),
            starts_on=date(2026, 1, 1),
        )
    assert not PostTerm.objects.exists()


def test_end_a_term(up_posts, make_officer):
    officer, admin = make_officer(), make_officer()
    term = post_term_assign(
        actor=None, post=up_posts["up_secretary"], person=officer, starts_on=date(2026, 1, 1)
    )
    ended = post_term_end(actor=admin, term=term, ends_on=date(2026, 4, 30))
    assert PostTerm.objects.get(pk=term.pk).ends_on == date(2026, 4, 30) == ended.ends_on
    assert list(posts_held_by(officer, on=date(2026, 5, 1))) == []
    event = AuditEvent.objects.get(action="directory.post_term_end")
    assert event.actor_id == admin.pk
    assert event.data["ends_on"] == "2026-04-30" and event.data["previous_ends_on"] is None

    # Never lengthened, never before the start.
    for bad in (date(2026, 5, 31), date(2026, 4, 30), date(2025, 12, 31)):
        with pytest.raises(InvalidInput):
            post_term_end(actor=admin, term=term, ends_on=bad)
    assert PostTerm.objects.get(pk=term.pk).ends_on == date(2026, 4, 30)
    assert AuditEvent.objects.filter(action="directory.post_term_end").count() == 1


def test_anonymous_holds_nothing(gopalganj):
    from django.contrib.auth.models import AnonymousUser

    assert list(posts_held_by(AnonymousUser())) == []
    assert list(terms_held_by(AnonymousUser())) == []
