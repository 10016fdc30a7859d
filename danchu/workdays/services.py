"""The Vietnamese working-day calendar behind every legal clock.

"ngày làm việc" (working days) are Monday–Friday less public holidays (Tết and the
other holidays of Bộ luật Lao động 2019 Art 112, with the swapped days the
`holidays` package knows), corrected by DayOverride rows. Calendar-day rules
("ngày") do not use this module.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from danchu.workdays.models import DayOverride


@lru_cache(maxsize=64)
def _official(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return dict(
        DayOverride.objects.filter(date__range=(start, end)).values_list("date", "is_working_day")
    )


def _is_working(day: dt.date, overrides: dict[dt.date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    return _official(day.year).is_working_day(day)


def is_working_day(day: dt.date) -> bool:
    return _is_working(day, _overrides(day, day))


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The date n working days after `start` (start itself not counted).

    A legal period "within 05 working days of receipt" ends on
    add_working_days(receipt_date, 5). With n=0, the first working day on or after start.
    """
    if n < 0:
        raise ValueError("n must be zero or positive")
    # 3 calendar days per working day covers Tết (up to 9 days off) with margin.
    horizon = start + dt.timedelta(days=n * 3 + 20)
    overrides = _overrides(start, horizon)
    day = start
    if n == 0:
        while not _is_working(day, overrides):
            day += dt.timedelta(days=1)
        return day
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if day > horizon:
            horizon = day + dt.timedelta(days=60)
            overrides |= _overrides(day, horizon)
        if _is_working(day, overrides):
            counted += 1
    return day


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days in the half-open interval (a, b]: how many have passed from a to b.

    working_days_between(d, add_working_days(d, n)) == n. Negative when b < a.
    """
    if b < a:
        return -working_days_between(b, a)
    overrides = _overrides(a, b)
    count = 0
    day = a + dt.timedelta(days=1)
    while day <= b:
        if _is_working(day, overrides):
            count += 1
        day += dt.timedelta(days=1)
    return count
