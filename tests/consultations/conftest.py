import datetime as dt

import pytest
import time_machine

from danchu.accounts.permissions import SYSTEM
from danchu.consultations import services
from danchu.consultations.models import Art25Item

TODAY = dt.date(2026, 11, 27)
DRAFT = """Điều 1. Phạm vi điều chỉnh
Quy chế này quy định việc thực hiện dân chủ ở xã Ứng Hòa.

Điều 2. Đối tượng áp dụng
Cán bộ, công chức xã và Nhân dân trên địa bàn.

Điều 3. Công khai thông tin
UBND xã công khai các nội dung theo Điều 11 Luật Thực hiện dân chủ ở cơ sở.
"""


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


def make_consultation(unit, *, open_it=True, days=14, opens_on=None):
    opens_on = opens_on or TODAY
    consultation = services.create_consultation(
        actor=SYSTEM,
        unit=unit,
        item=Art25Item.objects.get(number=7),
        title="Dự thảo Quy chế thực hiện dân chủ ở xã Ứng Hòa",
        draft_text=DRAFT,
        opens_on=opens_on,
        closes_on=opens_on + dt.timedelta(days=days),
        forms=["portal", "meeting", "box"],
    )
    if open_it:
        consultation = services.open_consultation(actor=SYSTEM, consultation=consultation)
    return consultation
