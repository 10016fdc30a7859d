"""The moments an airing may be recorded at: from 1 January 2000 (local time) to now.

Times near datetime.min overflowed when moved to the local zone or to UTC (a 500); they are
refused before any conversion, with the same error however they are written.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.core.errors import ValidationError
from danchu.disclosures import services
from danchu.disclosures.models import Airing
from tests.disclosures.conftest import make_notice

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _air(notice, aired_at):
    return services.record_airing(
        actor=SYSTEM, notice=notice, aired_at=aired_at, station="Đài truyền thanh xã"
    )


def _refused(notice, aired_at) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        _air(notice, aired_at)
    assert Airing.objects.count() == 0
    assert not Event.objects.filter(action="disclosures.aired").exists()
    return info.value


@pytest.mark.parametrize(
    "aired_at",
    [
        dt.datetime.min,
        dt.datetime(1, 1, 1, 7, 0),
        dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(minutes=1))),
        dt.datetime.min.replace(tzinfo=dt.timezone(-dt.timedelta(hours=23, minutes=59))),
        dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=HANOI),
        dt.datetime(1999, 12, 31, 23, 59, 59),
        dt.datetime(1999, 12, 31, 16, 59, 59, tzinfo=dt.UTC),
    ],
    ids=["min", "year-1-naive", "year-1-aware", "year-1-far-west", "eve", "eve-naive", "eve-utc"],
)
def test_airing_before_2000_is_refused(commune, radio_item, aired_at):
    notice = make_notice(commune, radio_item)
    error = _refused(notice, aired_at)
    assert error.code == "date_too_early"
    assert error.messages == ["Thời điểm phát không được trước năm 2000."]


@pytest.mark.parametrize(
    "aired_at",
    [
        dt.datetime(2000, 1, 1, 0, 0),
        dt.datetime(2000, 1, 1, 0, 0, tzinfo=HANOI),
        dt.datetime(1999, 12, 31, 17, 0, tzinfo=dt.UTC),
    ],
    ids=["naive", "local", "utc"],
)
def test_the_first_moment_of_2000_is_recorded(commune, radio_item, aired_at):
    notice = make_notice(commune, radio_item)
    airing = _air(notice, aired_at)
    airing.refresh_from_db()
    assert airing.aired_on == dt.date(2000, 1, 1)
    assert timezone.localtime(airing.aired_at) == dt.datetime(2000, 1, 1, tzinfo=HANOI)


@pytest.mark.parametrize(
    "aired_at",
    [
        dt.datetime.max,
        dt.datetime.max.replace(tzinfo=dt.timezone(dt.timedelta(hours=23, minutes=59))),
        dt.datetime.max.replace(tzinfo=dt.timezone(-dt.timedelta(hours=23, minutes=59))),
        dt.datetime(2026, 11, 27, 9, 6, tzinfo=dt.UTC),
    ],
    ids=["max", "max-far-east", "max-far-west", "six-minutes-ahead"],
)
def test_airing_in_the_future_is_refused(commune, radio_item, aired_at):
    notice = make_notice(commune, radio_item)
    error = _refused(notice, aired_at)
    assert error.code == "date_in_future"
    assert error.messages == ["Thời điểm phát không được sau hiện tại."]


def test_airing_within_the_five_minutes_of_clock_skew_is_recorded(commune, radio_item):
    notice = make_notice(commune, radio_item)
    airing = _air(notice, dt.datetime(2026, 11, 27, 9, 5, tzinfo=dt.UTC))
    assert airing.aired_on == dt.date(2026, 11, 27)
