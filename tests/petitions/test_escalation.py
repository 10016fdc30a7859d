"""Escalation with a frozen clock, public statistics and citizen reception bookings."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danchu.accounts.models import Role
from danchu.audit.models import Event
from danchu.core.errors import ValidationError
from danchu.notify.models import Message
from danchu.petitions import services
from danchu.petitions.models import Petition, ReceptionBooking, Step
from tests.conftest import make_user

from .conftest import file_one, verified


def _at(day: dt.date):
    return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def people(commune, province):
    officer = make_user("can_bo_tiep_dan", Role.COMMUNE_OFFICER, commune)
    officer.email = "tiepdan@ungho.example.vn"
    officer.save()
    chair = make_user("chu_tich_xa", Role.COMMUNE_CHAIR, commune)
    chair.email = "chutich@ungho.example.vn"
    chair.save()
    steering = make_user("ban_chi_dao_tinh", Role.STEERING_MEMBER, province)
    steering.email = "bcd@hanoi.example.vn"
    steering.save()
    return {"officer": verified(officer), "chair": chair, "steering": steering}


def _emails_to(address: str) -> list[Message]:
    return list(Message.objects.filter(channel="email", recipient=address))


def test_escalation_climbs_one_level_at_a_time(village, people, frozen_today):
    petition = file_one(village).petition
    assert petition.due_on == dt.date(2026, 12, 11)  # Fri
    frozen_today.move_to(_at(dt.date(2026, 12, 11)))
    assert services.sweep().escalated == 0  # due today is not late

    frozen_today.move_to(_at(dt.date(2026, 12, 12)))  # Saturday: late, 0 working days
    result = services.sweep()
    assert (result.examined, result.escalated) == (1, 1)
    petition.refresh_from_db()
    assert petition.escalation_level == 1
    assert len(_emails_to("tiepdan@ungho.example.vn")) == 1
    assert _emails_to("chutich@ungho.example.vn") == []
    assert services.sweep().escalated == 0  # idempotent

    frozen_today.move_to(_at(dt.date(2026, 12, 15)))  # 2 working days late: still level 1
    assert services.sweep().escalated == 0
    frozen_today.move_to(_at(dt.date(2026, 12, 16)))  # 3 working days late: the chair
    assert services.sweep().escalated == 1
    petition.refresh_from_db()
    assert petition.escalation_level == 2
    assert len(_emails_to("chutich@ungho.example.vn")) == 1
    assert _emails_to("bcd@hanoi.example.vn") == []

    frozen_today.move_to(_at(dt.date(2026, 12, 25)))  # 10 working days late: the province
    assert services.sweep().escalated == 1
    petition.refresh_from_db()
    assert petition.escalation_level == 3
    assert len(_emails_to("bcd@hanoi.example.vn")) == 1
    # At the top it leaves the sweep's index.
    assert not services.overdue_queryset(dt.date(2026, 12, 28)).filter(pk=petition.pk).exists()

    levels = list(
        Step.objects.filter(petition=petition, action="escalated").values_list("level", flat=True)
    )
    assert levels == [1, 2, 3]
    assert not Step.objects.filter(petition=petition, action="escalated", public=True).exists()
    assert Event.objects.filter(action="petitions.escalated").count() == 3


def test_a_long_silence_escalates_every_skipped_level_at_once(village, people, frozen_today):
    petition = file_one(village).petition
    frozen_today.move_to(_at(dt.date(2027, 1, 15)))
    services.sweep()
    petition.refresh_from_db()
    assert petition.escalation_level == 3
    assert list(petition.steps.filter(action="escalated").values_list("level", flat=True)) == [
        1,
        2,
        3,
    ]


def test_acting_on_an_item_resets_its_escalation(village, people, frozen_today):
    petition = file_one(village).petition
    frozen_today.move_to(_at(dt.date(2026, 12, 16)))
    services.sweep()
    petition.refresh_from_db()
    assert petition.escalation_level == 2
    services.accept(actor=people["officer"], petition=petition)
    petition.refresh_from_db()
    assert petition.escalation_level == 0
    assert petition.due_on > dt.date(2026, 12, 16)
    assert services.sweep().escalated == 0


def test_the_sweep_reads_only_overdue_rows(village, people, frozen_today):
    for _ in range(3):
        file_one(village)
    late = file_one(village).petition
    Petition.objects.filter(pk=late.pk).update(due_on=dt.date(2026, 11, 20))
    with CaptureQueriesContext(connection) as queries:
        ids = list(services.overdue_queryset(dt.date(2026, 11, 27)).values_list("pk", flat=True))
    assert ids == [late.pk]
    sql = queries.captured_queries[0]["sql"]
    assert '"due_on" <' in sql and '"escalation_level" <' in sql


def test_escalation_with_no_assignee_tells_the_commune_officers(village, people, frozen_today):
    petition = file_one(village).petition
    assert petition.assignee is None
    frozen_today.move_to(_at(dt.date(2026, 12, 14)))
    services.sweep()
    assert len(_emails_to("tiepdan@ungho.example.vn")) == 1


def _answered(village, officer, *, late=False, rating=None, category="ha-tang"):
    filed = file_one(village, category=category)
    services.accept(actor=officer, petition=filed.petition)
    if late:
        Petition.objects.filter(pk=filed.petition.pk).update(resolve_due_on=dt.date(2026, 11, 26))
    services.answer(actor=officer, petition=filed.petition, text="Đã xử lý.")
    if rating:
        services.rate(
            petition=filed.petition, rating=rating, fixed=rating >= 4, secret=filed.secret
        )
    return filed.petition


def test_statistics_per_commune_and_rolled_up(
    village, other_commune, commune, province, officer, frozen_today
):
    _answered(village, officer, rating=5)
    _answered(village, officer, rating=2, late=True)
    _answered(village, officer)
    open_one = file_one(village).petition
    Petition.objects.filter(pk=open_one.pk).update(due_on=dt.date(2026, 11, 20))
    file_one(village, kind="denunciation", category="can-bo")
    file_one(other_commune)

    figures = services.statistics(commune, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert figures["received"] == 5
    assert figures["answered"] == 3
    assert figures["answered_on_time"] == 2
    assert figures["answered_late"] == 1
    assert figures["overdue_open"] == 1
    assert figures["open"] == 2
    assert figures["rated"] == 2
    assert figures["average_rating"] == 3.5
    assert figures["satisfied_share"] == 0.5
    assert figures["on_time_share"] == pytest.approx(2 / 3)
    assert figures["average_working_days"] == 0.0
    assert figures["by_kind"] == {"feedback": 4, "denunciation": 1}

    province_figures = services.statistics(province, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert province_figures["received"] == 6
    rows = services.statistics_by_commune(province, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert [(row["commune__name"], row["received"]) for row in rows] == [
        ("Xã Đại Xuyên", 1),
        ("Xã Ứng Hòa", 5),
    ]
    village_figures = services.statistics(village, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert village_figures["received"] == 5
    empty = services.statistics(commune, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert empty["received"] == 0 and empty["on_time_share"] is None


def test_rising_categories(village, frozen_today):
    for day in (dt.date(2026, 7, 1), dt.date(2026, 7, 2)):
        frozen_today.move_to(_at(day))
        file_one(village, category="dat-dai-gpmb")
    frozen_today.move_to(_at(dt.date(2026, 11, 27)))
    for _ in range(4):
        file_one(village, category="dat-dai-gpmb")
    for _ in range(3):
        file_one(village, category="moi-truong")
    file_one(village, category="ha-tang")
    rising = services.rising_categories(village.parent)
    assert [(r["code"], r["current"], r["previous"]) for r in rising] == [
        ("moi-truong", 3, 0),  # the larger rise first
        ("dat-dai-gpmb", 4, 2),
    ]
    assert "ha-tang" not in {r["code"] for r in rising}


def test_reception_day_and_bookings(commune, officer, frozen_today):
    day = services.set_reception_day(
        actor=officer,
        commune=commune,
        weekday=2,  # Wednesday
        starts_at=dt.time(7, 30),
        ends_at=dt.time(11, 30),
        place="Phòng tiếp công dân, trụ sở UBND xã Ứng Hòa",
        host="Chủ tịch UBND xã Nguyễn Văn Thành",
    )
    dates = services.reception_dates(day, dt.date(2027, 1, 28), count=4)
    # Wed 10 Feb 2027 falls in Tết: skipped.
    assert dates == [
        dt.date(2027, 2, 3),
        dt.date(2027, 2, 17),
        dt.date(2027, 2, 24),
        dt.date(2027, 3, 3),
    ]
    booking = services.book_reception(
        day=day,
        on=dt.date(2026, 12, 2),
        name="Lê Văn Bình",
        phone="0987654321",
        topic="Hỏi về bồi thường đất nông nghiệp",
    )
    assert booking.code == "TCD-20261202-0001"
    assert Message.objects.filter(reference=f"reception:{booking.code}").exists()
    for bad_day in (dt.date(2026, 12, 1), dt.date(2026, 11, 25), dt.date(2027, 2, 10)):
        with pytest.raises(ValidationError) as err:
            services.book_reception(
                day=day, on=bad_day, name="Lê Văn Bình", phone="0987654321", topic="Hỏi"
            )
        assert err.value.code == "bad_day"
    day.capacity = 1
    day.save()
    with pytest.raises(ValidationError) as err:
        services.book_reception(
            day=day, on=dt.date(2026, 12, 2), name="Phạm Thị Hoa", phone="0987000111", topic="Hỏi"
        )
    assert err.value.code == "reception_full"
    assert ReceptionBooking.objects.count() == 1


def test_reception_day_needs_a_manager_and_sane_hours(commune, outside_officer, officer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.set_reception_day(
            actor=outside_officer,
            commune=commune,
            weekday=2,
            starts_at=dt.time(7, 30),
            ends_at=dt.time(11, 30),
            place="Trụ sở",
            host="Chủ tịch",
        )
    with pytest.raises(ValidationError) as err:
        services.set_reception_day(
            actor=officer,
            commune=commune,
            weekday=2,
            starts_at=dt.time(11, 30),
            ends_at=dt.time(7, 30),
            place="Trụ sở",
            host="Chủ tịch",
        )
    assert err.value.code == "bad_time"


def test_thresholds_count_working_days_across_tet(db):
    # Sweeping on Mon 15 Feb 2027, after Tết (4–10 Feb) and a weekend. An item due on 10 Feb
    # is three working days late (11, 12 and 15 Feb): the chair is told. One due on 11 Feb
    # is two working days late: still only the officer.
    thresholds = services.level_thresholds(dt.date(2027, 2, 15))
    assert thresholds[1] == dt.date(2027, 2, 14)
    assert thresholds[2] == dt.date(2027, 2, 10)
    assert services.target_level(dt.date(2027, 2, 10), dt.date(2027, 2, 15)) == 2
    assert services.target_level(dt.date(2027, 2, 11), dt.date(2027, 2, 15)) == 1
    assert services.target_level(dt.date(2027, 2, 15), dt.date(2027, 2, 15)) == 0


def test_the_sweep_selects_only_rows_whose_level_must_rise(village, people, frozen_today):
    settled = file_one(village).petition
    rising = file_one(village).petition
    today = dt.date(2026, 11, 27)
    # Due yesterday and already told the officer: nothing to do today.
    Petition.objects.filter(pk=settled.pk).update(due_on=dt.date(2026, 11, 26), escalation_level=1)
    # Due a week ago and only at level 1: the chair must be told.
    Petition.objects.filter(pk=rising.pk).update(due_on=dt.date(2026, 11, 19), escalation_level=1)
    assert list(services.needing_escalation(today).values_list("pk", flat=True)) == [rising.pk]
    result = services.sweep(today)
    assert (result.examined, result.escalated) == (1, 1)
    rising.refresh_from_db()
    assert rising.escalation_level == 2


def test_one_message_per_officer_lists_all_their_overdue_items(village, people, frozen_today):
    codes = [file_one(village).petition.code for _ in range(3)]
    frozen_today.move_to(_at(dt.date(2026, 12, 14)))
    services.sweep()
    (message,) = _emails_to("tiepdan@ungho.example.vn")
    for code in codes:
        assert code in message.body
    assert message.subject.startswith("3 đơn quá hạn")
