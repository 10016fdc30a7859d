"""Electing, extending and dismissing village heads and board members (NĐ 59 Art 6–9)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.core.errors import ValidationError
from danchu.decisions import elections, services
from danchu.decisions.models import (
    ActingHead,
    Dismissal,
    Election,
    ElectionTeamMember,
    Matter,
    Office,
    Term,
    TermSetting,
)
from danchu.people.models import Person
from tests.conftest import make_user
from tests.decisions.conftest import TODAY, add_households

Member = elections.TeamMemberInput
LEADER = ElectionTeamMember.Role.LEADER


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def person(name: str) -> Person:
    return Person.objects.create(full_name=name)


def create(village, *, meeting_on, decided_on, item=4, **kwargs) -> Election:
    return elections.create_election(
        actor=SYSTEM,
        village=village,
        item=item,
        meeting_on=meeting_on,
        decided_on=decided_on,
        **kwargs,
    )


def team(election, decided_on, *extra):
    return elections.appoint_election_team(
        actor=SYSTEM,
        election=election,
        decided_on=decided_on,
        members=[Member("Lê Thị Mai", role=LEADER, representing="Ban công tác Mặt trận"), *extra],
    )


def prepared(village, *, item=4, candidates=("Trần Văn An", "Phạm Thị Bình")) -> Election:
    """An election whose meeting is today, each decision exactly on its deadline."""
    election = create(village, meeting_on=TODAY, decided_on=TODAY - days(20), item=item)
    team(election, TODAY - days(10))
    elections.announce_election(
        actor=SYSTEM, election=election, announced_on=TODAY - days(7), how="Niêm yết, loa"
    )
    for name in candidates:
        elections.add_candidate(actor=SYSTEM, election=election, person=person(name))
    return election


def vote(matter: Matter, option_index: int = 0) -> Matter:
    """A meeting of every household on the roll, all for one option, then the count."""
    ids = list(matter.roll.values_list("household_id", flat=True))
    session = services.start_session(
        actor=SYSTEM, matter=matter, name="Hội nghị", held_on=TODAY, chair_name="Lê Thị Mai"
    )
    services.record_attendance(actor=SYSTEM, session=session, household_ids=ids)
    services.record_procedural_vote(
        actor=SYSTEM, session=session, question="method", in_favour=len(ids)
    )
    services.set_session_details(actor=SYSTEM, session=session, method="hands")
    option = matter.options.all()[option_index]
    services.record_session_counts(actor=SYSTEM, session=session, counts={option.pk: len(ids)})
    services.close_matter(actor=SYSTEM, matter=matter)
    matter.refresh_from_db()
    return matter


def recognise(matter: Matter, on: dt.date = TODAY) -> Matter:
    services.receive_for_recognition(actor=SYSTEM, matter=matter, received_on=on)
    services.decide_recognition(actor=SYSTEM, matter=matter, recognise=True, decided_on=on)
    matter.refresh_from_db()
    return matter


def elected(village, *, item=4, winner=0) -> Term:
    if not village.households.exists():
        add_households(village, 5)
    election = prepared(village, item=item)
    elections.open_election(actor=SYSTEM, election=election)
    vote(election.matter, winner)
    recognise(election.matter)
    return elections.start_term(actor=SYSTEM, election=election)


def nothing_written(before_events: int) -> bool:
    return Event.objects.count() == before_events


# --- the Art 6 timeline at its edges --------------------------------------------------------------


def test_plan_twenty_days_before_is_in_time(village):
    election = create(village, meeting_on=TODAY + days(20), decided_on=TODAY)
    assert election.matter.kind == "election" and election.matter.item == 4
    assert election.office == Office.VILLAGE_HEAD
    assert election.matter.options.count() == 0  # the ballot lists candidates only


def test_plan_nineteen_days_before_is_refused_and_writes_nothing(village):
    events = Event.objects.count()
    with pytest.raises(ValidationError) as info:
        create(village, meeting_on=TODAY + days(19), decided_on=TODAY)
    assert info.value.code == "plan_too_late"
    assert "20 ngày" in info.value.messages[0] and "Điều 6" in info.value.messages[0]
    assert "chỉ trước 19 ngày" in info.value.messages[0]
    assert Matter.objects.count() == 0 and Election.objects.count() == 0
    assert nothing_written(events)


@pytest.mark.parametrize("lead,ok", [(10, True), (9, False)])
def test_election_team_ten_days_before(village, lead, ok):
    election = create(village, meeting_on=TODAY + days(lead), decided_on=TODAY - days(20))
    events = Event.objects.count()
    if ok:
        team(election, TODAY)
        election.refresh_from_db()
        assert election.team_decided_on == TODAY and election.team.count() == 1
        return
    with pytest.raises(ValidationError) as info:
        team(election, TODAY)
    assert info.value.code == "team_too_late" and "10 ngày" in info.value.messages[0]
    election.refresh_from_db()
    assert election.team_decided_on is None and election.team.count() == 0
    assert nothing_written(events)


@pytest.mark.parametrize("lead,ok", [(7, True), (6, False)])
def test_announcement_seven_days_before(village, lead, ok):
    election = create(village, meeting_on=TODAY + days(lead), decided_on=TODAY - days(20))
    team(election, TODAY - days(5))
    events = Event.objects.count()
    call = {"actor": SYSTEM, "election": election, "announced_on": TODAY, "how": "Loa thôn"}
    if ok:
        elections.announce_election(**call)
        election.refresh_from_db()
        assert election.announced_on == TODAY
        return
    with pytest.raises(ValidationError) as info:
        elections.announce_election(**call)
    assert info.value.code == "announcement_too_late" and "07 ngày" in info.value.messages[0]
    election.refresh_from_db()
    assert election.announced_on is None and nothing_written(events)


def test_rescheduling_rechecks_every_decision_already_taken(village):
    election = create(village, meeting_on=TODAY + days(30), decided_on=TODAY - days(5))
    team(election, TODAY)
    with pytest.raises(ValidationError) as info:
        elections.reschedule_election(actor=SYSTEM, election=election, meeting_on=TODAY + days(14))
    assert info.value.code == "plan_too_late"  # 19 days after the plan
    elections.reschedule_election(actor=SYSTEM, election=election, meeting_on=TODAY + days(15))
    election.refresh_from_db()
    assert election.meeting_on == TODAY + days(15)


def test_announcement_needs_the_team_decision(village):
    election = create(village, meeting_on=TODAY + days(20), decided_on=TODAY)
    with pytest.raises(ValidationError) as info:
        elections.announce_election(
            actor=SYSTEM, election=election, announced_on=TODAY, how="Loa thôn"
        )
    assert info.value.code == "no_team"


def test_decision_dates_cannot_be_in_the_future(village):
    with pytest.raises(ValidationError) as info:
        create(village, meeting_on=TODAY + days(40), decided_on=TODAY + days(1))
    assert info.value.code == "date_in_future"


def test_team_needs_exactly_one_leader(village):
    election = create(village, meeting_on=TODAY + days(20), decided_on=TODAY)
    with pytest.raises(ValidationError) as info:
        elections.appoint_election_team(
            actor=SYSTEM, election=election, decided_on=TODAY, members=[Member("Lê Văn Tư")]
        )
    assert info.value.code == "leader_required"


# --- no candidate on the election team, checked both ways -----------------------------------------


def test_candidate_cannot_be_appointed_to_the_team(village):
    election = create(village, meeting_on=TODAY + days(20), decided_on=TODAY)
    an = person("Trần Văn An")
    elections.add_candidate(actor=SYSTEM, election=election, person=an)
    events = Event.objects.count()
    with pytest.raises(ValidationError) as info:
        team(election, TODAY, Member("Trần Văn An", person=an))
    assert info.value.code == "candidate_on_team" and "Điều 6" in info.value.messages[0]
    election.refresh_from_db()
    assert election.team_decided_on is None and election.team.count() == 0
    assert nothing_written(events)
    # Named without a person record: the same name is refused too.
    with pytest.raises(ValidationError):
        team(election, TODAY, Member("trần văn  an"))
    # A namesake linked to another person record may sit on the team.
    namesake = person("Trần Văn An")
    team(election, TODAY, Member("Trần Văn An", person=namesake))
    assert election.team.count() == 2


def test_team_member_cannot_become_a_candidate(village):
    election = create(village, meeting_on=TODAY + days(20), decided_on=TODAY)
    binh = person("Phạm Thị Bình")
    team(election, TODAY)
    elections.add_team_member(
        actor=SYSTEM, election=election, member=Member("Phạm Thị Bình", person=binh)
    )
    with pytest.raises(ValidationError) as info:
        elections.add_candidate(actor=SYSTEM, election=election, person=binh)
    assert info.value.code == "candidate_on_team"
    assert election.matter.options.count() == 0 and election.candidacies.count() == 0


def test_added_member_is_checked_against_candidates(village):
    election = create(village, meeting_on=TODAY + days(20), decided_on=TODAY)
    team(election, TODAY)
    an = person("Trần Văn An")
    elections.add_candidate(actor=SYSTEM, election=election, person=an)
    with pytest.raises(ValidationError) as info:
        elections.add_team_member(
            actor=SYSTEM, election=election, member=Member("Trần Văn An", person=an)
        )
    assert info.value.code == "candidate_on_team"


def test_candidates_become_options_while_the_matter_is_a_draft(village):
    add_households(village, 3)
    election = prepared(village)
    options = list(election.matter.options.values_list("label", "position", "candidate__full_name"))
    assert options == [
        ("Trần Văn An", 0, "Trần Văn An"),
        ("Phạm Thị Bình", 1, "Phạm Thị Bình"),
    ]
    elections.open_election(actor=SYSTEM, election=election)
    with pytest.raises(ValidationError) as info:
        elections.add_candidate(actor=SYSTEM, election=election, person=person("Lê Văn Cường"))
    assert info.value.code == "election_started"


def test_election_does_not_open_before_it_is_prepared(village):
    add_households(village, 3)
    election = create(village, meeting_on=TODAY + days(20), decided_on=TODAY)
    elections.add_candidate(actor=SYSTEM, election=election, person=person("Trần Văn An"))
    with pytest.raises(ValidationError) as info:
        elections.open_election(actor=SYSTEM, election=election)
    assert info.value.code == "not_prepared"
    assert "Tổ bầu cử" in info.value.messages[0]
    election.matter.refresh_from_db()
    assert election.matter.status == "draft"


# --- permissions ----------------------------------------------------------------------------------


def test_only_the_commune_chair_decides_a_village_head_election(village, commune):
    head = make_user("truong_thon_a", Role.VILLAGE_HEAD, village)
    chair = make_user("chu_tich_a", Role.COMMUNE_CHAIR, commune)
    for user in (head, chair):
        user.is_verified = lambda: True
    events = Event.objects.count()
    with pytest.raises(PermissionDenied):
        elections.create_election(
            actor=head, village=village, item=4, meeting_on=TODAY + days(20), decided_on=TODAY
        )
    assert Matter.objects.count() == 0 and nothing_written(events)
    election = elections.create_election(
        actor=chair, village=village, item=4, meeting_on=TODAY + days(20), decided_on=TODAY
    )
    # The village head keeps the candidate list.
    elections.add_candidate(actor=head, election=election, person=person("Trần Văn An"))


# --- terms: none before recognition; length per province; extension -------------------------------


def test_no_term_and_no_head_before_recognition(village):
    add_households(village, 5)
    election = prepared(village)
    elections.open_election(actor=SYSTEM, election=election)
    matter = vote(election.matter)
    assert matter.adopted and matter.winner.candidate.full_name == "Trần Văn An"
    with pytest.raises(ValidationError) as info:
        elections.start_term(actor=SYSTEM, election=election)
    assert info.value.code == "not_recognised" and "Điều 8" in info.value.messages[0]
    assert Term.objects.count() == 0 and elections.current_head(village) is None
    services.receive_for_recognition(actor=SYSTEM, matter=matter, received_on=TODAY)
    with pytest.raises(ValidationError):
        elections.start_term(actor=SYSTEM, election=election)
    services.decide_recognition(actor=SYSTEM, matter=matter, recognise=True, decided_on=TODAY)
    term = elections.start_term(actor=SYSTEM, election=election)
    head = elections.current_head(village)
    assert head.person == term.person and not head.acting
    assert (term.started_on, term.person.full_name) == (TODAY, "Trần Văn An")


def test_refused_recognition_gives_no_term(village):
    add_households(village, 3)
    election = prepared(village)
    elections.open_election(actor=SYSTEM, election=election)
    matter = vote(election.matter)
    services.receive_for_recognition(actor=SYSTEM, matter=matter, received_on=TODAY)
    services.decide_recognition(
        actor=SYSTEM, matter=matter, recognise=False, decided_on=TODAY, reason="Sai quy trình."
    )
    with pytest.raises(ValidationError) as info:
        elections.start_term(actor=SYSTEM, election=election)
    assert info.value.code == "not_recognised" and Term.objects.count() == 0


def test_term_length_is_the_default_without_a_province_setting(village, settings):
    settings.DECISIONS_TERM_MONTHS_DEFAULT = 60
    term = elected(village)
    assert term.months == 60
    assert term.planned_end_on == term.ends_on == dt.date(2031, 11, 27)


def test_term_length_follows_the_province_setting(village, province):
    elections.set_term_length(actor=SYSTEM, province=province, months=30, basis="QĐ 12/2024")
    assert TermSetting.objects.get().months == 30
    term = elected(village)
    assert term.months == 30 and term.ends_on == dt.date(2029, 5, 27)


def test_term_setting_is_provincial(commune):
    with pytest.raises(ValidationError) as info:
        elections.set_term_length(actor=SYSTEM, province=commune, months=30)
    assert info.value.code == "not_province"


def test_add_months_keeps_the_month_end():
    assert elections.add_months(dt.date(2026, 8, 31), 30) == dt.date(2029, 2, 28)
    assert elections.add_months(dt.date(2028, 2, 29), 60) == dt.date(2033, 2, 28)


def test_extension_moves_the_end_and_is_recorded(village):
    term = elected(village)
    with pytest.raises(ValidationError) as info:
        elections.extend_term(
            actor=SYSTEM,
            term=term,
            decision_ref="45/QĐ-UBND",
            decided_on=TODAY,
            new_end_on=term.ends_on,
        )
    assert info.value.code == "not_later"
    new_end = dt.date(2032, 6, 30)
    term = elections.extend_term(
        actor=SYSTEM, term=term, decision_ref="45/QĐ-UBND", decided_on=TODAY, new_end_on=new_end
    )
    assert (term.planned_end_on, term.ends_on) == (dt.date(2031, 11, 27), new_end)
    extension = term.extensions.get()
    assert (extension.previous_end_on, extension.new_end_on) == (dt.date(2031, 11, 27), new_end)
    assert elections.current_head(village, dt.date(2032, 1, 15)).person == term.person
    assert elections.current_head(village, new_end) is None


def test_a_recognised_successor_ends_the_previous_term(village):
    first = elected(village)
    with time_machine.travel(dt.datetime(2031, 12, 10, 9, tzinfo=dt.UTC), tick=False):
        day = dt.date(2031, 12, 10)
        election = create(village, meeting_on=day, decided_on=day - days(20))
        team(election, day - days(10))
        elections.announce_election(
            actor=SYSTEM, election=election, announced_on=day - days(7), how="Loa"
        )
        elections.add_candidate(actor=SYSTEM, election=election, person=person("Đỗ Văn Dũng"))
        elections.open_election(actor=SYSTEM, election=election)
        vote(election.matter)
        recognise(election.matter, day)
        second = elections.start_term(actor=SYSTEM, election=election)
    first.refresh_from_db()
    assert (first.ended_on, first.end_reason) == (first.ends_on, Term.EndReason.EXPIRED)
    assert second.started_on == dt.date(2031, 12, 10)
    assert elections.current_head(village, dt.date(2031, 12, 10)).person == second.person


# --- dismissal, the 60-day clock, the acting head -------------------------------------------------


def dismissed(village, term, on: dt.date = TODAY) -> Dismissal:
    dismissal = elections.request_dismissal(
        actor=SYSTEM,
        term=term,
        grounds="proposal",
        submitted_on=on,
        submitted_by_name="Nguyễn Thị Hoa, Trưởng ban công tác Mặt trận",
        reason="Không còn được Nhân dân tín nhiệm.",
    )
    matter = elections.open_dismissal_vote(actor=SYSTEM, dismissal=dismissal)
    services.open_matter(actor=SYSTEM, matter=matter, form="meeting")
    vote(matter, 0)
    recognise(matter, on)
    return elections.conclude_dismissal(actor=SYSTEM, dismissal=dismissal)


def test_dismissal_ends_the_term_on_recognition_and_starts_the_60_day_clock(village, commune):
    term = elected(village)
    dismissal = dismissed(village, term)
    term.refresh_from_db()
    assert dismissal.outcome == Dismissal.Outcome.DISMISSED
    assert (term.ended_on, term.end_reason) == (TODAY, Term.EndReason.DISMISSED)
    assert dismissal.new_election_due_on == TODAY + days(60) == dt.date(2027, 1, 26)
    assert elections.new_election_due_on(dismissal) == dt.date(2027, 1, 26)
    assert elections.current_head(village) is None
    assert elections.villages_overdue_for_election(commune, dt.date(2027, 1, 26)) == []
    assert elections.villages_overdue_for_election(commune, dt.date(2027, 1, 27)) == [dismissal]


def test_deciding_a_new_election_clears_the_overdue_list(village, commune):
    dismissal = dismissed(village, elected(village))
    day = dt.date(2027, 2, 1)
    with time_machine.travel(dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC), tick=False):
        assert elections.villages_overdue_for_election(commune) == [dismissal]
        create(village, meeting_on=day + days(25), decided_on=day)
        assert elections.villages_overdue_for_election(commune) == []


def test_an_election_decided_before_the_dismissal_does_not_count(village, commune):
    term = elected(village)  # its own election was decided on 7 Nov 2026
    dismissed(village, term)
    assert len(elections.villages_overdue_for_election(commune, dt.date(2027, 3, 1))) == 1


def test_a_vote_against_dismissal_keeps_the_head(village, commune):
    term = elected(village)
    dismissal = elections.request_dismissal(
        actor=SYSTEM,
        term=term,
        grounds="resignation",
        submitted_on=TODAY,
        reason="Lý do sức khỏe.",
    )
    assert dismissal.submitted_by_name == "Trần Văn An"
    matter = elections.open_dismissal_vote(actor=SYSTEM, dismissal=dismissal)
    services.open_matter(actor=SYSTEM, matter=matter, form="meeting")
    vote(matter, 1)  # "Không đồng ý" carries
    dismissal = elections.conclude_dismissal(actor=SYSTEM, dismissal=dismissal)
    term.refresh_from_db()
    assert dismissal.outcome == Dismissal.Outcome.RETAINED and term.ended_on is None
    assert dismissal.new_election_due_on is None
    assert elections.current_head(village).person == term.person


def test_dismissal_waits_for_recognition(village):
    term = elected(village)
    dismissal = elections.request_dismissal(
        actor=SYSTEM, term=term, grounds="resignation", submitted_on=TODAY, reason="Chuyển nơi ở."
    )
    matter = elections.open_dismissal_vote(actor=SYSTEM, dismissal=dismissal)
    services.open_matter(actor=SYSTEM, matter=matter, form="meeting")
    vote(matter, 0)
    with pytest.raises(ValidationError) as info:
        elections.conclude_dismissal(actor=SYSTEM, dismissal=dismissal)
    assert info.value.code == "not_recognised"
    term.refresh_from_db()
    assert term.ended_on is None


def test_a_request_needs_a_reason(village):
    term = elected(village)
    with pytest.raises(ValidationError) as info:
        elections.request_dismissal(
            actor=SYSTEM, term=term, grounds="proposal", submitted_on=TODAY, reason=" "
        )
    assert info.value.code == "reason_required" and Dismissal.objects.count() == 0


def test_only_the_front_proposes_a_dismissal(village):
    term = elected(village)
    head = make_user("truong_thon_b", Role.VILLAGE_HEAD, village)
    front = make_user("ban_ctmt_b", Role.FRONT_COMMITTEE, village)
    for user in (head, front):
        user.is_verified = lambda: True
    call = {
        "term": term,
        "grounds": "proposal",
        "submitted_on": TODAY,
        "submitted_by_name": "Trưởng ban CTMT",
        "reason": "Vi phạm quyền làm chủ của Nhân dân.",
    }
    with pytest.raises(PermissionDenied):
        elections.request_dismissal(actor=head, **call)
    elections.request_dismissal(actor=front, **call)
    assert Dismissal.objects.count() == 1


def test_acting_head_serves_without_limit_until_an_elected_head(village):
    term = elected(village)
    interim = person("Vũ Văn Lâm")
    with pytest.raises(ValidationError) as info:
        elections.appoint_acting_head(
            actor=SYSTEM, village=village, person=interim, appointed_on=TODAY, front_agreed_on=TODAY
        )
    assert info.value.code == "office_filled"
    dismissed(village, term)
    with pytest.raises(ValidationError) as info:
        elections.appoint_acting_head(
            actor=SYSTEM,
            village=village,
            person=interim,
            appointed_on=TODAY,
            front_agreed_on=TODAY + days(1),
        )
    assert info.value.code == "front_agreement_after"
    acting = elections.appoint_acting_head(
        actor=SYSTEM,
        village=village,
        person=interim,
        appointed_on=TODAY,
        front_agreed_on=TODAY - days(1),
        decision_ref="88/QĐ-UBND",
    )
    head = elections.current_head(village, dt.date(2035, 1, 1))
    assert head.acting and head.person == interim and head.until is None
    with time_machine.travel(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        day = dt.date(2027, 3, 1)
        election = create(village, meeting_on=day, decided_on=day - days(20))
        team(election, day - days(10))
        elections.announce_election(
            actor=SYSTEM, election=election, announced_on=day - days(7), how="Loa"
        )
        elections.add_candidate(actor=SYSTEM, election=election, person=person("Đỗ Văn Dũng"))
        elections.open_election(actor=SYSTEM, election=election)
        vote(election.matter)
        recognise(election.matter, day)
        new_term = elections.start_term(actor=SYSTEM, election=election)
    acting.refresh_from_db()
    assert acting.ended_on == dt.date(2027, 3, 1)
    assert ActingHead.objects.filter(ended_on__isnull=True).count() == 0
    assert elections.current_head(village, dt.date(2027, 3, 1)).term == new_term


def test_acting_head_is_named_by_the_commune_committee(village, commune):
    dismissed(village, elected(village))
    front = make_user("mat_tran_xa_c", Role.FRONT_COMMITTEE, commune)
    front.is_verified = lambda: True
    with pytest.raises(PermissionDenied):
        elections.appoint_acting_head(
            actor=front,
            village=village,
            person=person("Vũ Văn Lâm"),
            appointed_on=TODAY,
            front_agreed_on=TODAY,
        )


# --- board members: by-election at 6 months (Law Art 36(2)) ---------------------------------------


def test_board_member_term_is_recognised_by_the_front(village, commune):
    front = make_user("mat_tran_xa_d", Role.FRONT_COMMITTEE, commune)
    chair = make_user("chu_tich_d", Role.COMMUNE_CHAIR, commune)
    for user in (front, chair):
        user.is_verified = lambda: True
    add_households(village, 3)
    election = prepared(village, item=5)
    elections.open_election(actor=SYSTEM, election=election)
    recognise(vote(election.matter))
    with pytest.raises(PermissionDenied):
        elections.start_term(actor=chair, election=election)
    term = elections.start_term(actor=front, election=election)
    assert term.office == Office.INSPECTION_BOARD and term.months == 60


@pytest.mark.parametrize(
    "vacancy_on,required",
    [
        (dt.date(2031, 5, 27), True),  # exactly 6 months left (term ends 27/11/2031)
        (dt.date(2031, 5, 28), False),  # one day less than 6 months
        (dt.date(2027, 1, 1), True),
    ],
)
def test_by_election_when_six_months_or_more_remain(village, vacancy_on, required):
    term = elected(village, item=5)
    assert term.ends_on == dt.date(2031, 11, 27)
    assert elections.by_election_required(term, vacancy_on) is required


def test_by_election_rule_is_for_board_members_only(village):
    term = elected(village)
    with pytest.raises(ValidationError) as info:
        elections.by_election_required(term, TODAY)
    assert info.value.code == "not_board"


def test_by_elected_member_serves_the_rest_of_the_term(village):
    term = elected(village, item=5)
    dismissal = dismissed(village, term)
    assert dismissal.new_election_due_on is None  # the 60-day clock is for village heads
    term.refresh_from_db()
    assert elections.by_election_required(term)
    election = create(village, meeting_on=TODAY, decided_on=TODAY, item=5, by_election_for=term)
    elections.add_candidate(actor=SYSTEM, election=election, person=person("Hà Thị Thu"))
    elections.open_election(actor=SYSTEM, election=election)
    recognise(vote(election.matter))
    successor = elections.start_term(actor=SYSTEM, election=election)
    assert successor.ends_on == term.ends_on == dt.date(2031, 11, 27)


# --- the investment-supervision board (Law Art 41; NĐ 59 Art 17) ----------------------------------


def _project_election(village, project, ends_in_days=400, **kwargs):
    election = create(
        village,
        meeting_on=TODAY,
        decided_on=TODAY - days(20),
        item=5,
        office=Office.INVESTMENT_BOARD,
        project=project,
        project_ends_on=TODAY + days(ends_in_days),
        **kwargs,
    )
    for name in ("Trần Văn An", "Phạm Thị Bình"):
        elections.add_candidate(actor=SYSTEM, election=election, person=person(name))
    return election


def _seat(election, winner=0) -> Term:
    elections.open_election(actor=SYSTEM, election=election)
    vote(election.matter, winner)
    recognise(election.matter)
    return elections.start_term(actor=SYSTEM, election=election)


def test_an_investment_board_needs_its_project_and_a_completion_after_the_election(village):
    base = {"meeting_on": TODAY, "decided_on": TODAY - days(20), "item": 5}
    with pytest.raises(ValidationError) as missing:
        create(village, office=Office.INVESTMENT_BOARD, **base)
    assert missing.value.code == "project_required" and "Điều 41" in missing.value.messages[0]
    with pytest.raises(ValidationError) as over:
        create(
            village,
            office=Office.INVESTMENT_BOARD,
            project="Đường trục thôn",
            project_ends_on=TODAY,
            **base,
        )
    assert over.value.code == "project_over"
    with pytest.raises(ValidationError) as wrong:
        create(village, office=Office.INVESTMENT_BOARD, **dict(base, item=4))
    assert wrong.value.code == "bad_office"
    assert not Election.objects.exists()


def test_investment_board_members_serve_their_project_beside_the_inspection_board(village):
    add_households(village, 5)
    road = _seat(_project_election(village, "Bê tông hóa đường ngõ xóm 3", 400))
    assert road.office == Office.INVESTMENT_BOARD
    assert road.started_on == TODAY and road.ends_on == TODAY + days(400)
    assert road.months == 14  # 27 November 2026 to 1 January 2028, by calendar month
    assert "Ban Giám sát đầu tư" in road.election.matter.title
    # Another project's board, and the Ban TTND member, serve at the same time.
    school = _seat(_project_election(village, "Nhà văn hóa thôn", 200), winner=1)
    board = elected(village, item=5)
    open_terms = Term.objects.filter(village=village, ended_on__isnull=True)
    assert set(open_terms.values_list("pk", flat=True)) == {road.pk, school.pk, board.pk}
    # A seat left vacant is filled whatever is left of the project (NĐ 59 Art 17(1)).
    Term.objects.filter(pk=school.pk).update(ended_on=TODAY, end_reason="dismissed")
    school.refresh_from_db()
    by_election = create(
        village,
        meeting_on=TODAY,
        decided_on=TODAY - days(20),
        item=5,
        office=Office.INVESTMENT_BOARD,
        project="Nhà văn hóa thôn",
        project_ends_on=school.ends_on,
        by_election_for=school,
    )
    assert by_election.by_election_for == school
    # A by-election for an investment seat cannot claim a Ban TTND seat, nor the reverse.
    with pytest.raises(ValidationError) as crossed:
        create(
            village,
            meeting_on=TODAY,
            decided_on=TODAY - days(20),
            item=5,
            by_election_for=school,
        )
    assert crossed.value.code == "bad_by_election"
