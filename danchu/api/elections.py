"""Village heads and board members over the API (NĐ 59/2023/NĐ-CP Art 6–9).

Reads are public once an election is announced (Art 6: the decisions are made public) or its
meeting has opened; before that only those who prepare it see it (the same 404 otherwise).
Every write calls one service of `decisions/elections.py`, which checks the role and the law
and writes nothing when it refuses: a 422 {"detail", "code", "errors"} naming the rule.
People are named (officials and candidates are public); no phone or citizen ID is ever sent.
"""

import datetime as dt
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from danchu.accounts import permissions
from danchu.api.auth import BearerToken, OptionalBearer
from danchu.api.decisions import MAX_ID, ErrorOut, _caller, _unit, coded
from danchu.core.errors import ValidationError
from danchu.decisions import election_views, elections
from danchu.decisions.forms import village_people
from danchu.decisions.models import (
    ActingHead,
    Candidacy,
    Dismissal,
    Election,
    ElectionTeamMember,
    Item,
    Matter,
    Term,
)
from danchu.people.models import Person
from danchu.units.models import Unit

router = Router(tags=["elections"])

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Ref = Annotated[str, Field(max_length=100)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


# --- output ---------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    full_name: str
    birth_year: int | None


class TeamMemberOut(Schema):
    full_name: str
    role: str = Field(..., description="leader (Ban CTMT representative) or member")
    representing: str


class CandidateOut(Schema):
    person: PersonOut
    option_id: int = Field(..., alias="option.id")
    source: str = Field(..., description="front, self or nominated")


class StepOut(Schema):
    label: str
    done_on: dt.date | None
    latest: dt.date | None = Field(..., description="the last day NĐ 59 Art 6 allows")


class ElectionOut(Schema):
    id: int
    village: str = Field(..., alias="matter.unit.code")
    matter_id: int = Field(..., alias="matter.id")
    title: str = Field(..., alias="matter.title")
    status: str = Field(..., alias="matter.status")
    office: str = Field(..., description="village_head, inspection_board or investment_board")
    project: str
    project_ends_on: dt.date | None
    meeting_on: dt.date
    decided_on: dt.date
    decision_ref: str
    team_decided_on: dt.date | None
    team_decision_ref: str
    announced_on: dt.date | None
    announced_how: str
    candidate_list_met_on: dt.date | None
    by_election_for: int | None = Field(None, alias="by_election_for_id")


class ElectionDetailOut(ElectionOut):
    steps: list[StepOut]
    missing: list[str] = Field(..., description="what is lacking before the meeting may open")
    team: list[TeamMemberOut] = Field(..., alias="team_members")
    candidates: list[CandidateOut]
    term_id: int | None


class ExtensionOut(Schema):
    decision_ref: str
    decided_on: dt.date
    previous_end_on: dt.date
    new_end_on: dt.date


class TermOut(Schema):
    id: int
    village: str = Field(..., alias="village.code")
    person: PersonOut
    office: str
    election_id: int | None = Field(..., description="null for a term recorded from paper")
    basis: str = Field(..., description="the recognition decision of a term recorded from paper")
    started_on: dt.date
    months: int
    planned_end_on: dt.date
    ends_on: dt.date
    ended_on: dt.date | None
    end_reason: str
    extensions: list[ExtensionOut]

    @staticmethod
    def resolve_extensions(obj: Term):
        return list(obj.extensions.all())


class DismissalOut(Schema):
    id: int
    village: str = Field(..., alias="village.code")
    term_id: int
    person: PersonOut = Field(..., alias="term.person")
    grounds: str = Field(..., description="resignation or proposal (Ban CTMT head)")
    submitted_on: dt.date
    submitted_by_name: str
    reason: str
    matter_id: int | None
    outcome: str = Field(..., description="pending, dismissed or retained")
    effective_on: dt.date | None
    new_election_due_on: dt.date | None = Field(
        ..., description="NĐ 59 Art 9(3): 60 days from the recognition of the dismissal"
    )


class ActingHeadOut(Schema):
    id: int
    village: str = Field(..., alias="village.code")
    person: PersonOut
    appointed_on: dt.date
    decision_ref: str
    front_agreed_on: dt.date
    ended_on: dt.date | None


class HeadOut(Schema):
    person: PersonOut
    acting: bool
    since: dt.date
    until: dt.date | None = Field(..., description="null for an acting head: no legal limit")


class OfficesOut(Schema):
    village: str
    head: HeadOut | None
    board: list[TermOut]
    investment_boards: list[TermOut] = Field(
        ..., description="resident members of projects' investment-supervision boards"
    )


class VillageRowOut(Schema):
    village: str
    village_name: str
    head: PersonOut | None
    acting: bool
    ends_on: dt.date | None
    ending_soon: bool
    election_id: int | None


class CommuneOverviewOut(Schema):
    commune: str
    villages: list[VillageRowOut]
    overdue: list[DismissalOut] = Field(..., description="60 days run out, no new election")
    pending_dismissals: list[DismissalOut]


class TermSettingOut(Schema):
    province: str
    months: int
    basis: str


# --- input ----------------------------------------------------------------------------------


class ElectionIn(Schema):
    item: int = Field(..., description="4 (village head) or 5 (Ban TTND member)")
    meeting_on: dt.date
    decided_on: dt.date = Field(..., description="≥ 20 days before meeting_on (NĐ 59 Art 6)")
    decision_ref: Ref = ""
    title: Annotated[str, Field(max_length=300)] = ""
    secret: bool = False
    by_election_for: Id | None = Field(None, description="the vacated board Term, if any")
    office: str = Field("", description="item 5: inspection_board (default) or investment_board")
    project: Annotated[str, Field(max_length=300)] = Field(
        "", description="investment_board: the programme or project (Law Art 41)"
    )
    project_ends_on: dt.date | None = Field(
        None, description="investment_board: planned completion; the term ends then"
    )


class RescheduleIn(Schema):
    meeting_on: dt.date


class TeamMemberIn(Schema):
    full_name: Name
    person_id: Id | None = None
    role: str = Field("member", description="leader or member")
    representing: Annotated[str, Field(max_length=200)] = ""


class TeamIn(Schema):
    decided_on: dt.date = Field(..., description="≥ 10 days before the meeting")
    decision_ref: Ref = ""
    members: list[TeamMemberIn] = Field(..., max_length=30)


class AnnouncementIn(Schema):
    announced_on: dt.date = Field(..., description="≥ 07 days before the meeting")
    how: Annotated[str, Field(min_length=1, max_length=300)]


class CandidateListIn(Schema):
    met_on: dt.date
    minutes: Annotated[str, Field(max_length=20000)]


class CandidateIn(Schema):
    person_id: Id = Field(..., description="a person of a household of the village")
    source: str = Field("front", description="front, self or nominated")
    label: Annotated[str, Field(max_length=200)] = ""


class ExtensionIn(Schema):
    decision_ref: Ref
    decided_on: dt.date
    new_end_on: dt.date


class DismissalIn(Schema):
    grounds: str = Field(..., description="resignation or proposal")
    submitted_on: dt.date
    reason: Annotated[str, Field(max_length=5000)]
    submitted_by_name: Annotated[str, Field(max_length=200)] = ""


class ExistingTermIn(Schema):
    office: str = Field(..., description="village_head, inspection_board or investment_board")
    person_id: Id = Field(..., description="a person of a household of the village")
    started_on: dt.date = Field(..., description="the recognition date")
    ends_on: dt.date
    basis: Annotated[str, Field(max_length=300)] = Field(
        ..., description="the recognition decision: number and date"
    )


class ActingHeadIn(Schema):
    person_id: Id = Field(..., description="a person of a household of the village")
    appointed_on: dt.date
    front_agreed_on: dt.date
    decision_ref: Ref = ""


class TermSettingIn(Schema):
    months: int = Field(..., description="30 or 60 in practice; 1–120 accepted")
    basis: Annotated[str, Field(max_length=300)] = ""


# --- access ---------------------------------------------------------------------------------


def _village(code: str) -> Unit:
    unit = _unit(code)
    if unit.kind != Unit.Kind.VILLAGE:
        raise Http404(_("Trưởng thôn và Ban Thanh tra nhân dân là của thôn, tổ dân phố."))
    return unit


def _election(request, election_id: int) -> Election:
    election = (
        Election.objects.select_related("matter__unit__parent").filter(pk=election_id).first()
        if 0 < election_id <= MAX_ID
        else None
    )
    if election is None or not elections.may_see(_caller(request), election):
        raise Http404(_("Không tìm thấy cuộc bầu cử."))
    return election


def _term(term_id: int) -> Term:
    term = (
        Term.objects.select_related("village__parent", "person").filter(pk=term_id).first()
        if 0 < term_id <= MAX_ID
        else None
    )
    if term is None:
        raise Http404(_("Không tìm thấy nhiệm kỳ."))
    return term


def _dismissal(dismissal_id: int) -> Dismissal:
    dismissal = (
        Dismissal.objects.select_related("village__parent", "term__person")
        .filter(pk=dismissal_id)
        .first()
        if 0 < dismissal_id <= MAX_ID
        else None
    )
    if dismissal is None:
        raise Http404(_("Không tìm thấy đơn, đề nghị."))
    return dismissal


def _villager(village: Unit, person_id: int) -> Person:
    """A person of one of the village's households, the same choice the web offers."""
    person = village_people(village).filter(pk=person_id).first()
    if person is None:
        raise ValidationError(
            _("Người này không thuộc hộ nào của %(village)s."),
            code="not_of_village",
            params={"village": village.name},
        )
    return person


def _detail(election: Election) -> Election:
    """The election with what ElectionDetailOut adds: steps, what is missing, team, list."""
    draft = election.matter.status == Matter.Status.DRAFT
    election.steps = election_views.timeline(election)
    election.missing = (
        [str(m) for m in elections.preparation_missing(election.matter)] if draft else []
    )
    election.team_members = list(election.team.all())
    election.candidates = list(election.candidacies.select_related("person", "option"))
    election.term_id = Term.objects.filter(election=election).values_list("pk", flat=True).first()
    return election


# --- a unit's offices -----------------------------------------------------------------------


@router.get(
    "/units/{code}/offices",
    response=OfficesOut,
    summary="Who heads a village today (recognised or acting) and its Ban TTND members",
)
def offices(request, code: str):
    village = _village(code)
    today = timezone.localdate()
    head = elections.current_head(village, today)

    def serving(office):
        return list(
            elections.serving_terms(office, today, village=village).select_related("village")
        )

    return {
        "village": village.code,
        "head": head
        and {
            "person": head.person,
            "acting": head.acting,
            "since": head.since,
            "until": head.until,
        },
        "board": serving("inspection_board"),
        "investment_boards": serving("investment_board"),
    }


@router.get(
    "/units/{code}/terms",
    response=list[TermOut],
    summary="Every recorded term of a village, newest first, with extensions",
)
def list_terms(request, code: str):
    village = _village(code)
    return list(
        Term.objects.filter(village=village)
        .select_related("person", "village")
        .prefetch_related("extensions")
        .order_by("-started_on", "-pk")
    )


@router.post(
    "/units/{code}/terms",
    response={201: TermOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Record a running term elected before the commune used danchu (Law Art 21(2))",
)
@coded
def record_existing_term(request, code: str, payload: ExistingTermIn):
    village = _village(code)
    if payload.office not in elections.Office.values:
        raise ValidationError(_("Chức danh không hợp lệ."), code="bad_office")
    # The role first, so that nobody learns from the answer who lives where.
    permissions.require(
        request.auth, elections.recognition_permission(payload.office), village.parent
    )
    data = payload.dict()
    person = _villager(village, data.pop("person_id"))
    term = elections.record_existing_term(
        actor=request.auth, village=village, person=person, **data
    )
    return Status(201, term)


@router.get(
    "/units/{code}/village-heads",
    response=CommuneOverviewOut,
    summary="A commune's villages: head, term end, election under way, 60-day clocks overdue",
)
def commune_overview(request, code: str):
    commune = _unit(code)
    if commune.kind != Unit.Kind.COMMUNE:
        raise Http404(_("Tổng hợp Trưởng thôn là của xã, phường."))
    data = election_views.commune_overview(commune)
    return {
        "commune": commune.code,
        "villages": [
            {
                "village": r.village.code,
                "village_name": r.village.name,
                "head": r.head.person if r.head else None,
                "acting": r.acting,
                "ends_on": r.ends_on,
                "ending_soon": r.ending_soon,
                "election_id": r.election.pk if r.election else None,
            }
            for r in data["rows"]
        ],
        "overdue": data["overdue"],
        "pending_dismissals": data["pending_dismissals"],
    }


@router.put(
    "/units/{code}/term-setting",
    response={200: TermSettingOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="A province's term for village heads (applies to terms that start afterwards)",
)
@coded
def set_term_setting(request, code: str, payload: TermSettingIn):
    setting = elections.set_term_length(actor=request.auth, province=_unit(code), **payload.dict())
    return {"province": setting.province.code, "months": setting.months, "basis": setting.basis}


# --- elections ------------------------------------------------------------------------------


@router.get(
    "/units/{code}/elections",
    response=list[ElectionOut],
    summary="A village's elections: announced ones for everyone, all for those preparing them",
    auth=OptionalBearer(),
)
def list_elections(request, code: str):
    village = _village(code)
    return list(
        elections.visible_elections(_caller(request), village).select_related("matter__unit")
    )


@router.post(
    "/units/{code}/elections",
    response={201: ElectionDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="The Chair's decision to hold an election and its plan (NĐ 59 Art 6: ≥ 20 days)",
)
@coded
def create_election(request, code: str, payload: ElectionIn):
    village = _village(code)
    data = payload.dict()
    term_id = data.pop("by_election_for")
    if term_id is not None:
        data["by_election_for"] = _term(term_id)
    if data["item"] not in (Item.VILLAGE_HEAD, Item.BOARD_MEMBERS):
        raise ValidationError(
            _("Bầu cử là nội dung khoản 4 hoặc 5 Điều 15 Luật 10/2022."), code="bad_item"
        )
    election = elections.create_election(actor=request.auth, village=village, **data)
    return Status(201, _detail(election))


@router.get(
    "/elections/{election_id}",
    response=ElectionDetailOut,
    summary="One election: its Art 6 steps with their last days, team, candidates, term",
    auth=OptionalBearer(),
)
def get_election(request, election_id: int):
    return _detail(_election(request, election_id))


def _step(request, election_id: int, call):
    election = _election(request, election_id)
    call(election)
    election.refresh_from_db()
    return _detail(election)


@router.post(
    "/elections/{election_id}/reschedule",
    response={200: ElectionDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Move the meeting; every decision taken must still meet its minimum",
)
@coded
def reschedule(request, election_id: int, payload: RescheduleIn):
    return _step(
        request,
        election_id,
        lambda e: elections.reschedule_election(
            actor=request.auth, election=e, meeting_on=payload.meeting_on
        ),
    )


def _member(actor, election: Election, member: TeamMemberIn) -> elections.TeamMemberInput:
    # The role first, so that nobody learns from the answer who lives where.
    permissions.require(actor, *elections.organiser(election))
    if member.role not in ElectionTeamMember.Role.values:
        raise ValidationError(_("Vai trò trong Tổ bầu cử không hợp lệ."), code="bad_role")
    person = (
        _villager(election.matter.unit, member.person_id) if member.person_id is not None else None
    )
    return elections.TeamMemberInput(
        member.full_name, person=person, role=member.role, representing=member.representing
    )


@router.post(
    "/elections/{election_id}/team",
    response={200: ElectionDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="The decision setting up the Tổ bầu cử (≥ 10 days before; no candidate on it)",
)
@coded
def appoint_team(request, election_id: int, payload: TeamIn):
    def call(election):
        elections.appoint_election_team(
            actor=request.auth,
            election=election,
            decided_on=payload.decided_on,
            decision_ref=payload.decision_ref,
            members=[_member(request.auth, election, m) for m in payload.members],
        )

    return _step(request, election_id, call)


@router.post(
    "/elections/{election_id}/team/members",
    response={200: ElectionDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="One more member of the election team",
)
@coded
def add_team_member(request, election_id: int, payload: TeamMemberIn):
    return _step(
        request,
        election_id,
        lambda e: elections.add_team_member(
            actor=request.auth, election=e, member=_member(request.auth, e, payload)
        ),
    )


@router.post(
    "/elections/{election_id}/announcement",
    response={200: ElectionDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Both decisions made public (≥ 07 days before)",
)
@coded
def announce(request, election_id: int, payload: AnnouncementIn):
    return _step(
        request,
        election_id,
        lambda e: elections.announce_election(actor=request.auth, election=e, **payload.dict()),
    )


@router.post(
    "/elections/{election_id}/candidate-list",
    response={200: ElectionDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="The meeting that drew up the candidate list (Mẫu 05)",
)
@coded
def candidate_list(request, election_id: int, payload: CandidateListIn):
    return _step(
        request,
        election_id,
        lambda e: elections.record_candidate_list(actor=request.auth, election=e, **payload.dict()),
    )


@router.post(
    "/elections/{election_id}/candidates",
    response={200: ElectionDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Add a candidate: a person of the village, not on the election team",
)
@coded
def add_candidate(request, election_id: int, payload: CandidateIn):
    if payload.source not in Candidacy.Source.values:
        raise ValidationError(_("Nguồn giới thiệu không hợp lệ."), code="bad_source")

    def call(e):
        permissions.require(request.auth, "decisions.manage", e.matter.unit)
        return elections.add_candidate(
            actor=request.auth,
            election=e,
            person=_villager(e.matter.unit, payload.person_id),
            source=payload.source,
            label=payload.label,
        )

    return _step(request, election_id, call)


@router.post(
    "/elections/{election_id}/open",
    response={200: ElectionDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Open the election meeting once the preparation is complete",
)
@coded
def open_election(request, election_id: int):
    return _step(
        request, election_id, lambda e: elections.open_election(actor=request.auth, election=e)
    )


@router.post(
    "/elections/{election_id}/term",
    response={201: TermOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="The winner takes office from the recognition date (NĐ 59 Art 8)",
)
@coded
def start_term(request, election_id: int):
    term = elections.start_term(actor=request.auth, election=_election(request, election_id))
    return Status(201, term)


# --- terms, dismissals, acting heads --------------------------------------------------------


@router.post(
    "/terms/{term_id}/extensions",
    response={200: TermOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Record a decision extending a term",
)
@coded
def extend_term(request, term_id: int, payload: ExtensionIn):
    return elections.extend_term(actor=request.auth, term=_term(term_id), **payload.dict())


@router.post(
    "/terms/{term_id}/dismissals",
    response={201: DismissalOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="A resignation or the Ban CTMT head's proposal to dismiss (NĐ 59 Art 9(1))",
)
@coded
def request_dismissal(request, term_id: int, payload: DismissalIn):
    dismissal = elections.request_dismissal(
        actor=request.auth, term=_term(term_id), **payload.dict()
    )
    return Status(201, dismissal)


@router.get("/dismissals/{dismissal_id}", response=DismissalOut, summary="One dismissal")
def get_dismissal(request, dismissal_id: int):
    return _dismissal(dismissal_id)


@router.post(
    "/dismissals/{dismissal_id}/vote",
    response={200: DismissalOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Put the dismissal to the community: a draft matter decided at a meeting",
)
@coded
def open_dismissal_vote(request, dismissal_id: int):
    dismissal = _dismissal(dismissal_id)
    elections.open_dismissal_vote(actor=request.auth, dismissal=dismissal)
    return _dismissal(dismissal_id)


@router.post(
    "/dismissals/{dismissal_id}/conclusion",
    response={200: DismissalOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="After recognition: the term ends and the 60-day clock starts (NĐ 59 Art 9(3))",
)
@coded
def conclude_dismissal(request, dismissal_id: int):
    return elections.conclude_dismissal(actor=request.auth, dismissal=_dismissal(dismissal_id))


@router.get(
    "/units/{code}/acting-heads",
    response=list[ActingHeadOut],
    summary="A village's acting heads, newest first",
)
def list_acting_heads(request, code: str):
    return list(
        ActingHead.objects.filter(village=_village(code)).select_related("person", "village")
    )


@router.post(
    "/units/{code}/acting-heads",
    response={201: ActingHeadOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="The commune UBND names an acting head, with UBMTTQ xã's agreement (Art 9(3))",
)
@coded
def appoint_acting_head(request, code: str, payload: ActingHeadIn):
    village = _village(code)
    # The role is checked before the person is looked up, so that nobody learns who lives where.
    permissions.require(request.auth, "decisions.recognise_committee", village.parent)
    data = payload.dict()
    person = _villager(village, data.pop("person_id"))
    acting = elections.appoint_acting_head(
        actor=request.auth, village=village, person=person, **data
    )
    return Status(201, acting)
