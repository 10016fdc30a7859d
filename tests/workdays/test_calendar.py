import datetime as dt

from danchu.workdays.models import DayOverride
from danchu.workdays.services import add_working_days, is_working_day, working_days_between

D = dt.date


def test_weekends_are_not_working_days(db):
    assert is_working_day(D(2026, 11, 27))  # Friday
    assert not is_working_day(D(2026, 11, 28))  # Saturday
    assert not is_working_day(D(2026, 11, 29))  # Sunday


def test_five_working_days_across_tet_2027(db):
    # Tết Đinh Mùi: 4–10 Feb 2027 are days off (with the weekend inside them).
    for day in range(4, 11):
        assert not is_working_day(D(2027, 2, day))
    # Received Wed 3 Feb: the 5 working days are 11, 12, 15, 16, 17 Feb.
    assert add_working_days(D(2027, 2, 3), 5) == D(2027, 2, 17)
    assert working_days_between(D(2027, 2, 3), D(2027, 2, 17)) == 5
    assert working_days_between(D(2027, 2, 3), D(2027, 2, 16)) == 4


def test_substituted_saturday_is_a_working_day(db):
    # 31 Aug 2026 is a day off swapped for Saturday 22 Aug 2026.
    assert is_working_day(D(2026, 8, 22))
    assert not is_working_day(D(2026, 8, 31))
    assert add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 22)


def test_override_table_wins_over_the_package(db):
    DayOverride.objects.create(
        date=D(2027, 2, 11), is_working_day=False, reason="Nghỉ bù Tết (giả định trong kiểm thử)"
    )
    DayOverride.objects.create(date=D(2027, 2, 13), is_working_day=True, reason="Làm bù thứ Bảy")
    assert not is_working_day(D(2027, 2, 11))
    assert is_working_day(D(2027, 2, 13))
    assert add_working_days(D(2027, 2, 3), 5) == D(2027, 2, 17)  # 12, 13, 15, 16, 17


def test_zero_days_rolls_forward_to_a_working_day(db):
    assert add_working_days(D(2026, 11, 28), 0) == D(2026, 11, 30)
    assert add_working_days(D(2026, 11, 27), 0) == D(2026, 11, 27)


def test_between_is_antisymmetric_and_inverse_of_add(db):
    start = D(2026, 12, 24)
    for n in (1, 5, 10, 30):
        end = add_working_days(start, n)
        assert working_days_between(start, end) == n
        assert working_days_between(end, start) == -n
