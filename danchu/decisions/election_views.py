"""Village heads and board members on the web (NĐ 59/2023/NĐ-CP Art 6–9).

`/u/<code>/elections/` is one page per kind of unit: a village's heads, board members,
elections, dismissals and acting heads; a commune's overview of every village (who is in
office, elections under way, terms ending, new elections overdue); a province's term length.
Each step of an election or a dismissal is a POST to its own URL that calls one service in
`decisions/elections.py`; the services check the role and the law and write nothing when
they refuse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.accounts import permissions
from danchu.core.errors import ValidationError
from danchu.core.views import form_errors, perform, submit_form
from danchu.decisions import elections, forms, services
from danchu.decisions.models import (
    ActingHead,
    Dismissal,
    Election,
    Item,
    Matter,
    Office,
    Term,
    TermSetting,
)
from danchu.units.models import Unit
from danchu.units.services import get_unit

# A term ending within this many days is listed for the commune, so that the next election can
# be planned with its 20-day lead (NĐ 59 Art 6).
TERMS_ENDING_WITHIN_DAYS = 180


def _unit_or_404(code: str) -> Unit:
    try:
        return get_unit(code)
    except ValidationError:
        raise Http404 from None


# --- who may see and do what ----------------------------------------------------------------


def _election_or_404(user, code: str, pk: int) -> Election:
    election = (
        Election.objects.select_related("matter__unit__parent", "by_election_for__person")
        .filter(pk=pk, matter__unit__code=code)
        .first()
    )
    if election is None or not elections.may_see(user, election):
        raise Http404(_("Không tìm thấy cuộc bầu cử."))
    return election


def _creatable_items(user, village: Unit) -> list[int]:
    """NĐ 59 Art 6: the commune Chair decides a village head election; a board seat is
    organised on the village side (Law Art 36(2))."""
    items = []
    if permissions.can(user, "decisions.recognise_committee", village.parent):
        items.append(Item.VILLAGE_HEAD)
    if permissions.can(user, "decisions.manage", village):
        items.append(Item.BOARD_MEMBERS)
    return items


def _dismissal_grounds(user, village: Unit) -> list[str]:
    """NĐ 59 Art 9(1): a resignation goes through the village side; a proposal is the Ban
    CTMT head's."""
    grounds = []
    if permissions.can(user, "decisions.manage", village):
        grounds.append(Dismissal.Grounds.RESIGNATION)
    if permissions.can(user, "decisions.front_agree", village):
        grounds.append(Dismissal.Grounds.PROPOSAL)
    return grounds


def _recording_offices(user, village: Unit) -> list[str]:
    """The offices whose running terms this user may record from paper: those whose results
    their body recognises (Law Art 21(2))."""
    return [
        office
        for office in Office.values
        if permissions.can(user, elections.recognition_permission(office), village.parent)
    ]


# --- the page of a unit ---------------------------------------------------------------------


def offices(request: HttpRequest, code: str) -> HttpResponse:
    """`/u/<code>/elections/`: a village's offices, a commune's overview, a province's term."""
    unit = _unit_or_404(code)
    if unit.kind == Unit.Kind.VILLAGE:
        return _village_page(request, unit)
    if unit.kind == Unit.Kind.COMMUNE:
        return render(request, "decisions/elections_commune.html", commune_overview(unit))
    if unit.kind == Unit.Kind.PROVINCE:
        return _province_page(request, unit)
    raise Http404(_("Trưởng thôn và Ban Thanh tra nhân dân là của thôn, tổ dân phố."))


def _village_page(request: HttpRequest, village: Unit, forms_in: dict | None = None, status=200):
    user = request.user
    today = timezone.localdate()
    current = village.is_current()
    context = {
        "unit": village,
        "incumbent": elections.current_head(village, today),
        "board": list(elections.serving_terms(Office.INSPECTION_BOARD, today, village=village)),
        "investment": list(
            elections.serving_terms(Office.INVESTMENT_BOARD, today, village=village).select_related(
                "election"
            )
        ),
        "terms": list(
            Term.objects.filter(village=village)
            .select_related("person", "election__matter")
            .prefetch_related("extensions")
            .order_by("-started_on", "-pk")
        ),
        "elections": list(elections.visible_elections(user, village)),
        "dismissals": list(
            Dismissal.objects.filter(village=village).select_related("term__person", "matter")
        ),
        "acting_heads": list(ActingHead.objects.filter(village=village).select_related("person")),
        "today": today,
    }
    if current and request.user.is_authenticated:
        items = _creatable_items(user, village)
        if items:
            context["election_form"] = forms.ElectionForm(items=items)
        grounds = _dismissal_grounds(user, village)
        if grounds:
            context["dismissal_form"] = forms.DismissalForm(grounds=grounds)
        if permissions.can(user, "decisions.recognise_committee", village.parent):
            context["acting_form"] = forms.ActingHeadForm(village=village)
            context["extension_form"] = forms.ExtensionForm()
        elif permissions.can(user, "decisions.recognise_front", village.parent):
            context["extension_form"] = forms.ExtensionForm()
        offices = _recording_offices(user, village)
        if offices:
            context["existing_form"] = forms.ExistingTermForm(village=village, offices=offices)
        context["may_extend"] = {
            term.pk
            for term in context["terms"]
            if term.ended_on is None
            and permissions.can(user, elections.recognition_permission(term.office), village.parent)
        }
    context |= forms_in or {}
    return render(request, "decisions/elections_village.html", context, status=status)


@dataclass
class VillageRow:
    village: Unit
    head: object  # Term, ActingHead or None
    acting: bool
    ends_on: dt.date | None
    ending_soon: bool
    election: Election | None


def commune_overview(commune: Unit, today: dt.date | None = None) -> dict:
    """Every current village of the commune: who heads it (recognised or acting), when the
    term ends, the election under way, and the new elections overdue (NĐ 59 Art 9(3))."""
    today = today or timezone.localdate()
    villages = list(
        Unit.objects.current(today)
        .filter(parent=commune, kind=Unit.Kind.VILLAGE)
        .order_by("sort_key")  # Vietnamese alphabetical order
    )
    terms = {
        t.village_id: t
        for t in elections.serving_terms(Office.VILLAGE_HEAD, today, village__in=villages)
    }
    acting = {
        a.village_id: a
        for a in ActingHead.objects.filter(village__in=villages, appointed_on__lte=today)
        .filter(elections.in_office(today))
        .select_related("person")
    }
    # Under way: not yet in office, neither failed nor refused.
    under_way = {}
    for election in (
        Election.objects.filter(matter__unit__in=villages, office=Office.VILLAGE_HEAD)
        .filter(term__isnull=True, matter__refused_on__isnull=True)
        .exclude(matter__status=Matter.Status.CLOSED, matter__adopted=False)
        .select_related("matter")
        .order_by("meeting_on")
    ):
        under_way.setdefault(election.matter.unit_id, election)
    horizon = today + dt.timedelta(days=TERMS_ENDING_WITHIN_DAYS)
    rows = []
    for village in villages:
        term = terms.get(village.pk)
        head = term or acting.get(village.pk)
        ends_on = term.ends_on if term else None
        rows.append(
            VillageRow(
                village=village,
                head=head,
                acting=term is None and head is not None,
                ends_on=ends_on,
                ending_soon=ends_on is not None and ends_on <= horizon,
                election=under_way.get(village.pk),
            )
        )
    return {
        "unit": commune,
        "rows": rows,
        "vacant": sum(1 for r in rows if r.head is None),
        "acting_count": sum(1 for r in rows if r.acting),
        "ending_soon": [r for r in rows if r.ending_soon],
        "overdue": elections.villages_overdue_for_election(commune, today),
        "pending_dismissals": list(
            Dismissal.objects.filter(
                village__path__startswith=commune.path, outcome=Dismissal.Outcome.PENDING
            ).select_related("village", "term__person", "matter")
        ),
        "awaiting_clock": list(
            Dismissal.objects.filter(
                village__path__startswith=commune.path,
                outcome=Dismissal.Outcome.DISMISSED,
                new_election_due_on__gte=today,
            ).select_related("village", "term__person")
        ),
        "today": today,
        "horizon_days": TERMS_ENDING_WITHIN_DAYS,
    }


def _province_page(request: HttpRequest, province: Unit, form=None, status=200):
    setting = TermSetting.objects.filter(province=province).first()
    may_set = permissions.can(request.user, "decisions.recognise_committee", province)
    if may_set and form is None:
        form = forms.TermLengthForm(
            initial={"months": setting.months, "basis": setting.basis} if setting else None
        )
    return render(
        request,
        "decisions/elections_province.html",
        {
            "unit": province,
            "setting": setting,
            "months": elections.term_months(province),
            "form": form if may_set else None,
        },
        status=status,
    )


@require_POST
@login_required
def set_term_length(request: HttpRequest, code: str) -> HttpResponse:
    province = _unit_or_404(code)
    if province.kind != Unit.Kind.PROVINCE:
        raise Http404
    if not permissions.can(request.user, "decisions.recognise_committee", province):
        raise PermissionDenied(_("Bạn không có quyền đặt nhiệm kỳ của tỉnh."))
    form = forms.TermLengthForm(request.POST)
    done, _setting = submit_form(
        request,
        form,
        lambda d: elections.set_term_length(actor=request.user, province=province, **d),
        _("Đã lưu nhiệm kỳ."),
    )
    if done:
        return redirect("decisions:elections", province.code)
    return _province_page(request, province, form, status=422)


# --- creating an election, a dismissal, an acting head --------------------------------------


def _village_post(request: HttpRequest, code: str) -> Unit:
    village = _unit_or_404(code)
    if village.kind != Unit.Kind.VILLAGE:
        raise Http404
    return village


@require_POST
@login_required
def create_election(request: HttpRequest, code: str) -> HttpResponse:
    village = _village_post(request, code)
    items = _creatable_items(request.user, village)
    if not items:
        raise PermissionDenied(_("Bạn không có quyền tổ chức bầu cử tại thôn này."))
    form = forms.ElectionForm(request.POST, items=items)
    done, election = submit_form(
        request,
        form,
        lambda d: elections.create_election(actor=request.user, village=village, **d),
        _("Đã ghi quyết định tổ chức bầu cử và kế hoạch."),
    )
    if done:
        return redirect("decisions:election", village.code, election.pk)
    return _village_page(request, village, {"election_form": form}, status=422)


def _term_or_404(code: str, pk: int) -> Term:
    return get_object_or_404(
        Term.objects.select_related("village__parent", "person"), pk=pk, village__code=code
    )


@require_POST
@login_required
def request_dismissal(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    term = _term_or_404(code, pk)
    village = term.village
    grounds = _dismissal_grounds(request.user, village)
    if not grounds:
        raise PermissionDenied(_("Bạn không có quyền gửi đề nghị cho thôi làm."))
    form = forms.DismissalForm(request.POST, grounds=grounds)
    done, dismissal = submit_form(
        request,
        form,
        lambda d: elections.request_dismissal(actor=request.user, term=term, **d),
        _("Đã ghi nhận đơn, đề nghị cho thôi làm."),
    )
    if done:
        return redirect("decisions:dismissal", village.code, dismissal.pk)
    return _village_page(request, village, {"dismissal_form": form}, status=422)


@require_POST
@login_required
def extend_term(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    term = _term_or_404(code, pk)
    target = reverse("decisions:elections", args=[code])
    form = forms.ExtensionForm(request.POST)
    if not form.is_valid():
        return form_errors(request, target, form)
    return perform(
        request,
        target,
        lambda: elections.extend_term(actor=request.user, term=term, **form.cleaned_data),
        _("Đã ghi quyết định kéo dài nhiệm kỳ."),
    )


@require_POST
@login_required
def record_existing_term(request: HttpRequest, code: str) -> HttpResponse:
    village = _village_post(request, code)
    offices = _recording_offices(request.user, village)
    if not offices:
        raise PermissionDenied(_("Bạn không có quyền ghi nhận nhiệm kỳ tại thôn này."))
    form = forms.ExistingTermForm(request.POST, village=village, offices=offices)
    done, _term = submit_form(
        request,
        form,
        lambda d: elections.record_existing_term(actor=request.user, village=village, **d),
        _("Đã ghi nhận nhiệm kỳ đang diễn ra."),
    )
    if done:
        return redirect("decisions:elections", village.code)
    return _village_page(request, village, {"existing_form": form}, status=422)


@require_POST
@login_required
def appoint_acting_head(request: HttpRequest, code: str) -> HttpResponse:
    village = _village_post(request, code)
    if not permissions.can(request.user, "decisions.recognise_committee", village.parent):
        raise PermissionDenied(_("Chỉ UBND xã chỉ định Trưởng thôn lâm thời."))
    form = forms.ActingHeadForm(request.POST, village=village)
    done, _acting = submit_form(
        request,
        form,
        lambda d: elections.appoint_acting_head(actor=request.user, village=village, **d),
        _("Đã ghi quyết định chỉ định Trưởng thôn lâm thời."),
    )
    if done:
        return redirect("decisions:elections", village.code)
    return _village_page(request, village, {"acting_form": form}, status=422)


# --- one election ---------------------------------------------------------------------------


@dataclass
class Step:
    label: str
    done_on: dt.date | None
    latest: dt.date | None  # the last day the law allows, when it sets one
    detail: str = ""


def timeline(election: Election) -> list[Step]:
    """The Art 6 steps with the last day each may be taken (calendar days before the meeting)."""
    meeting = election.meeting_on
    steps = [
        Step(
            _("Quyết định tổ chức bầu cử và kế hoạch (chậm nhất 20 ngày trước)"),
            election.decided_on,
            meeting - dt.timedelta(days=elections.PLAN_MIN_DAYS),
            election.decision_ref,
        )
    ]
    if election.office == Office.VILLAGE_HEAD:
        steps += [
            Step(
                _("Quyết định thành lập Tổ bầu cử (chậm nhất 10 ngày trước)"),
                election.team_decided_on,
                meeting - dt.timedelta(days=elections.TEAM_MIN_DAYS),
                election.team_decision_ref,
            ),
            Step(
                _("Công bố các quyết định (chậm nhất 07 ngày trước)"),
                election.announced_on,
                meeting - dt.timedelta(days=elections.ANNOUNCEMENT_MIN_DAYS),
                election.announced_how,
            ),
        ]
    steps.append(
        Step(
            _("Họp lập danh sách người ứng cử (Mẫu 05)"),
            election.candidate_list_met_on,
            meeting,
        )
    )
    return steps


def election_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    election = _election_or_404(request.user, code, pk)
    matter = election.matter
    village = matter.unit
    user = request.user
    permission, organiser_unit = elections.organiser(election)
    organiser = permissions.can(user, permission, organiser_unit)
    manager = permissions.can(user, "decisions.manage", village)
    draft = matter.status == Matter.Status.DRAFT
    term = Term.objects.filter(election=election).select_related("person").first()
    context = {
        "unit": village,
        "election": election,
        "matter": matter,
        "steps": timeline(election),
        "team": list(election.team.all()),
        "candidacies": list(election.candidacies.select_related("person", "option")),
        "missing": elections.preparation_missing(matter) if draft else [],
        "term": term,
        "draft": draft,
        "today": timezone.localdate(),
    }
    if draft and organiser:
        context["reschedule_form"] = forms.RescheduleForm(
            initial={"meeting_on": election.meeting_on}
        )
        if election.team_decided_on is None:
            context["team_form"] = forms.TeamForm()
        else:
            context["member_form"] = forms.TeamMemberForm()
    if draft and manager:
        context["open_allowed"] = not context["missing"]
        context["candidate_form"] = forms.CandidateForm(village=village)
        if election.candidate_list_met_on is None:
            context["list_form"] = forms.CandidateListForm()
        if election.announced_on is None and election.office == Office.VILLAGE_HEAD:
            context["announce_form"] = forms.AnnouncementForm()
    if term is None and matter.status == Matter.Status.CLOSED and services.is_effective(matter):
        context["may_start_term"] = permissions.can(
            user, elections.recognition_permission(election.office), village.parent
        )
    return render(request, "decisions/election.html", context)


def _election_step(name, form_class, call, success, *, village_form=False):
    @require_POST
    @login_required
    def view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
        election = _election_or_404(request.user, code, pk)
        target = reverse("decisions:election", args=[code, pk])
        if form_class is None:
            return perform(request, target, lambda: call(request, election, {}), success)
        kwargs = {"village": election.matter.unit} if village_form else {}
        form = form_class(request.POST, **kwargs)
        if not form.is_valid():
            return form_errors(request, target, form)
        return perform(request, target, lambda: call(request, election, form.cleaned_data), success)

    view.__name__ = name
    return view


def _appoint_team(request, election, data):
    members = [
        elections.TeamMemberInput(
            data["leader_name"],
            role="leader",
            representing=_("Ban công tác Mặt trận"),
        )
    ] + [
        elections.TeamMemberInput(name, representing=representing)
        for name, representing in data["members"]
    ]
    return elections.appoint_election_team(
        actor=request.user,
        election=election,
        decided_on=data["decided_on"],
        decision_ref=data["decision_ref"],
        members=members,
    )


reschedule = _election_step(
    "reschedule",
    forms.RescheduleForm,
    lambda r, e, d: elections.reschedule_election(actor=r.user, election=e, **d),
    _("Đã đổi ngày họp bầu."),
)
appoint_team = _election_step(
    "appoint_team", forms.TeamForm, _appoint_team, _("Đã ghi quyết định thành lập Tổ bầu cử.")
)
add_team_member = _election_step(
    "add_team_member",
    forms.TeamMemberForm,
    lambda r, e, d: elections.add_team_member(
        actor=r.user, election=e, member=elections.TeamMemberInput(**d)
    ),
    _("Đã thêm thành viên Tổ bầu cử."),
)
announce = _election_step(
    "announce",
    forms.AnnouncementForm,
    lambda r, e, d: elections.announce_election(actor=r.user, election=e, **d),
    _("Đã ghi nhận việc công bố."),
)
candidate_list = _election_step(
    "candidate_list",
    forms.CandidateListForm,
    lambda r, e, d: elections.record_candidate_list(actor=r.user, election=e, **d),
    _("Đã ghi biên bản lập danh sách người ứng cử."),
)
add_candidate = _election_step(
    "add_candidate",
    forms.CandidateForm,
    lambda r, e, d: elections.add_candidate(actor=r.user, election=e, **d),
    _("Đã thêm người ứng cử."),
    village_form=True,
)
open_election = _election_step(
    "open_election",
    None,
    lambda r, e, d: elections.open_election(actor=r.user, election=e),
    _("Đã mở cuộc họp bầu."),
)
start_term = _election_step(
    "start_term",
    None,
    lambda r, e, d: elections.start_term(actor=r.user, election=e),
    _("Người trúng cử đã nhận nhiệm vụ từ ngày được công nhận."),
)


# --- one dismissal --------------------------------------------------------------------------


def _dismissal_or_404(code: str, pk: int) -> Dismissal:
    return get_object_or_404(
        Dismissal.objects.select_related("village__parent", "term__person", "matter"),
        pk=pk,
        village__code=code,
    )


def dismissal_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A resignation or a proposal to dismiss: public, like the term it concerns."""
    dismissal = _dismissal_or_404(code, pk)
    village = dismissal.village
    user = request.user
    pending = dismissal.outcome == Dismissal.Outcome.PENDING
    context = {
        "unit": village,
        "dismissal": dismissal,
        "matter": dismissal.matter,
        "today": timezone.localdate(),
        "may_open_vote": pending
        and dismissal.matter_id is None
        and permissions.can(user, "decisions.manage", village),
        "may_conclude": pending
        and dismissal.matter_id is not None
        and dismissal.matter.status == Matter.Status.CLOSED
        and permissions.can(
            user, elections.recognition_permission(dismissal.term.office), village.parent
        ),
    }
    return render(request, "decisions/dismissal.html", context)


def _dismissal_step(name, call, success):
    @require_POST
    @login_required
    def view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
        dismissal = _dismissal_or_404(code, pk)
        target = reverse("decisions:dismissal", args=[code, pk])
        return perform(request, target, lambda: call(request, dismissal), success)

    view.__name__ = name
    return view


open_dismissal_vote = _dismissal_step(
    "open_dismissal_vote",
    lambda r, d: elections.open_dismissal_vote(actor=r.user, dismissal=d),
    _("Đã đưa việc cho thôi làm ra cộng đồng biểu quyết (chuẩn bị cuộc họp)."),
)
conclude_dismissal = _dismissal_step(
    "conclude_dismissal",
    lambda r, d: elections.conclude_dismissal(actor=r.user, dismissal=d),
    _("Đã ghi kết quả."),
)
