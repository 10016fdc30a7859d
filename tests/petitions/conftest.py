import datetime as dt

import pytest
import time_machine

from danchu.petitions import services

TODAY = dt.date(2026, 11, 27)  # a Friday


@pytest.fixture(autouse=True)
def frozen_today():
    """Clocks are judged against a fixed day so their edges are exact."""
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False) as tm:
        yield tm


@pytest.fixture
def png():
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def file_one(unit, *, kind="feedback", category="ha-tang", actor=None, **extra):
    """An online filing by an anonymous resident unless `actor`/channel says otherwise, who
    ticked "let the public read the text" (never the default: LAW.md R46)."""
    fields = {
        "is_public": True,
        "title": "Ổ gà lớn trên đường trục thôn",
        "text": "Đoạn đường trước nhà văn hóa thôn có ổ gà sâu, trời mưa đọng nước, "
        "xe máy đi qua rất nguy hiểm.",
        "filer_name": "Trần Thị Mai",
        "filer_phone": "0912345678",
        "filer_address": "Xóm 2, thôn Đông Lỗ",
    }
    fields.update(extra)
    return services.file_petition(actor=actor, kind=kind, category=category, unit=unit, **fields)


def verified(user):
    """An officer acting in a service call has passed the second factor, as after login."""
    user.is_verified = lambda: True
    return user


@pytest.fixture
def officer(officer):
    return verified(officer)


@pytest.fixture
def outside_officer(outside_officer):
    return verified(outside_officer)


@pytest.fixture
def village_head(village_head):
    return verified(village_head)
