import datetime as dt

import pytest
import time_machine

from danchu.accounts.permissions import SYSTEM
from danchu.core.errors import ValidationError
from danchu.disclosures import services
from danchu.disclosures.models import Notice
from tests.disclosures.conftest import TODAY, make_notice

D = dt.date


def _flags(notice, today=TODAY):
    return services.compliance(Notice.objects.with_compliance(today).get(pk=notice.pk), today)


def _non_compliant(unit, today=TODAY):
    return set(Notice.objects.filter(unit=unit).non_compliant(today).values_list("pk", flat=True))


# --- publication deadline (Art 12(2), default 2 calendar days) -----------------------------


def test_published_within_two_days_of_signing_is_on_time(commune, item):
    notice = make_notice(commune, item, signed_on=TODAY - dt.timedelta(days=2))
    assert notice.publish_due_on == TODAY
    assert _flags(notice) == ["on_time"]


def test_published_on_the_third_day_is_late(commune, item):
    notice = make_notice(commune, item, signed_on=TODAY - dt.timedelta(days=3))
    assert _flags(notice) == ["late"]
    assert _non_compliant(commune) == {notice.pk}


def test_a_draft_becomes_late_once_its_due_day_has_passed(commune, item):
    notice = make_notice(commune, item, signed_on=TODAY - dt.timedelta(days=2), publish=False)
    assert _flags(notice, TODAY) == ["draft"]
    assert _flags(notice, TODAY + dt.timedelta(days=1)) == ["late"]


def test_working_day_setting_counts_across_a_holiday(commune, item, settings):
    settings.DISCLOSURE_PUBLISH_DAY_KIND = "working"
    # Signed Wed 3 Feb 2027, before Tết (4–10 Feb off): 2 working days -> Thu 11, Fri 12 Feb.
    assert services.publish_due_on(D(2027, 2, 3)) == D(2027, 2, 12)
    settings.DISCLOSURE_PUBLISH_DAY_KIND = "calendar"
    assert services.publish_due_on(D(2027, 2, 3)) == D(2027, 2, 5)


# --- posting period (Art 13(1), default 30 days; the posting day is not counted) ----------


def _posted(commune, item, days_up):
    started = TODAY - dt.timedelta(days=35)
    with time_machine.travel(dt.datetime(2026, 10, 22, 9, tzinfo=dt.UTC), tick=False):
        notice = make_notice(commune, item, signed_on=started - dt.timedelta(days=1))
    posting = services.record_posting(
        actor=SYSTEM, notice=notice, started_on=started, place_name="Bảng tin trụ sở UBND xã"
    )
    services.take_down(
        actor=SYSTEM,
        posting=posting,
        ended_on=started + dt.timedelta(days=days_up),
        reason="Bảng tin hỏng do mưa bão" if days_up < 30 else "",
    )
    return notice


def test_taken_down_on_day_29_is_early(commune, item):
    notice = _posted(commune, item, 29)
    assert "taken_down_early" in _flags(notice)


def test_taken_down_on_day_30_is_complete(commune, item):
    notice = _posted(commune, item, 30)
    assert "taken_down_early" not in _flags(notice)


def test_early_take_down_needs_a_reason_and_writes_nothing_without_one(commune, item):
    notice = make_notice(commune, item)
    posting = services.record_posting(
        actor=SYSTEM, notice=notice, started_on=TODAY, place_name="Nhà văn hóa thôn Đông Lỗ"
    )
    with pytest.raises(ValidationError) as info:
        services.take_down(actor=SYSTEM, posting=posting, ended_on=TODAY)
    assert info.value.code == "reason_required"
    posting.refresh_from_db()
    assert posting.ended_on is None


def test_reposting_clears_the_early_flag_and_restarts_the_clock(commune, item):
    notice = _posted(commune, item, 10)
    first = notice.postings.get()
    assert "taken_down_early" in _flags(notice)
    again = services.repost(actor=SYSTEM, posting=first, started_on=first.ended_on)
    assert again.required_until == first.ended_on + dt.timedelta(days=30)
    assert "taken_down_early" not in _flags(notice)


def test_take_down_before_posting_start_is_refused(commune, item):
    notice = make_notice(commune, item)
    posting = services.record_posting(
        actor=SYSTEM, notice=notice, started_on=TODAY, place_name="Bảng tin chợ"
    )
    with pytest.raises(ValidationError) as info:
        services.take_down(
            actor=SYSTEM, posting=posting, ended_on=TODAY - dt.timedelta(days=1), reason="x"
        )
    assert info.value.code == "ends_before_start"


# --- radio (Art 13(3): items 7–12, at least 3 consecutive days) -----------------------------


def _air(notice, *days):
    for day in days:
        services.record_airing(
            actor=SYSTEM,
            notice=notice,
            station="Đài truyền thanh xã",
            aired_at=dt.datetime.combine(day, dt.time(6, 30)),
        )


def test_radio_items_need_three_consecutive_days(commune, radio_item):
    notice = make_notice(commune, radio_item, title="Danh sách hộ nghèo năm 2026")
    assert _flags(notice) == ["radio_incomplete"]
    _air(notice, TODAY - dt.timedelta(days=3), TODAY - dt.timedelta(days=2))
    assert _flags(notice) == ["radio_incomplete"]  # two consecutive days are not enough
    _air(notice, TODAY)  # a gap on day -1: still no run of three
    assert _flags(notice) == ["radio_incomplete"]
    _air(notice, TODAY - dt.timedelta(days=1))
    assert _flags(notice) == ["on_time"]
    assert services.has_consecutive_airings(
        {TODAY, TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=2)}
    )


def test_other_items_need_no_radio(commune, item):
    notice = make_notice(commune, item)
    assert _flags(notice) == ["on_time"]


def test_same_airing_twice_is_refused(commune, radio_item):
    notice = make_notice(commune, radio_item)
    _air(notice, TODAY)
    with pytest.raises(ValidationError) as info:
        _air(notice, TODAY)
    assert info.value.code == "duplicate_airing"


# --- recurring budget execution (Art 11(2)) -------------------------------------------------


def test_period_bounds():
    assert services.period_bounds("2026-Q1") == (D(2026, 1, 1), D(2026, 3, 31))
    assert services.period_bounds("2026-Q4") == (D(2026, 10, 1), D(2026, 12, 31))
    assert services.period_bounds("2026-H2") == (D(2026, 7, 1), D(2026, 12, 31))
    assert services.period_bounds("2026") == (D(2026, 1, 1), D(2026, 12, 31))
    for bad in ("2026-Q5", "26-Q1", "2026Q1", ""):
        with pytest.raises(ValidationError):
            services.period_bounds(bad)


def test_recurring_notice_published_after_its_period_due_is_flagged(commune, budget_item):
    on_time = make_notice(
        commune, budget_item, period="2026-Q3", title="Tình hình thực hiện ngân sách quý III/2026"
    )
    assert on_time.period_due_on == D(2026, 10, 15)
    assert "period_late" in _flags(on_time)  # published 27 Nov, due 15 Oct
    draft = make_notice(commune, budget_item, period="2026-H2", publish=False)
    assert "period_late" not in _flags(draft)  # H2 ends 31 Dec


def test_missing_recurring_periods_are_listed(commune, budget_item):
    commune.valid_from = D(2026, 1, 1)
    commune.save()
    make_notice(commune, budget_item, period="2026-Q1")
    missing = services.missing_periods(commune, TODAY, years=1)
    assert missing == ["2:2026-Q2", "2:2026-Q3", "2:2026-H1"]


def test_recurring_item_requires_a_period(commune, budget_item):
    with pytest.raises(ValidationError) as info:
        make_notice(commune, budget_item)
    assert info.value.code == "period_required"


def test_non_compliant_list_is_one_query(commune, item, radio_item, django_assert_num_queries):
    late = make_notice(commune, item, signed_on=TODAY - dt.timedelta(days=5))
    radio = make_notice(commune, radio_item)
    make_notice(commune, item, signed_on=TODAY)
    with django_assert_num_queries(1):
        found = set(
            Notice.objects.filter(unit=commune).non_compliant(TODAY).values_list("pk", flat=True)
        )
    assert found == {late.pk, radio.pk}
