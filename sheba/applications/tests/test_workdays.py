"""Working days: Friday and Saturday off, plus the admin's holidays."""

from __future__ import annotations

from datetime import date

import pytest

from sheba.core.models import Holiday
from sheba.core.workdays import add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.django_db

THU, FRI, SAT, SUN, MON, TUE, WED = (date(2026, 11, d) for d in range(19, 26))


def test_weekend_is_skipped():
    assert add_working_days(THU, 1) == SUN
    assert add_working_days(THU, 3) == TUE
    assert add_working_days(FRI, 1) == SUN
    assert add_working_days(WED, 1) == date(2026, 11, 26)
    assert [is_working_day(d) for d in (THU, FRI, SAT, SUN)] == [True, False, False, True]


def test_zero_days_is_the_same_working_day_or_the_next():
    assert add_working_days(THU, 0) == THU
    assert add_working_days(SAT, 0) == SUN


def test_holidays_are_skipped():
    Holiday.objects.create(date=MON, name_bn="ছুটি", name_en="Holiday")
    assert add_working_days(THU, 3) == WED
    assert add_working_days(SUN, 1) == TUE
    Holiday.objects.create(date=SUN, name_bn="ছুটি ২")
    assert add_working_days(SAT, 0) == TUE
    assert working_days_between(THU, WED) == 2  # Tue and Wed


def test_a_long_run_of_holidays_is_counted_through():
    for offset in range(60):
        Holiday.objects.create(date=date.fromordinal(SUN.toordinal() + offset), name_bn=f"ছুটি {offset}")
    assert add_working_days(THU, 1) == date.fromordinal(SUN.toordinal() + 60)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(THU, -1)


def test_submission_deadline_uses_the_holiday_calendar():
    import time_machine

    from sheba.applications.services import application_start, application_submit, application_update_draft

    from .helpers import THURSDAY, locker_file, make_citizen, make_world

    world = make_world()
    citizen = make_citizen(world)
    Holiday.objects.create(date=MON, name_bn="ছুটি")
    nid = locker_file(citizen)
    with time_machine.travel(THURSDAY, tick=False):
        draft = application_start(actor=citizen, service=world.service, office=world.office_b,
                                  submission_token="workdays-token-000001")
        application_update_draft(
            actor=citizen, application=draft, for_self=True, other_name="", other_mobile="",
            form_data={"applicant_name": "ক", "father_name": "খ", "nid": "1234567890", "declaration": True},
            attachments=[(nid, "nid_copy")],
        )
        application = application_submit(actor=citizen, application=draft, submission_token=draft.submission_token)
    # Office B's own charter says 7 working days: Sun, (Mon holiday), Tue, Wed, Thu, Sun, Mon, Tue.
    assert application.due_on == date(2026, 12, 1)
