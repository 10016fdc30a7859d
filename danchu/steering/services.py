"""Ban Chỉ đạo: committees, inspections and their follow-up, hot spots.

Every step checks the actor through accounts.permissions, validates, writes and records an
audit Event in one transaction. The law does not fix the steering committee's own clocks:
the figures below that are not from a text are settings (STEERING_*), with defaults here,
and docs/adr/0010 explains the readings chosen.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts import permissions
from danchu.accounts.models import Role, RoleGrant
from danchu.audit.services import record
from danchu.core.errors import ValidationError
from danchu.notify.models import Message
from danchu.notify.services import queue_message
from danchu.steering import indicators as ind
from danchu.steering.models import (
    Checklist,
    ChecklistItem,
    ChecklistResult,
    Committee,
    CommitteeMember,
    Escalation,
    Finding,
    HotSpotFlag,
    HotSpotRule,
    InspectionPlan,
    InspectionTeam,
    Recommendation,
    Response,
    Severity,
    Visit,
)
from danchu.steering.periods import Period, parse_period
from danchu.units.models import Unit
from danchu.workdays.services import add_working_days, working_days_between


def setting(name: str, default):
    """UNVERIFIED figures are settings; the defaults live here (docs/steering.md lists them)."""
    return getattr(settings, f"STEERING_{name}", default)


# No text fixes how long an inspected unit has to answer; the committee sets it per
# recommendation, within this ceiling (working days). UNVERIFIED: setting.
def max_working_days() -> int:
    return setting("RECOMMENDATION_MAX_WORKING_DAYS", 60)


# An overdue recommendation is told to the inspected unit's chair the day after it falls due
# (level 1), and to the committee after this many working days late (level 2), as the
# petitions engine escalates overdue answers. UNVERIFIED: setting.
def escalate_committee_after() -> int:
    return setting("ESCALATE_COMMITTEE_AFTER", 5)


TEXT_LIMIT = 4000


# --- access --------------------------------------------------------------------------------------


def require(actor, permission: str, unit: Unit) -> None:
    """permissions.require, with the message a steering member needs when out of area."""
    try:
        permissions.require(actor, permission, unit)
    except PermissionDenied as exc:
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        if authenticated and permissions.needs_second_factor(actor):
            raise
        raise PermissionDenied(
            _("%(unit)s nằm ngoài phạm vi Ban Chỉ đạo hoặc vai trò của bạn.") % {"unit": unit.name}
        ) from exc


def _text(value: str, label: str, field: str, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(
            _("Cần nhập %(label)s."),
            code="required",
            params={"label": label, "field": field},
        )
    if "\x00" in value:
        raise ValidationError(
            _("%(label)s chứa ký tự không hợp lệ."),
            code="bad_text",
            params={"label": label},
        )
    if len(value) > limit:
        raise ValidationError(
            _("%(label)s dài quá %(max)d ký tự."),
            code="too_long",
            params={"label": label, "field": field, "max": limit},
        )
    return value


def _not_future(day: dt.date | None, label: str) -> dt.date:
    if day is None:
        raise ValidationError(
            _("Cần nhập %(label)s."),
            code="date_required",
            params={"label": label},
        )
    if day > timezone.localdate():
        raise ValidationError(
            _("%(label)s không được sau hôm nay."),
            code="date_in_future",
            params={"label": label},
        )
    return day


def _inside(committee: Committee, unit: Unit) -> None:
    """Bad input (Law-free rule of the app): a committee acts only within its own unit."""
    if not committee.unit.contains(unit):
        raise ValidationError(
            _("%(unit)s nằm ngoài địa bàn của %(committee)s."),
            code="outside_committee",
            params={"unit": unit.name, "committee": committee.name},
        )


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


# --- committees ---------------------------------------------------------------------------------


def eligible_members(unit: Unit):
    """The users who may sit on the unit's committee or its teams: the steering_member role
    on the unit or above."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    holders = RoleGrant.objects.active().filter(role=Role.STEERING_MEMBER, unit_id__in=ids)
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=holders.values("user_id"))
        .order_by("full_name", "username")
    )


def _require_steering_member(user, unit: Unit) -> None:
    if Role.STEERING_MEMBER not in permissions.roles_on(user, unit):
        raise ValidationError(
            _("%(user)s chưa được giao vai trò thành viên Ban Chỉ đạo tại %(unit)s."),
            code="not_a_steering_member",
            params={"user": str(user), "unit": unit.name},
        )


@transaction.atomic
def create_committee(
    *, actor, unit: Unit, name: str, decision_ref: str = "", established_on=None
) -> Committee:
    """A steering committee at a province or a commune."""
    require(actor, "steering.organise", unit)
    if unit.kind not in (Unit.Kind.PROVINCE, Unit.Kind.COMMUNE):
        raise ValidationError(
            _("Ban Chỉ đạo được thành lập ở cấp tỉnh hoặc cấp xã."),
            code="bad_unit",
        )
    if Committee.objects.filter(unit=unit).exists():
        raise ValidationError(
            _("%(unit)s đã có Ban Chỉ đạo."),
            code="committee_exists",
            params={"unit": unit.name},
        )
    committee = Committee.objects.create(
        unit=unit,
        name=_text(name, _("tên Ban Chỉ đạo"), "name", 300),
        decision_ref=(decision_ref or "").strip()[:120],
        established_on=established_on,
    )
    record(
        actor=actor,
        action="steering.committee_created",
        obj=committee,
        unit=unit,
        payload={"name": committee.name, "decision": committee.decision_ref},
    )
    return committee


@transaction.atomic
def add_member(
    *, actor, committee: Committee, user, position: str, title: str = "", since=None
) -> CommitteeMember:
    """Seat a member: a user who holds the steering_member role on the committee's unit."""
    require(actor, "steering.organise", committee.unit)
    if position not in CommitteeMember.Position.values:
        raise ValidationError(_("Chức danh không hợp lệ."), code="bad_position")
    _require_steering_member(user, committee.unit)
    if committee.members.filter(user=user, left_on__isnull=True).exists():
        raise ValidationError(
            _("%(user)s đã là thành viên của Ban."),
            code="already_member",
            params={"user": str(user)},
        )
    if (
        position == CommitteeMember.Position.HEAD
        and committee.members.filter(
            position=CommitteeMember.Position.HEAD, left_on__isnull=True
        ).exists()
    ):
        raise ValidationError(
            _("%(committee)s đã có Trưởng ban."),
            code="head_exists",
            params={"committee": committee.name},
        )
    try:
        with transaction.atomic():
            member = CommitteeMember.objects.create(
                committee=committee,
                user=user,
                position=position,
                title=(title or "")[:200],
                since=since,
            )
    except IntegrityError:
        raise ValidationError(
            _("Người này đã là thành viên, hoặc Ban đã có Trưởng ban."),
            code="duplicate_member",
        ) from None
    record(
        actor=actor,
        action="steering.member_added",
        obj=member,
        unit=committee.unit,
        payload={"user": user.pk, "position": position},
    )
    return member


def committee_of(unit: Unit) -> Committee | None:
    """The committee of the unit, or of the nearest unit above it that has one."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    return (
        Committee.objects.filter(unit_id__in=ids)
        .select_related("unit")
        .order_by("-unit__depth")
        .first()
    )


def committee_recipients(committee: Committee) -> list:
    return [
        m.user
        for m in committee.members.filter(left_on__isnull=True).select_related("user")
        if m.user.email
    ]


# --- inspections ----------------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    *,
    actor,
    committee: Committee,
    title: str,
    period: str,
    checklist: Checklist,
    starts_on: dt.date,
    ends_on: dt.date,
) -> InspectionPlan:
    require(actor, "steering.manage", committee.unit)
    parsed = parse_period(period)
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise ValidationError(_("Thời gian kế hoạch không hợp lệ."), code="bad_dates")
    if not checklist.active:
        raise ValidationError(
            _("Bộ tiêu chí đã ngừng dùng."),
            code="checklist_inactive",
        )
    plan = InspectionPlan.objects.create(
        committee=committee,
        title=_text(title, _("tên kế hoạch"), "title", 300),
        period=parsed.code,
        checklist=checklist,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=_user(actor),
    )
    record(
        actor=actor,
        action="steering.plan_created",
        obj=plan,
        unit=committee.unit,
        payload={"title": plan.title, "period": plan.period},
    )
    return plan


@transaction.atomic
def add_team(*, actor, plan: InspectionPlan, name: str, leader, members=()) -> InspectionTeam:
    unit = plan.committee.unit
    require(actor, "steering.manage", unit)
    name = _text(name, _("tên đoàn"), "name", 120)
    if leader is None:
        raise ValidationError(_("Cần chọn trưởng đoàn."), code="leader_required")
    for person in (leader, *members):
        _require_steering_member(person, unit)
    if plan.teams.filter(name=name).exists():
        raise ValidationError(
            _("Kế hoạch đã có đoàn “%(name)s”."),
            code="duplicate_team",
            params={"name": name},
        )
    team = InspectionTeam.objects.create(plan=plan, name=name, leader=leader)
    team.members.set([m for m in members if m.pk != leader.pk])
    record(
        actor=actor,
        action="steering.team_added",
        obj=team,
        unit=unit,
        payload={"plan": plan.pk, "leader": leader.pk, "members": sorted(m.pk for m in members)},
    )
    return team


@transaction.atomic
def schedule_visit(
    *, actor, plan: InspectionPlan, team: InspectionTeam, unit: Unit, planned_on: dt.date
) -> Visit:
    committee = plan.committee
    require(actor, "steering.manage", committee.unit)
    _inside(committee, unit)
    if team.plan_id != plan.pk:
        raise ValidationError(_("Đoàn không thuộc kế hoạch này."), code="bad_team")
    if planned_on is None or not plan.starts_on <= planned_on <= plan.ends_on:
        raise ValidationError(
            _("Ngày kiểm tra phải trong thời gian của kế hoạch (%(start)s – %(end)s)."),
            code="outside_plan",
            params={"start": f"{plan.starts_on:%d/%m/%Y}", "end": f"{plan.ends_on:%d/%m/%Y}"},
        )
    if plan.visits.filter(unit=unit).exists():
        raise ValidationError(
            _("%(unit)s đã có trong kế hoạch."),
            code="duplicate_visit",
            params={"unit": unit.name},
        )
    visit = Visit.objects.create(plan=plan, team=team, unit=unit, planned_on=planned_on)
    record(
        actor=actor,
        action="steering.visit_scheduled",
        obj=visit,
        unit=unit,
        payload={"plan": plan.pk, "team": team.pk, "planned_on": planned_on},
    )
    return visit


@transaction.atomic
def record_visit(
    *,
    actor,
    visit: Visit,
    visited_on: dt.date,
    results: dict[int, tuple[str, str]],
    summary: str = "",
) -> Visit:
    """The visit done: one result per checklist item (the checklist is data)."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    require(actor, "steering.manage", visit.plan.committee.unit)
    _not_future(visited_on, _("ngày kiểm tra"))
    items = {i.pk: i for i in ChecklistItem.objects.filter(checklist=visit.plan.checklist_id)}
    unknown = [k for k in results if k not in items]
    if unknown:
        raise ValidationError(
            _("Tiêu chí không thuộc bộ tiêu chí của kế hoạch."),
            code="bad_item",
        )
    missing = [i.number for i in items.values() if i.pk not in results]
    if missing:
        raise ValidationError(
            _("Chưa đánh giá các tiêu chí %(items)s."),
            code="items_missing",
            params={"items": ", ".join(str(n) for n in sorted(missing))},
        )
    for outcome, _note in results.values():
        if outcome not in ChecklistResult.Outcome.values:
            raise ValidationError(_("Kết quả đánh giá không hợp lệ."), code="bad_outcome")
    visit.results.all().delete()
    ChecklistResult.objects.bulk_create(
        ChecklistResult(visit=visit, item=items[k], outcome=o, note=(n or "")[:400])
        for k, (o, n) in results.items()
    )
    visit.visited_on = visited_on
    visit.summary = (summary or "").strip()[:TEXT_LIMIT]
    visit.save(update_fields=["visited_on", "summary"])
    record(
        actor=actor,
        action="steering.visit_recorded",
        obj=visit,
        unit=visit.unit,
        payload={
            "visited_on": visited_on,
            "results": {items[k].number: o for k, (o, _n) in results.items()},
        },
    )
    return visit


@transaction.atomic
def add_finding(
    *, actor, visit: Visit, text: str, severity: str, item: ChecklistItem | None = None
) -> Finding:
    visit = Visit.objects.select_related("plan__committee__unit", "unit").get(pk=visit.pk)
    require(actor, "steering.manage", visit.plan.committee.unit)
    if not visit.is_done:
        raise ValidationError(
            _("Chỉ ghi phát hiện sau buổi kiểm tra."),
            code="visit_not_done",
        )
    if severity not in Severity.values:
        raise ValidationError(_("Mức độ không hợp lệ."), code="bad_severity")
    if item is not None and item.checklist_id != visit.plan.checklist_id:
        raise ValidationError(
            _("Tiêu chí không thuộc bộ tiêu chí của kế hoạch."),
            code="bad_item",
        )
    finding = Finding.objects.create(
        visit=visit,
        item=item,
        text=_text(text, _("nội dung phát hiện"), "text"),
        severity=severity,
        recorded_on=visit.visited_on,
    )
    record(
        actor=actor,
        action="steering.finding_added",
        obj=finding,
        unit=visit.unit,
        payload={"severity": severity, "text": finding.text},
    )
    return finding


@transaction.atomic
def add_recommendation(
    *, actor, finding: Finding, text: str, working_days: int | None, issued_on=None
) -> Recommendation:
    """A recommendation with a due date on the working-day calendar."""
    visit = finding.visit
    require(actor, "steering.manage", visit.plan.committee.unit)
    text = _text(text, _("nội dung kiến nghị"), "text")
    if working_days is None:
        raise ValidationError(
            _("Kiến nghị phải có thời hạn (số ngày làm việc)."),
            code="due_required",
        )
    limit = max_working_days()
    if not isinstance(working_days, int) or not 1 <= working_days <= limit:
        raise ValidationError(
            _("Thời hạn phải từ 1 đến %(max)d ngày làm việc."),
            code="bad_working_days",
            params={"max": limit},
        )
    issued_on = _not_future(issued_on or timezone.localdate(), _("ngày kiến nghị"))
    if issued_on < finding.recorded_on:
        raise ValidationError(
            _("Ngày kiến nghị không được trước ngày kiểm tra."),
            code="issued_before_visit",
        )
    recommendation = Recommendation.objects.create(
        finding=finding,
        text=text,
        issued_on=issued_on,
        working_days=working_days,
        due_on=add_working_days(issued_on, working_days),
    )
    if finding.resolved_on:
        finding.resolved_on = None
        finding.save(update_fields=["resolved_on"])
    record(
        actor=actor,
        action="steering.recommendation_issued",
        obj=recommendation,
        unit=visit.unit,
        payload={"text": text, "due_on": recommendation.due_on, "working_days": working_days},
    )
    return recommendation


@transaction.atomic
def respond(*, actor, recommendation: Recommendation, text: str, responded_on=None) -> Response:
    """The inspected unit answers (its chair, officers, or the village head)."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    unit = recommendation.finding.visit.unit
    require(actor, "steering.respond", unit)
    if recommendation.status == Recommendation.Status.CLOSED:
        raise ValidationError(_("Kiến nghị đã hoàn thành."), code="closed")
    responded_on = _not_future(responded_on or timezone.localdate(), _("ngày trả lời"))
    if responded_on < recommendation.issued_on:
        raise ValidationError(
            _("Ngày trả lời không được trước ngày kiến nghị."),
            code="answered_before_issued",
        )
    response = Response.objects.create(
        recommendation=recommendation,
        text=_text(text, _("nội dung trả lời"), "text"),
        responded_on=responded_on,
        responded_by=_user(actor),
    )
    recommendation.status = Recommendation.Status.ANSWERED
    recommendation.save(update_fields=["status"])
    record(
        actor=actor,
        action="steering.recommendation_answered",
        obj=recommendation,
        unit=unit,
        payload={
            "text": response.text,
            "on": responded_on,
            "late": responded_on > recommendation.due_on,
        },
    )
    return response


@transaction.atomic
def close_recommendation(*, actor, recommendation: Recommendation, closed_on=None):
    """The committee accepts the unit's answer; the finding is resolved with its last one."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    finding = recommendation.finding
    require(actor, "steering.manage", finding.visit.plan.committee.unit)
    if recommendation.status != Recommendation.Status.ANSWERED:
        raise ValidationError(
            _("Chỉ kết thúc kiến nghị đơn vị đã trả lời."),
            code="not_answered",
        )
    closed_on = _not_future(closed_on or timezone.localdate(), _("ngày kết thúc"))
    recommendation.status = Recommendation.Status.CLOSED
    recommendation.closed_on = closed_on
    recommendation.save(update_fields=["status", "closed_on"])
    if not finding.recommendations.exclude(status=Recommendation.Status.CLOSED).exists():
        finding.resolved_on = closed_on
        finding.save(update_fields=["resolved_on"])
    record(
        actor=actor,
        action="steering.recommendation_closed",
        obj=recommendation,
        unit=finding.visit.unit,
        payload={"on": closed_on, "finding_resolved": bool(finding.resolved_on)},
    )
    return recommendation


@transaction.atomic
def resolve_finding(*, actor, finding: Finding, resolved_on=None) -> Finding:
    """A finding without recommendations, put right on the spot."""
    require(actor, "steering.manage", finding.visit.plan.committee.unit)
    if finding.recommendations.exclude(status=Recommendation.Status.CLOSED).exists():
        raise ValidationError(
            _("Còn kiến nghị chưa hoàn thành."),
            code="open_recommendations",
        )
    finding.resolved_on = _not_future(resolved_on or timezone.localdate(), _("ngày khắc phục"))
    finding.save(update_fields=["resolved_on"])
    record(
        actor=actor,
        action="steering.finding_resolved",
        obj=finding,
        unit=finding.visit.unit,
        payload={"on": finding.resolved_on},
    )
    return finding


def visible_findings(user, unit: Unit):
    """Findings on visits to the unit's subtree: the committee's, or the inspected unit's own."""
    return (
        Finding.objects.filter(visit__unit__path__startswith=unit.path)
        .select_related("visit__unit", "visit__team", "visit__plan__committee__unit", "item")
        .prefetch_related("recommendations__responses")
        .order_by("resolved_on", "-recorded_on", "pk")
    )


def open_recommendations(unit: Unit):
    return (
        Recommendation.objects.filter(
            finding__visit__unit__path__startswith=unit.path,
        )
        .exclude(status=Recommendation.Status.CLOSED)
        .select_related("finding__visit__unit")
        .order_by("due_on", "pk")
    )


# --- escalation of overdue recommendations ------------------------------------------------------


def _chair_recipients(unit: Unit) -> list:
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    roles = [Role.COMMUNE_CHAIR]
    if unit.kind == Unit.Kind.VILLAGE:
        roles.append(Role.VILLAGE_HEAD)
    grants = RoleGrant.objects.active().filter(role__in=roles, unit_id__in=ids)
    return [g.user for g in grants.select_related("user") if g.user.email]


def sweep_recommendations(today: dt.date | None = None) -> int:
    """Escalate open recommendations past due: level 1 the inspected unit's chair (the day
    after the due date), level 2 the committee (STEERING_ESCALATE_COMMITTEE_AFTER working
    days late). Running it twice the same day changes nothing."""
    today = today or timezone.localdate()
    escalated = 0
    with transaction.atomic():
        rows = list(
            Recommendation.objects.select_for_update(of=("self",))
            .filter(status=Recommendation.Status.OPEN, escalation_level__lt=2, due_on__lt=today)
            .select_related("finding__visit__unit", "finding__visit__plan__committee__unit")
            .order_by("due_on", "pk")
        )
        for recommendation in rows:
            late = working_days_between(recommendation.due_on, today)
            level = 2 if late >= escalate_committee_after() else 1
            for step in range(recommendation.escalation_level + 1, level + 1):
                _escalate(recommendation, step, late, today)
                escalated += 1
            if level > recommendation.escalation_level:
                recommendation.escalation_level = level
                recommendation.save(update_fields=["escalation_level"])
    return escalated


def _escalate(recommendation: Recommendation, level: int, late: int, today: dt.date) -> None:
    visit = recommendation.finding.visit
    committee = visit.plan.committee
    recipients = _chair_recipients(visit.unit) if level == 1 else committee_recipients(committee)
    Escalation.objects.create(
        recommendation=recommendation,
        level=level,
        on=today,
        working_days_late=max(0, late),
        recipients=[u.pk for u in recipients],
    )
    record(
        actor=permissions.SYSTEM,
        action="steering.recommendation_escalated",
        obj=recommendation,
        unit=visit.unit,
        payload={
            "level": level,
            "working_days_late": late,
            "recipients": [u.pk for u in recipients],
        },
    )
    who = _("Chủ tịch UBND") if level == 1 else committee.name
    for user in recipients:
        queue_message(
            channel=Message.Channel.EMAIL,
            recipient=user.email,
            subject=_("Kiến nghị sau kiểm tra quá hạn tại %(unit)s — báo %(who)s")
            % {"unit": visit.unit.name, "who": who},
            body=_("%(text)s\nHạn trả lời: %(due)s (quá %(days)d ngày làm việc).")
            % {
                "text": recommendation.text,
                "due": f"{recommendation.due_on:%d/%m/%Y}",
                "days": late,
            },
            reference=f"steering:recommendation:{recommendation.pk}:level{level}",
        )


# --- hot spots --------------------------------------------------------------------------------------


def _fmt(indicator: ind.Indicator, value) -> str:
    if value is None:
        return str(ind.NOT_RECORDED)
    if indicator.kind == "share":
        return f"{float(value) * 100:.1f}%".replace(".", ",")
    if indicator.kind == "average":
        return f"{float(value):.1f}".replace(".", ",")
    return f"{int(value)}"


def rule_threshold_text(rule: HotSpotRule) -> str:
    indicator = ind.INDICATORS.get(rule.indicator)
    if rule.compare == HotSpotRule.Compare.RISE:
        return f"+{rule.threshold.normalize():f}%"
    if indicator and indicator.kind == "share":
        return f"{float(rule.threshold) * 100:.0f}%"
    return f"{rule.threshold.normalize():f}"


def check_rule_fields(
    *, indicator: str, compare: str, threshold, minimum_base: int, categories, level: str
) -> None:
    """A rule must name a known indicator; a category list only for petitions received."""
    if indicator not in ind.INDICATORS:
        raise ValidationError(
            _("Chỉ số “%(key)s” không tồn tại."),
            code="bad_indicator",
            params={"key": str(indicator)[:60]},
        )
    if compare not in HotSpotRule.Compare.values:
        raise ValidationError(_("Cách so sánh không hợp lệ."), code="bad_compare")
    if level not in HotSpotRule.Level.values:
        raise ValidationError(_("Cấp xét không hợp lệ."), code="bad_level")
    try:
        value = Decimal(str(threshold))
    except Exception:  # noqa: BLE001 - any unparsable number is bad input
        value = None
    if value is None or not value.is_finite() or value < 0 or value > Decimal("999999"):
        raise ValidationError(_("Ngưỡng không hợp lệ."), code="bad_threshold")
    if not isinstance(minimum_base, int) or minimum_base < 0:
        raise ValidationError(_("Số tối thiểu không hợp lệ."), code="bad_minimum")
    if categories and indicator != "petitions_received":
        raise ValidationError(
            _("Chỉ lọc theo lĩnh vực cho chỉ số phản ánh, kiến nghị tiếp nhận."),
            code="categories_not_allowed",
        )
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise ValidationError(_("Danh sách lĩnh vực không hợp lệ."), code="bad_categories")


@transaction.atomic
def update_rule(*, actor, rule: HotSpotRule, unit: Unit, **fields) -> HotSpotRule:
    """Edit a hot-spot rule (rules are shared data: only an administrator's grant reaches
    every unit; a steering member edits through the committee at the top of the tree)."""
    require(actor, "steering.manage", unit)
    if unit.parent_id is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("Chỉ quản trị hệ thống sửa quy tắc điểm nóng."))
    allowed = {"name", "threshold", "minimum_base", "categories", "active", "compare", "basis"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Trường không sửa được."), code="bad_field")
    for key, value in fields.items():
        setattr(rule, key, value)
    check_rule_fields(
        indicator=rule.indicator,
        compare=rule.compare,
        threshold=rule.threshold,
        minimum_base=rule.minimum_base,
        categories=rule.categories,
        level=rule.level,
    )
    rule.threshold = Decimal(str(rule.threshold))
    rule.name = _text(rule.name, _("tên quy tắc"), "name", 200)
    rule.save()
    record(
        actor=actor,
        action="steering.rule_updated",
        obj=rule,
        unit=unit,
        payload={k: str(v) for k, v in fields.items()},
    )
    return rule


def _rule_rows(rule: HotSpotRule, unit: Unit, current: ind.Breakdown) -> list:
    """The (unit, figures) rows a rule judges under `unit`: its communes, or its villages."""
    level_kind = Unit.Kind.COMMUNE if rule.level == "commune" else Unit.Kind.VILLAGE
    if unit.kind == level_kind:
        return [(unit, current.total)]
    return [(u, f) for u, note, f in current.rows if u.kind == level_kind and u.pk != unit.pk]


def evaluate(
    unit: Unit,
    period: Period,
    today: dt.date | None = None,
    current: ind.Breakdown | None = None,
    rules=None,
) -> list[dict]:
    """The hot spots under `unit` for the period: each says which rule and which figures."""
    today = today or timezone.localdate()
    rules = list(rules if rules is not None else HotSpotRule.objects.filter(active=True))
    current = current or ind.breakdown(unit, period, today)
    previous = None
    spots = []
    for rule in rules:
        indicator = ind.INDICATORS.get(rule.indicator)
        if indicator is None or not ind.source_installed(indicator.source):
            continue
        rows = _rule_rows(rule, unit, current)
        if not rows:
            continue
        if rule.categories:
            counts = category_counts(unit, period, rule.categories, today, [u for u, _f in rows])
            pairs = [(u, counts.get(u.pk, (0, 0))) for u, _f in rows]
        elif rule.compare == HotSpotRule.Compare.RISE:
            previous = previous or ind.breakdown(unit, period.previous(), today)
            before = {u.pk: f for u, _n, f in previous.rows} | {unit.pk: previous.total}
            pairs = [
                (
                    u,
                    (
                        f.indicator(indicator),
                        before[u.pk].indicator(indicator) if u.pk in before else None,
                    ),
                )
                for u, f in rows
            ]
        else:
            pairs = [(u, (f.indicator(indicator), f.base(indicator))) for u, f in rows]
        for target, figures in pairs:
            spot = _judge(rule, indicator, target, period, figures)
            if spot:
                spots.append(spot)
    return spots


def _judge(rule, indicator, unit, period, figures) -> dict | None:
    threshold = float(rule.threshold)
    if rule.compare == HotSpotRule.Compare.RISE:
        current, before = figures
        if current is None or current < rule.minimum_base:
            return None
        rise = ((current - (before or 0)) * 100 / before) if before else None
        fired = current > (before or 0) and (rise is None or rise >= threshold)
        data = {"value": current, "previous": before, "rise_percent": rise}
        text = _("%(unit)s: %(label)s %(now)s trong kỳ, kỳ trước %(before)s (ngưỡng %(t)s)")
        params = {"now": current, "before": before or 0}
    else:
        value, base = figures
        if value is None or base is None or base < rule.minimum_base:
            return None
        fired = value >= threshold if rule.compare == "gte" else value <= threshold
        data = {"value": value, "base": base}
        text = _("%(unit)s: %(label)s %(now)s (trên %(base)s) — ngưỡng %(t)s")
        params = {"now": _fmt(indicator, value), "base": base}
    if not fired:
        return None
    label = rule.name if rule.categories else indicator.label
    data |= {
        "indicator": indicator.key,
        "threshold": str(rule.threshold),
        "compare": rule.compare,
        "categories": rule.categories,
    }
    message = text % (
        {"unit": unit.name, "label": str(label).lower(), "t": rule_threshold_text(rule)} | params
    )
    return {
        "rule": rule,
        "unit": unit,
        "period": period.code,
        "figures": data,
        "message": message[:400],
        # The records behind the figure (the dashboard links to it): the items counted —
        # the late petitions of a late share, not every petition.
        "component": indicator.numerator or indicator.denominator,
    }


def category_counts(unit: Unit, period: Period, codes: list[str], today, targets) -> dict:
    """{target pk: (count this period, count the period before)} for petitions in categories."""
    if not ind.source_installed("petitions"):
        return {}
    from django.db.models import Count, Q

    previous = period.previous()
    scope = ind.Scope.of(unit)
    rows = (
        ind._petitions(previous.start, period.end, today)
        .filter(scope.q("unit__path"), category__code__in=codes)
        .annotate(_group=scope.group_expression("unit__path"))
        .values("_group")
        .annotate(
            now=Count("pk", filter=Q(received_on__gte=period.start)),
            before=Count("pk", filter=Q(received_on__lte=previous.end)),
        )
        .order_by()
    )
    by_group = {r["_group"]: (r["now"], r["before"]) for r in rows}
    result = {}
    for target in targets:
        if target.pk == unit.pk:
            result[target.pk] = (
                sum(v[0] for v in by_group.values()),
                sum(v[1] for v in by_group.values()),
            )
        else:
            result[target.pk] = by_group.get(str(target.pk), (0, 0))
    return result


@transaction.atomic
def record_hot_spots(*, unit: Unit, period: Period, today: dt.date | None = None) -> list:
    """Store the flags raised under `unit`, clear those no longer raised, and tell the
    committee about the new ones. Run by the daily sweep; twice the same day changes nothing."""
    today = today or timezone.localdate()
    spots = evaluate(unit, period, today)
    raised = []
    seen = set()
    for spot in spots:
        flag, created = HotSpotFlag.objects.get_or_create(
            rule=spot["rule"],
            unit=spot["unit"],
            period=period.code,
            defaults={
                "scope": unit,
                "figures": spot["figures"],
                "message": spot["message"],
                "raised_on": today,
            },
        )
        seen.add(flag.pk)
        if not created:
            flag.figures, flag.message, flag.cleared_on = spot["figures"], spot["message"], None
            flag.save(update_fields=["figures", "message", "cleared_on"])
            continue
        raised.append(flag)
        record(
            actor=permissions.SYSTEM,
            action="steering.hot_spot_raised",
            obj=flag,
            unit=flag.unit,
            payload={"rule": flag.rule.code, "figures": flag.figures},
        )
    stale = HotSpotFlag.objects.filter(scope=unit, period=period.code, cleared_on__isnull=True)
    for flag in stale.exclude(pk__in=seen):
        flag.cleared_on = today
        flag.save(update_fields=["cleared_on"])
        record(
            actor=permissions.SYSTEM,
            action="steering.hot_spot_cleared",
            obj=flag,
            unit=flag.unit,
            payload={"rule": flag.rule.code},
        )
    if raised:
        _notify_hot_spots(unit, period, raised)
    return raised


# A message lists this many new hot spots and links the page with all of them: a province's
# first sweep can raise hundreds.
HOT_SPOTS_IN_MESSAGE = 20


def _notify_hot_spots(unit: Unit, period: Period, flags: list[HotSpotFlag]) -> None:
    committee = committee_of(unit)
    if committee is None:
        return
    listed = flags[:HOT_SPOTS_IN_MESSAGE]
    lines = [f"• {f.message} [{f.rule.name}]" for f in listed]
    if len(flags) > len(listed):
        lines.append(_("… và %(n)d điểm nóng khác.") % {"n": len(flags) - len(listed)})
    page = reverse("steering:hot_spots", args=[unit.code])
    lines.append(
        _("Xem tất cả: %(url)s") % {"url": f"{settings.SITE_URL}{page}?period={period.code}"}
    )
    body = "\n".join(lines)
    for user in committee_recipients(committee):
        queue_message(
            channel=Message.Channel.EMAIL,
            recipient=user.email,
            subject=_("%(n)d điểm nóng mới tại %(unit)s — %(period)s")
            % {"n": len(flags), "unit": unit.name, "period": period.label},
            body=body,
            reference=f"steering:hot_spots:{unit.code}:{period.code}",
        )


def sweep(today: dt.date | None = None) -> dict:
    """The daily run: overdue recommendations, then hot spots under every committee."""
    from danchu.steering.periods import current_half

    today = today or timezone.localdate()
    escalated = sweep_recommendations(today)
    period = current_half(today)
    flags = 0
    for committee in Committee.objects.select_related("unit"):
        flags += len(record_hot_spots(unit=committee.unit, period=period, today=today))
    return {"escalated": escalated, "hot_spots": flags}
