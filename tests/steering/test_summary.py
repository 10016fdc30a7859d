"""The maintained monthly summary always gives the figures of the live count.

Every comparison computes the same dashboard twice — through the summary, and with the
summary switched off (every source counted from the records) — and checks that the summary
was really read, so a wrong summary fails these tests (see the corruption test)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from danchu.accounts.permissions import SYSTEM
from danchu.consultations.models import (
    Consultation,
    ConventionReview,
    ConventionVersion,
    OpinionGroup,
)
from danchu.decisions.models import Matter
from danchu.disclosures.models import Art11Item, Notice, Posting
from danchu.petitions.models import Petition
from danchu.steering import indicators as ind
from danchu.steering import summary
from danchu.steering.models import MonthlySummary, SummaryMark, SummaryState
from danchu.steering.periods import parse_period
from danchu.units import services as unit_services
from danchu.units.models import Unit

from .conftest import TODAY, consultation, convention, matter, notice, petition

D = dt.date
H2 = parse_period("2026H2")
PERIODS = [
    (H2, H2.back(4)),
    (parse_period("2026Q3"), parse_period("2026Q3").back(4)),
    (parse_period("2026-08"), parse_period("2026-08").back(4)),
    (parse_period("2026"), parse_period("2026").back(2)),
    (parse_period("2027Q1"), parse_period("2027Q1").back(4)),
]


@pytest.fixture
def records(province, commune, village, second_village, other_commune):
    """Records of every summarised source in several months of 2025 and 2026, in two
    villages, a commune and another commune."""
    other_village = unit_services.create_village(
        actor=SYSTEM, commune=other_commune, name="Thôn Đoài"
    )
    for unit, day in (
        (commune, D(2026, 7, 10)),
        (village, D(2026, 9, 1)),
        (village, D(2026, 3, 1)),
        (second_village, D(2025, 11, 30)),
        (other_commune, D(2026, 8, 1)),
        (other_village, D(2026, 8, 31)),
    ):
        notice(unit, day)
    notice(village, D(2026, 10, 5), late=True)
    matter(village, D(2026, 8, 20), roll=100, took_part=60)
    matter(village, D(2026, 9, 20), roll=80, took_part=30)
    matter(second_village, D(2026, 10, 1), roll=50, took_part=50, adopted=False)
    matter(village, D(2026, 2, 1), roll=100, took_part=100)
    matter(other_village, D(2025, 12, 31), roll=70, took_part=20, adopted=False)
    consultation(commune, D(2026, 9, 30), answered=True, opinions=4, answered_opinions=3)
    consultation(commune, D(2026, 10, 30), opinions=2, answered_opinions=2)
    consultation(other_commune, D(2026, 5, 15), answered=True, opinions=3, answered_opinions=1)
    petition(village, D(2026, 7, 1), rating=5, days=8)
    petition(village, D(2026, 8, 1), late=True, rating=2, days=14, category="dat-dai-gpmb")
    petition(second_village, D(2026, 9, 1), rating=4, days=6)
    petition(village, D(2026, 11, 1), status="accepted", due_on=D(2026, 11, 20))  # overdue
    petition(village, D(2026, 11, 20), status="received", due_on=D(2026, 12, 4))  # not yet
    petition(commune, D(2026, 10, 2), status="verifying", due_on=D(2026, 10, 30))  # overdue
    petition(other_village, D(2025, 12, 3), late=True, rating=3, days=20)
    petition(other_commune, D(2026, 4, 3), status="accepted")  # no due date yet
    # Recognitions: received Mon 2 Nov 2026, due Mon 9 Nov (05 working days).
    matter(
        village, D(2026, 10, 30), item=3, received_on=D(2026, 11, 2), recognised_on=D(2026, 11, 9)
    )
    matter(
        second_village,
        D(2026, 10, 30),
        item=4,
        received_on=D(2026, 11, 2),
        recognised_on=D(2026, 11, 10),
    )  # late
    matter(second_village, D(2026, 10, 30), item=4, received_on=D(2026, 11, 16))  # overdue
    matter(village, D(2026, 10, 30), item=3, received_on=D(2026, 11, 25))  # not yet due
    matter(
        other_village, D(2026, 3, 2), item=3, received_on=D(2026, 3, 4), refused_on=D(2026, 3, 20)
    )
    # Conventions in force from their first recognised text; reviews counted once a year.
    convention(village, recognised_on=D(2024, 5, 1), reviewed_on=D(2026, 11, 18))
    convention(second_village, recognised_on=D(2025, 1, 10), reviewed_on=D(2025, 12, 1))
    late = convention(other_village, recognised_on=D(2026, 8, 15), reviewed_on=D(2026, 9, 1))
    version = late.versions.get()
    for day in (D(2027, 1, 5),):
        ConventionReview.objects.create(
            convention=late,
            version=version,
            year=day.year,
            reviewed_on=day,
            form="meeting",
            chair_name="Trần Văn Hùng",
            front_head_name="Đỗ Thị Hạnh",
            findings="Phù hợp",
            outcome="keep",
        )
    return {"other_village": other_village, "late_convention": late}


def _flat(result):
    breakdown, trend = result
    return (
        breakdown.total.values,
        [(u.pk, note, f.values) for u, note, f in breakdown.rows],
        [f.values for f in trend],
    )


def compare(unit, period, periods, today=TODAY):
    """(figures through the summary, figures counted live, sources the summary gave)."""
    given = []
    original = summary.Reader.figures

    def spy(self, source):
        found = original(self, source)
        if found is not None:
            given.append(source.key)
        return found

    with mock.patch.object(summary.Reader, "figures", spy):
        summarised = _flat(ind.breakdown_and_trend(unit, period, periods, today))
    with mock.patch.object(summary.Reader, "figures", lambda self, source: None):
        live = _flat(ind.breakdown_and_trend(unit, period, periods, today))
    return summarised, live, given


def assert_equal_everywhere(units, *, read=True):
    for unit in units:
        for period, periods in PERIODS:
            summarised, live, given = compare(unit, period, periods)
            assert summarised == live, (unit, period)
            if read:  # the summary was really read, for every source it holds
                assert set(given) == set(summary.PLANS), (unit, period, given)


def all_units(province, commune, other_commune, *more):
    return [province.parent, province, commune, other_commune, *more]


# --- what the summary holds ----------------------------------------------------------------


def test_each_plan_holds_exactly_its_sources_components_and_none_depends_on_the_day():
    for key, plan in summary.PLANS.items():
        source = ind.SOURCES[key]
        assert bool(source.stock) == bool(plan.stock)
        assert tuple(source.computed_from) == plan.detail
        derived = set(plan.derive(dict.fromkeys(plan.stored, 0), 0)) if plan.derive else set()
        assert set(plan.stored) | derived | set(source.computed_names) == set(
            ind._component_names(source)
        )
        assert not set(plan.stored) & derived
        for component in source.components:
            if component.name not in plan.stored:
                continue
            # A stock counts the records it summarises once each; a flow counts rows.
            assert component.distinct == (plan.distinct if plan.stock else None)
            # The same condition on any day and in any period (Q objects compare by value).
            one = component.where(parse_period("2026-01"), D(2026, 1, 1))
            other = component.where(parse_period("2019"), D(2031, 7, 9))
            assert one == other, component.name


def test_the_triggers_are_installed(db):
    assert summary.triggers_present()


def test_without_a_refresh_every_source_is_counted_live(records, province, commune, other_commune):
    summarised, live, given = compare(commune, H2, H2.back(4))
    assert summarised == live and given == []


# --- equal to the records -------------------------------------------------------------------


def test_after_a_refresh_the_summary_gives_the_live_figures(
    records, province, commune, village, other_commune
):
    written = summary.refresh()
    assert set(written) == set(summary.PLANS) and all(written.values())
    assert not SummaryMark.objects.exists()
    assert MonthlySummary.objects.filter(subtree=True, unit=province.parent).exists()
    assert_equal_everywhere(all_units(province, commune, other_commune, village))
    # A known figure: the commune's H2 petitions (3 in the village, 1 in the second
    # village, 1 at the commune, owed ones judged today).
    values = ind.breakdown(commune, H2, TODAY).total.values
    assert values["petitions_received"] == 6
    assert values["petitions_overdue_open"] == 2
    assert values["petitions_late_or_overdue"] == 3
    assert values["households_on_roll"] == 630
    assert values["recognitions_overdue"] == 1 and values["recognitions_on_time"] == 1
    assert values["conventions_in_force"] == 2 and values["conventions_reviewed"] == 1


def test_owed_petitions_are_judged_on_the_day_asked(records, commune):
    summary.refresh()
    for today in (D(2026, 10, 30), D(2026, 10, 31), D(2026, 11, 21), D(2026, 12, 5)):
        summarised, live, given = compare(commune, H2, H2.back(4), today)
        assert summarised == live and "petitions" in given, today
    assert ind.breakdown(commune, H2, D(2026, 12, 5)).total.values["petitions_overdue_open"] == 3


def test_changes_after_a_refresh_are_counted_from_the_records(
    records, province, commune, village, second_village, other_commune
):
    summary.refresh()
    units = all_units(province, commune, other_commune, village)
    # A petition answered (through save), another answered late by a bulk update.
    owed = Petition.objects.get(unit=village, received_on=D(2026, 11, 1))
    owed.status, owed.answered_late, owed.rating = "answered", True, 1
    owed.save()
    Petition.objects.filter(unit=commune, status="verifying").update(
        status="answered", answered_late=False, answer_working_days=3
    )
    # A notice taken down before its time, one moved to another month, one deleted.
    taken = Notice.objects.get(unit=village, published_on=D(2026, 9, 1))
    Posting.objects.filter(notice=taken).update(ended_on=D(2026, 9, 5))
    Notice.objects.filter(unit=commune).update(published_on=D(2026, 12, 1))
    Notice.objects.filter(unit=records["other_village"]).delete()
    # A matter whose vote result changes, and one recognised (the recognition is live).
    Matter.objects.filter(unit=second_village).update(adopted=True, roll_size=60)
    recognised = Matter.objects.get(unit=village, closed_at__month=8)
    recognised.received_on, recognised.recognised_on = D(2026, 8, 22), D(2026, 8, 25)
    recognised.save()
    # A consultation's answers withdrawn; a new petition.
    OpinionGroup.objects.filter(consultation__closes_on=D(2026, 9, 30)).update(answer="")
    Consultation.objects.filter(unit=other_commune).update(status="closed")
    petition(second_village, D(2026, 12, 1), status="received", due_on=D(2026, 11, 25))
    # A recognition decided, another refused; a convention's new text and a new review.
    Matter.objects.filter(unit=second_village, received_on=D(2026, 11, 16)).update(
        recognised_on=D(2026, 11, 26)
    )
    Matter.objects.filter(unit=village, received_on=D(2026, 11, 25)).update(
        refused_on=D(2026, 11, 26)
    )
    late = records["late_convention"]
    ConventionVersion.objects.create(
        convention=late, number=2, text="Bản sửa", stage="recognised", recognised_on=D(2026, 7, 1)
    )
    ConventionReview.objects.filter(convention=late, reviewed_on=D(2026, 9, 1)).update(
        reviewed_on=D(2026, 12, 20)
    )
    marked = set(SummaryMark.objects.values_list("source", "unit_id"))
    assert ("petitions", village.pk) in marked and ("notices", commune.pk) in marked
    assert ("opinions", commune.pk) in marked and ("matters", second_village.pk) in marked
    assert ("recognitions", village.pk) in marked
    assert ("conventions", records["other_village"].pk) in marked
    assert ("convention_reviews", records["other_village"].pk) in marked
    assert_equal_everywhere(units)
    # A refresh takes the changes in and clears the marks.
    summary.refresh()
    assert not SummaryMark.objects.exists()
    assert_equal_everywhere(units)


def test_a_stale_summary_is_never_used(records, province, commune, village, other_commune):
    summary.refresh()
    units = all_units(province, commune, other_commune, village)
    Petition.objects.filter(unit=village).update(rating=5, answered_late=False)
    assert_equal_everywhere(units)
    # Without the marks (as if no trigger had fired) the summary would be wrong: so the
    # comparisons above do see a stale summary, and the marks are what keep it right.
    SummaryMark.objects.all().delete()
    summarised, live, _given = compare(commune, H2, H2.back(4))
    assert summarised != live


def test_a_wrong_summary_would_fail_the_comparison(records, commune):
    summary.refresh()
    MonthlySummary.objects.filter(source="notices", subtree=True).update(
        notices_compliant=F("notices_compliant") + 1
    )
    summarised, live, _given = compare(commune, H2, H2.back(4))
    assert summarised != live
    summary.refresh()
    summarised, live, _given = compare(commune, H2, H2.back(4))
    assert summarised == live


def test_a_change_for_every_unit_counts_the_source_live(records, province, commune, other_commune):
    summary.refresh()
    Art11Item.objects.filter(number=3).update(radio_required=True)
    assert SummaryMark.objects.filter(source="notices", unit_id=None).exists()
    for unit in all_units(province, commune, other_commune):
        summarised, live, given = compare(unit, H2, H2.back(4))
        assert summarised == live
        assert "notices" not in given and "petitions" in given
    # A unit moved in the tree: every source is live until the next refresh.
    Unit.objects.filter(pk=other_commune.pk).update(path=other_commune.path + "x/")
    assert set(SummaryMark.objects.filter(unit_id=None).values_list("source", flat=True)) == set(
        summary.PLANS
    )


def test_a_new_unit_created_after_the_refresh(records, province, commune, other_commune):
    summary.refresh()
    new = unit_services.create_village(actor=SYSTEM, commune=commune, name="Thôn Mới")
    assert not SummaryMark.objects.filter(unit_id=None).exists()  # creating moves nothing
    notice(new, D(2026, 8, 8))
    petition(new, D(2026, 7, 7), status="received", due_on=D(2026, 8, 1))
    matter(new, D(2026, 9, 9), roll=40, took_part=40)
    assert_equal_everywhere(all_units(province, commune, other_commune, new))


def test_across_a_merge_of_villages(
    records, province, commune, village, second_village, other_commune
):
    summary.refresh()
    merged = unit_services.merge_units(
        actor=SYSTEM,
        sources=[village, second_village],
        new_name="Thôn Đông Cao",
        effective=D(2026, 11, 1),
    )
    units = all_units(province, commune, other_commune, village, merged)
    assert_equal_everywhere(units)
    rows = ind.breakdown(commune, H2, TODAY).rows
    assert ("đã sáp nhập") in [note for u, note, _f in rows if u.pk == village.pk]
    # Records of the new village after the merge; then a refresh.
    petition(merged, D(2026, 11, 5), status="accepted", due_on=D(2026, 11, 19))
    notice(merged, D(2026, 11, 2))
    assert_equal_everywhere(units)
    summary.refresh()
    assert_equal_everywhere(units)


def test_a_commune_formed_by_merging_counts_its_predecessors(
    records, province, commune, other_commune
):
    new = Unit(kind="commune", code="10499", name="Xã Ứng Hòa mới", parent=province)
    new.save()
    Unit.objects.filter(pk__in=[commune.pk, other_commune.pk]).update(
        valid_to=D(2025, 6, 30), successor=new
    )
    summary.refresh()
    assert_equal_everywhere([new, province])
    rows = ind.breakdown(new, H2, TODAY).rows
    assert [note for _u, note, _f in rows] == ["trước sáp nhập", "trước sáp nhập"]
    # A change under a predecessor after the refresh.
    Petition.objects.filter(unit=commune).update(status="answered", answered_late=True)
    assert_equal_everywhere([new, province])


def test_refresh_from_the_command_and_the_worker(records, commune):
    call_command("steering_summary", stdout=(out := __import__("io").StringIO()))
    assert "petitions" in out.getvalue()
    assert SummaryState.objects.count() == len(summary.PLANS)
    Petition.objects.filter(unit=commune).update(rating=4)
    from danchu.steering.tasks import refresh_summary

    result = refresh_summary.enqueue()
    assert result.return_value["petitions"] > 0
    assert not SummaryMark.objects.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables")
def test_triggers_dropped_by_a_table_rebuild_come_back_and_the_summary_is_dropped(records, commune):
    summary.refresh()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER steering_mark_petitions_petition_upd")
    assert not summary.triggers_present()
    assert summary.ensure_triggers() is False
    assert summary.triggers_present()
    assert not SummaryState.objects.exists()  # counted live until the next refresh
    summarised, live, given = compare(commune, H2, H2.back(4))
    assert summarised == live and given == []


def test_a_change_of_the_working_day_calendar_needs_no_refresh(records, commune):
    from danchu.workdays.models import DayOverride

    summary.refresh()
    # Saturday 7 Nov 2026 made a working day: the recognition received on 2 Nov is due a
    # day earlier, and the one decided on 10 Nov is late by one more day.
    DayOverride.objects.create(date=D(2026, 11, 7), is_working_day=True, reason="Làm bù")
    assert not SummaryMark.objects.exists()
    summarised, live, given = compare(commune, H2, H2.back(4))
    assert summarised == live and "recognitions" in given


def test_the_summarised_dashboard_costs_the_same_queries_for_more_villages(
    records, province, commune
):
    from django.test.utils import CaptureQueriesContext

    summary.refresh()
    with CaptureQueriesContext(connection) as small:
        ind.breakdown_and_trend(commune, H2, H2.back(4), TODAY)
    for index in range(6):
        village = unit_services.create_village(
            actor=SYSTEM, commune=commune, name=f"Thôn Mới {index}"
        )
        notice(village, D(2026, 8, 1 + index))
        petition(village, D(2026, 9, 1 + index), status="received", due_on=D(2026, 10, 1))
        matter(village, D(2026, 10, 1 + index))
    summary.refresh()
    with CaptureQueriesContext(connection) as large:
        summarised = ind.breakdown_and_trend(commune, H2, H2.back(4), TODAY)
    assert len(large) == len(small)
    # The four reads of the summary and one query per source it does not hold.
    assert len(large) <= 4 + len(ind.SOURCES) - len(summary.PLANS) + 3
    assert len(summarised[0].rows) == 9  # eight villages and the commune itself
