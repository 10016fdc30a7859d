"""A consultation's status as it stands on a day (nothing writes "closed"), the refusal of
opinions outside the period with a message that says why, moderation frozen by the published
synthesis, and regrouping that reopens an answer (Law 10/2022 Art 25–29)."""

import datetime as dt

import pytest
import time_machine

from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.consultations import services
from danchu.consultations.models import Consultation, Opinion, OpinionGroup
from danchu.core.errors import ValidationError
from tests.conftest import client_for
from tests.consultations.conftest import TODAY, make_consultation

LAST_DAY = TODAY + dt.timedelta(days=14)  # 11/12/2026
AFTER = LAST_DAY + dt.timedelta(days=1)


def on(day: dt.date):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.UTC), tick=False
    )


def _answer(consultation, opinions, title="Niêm yết thêm tại chợ"):
    group = services.create_group(
        actor=SYSTEM, consultation=consultation, title=title, opinion_ids=[o.pk for o in opinions]
    )
    return services.answer_group(actor=SYSTEM, group=group, answer="accepted", reason="")


# --- "closed" is derived the same way everywhere --------------------------------------------


def test_an_open_consultation_is_closed_from_the_day_after_its_last_day(commune):
    consultation = make_consultation(commune)
    with on(LAST_DAY):
        assert consultation.current_status == "open" and services.is_accepting(consultation)
        assert list(Consultation.objects.running()) == [consultation]
        assert not Consultation.objects.closed().exists()
    with on(AFTER):
        assert consultation.status == "open"  # nothing was written
        assert consultation.current_status == "closed" and consultation.is_closed
        assert services.status_on(consultation) == "closed"
        assert consultation.get_current_status_display() == "Đã hết hạn góp ý"
        assert not services.is_accepting(consultation)
        assert list(Consultation.objects.closed()) == [consultation]
        assert not Consultation.objects.running().exists()
    assert consultation.status_on(AFTER) == "closed" and consultation.status_on(LAST_DAY) == "open"


def test_draft_and_published_consultations_are_never_closed(commune):
    draft = make_consultation(commune, open_it=False)
    assert draft.status_on(AFTER + dt.timedelta(days=30)) == "draft"
    answered = make_consultation(commune)
    with on(AFTER):
        services.publish_synthesis(actor=SYSTEM, consultation=answered)
        answered.refresh_from_db()
        assert answered.current_status == "answered"
        assert not Consultation.objects.closed().filter(pk=answered.pk).exists()


@pytest.mark.parametrize(
    "day,expected",
    [
        (TODAY - dt.timedelta(days=1), "Chưa đến thời gian góp ý: nhận ý kiến từ ngày 27/11/2026"),
        (
            AFTER,
            "Đã hết thời gian góp ý (đến hết ngày 11/12/2026): đợt lấy ý kiến đã kết thúc, "
            "không nhận thêm ý kiến.",
        ),
    ],
)
def test_opinions_outside_the_period_are_refused_with_the_reason(commune, resident, day, expected):
    consultation = make_consultation(commune)
    with on(day), pytest.raises(ValidationError) as info:
        services.submit_opinion(
            is_public=True, user=resident, consultation=consultation, text="Góp ý."
        )
    assert info.value.code == "not_accepting"
    assert info.value.messages[0].startswith(expected)
    assert not Opinion.objects.exists()


def test_no_opinion_on_a_draft_or_after_publication(commune, resident):
    draft = make_consultation(commune, open_it=False)
    with pytest.raises(ValidationError) as info:
        services.enter_opinion(actor=SYSTEM, consultation=draft, text="Giấy.", channel="box")
    assert info.value.messages[0] == "Đợt lấy ý kiến chưa mở; chưa nhận ý kiến."
    consultation = make_consultation(commune)
    with on(AFTER):
        services.publish_synthesis(actor=SYSTEM, consultation=consultation)
        with pytest.raises(ValidationError) as info:
            services.submit_opinion(
                is_public=True, user=resident, consultation=consultation, text="Muộn."
            )
    assert "đã công bố kết quả tổng hợp; không nhận thêm ý kiến" in info.value.messages[0]
    assert not Opinion.objects.exists()


def test_the_synthesis_is_not_published_before_the_period_starts(commune):
    consultation = make_consultation(commune, opens_on=TODAY + dt.timedelta(days=3))
    assert not services.is_accepting(consultation)  # open, but not started yet
    with pytest.raises(ValidationError) as info:
        services.publish_synthesis(actor=SYSTEM, consultation=consultation)
    assert info.value.code == "still_open"
    consultation.refresh_from_db()
    assert consultation.status == "open" and consultation.synthesis_published_at is None


def test_pages_show_the_closed_consultation_and_refuse_comments(commune, village, resident):
    consultation = make_consultation(commune)
    with on(AFTER):
        page = client_for(None).get(consultation.get_absolute_url()).content.decode()
        unit_page = client_for(None).get(f"/u/{village.code}/").content.decode()
        response = client_for(resident).post(
            f"/u/{commune.code}/consultations/{consultation.pk}/comment/",
            {"text": "Muộn.", "section": "1", "is_public": "on"},
        )
    assert "Đã hết hạn góp ý" in page and "Đang lấy ý kiến</span>" not in page
    assert consultation.get_absolute_url() not in unit_page  # no longer listed as open
    assert response.status_code == 422
    assert "đợt lấy ý kiến đã kết thúc, không nhận thêm ý kiến" in response.content.decode()
    assert not Opinion.objects.exists()


def test_the_board_shows_a_closed_consultation_waiting_for_its_synthesis(commune, officer):
    consultation = make_consultation(commune)
    with on(AFTER):
        board = client_for(officer).get(
            f"/u/{commune.code}/consultations/{consultation.pk}/synthesis/"
        )
        unit_page = client_for(officer).get(f"/u/{commune.code}/").content.decode()
    assert "Đã hết hạn góp ý" in board.content.decode()
    assert "chờ công bố tổng hợp" in unit_page


# --- moderation stops when the synthesis is published ----------------------------------------


def test_moderation_is_refused_after_the_synthesis_is_published(commune, resident, officer):
    consultation = make_consultation(commune)
    opinion = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến A"
    )
    _answer(consultation, [opinion])
    with on(AFTER):
        services.publish_synthesis(actor=SYSTEM, consultation=consultation)
    before = Event.objects.count()
    with on(AFTER), pytest.raises(ValidationError) as info:
        services.moderate_opinion(actor=SYSTEM, opinion=opinion, hidden=True, note="Ẩn")
    assert info.value.code == "answered"
    assert info.value.messages[0].startswith("Kết quả tổng hợp đã công bố ngày 12/12/2026")
    opinion.refresh_from_db()
    assert (opinion.hidden, opinion.moderation_note) == (False, "")
    assert Event.objects.count() == before
    with on(AFTER):
        response = client_for(officer).post(
            f"/u/{commune.code}/consultations/{consultation.pk}/opinions/{opinion.pk}/moderate/",
            {"hidden": "on", "note": "Ẩn"},
        )
    assert response.status_code == 422
    assert "không kiểm duyệt, sửa hay ẩn ý kiến được nữa" in response.content.decode()
    opinion.refresh_from_db()
    assert not opinion.hidden


# --- regrouping reopens the answer -----------------------------------------------------------


def test_an_opinion_joining_an_answered_group_reopens_its_answer(commune, resident):
    consultation = make_consultation(commune)
    a = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến A"
    )
    b = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến B"
    )
    first = _answer(consultation, [a], title="Nhóm 1")
    second = _answer(consultation, [b], title="Nhóm 2")
    assert not services.unanswered(consultation).exists()
    services.assign(actor=SYSTEM, group=first, opinion_ids=[b.pk])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.answer, first.reason) == ("", "")  # reopened: given before B was in it
    assert second.answer == "accepted"  # the group B left keeps its answer for the others
    assert set(services.unanswered(consultation)) == {a, b}
    event = Event.objects.filter(action="consultations.grouped").latest("seq")
    assert event.payload["reopened"] is True and event.payload["moved"] == 1
    with on(AFTER), pytest.raises(ValidationError) as info:
        services.publish_synthesis(actor=SYSTEM, consultation=consultation)
    assert info.value.code == "unanswered" and "Còn 2 ý kiến" in info.value.messages[0]
    services.answer_group(
        actor=SYSTEM, group=first, answer="not_accepted", reason="Đã có quy định."
    )
    assert not services.unanswered(consultation).exists()


def test_assigning_an_opinion_already_in_the_group_changes_nothing(commune, resident):
    consultation = make_consultation(commune)
    a = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến A"
    )
    group = _answer(consultation, [a])
    assert services.assign(actor=SYSTEM, group=group, opinion_ids=[a.pk]) == 0
    group.refresh_from_db()
    assert group.answer == "accepted"


def test_regrouping_on_the_board_reopens_the_answer(commune, resident, officer):
    consultation = make_consultation(commune)
    a = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến A"
    )
    b = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến B"
    )
    group = _answer(consultation, [a])
    response = client_for(officer).post(
        f"/u/{commune.code}/consultations/{consultation.pk}/groups/",
        {"opinions": [b.pk], "group": group.pk},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.answer == ""
    assert OpinionGroup.objects.get(pk=group.pk).opinions.count() == 2
