"""Working days (কর্মদিবস): Friday and Saturday are the weekly holidays in Bangladesh, and the
admin-kept :class:`sheba.core.models.Holiday` calendar adds the public holidays.

Charter deadlines are counted in working days: "3 working days from submission" means the third
working day after the day of submission (the day itself does not count); 0 days means the same
day, or the next working day when the submission falls on a holiday.
"""

from __future__ import annotations

from datetime import date, timedelta

WEEKEND = frozenset({4, 5})  # date.weekday(): Friday = 4, Saturday = 5
_MAX_DAYS = 3660  # no charter counts more than ten years of working days


def holidays_between(start: date, end: date) -> set[date]:
    """The admin's holidays from ``start`` to ``end`` (both included), in one query."""
    from sheba.core.models import Holiday

    return set(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def is_working_day(day: date, holidays: set[date] | None = None) -> bool:
    if day.weekday() in WEEKEND:
        return False
    if holidays is None:
        holidays = holidays_between(day, day)
    return day not in holidays


def add_working_days(start_date: date, n: int) -> date:
    """The ``n``-th working day after ``start_date`` (``n`` = 0: that day if it is a working day,
    else the next working day)."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n > _MAX_DAYS:
        raise ValueError("too many working days")
    # A window comfortably wider than needed (2 weekend days a week plus holidays), widened if
    # a long run of holidays eats it up.
    window = n * 2 + 30
    while True:
        holidays = holidays_between(start_date, start_date + timedelta(days=window))
        day, left = start_date, n
        if left == 0:
            while not is_working_day(day, holidays) and day < start_date + timedelta(days=window):
                day += timedelta(days=1)
            if is_working_day(day, holidays):
                return day
        else:
            while left and day < start_date + timedelta(days=window):
                day += timedelta(days=1)
                if is_working_day(day, holidays):
                    left -= 1
            if not left:
                return day
        window *= 2


def working_days_between(start: date, end: date) -> int:
    """How many working days come after ``start`` up to and including ``end`` (0 if ``end <= start``)."""
    if end <= start:
        return 0
    holidays = holidays_between(start, end)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return count
