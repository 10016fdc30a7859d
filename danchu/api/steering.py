"""Ban Chỉ đạo over the API: indicators (the same definitions as the dashboard and the
reports), the records behind a figure, hot spots, inspections and report builds.

Every read checks `steering.view` on the unit (a member's committee covers its subtree); an
inspected unit answers a recommendation with `steering.respond`. Writes go through
steering.services / steering.reports, which check the role, validate and audit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import AfterValidator

from danchu.api.auth import BearerToken
from danchu.core.errors import ValidationError
from danchu.steering import indicators as ind
from danchu.steering import reports, services
from danchu.steering.models import (
    Checklist,
    ChecklistItem,
    Committee,
    CommitteeMember,
    Finding,
    HotSpotRule,
    InspectionPlan,
    InspectionTeam,
    Recommendation,
    ReportJob,
    Visit,
)
from danchu.steering.periods import Period, current_half, parse_period
from danchu.units.models import Unit
from danchu.units.services import get_unit

router = Router(tags=["steering"])
RECORDS_LIMIT = 1000


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("ký tự NUL không hợp lệ / NUL character not allowed")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


def _unit(code: str) -> Unit:
    if "\x00" in code:
        raise Http404(_("Không tìm thấy đơn vị."))
    try:
        return get_unit(code)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from None


def _period(text: str | None) -> Period:
    return parse_period(text) if text else current_half(timezone.localdate())


def _viewable(request, code: str) -> Unit:
    unit = _unit(code)
    services.require(request.auth, "steering.view", unit)
    return unit


# --- indicators ------------------------------------------------------------------------------


class IndicatorDefinitionOut(Schema):
    key: str
    engine: str
    label: str
    definition: str
    kind: str = Field(..., description="count, share (0–1) or average")
    numerator: str
    denominator: str | None
    higher_is_better: bool | None


class FiguresOut(Schema):
    indicators: dict[str, float | int | None] = Field(
        ..., description="indicator key -> value; null = not yet recorded or no base"
    )
    components: dict[str, float | int | None]


class ChildOut(Schema):
    code: str
    name: str
    note: str
    figures: FiguresOut


class IndicatorsOut(Schema):
    unit: str
    unit_name: str
    period: str
    period_label: str
    start: dt.date
    end: dt.date
    previous_period: str
    total: FiguresOut
    previous: FiguresOut
    children: list[ChildOut]
    not_yet_recorded: list[str] = Field(..., description="engines with no records in danchu")


def _figures(figures: ind.Figures) -> dict:
    return {
        "indicators": {k: figures.indicator(i) for k, i in ind.INDICATORS.items()},
        "components": figures.values,
    }


def _not_recorded(missing: set[str]) -> list[str]:
    engines = {ind.SOURCES[k].engine for k in missing}
    engines |= {k for k, (app, _l) in ind.PENDING_ENGINES.items() if not _installed(app)}
    return sorted(engines)


def _installed(app: str) -> bool:
    from django.apps import apps

    return apps.is_installed(app)


@router.get(
    "/steering/indicators",
    response=list[IndicatorDefinitionOut],
    auth=BearerToken(),
    summary="Every indicator's definition (the same as on the dashboard and in the reports)",
)
def list_indicator_definitions(request):
    return [
        {
            "key": i.key,
            "engine": i.engine,
            "label": str(i.label),
            "definition": str(i.definition),
            "kind": i.kind,
            "numerator": i.numerator,
            "denominator": i.denominator,
            "higher_is_better": i.higher_is_better,
        }
        for i in ind.INDICATORS.values()
    ]


@router.get(
    "/steering/units/{code}/indicators",
    response=IndicatorsOut,
    auth=BearerToken(),
    summary="A unit's indicators for a period (2026-05, 2026Q2, 2026H1, 2026), by child unit",
)
def unit_indicators(request, code: str, period: str | None = None):
    unit = _viewable(request, code)
    parsed = _period(period)
    today = timezone.localdate()
    current = ind.breakdown(unit, parsed, today)
    previous = ind.figures(unit, parsed.previous(), today)
    return {
        "unit": unit.code,
        "unit_name": unit.name,
        "period": parsed.code,
        "period_label": parsed.label,
        "start": parsed.start,
        "end": parsed.end,
        "previous_period": parsed.previous().code,
        "total": _figures(current.total),
        "previous": _figures(previous),
        "children": [
            {"code": u.code, "name": u.name, "note": note, "figures": _figures(f)}
            for u, note, f in current.rows
        ],
        "not_yet_recorded": _not_recorded(current.missing_sources),
    }


class RecordOut(Schema):
    id: int
    text: str
    url: str


class RecordsOut(Schema):
    component: str
    period: str
    count: int
    records: list[RecordOut]


@router.get(
    "/steering/units/{code}/records/{component}",
    response=RecordsOut,
    auth=BearerToken(),
    summary="The records behind one figure (a component of an indicator)",
)
def component_records(
    request, code: str, component: str, period: str | None = None, child: str | None = None
):
    unit = _viewable(request, code)
    parsed = _period(period)
    source = next((s for s in ind.SOURCES.values() if component in ind._component_names(s)), None)
    if source is None:
        raise Http404(_("Không có chỉ số này."))
    child_unit = None
    if child:
        child_unit = _unit(child)
        if not unit.contains(child_unit):
            raise Http404(_("Không tìm thấy đơn vị."))
    rows = ind.records(unit, parsed, component, timezone.localdate(), child=child_unit)
    return {
        "component": component,
        "period": parsed.code,
        "count": len(rows),
        "records": [
            {"id": r.pk, "text": source.describe(r), "url": source.link(r) if source.link else ""}
            for r in rows[:RECORDS_LIMIT]
        ],
    }


# --- hot spots -------------------------------------------------------------------------------------


class HotSpotOut(Schema):
    unit: str
    unit_name: str
    rule: str
    rule_name: str
    message: str
    figures: dict
    component: str


class RuleOut(Schema):
    code: str
    name: str
    indicator: str
    compare: str
    threshold: Decimal
    minimum_base: int
    categories: list[str]
    level: str
    active: bool
    basis: str


class RulePatch(Schema):
    name: Text | None = None
    threshold: Decimal | None = Field(None, ge=0, le=999999)
    minimum_base: int | None = Field(None, ge=0, le=1_000_000)
    categories: list[Text] | None = None
    active: bool | None = None
    basis: Text | None = Field(None, max_length=300)


@router.get(
    "/steering/units/{code}/hot-spots",
    response=list[HotSpotOut],
    auth=BearerToken(),
    summary="Units under this one flagged by a hot-spot rule, with the figures that raised it",
)
def unit_hot_spots(request, code: str, period: str | None = None):
    unit = _viewable(request, code)
    spots = services.evaluate(unit, _period(period), timezone.localdate())
    return [
        {
            "unit": s["unit"].code,
            "unit_name": s["unit"].name,
            "rule": s["rule"].code,
            "rule_name": s["rule"].name,
            "message": s["message"],
            "figures": s["figures"],
            "component": s["component"],
        }
        for s in spots
    ]


@router.get(
    "/steering/hot-spot-rules",
    response=list[RuleOut],
    auth=BearerToken(),
    summary="The hot-spot rules (data)",
)
def list_rules(request):
    services.require(request.auth, "steering.view", _top(request))
    return HotSpotRule.objects.all()


def _top(request) -> Unit:
    return Unit.objects.filter(parent__isnull=True).order_by("pk").first() or Unit()


@router.patch(
    "/steering/hot-spot-rules/{rule_code}",
    response=RuleOut,
    auth=BearerToken(),
    summary="Edit a hot-spot rule (administrators)",
)
def update_rule(request, rule_code: str, payload: RulePatch):
    rule = get_object_or_404(HotSpotRule, code=rule_code[:60])
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.update_rule(actor=request.auth, rule=rule, unit=_top(request), **fields)


# --- inspections -----------------------------------------------------------------------------------


class ResponseOut(Schema):
    text: str
    responded_on: dt.date


class RecommendationOut(Schema):
    id: int
    text: str
    issued_on: dt.date
    working_days: int
    due_on: dt.date
    status: str
    overdue: bool
    escalation_level: int
    responses: list[ResponseOut]

    @staticmethod
    def resolve_overdue(obj: Recommendation) -> bool:
        return obj.status == "open" and obj.due_on < timezone.localdate()


class FindingOut(Schema):
    id: int
    unit: str = Field(..., alias="visit.unit.code")
    unit_name: str = Field(..., alias="visit.unit.name")
    visit: int = Field(..., alias="visit_id")
    text: str
    severity: str
    recorded_on: dt.date
    resolved_on: dt.date | None
    recommendations: list[RecommendationOut]


class VisitOut(Schema):
    id: int
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    team: str = Field(..., alias="team.name")
    planned_on: dt.date
    visited_on: dt.date | None


class PlanOut(Schema):
    id: int
    title: str
    period: str
    starts_on: dt.date
    ends_on: dt.date
    checklist: str = Field(..., alias="checklist.name")
    teams: list[str]
    visits: list[VisitOut]

    @staticmethod
    def resolve_teams(obj: InspectionPlan) -> list[str]:
        return [t.name for t in obj.teams.all()]


class InspectionsOut(Schema):
    committee: str | None
    plans: list[PlanOut]
    findings: list[FindingOut]


@router.get(
    "/steering/units/{code}/inspections",
    response=InspectionsOut,
    auth=BearerToken(),
    summary="The committee's inspection plans, and the findings on visits to this unit's subtree",
)
def unit_inspections(request, code: str):
    unit = _unit(code)
    try:
        services.require(request.auth, "steering.view", unit)
    except PermissionDenied:  # an inspected unit reads only its own findings
        services.require(request.auth, "steering.respond", unit)
        plans = []
    else:
        committee = services.committee_of(unit)
        plans = (
            InspectionPlan.objects.filter(committee=committee)
            .select_related("checklist")
            .prefetch_related("teams", "visits__unit", "visits__team")
            if committee
            else []
        )
    committee = services.committee_of(unit)
    return {
        "committee": committee.name if committee else None,
        "plans": list(plans),
        "findings": list(services.visible_findings(request.auth, unit)[:500]),
    }


# --- setting up: the committee, plans, teams, visits, findings -------------------------------------


class MemberOut(Schema):
    id: int
    user: str = Field(..., alias="user.username")
    name: str = Field(..., alias="user.full_name")
    position: str
    title: str
    since: dt.date | None


class CommitteeOut(Schema):
    id: int
    unit: str = Field(..., alias="unit.code")
    name: str
    decision_ref: str
    established_on: dt.date | None
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj: Committee) -> list[CommitteeMember]:
        return list(obj.members.filter(left_on__isnull=True).select_related("user"))


class CommitteeIn(Schema):
    name: Text = Field(..., max_length=300)
    decision_ref: Text = Field("", max_length=120, description="the founding decision's number")
    established_on: dt.date | None = None


class MemberIn(Schema):
    user: Text = Field(..., max_length=150, description="user name; holds steering_member here")
    position: Text = Field(..., max_length=8, description="head, deputy or member")
    title: Text = Field("", max_length=200, description="the member's main office")
    since: dt.date | None = None


class PlanIn(Schema):
    title: Text = Field(..., max_length=300)
    period: Text = Field(..., max_length=10, description="2026-05, 2026Q2, 2026H1 or 2026")
    starts_on: dt.date
    ends_on: dt.date
    checklist: int | None = Field(None, description="checklist id; null: the default one")


class TeamOut(Schema):
    id: int
    plan: int = Field(..., alias="plan_id")
    name: str
    leader: str = Field(..., alias="leader.username")
    members: list[str]

    @staticmethod
    def resolve_members(obj: InspectionTeam) -> list[str]:
        return sorted(m.username for m in obj.members.all())


class TeamIn(Schema):
    name: Text = Field(..., max_length=120)
    leader: Text = Field(..., max_length=150, description="user name")
    members: list[Text] = Field([], max_length=50, description="user names")


class VisitIn(Schema):
    team: int = Field(..., description="id of a team of the plan")
    unit: Text = Field(..., max_length=32, description="code of a unit in the committee's area")
    planned_on: dt.date


class FindingIn(Schema):
    text: Text = Field(..., max_length=4000)
    severity: Text = Field(..., max_length=8, description="low, medium or high")
    item: int | None = Field(None, description="number of the checklist item it concerns")


def _user_named(username: str):
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError(
            _("Không có người dùng %(name)s."),
            code="unknown_user",
            params={"name": username[:150]},
        )
    return user


def _own_committee(unit: Unit) -> Committee:
    committee = Committee.objects.filter(unit=unit).select_related("unit").first()
    if committee is None:
        raise Http404(_("%(unit)s chưa có Ban Chỉ đạo.") % {"unit": unit.name})
    return committee


def _plan_to_manage(request, plan_id: int) -> InspectionPlan:
    plan = get_object_or_404(InspectionPlan.objects.select_related("committee__unit"), pk=plan_id)
    services.require(request.auth, "steering.manage", plan.committee.unit)
    return plan


def _checklist(pk: int | None) -> Checklist:
    rows = Checklist.objects.filter(active=True)
    checklist = rows.filter(pk=pk).first() if pk is not None else rows.first()
    if checklist is None:
        raise ValidationError(_("Không có bộ tiêu chí này."), code="unknown_checklist")
    return checklist


@router.post(
    "/steering/units/{code}/committee",
    response={201: CommitteeOut},
    auth=BearerToken(),
    summary="Set up the unit's steering committee (a province or a commune; commune chair)",
)
def create_committee(request, code: str, payload: CommitteeIn):
    unit = _unit(code)
    services.require(request.auth, "steering.organise", unit)
    return Status(201, services.create_committee(actor=request.auth, unit=unit, **payload.dict()))


@router.post(
    "/steering/units/{code}/committee/members",
    response={201: MemberOut},
    auth=BearerToken(),
    summary="Seat a head, deputy or member: a user with the steering_member role (chair)",
)
def add_committee_member(request, code: str, payload: MemberIn):
    unit = _unit(code)
    services.require(request.auth, "steering.organise", unit)
    committee = _own_committee(unit)
    data = payload.dict()
    data["user"] = _user_named(data["user"])
    return Status(201, services.add_member(actor=request.auth, committee=committee, **data))


@router.post(
    "/steering/units/{code}/plans",
    response={201: PlanOut},
    auth=BearerToken(),
    summary="Create an inspection plan of the unit's committee: period, dates and checklist",
)
def create_plan(request, code: str, payload: PlanIn):
    unit = _unit(code)
    services.require(request.auth, "steering.manage", unit)
    committee = _own_committee(unit)
    data = payload.dict()
    data["checklist"] = _checklist(data["checklist"])
    return Status(201, services.create_plan(actor=request.auth, committee=committee, **data))


@router.post(
    "/steering/plans/{plan_id}/teams",
    response={201: TeamOut},
    auth=BearerToken(),
    summary="Add an inspection team: a leader and members with the steering_member role",
)
def create_team(request, plan_id: int, payload: TeamIn):
    plan = _plan_to_manage(request, plan_id)
    team = services.add_team(
        actor=request.auth,
        plan=plan,
        name=payload.name,
        leader=_user_named(payload.leader),
        members=[_user_named(name) for name in payload.members],
    )
    return Status(201, team)


@router.post(
    "/steering/plans/{plan_id}/visits",
    response={201: VisitOut},
    auth=BearerToken(),
    summary="Schedule a team's visit to a unit in the committee's area, within the plan's dates",
)
def create_visit(request, plan_id: int, payload: VisitIn):
    plan = _plan_to_manage(request, plan_id)
    team = InspectionTeam.objects.filter(pk=payload.team, plan=plan).first()
    if team is None:
        raise ValidationError(_("Đoàn không thuộc kế hoạch này."), code="bad_team")
    try:
        unit = get_unit(payload.unit)
    except ValidationError:
        raise ValidationError(
            _("Không tìm thấy đơn vị có mã %(code)s."),
            code="unknown_unit",
            params={"code": payload.unit},
        ) from None
    visit = services.schedule_visit(
        actor=request.auth, plan=plan, team=team, unit=unit, planned_on=payload.planned_on
    )
    return Status(201, visit)


@router.post(
    "/steering/visits/{visit_id}/findings",
    response={201: FindingOut},
    auth=BearerToken(),
    summary="Record a finding of a visit already done, with its severity",
)
def create_finding(request, visit_id: int, payload: FindingIn):
    visit = get_object_or_404(
        Visit.objects.select_related("plan__committee__unit", "unit"), pk=visit_id
    )
    services.require(request.auth, "steering.manage", visit.plan.committee.unit)
    item = None
    if payload.item is not None:
        item = ChecklistItem.objects.filter(
            checklist=visit.plan.checklist_id, number=payload.item
        ).first()
        if item is None:
            raise ValidationError(
                _("Tiêu chí không thuộc bộ tiêu chí của kế hoạch."),
                code="bad_item",
            )
    finding = services.add_finding(
        actor=request.auth, visit=visit, text=payload.text, severity=payload.severity, item=item
    )
    return Status(201, finding)


class RecommendationIn(Schema):
    text: Text = Field(..., max_length=4000)
    working_days: int | None = Field(None, description="due in this many working days")
    issued_on: dt.date | None = None


class ResponseIn(Schema):
    text: Text = Field(..., max_length=4000)
    responded_on: dt.date | None = None


@router.post(
    "/steering/findings/{finding_id}/recommendations",
    response={201: RecommendationOut},
    auth=BearerToken(),
    summary="Recommend a step to the inspected unit, due in working days",
)
def create_recommendation(request, finding_id: int, payload: RecommendationIn):
    finding = get_object_or_404(
        Finding.objects.select_related("visit__plan__committee__unit"), pk=finding_id
    )
    services.require(request.auth, "steering.manage", finding.visit.plan.committee.unit)
    return Status(
        201, services.add_recommendation(actor=request.auth, finding=finding, **payload.dict())
    )


@router.post(
    "/steering/recommendations/{rec_id}/responses",
    response={201: RecommendationOut},
    auth=BearerToken(),
    summary="The inspected unit answers a recommendation",
)
def create_response(request, rec_id: int, payload: ResponseIn):
    rec = get_object_or_404(
        Recommendation.objects.select_related("finding__visit__unit"), pk=rec_id
    )
    services.require(request.auth, "steering.respond", rec.finding.visit.unit)
    services.respond(actor=request.auth, recommendation=rec, **payload.dict())
    rec.refresh_from_db()
    return Status(201, rec)


# --- reports ----------------------------------------------------------------------------------------


class ReportIn(Schema):
    period: Text = Field(..., max_length=20)


class ReportOut(Schema):
    id: int
    unit: str = Field(..., alias="unit.code")
    period: str
    status: str
    progress: int
    step: str
    pdf_url: str | None
    xlsx_url: str | None

    @staticmethod
    def resolve_pdf_url(obj: ReportJob) -> str | None:
        return _file_url(obj, "pdf")

    @staticmethod
    def resolve_xlsx_url(obj: ReportJob) -> str | None:
        return _file_url(obj, "xlsx")


def _file_url(job: ReportJob, kind: str) -> str | None:
    if job.status != ReportJob.Status.DONE:
        return None
    return reverse("steering:report_file", args=[job.unit.code, job.pk, kind])


@router.post(
    "/steering/units/{code}/reports",
    response={202: ReportOut},
    auth=BearerToken(),
    summary="Build the review (PDF and XLSX) in the background; follow it with GET",
)
def create_report(request, code: str, payload: ReportIn):
    unit = _viewable(request, code)
    job = reports.request_report(actor=request.auth, unit=unit, period=payload.period)
    job.refresh_from_db()
    return Status(202, job)


@router.get(
    "/steering/reports/{job_id}",
    response=ReportOut,
    auth=BearerToken(),
    summary="A report build: its progress, then the links to its files",
)
def get_report(request, job_id: int):
    job = get_object_or_404(ReportJob.objects.select_related("unit"), pk=job_id)
    try:
        services.require(request.auth, "steering.view", job.unit)
    except PermissionDenied:  # the same 404 for "not yours" and "no such report"
        raise Http404(_("Không tìm thấy báo cáo.")) from None
    return job
