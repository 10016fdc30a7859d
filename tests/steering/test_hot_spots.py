"""Hot-spot rules fire at their threshold and not below; each flag names its rule and figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from danchu.audit.models import Event
from danchu.notify.models import Message
from danchu.steering import services
from danchu.steering.models import HotSpotFlag, HotSpotRule
from danchu.steering.periods import parse_period

from .conftest import TODAY, matter, notice, petition

H2 = parse_period("2026H2")
D = dt.date


def only(code):
    return [HotSpotRule.objects.get(code=code)]


def test_overdue_share_fires_at_the_threshold_not_below(province, commune, village):
    # 5 petitions, 1 overdue = 20 %: the default rule (≥ 20 %, from 5) fires.
    for day in (1, 2, 3, 4):
        petition(village, D(2026, 8, day))
    petition(village, D(2026, 8, 5), late=True)
    spots = services.evaluate(province, H2, TODAY, rules=only("qua-han-tra-loi"))
    assert [s["unit"] for s in spots] == [commune]
    assert spots[0]["figures"]["value"] == pytest.approx(0.2)
    assert spots[0]["figures"]["base"] == 5
    assert "20,0%" in spots[0]["message"]
    # Its records are the late petitions themselves, not every petition received.
    assert spots[0]["component"] == "petitions_late_or_overdue"
    # One more on time: 1/6 = 16.7 % is below the threshold.
    petition(village, D(2026, 8, 6))
    assert services.evaluate(province, H2, TODAY, rules=only("qua-han-tra-loi")) == []


def test_a_rule_needs_its_minimum_base(province, village):
    petition(village, D(2026, 8, 1), late=True)  # 100 % late, but only 1 of the 5 needed
    assert services.evaluate(province, H2, TODAY, rules=only("qua-han-tra-loi")) == []


def test_rising_land_petitions(province, commune, village):
    # H1: 2 land petitions; H2: 3 = +50 % (threshold 50 %, from 3) fires; other categories don't count.
    for day in (1, 2):
        petition(village, D(2026, 3, day), category="dat-dai-gpmb")
    for day in (1, 2, 3):
        petition(village, D(2026, 8, day), category="dat-dai-gpmb")
    petition(village, D(2026, 8, 9), category="moi-truong")
    spots = services.evaluate(province, H2, TODAY, rules=only("dat-dai-tang"))
    assert len(spots) == 1
    assert spots[0]["figures"]["value"] == 3 and spots[0]["figures"]["previous"] == 2
    assert spots[0]["figures"]["rise_percent"] == 50
    petition(village, D(2026, 3, 3), category="dat-dai-gpmb")  # 3 → 3: no rise
    assert services.evaluate(province, H2, TODAY, rules=only("dat-dai-tang")) == []


def test_low_turnout_is_judged_per_village(commune, village, other_village):
    matter(village, D(2026, 9, 1), roll=60, took_part=30)  # 50 %: fires (≤ 50 %)
    matter(other_village, D(2026, 9, 1), roll=60, took_part=31)  # 51.7 %: does not
    spots = services.evaluate(commune, H2, TODAY, rules=only("tham-gia-thap"))
    assert [s["unit"] for s in spots] == [village]


def test_recognition_past_its_clock(province, commune, village):
    # Received Wed 18 Nov: 05 working days (24 Nov, Culture Day, is off) end Thu 26 Nov.
    matter(village, D(2026, 10, 30), item=3, received_on=D(2026, 11, 18))
    spots = services.evaluate(province, H2, TODAY, rules=only("cong-nhan-qua-han"))
    assert len(spots) == 1 and spots[0]["figures"]["value"] == 1


def test_notices_out_of_compliance(province, commune, village):
    notice(village, D(2026, 9, 1))
    notice(village, D(2026, 9, 2))
    notice(village, D(2026, 9, 3))
    notice(village, D(2026, 9, 4), late=True)  # 3/4 = 75 % ≤ 80 %
    assert len(services.evaluate(province, H2, TODAY, rules=only("cong-khai-chua-dung"))) == 1


def test_recorded_flags_notify_the_committee_once(
    province, committee, village, django_capture_on_commit_callbacks
):
    for day in (1, 2, 3, 4):
        petition(village, D(2026, 8, day), late=True)
    petition(village, D(2026, 8, 5))
    with django_capture_on_commit_callbacks(execute=True):
        raised = services.record_hot_spots(unit=province, period=H2, today=TODAY)
    assert [f.rule.code for f in raised] == ["qua-han-tra-loi"]
    assert Message.objects.filter(recipient="uyvien@hanoi.gov.vn").count() == 1
    assert Event.objects.filter(action="steering.hot_spot_raised").count() == 1
    assert services.record_hot_spots(unit=province, period=H2, today=TODAY) == []
    assert Message.objects.count() == 1
    # The rule is data: raise the threshold and the flag clears.
    rule = HotSpotRule.objects.get(code="qua-han-tra-loi")
    rule.threshold = Decimal("0.9")
    rule.save()
    services.record_hot_spots(unit=province, period=H2, today=TODAY)
    assert HotSpotFlag.objects.get().cleared_on == TODAY


def test_a_long_list_of_new_flags_is_cut_in_the_message_and_linked(
    province, committee, village, django_capture_on_commit_callbacks
):
    rule = HotSpotRule.objects.get(code="qua-han-tra-loi")
    flags = [
        HotSpotFlag.objects.create(
            rule=rule,
            unit=village,
            scope=province,
            period=f"2026-{n:02d}",
            figures={"value": n},
            message=f"Điểm nóng số {n}",
            raised_on=TODAY,
        )
        for n in range(1, 26)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services._notify_hot_spots(province, H2, flags)
    message = Message.objects.get(recipient="uyvien@hanoi.gov.vn")
    assert message.subject.startswith("25 điểm nóng mới")
    lines = message.body.splitlines()
    assert lines[0].startswith("• Điểm nóng số 1 ")
    assert lines[19].startswith("• Điểm nóng số 20 ")
    assert "Điểm nóng số 21" not in message.body
    assert lines[20] == "… và 5 điểm nóng khác."
    assert lines[21].endswith(f"/u/{province.code}/steering/hot-spots/?period=2026H2")


def test_a_rule_with_an_unknown_indicator_is_refused(admin_user):
    rule = HotSpotRule.objects.get(code="tham-gia-thap")
    with pytest.raises(services.ValidationError):
        services.check_rule_fields(
            indicator="khong-co",
            compare="gte",
            threshold=1,
            minimum_base=1,
            categories=[],
            level="commune",
        )
    assert HotSpotRule.objects.get(pk=rule.pk).indicator == "turnout"
