import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.core.errors import ValidationError
from danchu.decisions import services
from tests.conftest import make_user
from tests.decisions.conftest import TODAY, open_matter


def _adopted(village, item):
    matter = open_matter(village, item=item, households=3)
    first = matter.options.first()
    ids = list(matter.roll.values_list("household_id", flat=True))
    session = services.start_session(
        actor=SYSTEM, matter=matter, name="Họp thôn", held_on=TODAY, chair_name="Trần Văn Nam"
    )
    services.record_attendance(actor=SYSTEM, session=session, household_ids=ids)
    services.record_procedural_vote(
        actor=SYSTEM, session=session, question="method", in_favour=len(ids)
    )
    services.set_session_details(actor=SYSTEM, session=session, method="hands")
    services.record_session_counts(actor=SYSTEM, session=session, counts={first.pk: len(ids)})
    services.close_matter(actor=SYSTEM, matter=matter)
    matter.refresh_from_db()
    return matter


def test_recognition_clock_counts_working_days_across_tet(village):
    matter = _adopted(village, 3)
    with time_machine.travel(dt.datetime(2027, 2, 3, 9, tzinfo=dt.UTC), tick=False):
        services.receive_for_recognition(
            actor=SYSTEM, matter=matter, received_on=dt.date(2027, 2, 3)
        )
    matter.refresh_from_db()
    # 5 working days from Wed 3 Feb 2027 skip Tết (4–10 Feb): Wed 17 Feb.
    assert services.recognition_due_on(matter) == dt.date(2027, 2, 17)
    assert services.overdue_recognitions(village.parent, dt.date(2027, 2, 17)) == []
    assert services.overdue_recognitions(village.parent, dt.date(2027, 2, 18)) == [matter]


def test_not_effective_until_recognised(village):
    matter = _adopted(village, 4)
    assert matter.adopted and not services.is_effective(matter)
    services.receive_for_recognition(actor=SYSTEM, matter=matter, received_on=TODAY)
    services.decide_recognition(actor=SYSTEM, matter=matter, recognise=True, decided_on=TODAY)
    matter.refresh_from_db()
    assert services.is_effective(matter)


def test_refusal_needs_written_reasons(village):
    matter = _adopted(village, 3)
    services.receive_for_recognition(actor=SYSTEM, matter=matter, received_on=TODAY)
    with pytest.raises(ValidationError) as info:
        services.decide_recognition(actor=SYSTEM, matter=matter, recognise=False, decided_on=TODAY)
    assert info.value.code == "reason_required"
    services.decide_recognition(
        actor=SYSTEM,
        matter=matter,
        recognise=False,
        decided_on=TODAY,
        reason="Điều 5 trái quy định về phí.",
    )
    matter.refresh_from_db()
    assert matter.refused_on == TODAY and not services.is_effective(matter)


def test_items_one_two_six_in_a_village_need_no_recognition(village):
    matter = _adopted(village, 6)
    assert services.recogniser(matter) is None and services.is_effective(matter)
    with pytest.raises(ValidationError) as info:
        services.receive_for_recognition(actor=SYSTEM, matter=matter, received_on=TODAY)
    assert info.value.code == "no_recognition"


def test_who_recognises_what(village, commune):
    chair = make_user("chu_tich", Role.COMMUNE_CHAIR, commune)
    front = make_user("mat_tran_xa", Role.FRONT_COMMITTEE, commune)
    village_front = make_user("ban_ctmt", Role.FRONT_COMMITTEE, village)
    for user in (chair, front, village_front):
        user.is_verified = lambda: True
    head = _adopted(village, 4)
    board = _adopted(village, 5)
    with pytest.raises(PermissionDenied):
        services.receive_for_recognition(actor=front, matter=head, received_on=TODAY)
    services.receive_for_recognition(actor=chair, matter=head, received_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.receive_for_recognition(actor=chair, matter=board, received_on=TODAY)
    with pytest.raises(PermissionDenied):  # the village's Ban CTMT is not UBMTTQ xã
        services.receive_for_recognition(actor=village_front, matter=board, received_on=TODAY)
    services.receive_for_recognition(actor=front, matter=board, received_on=TODAY)
