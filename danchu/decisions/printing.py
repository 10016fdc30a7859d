"""Printed forms of a community decision (NĐ 59/2023/NĐ-CP, Mẫu 01–05) and household ballots.

Each function returns the bytes of an A4 PDF. The forms are legal documents, so they are
always in Vietnamese, whatever the interface language. WeasyPrint renders Django templates
with the system's DejaVu fonts and QR codes drawn by segno as data URIs: nothing is fetched
from the network.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from danchu.core import pdf
from danchu.core.errors import ValidationError
from danchu.decisions import services
from danchu.decisions.models import (
    Choice,
    Dismissal,
    Election,
    ElectionTeamMember,
    Form,
    Item,
    Matter,
    MeetingSession,
    Office,
    Participation,
    ProceduralVote,
    RollEntry,
    SecretCount,
    SessionCount,
)
from danchu.units.models import Unit

DECREE_59 = "Nghị định số 59/2023/NĐ-CP ngày 14 tháng 8 năm 2023 của Chính phủ"
BALLOT_PATH = "/b/"
# Law Art 20(1): the forms a community decision may take.
DOCUMENT_TITLES = {
    "resolution": "Nghị quyết",
    "minutes": "Biên bản",
    "memorandum": "Bản ghi nhớ",
    "agreement": "Bản thỏa thuận",
}
# Two ballots fit on an A4 page (cut in half) while the options fit in half a page.
OPTIONS_PER_HALF_PAGE = 5
LEADER_TITLES = {"Thôn": "Trưởng thôn", "Tổ dân phố": "Tổ trưởng tổ dân phố"}


# --- rendering ------------------------------------------------------------------------------


def _pdf(template: str, context: dict) -> bytes:
    return pdf.render_pdf(f"decisions/print/{template}", context)


qr_data_uri = pdf.qr_png_data_uri


def ballot_url(code: str) -> str:
    """Where a household votes with the code printed on its ballot."""
    return f"{settings.SITE_URL}{BALLOT_PATH}?code={code}"


# --- shared wording -------------------------------------------------------------------------


def official_date(day: dt.date | None) -> dict:
    """Day, month, year as administrative documents write them (Decree 30/2020, Annex I);
    a missing day leaves blanks to be filled by hand."""
    if day is None:
        blank = "&nbsp;" * 6
        return {"day": mark_safe(blank), "month": mark_safe(blank), "year": ""}  # noqa: S308
    day_text, month, year = pdf.official_date(day)
    return {"day": day_text, "month": month, "year": year}


_without_prefix = pdf.without_prefix
_in_sentence = pdf.in_sentence


def leader_title(unit: Unit) -> str:
    """Who leads the community: "Trưởng thôn", "Tổ trưởng tổ dân phố", "Trưởng bản"…"""
    if unit.kind == Unit.Kind.COMMUNE:
        return "Chủ tịch Ủy ban nhân dân"
    kind = unit.division_type or "Thôn"
    return LEADER_TITLES.get(kind, f"Trưởng {kind.lower()}")


def percent(votes: int, base: int) -> str:
    """The share with a decimal comma, as "51,0%"; a dash when there is no base.

    One decimal, or two where one would hide which side of half it falls (5001 of 10000)."""
    if not base:
        return "—"
    share = votes * 100 / base
    digits = 2 if votes * 2 != base and f"{share:.1f}" == "50.0" else 1
    return f"{share:.{digits}f}%".replace(".", ",")


def _base_context(matter: Matter, form_number: str) -> dict:
    unit = matter.unit
    commune = unit.commune() or unit
    return {
        "matter": matter,
        "unit": unit,
        "is_commune": unit.kind == Unit.Kind.COMMUNE,
        "commune": commune,
        "place": _without_prefix(commune),
        "community": _in_sentence(unit),
        "commune_in_sentence": _in_sentence(commune),
        "leader": leader_title(unit),
        "item_label": Item(matter.item).label,
        "form_number": form_number,
        "decree": DECREE_59,
        "is_election": matter.kind == Matter.Kind.ELECTION,
        "is_convention": matter.item == Item.CONVENTION,
    }


def _result(matter: Matter) -> dict:
    """The fixed result of a closed count, else the count so far."""
    if matter.status == Matter.Status.CLOSED and matter.result:
        result = dict(matter.result)
    else:
        result = services.tally(matter).as_dict()
    result["final"] = matter.status == Matter.Status.CLOSED
    return result


def _option_name(option) -> str:
    return option.candidate.full_name if option.candidate else option.label


def _option_rows(matter: Matter, result: dict, **parts: dict[int, int]) -> list[dict]:
    """One row per option in ballot order: the total from the result, plus named parts."""
    roll = result["roll_size"]
    rows = []
    for option in matter.options.select_related("candidate"):
        votes = result["votes"].get(option.label, 0)
        rows.append(
            {
                "option": option,
                "name": _option_name(option),
                "votes": votes,
                "percent": percent(votes, roll),
                "winner": option.label == result.get("winner"),
                **{name: part.get(option.pk, 0) for name, part in parts.items()},
            }
        )
    return rows


def _outcome(matter: Matter, result: dict) -> str:
    if result.get("attendance_ok") is False:
        return (
            "Không được thông qua: số hộ dự họp chưa quá 50% tổng số hộ (Điều 10 Nghị định "
            "61/2023/NĐ-CP)."
        )
    if matter.kind == Matter.Kind.ELECTION:
        if result["winner"]:
            return f"Người trúng cử: {result['winner']}."
        return "Không có người trúng cử."
    if not result["adopted"]:
        return "Nội dung không được thông qua."
    if matter.options.count() > 2:
        return f"Nội dung được thông qua; phương án được chọn: {result['winner']}."
    return "Nội dung được thông qua."


def _closed_on(matter: Matter) -> dt.date | None:
    return timezone.localdate(matter.closed_at) if matter.closed_at else None


def _vietnamese(function):
    """Legal forms are printed in Vietnamese whatever the user's language."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override("vi"):
            return function(*args, **kwargs)

    return wrapper


# --- Mẫu 01: invitation ----------------------------------------------------------------------


@_vietnamese
def invitation_pdf(matter: Matter, session: MeetingSession) -> bytes:
    """Mẫu 01, Giấy mời họp cộng đồng dân cư (Law Art 18(1); NĐ 59 Art 3): time and place of
    the meeting, its content, and the convenor who signs."""
    context = _base_context(matter, "01")
    context.update(
        session=session,
        held_on=session.held_on,
        dated=official_date(None),
        year=timezone.localdate().year,
        convenor=_convenor_title(matter),
    )
    return _pdf("invitation.html", context)


def _convenor_title(matter: Matter) -> str:
    """Who convenes (Law Art 18(1); NĐ 59 Art 3): the village head, but the election team for
    an election and the head of the Front committee for a dismissal."""
    if Election.objects.filter(matter=matter).exists():
        return "TM. Tổ bầu cử"
    if Dismissal.objects.filter(matter=matter).exists():
        return "Trưởng ban công tác Mặt trận"
    return leader_title(matter.unit)


# --- Mẫu 02: minutes of the meeting and of the count -----------------------------------------


def _sessions(matter: Matter) -> list[MeetingSession]:
    sessions = list(
        matter.sessions.annotate(present=Count("attendance", distinct=True)).prefetch_related(
            "counts", "procedural_votes"
        )
    )
    options = list(matter.options.select_related("candidate"))
    for session in sessions:
        votes = {count.option_id: count.votes for count in session.counts.all()}
        session.rows = [(_option_name(option), votes.get(option.pk, 0)) for option in options]
        session.approvals = _approvals(session)
    return sessions


def _approvals(session: MeetingSession) -> list[dict]:
    """The last procedural vote on each question: in favour of those present (NĐ 59 Art 3(5))."""
    last = {}
    for vote in session.procedural_votes.all():
        last[vote.question] = vote
    return [
        {
            "label": ProceduralVote.Question(question).label,
            "vote": vote,
            "percent": percent(vote.in_favour, vote.present),
        }
        for question, vote in last.items()
    ]


def _attendance(matter: Matter) -> dict[int, list]:
    """Households present, by session, with their representatives (LAW §4 item 2)."""
    rows = (
        Participation.objects.filter(matter=matter, channel=Participation.Channel.MEETING)
        .select_related("household__representative")
        .order_by("household__code")
    )
    by_session: dict[int, list] = {}
    for row in rows:
        by_session.setdefault(row.session_id, []).append(row.household)
    return by_session


def _meeting_votes(matter: Matter) -> dict[int, int]:
    rows = (
        SessionCount.objects.filter(session__matter=matter)
        .values("option_id")
        .annotate(n=Sum("votes"))
    )
    return {row["option_id"]: row["n"] or 0 for row in rows}


def _ballot_votes(matter: Matter) -> dict[int, int]:
    if matter.secret:
        return dict(SecretCount.objects.filter(matter=matter).values_list("option_id", "votes"))
    rows = Choice.objects.filter(matter=matter).values("option_id").annotate(n=Count("id"))
    return {row["option_id"]: row["n"] for row in rows}


@_vietnamese
def minutes_pdf(matter: Matter, *, with_attendance: bool = True) -> bytes:
    """Mẫu 02, Biên bản họp và kiểm phiếu (Law Art 18(4); NĐ 59 Art 3(5)): each meeting or
    cluster with its chair, secretary, method, counting board and count; the totals against
    the frozen roll; the rule, its article and the outcome; the signatures."""
    result = _result(matter)
    sessions = _sessions(matter)
    last_day = sessions[-1].held_on if sessions else None
    attendance = _attendance(matter) if with_attendance else {}
    for session in sessions:
        session.households = attendance.get(session.pk, [])
    context = _base_context(matter, "02")
    context.update(
        sessions=sessions,
        result=result,
        rows=_option_rows(
            matter, result, meeting=_meeting_votes(matter), ballots=_ballot_votes(matter)
        ),
        outcome=_outcome(matter, result),
        present_percent=percent(result["present"], result["roll_size"]),
        dated=official_date(last_day),
        year=(last_day or timezone.localdate()).year,
        with_attendance=with_attendance,
        ballots_issued=_ballots_issued(matter, result) if matter.ballot_fallback else None,
    )
    return _pdf("minutes.html", context)


# --- Mẫu 03: the community's decision ---------------------------------------------------------


def _effect(matter: Matter) -> str:
    """Law Art 21(2): from adoption, or from the recognition of UBND or UBMTTQ xã."""
    commune = _in_sentence(matter.unit.commune() or matter.unit)
    who = services.recogniser(matter)
    if who == "committee" and matter.unit.kind == Unit.Kind.COMMUNE:
        return f"có hiệu lực từ ngày do Ủy ban nhân dân {commune} quyết định"
    if who == "committee":
        return f"có hiệu lực kể từ ngày Ủy ban nhân dân {commune} ra quyết định công nhận"
    if who == "front":
        return (
            f"có hiệu lực kể từ ngày Ủy ban Mặt trận Tổ quốc Việt Nam {commune} "
            "ra quyết định công nhận"
        )
    return "có hiệu lực kể từ ngày cộng đồng dân cư biểu quyết thông qua"


@_vietnamese
def decision_pdf(matter: Matter, *, document: str = "resolution") -> bytes:
    """Mẫu 03, the community's decision in one of the forms of Law Art 20(1): a resolution
    (default), minutes, memorandum or agreement. A count still open prints as a draft."""
    if document not in DOCUMENT_TITLES:
        raise ValidationError(
            _("Hình thức văn bản không hợp lệ (Điều 20 khoản 1 Luật 10/2022)."),
            code="bad_document",
        )
    result = _result(matter)
    winner = result["winner"]
    context = _base_context(matter, "03")
    context.update(
        result=result,
        rows=_option_rows(matter, result),
        document=DOCUMENT_TITLES[document],
        decides="quyết nghị" if document == "resolution" else "thống nhất",
        form_label=Form(matter.form).label if matter.form else "",
        winner_percent=percent(result["votes"].get(winner, 0), result["roll_size"]),
        winner_votes=result["votes"].get(winner, 0),
        effect=_effect(matter),
        recogniser=services.recogniser(matter),
        on_behalf=(
            "TM. Ủy ban nhân dân"
            if matter.unit.kind == Unit.Kind.COMMUNE
            else "TM. cộng đồng dân cư"
        ),
        dated=official_date(_closed_on(matter)),
        year=(_closed_on(matter) or timezone.localdate()).year,
        many_options=len(result["votes"]) > 2,
    )
    return _pdf("decision.html", context)


# --- Mẫu 04: tally of the household ballots ----------------------------------------------------


def _ballots_issued(matter: Matter, result: dict) -> int:
    """Every household on the roll, or for a fallback those that did not attend (NĐ 59 Art 4)."""
    if matter.ballot_fallback:
        return result["roll_size"] - result["present"]
    return result["roll_size"]


def _returned(matter: Matter) -> dict:
    return Participation.objects.filter(matter=matter).aggregate(
        paper=Count("id", filter=Q(channel=Participation.Channel.PAPER)),
        online=Count("id", filter=Q(channel=Participation.Channel.ONLINE)),
    )


@_vietnamese
def ballot_tally_pdf(matter: Matter) -> bytes:
    """Mẫu 04, Biên bản kiểm phiếu lấy ý kiến hộ gia đình (NĐ 59 Art 4): ballots issued and
    returned, the count per option, the rule and the result, the collection period and the
    date by which the decision goes to UBND and UBMTTQ xã (Art 4(7))."""
    result = _result(matter)
    issued = _ballots_issued(matter, result)
    returned = _returned(matter)
    total_returned = returned["paper"] + returned["online"]
    context = _base_context(matter, "04")
    context.update(
        result=result,
        rows=_option_rows(
            matter, result, ballots=_ballot_votes(matter), meeting=_meeting_votes(matter)
        ),
        outcome=_outcome(matter, result),
        issued=issued,
        returned=returned,
        total_returned=total_returned,
        not_returned=max(issued - total_returned, 0),
        opened_on=timezone.localdate(matter.opened_at) if matter.opened_at else None,
        send_due_on=services.send_due_on(matter),
        dated=official_date(_closed_on(matter)),
        year=(_closed_on(matter) or timezone.localdate()).year,
    )
    return _pdf("ballot_tally.html", context)


# --- Mẫu 05: candidate list -------------------------------------------------------------------


def _candidates(matter: Matter, election: Election | None) -> list[dict]:
    """The candidate list in ballot order: from the election's candidacies, else the options."""
    if election is not None:
        return [
            {
                "name": candidacy.person.full_name,
                "birth_year": candidacy.person.birth_year,
                "label": candidacy.option.label,
                "source": candidacy.get_source_display(),
            }
            for candidacy in election.candidacies.select_related("person", "option")
        ]
    return [
        {
            "name": _option_name(option),
            "birth_year": option.candidate.birth_year if option.candidate else None,
            "label": option.label,
            "source": "",
        }
        for option in matter.options.select_related("candidate")
    ]


def _office(matter: Matter, election: Election | None) -> str:
    """The office elected, as the title reads: "Trưởng thôn Đông Lỗ"…"""
    if election is not None and election.office == Office.INSPECTION_BOARD:
        return "thành viên Ban Thanh tra nhân dân"
    if election is not None and election.office == Office.INVESTMENT_BOARD:
        return f"thành viên Ban Giám sát đầu tư của cộng đồng ({election.project})"
    if matter.item == Item.VILLAGE_HEAD:
        return f"{leader_title(matter.unit)} {_without_prefix(matter.unit)}"
    return ""


@_vietnamese
def candidates_pdf(matter: Matter) -> bytes:
    """Mẫu 05, the minutes of the meeting that drew up the candidate list (NĐ 59 Art 6–7):
    the candidates in ballot order, with who put each forward, and the election team."""
    if matter.kind != Matter.Kind.ELECTION:
        raise ValidationError(_("Vấn đề này không phải bầu cử."), code="not_election")
    election = Election.objects.filter(matter=matter).first()
    met_on = election.candidate_list_met_on if election else None
    leader = election.team.filter(role=ElectionTeamMember.Role.LEADER).first() if election else None
    context = _base_context(matter, "05")
    context.update(
        election=election,
        candidates=_candidates(matter, election),
        office=_office(matter, election),
        met_on=met_on,
        team_leader=leader.full_name if leader else "",
        dated=official_date(met_on),
        year=(met_on or timezone.localdate()).year,
    )
    return _pdf("candidates.html", context)


# --- household ballots ----------------------------------------------------------------------


def _ballot_entries(matter: Matter, household_ids: Iterable[int] | None) -> list[dict]:
    entries = (
        RollEntry.objects.filter(matter=matter, code_hash__isnull=False)
        .select_related("household__representative")
        .order_by("household__code", "household_id")
    )
    if household_ids is not None:
        entries = entries.filter(household_id__in=list(household_ids))
    ballots = []
    for entry in entries:
        code = services.ballot_code(matter.pk, entry.household_id)
        household = entry.household
        ballots.append(
            {
                "code": code,
                "qr": qr_data_uri(ballot_url(code)),
                "household": household.code,
                "representative": (
                    household.representative.full_name if household.representative else ""
                ),
            }
        )
    return ballots


@_vietnamese
def ballots_pdf(matter: Matter, *, household_ids: Iterable[int] | None = None) -> bytes:
    """One ballot per household that holds a code, two to an A4 page with a cut line: the
    options with tick boxes, the one-time code and its QR code to vote online.

    A secret ballot carries no household name or number, only the one-time code.
    `household_ids` reprints the ballots of some households only (a lost ballot)."""
    ballots = _ballot_entries(matter, household_ids)
    if not ballots:
        raise ValidationError(
            _("Chưa có hộ nào được cấp mã phiếu cho vấn đề này."), code="no_ballots"
        )
    if matter.secret:
        for ballot in ballots:
            ballot["household"] = ballot["representative"] = ""
    options = list(matter.options.select_related("candidate"))
    per_page = 2 if len(options) <= OPTIONS_PER_HALF_PAGE else 1
    context = _base_context(matter, "")
    context.update(
        pages=[ballots[i : i + per_page] for i in range(0, len(ballots), per_page)],
        per_page=per_page,
        options=options,
        online_only=matter.form == Form.ONLINE,
        ends_on=matter.collection_ends_on,
        vote_page=settings.SITE_URL + BALLOT_PATH,
    )
    return _pdf("ballots.html", context)


def conference_minutes_pdf(conference) -> bytes:
    """The minutes of the yearly community conference (Law Art 33; NĐ 59 Art 10–11): the plan's
    agreements and the summons, the three reports and the secretary's record, on A4."""
    unit = conference.village
    commune = unit.commune() or unit
    labels = dict(conference.Channel.choices)
    return _pdf(
        "conference_minutes.html",
        {
            "conference": conference,
            "unit": unit,
            "is_commune": False,
            "commune": commune,
            "place": _without_prefix(commune),
            "community": _in_sentence(unit),
            "leader": leader_title(unit),
            "decree": DECREE_59,
            "dated": official_date(conference.held_on),
            "year": conference.held_on.year,
            "channels": ", ".join(
                str(labels.get(c, c)).lower() for c in conference.summons_channels
            ),
        },
    )
