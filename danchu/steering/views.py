"""Ban Chỉ đạo on the web: the member's dashboard, figures traced to records, inspections,
the inspected unit's own findings, and report builds with their progress."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from danchu.accounts import permissions
from danchu.core.errors import ValidationError, first_message
from danchu.core.views import perform, submit_form
from danchu.steering import indicators as ind
from danchu.steering import reports, services
from danchu.steering.forms import CommitteeForm, MemberForm, PlanForm, TeamForm, VisitForm
from danchu.steering.models import (
    ChecklistResult,
    Committee,
    Finding,
    InspectionPlan,
    Recommendation,
    ReportJob,
    Severity,
    Visit,
)
from danchu.steering.periods import Period, current_half, parse_period
from danchu.units.models import Unit
from danchu.units.services import get_unit

TRACE_LIMIT = 500
# Records whose page is for the officers who handle them, not for the committee: a petition's
# page shows who filed it (Luật Tiếp công dân; ADR 0008), so the committee reads its line
# here and follows no link unless it also handles petitions there.
LINK_PERMISSIONS = {"petitions": ("petitions.manage", lambda petition: petition.commune)}


def _unit_or_404(code: str) -> Unit:
    try:
        return get_unit(code)
    except ValidationError:
        raise Http404 from None


def _period(request: HttpRequest) -> tuple[Period, str]:
    """The period asked for, or the current half-year with the reason it was not parsed."""
    raw = request.GET.get("period", "")
    if not raw:
        return current_half(timezone.localdate()), ""
    try:
        return parse_period(raw), ""
    except ValidationError as exc:
        return current_half(timezone.localdate()), first_message(exc)


def _require_view(request, unit: Unit) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Cần đăng nhập."))
    services.require(request.user, "steering.view", unit)


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    _require_view(request, unit)
    period, period_error = _period(request)
    today = timezone.localdate()
    trend_periods = period.back(reports.TREND_PERIODS)
    current, trend = ind.breakdown_and_trend(unit, period, trend_periods, today)
    committee = services.committee_of(unit)
    plans = []
    if committee is not None:
        plans = list(
            InspectionPlan.objects.filter(committee=committee)
            .select_related("checklist")
            .prefetch_related("teams", "visits__unit", "visits__team")[:5]
        )
    sections = []
    for section in reports.sections():
        lines = []
        for indicator in section.indicators:
            series = [f.indicator(indicator) for f in trend]
            lines.append(
                {
                    "indicator": indicator,
                    "value": reports.format_value(indicator, current.total.indicator(indicator)),
                    "trend": [reports.format_value(indicator, v) for v in series],
                    "change": reports.format_change(indicator, series[-1], series[-2]),
                    "component": indicator.denominator or indicator.numerator,
                }
            )
        sections.append({"section": section, "lines": lines})
    hot_spots = _spot_links(unit, period, services.evaluate(unit, period, today, current=current))
    context = {
        "unit": unit,
        "period": period,
        "period_error": period_error,
        "trend_periods": trend_periods,
        "sections": sections,
        "rows": _child_table(current, period),
        # A province can raise hundreds: the page shows the first ones, the list shows all.
        "hot_spots": hot_spots[:HOT_SPOTS_ON_DASHBOARD],
        "hot_spot_count": len(hot_spots),
        "committee": committee,
        "plans": plans,
        "recommendations": list(services.open_recommendations(unit)[:50]),
        "jobs": ReportJob.objects.filter(unit=unit).order_by("-created_at")[:5],
        "can_manage": permissions.can(request.user, "steering.manage", unit),
        "can_organise": permissions.can(request.user, "steering.organise", unit),
        "today": today,
    }
    return render(request, "steering/dashboard.html", context)


CHILD_COLUMNS = (
    "notices_compliance",
    "turnout",
    "recognitions_overdue",
    "opinions_answered_share",
    "petitions_received",
    "petitions_on_time_share",
    "petitions_overdue_share",
    "findings_resolved_share",
)


HOT_SPOTS_ON_DASHBOARD = 20
_CODE = "__code__"


def _per_unit(name: str, *args):
    """A URL maker for many units: one reverse(), then the code put in (a province's page
    links 126 communes; reversing each costs more than the figures behind it)."""
    pattern = reverse(name, args=[_CODE, *args])
    return lambda code: pattern.replace(_CODE, code, 1)


def _spot_links(unit: Unit, period: Period, spots: list[dict]) -> list[dict]:
    records = {}
    for spot in spots:
        component = spot.get("component") or "petitions_received"
        if component not in records:
            records[component] = reverse("steering:records", args=[unit.code, component])
        spot["records_url"] = f"{records[component]}?period={period.code}&child={spot['unit'].code}"
    return spots


def _child_table(current: ind.Breakdown, period: Period) -> dict:
    columns = [ind.INDICATORS[k] for k in CHILD_COLUMNS]
    dashboard_of = _per_unit("steering:dashboard")
    rows, quiet = [], []
    for u, note, f in current.rows:
        values = [f.indicator(i) for i in columns]
        row = {
            "unit": u,
            "url": f"{dashboard_of(u.code)}?period={period.code}",
            "note": note,
            "cells": [reports.format_value(i, v) for i, v in zip(columns, values, strict=True)],
        }
        # A unit with nothing recorded in the period is named below the table, not given a
        # row of dashes: on a phone a province's 126 rows bury the few that speak.
        (rows if any(v not in (None, 0) for v in values) else quiet).append(row)
    # The rows as HTML, escaped here: a province's 126 rows of 9 cells cost the template
    # engine more than the query behind them.
    body = format_html_join(
        "",
        '<tr><td><a href="{}">{}</a>{}</td>{}</tr>',
        (
            (
                row["url"],
                row["unit"].name,
                format_html(' <span class="small muted">({})</span>', row["note"])
                if row["note"]
                else "",
                mark_safe(  # noqa: S308 — every cell is escaped just above
                    "".join(f'<td class="num">{escape(cell)}</td>' for cell in row["cells"])
                ),
            )
            for row in rows
        ),
    )
    quiet_items = format_html_join(
        "",
        '<li><a href="{}">{}</a>{}</li>',
        (
            (
                row["url"],
                row["unit"].name,
                format_html(' <span class="small muted">({})</span>', row["note"])
                if row["note"]
                else "",
            )
            for row in quiet
        ),
    )
    return {
        "columns": columns,
        "rows": rows,
        "body": body,
        "quiet": quiet,
        "quiet_items": quiet_items,
    }


def hot_spots(request: HttpRequest, code: str) -> HttpResponse:
    """Every hot spot under the unit for the period, with the rule and figures that raised it."""
    unit = _unit_or_404(code)
    _require_view(request, unit)
    period, period_error = _period(request)
    today = timezone.localdate()
    spots = _spot_links(unit, period, services.evaluate(unit, period, today))
    return render(
        request,
        "steering/hot_spots.html",
        {
            "unit": unit,
            "period": period,
            "period_error": period_error,
            "hot_spots": spots,
            "today": today,
        },
    )


@login_required
def indicator_records(request: HttpRequest, code: str, component: str) -> HttpResponse:
    """The records behind one figure: the same definition, listed instead of counted."""
    unit = _unit_or_404(code)
    _require_view(request, unit)
    known = {name for s in ind.SOURCES.values() for name in ind._component_names(s)}
    if component not in known:
        raise Http404(_("Không có chỉ số này."))
    period, period_error = _period(request)
    child = None
    if request.GET.get("child"):
        child = _unit_or_404(request.GET["child"])
        if not unit.contains(child):
            raise Http404
    rows = ind.records(unit, period, component, timezone.localdate(), child=child)
    source = next(s for s in ind.SOURCES.values() if component in ind._component_names(s))
    indicators = [i for i in ind.INDICATORS.values() if component in (i.numerator, i.denominator)]
    allowed: dict = {}
    items = [
        {"text": source.describe(r), "url": _record_link(request.user, source, r, allowed)}
        for r in rows[:TRACE_LIMIT]
    ]
    return render(
        request,
        "steering/records.html",
        {
            "unit": unit,
            "child": child,
            "period": period,
            "period_error": period_error,
            "component": component,
            "indicators": indicators,
            "items": items,
            "count": len(rows),
            "installed": source.installed(),
            "limit": TRACE_LIMIT,
        },
    )


def _record_link(user, source, record, allowed: dict) -> str:
    """The record's page, if the reader may open it (`allowed` caches the answer per unit)."""
    if not source.link:
        return ""
    rule = LINK_PERMISSIONS.get(source.key)
    if rule is not None:
        permission, unit_of = rule
        unit = unit_of(record)
        if unit.pk not in allowed:
            allowed[unit.pk] = permissions.can(user, permission, unit)
        if not allowed[unit.pk]:
            return ""
    return source.link(record)


# --- inspections ------------------------------------------------------------------------------


def _plan_for(request, code: str, pk: int) -> InspectionPlan:
    unit = _unit_or_404(code)
    plan = (
        InspectionPlan.objects.select_related("committee__unit", "checklist")
        .filter(pk=pk, committee__unit=unit)
        .first()
    )
    if plan is None or not permissions.can(request.user, "steering.view", unit):
        raise Http404(_("Không tìm thấy kế hoạch."))
    return plan


@login_required
def plan_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _plan_for(request, code, pk)
    visits = plan.visits.select_related("unit", "team").prefetch_related("findings")
    return render(
        request,
        "steering/plan.html",
        {
            "plan": plan,
            "unit": plan.committee.unit,
            "teams": plan.teams.select_related("leader").prefetch_related("members"),
            "visits": visits,
            "can_manage": permissions.can(request.user, "steering.manage", plan.committee.unit),
        },
    )


def get_visit_for(user, code: str, pk: int) -> Visit:
    """The visit, for the committee (code = its unit) — the same 404 otherwise."""
    visit = (
        Visit.objects.select_related("plan__committee__unit", "plan__checklist", "unit", "team")
        .filter(pk=pk, plan__committee__unit__code=code)
        .first()
    )
    if visit is None or not permissions.can(user, "steering.view", visit.plan.committee.unit):
        raise Http404(_("Không tìm thấy buổi kiểm tra."))
    return visit


@login_required
def visit_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, code, pk)
    results = {r.item_id: r for r in visit.results.all()}
    items = [(item, results.get(item.pk)) for item in visit.plan.checklist.items.all()]
    return render(
        request,
        "steering/visit.html",
        {
            "visit": visit,
            "unit": visit.plan.committee.unit,
            "items": items,
            "outcomes": ChecklistResult.Outcome.choices,
            "severities": Severity.choices,
            "findings": visit.findings.prefetch_related("recommendations__responses"),
            "can_manage": permissions.can(
                request.user, "steering.manage", visit.plan.committee.unit
            ),
            "today": timezone.localdate(),
        },
    )


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError(_("Ngày không hợp lệ (năm-tháng-ngày)."), code="bad_date") from None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        raise ValidationError(_("Số không hợp lệ."), code="bad_number") from None


@login_required
@require_POST
def record_visit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, code, pk)

    def action():
        results = {
            item.pk: (
                request.POST.get(f"outcome_{item.pk}", ""),
                request.POST.get(f"note_{item.pk}", ""),
            )
            for item in visit.plan.checklist.items.all()
        }
        services.record_visit(
            actor=request.user,
            visit=visit,
            visited_on=_date(request.POST.get("visited_on")),
            results=results,
            summary=request.POST.get("summary", ""),
        )

    return perform(request, visit, action, _("Đã ghi kết quả kiểm tra."))


@login_required
@require_POST
def add_finding(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, code, pk)

    def action():
        services.add_finding(
            actor=request.user,
            visit=visit,
            text=request.POST.get("text", ""),
            severity=request.POST.get("severity", ""),
        )

    return perform(request, visit, action, _("Đã ghi phát hiện."))


@login_required
@require_POST
def add_recommendation(request: HttpRequest, code: str, pk: int, finding_id: int) -> HttpResponse:
    visit = get_visit_for(request.user, code, pk)
    finding = get_object_or_404(Finding, pk=finding_id, visit=visit)

    def action():
        services.add_recommendation(
            actor=request.user,
            finding=finding,
            text=request.POST.get("text", ""),
            working_days=_int(request.POST.get("working_days")),
        )

    return perform(request, visit, action, _("Đã ban hành kiến nghị."))


@login_required
@require_POST
def close_recommendation(request: HttpRequest, code: str, pk: int, rec_id: int) -> HttpResponse:
    visit = get_visit_for(request.user, code, pk)
    rec = get_object_or_404(Recommendation, pk=rec_id, finding__visit=visit)
    return perform(
        request,
        visit,
        lambda: services.close_recommendation(actor=request.user, recommendation=rec),
        _("Đã kết thúc kiến nghị."),
    )


# --- setting up: the committee and its members, plans, teams, visits ------------------------------


def _unit_for(request, code: str, permission: str) -> Unit:
    """The unit, once the user holds `permission` on it (403 with the reason otherwise)."""
    unit = _unit_or_404(code)
    services.require(request.user, permission, unit)
    return unit


def _own_committee(unit: Unit) -> Committee:
    committee = Committee.objects.filter(unit=unit).select_related("unit").first()
    if committee is None:
        raise Http404(_("%(unit)s chưa có Ban Chỉ đạo.") % {"unit": unit.name})
    return committee


def _plan_to_manage(request, code: str, pk: int) -> InspectionPlan:
    unit = _unit_for(request, code, "steering.manage")
    return get_object_or_404(
        InspectionPlan.objects.select_related("committee__unit", "checklist"),
        pk=pk,
        committee__unit=unit,
    )


def _render_form(request, unit: Unit, form, context: dict) -> HttpResponse:
    """A set-up form page: 422 with the reasons when a submitted form was refused."""
    return render(
        request,
        "steering/setup_form.html",
        {"unit": unit, "form": form, **context},
        status=422 if form.is_bound else 200,
    )


@login_required
def committee(request: HttpRequest, code: str) -> HttpResponse:
    """The unit's committee: set it up, then seat its head, deputies and members."""
    unit = _unit_for(request, code, "steering.organise")
    return _render_committee(request, unit)


def _render_committee(request, unit: Unit, *, committee_form=None, member_form=None):
    committee = Committee.objects.filter(unit=unit).first()
    seated = committee.members.filter(left_on__isnull=True) if committee else None
    return render(
        request,
        "steering/committee.html",
        {
            "unit": unit,
            "committee": committee,
            "members": seated.select_related("user") if seated is not None else [],
            "can_have_committee": unit.kind in (Unit.Kind.PROVINCE, Unit.Kind.COMMUNE),
            "committee_form": committee_form or CommitteeForm(),
            "member_form": member_form or MemberForm(unit=unit),
        },
        status=422 if committee_form is not None or member_form is not None else 200,
    )


@login_required
@require_POST
def create_committee(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_for(request, code, "steering.organise")
    form = CommitteeForm(request.POST)
    done, _result = submit_form(
        request,
        form,
        lambda data: services.create_committee(actor=request.user, unit=unit, **data),
        _("Đã thành lập Ban Chỉ đạo."),
    )
    if done:
        return redirect("steering:committee", unit.code)
    return _render_committee(request, unit, committee_form=form)


@login_required
@require_POST
def add_member(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_for(request, code, "steering.organise")
    committee = _own_committee(unit)
    form = MemberForm(request.POST, unit=unit)
    done, _result = submit_form(
        request,
        form,
        lambda data: services.add_member(actor=request.user, committee=committee, **data),
        _("Đã cử thành viên Ban Chỉ đạo."),
    )
    if done:
        return redirect("steering:committee", unit.code)
    return _render_committee(request, unit, member_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def create_plan(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_for(request, code, "steering.manage")
    committee = _own_committee(unit)
    if request.method == "POST":
        form = PlanForm(request.POST)
        done, plan = submit_form(
            request,
            form,
            lambda data: services.create_plan(actor=request.user, committee=committee, **data),
            _("Đã lập kế hoạch kiểm tra."),
        )
        if done:
            return redirect(plan)
    else:
        half = current_half(timezone.localdate())
        form = PlanForm(initial={"period": half.code, "starts_on": half.start, "ends_on": half.end})
    return _render_form(
        request, unit, form, {"heading": _("Lập kế hoạch kiểm tra"), "submit": _("Lập kế hoạch")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_team(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _plan_to_manage(request, code, pk)
    unit = plan.committee.unit
    form = TeamForm(request.POST, unit=unit) if request.method == "POST" else TeamForm(unit=unit)
    if form.is_bound:
        done, _result = submit_form(
            request,
            form,
            lambda data: services.add_team(actor=request.user, plan=plan, **data),
            _("Đã thêm đoàn kiểm tra."),
        )
        if done:
            return redirect(plan)
    context = {"plan": plan, "heading": _("Thêm đoàn kiểm tra"), "submit": _("Thêm đoàn")}
    return _render_form(request, unit, form, context)


@login_required
@require_http_methods(["GET", "POST"])
def schedule_visit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _plan_to_manage(request, code, pk)
    unit = plan.committee.unit
    if request.method == "POST":
        form = VisitForm(request.POST, plan=plan)
        done, _result = submit_form(
            request,
            form,
            lambda data: services.schedule_visit(actor=request.user, plan=plan, **data),
            _("Đã lên lịch kiểm tra."),
        )
        if done:
            return redirect(plan)
    else:
        planned = min(max(timezone.localdate(), plan.starts_on), plan.ends_on)
        form = VisitForm(plan=plan, initial={"planned_on": planned})
    context = {
        "plan": plan,
        "heading": _("Lên lịch kiểm tra một đơn vị"),
        "submit": _("Lên lịch"),
        "unit_choices": [unit, *Unit.objects.current().filter(parent=unit).order_by("sort_key")],
        "needs_team": not form.is_bound and not plan.teams.exists(),
    }
    return _render_form(request, unit, form, context)


# --- the inspected unit -------------------------------------------------------------------------


@login_required
def unit_findings(request: HttpRequest, code: str) -> HttpResponse:
    """An inspected unit sees its own findings and answers the recommendations."""
    unit = _unit_or_404(code)
    if not (
        permissions.can(request.user, "steering.respond", unit)
        or permissions.can(request.user, "steering.view", unit)
    ):
        raise Http404
    return render(
        request,
        "steering/findings.html",
        {
            "unit": unit,
            "findings": services.visible_findings(request.user, unit),
            "can_respond": permissions.can(request.user, "steering.respond", unit),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def respond(request: HttpRequest, code: str, rec_id: int) -> HttpResponse:
    unit = _unit_or_404(code)
    rec = get_object_or_404(
        Recommendation, pk=rec_id, finding__visit__unit__path__startswith=unit.path
    )
    target = redirect("steering:findings", unit.code).url
    return perform(
        request,
        target,
        lambda: services.respond(
            actor=request.user, recommendation=rec, text=request.POST.get("text", "")
        ),
        _("Đã gửi trả lời."),
    )


# --- reports --------------------------------------------------------------------------------------


@login_required
@require_POST
def request_report(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(code)
    try:
        job = reports.request_report(
            actor=request.user, unit=unit, period=request.POST.get("period", "")
        )
    except ValidationError as exc:
        messages.error(request, first_message(exc))
        response = redirect("steering:dashboard", unit.code)
        response.status_code = 303
        return response
    return redirect(job)


def _job_for(request, code: str, pk: int) -> ReportJob:
    unit = _unit_or_404(code)
    job = ReportJob.objects.filter(pk=pk, unit=unit).select_related("unit").first()
    if job is None or not permissions.can(request.user, "steering.view", unit):
        raise Http404(_("Không tìm thấy báo cáo."))
    return job


@login_required
def report_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    job = _job_for(request, code, pk)
    template = "steering/report.html"
    if getattr(request, "htmx", False):
        template += "#progress"
    return render(
        request, template, {"job": job, "unit": job.unit, "period": parse_period(job.period)}
    )


@login_required
def report_file(request: HttpRequest, code: str, pk: int, kind: str) -> HttpResponse:
    job = _job_for(request, code, pk)
    if kind not in ("pdf", "xlsx"):
        raise Http404
    file = job.pdf if kind == "pdf" else job.xlsx
    if job.status != ReportJob.Status.DONE or not file:
        raise Http404(_("Báo cáo chưa sẵn sàng."))
    content_type = (
        "application/pdf"
        if kind == "pdf"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = reports.file_names(job.unit, parse_period(job.period))[0 if kind == "pdf" else 1]
    return FileResponse(
        file.open("rb"), content_type=content_type, as_attachment=True, filename=name
    )
