"""The yearly community conference (Law 10/2022 Art 33; NĐ 59 Art 10–11)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.core.errors import ValidationError
from danchu.decisions import elections
from danchu.decisions.models import Conference
from tests.conftest import make_user
from tests.decisions.conftest import TODAY

REPORTS = {
    "secretary_name": "Nguyễn Thị Lan",
    "head_report": "Tình hình thôn năm 2026 và kết quả thực hiện các quyết định của cộng đồng.",
    "front_report": "Tình hình thực hiện dân chủ ở thôn.",
    "inspection_report": "Hoạt động của Ban Thanh tra nhân dân.",
    "minutes": "Hội nghị có 120/135 hộ tham dự…",
}


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def plan(village, held_on=TODAY, year=2026) -> Conference:
    return elections.plan_conference(
        actor=SYSTEM,
        village=village,
        year=year,
        held_on=held_on,
        place="Nhà văn hóa thôn",
        plan="Thời gian, địa điểm, nội dung, cách tổ chức.",
    )


def agree(conference, bodies=("committee", "front", "inspection_board"), on=None):
    on = on or TODAY - days(8)
    for body in bodies:
        elections.record_conference_agreement(
            actor=SYSTEM, conference=conference, body=body, agreed_on=on
        )


def ready(village) -> Conference:
    conference = plan(village)
    elections.send_conference_plan(actor=SYSTEM, conference=conference, sent_on=TODAY - days(10))
    agree(conference)
    elections.send_summons(
        actor=SYSTEM, conference=conference, sent_on=TODAY - days(5), channels=["written", "radio"]
    )
    return conference


def test_a_conference_held_with_every_agreement_and_report(village):
    conference = elections.hold_conference(actor=SYSTEM, conference=ready(village), **REPORTS)
    conference.refresh_from_db()
    assert conference.held and conference.agreed
    assert conference.summons_channels == ["written", "radio"]
    assert conference.inspection_report == REPORTS["inspection_report"]


@pytest.mark.parametrize(
    "bodies,missing",
    [
        ((), "UBND xã, UBMTTQ xã, Ban Thanh tra nhân dân"),
        (("committee", "front"), "Ban Thanh tra nhân dân"),
        (("front", "inspection_board"), "UBND xã"),
    ],
)
def test_holding_before_all_three_agreed_is_refused(village, bodies, missing):
    conference = plan(village)
    elections.send_conference_plan(actor=SYSTEM, conference=conference, sent_on=TODAY - days(10))
    agree(conference, bodies)
    elections.send_summons(
        actor=SYSTEM, conference=conference, sent_on=TODAY - days(6), channels=["radio"]
    )
    events = Event.objects.count()
    with pytest.raises(ValidationError) as info:
        elections.hold_conference(actor=SYSTEM, conference=conference, **REPORTS)
    assert info.value.code == "not_agreed"
    assert missing in info.value.messages[0] and "Điều 11" in info.value.messages[0]
    conference.refresh_from_db()
    assert not conference.held and conference.minutes == ""
    assert Event.objects.count() == events


def test_agreement_comes_after_the_plan_is_sent_and_not_after_the_conference(village):
    conference = plan(village, held_on=TODAY - days(1))
    with pytest.raises(ValidationError) as info:
        agree(conference, ("front",))
    assert info.value.code == "plan_not_sent"
    elections.send_conference_plan(actor=SYSTEM, conference=conference, sent_on=TODAY - days(10))
    for on in (TODAY - days(11), TODAY):
        with pytest.raises(ValidationError) as info:
            agree(conference, ("front",), on=on)
        assert info.value.code == "agreement_date"
    agree(conference, ("front",), on=TODAY - days(1))  # on the day of the conference
    conference.refresh_from_db()
    assert conference.front_agreed_on == TODAY - days(1)


@pytest.mark.parametrize("lead,ok", [(5, True), (4, False)])
def test_summons_five_calendar_days_before(village, lead, ok):
    conference = plan(village, held_on=TODAY + days(lead))
    call = {"actor": SYSTEM, "conference": conference, "sent_on": TODAY, "channels": ["radio"]}
    if ok:
        elections.send_summons(**call)
        conference.refresh_from_db()
        assert conference.summons_sent_on == TODAY
        return
    with pytest.raises(ValidationError) as info:
        elections.send_summons(**call)
    assert info.value.code == "summons_too_late"
    assert "05 ngày" in info.value.messages[0] and "chỉ trước 4 ngày" in info.value.messages[0]
    conference.refresh_from_db()
    assert conference.summons_sent_on is None


def test_summons_counts_calendar_days_not_working_days(village):
    # Sent Friday 27/11 for Wednesday 2/12: five calendar days, only three working days.
    conference = plan(village, held_on=dt.date(2026, 12, 2))
    elections.send_summons(
        actor=SYSTEM, conference=conference, sent_on=TODAY, channels=["social_group"]
    )


def test_summons_needs_a_known_channel(village):
    conference = plan(village, held_on=TODAY + days(10))
    for channels in ([], ["loudspeaker"]):
        with pytest.raises(ValidationError) as info:
            elections.send_summons(
                actor=SYSTEM, conference=conference, sent_on=TODAY, channels=channels
            )
        assert info.value.code == "bad_channels"


def test_no_conference_without_a_summons(village):
    conference = plan(village)
    elections.send_conference_plan(actor=SYSTEM, conference=conference, sent_on=TODAY - days(10))
    agree(conference)
    with pytest.raises(ValidationError) as info:
        elections.hold_conference(actor=SYSTEM, conference=conference, **REPORTS)
    assert info.value.code == "no_summons"


def test_the_record_needs_all_three_reports_and_the_minutes(village):
    conference = ready(village)
    with pytest.raises(ValidationError) as info:
        elections.hold_conference(
            actor=SYSTEM, conference=conference, **(REPORTS | {"inspection_report": ""})
        )
    assert info.value.code == "record_incomplete"


def test_one_conference_per_village_per_year(village, other_village):
    plan(village)
    with pytest.raises(ValidationError) as info:
        plan(village, held_on=dt.date(2026, 12, 20))
    assert info.value.code == "one_per_year" and "Điều 33" in info.value.messages[0]
    plan(other_village)
    plan(village, held_on=dt.date(2027, 12, 20), year=2027)
    assert Conference.objects.count() == 3


def test_the_database_itself_refuses_a_second_conference(village):
    plan(village)
    with pytest.raises(IntegrityError), transaction.atomic():
        Conference.objects.create(
            village=village, year=2026, held_on=dt.date(2026, 12, 30), place="Sân đình", plan="…"
        )


def test_the_conference_date_is_in_its_year(village):
    with pytest.raises(ValidationError) as info:
        plan(village, held_on=dt.date(2027, 1, 5), year=2026)
    assert info.value.code == "wrong_year"


def test_who_records_which_agreement(village, commune):
    head = make_user("truong_thon_e", Role.VILLAGE_HEAD, village)
    chair = make_user("chu_tich_e", Role.COMMUNE_CHAIR, commune)
    front = make_user("mat_tran_xa_e", Role.FRONT_COMMITTEE, commune)
    for user in (head, chair, front):
        user.is_verified = lambda: True
    conference = elections.plan_conference(
        actor=head,
        village=village,
        year=2026,
        held_on=TODAY + days(20),
        place="Nhà văn hóa",
        plan="Kế hoạch",
    )
    elections.send_conference_plan(actor=head, conference=conference, sent_on=TODAY)
    call = {"conference": conference, "agreed_on": TODAY}
    with pytest.raises(PermissionDenied):
        elections.record_conference_agreement(actor=head, body="committee", **call)
    with pytest.raises(PermissionDenied):
        elections.record_conference_agreement(actor=head, body="front", **call)
    elections.record_conference_agreement(actor=chair, body="committee", **call)
    elections.record_conference_agreement(actor=front, body="front", **call)
    elections.record_conference_agreement(actor=head, body="inspection_board", **call)
    conference.refresh_from_db()
    assert conference.agreed


def test_a_resident_cannot_plan_a_conference(village, resident):
    with pytest.raises(PermissionDenied):
        elections.plan_conference(
            actor=resident,
            village=village,
            year=2026,
            held_on=TODAY,
            place="Nhà văn hóa",
            plan="Kế hoạch",
        )
    assert Conference.objects.count() == 0
