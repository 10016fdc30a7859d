import datetime as dt

import pytest
import time_machine

from danchu.accounts.permissions import SYSTEM
from danchu.disclosures import services
from danchu.disclosures.models import Art11Item

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def frozen_today():
    """Clocks are judged against a fixed day (a Friday) so edges are exact."""
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


@pytest.fixture
def item(db):
    return Art11Item.objects.get(number=3)


@pytest.fixture
def radio_item(db):
    return Art11Item.objects.get(number=8)


@pytest.fixture
def budget_item(db):
    return Art11Item.objects.get(number=2)


def make_notice(unit, item, *, signed_on=None, period="", publish=True, title=None):
    notice = services.create_notice(
        actor=SYSTEM,
        unit=unit,
        item=item,
        title=title or "Phương án bồi thường đường liên thôn",
        body="Ủy ban nhân dân xã công khai phương án bồi thường, hỗ trợ giải phóng mặt bằng.",
        signed_on=signed_on,
        period=period,
        document_number="125/QĐ-UBND",
        responsible_name="Nguyễn Văn Hùng",
    )
    if publish:
        notice = services.publish_notice(actor=SYSTEM, notice=notice)
    return notice
