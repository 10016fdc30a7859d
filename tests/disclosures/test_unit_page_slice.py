import datetime as dt

import time_machine

from danchu.disclosures.models import Notice
from tests.conftest import client_for
from tests.disclosures.conftest import make_notice


def _publish_over_days(units, item, count):
    """`count` notices over the units in turn, two a day at the same moment (a tie on time)."""
    for n in range(count):
        moment = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC) + dt.timedelta(days=n // 2)
        with time_machine.travel(moment, tick=False):
            make_notice(units[n % len(units)], item, title=f"Thông báo số {n:02d}")


def test_unit_page_slice_equals_the_plain_slice_on_every_page(
    commune, village, other_village, item
):
    _publish_over_days([commune, village, other_village], item, 37)
    notices = Notice.objects.for_unit_page(village)
    expected = list(notices)
    assert len(expected) == 25  # the other village's notices are not listed
    for start in range(0, 28, 7):
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
