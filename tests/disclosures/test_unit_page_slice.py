import datetime as dt

import pytest
import time_machine

from danchu.disclosures.models import Notice
from tests.conftest import client_for
from tests.disclosures.conftest import make_notice


def _publish_over_days(units, item, count):
    """`count` notices over the units in turn, each unit two a day at one moment (a tie)."""
    for n in range(count):
        day = n // (2 * len(units))
        moment = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC) + dt.timedelta(days=day)
        with time_machine.travel(moment, tick=False):
            make_notice(units[n % len(units)], item, title=f"Thông báo số {n:02d}")


@pytest.mark.parametrize(
    "publishers", [("commune", "village", "other_village"), ("village",)], ids=["mixed", "one"]
)
def test_unit_page_slice_equals_the_plain_slice_on_every_page(publishers, village, item, request):
    _publish_over_days([request.getfixturevalue(name) for name in publishers], item, 25)
    notices = Notice.objects.for_unit_page(village)
    expected = list(notices)
    assert {n.unit.code for n in expected} <= {"10402", village.code}
    for start in range(0, len(expected) + 7, 7):
        page = notices.unit_page_slice(village, start, start + 7)
        assert page == expected[start : start + 7]


def test_the_unit_page_lists_each_notice_once_newest_first(commune, village, item):
    _publish_over_days([commune, village], item, 20)
    client = client_for(None)
    titles = []
    for number in (1, 2):
        page = client.get(f"/u/{village.code}/?page={number}").content.decode()
        titles += [t for t in page.split(">") if t.startswith("Thông báo số")]
    assert [t.removesuffix("</a") for t in titles] == [
        f"Thông báo số {n:02d}" for n in (19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5)
    ] + [f"Thông báo số {n:02d}" for n in (4, 3, 2, 1, 0)]
