"""The printed forms on the web (NĐ 59/2023 Mẫu 01–05) and the household ballots built in the
background: who may open what, the PDFs opened back, the audit of every ballot download."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.decisions import elections, printing, services
from danchu.decisions.models import BallotPrint
from danchu.people.models import Person
from tests.conftest import client_for, make_user
from tests.decisions.conftest import TODAY, codes_of, open_matter
from tests.decisions.test_print import ballot_matter, held_meeting, prepared_election


def pages_of(response) -> list[str]:
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(body))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def text_of(response) -> str:
    return " ".join(pages_of(response))


def url(matter, name: str) -> str:
    return f"/u/{matter.unit.code}/matters/{matter.pk}/{name}"


@pytest.fixture
def chair(commune):
    return make_user("chu_tich_xa", Role.COMMUNE_CHAIR, commune)


@pytest.fixture
def front(commune):
    return make_user("mat_tran_xa", Role.FRONT_COMMITTEE, commune)


# --- Mẫu 01–05 ------------------------------------------------------------------------------


def test_the_invitation_is_public_once_the_meeting_is_called(village, personas):
    matter, session = held_meeting(village, close=False)
    address = f"/u/{village.code}/sessions/{session.pk}/invitation.pdf"
    for persona in ("anonymous", "resident", "other_village_head", "officer"):
        response = client_for(personas[persona]).get(address)
        assert response.status_code == 200, persona
    text = text_of(response)
    for expected in ("Mẫu số 01", "GIẤY MỜI", "Họp cộng đồng dân cư thôn Đông Lỗ", matter.title):
        assert expected in text, expected


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 403),
        ("resident", 403),
        ("other_village_head", 403),
        ("outside_officer", 403),
        ("officer", 200),
        ("admin", 200),
    ],
)
def test_the_minutes_name_households_so_only_officers_open_them(village, personas, persona, status):
    matter, _session = held_meeting(village)
    response = client_for(personas[persona]).get(url(matter, "minutes.pdf"))
    assert response.status_code == status
    if status == 200:
        text = text_of(response)
        assert "Mẫu số 02" in text
        assert "Nguyễn Văn Hộ 1" in text  # the households present, with their representatives


def test_the_village_head_and_the_recognising_body_open_the_minutes(
    village, village_head, chair, front
):
    matter, _session = held_meeting(village)  # item 6: no recognition
    assert client_for(village_head).get(url(matter, "minutes.pdf")).status_code == 200
    assert client_for(front).get(url(matter, "minutes.pdf")).status_code == 403
    board = open_matter(village, item=5, households=3)  # item 5: the commune Front recognises
    session = services.start_session(
        actor=SYSTEM, matter=board, name="Nhà văn hóa", held_on=TODAY, chair_name="Trần Văn Nam"
    )
    assert session.pk
    assert client_for(front).get(url(board, "minutes.pdf")).status_code == 200
    assert client_for(chair).get(url(board, "minutes.pdf")).status_code == 200


def test_the_decision_is_public_once_counted_and_a_draft_before(village, personas):
    matter, _session = held_meeting(village, close=False)
    assert client_for(personas["resident"]).get(url(matter, "decision.pdf")).status_code == 403
    provisional = client_for(personas["officer"]).get(url(matter, "decision.pdf"))
    assert provisional.status_code == 200
    services.close_matter(actor=SYSTEM, matter=matter)
    for persona in ("anonymous", "resident", "other_village_head"):
        response = client_for(personas[persona]).get(url(matter, "decision.pdf"))
        assert response.status_code == 200, persona
    text = text_of(response)
    for expected in ("Mẫu số 03", "NGHỊ QUYẾT", "Điều 1. Thông qua nội dung: " + matter.title):
        assert expected in text, expected
    minutes = client_for(None).get(url(matter, "decision.pdf") + "?document=minutes")
    assert "BIÊN BẢN" in text_of(minutes) and "THỐNG NHẤT:" in text_of(minutes)
    assert client_for(None).get(url(matter, "decision.pdf") + "?document=x").status_code == 404


def test_the_ballot_tally_is_public_once_counted(village, personas):
    matter = ballot_matter(village, households=10, online=4, paper=2, close=False)
    assert client_for(personas["resident"]).get(url(matter, "tally.pdf")).status_code == 403
    assert client_for(personas["officer"]).get(url(matter, "tally.pdf")).status_code == 200
    services.close_matter(actor=SYSTEM, matter=matter)
    response = client_for(None).get(url(matter, "tally.pdf"))
    assert response.status_code == 200
    text = text_of(response)
    assert "Mẫu số 04" in text and "BIÊN BẢN KIỂM PHIẾU" in text.upper()


def test_the_candidate_list_of_an_election(village, personas):
    election = elections.open_election(actor=SYSTEM, election=prepared_election(village))
    response = client_for(personas["resident"]).get(url(election.matter, "candidates.pdf"))
    assert response.status_code == 200
    text = text_of(response)
    assert "Mẫu số 05" in text
    assert "1 Nguyễn Thị Hương 1978" in text and "2 Hoàng Văn Đức 1985" in text


def test_unknown_or_inapplicable_forms_are_not_found(village, other_village, personas):
    officer = client_for(personas["officer"])
    meeting, session = held_meeting(village)
    draft = services.create_matter(actor=SYSTEM, unit=village, item=6, title="Chưa mở")
    for address in (
        f"/u/{village.code}/matters/999999/minutes.pdf",
        f"/u/{village.code}/matters/999999/decision.pdf",
        f"/u/{village.code}/matters/999999/ballots/",
        f"/u/{village.code}/matters/999999/ballots.pdf",
        f"/u/{village.code}/sessions/999999/invitation.pdf",
        f"/u/{other_village.code}/matters/{meeting.pk}/decision.pdf",  # not that unit's
        f"/u/{other_village.code}/sessions/{session.pk}/invitation.pdf",
        url(meeting, "tally.pdf"),  # a meeting has no ballots
        url(meeting, "ballots/"),
        url(meeting, "candidates.pdf"),  # not an election
        url(draft, "decision.pdf"),  # nothing decided yet
    ):
        assert officer.get(address).status_code == 404, address
    assert client_for(personas["resident"]).get(url(draft, "minutes.pdf")).status_code == 404


def test_the_matter_page_links_the_forms_each_reader_may_open(village, personas):
    matter, session = held_meeting(village)
    public = client_for(personas["resident"]).get(matter.get_absolute_url()).content.decode()
    assert f"/sessions/{session.pk}/invitation.pdf" in public
    assert url(matter, "decision.pdf") in public
    assert url(matter, "minutes.pdf") not in public
    officer = client_for(personas["officer"]).get(matter.get_absolute_url()).content.decode()
    assert url(matter, "minutes.pdf") in officer
    ballots = ballot_matter(village, households=3, online=0, paper=0, close=False)
    console = client_for(personas["officer"]).get(ballots.get_absolute_url()).content.decode()
    assert url(ballots, "ballots/") in console
    resident = client_for(personas["resident"]).get(ballots.get_absolute_url()).content.decode()
    assert url(ballots, "ballots/") not in resident


# --- household ballots, built in the background ---------------------------------------------


def test_ballots_are_built_in_the_background_then_downloaded_and_audited(
    village, village_head, django_capture_on_commit_callbacks
):
    matter = ballot_matter(village, households=5, online=0, paper=0, close=False)
    client = client_for(village_head)
    page = client.get(url(matter, "ballots/"))
    assert page.status_code == 200 and "Tạo phiếu để in" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(matter, "ballots/"))
    assert response.status_code == 302
    built = BallotPrint.objects.get(matter=matter)
    assert built.status == BallotPrint.Status.READY and built.ballots == 5
    page = client.get(url(matter, "ballots/")).content.decode()
    assert "Tải phiếu (PDF)" in page and "Đang tạo…" not in page
    before = Event.objects.filter(action="decisions.ballots_downloaded").count()
    download = client.get(url(matter, "ballots.pdf"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "no-store" in download["Cache-Control"]
    pages = pages_of(download)
    assert len(pages) == 3  # five ballots, two to a page
    text = " ".join(pages)
    assert text.count("PHIẾU LẤY Ý KIẾN HỘ GIA ĐÌNH") == 5
    for code in codes_of(matter).values():
        assert text.count(code) == 1
    assert "Đánh dấu ✓ vào một ô trước phương án hộ gia đình chọn" in text
    client.get(url(matter, "ballots.pdf"))
    downloads = Event.objects.filter(action="decisions.ballots_downloaded")
    assert downloads.count() == before + 2
    assert {e.actor_id for e in downloads} == {village_head.pk}


def test_a_build_not_yet_done_shows_progress_and_refreshes(village, village_head):
    matter = ballot_matter(village, households=3, online=0, paper=0, close=False)
    client = client_for(village_head)
    client.post(url(matter, "ballots/"))  # the worker has not run: the commit never came
    page = client.get(url(matter, "ballots/"))
    assert "Đang tạo…" in page.content.decode()
    assert page["Refresh"] == "5"
    download = client.get(url(matter, "ballots.pdf"))
    assert download.status_code == 303 and download["Location"] == url(matter, "ballots/")


def test_a_ready_file_is_never_built_again_until_the_roll_changes(
    village, village_head, monkeypatch, django_capture_on_commit_callbacks
):
    matter = ballot_matter(village, households=4, online=0, paper=0, close=False)
    calls = []
    render = printing.ballots_pdf
    monkeypatch.setattr(printing, "ballots_pdf", lambda m: calls.append(m.pk) or render(m))
    client = client_for(village_head)
    for _attempt in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url(matter, "ballots/"))
    assert len(calls) == 1
    first = BallotPrint.objects.get(matter=matter)
    assert Event.objects.filter(action="decisions.ballots_built").count() == 1
    # A representative's name changes: the printed ballots are out of date.
    person = Person.objects.get(full_name="Nguyễn Văn Hộ 2")
    person.full_name = "Nguyễn Thị Hai"
    person.save()
    stale = client.get(url(matter, "ballots.pdf"))
    assert stale.status_code == 303
    assert "cần tạo lại" in client.get(url(matter, "ballots/")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(matter, "ballots/"))
    assert len(calls) == 2
    rebuilt = BallotPrint.objects.get(matter=matter)
    assert rebuilt.generation == first.generation + 1 and rebuilt.file.name != first.file.name
    assert "Nguyễn Thị Hai" in text_of(client.get(url(matter, "ballots.pdf")))


def test_a_fallback_gives_new_codes_and_new_ballots(
    village, village_head, django_capture_on_commit_callbacks
):
    matter, _session = held_meeting(village, households=6, present=2, yes=2, no=0, close=False)
    client = client_for(village_head)
    assert client.get(url(matter, "ballots/")).status_code == 404  # a meeting: no ballots
    services.fall_back_to_ballot(
        actor=SYSTEM, matter=matter, collection_ends_on=TODAY + dt.timedelta(days=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(matter, "ballots/"))
    text = text_of(client.get(url(matter, "ballots.pdf")))
    assert text.count("PHIẾU LẤY Ý KIẾN HỘ GIA ĐÌNH") == 4  # those not at the meeting


@pytest.mark.parametrize(
    "persona", ["anonymous", "resident", "other_village_head", "outside_officer"]
)
def test_only_those_who_manage_the_matter_take_the_codes(
    village, personas, persona, django_capture_on_commit_callbacks
):
    matter = ballot_matter(village, households=3, online=0, paper=0, close=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_ballots(actor=SYSTEM, matter=matter)
    before = Event.objects.count()
    client = client_for(personas[persona])
    for response in (
        client.get(url(matter, "ballots/")),
        client.post(url(matter, "ballots/")),
        client.get(url(matter, "ballots.pdf")),
    ):
        if persona == "anonymous":
            assert response.status_code == 302 and "/accounts/" in response["Location"]
        else:
            assert response.status_code == 403
    assert Event.objects.count() == before


def test_no_ballots_for_a_closed_count(village, village_head):
    matter = ballot_matter(village, households=3, online=1, paper=0, close=True)
    client = client_for(village_head)
    response = client.post(url(matter, "ballots/"))
    assert response.status_code == 303
    assert not BallotPrint.objects.filter(matter=matter).exists()
    page = client.get(url(matter, "ballots/")).content.decode()
    assert "không còn mở" in page


def test_a_failed_build_is_shown_and_can_be_retried(
    village, village_head, monkeypatch, django_capture_on_commit_callbacks
):
    matter = ballot_matter(village, households=2, online=0, paper=0, close=False)

    def broken(_matter):
        raise OSError("no fonts")

    monkeypatch.setattr(printing, "ballots_pdf", broken)
    client = client_for(village_head)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(matter, "ballots/"))
    assert BallotPrint.objects.get(matter=matter).status == BallotPrint.Status.FAILED
    assert "không thành công" in client.get(url(matter, "ballots/")).content.decode()
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(matter, "ballots/"))
    assert BallotPrint.objects.get(matter=matter).status == BallotPrint.Status.READY
