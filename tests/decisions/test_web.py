import pytest

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.decisions import services
from danchu.decisions.models import Matter, Participation
from tests.conftest import client_for, make_user
from tests.decisions.conftest import TODAY, add_households, codes_of, open_matter


def test_household_votes_with_its_printed_code_without_an_account(village):
    matter = open_matter(village, form="ballot", households=3, agreed=True)
    yes = matter.options.first()
    code = next(iter(codes_of(matter).values()))
    client = client_for(None)
    scanned = client.get("/b/", {"code": code.lower()})  # the QR code on the ballot
    assert (scanned.status_code, scanned["Location"]) == (302, "/b/")  # code out of the URL
    page = client.get("/b/")
    assert page.status_code == 200 and matter.title in page.content.decode()
    assert client.get("/b/").status_code == 200  # the code was used once, then forgotten
    assert matter.title not in client.get("/b/").content.decode()
    response = client.post("/b/", {"code": code, "option": yes.pk})
    assert response.status_code == 200
    assert "Đã ghi nhận biểu quyết của hộ" in response.content.decode()
    again = client.post("/b/", {"code": code, "option": yes.pk})
    assert "đã biểu quyết" in again.content.decode()
    assert Participation.objects.filter(matter=matter).count() == 1
    assert client.post("/b/", {"code": "SAIMA-00000"}).status_code == 422


def test_a_vote_by_code_reads_only_what_it_writes_with(village, django_assert_max_num_queries):
    """A vote finds its code, checks the option, then writes: no reads for a page it replaces
    (the entry, the options, whether the household voted and the online conditions were
    read twice before)."""
    matter = open_matter(village, form="ballot", households=3, agreed=True)
    yes = matter.options.first()
    code = next(iter(codes_of(matter).values()))
    client = client_for(None)
    # The roll entry, the option, the participation, the choice, the audit head and event, and
    # the session/transaction statements around them.
    with django_assert_max_num_queries(10):
        response = client.post("/b/", {"code": code, "option": yes.pk})
    assert "Đã ghi nhận biểu quyết của hộ" in response.content.decode()
    refused = client.post("/b/", {"code": code, "option": 999999})
    assert refused.status_code == 422 and "đã biểu quyết" in refused.content.decode()
    bad_option_code = list(codes_of(matter).values())[1]
    unknown = client.post("/b/", {"code": bad_option_code, "option": 999999})
    assert unknown.status_code == 422 and "Phương án không tồn tại" in unknown.content.decode()
    assert Participation.objects.filter(matter=matter).count() == 1


def test_representative_votes_in_three_taps(village):
    matter = open_matter(village, form="online", households=2, agreed=True)
    household = matter.roll.first().household
    user = make_user("dai_dien", Role.RESIDENT, village)
    household.representative.user = user
    household.representative.save()
    client = client_for(user)
    page = client.get(matter.get_absolute_url()).content.decode()  # tap 1: open the matter
    assert "Biểu quyết thay mặt hộ" in page
    yes = matter.options.first()
    response = client.post(f"/u/{village.code}/matters/{matter.pk}/vote/", {"option": yes.pk})
    assert response.status_code == 302  # tap 2 (option) — the browser shows the result
    assert "Hộ của bạn đã biểu quyết" in client.get(matter.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "persona,allowed",
    [
        ("anonymous", False),
        ("resident", False),
        ("other_village_head", False),
        ("outside_officer", False),
        ("officer", True),
        ("admin", True),
    ],
)
def test_permission_matrix_for_putting_a_matter(personas, persona, allowed, village):
    before = (Matter.objects.count(), Event.objects.count())
    response = client_for(personas[persona]).post(
        f"/u/{village.code}/matters/create/",
        {"item": 6, "title": "Giờ phát loa buổi sáng", "options": ""},
    )
    if allowed:
        assert response.status_code == 302 and Matter.objects.count() == before[0] + 1
    else:
        assert response.status_code in (302, 403)
        assert (Matter.objects.count(), Event.objects.count()) == before


def test_village_head_runs_a_meeting_from_the_web(village, village_head):
    add_households(village, 5)
    client = client_for(village_head)
    client.post(
        f"/u/{village.code}/matters/create/",
        {"item": 1, "title": "Đóng góp làm đường", "options": ""},
    )
    matter = Matter.objects.get()
    client.post(f"/u/{village.code}/matters/{matter.pk}/open/", {"form": "meeting"})
    client.post(
        f"/u/{village.code}/matters/{matter.pk}/sessions/",
        {"name": "", "held_on": "2026-11-27", "chair_name": "Trần Văn Nam"},
    )
    session = matter.sessions.get()
    client.post(
        f"/u/{village.code}/sessions/{session.pk}/attendance/",
        {"codes": "H0001, H0002 H0003\nH0004"},
    )
    client.post(
        f"/u/{village.code}/sessions/{session.pk}/procedural/",
        {"question": "method", "in_favour": 4},
    )
    client.post(f"/u/{village.code}/sessions/{session.pk}/details/", {"method": "hands"})
    yes, no = matter.options.all()
    client.post(
        f"/u/{village.code}/sessions/{session.pk}/counts/",
        {f"option_{yes.pk}": 3, f"option_{no.pk}": 1},
    )
    response = client.post(f"/u/{village.code}/matters/{matter.pk}/close/", follow=True)
    page = response.content.decode()
    matter.refresh_from_db()
    assert matter.adopted is True and matter.result["votes"] == {"Đồng ý": 3, "Không đồng ý": 1}
    assert "Quá 50% tổng số hộ trong danh sách (5 hộ) tán thành" in page
    assert "Điều 21 khoản 1 Luật 10/2022/QH15" in page


def test_unknown_household_codes_at_attendance_are_named(village, village_head):
    matter = open_matter(village, households=3)
    session = services.start_session(
        actor=SYSTEM, matter=matter, name="Họp", held_on=TODAY, chair_name="Trần Văn Nam"
    )
    response = client_for(village_head).post(
        f"/u/{village.code}/sessions/{session.pk}/attendance/", {"codes": "H0001 X999"}, follow=True
    )
    page = response.content.decode()
    assert "Chưa ghi nhận hộ nào" in page and "của vấn đề này: X999." in page
    assert Participation.objects.count() == 0
    # Codes typed in lower case on a phone are the same codes.
    client_for(village_head).post(
        f"/u/{village.code}/sessions/{session.pk}/attendance/", {"codes": "h0001, h0002"}
    )
    assert Participation.objects.count() == 2


def test_the_front_committee_head_records_the_fronts_agreement(village, village_head):
    from danchu.accounts.models import Role
    from danchu.decisions.models import Matter
    from tests.conftest import make_user

    front = make_user("mat_tran", Role.FRONT_COMMITTEE, village)
    matter = services.create_matter(
        actor=SYSTEM, unit=village, item=6, title="Lắp camera an ninh đầu thôn", kind="decision"
    )
    page = client_for(front).get(matter.get_absolute_url()).content.decode()
    assert 'value="front"' in page and 'value="head"' not in page
    head_page = client_for(village_head).get(matter.get_absolute_url()).content.decode()
    assert 'value="head"' in head_page and 'value="front"' not in head_page
    client_for(front).post(
        f"/u/{village.code}/matters/{matter.pk}/agreements/", {"who": "front", "on": "2026-11-27"}
    )
    assert Matter.objects.get(pk=matter.pk).front_agreed_on == TODAY
    # The village page lists drafts waiting for the Front, to the Front only.
    services.create_matter(
        actor=SYSTEM, unit=village, item=6, title="Nạo vét mương tiêu xóm 4", kind="decision"
    )
    assert (
        "Nạo vét mương tiêu xóm 4" in client_for(front).get(f"/u/{village.code}/").content.decode()
    )
    assert "Nạo vét mương" not in client_for(None).get(f"/u/{village.code}/").content.decode()


def test_drafts_are_hidden_and_secret_votes_show_no_household(village):
    draft = services.create_matter(actor=SYSTEM, unit=village, item=6, title="Nháp riêng")
    assert client_for(None).get(draft.get_absolute_url()).status_code == 404
    matter = open_matter(village, form="ballot", households=2, agreed=True, secret=True)
    code = next(iter(codes_of(matter).values()))
    services.cast_with_code(code=code, option_id=matter.options.first().pk, channel="online")
    services.close_matter(actor=SYSTEM, matter=matter)
    page = client_for(None).get(matter.get_absolute_url()).content.decode()
    assert "H0001" not in page and "Nguyễn Văn Hộ" not in page
    assert "Không thông qua" in page  # 1 of 2 is not more than half


def test_commune_overview_lists_overdue_recognitions(commune, village, officer):
    import datetime as dt

    import time_machine

    matter = open_matter(village, item=3, households=2)
    session = services.start_session(
        actor=SYSTEM, matter=matter, name="Họp", held_on=TODAY, chair_name="Trần Văn Nam"
    )
    ids = list(matter.roll.values_list("household_id", flat=True))
    services.record_attendance(actor=SYSTEM, session=session, household_ids=ids)
    services.record_procedural_vote(actor=SYSTEM, session=session, question="method", in_favour=2)
    services.set_session_details(actor=SYSTEM, session=session, method="hands")
    services.record_session_counts(
        actor=SYSTEM, session=session, counts={matter.options.first().pk: 2}
    )
    services.close_matter(actor=SYSTEM, matter=matter)
    services.receive_for_recognition(actor=SYSTEM, matter=matter, received_on=TODAY)
    with time_machine.travel(dt.datetime(2026, 12, 10, 9, tzinfo=dt.UTC), tick=False):
        page = client_for(officer).get(f"/u/{commune.code}/matters/").content.decode()
    assert "Quá hạn công nhận" in page and "04/12/2026" in page


def test_guessing_ballot_codes_is_slowed_down(village, settings):
    from django.core.cache import cache

    cache.clear()
    matter = open_matter(village, form="ballot", households=1, agreed=True)
    code = next(iter(codes_of(matter).values()))
    client = client_for(None)
    for n in range(services.BAD_CODE_LIMIT):
        assert client.post("/b/", {"code": f"AAAAA-{n:05d}"}).status_code == 422
    response = client.post("/b/", {"code": code})  # even the right code waits now
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()
    cache.clear()
