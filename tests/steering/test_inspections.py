"""Inspections: plan, teams, visits, checklist, findings, recommendations on the working-day
calendar, the unit's answer, escalation through the outbox, and bad input writing nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.notify.models import Message
from danchu.steering import services
from danchu.steering.models import Escalation, Finding, Recommendation, Visit
from danchu.workdays.services import add_working_days
from tests.conftest import make_user

from .conftest import TODAY, verified

D = dt.date


@pytest.fixture
def plan(committee, checklist, member):
    return services.create_plan(
        actor=member,
        committee=committee,
        title="Kiểm tra 6 tháng cuối năm 2026",
        period="2026H2",
        checklist=checklist,
        starts_on=D(2026, 10, 1),
        ends_on=D(2026, 12, 31),
    )


@pytest.fixture
def visit(plan, member, commune):
    team = services.add_team(actor=member, plan=plan, name="Đoàn số 1", leader=member)
    return services.schedule_visit(
        actor=member, plan=plan, team=team, unit=commune, planned_on=D(2026, 11, 2)
    )


@pytest.fixture
def done_visit(visit, member, checklist):
    results = {item.pk: ("met", "") for item in checklist.items.all()}
    first = checklist.items.get(number=4)
    results[first.pk] = ("not_met", "Hai hồ sơ công nhận quá hạn")
    return services.record_visit(
        actor=member,
        visit=visit,
        visited_on=D(2026, 11, 2),
        results=results,
        summary="Cơ bản thực hiện tốt",
    )


@pytest.fixture
def finding(done_visit, member):
    return services.add_finding(
        actor=member,
        visit=done_visit,
        severity="high",
        text="Chậm công nhận kết quả bầu trưởng thôn Cao Xá",
    )


def test_three_teams_over_units_and_checklist_results(
    plan, member, commune, other_commune, province, checklist
):
    teams = [
        services.add_team(actor=member, plan=plan, name=f"Đoàn số {i}", leader=member)
        for i in (1, 2, 3)
    ]
    for team, unit in zip(teams, (commune, other_commune), strict=False):
        services.schedule_visit(
            actor=member, plan=plan, team=team, unit=unit, planned_on=D(2026, 11, 10)
        )
    assert plan.teams.count() == 3 and plan.visits.count() == 2
    visit = plan.visits.get(unit=commune)
    with pytest.raises(services.ValidationError) as error:
        services.record_visit(
            actor=member,
            visit=visit,
            visited_on=D(2026, 11, 10),
            results={checklist.items.first().pk: ("met", "")},
        )
    assert error.value.code == "items_missing"
    assert Visit.objects.get(pk=visit.pk).visited_on is None


def test_recommendation_due_on_the_working_day_calendar(finding, member):
    rec = services.add_recommendation(
        actor=member,
        finding=finding,
        text="Công nhận ngay",
        working_days=5,
        issued_on=D(2026, 11, 2),
    )
    assert rec.due_on == add_working_days(D(2026, 11, 2), 5) == D(2026, 11, 9)
    assert Event.objects.filter(action="steering.recommendation_issued").count() == 1


@pytest.mark.parametrize("days", [None, 0, 10_000])
def test_a_recommendation_without_a_due_date_is_refused(finding, member, days):
    events = Event.objects.count()
    with pytest.raises(services.ValidationError) as error:
        services.add_recommendation(
            actor=member, finding=finding, text="Khắc phục", working_days=days
        )
    # Vietnamese, with its English in the catalog (the template is the msgid)
    with translation.override("en"):
        assert translation.gettext(error.value.message) != error.value.message
    assert Recommendation.objects.count() == 0 and Event.objects.count() == events


def test_a_unit_outside_the_committee_is_refused(plan, member, commune, nation):
    other_province = nation.children.create(kind="province", code="79", name="TP Hồ Chí Minh")
    other_province.save()
    outsider = other_province.__class__(
        kind="commune", code="26734", name="Phường Sài Gòn", parent=other_province
    )
    outsider.save()
    team = services.add_team(actor=member, plan=plan, name="Đoàn số 1", leader=member)
    with pytest.raises(services.ValidationError) as error:
        services.schedule_visit(
            actor=member, plan=plan, team=team, unit=outsider, planned_on=D(2026, 11, 2)
        )
    assert error.value.code == "outside_committee"
    assert not Visit.objects.exists()


def test_the_inspected_unit_answers_and_the_committee_closes(finding, member, commune):
    chair = verified(make_user("chu_tich", Role.COMMUNE_CHAIR, commune))
    rec = services.add_recommendation(
        actor=member,
        finding=finding,
        text="Công nhận ngay",
        working_days=5,
        issued_on=D(2026, 11, 2),
    )
    services.respond(actor=chair, recommendation=rec, text="Đã ban hành quyết định công nhận")
    rec.refresh_from_db()
    assert rec.status == "answered"
    services.close_recommendation(actor=member, recommendation=rec)
    assert Finding.objects.get(pk=finding.pk).resolved_on == TODAY
    assert list(services.visible_findings(chair, commune)) == [finding]


def test_another_commune_cannot_answer(finding, member, outside_officer):
    rec = services.add_recommendation(
        actor=member, finding=finding, text="Khắc phục", working_days=5, issued_on=D(2026, 11, 2)
    )
    with pytest.raises(PermissionDenied):
        services.respond(actor=verified(outside_officer), recommendation=rec, text="Xong")
    assert not rec.responses.exists()


def test_overdue_recommendations_escalate_and_are_recorded(
    finding, member, chair, django_capture_on_commit_callbacks
):
    # Due Mon 9 Nov; today Fri 27 Nov is 14 working days late: chair, then committee.
    rec = services.add_recommendation(
        actor=member,
        finding=finding,
        text="Công nhận ngay",
        working_days=5,
        issued_on=D(2026, 11, 2),
    )
    on_time = services.add_recommendation(
        actor=member, finding=finding, text="Rà soát", working_days=30, issued_on=D(2026, 11, 2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep_recommendations(TODAY) == 2
    assert list(Escalation.objects.values_list("recommendation_id", "level")) == [
        (rec.pk, 1),
        (rec.pk, 2),
    ]
    recipients = set(Message.objects.values_list("recipient", flat=True))
    assert recipients == {"chutich@unghoa.gov.vn", "uyvien@hanoi.gov.vn"}
    assert Event.objects.filter(action="steering.recommendation_escalated").count() == 2
    assert services.sweep_recommendations(TODAY) == 0  # twice the same day: nothing new
    assert not Escalation.objects.filter(recommendation=on_time).exists()


def test_a_visit_date_in_the_future_is_refused(visit, member, checklist):
    results = {item.pk: ("met", "") for item in checklist.items.all()}
    with pytest.raises(services.ValidationError):
        services.record_visit(actor=member, visit=visit, visited_on=D(2026, 12, 1), results=results)


def test_a_member_must_hold_the_role(committee, officer):
    with pytest.raises(services.ValidationError) as error:
        services.add_member(actor=SYSTEM, committee=committee, user=officer, position="member")
    assert error.value.code == "not_a_steering_member"


def test_the_demo_seeds_a_committee_a_plan_and_an_overdue_recommendation(commune):
    from danchu.demo import seeding
    from danchu.steering.models import Committee, InspectionPlan

    seeding.seed_demo()
    committee = Committee.objects.get()
    assert committee.members.get().position == "head"
    plan = InspectionPlan.objects.get()
    assert plan.teams.count() == 3
    assert Recommendation.objects.filter(escalation_level__gte=1).exists()
    assert Recommendation.objects.filter(status="answered").count() == 1
    seeding.seed_demo()  # idempotent
    assert Committee.objects.count() == 1 and InspectionPlan.objects.count() == 1
