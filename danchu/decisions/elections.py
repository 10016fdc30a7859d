"""Village heads and board members, step by step: NĐ 59/2023/NĐ-CP Art 6–11; Law 10/2022 Art 33, 36.

Electing a Trưởng thôn (Art 6–8): the commune Chair decides and plans the election ≥ 20 days
before the meeting, sets up the election team ≥ 10 days before, and both decisions are made
public ≥ 07 days before; no candidate sits on the team. The elected person takes office only
when the commune UBND recognises the result: a Term exists from that day, never before.

Dismissal (Art 9): on a resignation or on the Ban CTMT head's proposal the community decides
at a meeting; the term ends on recognition, and within 60 days the commune UBND decides a new
election, an acting head serving meanwhile. The yearly conference (Law Art 33; NĐ 59 Art 10–11)
is agreed with UBND, UBMTTQ xã and the Ban TTND, and summoned ≥ 05 days ahead.

Every period here is in calendar days ("ngày"): none of these rules says working days.
"""

from __future__ import annotations

import calendar
import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts import permissions
from danchu.audit.services import record
from danchu.core.errors import ValidationError
from danchu.decisions import services
from danchu.decisions.models import (
    ActingHead,
    Candidacy,
    Conference,
    Dismissal,
    Election,
    ElectionTeamMember,
    Item,
    Matter,
    Office,
    Option,
    Term,
    TermExtension,
    TermSetting,
)
from danchu.people.models import Person
from danchu.units.models import Unit

ARTICLE_6 = "Điều 6 Nghị định 59/2023/NĐ-CP"
# NĐ 59 Art 6: calendar days between each decision and the election meeting, at least.
PLAN_MIN_DAYS = 20
TEAM_MIN_DAYS = 10
ANNOUNCEMENT_MIN_DAYS = 7
# NĐ 59 Art 9(3): the commune UBND decides a new election within 60 days of recognition.
NEW_ELECTION_WITHIN_DAYS = 60
# Law Art 36(2): a board seat vacant with at least 06 months of term left is filled.
BY_ELECTION_MIN_MONTHS = 6
# NĐ 59 Art 11: the summons reaches households at least 05 days before the conference.
SUMMONS_MIN_DAYS = 5
TERM_MONTHS_RANGE = (1, 120)

OFFICE_OF_ITEM = {
    Item.VILLAGE_HEAD: Office.VILLAGE_HEAD,
    Item.BOARD_MEMBERS: Office.INSPECTION_BOARD,
}
# Law Art 15(5): the Ban TTND and the investment-supervision boards (Art 36, 41).
OFFICES_OF_ITEM = {
    Item.VILLAGE_HEAD: (Office.VILLAGE_HEAD,),
    Item.BOARD_MEMBERS: (Office.INSPECTION_BOARD, Office.INVESTMENT_BOARD),
}
DISMISSAL_OPTIONS = ["Đồng ý cho thôi làm", "Không đồng ý"]


# --- small helpers --------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of the month `months` later; the 31st falls back to the month's last day."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _months_between(start: dt.date, end: dt.date) -> int:
    """Calendar months a term touches, at least one: its `months` when its end is a date."""
    return max(1, (end.year - start.year) * 12 + end.month - start.month)


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _same_name(a: str, b: str) -> bool:
    # Tone marks matter: "Hùng" and "Hưng" are two people, so no accent folding here.
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).lower().split())

    return norm(a) == norm(b)


def _clean(text: str, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


def _not_future(day: dt.date, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(
            _("%(what)s không được sau hôm nay."), code="date_in_future", params={"what": what}
        )


def _commune(village: Unit) -> Unit:
    return village.parent


def _village(unit: Unit) -> Unit:
    if unit.kind != Unit.Kind.VILLAGE or not unit.is_current():
        raise ValidationError(_("Chỉ áp dụng cho thôn, tổ dân phố đang tồn tại."), code="bad_unit")
    return unit


def recognition_permission(office: str) -> str:
    """Law Art 21(2): UBND xã recognises a village head, UBMTTQ xã a board member."""
    if office == Office.VILLAGE_HEAD:
        return "decisions.recognise_committee"
    return "decisions.recognise_front"


def organiser(election: Election) -> tuple[str, Unit]:
    """Who takes the Art 6 decisions: the commune Chair for a village head; for a board seat,
    the Ban CTMT with the village head (Law Art 36(2)), recorded on the village."""
    village = election.matter.unit
    if election.office == Office.VILLAGE_HEAD:
        return "decisions.recognise_committee", _commune(village)
    return "decisions.manage", village


def _lock_election(election: Election) -> Election:
    return (
        Election.objects.select_for_update(of=("self",))
        .select_related("matter__unit__parent")
        .get(pk=election.pk)
    )


def _require_draft(election: Election) -> None:
    if election.matter.status != Matter.Status.DRAFT:
        raise ValidationError(
            _("Cuộc bầu cử đã bắt đầu; danh sách và thời hạn chuẩn bị không còn thay đổi được."),
            code="election_started",
        )


# --- the Art 6 timeline ---------------------------------------------------------------------------


def _check_lead(day: dt.date | None, meeting_on: dt.date, minimum: int, message: str, code: str):
    if day is None:
        return
    days = (meeting_on - day).days
    if days < minimum:
        raise ValidationError(
            message, code=code, params={"day": _fmt(day), "n": days, "meeting": _fmt(meeting_on)}
        )


def check_timeline(
    *,
    meeting_on: dt.date,
    decided_on: dt.date,
    team_decided_on: dt.date | None = None,
    announced_on: dt.date | None = None,
) -> None:
    """NĐ 59 Art 6 (R17–R19): ≥ 20, ≥ 10 and ≥ 07 calendar days before the election meeting.

    "No later than 20 days before" the meeting of 31 December means on 11 December or
    earlier: the meeting date minus the decision date is at least 20.
    """
    _check_lead(
        decided_on,
        meeting_on,
        PLAN_MIN_DAYS,
        _(
            "Quyết định tổ chức bầu cử và kế hoạch phải ban hành chậm nhất 20 ngày trước ngày họp "
            "bầu %(meeting)s (Điều 6 Nghị định 59/2023/NĐ-CP); ngày %(day)s chỉ trước %(n)d ngày."
        ),
        "plan_too_late",
    )
    _check_lead(
        team_decided_on,
        meeting_on,
        TEAM_MIN_DAYS,
        _(
            "Quyết định thành lập Tổ bầu cử phải ban hành chậm nhất 10 ngày trước ngày họp bầu "
            "%(meeting)s (Điều 6 Nghị định 59/2023/NĐ-CP); ngày %(day)s chỉ trước %(n)d ngày."
        ),
        "team_too_late",
    )
    _check_lead(
        announced_on,
        meeting_on,
        ANNOUNCEMENT_MIN_DAYS,
        _(
            "Các quyết định về bầu cử phải được công bố chậm nhất 07 ngày trước ngày họp bầu "
            "%(meeting)s (Điều 6 Nghị định 59/2023/NĐ-CP); ngày %(day)s chỉ trước %(n)d ngày."
        ),
        "announcement_too_late",
    )
    steps = [d for d in (decided_on, team_decided_on, announced_on) if d is not None]
    if steps != sorted(steps):
        raise ValidationError(
            _(
                "Thứ tự không hợp lệ: quyết định tổ chức bầu cử, rồi quyết định thành lập Tổ bầu "
                "cử, rồi công bố (Điều 6 Nghị định 59/2023/NĐ-CP)."
            ),
            code="timeline_order",
        )


def _check_election_timeline(election: Election, **changes) -> None:
    """The Art 6 minimums bind the Trưởng thôn election; a board election records its dates."""
    dates = {
        "meeting_on": election.meeting_on,
        "decided_on": election.decided_on,
        "team_decided_on": election.team_decided_on,
        "announced_on": election.announced_on,
    } | changes
    if election.office == Office.VILLAGE_HEAD:
        check_timeline(**dates)
    elif any(d is not None and d > dates["meeting_on"] for d in dates.values()):
        raise ValidationError(
            _("Các bước chuẩn bị phải trước ngày họp bầu."), code="timeline_order"
        )


@transaction.atomic
def create_election(
    *,
    actor,
    village: Unit,
    item: int,
    meeting_on: dt.date,
    decided_on: dt.date,
    decision_ref: str = "",
    title: str = "",
    secret: bool = False,
    by_election_for: Term | None = None,
    office: str = "",
    project: str = "",
    project_ends_on: dt.date | None = None,
) -> Election:
    """The decision to hold an election and its plan (NĐ 59 Art 6; R17: ≥ 20 days before).

    Creates the election Matter (Art 15 item 4 or 5) as a draft; its ballot lists only the
    candidates added afterwards (Mẫu 05). A date that breaks a minimum writes nothing. Item 5
    elects a Ban TTND member (the default) or, with `office="investment_board"`, a resident
    member of one project's investment-supervision board (Law Art 41; NĐ 59 Art 17), which
    needs the project and the day its completion is planned.
    """
    _village(village)
    if item not in OFFICE_OF_ITEM:
        raise ValidationError(
            _("Bầu cử là nội dung khoản 4 hoặc 5 Điều 15 Luật 10/2022."), code="bad_item"
        )
    office = office or OFFICE_OF_ITEM[item]
    if office not in OFFICES_OF_ITEM[item]:
        raise ValidationError(
            _("Chức danh không thuộc nội dung khoản %(item)d Điều 15 Luật 10/2022."),
            code="bad_office",
            params={"item": item},
        )
    project = _clean(project, 300)
    if office == Office.INVESTMENT_BOARD:
        if not project or project_ends_on is None:
            raise ValidationError(
                _(
                    "Ban Giám sát đầu tư của cộng đồng gắn với một chương trình, dự án (Điều 41 "
                    "Luật 10/2022): hãy ghi tên dự án và ngày dự kiến hoàn thành."
                ),
                code="project_required",
            )
        if project_ends_on <= meeting_on:
            raise ValidationError(
                _("Ngày dự kiến hoàn thành dự án phải sau ngày bầu."), code="project_over"
            )
    else:
        project, project_ends_on = "", None
    probe = Election(office=office, matter=Matter(unit=village))
    permission, unit = organiser(probe)
    permissions.require(actor, permission, unit)
    _not_future(decided_on, _("Ngày quyết định"))
    _check_election_timeline(probe, meeting_on=meeting_on, decided_on=decided_on)
    if by_election_for is not None:
        _check_by_election(by_election_for, village, item, office)
    if not title:
        from danchu.core.pdf import without_prefix
        from danchu.decisions.printing import leader_title

        # "Bầu Trưởng thôn Đông Lỗ", "Bầu Tổ trưởng tổ dân phố Thao Chính".
        title = {
            Office.VILLAGE_HEAD: _("Bầu %(leader)s %(place)s"),
            Office.INSPECTION_BOARD: _("Bầu thành viên Ban Thanh tra nhân dân (%(village)s)"),
            Office.INVESTMENT_BOARD: _(
                "Bầu thành viên Ban Giám sát đầu tư của cộng đồng: %(project)s (%(village)s)"
            ),
        }[office] % {
            "village": village.name,
            "project": project,
            "leader": leader_title(village),
            "place": without_prefix(village),
        }
    # An election's ballot lists its candidates only; they are added as options later.
    matter = services.create_matter(
        actor=actor, unit=village, item=item, title=title, secret=secret, options=[]
    )
    election = Election.objects.create(
        matter=matter,
        office=office,
        meeting_on=meeting_on,
        decided_on=decided_on,
        decision_ref=_clean(decision_ref, 100),
        by_election_for=by_election_for,
        project=project,
        project_ends_on=project_ends_on,
    )
    record(
        actor=actor,
        action="decisions.election_created",
        obj=election,
        unit=village,
        payload={
            "matter": matter.pk,
            "office": office,
            "meeting_on": meeting_on,
            "decided_on": decided_on,
            "by_election_for": by_election_for.pk if by_election_for else None,
        },
    )
    return election


def _check_by_election(term: Term, village: Unit, item: int, office: str) -> None:
    if (
        item != Item.BOARD_MEMBERS
        or term.office != office
        or term.village_id != village.pk
        or term.ended_on is None
    ):
        raise ValidationError(
            _("Bầu bổ sung chỉ cho một ghế thành viên Ban đã khuyết của chính thôn này."),
            code="bad_by_election",
        )
    # NĐ 59 Art 17(1): UBMTTQ xã fills an investment-supervision board's seats whenever
    # short; only the Ban TTND has the 06-month rule (Law Art 36(2)).
    if office == Office.INSPECTION_BOARD and not by_election_required(term):
        raise ValidationError(
            _("Nhiệm kỳ còn dưới 06 tháng: không bầu bổ sung (Điều 36 khoản 2 Luật 10/2022)."),
            code="by_election_not_required",
        )


@transaction.atomic
def reschedule_election(*, actor, election: Election, meeting_on: dt.date) -> Election:
    """Move the meeting: every decision already taken must still meet its minimum (Art 6)."""
    election = _lock_election(election)
    permission, unit = organiser(election)
    permissions.require(actor, permission, unit)
    _require_draft(election)
    _check_election_timeline(election, meeting_on=meeting_on)
    previous = election.meeting_on
    election.meeting_on = meeting_on
    election.save(update_fields=["meeting_on"])
    record(
        actor=actor,
        action="decisions.election_rescheduled",
        obj=election,
        unit=election.matter.unit,
        payload={"from": previous, "to": meeting_on},
    )
    return election


# --- the election team and the candidates ---------------------------------------------------------


@dataclass
class TeamMemberInput:
    full_name: str
    person: Person | None = None
    role: str = ElectionTeamMember.Role.MEMBER
    representing: str = ""


def _check_not_candidate(election: Election, full_name: str, person: Person | None) -> None:
    """NĐ 59 Art 6: a candidate may not sit on the election team."""
    candidacies = Candidacy.objects.filter(election=election).select_related("person")
    for candidacy in candidacies:
        clash = (
            candidacy.person_id == person.pk
            if person is not None
            else _same_name(candidacy.person.full_name, full_name)
        )
        if clash:
            raise ValidationError(
                _(
                    "%(name)s là người ứng cử nên không được tham gia Tổ bầu cử (%(article)s). "
                    "Nếu là người trùng tên, hãy chọn đúng hồ sơ nhân khẩu của thành viên."
                ),
                code="candidate_on_team",
                params={"name": candidacy.person.full_name, "article": ARTICLE_6},
            )


def _add_member(election: Election, member: TeamMemberInput) -> ElectionTeamMember:
    name = _clean(member.full_name or (member.person.full_name if member.person else ""), 200)
    if not name:
        raise ValidationError(_("Hãy ghi họ tên thành viên Tổ bầu cử."), code="name_required")
    if member.role not in ElectionTeamMember.Role.values:
        raise ValidationError(_("Vai trò trong Tổ bầu cử không hợp lệ."), code="bad_role")
    _check_not_candidate(election, name, member.person)
    if member.person is not None and election.team.filter(person=member.person).exists():
        raise ValidationError(
            _("%(name)s đã có trong Tổ bầu cử."), code="duplicate_member", params={"name": name}
        )
    if (
        member.role == ElectionTeamMember.Role.LEADER
        and election.team.filter(role=ElectionTeamMember.Role.LEADER).exists()
    ):
        raise ValidationError(_("Tổ bầu cử chỉ có một tổ trưởng."), code="second_leader")
    return ElectionTeamMember.objects.create(
        election=election,
        full_name=name,
        person=member.person,
        role=member.role,
        representing=_clean(member.representing, 200),
    )


@transaction.atomic
def appoint_election_team(
    *,
    actor,
    election: Election,
    decided_on: dt.date,
    members: list[TeamMemberInput],
    decision_ref: str = "",
) -> Election:
    """The decision setting up the Tổ bầu cử (NĐ 59 Art 6; R18: ≥ 10 days before the meeting).

    Led by a Ban CTMT representative, with representatives of mass organisations and of
    households; no candidate on it.
    """
    election = _lock_election(election)
    permission, unit = organiser(election)
    permissions.require(actor, permission, unit)
    _require_draft(election)
    if election.team_decided_on is not None:
        raise ValidationError(
            _("Tổ bầu cử đã được thành lập; hãy bổ sung từng thành viên."), code="team_exists"
        )
    _not_future(decided_on, _("Ngày quyết định thành lập Tổ bầu cử"))
    _check_election_timeline(election, team_decided_on=decided_on)
    leaders = [m for m in members if m.role == ElectionTeamMember.Role.LEADER]
    if len(leaders) != 1:
        raise ValidationError(
            _("Tổ bầu cử có một tổ trưởng là đại diện Ban công tác Mặt trận (%(article)s)."),
            code="leader_required",
            params={"article": ARTICLE_6},
        )
    created = [_add_member(election, m) for m in members]
    election.team_decided_on = decided_on
    election.team_decision_ref = _clean(decision_ref, 100)
    election.save(update_fields=["team_decided_on", "team_decision_ref"])
    record(
        actor=actor,
        action="decisions.election_team",
        obj=election,
        unit=election.matter.unit,
        payload={"decided_on": decided_on, "members": [m.full_name for m in created]},
    )
    return election


@transaction.atomic
def add_team_member(*, actor, election: Election, member: TeamMemberInput) -> ElectionTeamMember:
    """One more member of an existing election team; never a candidate (NĐ 59 Art 6)."""
    election = _lock_election(election)
    permission, unit = organiser(election)
    permissions.require(actor, permission, unit)
    _require_draft(election)
    if election.team_decided_on is None:
        raise ValidationError(_("Chưa có quyết định thành lập Tổ bầu cử."), code="no_team")
    created = _add_member(election, member)
    record(
        actor=actor,
        action="decisions.election_team_member",
        obj=election,
        unit=election.matter.unit,
        payload={"name": created.full_name, "role": created.role},
    )
    return created


@transaction.atomic
def announce_election(*, actor, election: Election, announced_on: dt.date, how: str) -> Election:
    """Both decisions made public: posted at the village cultural house and announced on the
    radio or another suitable way (NĐ 59 Art 6; R19: ≥ 07 days before the meeting)."""
    election = _lock_election(election)
    village = election.matter.unit
    permissions.require(actor, "decisions.manage", village)
    _require_draft(election)
    if election.team_decided_on is None:
        raise ValidationError(
            _("Chưa có quyết định thành lập Tổ bầu cử để công bố."), code="no_team"
        )
    how = _clean(how, 300)
    if not how:
        raise ValidationError(
            _("Hãy ghi hình thức công bố (niêm yết tại nhà văn hóa, loa truyền thanh…)."),
            code="how_required",
        )
    _not_future(announced_on, _("Ngày công bố"))
    _check_election_timeline(election, announced_on=announced_on)
    election.announced_on = announced_on
    election.announced_how = how
    election.save(update_fields=["announced_on", "announced_how"])
    record(
        actor=actor,
        action="decisions.election_announced",
        obj=election,
        unit=village,
        payload={"announced_on": announced_on, "how": how},
    )
    return election


@transaction.atomic
def record_candidate_list(*, actor, election: Election, met_on: dt.date, minutes: str) -> Election:
    """The meeting that drew up the candidate list, recorded on Mẫu 05 (NĐ 59 Art 6)."""
    election = _lock_election(election)
    permissions.require(actor, "decisions.manage", election.matter.unit)
    _require_draft(election)
    _not_future(met_on, _("Ngày họp"))
    if met_on > election.meeting_on or not (minutes or "").strip():
        raise ValidationError(
            _("Biên bản (Mẫu 05) cần nội dung và ngày họp trước ngày bầu."), code="bad_minutes"
        )
    election.candidate_list_met_on = met_on
    election.candidate_list_minutes = minutes.strip()[:20000]
    election.save(update_fields=["candidate_list_met_on", "candidate_list_minutes"])
    record(
        actor=actor,
        action="decisions.candidate_list",
        obj=election,
        unit=election.matter.unit,
        payload={"met_on": met_on},
    )
    return election


@transaction.atomic
def add_candidate(
    *,
    actor,
    election: Election,
    person: Person,
    source: str = Candidacy.Source.FRONT,
    label: str = "",
) -> Candidacy:
    """A line of the candidate list (Mẫu 05): an Option on the draft Matter with its person.

    A member of the election team cannot stand (NĐ 59 Art 6).
    """
    election = _lock_election(election)
    permissions.require(actor, "decisions.manage", election.matter.unit)
    _require_draft(election)
    if source not in Candidacy.Source.values:
        raise ValidationError(_("Nguồn giới thiệu không hợp lệ."), code="bad_source")
    for member in election.team.all():
        clash = (
            member.person_id == person.pk
            if member.person_id is not None
            else _same_name(member.full_name, person.full_name)
        )
        if clash:
            raise ValidationError(
                _(
                    "%(name)s là thành viên Tổ bầu cử nên không được ứng cử (%(article)s). Nếu là "
                    "người trùng tên, hãy gắn thành viên Tổ bầu cử với đúng hồ sơ nhân khẩu."
                ),
                code="candidate_on_team",
                params={"name": member.full_name, "article": ARTICLE_6},
            )
    if Candidacy.objects.filter(election=election, person=person).exists():
        raise ValidationError(
            _("%(name)s đã có trong danh sách ứng cử."),
            code="duplicate_candidate",
            params={"name": person.full_name},
        )
    matter = election.matter
    label = _clean(label or person.full_name, 200)
    if matter.options.filter(label=label).exists():
        raise ValidationError(
            _(
                "Đã có người ứng cử tên “%(label)s”; hãy ghi thêm năm sinh hoặc địa chỉ để "
                "phân biệt."
            ),
            code="duplicate_label",
            params={"label": label},
        )
    option = Option.objects.create(
        matter=matter, label=label, position=matter.options.count(), candidate=person
    )
    candidacy = Candidacy.objects.create(
        election=election, option=option, person=person, source=source
    )
    record(
        actor=actor,
        action="decisions.candidate_added",
        obj=election,
        unit=matter.unit,
        payload={"label": label, "person": person.pk, "source": source},
    )
    return candidacy


def preparation_missing(matter: Matter) -> list[str]:
    """What an election matter still lacks before it may open (NĐ 59 Art 6; candidates)."""
    election = Election.objects.filter(matter=matter).first()
    missing = []
    if election is None:
        if matter.item == Item.VILLAGE_HEAD:
            missing.append(_("kế hoạch bầu cử (tạo cuộc bầu cử trước)"))
        elif not matter.options.exists():
            missing.append(_("danh sách người ứng cử"))
        return missing
    if election.office == Office.VILLAGE_HEAD:
        if election.team_decided_on is None:
            missing.append(_("quyết định thành lập Tổ bầu cử"))
        if election.announced_on is None:
            missing.append(_("việc công bố các quyết định"))
    if not election.candidacies.exists():
        missing.append(_("danh sách người ứng cử"))
    return missing


@transaction.atomic
def open_election(*, actor, election: Election) -> Election:
    """Open the election meeting once the Art 6 preparation is complete (R17–R19)."""
    election = _lock_election(election)
    village = election.matter.unit
    permissions.require(actor, "decisions.manage", village)
    _require_draft(election)
    services.check_form_allowed(election.matter, "meeting")
    missing = preparation_missing(election.matter)
    if missing:
        raise ValidationError(
            _("Chưa đủ điều kiện tổ chức bầu (%(article)s): thiếu %(missing)s."),
            code="not_prepared",
            params={"article": ARTICLE_6, "missing": "; ".join(missing)},
        )
    services.open_matter(actor=actor, matter=election.matter, form="meeting")
    election.refresh_from_db()
    return election


# --- who sees an election ------------------------------------------------------------------


def organises(user, village: Unit) -> bool:
    """Those who prepare an election before it is announced: the village side, the commune
    Chair (village head elections) and the Front (which leads the election team)."""
    return (
        permissions.can(user, "decisions.manage", village)
        or permissions.can(user, "decisions.recognise_committee", village.parent)
        or permissions.can(user, "decisions.front_agree", village)
    )


# NĐ 59 Art 6: both decisions are made public; from then on, or once its meeting opens, the
# election is everyone's to see.
_PUBLIC = Q(announced_on__isnull=False) | ~Q(matter__status=Matter.Status.DRAFT)


def may_see(user, election: Election) -> bool:
    public = election.announced_on is not None or election.matter.status != Matter.Status.DRAFT
    return public or organises(user, election.matter.unit)


def visible_elections(user, village: Unit):
    rows = Election.objects.filter(matter__unit=village).select_related("matter")
    return rows if organises(user, village) else rows.filter(_PUBLIC)


# --- terms of office ------------------------------------------------------------------------------


def term_months(village: Unit) -> int:
    """R23: the province's term (TermSetting), else DECISIONS_TERM_MONTHS_DEFAULT."""
    ancestor_ids = [int(pk) for pk in village.path.strip("/").split("/") if pk]
    months = (
        TermSetting.objects.filter(province_id__in=ancestor_ids)
        .values_list("months", flat=True)
        .first()
    )
    return months or settings.DECISIONS_TERM_MONTHS_DEFAULT


@transaction.atomic
def set_term_length(*, actor, province: Unit, months: int, basis: str = "") -> TermSetting:
    """The province's term for village heads: 2½ or 5 years (TT 04/2012/TT-BNV as amended).

    Applies to terms that start afterwards; a running term changes only by an extension.
    """
    permissions.require(actor, "decisions.recognise_committee", province)
    if province.kind != Unit.Kind.PROVINCE:
        raise ValidationError(_("Nhiệm kỳ do cấp tỉnh quy định."), code="not_province")
    low, high = TERM_MONTHS_RANGE
    if not low <= months <= high:
        raise ValidationError(
            _("Nhiệm kỳ phải từ %(low)d đến %(high)d tháng."),
            code="bad_months",
            params={"low": low, "high": high},
        )
    setting, _created = TermSetting.objects.update_or_create(
        province=province, defaults={"months": months, "basis": _clean(basis, 300)}
    )
    record(
        actor=actor,
        action="decisions.term_setting",
        obj=setting,
        unit=province,
        payload={"months": months, "basis": setting.basis},
    )
    return setting


@transaction.atomic
def start_term(*, actor, election: Election) -> Term:
    """The winner takes office on the day the result is recognised, not before (NĐ 59 Art 8;
    Law Art 21(2)). The term runs for the province's length (R23); a by-elected board member
    serves the rest of the vacated term (Law Art 36(2))."""
    election = _lock_election(election)
    matter = election.matter
    village = matter.unit
    permissions.require(actor, recognition_permission(election.office), _commune(village))
    if not services.is_effective(matter):
        raise ValidationError(
            _(
                "Người trúng cử chỉ nhận nhiệm vụ khi kết quả bầu được công nhận (Điều 8 Nghị định "
                "59/2023/NĐ-CP; Điều 21 khoản 2 Luật 10/2022); kết quả này chưa được công nhận."
            ),
            code="not_recognised",
        )
    winner = matter.winner
    if winner is None or winner.candidate_id is None:
        raise ValidationError(_("Không có người trúng cử."), code="no_winner")
    if Term.objects.filter(election=election).exists():
        raise ValidationError(_("Nhiệm kỳ đã được ghi nhận."), code="term_exists")
    start = matter.recognised_on
    replaced = election.by_election_for
    if replaced:
        months, planned_end = replaced.months, replaced.ends_on
    elif election.office == Office.INVESTMENT_BOARD:
        # Law Art 41(1): the board serves its project and dissolves when the task is done.
        planned_end = election.project_ends_on
        if planned_end is None or planned_end <= start:
            raise ValidationError(
                _("Dự án đã đến ngày dự kiến hoàn thành; hãy ghi quyết định kéo dài trước."),
                code="project_over",
            )
        months = _months_between(start, planned_end)
    else:
        months = term_months(village)
        planned_end = add_months(start, months)
    if election.office != Office.INVESTMENT_BOARD:
        _close_predecessors(village, election.office, start)
    try:
        with transaction.atomic():
            term = Term.objects.create(
                village=village,
                person_id=winner.candidate_id,
                office=election.office,
                election=election,
                started_on=start,
                months=months,
                planned_end_on=planned_end,
                ends_on=planned_end,
            )
    except IntegrityError:
        raise ValidationError(
            _("Chức danh này đã có người đang giữ."), code="office_taken"
        ) from None
    record(
        actor=actor,
        action="decisions.term_started",
        obj=term,
        unit=village,
        payload={"person": term.person_id, "office": term.office, "from": start, "to": planned_end},
    )
    return term


@transaction.atomic
def record_existing_term(
    *,
    actor,
    village: Unit,
    office: str,
    person: Person,
    started_on: dt.date,
    ends_on: dt.date,
    basis: str,
) -> Term:
    """A term that began before the commune used danchu, recorded from its recognition decision
    (Law Art 21(2): UBND xã for a head, UBMTTQ xã for a board member), so that the village's
    head, the term's end and the 60-day clocks are known from the first day. Only the body
    that recognised it records it; it changes nothing already in danchu."""
    _village(village)
    if office not in Office.values:
        raise ValidationError(_("Chức danh không hợp lệ."), code="bad_office")
    permissions.require(actor, recognition_permission(office), _commune(village))
    basis = _clean(basis, 300)
    if not basis:
        raise ValidationError(
            _("Hãy ghi số, ngày quyết định công nhận kết quả bầu (Điều 21 khoản 2 Luật 10/2022)."),
            code="basis_required",
        )
    _not_future(started_on, _("Ngày bắt đầu nhiệm kỳ"))
    if ends_on <= timezone.localdate():
        raise ValidationError(
            _("Chỉ ghi nhận nhiệm kỳ đang diễn ra; nhiệm kỳ này đã kết thúc."), code="term_over"
        )
    if ends_on <= started_on:
        raise ValidationError(_("Ngày hết nhiệm kỳ phải sau ngày bắt đầu."), code="bad_end")
    if (
        office == Office.VILLAGE_HEAD
        and ActingHead.objects.filter(village=village, ended_on__isnull=True).exists()
    ):
        raise ValidationError(
            _("Thôn đang có Trưởng thôn lâm thời; Trưởng thôn mới nhận nhiệm vụ qua bầu cử."),
            code="acting_head_serving",
        )
    months = _months_between(started_on, ends_on)
    try:
        with transaction.atomic():
            term = Term.objects.create(
                village=village,
                person=person,
                office=office,
                election=None,
                basis=basis,
                started_on=started_on,
                months=months,
                planned_end_on=ends_on,
                ends_on=ends_on,
            )
    except IntegrityError:
        raise ValidationError(
            _("Chức danh này đã có người đang giữ."), code="office_taken"
        ) from None
    record(
        actor=actor,
        action="decisions.term_recorded",
        obj=term,
        unit=village,
        payload={
            "person": person.pk,
            "office": office,
            "from": started_on,
            "to": ends_on,
            "basis": basis,
        },
    )
    return term


def _close_predecessors(village: Unit, office: str, start: dt.date) -> None:
    """The previous holder leaves when the new one is recognised (or left at the term's end)."""
    for previous in Term.objects.select_for_update().filter(
        village=village, office=office, ended_on__isnull=True
    ):
        expired = previous.ends_on <= start
        previous.ended_on = max(previous.started_on, previous.ends_on if expired else start)
        previous.end_reason = Term.EndReason.EXPIRED if expired else Term.EndReason.SUCCEEDED
        previous.save(update_fields=["ended_on", "end_reason"])
    if office == Office.VILLAGE_HEAD:
        for acting in ActingHead.objects.select_for_update().filter(
            village=village, ended_on__isnull=True
        ):
            acting.ended_on = max(acting.appointed_on, start)
            acting.save(update_fields=["ended_on"])


@transaction.atomic
def extend_term(
    *, actor, term: Term, decision_ref: str, decided_on: dt.date, new_end_on: dt.date
) -> Term:
    """A recorded decision extending a term (provinces extended terms in 2025–26, LAW.md §2.4)."""
    term = (
        Term.objects.select_for_update(of=("self",))
        .select_related("village__parent")
        .get(pk=term.pk)
    )
    permissions.require(actor, recognition_permission(term.office), _commune(term.village))
    if term.ended_on is not None:
        raise ValidationError(_("Nhiệm kỳ đã kết thúc."), code="term_ended")
    decision_ref = _clean(decision_ref, 100)
    if not decision_ref:
        raise ValidationError(_("Hãy ghi số quyết định kéo dài nhiệm kỳ."), code="ref_required")
    _not_future(decided_on, _("Ngày quyết định"))
    if new_end_on <= term.ends_on:
        raise ValidationError(
            _("Ngày hết nhiệm kỳ mới phải sau %(end)s."),
            code="not_later",
            params={"end": _fmt(term.ends_on)},
        )
    TermExtension.objects.create(
        term=term,
        decision_ref=decision_ref,
        decided_on=decided_on,
        previous_end_on=term.ends_on,
        new_end_on=new_end_on,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    previous, term.ends_on = term.ends_on, new_end_on
    term.save(update_fields=["ends_on"])
    record(
        actor=actor,
        action="decisions.term_extended",
        obj=term,
        unit=term.village,
        payload={"decision": decision_ref, "from": previous, "to": new_end_on},
    )
    return term


@dataclass
class Incumbent:
    person: Person
    acting: bool
    since: dt.date
    until: dt.date | None  # None for an acting head: the law sets no limit
    term: Term | None = None
    appointment: ActingHead | None = None


def in_office(on: dt.date) -> Q:
    """A term or an acting appointment not yet ended on `on` (the end day is out of office)."""
    return Q(ended_on__isnull=True) | Q(ended_on__gt=on)


def serving_terms(office: str, on: dt.date | None = None, **where):
    """The terms of `office` running on a day, narrowed by `where` (village=…, village__in=…)."""
    on = on or timezone.localdate()
    return (
        Term.objects.filter(office=office, started_on__lte=on, ends_on__gt=on, **where)
        .filter(in_office(on))
        .select_related("person")
    )


def current_term(village: Unit, office: str, on: dt.date | None = None) -> Term | None:
    return serving_terms(office, on, village=village).first()


def current_head(village: Unit, on: dt.date | None = None) -> Incumbent | None:
    """Who heads the village on a day: the recognised head (NĐ 59 Art 8), else the acting head
    (Art 9(3)). Before recognition, nobody: an elected person is not yet in office."""
    on = on or timezone.localdate()
    term = current_term(village, Office.VILLAGE_HEAD, on)
    if term is not None:
        return Incumbent(term.person, False, term.started_on, term.ends_on, term=term)
    acting = (
        ActingHead.objects.filter(village=village, appointed_on__lte=on)
        .filter(in_office(on))
        .select_related("person")
        .first()
    )
    if acting is not None:
        return Incumbent(acting.person, True, acting.appointed_on, None, appointment=acting)
    return None


def by_election_required(term: Term, vacancy_on: dt.date | None = None) -> bool:
    """Law Art 36(2) (R30): a Ban TTND seat vacant with ≥ 06 months of term left is filled by
    a by-election held by the Ban CTMT and the village head."""
    if term.office != Office.INSPECTION_BOARD:
        raise ValidationError(
            _("Quy định bầu bổ sung (Điều 36 khoản 2) áp dụng cho thành viên Ban TTND."),
            code="not_board",
        )
    vacancy_on = vacancy_on or term.ended_on
    if vacancy_on is None:
        return False
    return add_months(vacancy_on, BY_ELECTION_MIN_MONTHS) <= term.ends_on


# --- resignation and dismissal (NĐ 59 Art 9) ------------------------------------------------------


@transaction.atomic
def request_dismissal(
    *,
    actor,
    term: Term,
    grounds: str,
    submitted_on: dt.date,
    reason: str,
    submitted_by_name: str = "",
) -> Dismissal:
    """(a) The holder's written resignation to the commune Chair, or (b) the Ban CTMT head's
    proposal to dismiss, with reasons (NĐ 59 Art 9(1))."""
    term = (
        Term.objects.select_for_update(of=("self",))
        .select_related("village", "person")
        .get(pk=term.pk)
    )
    if grounds == Dismissal.Grounds.RESIGNATION:
        permissions.require(actor, "decisions.manage", term.village)
        submitted_by_name = submitted_by_name or term.person.full_name
    elif grounds == Dismissal.Grounds.PROPOSAL:
        permissions.require(actor, "decisions.front_agree", term.village)
    else:
        raise ValidationError(_("Căn cứ cho thôi làm không hợp lệ."), code="bad_grounds")
    if term.ended_on is not None:
        raise ValidationError(_("Người này không còn giữ chức."), code="term_ended")
    reason = (reason or "").strip()
    submitted_by_name = _clean(submitted_by_name, 200)
    if not reason or not submitted_by_name:
        raise ValidationError(
            _("Đơn hoặc đề nghị phải ghi rõ người gửi và lý do (Điều 9 Nghị định 59/2023/NĐ-CP)."),
            code="reason_required",
        )
    _not_future(submitted_on, _("Ngày gửi"))
    if term.dismissals.filter(outcome=Dismissal.Outcome.PENDING).exists():
        raise ValidationError(
            _("Đã có một đề nghị cho thôi làm đang xem xét."), code="dismissal_pending"
        )
    dismissal = Dismissal.objects.create(
        term=term,
        village=term.village,
        grounds=grounds,
        submitted_on=submitted_on,
        submitted_by_name=submitted_by_name,
        reason=reason[:5000],
    )
    record(
        actor=actor,
        action="decisions.dismissal_requested",
        obj=dismissal,
        unit=term.village,
        payload={"grounds": grounds, "term": term.pk, "submitted_on": submitted_on},
    )
    return dismissal


def _lock_dismissal(dismissal: Dismissal) -> Dismissal:
    return (
        Dismissal.objects.select_for_update(of=("self",))
        .select_related("term__person", "village__parent", "matter")
        .get(pk=dismissal.pk)
    )


@transaction.atomic
def open_dismissal_vote(*, actor, dismissal: Dismissal, title: str = "") -> Matter:
    """The community decides a dismissal at a meeting (NĐ 59 Art 9; Law Art 15(4), 17(2)).

    A draft Matter of item 4 (or 5) whose first option, "Đồng ý cho thôi làm", must carry.
    """
    dismissal = _lock_dismissal(dismissal)
    if dismissal.outcome != Dismissal.Outcome.PENDING or dismissal.matter_id:
        raise ValidationError(_("Đề nghị này đã được đưa ra biểu quyết."), code="vote_exists")
    term = dismissal.term
    item = Item.VILLAGE_HEAD if term.office == Office.VILLAGE_HEAD else Item.BOARD_MEMBERS
    title = title or _("Cho thôi làm %(office)s đối với ông/bà %(name)s") % {
        "office": term.get_office_display(),
        "name": term.person.full_name,
    }
    matter = services.create_matter(
        actor=actor,
        unit=dismissal.village,
        item=item,
        title=title,
        options=DISMISSAL_OPTIONS,
        kind=Matter.Kind.DECISION,  # adopted only by its first option, "agree to dismiss"
    )
    dismissal.matter = matter
    dismissal.save(update_fields=["matter"])
    record(
        actor=actor,
        action="decisions.dismissal_vote",
        obj=dismissal,
        unit=dismissal.village,
        payload={"matter": matter.pk},
    )
    return matter


def _dismissal_carried(matter: Matter) -> bool:
    # A dismissal is a "decision": only the first option ("agree to dismiss") can be adopted.
    first = matter.options.order_by("position", "pk").first()
    return bool(matter.adopted and first is not None and matter.winner_id == first.pk)


@transaction.atomic
def conclude_dismissal(*, actor, dismissal: Dismissal) -> Dismissal:
    """After recognition (Law Art 21(2)): the term ends on the recognition date and the
    60-day clock for the commune UBND to decide a new election starts (NĐ 59 Art 9(3), R22).
    A vote that did not carry, or a refused recognition, leaves the holder in office."""
    dismissal = _lock_dismissal(dismissal)
    term = dismissal.term
    permissions.require(actor, recognition_permission(term.office), _commune(dismissal.village))
    matter = dismissal.matter
    if dismissal.outcome != Dismissal.Outcome.PENDING:
        raise ValidationError(_("Đề nghị này đã có kết quả."), code="already_concluded")
    if matter is None or matter.status != Matter.Status.CLOSED:
        raise ValidationError(_("Cộng đồng chưa biểu quyết xong."), code="not_decided")
    carried = _dismissal_carried(matter)
    if carried and matter.refused_on is None and not services.is_effective(matter):
        raise ValidationError(
            _(
                "Việc cho thôi làm chỉ có hiệu lực từ ngày được công nhận (Điều 21 khoản 2 Luật "
                "10/2022); chưa có quyết định công nhận."
            ),
            code="not_recognised",
        )
    if carried and matter.refused_on is None:
        dismissal.outcome = Dismissal.Outcome.DISMISSED
        dismissal.effective_on = matter.recognised_on
        if term.office == Office.VILLAGE_HEAD:
            dismissal.new_election_due_on = new_election_due_on(dismissal)
        term = Term.objects.select_for_update().get(pk=term.pk)
        term.ended_on = matter.recognised_on
        term.end_reason = Term.EndReason.DISMISSED
        term.save(update_fields=["ended_on", "end_reason"])
    else:
        dismissal.outcome = Dismissal.Outcome.RETAINED
    dismissal.save(update_fields=["outcome", "effective_on", "new_election_due_on"])
    record(
        actor=actor,
        action="decisions.dismissal_concluded",
        obj=dismissal,
        unit=dismissal.village,
        payload={
            "outcome": dismissal.outcome,
            "effective_on": dismissal.effective_on,
            "new_election_due_on": dismissal.new_election_due_on,
        },
    )
    return dismissal


def new_election_due_on(dismissal: Dismissal) -> dt.date | None:
    """NĐ 59 Art 9(3) (R22): 60 calendar days from the recognition of the dismissal."""
    if dismissal.effective_on is None or dismissal.term.office != Office.VILLAGE_HEAD:
        return None
    return dismissal.effective_on + dt.timedelta(days=NEW_ELECTION_WITHIN_DAYS)


def villages_overdue_for_election(commune: Unit, today: dt.date | None = None) -> list[Dismissal]:
    """Dismissals in the commune whose 60 days have run out with no decision to hold a new
    election (an Election decided on or after the dismissal took effect)."""
    today = today or timezone.localdate()
    decided = Election.objects.filter(
        matter__unit=OuterRef("village"),
        office=Office.VILLAGE_HEAD,
        decided_on__gte=OuterRef("effective_on"),
    )
    return list(
        Dismissal.objects.filter(
            village__path__startswith=commune.path,
            outcome=Dismissal.Outcome.DISMISSED,
            new_election_due_on__lt=today,
        )
        .exclude(Exists(decided))
        .select_related("village", "term__person")
        .order_by("new_election_due_on", "pk")
    )


@transaction.atomic
def appoint_acting_head(
    *,
    actor,
    village: Unit,
    person: Person,
    appointed_on: dt.date,
    front_agreed_on: dt.date,
    decision_ref: str = "",
) -> ActingHead:
    """The commune UBND, agreeing with UBMTTQ xã, names an acting (lâm thời) head while the
    post is vacant (NĐ 59 Art 9(3)). No end date: the law sets no limit to the acting term;
    it ends when an elected head is recognised, or a new acting head is named."""
    _village(village)
    permissions.require(actor, "decisions.recognise_committee", _commune(village))
    _not_future(appointed_on, _("Ngày chỉ định"))
    if front_agreed_on > appointed_on:
        raise ValidationError(
            _(
                "UBND xã chỉ định sau khi thống nhất với UBMTTQ xã (Điều 9 Nghị định "
                "59/2023/NĐ-CP)."
            ),
            code="front_agreement_after",
        )
    if current_term(village, Office.VILLAGE_HEAD, appointed_on) is not None:
        raise ValidationError(
            _("Thôn đang có Trưởng thôn được công nhận; không chỉ định Trưởng thôn lâm thời."),
            code="office_filled",
        )
    for previous in ActingHead.objects.select_for_update().filter(
        village=village, ended_on__isnull=True
    ):
        if previous.appointed_on > appointed_on:
            raise ValidationError(
                _("Đã có Trưởng thôn lâm thời chỉ định sau ngày này."), code="later_appointment"
            )
        previous.ended_on = appointed_on
        previous.save(update_fields=["ended_on"])
    acting = ActingHead.objects.create(
        village=village,
        person=person,
        appointed_on=appointed_on,
        front_agreed_on=front_agreed_on,
        decision_ref=_clean(decision_ref, 100),
    )
    record(
        actor=actor,
        action="decisions.acting_head",
        obj=acting,
        unit=village,
        payload={
            "person": person.pk,
            "appointed_on": appointed_on,
            "front_agreed_on": front_agreed_on,
        },
    )
    return acting


# --- the annual community conference (Law Art 33; NĐ 59 Art 10–11) --------------------------------

AGREEING_BODIES = {
    # body -> (field, permission, on the commune?)
    "committee": ("committee_agreed_on", "decisions.recognise_committee", True),
    "front": ("front_agreed_on", "decisions.front_agree", False),
    # No permission exists for the Ban TTND member; the village side records its agreement.
    "inspection_board": ("inspection_board_agreed_on", "decisions.manage", False),
}


def _lock_conference(conference: Conference) -> Conference:
    return (
        Conference.objects.select_for_update(of=("self",))
        .select_related("village__parent")
        .get(pk=conference.pk)
    )


def _require_not_held(conference: Conference) -> None:
    if conference.held:
        raise ValidationError(_("Hội nghị đã được tổ chức."), code="already_held")


@transaction.atomic
def plan_conference(
    *, actor, village: Unit, year: int, held_on: dt.date, place: str, plan: str
) -> Conference:
    """The village head and the Ban CTMT draw up the plan: time, place, content, organisation
    (NĐ 59 Art 10–11). One conference per village per year (Law Art 33, R24)."""
    _village(village)
    permissions.require(actor, "decisions.manage", village)
    place, plan = _clean(place, 300), (plan or "").strip()
    if not place or not plan:
        raise ValidationError(
            _("Kế hoạch hội nghị cần địa điểm và nội dung."), code="plan_required"
        )
    if held_on.year != year:
        raise ValidationError(
            _("Hội nghị định kỳ năm %(year)d tổ chức trong năm đó (Điều 33 Luật 10/2022)."),
            code="wrong_year",
            params={"year": year},
        )
    duplicate = ValidationError(
        _(
            "%(village)s đã có hội nghị định kỳ năm %(year)d; mỗi năm một lần (Điều 33 Luật "
            "10/2022)."
        ),
        code="one_per_year",
        params={"village": village.name, "year": year},
    )
    if Conference.objects.filter(village=village, year=year).exists():
        raise duplicate
    try:
        with transaction.atomic():
            conference = Conference.objects.create(
                village=village, year=year, held_on=held_on, place=place, plan=plan[:20000]
            )
    except IntegrityError:
        raise duplicate from None
    record(
        actor=actor,
        action="decisions.conference_planned",
        obj=conference,
        unit=village,
        payload={"year": year, "held_on": held_on, "place": place},
    )
    return conference


@transaction.atomic
def send_conference_plan(*, actor, conference: Conference, sent_on: dt.date) -> Conference:
    """The plan goes to the commune UBND, UBMTTQ xã and the Ban TTND for agreement (NĐ 59
    Art 11)."""
    conference = _lock_conference(conference)
    permissions.require(actor, "decisions.manage", conference.village)
    _require_not_held(conference)
    _not_future(sent_on, _("Ngày gửi"))
    if sent_on > conference.held_on:
        raise ValidationError(_("Kế hoạch phải gửi trước ngày hội nghị."), code="plan_late")
    conference.plan_sent_on = sent_on
    conference.save(update_fields=["plan_sent_on"])
    record(
        actor=actor,
        action="decisions.conference_plan_sent",
        obj=conference,
        unit=conference.village,
        payload={"sent_on": sent_on},
    )
    return conference


@transaction.atomic
def record_conference_agreement(
    *, actor, conference: Conference, body: str, agreed_on: dt.date
) -> Conference:
    """Agreement of the commune UBND, UBMTTQ xã or the Ban TTND, before the conference
    (NĐ 59 Art 11; R24)."""
    conference = _lock_conference(conference)
    if body not in AGREEING_BODIES:
        raise ValidationError(_("Cơ quan thống nhất không hợp lệ."), code="bad_body")
    field, permission, on_commune = AGREEING_BODIES[body]
    unit = _commune(conference.village) if on_commune else conference.village
    permissions.require(actor, permission, unit)
    _require_not_held(conference)
    if conference.plan_sent_on is None:
        raise ValidationError(_("Kế hoạch chưa được gửi."), code="plan_not_sent")
    _not_future(agreed_on, _("Ngày thống nhất"))
    if not conference.plan_sent_on <= agreed_on <= conference.held_on:
        raise ValidationError(
            _(
                "Kế hoạch phải được thống nhất sau khi gửi và trước khi tổ chức hội nghị (Điều 11 "
                "Nghị định 59/2023/NĐ-CP)."
            ),
            code="agreement_date",
        )
    setattr(conference, field, agreed_on)
    conference.save(update_fields=[field])
    record(
        actor=actor,
        action="decisions.conference_agreement",
        obj=conference,
        unit=conference.village,
        payload={"body": body, "agreed_on": agreed_on},
    )
    return conference


@transaction.atomic
def send_summons(
    *, actor, conference: Conference, sent_on: dt.date, channels: list[str]
) -> Conference:
    """The summons (time, place, content) reaches households ≥ 05 days before, in writing, over
    the village radio or through the village's social-network group (NĐ 59 Art 11; R24)."""
    conference = _lock_conference(conference)
    permissions.require(actor, "decisions.manage", conference.village)
    _require_not_held(conference)
    channels = list(dict.fromkeys(channels or []))
    if not channels or set(channels) - set(Conference.Channel.values):
        raise ValidationError(
            _("Hãy chọn hình thức triệu tập: văn bản, truyền thanh hoặc nhóm mạng xã hội."),
            code="bad_channels",
        )
    _not_future(sent_on, _("Ngày gửi giấy triệu tập"))
    days = (conference.held_on - sent_on).days
    if days < SUMMONS_MIN_DAYS:
        raise ValidationError(
            _(
                "Giấy triệu tập phải đến hộ gia đình chậm nhất 05 ngày trước hội nghị %(held)s "
                "(Điều 11 Nghị định 59/2023/NĐ-CP); ngày %(day)s chỉ trước %(n)d ngày."
            ),
            code="summons_too_late",
            params={"held": _fmt(conference.held_on), "day": _fmt(sent_on), "n": days},
        )
    conference.summons_sent_on = sent_on
    conference.summons_channels = channels
    conference.save(update_fields=["summons_sent_on", "summons_channels"])
    record(
        actor=actor,
        action="decisions.conference_summons",
        obj=conference,
        unit=conference.village,
        payload={"sent_on": sent_on, "channels": channels},
    )
    return conference


@transaction.atomic
def hold_conference(
    *,
    actor,
    conference: Conference,
    secretary_name: str,
    head_report: str,
    front_report: str,
    inspection_report: str,
    minutes: str,
) -> Conference:
    """The conference: reports of the village head, the Ban CTMT and the village's Ban TTND
    member, and the secretary's minutes (Law Art 33). Refused before all three bodies agreed
    to the plan or before the summons went out (NĐ 59 Art 11)."""
    conference = _lock_conference(conference)
    permissions.require(actor, "decisions.manage", conference.village)
    _require_not_held(conference)
    missing = [
        label
        for value, label in (
            (conference.committee_agreed_on, _("UBND xã")),
            (conference.front_agreed_on, _("UBMTTQ xã")),
            (conference.inspection_board_agreed_on, _("Ban Thanh tra nhân dân")),
        )
        if value is None
    ]
    if missing:
        raise ValidationError(
            _(
                "Kế hoạch hội nghị chưa được thống nhất với %(missing)s (Điều 11 Nghị định "
                "59/2023/NĐ-CP)."
            ),
            code="not_agreed",
            params={"missing": ", ".join(missing)},
        )
    if conference.summons_sent_on is None:
        raise ValidationError(_("Chưa gửi giấy triệu tập."), code="no_summons")
    if conference.held_on > timezone.localdate():
        raise ValidationError(_("Chưa đến ngày hội nghị."), code="not_yet")
    texts = {
        "head_report": (head_report or "").strip(),
        "front_report": (front_report or "").strip(),
        "inspection_report": (inspection_report or "").strip(),
        "minutes": (minutes or "").strip(),
    }
    secretary_name = _clean(secretary_name, 200)
    if not secretary_name or not all(texts.values()):
        raise ValidationError(
            _(
                "Cần đủ báo cáo của Trưởng thôn, Ban công tác Mặt trận, thành viên Ban TTND, "
                "biên bản và tên thư ký (Điều 33 Luật 10/2022)."
            ),
            code="record_incomplete",
        )
    for name, text in texts.items():
        setattr(conference, name, text[:50000])
    conference.secretary_name = secretary_name
    conference.held = True
    conference.save()
    record(
        actor=actor,
        action="decisions.conference_held",
        obj=conference,
        unit=conference.village,
        payload={"year": conference.year, "held_on": conference.held_on},
    )
    return conference
