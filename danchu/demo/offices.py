"""The demo's village heads (NĐ 59/2023/NĐ-CP Art 6–9), each step through the services:

- Hà Nội's term for village heads: 60 months;
- Thôn Đông Lỗ elected Trần Văn Hùng today by secret ballot; the commune recognised the
  result and his term started;
- Thôn Vân Đình prepares its election in 14 days: the Chair's decision, the team, the public
  announcement and two candidates are recorded;
- Thôn Hòa Xá is led by an acting head the commune named with the Front's agreement;
- the other villages' heads, and Đông Lỗ's Ban TTND member, were elected before the commune
  used danchu: their running terms are recorded from the recognition decisions, Vân Đình's
  ending in 16 days (hence its election).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from danchu.accounts.permissions import SYSTEM
from danchu.decisions import elections
from danchu.decisions import services as decisions
from danchu.decisions.models import ActingHead, Election, Matter, Term, TermSetting
from danchu.people.models import Person
from danchu.units.models import Unit

Progress = Callable[[str], None]
Member = elections.TeamMemberInput


def _days(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def _villager(village: Unit, full_name: str, birth_year: int, index: int) -> Person:
    """A person of the village by name, added to one of its households if not yet there."""
    person = Person.objects.filter(household__village=village, full_name=full_name).first()
    if person is None:
        household = village.households.order_by("code")[index]
        person = Person.objects.create(
            full_name=full_name, birth_year=birth_year, household=household
        )
    return person


def seed(commune: Unit, progress: Progress) -> None:
    province = commune.parent
    if not TermSetting.objects.filter(province=province).exists():
        elections.set_term_length(
            actor=SYSTEM,
            province=province,
            months=60,
            basis="Nghị quyết của HĐND thành phố về tổ chức và hoạt động của thôn, tổ dân phố",
        )
    villages = {u.code: u for u in Unit.objects.filter(parent=commune, kind=Unit.Kind.VILLAGE)}
    recorded = 0
    for code, office, name, year, started_ago, ends_in, basis in EXISTING_TERMS:
        village = villages[code]
        if Term.objects.filter(village=village, office=office).exists():
            continue
        elections.record_existing_term(
            actor=SYSTEM,
            village=village,
            office=office,
            person=_villager(village, name, year, 7),
            started_on=_days(started_ago),
            ends_on=_days(-ends_in),
            basis=basis % {"day": f"{_days(started_ago):%d/%m/%Y}"},
        )
        recorded += 1
    if recorded:
        progress(f"  {recorded} nhiệm kỳ đang diễn ra được ghi nhận theo quyết định công nhận")
    for step in (_elected_today, _in_preparation, _acting_head):
        village = villages[step.village]
        if (
            Election.objects.filter(matter__unit=village).exists()
            or ActingHead.objects.filter(village=village).exists()
        ):
            continue
        with transaction.atomic():
            line = step(village)
        progress(f"  {village.name}: {line}")


UBND = "Quyết định số %s/QĐ-UBND ngày %%(day)s của UBND xã"
EXISTING_TERMS = [
    # (village, office, holder, year of birth, started days ago, ends in days, decision)
    ("10402-03", "village_head", "Nguyễn Văn Thắng", 1969, 1600, 225, UBND % "86"),
    ("10402-04", "village_head", "Phạm Văn Khoa", 1961, 1810, 16, UBND % "41"),
    ("10402-05", "village_head", "Vũ Thị Nga", 1974, 700, 1125, UBND % "152"),
    ("10402-06", "village_head", "Lê Văn Cường", 1978, 1200, 625, UBND % "97"),
    ("10402-07", "village_head", "Trịnh Văn Sơn", 1966, 1500, 325, UBND % "63"),
    ("10402-08", "village_head", "Đặng Thị Hoa", 1971, 400, 1425, UBND % "204"),
    (
        "10402-01",
        "inspection_board",
        "Nguyễn Văn Bình",
        1965,
        850,
        975,
        "Quyết định số 15/QĐ-MTTQ ngày %(day)s của Ban Thường trực UBMTTQ xã",
    ),
]


def _prepare(village: Unit, *, meeting_in: int, candidates, decided_ago: int) -> Election:
    meeting_on = timezone.localdate() + dt.timedelta(days=meeting_in)
    election = elections.create_election(
        actor=SYSTEM,
        village=village,
        item=4,
        meeting_on=meeting_on,
        decided_on=_days(decided_ago),
        decision_ref=f"{200 + village.pk % 50}/QĐ-UBND",
        secret=True,
    )
    elections.appoint_election_team(
        actor=SYSTEM,
        election=election,
        decided_on=meeting_on - dt.timedelta(days=16),
        decision_ref=f"{201 + village.pk % 50}/QĐ-UBND",
        members=[
            Member("Lê Thị Mai", role="leader", representing="Ban công tác Mặt trận"),
            Member("Đỗ Văn Hải", representing="Chi hội Nông dân"),
            Member("Phạm Thị Thu", representing="Chi hội Phụ nữ"),
        ],
    )
    elections.announce_election(
        actor=SYSTEM,
        election=election,
        announced_on=meeting_on - dt.timedelta(days=15),
        how="Niêm yết tại nhà văn hóa thôn; đọc trên loa truyền thanh ba buổi sáng",
    )
    elections.record_candidate_list(
        actor=SYSTEM,
        election=election,
        met_on=min(meeting_on - dt.timedelta(days=12), timezone.localdate()),
        minutes="Hội nghị Ban công tác Mặt trận mở rộng thống nhất giới thiệu "
        f"{len(candidates)} người ứng cử; không có ý kiến khác.",
    )
    for index, (name, year, source) in enumerate(candidates):
        elections.add_candidate(
            actor=SYSTEM,
            election=election,
            person=_villager(village, name, year, index + 3),
            source=source,
        )
    return election


def _elected_today(village: Unit) -> str:
    election = _prepare(
        village,
        meeting_in=0,
        decided_ago=24,
        candidates=[("Trần Văn Hùng", 1972, "front"), ("Nguyễn Văn Tuấn", 1980, "self")],
    )
    elections.open_election(actor=SYSTEM, election=election)
    matter = election.matter
    ids = list(matter.roll.values_list("household_id", flat=True))
    present = ids[: int(len(ids) * 0.86)]
    session = decisions.start_session(
        actor=SYSTEM,
        matter=matter,
        name="Hội nghị bầu Trưởng thôn",
        held_on=timezone.localdate(),
        chair_name="Lê Thị Mai",
    )
    decisions.record_attendance(actor=SYSTEM, session=session, household_ids=present)
    for question in ("secretary", "method", "counting_board"):
        decisions.record_procedural_vote(
            actor=SYSTEM, session=session, question=question, in_favour=len(present) - 4
        )
    decisions.set_session_details(
        actor=SYSTEM,
        session=session,
        secretary_name="Phạm Thị Thu",
        method="secret",
        counting_board=["Đỗ Văn Hải", "Nguyễn Thị Hạnh", "Vũ Đức Thắng"],
        minutes="Tổ bầu cử phát phiếu cho đại diện các hộ dự họp; Ban kiểm phiếu kiểm phiếu "
        "công khai tại hội trường.",
    )
    first, second = matter.options.all()[:2]
    votes = int(len(present) * 0.79)
    decisions.record_session_counts(
        actor=SYSTEM, session=session, counts={first.pk: votes, second.pk: len(present) - votes}
    )
    decisions.close_matter(actor=SYSTEM, matter=matter)
    matter = Matter.objects.get(pk=matter.pk)
    today = timezone.localdate()
    decisions.receive_for_recognition(actor=SYSTEM, matter=matter, received_on=today)
    decisions.decide_recognition(
        actor=SYSTEM,
        matter=matter,
        recognise=True,
        decided_on=today,
        decision_number=f"{230 + village.pk % 50}/QĐ-UBND",
    )
    election.refresh_from_db()
    term = elections.start_term(actor=SYSTEM, election=election)
    return f"{term.person.full_name} trúng cử Trưởng thôn, nhiệm kỳ đến {term.ends_on:%d/%m/%Y}"


_elected_today.village = "10402-01"


def _in_preparation(village: Unit) -> str:
    election = _prepare(
        village,
        meeting_in=14,
        decided_ago=6,
        candidates=[("Hoàng Văn Long", 1975, "front"), ("Bùi Thị Hương", 1983, "nominated")],
    )
    return f"chuẩn bị bầu Trưởng thôn ngày {election.meeting_on:%d/%m/%Y}, 2 người ứng cử"


_in_preparation.village = "10402-04"


def _acting_head(village: Unit) -> str:
    acting = elections.appoint_acting_head(
        actor=SYSTEM,
        village=village,
        person=_villager(village, "Ngô Văn Thành", 1968, 5),
        appointed_on=_days(15),
        front_agreed_on=_days(17),
        decision_ref="188/QĐ-UBND",
    )
    return f"{acting.person.full_name} là Trưởng thôn lâm thời từ {acting.appointed_on:%d/%m/%Y}"


_acting_head.village = "10402-02"
