"""Electing a village head on the web, from the Chair's decision to the term, then a
resignation, the 60-day clock and an acting head (NĐ 59 Art 6–9); the commune's overview and
the province's term."""

from __future__ import annotations

import datetime as dt

import pytest

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.decisions import elections
from danchu.decisions.models import (
    ActingHead,
    Candidacy,
    Dismissal,
    Election,
    ElectionTeamMember,
    Term,
    TermSetting,
)
from tests.conftest import client_for, make_user
from tests.decisions.conftest import TODAY, add_households
from tests.decisions.test_elections import elected, recognise, vote


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@pytest.fixture
def chair(commune):
    return make_user("chutich", Role.COMMUNE_CHAIR, commune)


@pytest.fixture
def front(commune):
    return make_user("mattran", Role.FRONT_COMMITTEE, commune)


def test_an_election_from_the_chairs_decision_to_the_term(village, village_head, chair, resident):
    households = add_households(village, 6)
    a, b = (h.representative for h in households[:2])
    base = f"/u/{village.code}/elections/"
    boss, head, citizen = client_for(chair), client_for(village_head), client_for(resident)
    # The Chair sees the form; the village head may organise only a board seat.
    page = boss.get(base).content.decode()
    assert "Quyết định tổ chức bầu cử" in page
    assert 'value="4"' in page
    assert 'value="4"' not in head.get(base).content.decode()
    assert "Quyết định tổ chức bầu cử" not in citizen.get(base).content.decode()

    # 19 days before the meeting is refused with the article; nothing is written.
    events = Event.objects.count()
    late = boss.post(
        f"{base}create/",
        {"item": 4, "meeting_on": (TODAY + days(19)).isoformat(), "decided_on": TODAY.isoformat()},
    )
    assert late.status_code == 422
    assert "20 ngày" in late.content.decode() and "Điều 6" in late.content.decode()
    assert Election.objects.count() == 0 and Event.objects.count() == events

    meeting = TODAY + days(25)
    created = boss.post(
        f"{base}create/",
        {
            "item": 4,
            "meeting_on": meeting.isoformat(),
            "decided_on": TODAY.isoformat(),
            "decision_ref": "125/QĐ-UBND",
        },
    )
    election = Election.objects.get()
    url = f"{base}{election.pk}/"
    assert created.status_code == 302 and created["Location"] == url
    # Not announced yet: the resident cannot see it; the page lists what is missing.
    assert citizen.get(url).status_code == 404
    pdf = f"/u/{village.code}/matters/{election.matter_id}/candidates.pdf"
    assert citizen.get(pdf).status_code == 404
    assert "Tổ bầu cử" in head.get(url).content.decode()

    # The team: the Chair decides it; a candidate may not sit on it.
    assert (
        boss.post(
            f"{url}team/",
            {
                "decided_on": TODAY.isoformat(),
                "decision_ref": "126/QĐ-UBND",
                "leader_name": "Lê Thị Mai",
                "members": "Đỗ Văn Hùng — Hội Nông dân\nPhạm Thị Lan — Hội Liên hiệp Phụ nữ",
            },
        ).status_code
        == 302
    )
    assert ElectionTeamMember.objects.filter(election=election).count() == 3
    assert (
        head.post(f"{url}announce/", {"announced_on": TODAY.isoformat(), "how": "Loa"}).status_code
        == 302
    )
    # Now public.
    public = citizen.get(url).content.decode()
    assert "Lê Thị Mai" in public and "Hội Nông dân" in public
    assert citizen.get(pdf).status_code == 200  # Mẫu 05 is public with the announcement

    # A candidate: a person of the village; a team member's namesake is refused.
    assert head.post(f"{url}candidates/", {"person": a.pk, "source": "front"}).status_code == 302
    assert head.post(f"{url}candidates/", {"person": b.pk, "source": "self"}).status_code == 302
    b_team = boss.post(
        f"{url}team/add/", {"full_name": b.full_name, "representing": "Hộ"}, follow=True
    )
    assert "ứng cử" in b_team.content.decode()
    assert ElectionTeamMember.objects.filter(election=election).count() == 3
    assert Candidacy.objects.filter(election=election).count() == 2
    # A person of another village is not on offer.
    assert head.post(f"{url}candidates/", {"person": 999999, "source": "front"}).status_code == 303

    # Open the meeting on its day, vote, recognise, then the term starts.
    assert (
        head.post(
            f"{url}list/", {"met_on": TODAY.isoformat(), "minutes": "Hội nghị lập danh sách."}
        ).status_code
        == 302
    )
    election.refresh_from_db()
    elections.reschedule_election(actor=SYSTEM, election=election, meeting_on=meeting)
    assert head.post(f"{url}open/").status_code == 302
    election.refresh_from_db()
    matter = vote(election.matter, 0)
    assert "Ghi nhận nhiệm kỳ" not in boss.get(url).content.decode()
    assert boss.post(f"{url}term/", follow=True).status_code == 200
    assert not Term.objects.exists()  # refused: not yet recognised (NĐ 59 Art 8)
    recognise(matter)
    assert "Ghi nhận nhiệm kỳ" in boss.get(url).content.decode()
    assert head.post(f"{url}term/").status_code == 403  # only the UBND
    assert boss.post(f"{url}term/").status_code == 302
    term = Term.objects.get()
    assert term.person == a and term.started_on == TODAY
    village_page = citizen.get(base).content.decode()
    assert a.full_name in village_page and "Nhiệm kỳ từ" in village_page


def test_resignation_clock_and_acting_head_on_the_web(
    village, village_head, chair, resident, commune
):
    term = elected(village)
    base = f"/u/{village.code}/elections/"
    head, boss = client_for(village_head), client_for(chair)
    # The resident cannot file on the holder's behalf.
    assert (
        client_for(resident)
        .post(
            f"/u/{village.code}/terms/{term.pk}/dismissal/",
            {"grounds": "resignation", "submitted_on": TODAY.isoformat(), "reason": "Sức khỏe"},
        )
        .status_code
        == 403
    )
    # An empty reason is refused with the field's message, nothing written.
    bad = head.post(
        f"/u/{village.code}/terms/{term.pk}/dismissal/",
        {"grounds": "resignation", "submitted_on": TODAY.isoformat(), "reason": ""},
    )
    assert bad.status_code == 422 and not Dismissal.objects.exists()
    # The village head may not file a Front proposal.
    assert (
        head.post(
            f"/u/{village.code}/terms/{term.pk}/dismissal/",
            {"grounds": "proposal", "submitted_on": TODAY.isoformat(), "reason": "x"},
        ).status_code
        == 422
    )
    done = head.post(
        f"/u/{village.code}/terms/{term.pk}/dismissal/",
        {
            "grounds": "resignation",
            "submitted_on": TODAY.isoformat(),
            "submitted_by_name": term.person.full_name,
            "reason": "Xin thôi làm vì lý do sức khỏe.",
        },
    )
    dismissal = Dismissal.objects.get()
    url = f"/u/{village.code}/dismissals/{dismissal.pk}/"
    assert done.status_code == 302 and done["Location"] == url
    assert "Chuẩn bị cuộc họp biểu quyết" in head.get(url).content.decode()
    assert head.post(f"{url}vote/").status_code == 302
    dismissal.refresh_from_db()
    matter = dismissal.matter
    from danchu.decisions import services

    services.open_matter(actor=SYSTEM, matter=matter, form="meeting")
    vote(matter, 0)
    recognise(matter)
    assert "Ghi kết quả" in boss.get(url).content.decode()
    assert boss.post(f"{url}conclude/").status_code == 302
    dismissal.refresh_from_db()
    assert dismissal.outcome == "dismissed"
    assert dismissal.new_election_due_on == TODAY + days(60)
    # The commune sees the village without a head, inside its 60 days.
    overview = client_for(resident).get(f"/u/{commune.code}/elections/").content.decode()
    assert "Đang trong thời hạn 60 ngày" in overview and "trống" in overview
    # The Chair names an acting head; the Front's agreement must come first.
    person = village.households.first().representative
    late = boss.post(
        f"{base}acting-head/",
        {
            "person": person.pk,
            "front_agreed_on": TODAY.isoformat(),
            "appointed_on": (TODAY - days(1)).isoformat(),
        },
    )
    assert late.status_code == 422 and "Điều 9" in late.content.decode()
    assert (
        boss.post(
            f"{base}acting-head/",
            {
                "person": person.pk,
                "front_agreed_on": TODAY.isoformat(),
                "appointed_on": TODAY.isoformat(),
            },
        ).status_code
        == 302
    )
    assert ActingHead.objects.get().person == person
    assert (
        head.post(
            f"{base}acting-head/",
            {
                "person": person.pk,
                "front_agreed_on": TODAY.isoformat(),
                "appointed_on": TODAY.isoformat(),
            },
        ).status_code
        == 403
    )
    overview = client_for(resident).get(f"/u/{commune.code}/elections/").content.decode()
    assert "lâm thời" in overview


def test_the_commune_lists_overdue_new_elections_and_terms_ending(village, other_village, commune):
    term = elected(village)
    Term.objects.filter(pk=term.pk).update(
        planned_end_on=TODAY + days(90), ends_on=TODAY + days(90)
    )
    dismissal = Dismissal.objects.create(
        term=elected(other_village),
        village=other_village,
        grounds="resignation",
        submitted_on=TODAY - days(80),
        submitted_by_name="x",
        reason="x",
        outcome="dismissed",
        effective_on=TODAY - days(70),
        new_election_due_on=TODAY - days(10),
    )
    Term.objects.filter(pk=dismissal.term_id).update(
        started_on=TODAY - days(400), ended_on=TODAY - days(70), end_reason="dismissed"
    )
    # The election that put the holder in office came long before the dismissal.
    Election.objects.filter(matter__unit=other_village).update(decided_on=TODAY - days(420))
    page = client_for(None).get(f"/u/{commune.code}/elections/").content.decode()
    assert "Quá 60 ngày" in page and other_village.name in page
    assert "Hết nhiệm kỳ trong 180 ngày" in page and "sắp hết" in page


def test_a_term_extension_on_the_web(village, chair, village_head):
    term = elected(village)
    url = f"/u/{village.code}/terms/{term.pk}/extend/"
    data = {
        "decision_ref": "15/QĐ-UBND",
        "decided_on": TODAY.isoformat(),
        "new_end_on": (term.ends_on + days(365)).isoformat(),
    }
    assert client_for(village_head).post(url, data).status_code == 403
    term.refresh_from_db()
    assert term.extensions.count() == 0
    assert client_for(chair).post(url, data).status_code == 302
    term.refresh_from_db()
    assert term.ends_on == term.planned_end_on + days(365)
    earlier = dict(data, new_end_on=(term.ends_on - days(1)).isoformat())
    assert client_for(chair).post(url, earlier).status_code == 303
    assert term.extensions.count() == 1


def test_the_province_sets_its_term(province, village):
    admin = make_user("quantri", Role.ADMIN, province.parent)
    url = f"/u/{province.code}/elections/"
    assert "Đặt nhiệm kỳ" not in client_for(None).get(url).content.decode()
    assert client_for(None).post(f"{url}term-length/", {"months": 30}).status_code == 302  # login
    assert client_for(admin).post(f"{url}term-length/", {"months": 45}).status_code == 422
    assert (
        client_for(admin)
        .post(f"{url}term-length/", {"months": 30, "basis": "NQ 05/2025"})
        .status_code
        == 302
    )
    assert TermSetting.objects.get(province=province).months == 30
    assert elections.term_months(village) == 30
    assert "30 tháng" in client_for(None).get(url).content.decode()


@pytest.mark.parametrize("kind", ["nation"])
def test_the_nation_has_no_elections_page(kind, nation):
    assert client_for(None).get(f"/u/{nation.code}/elections/").status_code == 404


def test_a_term_elected_on_paper_is_recorded_by_the_body_that_recognised_it(
    village, chair, front, village_head, commune
):
    person = add_households(village, 2)[0].representative
    url = f"/u/{village.code}/elections/existing-term/"
    data = {
        "office": "village_head",
        "person": person.pk,
        "started_on": str(TODAY - days(900)),
        "ends_on": str(TODAY + days(30)),
        "basis": "Quyết định số 112/QĐ-UBND ngày 15/6/2024 của UBND xã",
    }
    assert (
        "Ghi nhận nhiệm kỳ đang diễn ra"
        in client_for(chair).get(f"/u/{village.code}/elections/").content.decode()
    )
    assert client_for(village_head).post(url, data).status_code == 403
    # The Front records board members only: its form does not offer the village head.
    assert client_for(front).post(url, data).status_code == 422
    events = Event.objects.count()
    for bad in (
        {"basis": ""},
        {"ends_on": str(TODAY - days(1))},
        {"started_on": str(TODAY + days(1))},
    ):
        assert client_for(chair).post(url, {**data, **bad}).status_code == 422
    assert not Term.objects.exists() and Event.objects.count() == events
    assert client_for(chair).post(url, data).status_code == 302
    term = Term.objects.get()
    assert term.election is None and term.basis.startswith("Quyết định số 112")
    assert elections.current_head(village).person == person
    # A second head is refused; the commune sees the term ending within 180 days.
    again = client_for(chair).post(url, data)
    assert again.status_code == 422 and "đang giữ" in again.content.decode()
    overview = client_for(None).get(f"/u/{commune.code}/elections/").content.decode()
    assert "sắp hết" in overview and person.full_name in overview
    village_page = client_for(None).get(f"/u/{village.code}/elections/").content.decode()
    assert "112/QĐ-UBND" in village_page
    # The Front records a Ban TTND member.
    member = {**data, "office": "inspection_board", "basis": "QĐ 05/QĐ-MTTQ"}
    assert client_for(front).post(url, member).status_code == 302
    assert Term.objects.filter(office="inspection_board").count() == 1


def test_villages_are_listed_in_vietnamese_order(commune):
    from tests.conftest import _unit

    for code, name in (
        ("10402-21", "Thôn Đông Lỗ"),
        ("10402-22", "Thôn Vân Đình"),
        ("10402-23", "Thôn Dương Xá"),
    ):
        _unit("village", code, name, commune)
    page = client_for(None).get(f"/u/{commune.code}/elections/").content.decode()
    assert page.index("Thôn Dương Xá") < page.index("Thôn Đông Lỗ") < page.index("Thôn Vân Đình")
