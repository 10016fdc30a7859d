"""The statutory clocks at their edges (LAW.md §2.8, R40–R43), across Tết and substituted days."""

import datetime as dt

import pytest
from django.test import override_settings

from danchu.accounts.permissions import SYSTEM
from danchu.core.errors import ValidationError
from danchu.petitions import services
from danchu.petitions.models import Petition, RemoteArea
from danchu.workdays.models import DayOverride

from .conftest import file_one

D = dt.date


def test_notice_due_is_ten_working_days_across_tet_2027(db):
    # Received Wed 3 Feb 2027; Tết is 4–10 Feb. Working days: 11, 12, 15, 16, 17, 18, 19, 22,
    # 23, 24 Feb — the tenth is Wed 24 Feb (Luật TCD Art 28(1)).
    assert services.notice_due_on("feedback", D(2027, 2, 3)) == D(2027, 2, 24)
    assert services.notice_due_on("petition", D(2027, 2, 3)) == D(2027, 2, 24)


def test_notice_due_counts_a_substituted_saturday(db):
    # Sat 22 Aug 2026 is worked in exchange for Mon 31 Aug: received Fri 21 Aug, the first
    # working day counted is that Saturday.
    plain = services.notice_due_on("feedback", D(2026, 8, 7))  # no substitution inside
    assert plain == D(2026, 8, 21)
    swapped = services.notice_due_on("feedback", D(2026, 8, 21))
    # 22 (Sat), 24, 25, 26, 27, 28 Aug; 31 Aug – 2 Sep are off; then 3, 4, 7, 8 Sep.
    assert swapped == D(2026, 9, 8)
    # One day earlier, Fri 21 Aug counts too, so the tenth day is Mon 7 Sep.
    assert services.notice_due_on("feedback", D(2026, 8, 20)) == D(2026, 9, 7)


def test_an_override_moves_the_notice_deadline(db):
    before = services.notice_due_on("feedback", D(2027, 2, 3))
    DayOverride.objects.create(date=D(2027, 2, 11), is_working_day=False, reason="Nghỉ bù")
    assert services.notice_due_on("feedback", D(2027, 2, 3)) == before + dt.timedelta(days=1)


def test_complaint_acceptance_is_ten_calendar_days_by_default(db):
    # Luật KN Art 27: 10 days; the day kind is UNVERIFIED and defaults to calendar days.
    assert services.notice_due_on("complaint", D(2027, 2, 3)) == D(2027, 2, 13)


@override_settings(PETITION_COMPLAINT_DAY_KIND="working")
def test_complaint_acceptance_in_working_days_when_configured(db):
    assert services.notice_due_on("complaint", D(2027, 2, 3)) == D(2027, 2, 24)


def test_denunciation_acceptance_uses_the_setting(db):
    # UNVERIFIED: 7 working days — 11, 12, 15, 16, 17, 18, 19 Feb 2027.
    assert services.notice_due_on("denunciation", D(2027, 2, 3)) == D(2027, 2, 19)
    with override_settings(PETITION_DENUNCIATION_ACCEPT_DAYS=3):
        assert services.notice_due_on("denunciation", D(2027, 2, 3)) == D(2027, 2, 15)


@pytest.mark.parametrize(
    ("round_", "remote", "complex_", "days"),
    [
        (1, False, False, 30),
        (1, False, True, 45),
        (1, True, False, 45),
        (1, True, True, 60),
        (2, False, False, 45),
        (2, False, True, 60),
        (2, True, False, 60),
        (2, True, True, 70),
    ],
)
def test_complaint_resolution_periods(commune, round_, remote, complex_, days):
    # Luật KN Art 28 (first complaint) and Art 37 (second complaint).
    if remote:
        RemoteArea.objects.create(commune=commune, note="Xã đặc biệt khó khăn")
    petition = Petition(kind="complaint", complaint_round=round_, commune=commune)
    petition.is_complex = complex_
    assert services.resolve_due_on(petition, D(2026, 11, 2)) == D(2026, 11, 2) + dt.timedelta(
        days=days
    )


def test_denunciation_resolution_and_extensions(commune):
    petition = Petition(kind="denunciation", commune=commune)
    start = D(2026, 11, 2)
    assert services.resolve_due_on(petition, start) == start + dt.timedelta(days=30)
    petition.extensions = 2
    assert services.resolve_due_on(petition, start) == start + dt.timedelta(days=90)


def test_feedback_resolution_uses_working_days(commune):
    petition = Petition(kind="feedback", commune=commune)
    assert services.resolve_due_on(petition, D(2027, 2, 3)) == D(2027, 2, 24)


def test_state_against_due_at_its_edges(village, frozen_today):
    petition = file_one(village).petition
    # Filed Fri 27 Nov 2026: ten working days end Fri 11 Dec.
    assert petition.due_on == D(2026, 12, 11)
    assert services.state_against_due(petition, D(2026, 12, 10)) == "on_time"
    assert services.state_against_due(petition, D(2026, 12, 11)) == "due_today"
    assert services.state_against_due(petition, D(2026, 12, 12)) == "overdue"


def test_answer_on_the_last_day_is_on_time_and_the_next_is_late(village, officer, frozen_today):
    first = file_one(village).petition
    second = file_one(village).petition
    services.accept(actor=officer, petition=first)
    services.accept(actor=officer, petition=second)
    first.refresh_from_db()
    assert first.resolve_due_on == D(2026, 12, 11)
    frozen_today.move_to(dt.datetime(2026, 12, 11, 9, 0, tzinfo=dt.UTC))
    answered = services.answer(actor=officer, petition=first, text="Đã vá ổ gà ngày 10/12.")
    assert answered.answered_late is False
    assert answered.answer_working_days == 10
    frozen_today.move_to(dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.UTC))
    late = services.answer(actor=officer, petition=second, text="Đã vá ổ gà.")
    assert late.answered_late is True
    assert services.state_against_due(late) == "answered_late"


def test_extension_of_a_denunciation_at_most_twice(village, officer):
    filed = file_one(
        village, kind="denunciation", category="can-bo", title="Tố cáo thu tiền trái quy định"
    ).petition
    services.accept(actor=officer, petition=filed)
    filed.refresh_from_db()
    first_due = filed.resolve_due_on
    services.extend(actor=officer, petition=filed, reason="Vụ việc phức tạp, cần xác minh")
    services.extend(actor=officer, petition=filed, reason="Vụ việc đặc biệt phức tạp")
    filed.refresh_from_db()
    assert filed.resolve_due_on == first_due + dt.timedelta(days=60)
    assert filed.due_on == filed.resolve_due_on
    with pytest.raises(ValidationError) as err:
        services.extend(actor=officer, petition=filed, reason="Lần ba")
    assert err.value.code == "too_many_extensions"
    filed.refresh_from_db()
    assert filed.extensions == 2


def test_feedback_and_complaints_are_not_extended(village, officer):
    feedback = file_one(village).petition
    services.accept(actor=officer, petition=feedback)
    with pytest.raises(ValidationError) as err:
        services.extend(actor=officer, petition=feedback, reason="Chậm")
    assert err.value.code == "no_extension"


def test_complex_complaint_gets_the_longer_period(village, officer):
    complaint = file_one(village, kind="complaint", category="dat-dai-gpmb").petition
    services.accept(actor=officer, petition=complaint)
    complaint.refresh_from_db()
    assert complaint.resolve_due_on == complaint.accepted_on + dt.timedelta(days=30)
    services.mark_complex(actor=officer, petition=complaint, reason="Nhiều hộ liên quan")
    complaint.refresh_from_db()
    assert complaint.resolve_due_on == complaint.accepted_on + dt.timedelta(days=45)
    with pytest.raises(ValidationError):
        services.mark_complex(actor=officer, petition=complaint, reason="Lần nữa")


def test_verifying_gives_the_configured_working_days(village, officer):
    petition = file_one(village).petition
    services.mark_verifying(actor=officer, petition=petition, note="Cần đo đạc hiện trạng")
    petition.refresh_from_db()
    assert petition.status == "verifying"
    assert petition.due_on == D(2026, 12, 11)  # 10 working days from Fri 27 Nov
    assert petition.notified_on == D(2026, 11, 27)


def test_system_actor_can_run_every_step(village):
    petition = file_one(village).petition
    services.accept(actor=SYSTEM, petition=petition)
    services.answer(actor=SYSTEM, petition=petition, text="Đã xử lý.")
    petition.refresh_from_db()
    assert petition.status == "answered"
