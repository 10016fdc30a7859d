"""The dashboard's fast paths give the figures of the plain definitions, whatever the records.

The dashboard reads each source once for the period and its four-period trend, aggregates
per unit before working out each child, and reads the notices' postings and airings as sets;
these tests hold those paths to the per-notice flags and to one period at a time.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danchu.accounts.permissions import SYSTEM
from danchu.disclosures.models import Airing, Notice, Posting, PostingPlace
from danchu.steering import indicators as ind
from danchu.steering.periods import parse_period
from danchu.units import services as unit_services
from danchu.units.models import Unit

from .conftest import TODAY, consultation, convention, matter, notice, petition

D = dt.date
H2 = parse_period("2026H2")
FLAGS = ("is_late", "is_period_late", "is_taken_down_early", "is_radio_incomplete")


def air(n, *days):
    for day in days:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(18)))
        Airing.objects.create(notice=n, aired_at=moment, aired_on=day, day_number=day.toordinal())


def take_down(n, on):
    posting = n.postings.get()
    posting.ended_on = on
    posting.save()
    return posting


@pytest.fixture
def notices(commune, village, other_commune):
    """Notices in every state of compliance, in the period and the ones before."""
    made = {
        "compliant": notice(village, D(2026, 9, 1)),
        "late": notice(village, D(2026, 9, 2), late=True),
        "taken_down": notice(village, D(2026, 9, 3)),
        "reposted": notice(commune, D(2026, 9, 4)),
        "reposted_elsewhere": notice(commune, D(2026, 9, 5)),
        "radio_three_days": notice(commune, D(2026, 9, 6), item_number=8),
        "radio_two_days": notice(commune, D(2026, 9, 7), item_number=8),
        "radio_gap": notice(village, D(2026, 9, 8), item_number=8),
        "radio_never": notice(village, D(2026, 3, 9), item_number=8),
        "earlier": notice(village, D(2025, 11, 10), late=True),
        "elsewhere": notice(other_commune, D(2026, 8, 1), item_number=8),
    }
    take_down(made["taken_down"], D(2026, 9, 10))
    first = take_down(made["reposted"], D(2026, 9, 10))
    Posting.objects.create(
        notice=made["reposted"],
        place=first.place,
        started_on=D(2026, 9, 12),
        required_until=D(2026, 10, 12),
    )
    first = take_down(made["reposted_elsewhere"], D(2026, 9, 10))
    other_place = PostingPlace.objects.create(unit=commune, name="Chợ")
    Posting.objects.create(
        notice=made["reposted_elsewhere"],
        place=other_place,
        started_on=D(2026, 9, 12),
        required_until=D(2026, 10, 12),
    )
    air(made["radio_three_days"], D(2026, 9, 6), D(2026, 9, 7), D(2026, 9, 8))
    air(made["radio_two_days"], D(2026, 9, 7), D(2026, 9, 8))
    air(made["radio_gap"], D(2026, 9, 8), D(2026, 9, 9), D(2026, 9, 11), D(2026, 9, 12))
    air(made["elsewhere"], D(2026, 8, 1), D(2026, 8, 2), D(2026, 8, 3))
    draft = Notice.objects.create(
        unit=village, item=made["compliant"].item, title="Nháp", body="…", publish_due_on=TODAY
    )
    return made | {"draft": draft}


def _flags(queryset):
    return {n.pk: tuple(bool(getattr(n, f)) for f in FLAGS) for n in queryset}


def test_the_flags_read_as_sets_equal_the_flags_per_notice(notices, province):
    per_notice = _flags(Notice.objects.with_compliance(TODAY))
    everything = Notice.objects.all()
    assert _flags(everything.with_compliance(TODAY, among=everything)) == per_notice
    some = Notice.objects.filter(unit__path__startswith=province.path, status="published")
    assert _flags(some.with_compliance(TODAY, among=some)) == {
        pk: flags for pk, flags in per_notice.items() if some.filter(pk=pk).exists()
    }
    flagged = {name for name, n in notices.items() if any(per_notice[n.pk])}
    assert flagged == {
        "late",
        "taken_down",
        "reposted_elsewhere",
        "radio_two_days",
        "radio_gap",
        "radio_never",
        "earlier",
    }


def test_notice_figures_count_the_notices_the_engine_flags(notices, commune, province):
    for unit in (commune, province):
        figures = ind.breakdown(unit, H2, TODAY).total.values
        published = Notice.objects.filter(
            unit__path__startswith=unit.path,
            status="published",
            published_on__gte=H2.start,
            published_on__lte=H2.end,
        )
        flagged = published.non_compliant(TODAY)
        assert figures["notices_published"] == published.count()
        assert figures["notices_non_compliant"] == flagged.count()
        assert figures["notices_compliant"] == published.count() - flagged.count()


@pytest.fixture
def everything(notices, commune, village, second_village, other_commune):
    for day in (D(2025, 8, 1), D(2026, 2, 1), D(2026, 9, 1)):
        matter(village, day, roll=100, took_part=55)
        matter(second_village, day, roll=40, took_part=10, adopted=False)
        petition(village, day, late=day.month == 2, rating=5, days=7)
        petition(commune, day, status="accepted", due_on=day + dt.timedelta(days=30))
        consultation(commune, day, answered=True, opinions=3, answered_opinions=2)
    matter(village, D(2026, 2, 1), item=3, received_on=D(2026, 2, 2), recognised_on=D(2026, 2, 5))
    matter(second_village, D(2026, 9, 1), item=3, received_on=D(2026, 9, 2))
    matter(village, D(2025, 9, 1), item=4, received_on=D(2025, 9, 3), refused_on=D(2025, 9, 20))
    convention(village, recognised_on=D(2025, 3, 1), reviewed_on=D(2026, 1, 20))
    convention(second_village, recognised_on=D(2026, 8, 1))


def _values(breakdown):
    return breakdown.total.values, [(u.pk, n, f.values) for u, n, f in breakdown.rows]


@pytest.mark.parametrize("code", ["01", "10402"])
def test_one_pass_gives_each_period_what_it_gives_alone(everything, code):
    unit = Unit.objects.get(code=code)
    periods = H2.back(4)
    current, trend = ind.breakdown_and_trend(unit, H2, periods, TODAY)
    assert _values(current) == _values(ind.breakdown(unit, H2, TODAY))
    for period, figures in zip(periods, trend, strict=True):
        alone = ind.breakdown(unit, period, TODAY)
        assert figures.values == alone.total.values, period.code
        assert figures.values == ind.figures(unit, period, TODAY).values, period.code
    # A period outside the trend is read in the same pass.
    other = parse_period("2025Q3")
    current, trend = ind.breakdown_and_trend(unit, other, periods, TODAY)
    assert _values(current) == _values(ind.breakdown(unit, other, TODAY))
    assert [f.values for f in trend] == [f.values for f in ind.trend(unit, periods, TODAY)]


def test_each_child_row_is_the_childs_own_figures(everything, province, commune):
    for unit in (province, commune):
        current = ind.breakdown(unit, H2, TODAY)
        for child, _note, figures in current.rows:
            if child.pk != unit.pk:
                assert figures.values == ind.breakdown(child, H2, TODAY).total.values, child.code


def test_one_pass_across_a_merge_and_a_successor(
    everything, province, commune, village, second_village
):
    unit_services.merge_units(
        actor=SYSTEM,
        sources=[village, second_village],
        new_name="Thôn Đông Cao",
        effective=D(2026, 11, 1),
    )
    new = Unit(kind="commune", code="10499", name="Xã Ứng Hòa mới", parent=province)
    new.save()
    Unit.objects.filter(pk=commune.pk).update(successor=new, valid_to=D(2025, 6, 30))
    for unit in (province, Unit.objects.get(pk=commune.pk), new):
        periods = H2.back(4)
        current, trend = ind.breakdown_and_trend(unit, H2, periods, TODAY)
        assert _values(current) == _values(ind.breakdown(unit, H2, TODAY))
        for period, figures in zip(periods, trend, strict=True):
            assert figures.values == ind.breakdown(unit, period, TODAY).total.values


def test_one_pass_costs_the_same_queries_for_any_number_of_villages(everything, commune):
    with CaptureQueriesContext(connection) as small:
        ind.breakdown_and_trend(commune, H2, H2.back(4), TODAY)
    for i in range(8):
        village = unit_services.create_village(actor=SYSTEM, commune=commune, name=f"Thôn {i}")
        petition(village, D(2026, 8, 10))
        notice(village, D(2026, 8, 11))
    with CaptureQueriesContext(connection) as large:
        ind.breakdown_and_trend(commune, H2, H2.back(4), TODAY)
    assert len(large) == len(small)
    installed = [s for s in ind.SOURCES.values() if s.installed()]
    # One query per source, the units of the rows, the calendar and the predecessors.
    assert len(small) <= len(installed) + 4
