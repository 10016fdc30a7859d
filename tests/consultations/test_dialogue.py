"""The commune's dialogue conference (Luật Tổ chức chính quyền địa phương 2025 Art 43; R44)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.consultations import dialogue
from danchu.consultations.models import DialogueConference, DialogueRequest, VoterCount
from danchu.core.errors import ValidationError
from danchu.people.models import Person
from tests.conftest import make_user
from tests.consultations.conftest import TODAY
from tests.decisions.conftest import add_households


def on(day: dt.date):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.UTC), tick=False
    )


def voters_of(village, n):
    """n adult residents of the village: the representatives of n households."""
    return [h.representative for h in add_households(village, n)]


def ask(commune, people):
    for person in people:
        dialogue.enter_dialogue_request(actor=SYSTEM, commune=commune, person=person)


def plan(commune, held_on, reason="yearly"):
    return dialogue.plan_dialogue(
        actor=SYSTEM,
        commune=commune,
        held_on=held_on,
        place="Hội trường UBND xã",
        reason=reason,
        content="Tình hình thu gom rác thải và đường giao thông nông thôn.",
        how_to_attend="Trực tiếp tại hội trường hoặc theo dõi trên trang của xã.",
        forms=["in_person", "online"],
    )


def held(commune, held_on):
    conference = plan(commune, held_on)
    with on(held_on - dt.timedelta(days=7)):
        dialogue.announce_dialogue(
            actor=SYSTEM, conference=conference, announced_on=held_on - dt.timedelta(days=7)
        )
    with on(held_on):
        return dialogue.hold_dialogue(
            actor=SYSTEM, conference=conference, minutes="Chủ tịch UBND xã trả lời 12 ý kiến."
        )


# --- voters' requests and the 10 % trigger ------------------------------------------------------


def test_needed_requests_round_up_to_at_least_ten_percent():
    assert [dialogue.needed_requests(n) for n in (1, 10, 100, 101, 1000, 1005)] == [
        1,
        1,
        10,
        11,
        100,
        101,
    ]


def test_trigger_at_exactly_ten_percent_of_the_voters_not_just_below(commune, village):
    dialogue.set_voter_count(
        actor=SYSTEM, commune=commune, year=2026, voters=100, source="Danh sách cử tri 2026"
    )
    people = voters_of(village, 10)
    ask(commune, people[:9])
    tally = dialogue.request_tally(commune, 2026)
    assert (tally.requests, tally.voters, tally.needed, tally.reached) == (9, 100, 10, False)
    assert not Event.objects.filter(action="consultations.dialogue_triggered").exists()
    ask(commune, people[9:])
    assert dialogue.request_tally(commune, 2026).reached
    triggered = Event.objects.filter(action="consultations.dialogue_triggered").get()
    assert triggered.payload == {"year": 2026, "requests": 10, "voters": 100}
    assert dialogue.owes_requested_dialogue(commune, 2026)
    plan(commune, TODAY + dt.timedelta(days=10), reason="request")
    assert not dialogue.owes_requested_dialogue(commune, 2026)


def test_a_higher_voter_count_puts_ten_requests_just_below_the_trigger(commune, village):
    ask(commune, voters_of(village, 10))
    assert dialogue.request_tally(commune, 2026).voters is None  # no figure, no trigger
    dialogue.set_voter_count(actor=SYSTEM, commune=commune, year=2026, voters=101)
    tally = dialogue.request_tally(commune, 2026)
    assert (tally.requests, tally.needed, tally.reached) == (10, 11, False)  # 9.9 %
    with pytest.raises(ValidationError) as info:
        plan(commune, TODAY + dt.timedelta(days=10), reason="request")
    assert info.value.code == "requests_below_threshold" and "10%" in info.value.messages[0]
    dialogue.set_voter_count(actor=SYSTEM, commune=commune, year=2026, voters=100)
    assert dialogue.request_tally(commune, 2026).reached
    assert VoterCount.objects.get().voters == 100
    assert Event.objects.filter(action="consultations.dialogue_triggered").count() == 1


def test_one_request_per_person_per_year(commune, village):
    person = voters_of(village, 1)[0]
    ask(commune, [person])
    with pytest.raises(ValidationError) as info:
        ask(commune, [person])
    assert info.value.code == "already_requested"
    with on(dt.date(2027, 1, 2)):
        ask(commune, [person])
    assert list(DialogueRequest.objects.values_list("year", flat=True)) == [2026, 2027]


def test_a_resident_asks_once_on_the_portal_and_once_only_on_paper(commune, village, resident):
    person = voters_of(village, 1)[0]
    person.user = resident
    person.save()
    request = dialogue.request_dialogue(actor=resident, commune=commune)
    assert (request.person, request.user, request.entered_by) == (person, resident, None)
    with pytest.raises(ValidationError) as info:
        dialogue.request_dialogue(actor=resident, commune=commune)
    assert info.value.code == "already_requested"
    with pytest.raises(ValidationError) as info:
        dialogue.enter_dialogue_request(actor=SYSTEM, commune=commune, person=person)
    assert info.value.code == "already_requested"
    assert DialogueRequest.objects.count() == 1


def test_only_voters_of_the_commune_ask(commune, other_commune, village, resident):
    outsider = make_user("nguoi_xa_khac", Role.RESIDENT, other_commune)
    with pytest.raises(ValidationError) as info:
        dialogue.request_dialogue(actor=outsider, commune=commune)
    assert info.value.code == "not_a_resident"
    with pytest.raises(ValidationError) as info:
        dialogue.request_dialogue(actor=None, commune=commune)
    assert info.value.code == "login_required"
    child = Person.objects.create(full_name="Nguyễn Văn Bé", birth_year=2010)
    child.household = voters_of(village, 1)[0].household
    child.save()
    with pytest.raises(ValidationError) as info:
        dialogue.enter_dialogue_request(actor=SYSTEM, commune=commune, person=child)
    assert info.value.code == "not_a_voter"
    homeless = Person.objects.create(full_name="Lê Văn Khách")
    with pytest.raises(ValidationError) as info:
        dialogue.enter_dialogue_request(actor=SYSTEM, commune=commune, person=homeless)
    assert info.value.code == "not_a_resident"
    # A resident known only by a grant in the commune may ask on the portal.
    assert dialogue.request_dialogue(actor=resident, commune=commune).person is None
    assert DialogueRequest.objects.count() == 1


# --- notice ≥ 7 days --------------------------------------------------------------------------------


def test_notice_seven_days_before_is_on_time(commune):
    conference = plan(commune, TODAY + dt.timedelta(days=7))
    conference = dialogue.announce_dialogue(actor=SYSTEM, conference=conference, announced_on=TODAY)
    assert conference.announced_on == TODAY


def test_notice_six_days_before_is_refused_and_nothing_is_written(commune):
    conference = plan(commune, TODAY + dt.timedelta(days=6))
    events = Event.objects.count()
    with pytest.raises(ValidationError) as info:
        dialogue.announce_dialogue(actor=SYSTEM, conference=conference, announced_on=TODAY)
    assert info.value.code == "notice_too_late"
    assert "07 ngày" in info.value.messages[0] and "Điều 43" in info.value.messages[0]
    conference.refresh_from_db()
    assert conference.announced_on is None and Event.objects.count() == events


def test_not_held_without_notice_or_before_the_day(commune):
    conference = plan(commune, TODAY + dt.timedelta(days=8))
    with pytest.raises(ValidationError) as info:
        dialogue.hold_dialogue(actor=SYSTEM, conference=conference, minutes="Biên bản")
    assert info.value.code == "not_announced"
    dialogue.announce_dialogue(actor=SYSTEM, conference=conference, announced_on=TODAY)
    with pytest.raises(ValidationError) as info:
        dialogue.hold_dialogue(actor=SYSTEM, conference=conference, minutes="Biên bản")
    assert info.value.code == "not_yet"


def test_a_plan_needs_place_content_how_to_attend_and_a_lawful_form(commune):
    with pytest.raises(ValidationError) as info:
        dialogue.plan_dialogue(
            actor=SYSTEM,
            commune=commune,
            held_on=TODAY,
            place="Hội trường",
            reason="needed",
            content="",
            how_to_attend="Trực tiếp",
            forms=["in_person"],
        )
    assert info.value.code == "notice_incomplete"
    with pytest.raises(ValidationError) as info:
        dialogue.plan_dialogue(
            actor=SYSTEM,
            commune=commune,
            held_on=TODAY,
            place="Hội trường",
            reason="needed",
            content="Nội dung",
            how_to_attend="Trực tiếp",
            forms=["loudspeaker"],
        )
    assert info.value.code == "bad_forms"
    assert DialogueConference.objects.count() == 0


# --- results within 10 days ----------------------------------------------------------------------


HELD_ON = dt.date(2026, 12, 10)


@pytest.mark.parametrize("after,late", [(10, False), (11, True)])
def test_results_ten_days_after_are_on_time_eleven_are_late(commune, after, late):
    conference = held(commune, HELD_ON)
    day = HELD_ON + dt.timedelta(days=after)
    assert dialogue.results_due_on(conference) == dt.date(2026, 12, 20)
    assert dialogue.overdue_results(commune, day) == ([conference] if late else [])
    with on(day):
        conference = dialogue.publish_dialogue_results(
            actor=SYSTEM,
            conference=conference,
            results="Tiếp thu 10 ý kiến; giải trình 2 ý kiến.",
            published_on=day,
            sent_to_village_heads_on=day,
        )
    assert dialogue.results_late(conference) is late
    assert Event.objects.get(action="consultations.dialogue_results").payload["late"] is late
    assert dialogue.overdue_results(commune, day) == []


def test_results_are_published_once_after_the_conference(commune):
    conference = held(commune, HELD_ON)
    with on(HELD_ON + dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as info:
            dialogue.publish_dialogue_results(
                actor=SYSTEM,
                conference=conference,
                results="Kết quả",
                published_on=HELD_ON - dt.timedelta(days=1),
                sent_to_village_heads_on=HELD_ON,
            )
        assert info.value.code == "before_conference"
        dialogue.publish_dialogue_results(
            actor=SYSTEM,
            conference=conference,
            results="Kết quả",
            published_on=HELD_ON,
            sent_to_village_heads_on=HELD_ON + dt.timedelta(days=1),
        )
        with pytest.raises(ValidationError) as info:
            dialogue.publish_dialogue_results(
                actor=SYSTEM,
                conference=conference,
                results="Kết quả khác",
                published_on=HELD_ON,
                sent_to_village_heads_on=HELD_ON,
            )
        assert info.value.code == "already_published"


# --- at least one a year ----------------------------------------------------------------------------


def test_communes_without_a_dialogue_this_year(commune, other_commune, province):
    assert list(dialogue.communes_without_dialogue(2026, within=province)) == [
        other_commune,
        commune,
    ]  # sorted by name: "Đại Xuyên" before "Ứng Hòa"
    plan(commune, dt.date(2026, 12, 20))  # planned is not held
    assert commune in dialogue.communes_without_dialogue(2026)
    held(commune, HELD_ON)
    assert list(dialogue.communes_without_dialogue(2026, within=province)) == [other_commune]
    assert commune in dialogue.communes_without_dialogue(2027)


# --- who may do what ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["anonymous", "resident", "other_village_head", "outside_officer"]
)
def test_only_the_commune_plans_and_counts_voters(commune, village, personas, persona):
    user = personas[persona]
    if user is not None:
        user.is_verified = lambda: True
    events = Event.objects.count()
    with pytest.raises(PermissionDenied):
        dialogue.plan_dialogue(
            actor=user,
            commune=commune,
            held_on=TODAY + dt.timedelta(days=10),
            place="Hội trường",
            reason="yearly",
            content="Nội dung",
            how_to_attend="Trực tiếp",
            forms=["in_person"],
        )
    with pytest.raises(PermissionDenied):
        dialogue.set_voter_count(actor=user, commune=commune, year=2026, voters=100)
    with pytest.raises(PermissionDenied):
        dialogue.enter_dialogue_request(
            actor=user, commune=commune, person=voters_of(village, 1)[0]
        )
    assert Event.objects.count() == events
    assert DialogueConference.objects.count() == VoterCount.objects.count() == 0
    assert DialogueRequest.objects.count() == 0


def test_the_village_head_of_the_commune_cannot_plan_but_the_officer_can(
    commune, village_head, officer
):
    village_head.is_verified = lambda: True
    officer.is_verified = lambda: True
    with pytest.raises(PermissionDenied):
        dialogue.set_voter_count(actor=village_head, commune=commune, year=2026, voters=100)
    count = dialogue.set_voter_count(actor=officer, commune=commune, year=2026, voters=4200)
    assert (count.voters, count.entered_by) == (4200, officer)
