"""Each indicator against records counted by hand; roll-ups equal the sum of their parts."""

from __future__ import annotations

import datetime as dt

import pytest

from danchu.accounts.permissions import SYSTEM
from danchu.petitions import services as petition_services
from danchu.steering import indicators as ind
from danchu.steering.periods import parse_period
from danchu.units import services as unit_services
from danchu.units.models import Unit

from .conftest import TODAY, consultation, convention, matter, notice, petition

H2 = parse_period("2026H2")
H1 = parse_period("2026H1")
D = dt.date


@pytest.fixture
def records(commune, village, second_village, other_commune):
    # Disclosures: 3 notices in H2 in Ứng Hòa (one published late), 1 in H1, 1 elsewhere.
    notice(commune, D(2026, 7, 10))
    notice(village, D(2026, 9, 1))
    notice(village, D(2026, 10, 5), late=True)
    notice(village, D(2026, 3, 1))
    notice(other_commune, D(2026, 8, 1))
    # Decisions: village 60/100 and 30/80 households; second village 50/50, not adopted.
    matter(village, D(2026, 8, 20), roll=100, took_part=60)
    matter(village, D(2026, 9, 20), roll=80, took_part=30)
    matter(second_village, D(2026, 10, 1), roll=50, took_part=50, adopted=False)
    matter(village, D(2026, 2, 1), roll=100, took_part=100)  # H1
    # Recognitions: received Mon 2 Nov 2026, due Mon 9 Nov (05 working days).
    matter(
        village, D(2026, 10, 30), item=3, received_on=D(2026, 11, 2), recognised_on=D(2026, 11, 9)
    )  # on time
    matter(
        second_village,
        D(2026, 10, 30),
        item=4,
        received_on=D(2026, 11, 2),
        recognised_on=D(2026, 11, 10),
    )  # late
    matter(second_village, D(2026, 10, 30), item=4, received_on=D(2026, 11, 16))  # overdue
    matter(village, D(2026, 10, 30), item=3, received_on=D(2026, 11, 25))  # not yet due
    # Consultations: one answered with 4 opinions of which 3 in answered groups; one closed.
    consultation(commune, D(2026, 9, 30), answered=True, opinions=4, answered_opinions=3)
    consultation(commune, D(2026, 10, 30), opinions=2, answered_opinions=2)
    # Conventions: village's recognised 2024 and reviewed in 2026; second's not reviewed.
    convention(village, recognised_on=D(2024, 5, 1), reviewed_on=D(2026, 11, 18))
    convention(second_village, recognised_on=D(2025, 1, 10))
    # Petitions: 5 in H2 in the village, 1 at commune level, 1 in H1.
    petition(village, D(2026, 7, 1), late=False, rating=5, days=8)
    petition(village, D(2026, 8, 1), late=True, rating=2, days=14, category="dat-dai-gpmb")
    petition(village, D(2026, 9, 1), late=False, rating=4, days=6)
    petition(village, D(2026, 11, 1), status="accepted", due_on=D(2026, 11, 20))  # overdue
    petition(village, D(2026, 11, 20), status="received", due_on=D(2026, 12, 4))  # not due
    petition(commune, D(2026, 10, 1), late=False, days=10)
    petition(village, D(2026, 2, 1), late=True)


def test_disclosures_indicators_count_by_hand(records, commune, province):
    figures = ind.figures(commune, H2)
    assert figures.values["notices_published"] == 3
    assert figures.values["notices_compliant"] == 2
    assert figures.indicator(ind.INDICATORS["notices_compliance"]) == pytest.approx(2 / 3)
    assert ind.figures(province, H2).values["notices_published"] == 4


def test_decisions_turnout_adoption_and_recognition(records, commune):
    figures = ind.figures(commune, H2)
    # Matters closed in H2: 3 decided + 4 recognitions' matters (closed 30 Oct) = 7.
    assert figures.values["matters_decided"] == 7
    assert figures.values["matters_adopted"] == 6
    took_part, on_roll = 60 + 30 + 50 + 4 * 60, 100 + 80 + 50 + 4 * 100
    assert figures.indicator(ind.INDICATORS["turnout"]) == pytest.approx(took_part / on_roll)
    assert figures.values["recognitions_received"] == 4
    assert figures.values["recognitions_decided"] == 2
    assert figures.values["recognitions_on_time"] == 1
    assert figures.values["recognitions_late"] == 1
    assert figures.values["recognitions_overdue"] == 1
    assert figures.indicator(ind.INDICATORS["recognition_on_time"]) == 0.5


def test_consultations_and_conventions(records, commune):
    figures = ind.figures(commune, H2)
    assert figures.values["consultations_held"] == 2
    assert figures.values["consultations_answered"] == 1
    assert figures.values["opinions_received"] == 6
    # Only the answered consultation's grouped opinions count as answered.
    assert figures.values["opinions_answered"] == 3
    assert figures.values["conventions_in_force"] == 2
    assert figures.values["conventions_reviewed"] == 1
    # In H1 2026 neither was reviewed yet this year.
    assert ind.figures(commune, H1).values["conventions_reviewed"] == 0


def test_petitions_indicators_count_by_hand(records, commune):
    figures = ind.figures(commune, H2, TODAY)
    values = figures.values
    assert values["petitions_received"] == 6
    assert values["petitions_answered"] == 4
    assert values["petitions_on_time"] == 3
    assert values["petitions_late"] == 1
    assert values["petitions_overdue_open"] == 1
    assert values["petitions_rated"] == 3
    assert values["petitions_satisfied"] == 2
    assert figures.indicator(ind.INDICATORS["petitions_overdue_share"]) == pytest.approx(2 / 6)
    assert figures.indicator(ind.INDICATORS["petitions_average_days"]) == pytest.approx(38 / 4)


@pytest.mark.parametrize("code", ["10402", "01"])
def test_petitions_indicators_agree_with_the_petitions_engine(records, code):
    unit = Unit.objects.get(code=code)
    mine = ind.figures(unit, H2, TODAY)
    theirs = petition_services.statistics(unit, H2.start, H2.end, TODAY)
    assert mine.values["petitions_received"] == theirs["received"]
    assert mine.values["petitions_on_time"] == theirs["answered_on_time"]
    assert mine.values["petitions_late"] == theirs["answered_late"]
    assert mine.values["petitions_overdue_open"] == theirs["overdue_open"]
    assert mine.indicator(ind.INDICATORS["petitions_on_time_share"]) == theirs["on_time_share"]
    assert mine.indicator(ind.INDICATORS["petitions_satisfaction"]) == theirs["satisfied_share"]
    average = mine.indicator(ind.INDICATORS["petitions_average_days"])
    assert round(average, 1) == theirs["average_working_days"]


def test_roll_up_equals_the_sum_of_its_parts(records, province, commune):
    for unit in (province, commune):
        result = ind.breakdown(unit, H2, TODAY)
        for name, total in result.total.values.items():
            assert total == sum(f.values[name] for _u, _n, f in result.rows), name
    # The province's row for Ứng Hòa is Ứng Hòa's own total.
    province_rows = {u.code: f for u, _n, f in ind.breakdown(province, H2, TODAY).rows}
    assert province_rows["10402"].values == ind.breakdown(commune, H2, TODAY).total.values


def test_roll_up_across_a_village_merge(records, commune, village, second_village):
    before = ind.breakdown(commune, H2, TODAY)
    merged = unit_services.merge_units(
        actor=SYSTEM,
        sources=[village, second_village],
        new_name="Thôn Đông Cao",
        effective=D(2026, 11, 1),
    )
    after = ind.breakdown(commune, H2, TODAY)
    assert after.total.values == before.total.values
    rows = {u.code: (note, f) for u, note, f in after.rows}
    assert rows[village.code][0] == "đã sáp nhập"
    assert merged.code in rows  # the new village is listed, with nothing recorded yet
    for name, total in after.total.values.items():
        assert total == sum(f.values[name] for _u, _n, f in after.rows), name


def test_a_successor_unit_counts_its_predecessors_records(records, province, commune):
    # Ứng Hòa merged into a new commune from 1 July 2025 (the 2025 reorganisation).
    new = Unit(kind="commune", code="10499", name="Xã Ứng Hòa mới", parent=province)
    new.save()
    Unit.objects.filter(pk=commune.pk).update(valid_to=D(2025, 6, 30), successor=new)
    result = ind.breakdown(new, H2, TODAY)
    assert result.total.values == ind.breakdown(commune, H2, TODAY).total.values
    assert [note for _u, note, _f in result.rows] == ["trước sáp nhập"]
    # The province counts each record once.
    assert ind.figures(province, H2, TODAY).values["notices_published"] == 4


def test_trend_gives_each_period_its_own_figures(records, commune):
    periods = H2.back(2)
    trend = ind.trend(commune, periods, TODAY)
    assert [f.values["notices_published"] for f in trend] == [1, 3]
    assert [f.values["recognitions_received"] for f in trend] == [0, 4]
    assert trend[1].values == ind.figures(commune, H2, TODAY).values


def test_a_figure_traces_to_its_records(records, commune, village):
    listed = ind.records(commune, H2, "recognitions_overdue", TODAY)
    assert len(listed) == 1 and listed[0].received_on == D(2026, 11, 16)
    late = ind.records(commune, H2, "petitions_late", TODAY)
    assert [p.received_on for p in late] == [D(2026, 8, 1)]
    for component in (
        "notices_published",
        "matters_adopted",
        "opinions_answered",
        "conventions_reviewed",
        "petitions_satisfied",
        "households_took_part",
    ):
        value = ind.figures(commune, H2, TODAY).values[component]
        rows = ind.records(commune, H2, component, TODAY)
        if component == "households_took_part":
            assert sum(r.result["participated"] for r in rows) == value
        else:
            assert len(rows) == value, component
    only_village = ind.records(commune, H2, "notices_published", TODAY, child=village)
    assert len(only_village) == 2


def test_engines_not_installed_are_not_recorded_never_zero(records, commune, monkeypatch):
    real = ind.Source.installed
    monkeypatch.setattr(
        ind.Source, "installed", lambda self: self.engine != "petitions" and real(self)
    )
    result = ind.breakdown(commune, H2, TODAY)
    assert result.total.values["petitions_received"] is None
    assert result.figure("petitions_on_time_share") is None
    assert all(f.values["petitions_received"] is None for _u, _n, f in result.rows)
    assert result.total.values["notices_published"] == 3


def test_the_batch_calendar_agrees_with_add_working_days(db):
    from danchu.workdays.services import add_working_days

    days = [D(2026, 1, 1) + dt.timedelta(days=k) for k in range(0, 400, 7)]
    due = ind.working_day_due(days, 5)
    assert all(due[d] == add_working_days(d, 5) for d in days)


def test_reviews_count_from_the_first_of_january_in_every_quarter(commune, village):
    convention(village, recognised_on=D(2024, 5, 1), reviewed_on=D(2026, 2, 10))
    quarters = ind.trend(commune, parse_period("2026Q4").back(4), TODAY)
    assert [q.values["conventions_reviewed"] for q in quarters] == [1, 1, 1, 1]
    assert [q.values["conventions_in_force"] for q in quarters] == [1, 1, 1, 1]
