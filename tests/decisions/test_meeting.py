import datetime as dt

import pytest

from danchu.accounts.permissions import SYSTEM
from danchu.core.errors import ValidationError
from danchu.decisions import services
from danchu.decisions.models import Participation
from tests.decisions.conftest import TODAY, codes_of, open_matter


def _session(matter, name="Cuộc họp toàn thôn"):
    return services.start_session(
        actor=SYSTEM, matter=matter, name=name, held_on=TODAY, chair_name="Nguyễn Văn Thành"
    )


def _run(session, present_ids, *, method="hands", board=None):
    services.record_attendance(actor=SYSTEM, session=session, household_ids=present_ids)
    n = len(present_ids)
    services.record_procedural_vote(
        actor=SYSTEM, session=session, question="method", in_favour=n // 2 + 1
    )
    if board:
        services.record_procedural_vote(
            actor=SYSTEM, session=session, question="counting_board", in_favour=n // 2 + 1
        )
    services.set_session_details(actor=SYSTEM, session=session, method=method, counting_board=board)


def test_meeting_adopts_with_more_than_half_of_all_households(village):
    matter = open_matter(village, households=100)
    yes, no = [o.pk for o in matter.options.all()]
    ids = list(matter.roll.values_list("household_id", flat=True))
    session = _session(matter)
    _run(session, ids[:80])
    services.record_session_counts(actor=SYSTEM, session=session, counts={yes: 50, no: 30})
    assert not services.tally(matter).adopted  # 50 of 100: not more than half
    services.record_session_counts(actor=SYSTEM, session=session, counts={yes: 51, no: 29})
    result = services.close_matter(actor=SYSTEM, matter=matter)
    assert (result.adopted, result.present, result.votes[yes]) == (True, 80, 51)


def test_procedural_votes_count_those_present(village):
    matter = open_matter(village, households=20)
    ids = list(matter.roll.values_list("household_id", flat=True))
    session = _session(matter)
    services.record_attendance(actor=SYSTEM, session=session, household_ids=ids[:9])
    vote = services.record_procedural_vote(
        actor=SYSTEM, session=session, question="secretary", in_favour=4
    )
    assert not vote.passed  # 4 of 9 present
    with pytest.raises(ValidationError) as info:
        services.set_session_details(actor=SYSTEM, session=session, secretary_name="Lê Thị Hoa")
    assert info.value.code == "secretary_not_approved"
    vote = services.record_procedural_vote(
        actor=SYSTEM, session=session, question="secretary", in_favour=5
    )
    assert vote.passed  # 5 of 9
    services.set_session_details(actor=SYSTEM, session=session, secretary_name="Lê Thị Hoa")
    with pytest.raises(ValidationError):
        services.record_procedural_vote(
            actor=SYSTEM, session=session, question="method", in_favour=10
        )


@pytest.mark.parametrize("size,ok", [(2, False), (3, True), (5, True), (6, False)])
def test_counting_board_has_three_to_five_people(village, size, ok):
    matter = open_matter(village, households=10, secret=True)
    ids = list(matter.roll.values_list("household_id", flat=True))
    session = _session(matter)
    board = [f"Thành viên {i}" for i in range(size)]
    if ok:
        _run(session, ids, method="secret", board=board)
        session.refresh_from_db()
        assert len(session.counting_board) == size
    else:
        with pytest.raises(ValidationError) as info:
            _run(session, ids, method="secret", board=board)
        assert info.value.code == "board_size"


def test_counts_cannot_exceed_households_present(village):
    matter = open_matter(village, households=10)
    yes, no = [o.pk for o in matter.options.all()]
    ids = list(matter.roll.values_list("household_id", flat=True))
    session = _session(matter)
    _run(session, ids[:6])
    with pytest.raises(ValidationError) as info:
        services.record_session_counts(actor=SYSTEM, session=session, counts={yes: 5, no: 2})
    assert info.value.code == "more_votes_than_present"


def test_clusters_only_from_200_households_and_their_results_add_up(village, other_village):
    small = open_matter(village, households=199)
    _session(small)
    with pytest.raises(ValidationError) as info:
        _session(small, "Cụm 2")
    assert info.value.code == "clusters_not_allowed"
    from tests.decisions.conftest import add_households

    add_households(other_village, 240, start=1000)
    matter = services.open_matter(
        actor=SYSTEM,
        form="meeting",
        matter=services.create_matter(
            actor=SYSTEM, unit=other_village, item=1, title="Đóng góp làm đường"
        ),
    )
    yes, no = [o.pk for o in matter.options.all()]
    ids = list(matter.roll.values_list("household_id", flat=True))
    one, two = _session(matter, "Cụm 1"), _session(matter, "Cụm 2")
    _run(one, ids[:100])
    _run(two, ids[100:190])
    services.record_session_counts(actor=SYSTEM, session=one, counts={yes: 70, no: 30})
    services.record_session_counts(actor=SYSTEM, session=two, counts={yes: 51, no: 39})
    result = services.close_matter(actor=SYSTEM, matter=matter)
    assert (result.votes[yes], result.votes[no], result.present) == (121, 69, 190)
    assert result.adopted  # 121 > 240 / 2


def test_a_village_of_scattered_dwellings_meets_in_clusters_under_200_households(village):
    """Law Art 18(3): 200 households or more, or dân cư không tập trung."""
    from tests.decisions.conftest import add_households

    add_households(village, 40)
    matter = services.open_matter(
        actor=SYSTEM,
        form="meeting",
        matter=services.create_matter(
            actor=SYSTEM,
            unit=village,
            item=1,
            title="Đóng góp sửa đường lên bản",
            scattered_dwellings=True,
        ),
    )
    one, two = _session(matter, "Cụm Nà Cọ"), _session(matter, "Cụm Khuổi Nặm")
    assert {one.name, two.name} == {"Cụm Nà Cọ", "Cụm Khuổi Nặm"}
    assert matter.sessions.count() == 2


def test_a_household_attends_only_one_cluster(village):
    matter = open_matter(village, households=200)
    ids = list(matter.roll.values_list("household_id", flat=True))
    one, two = _session(matter, "Cụm 1"), _session(matter, "Cụm 2")
    services.record_attendance(actor=SYSTEM, session=one, household_ids=ids[:10])
    added = services.record_attendance(actor=SYSTEM, session=two, household_ids=ids[5:15])
    assert added == 5
    assert Participation.objects.filter(matter=matter).count() == 15


def test_failed_meeting_falls_back_to_ballots_for_absent_households(village):
    matter = open_matter(village, item=3, households=10)  # a convention: meeting only
    yes, no = [o.pk for o in matter.options.all()]
    ids = list(matter.roll.values_list("household_id", flat=True))
    session = _session(matter)
    _run(session, ids[:5])  # 5 of 10: not more than half
    services.record_session_counts(actor=SYSTEM, session=session, counts={yes: 5})
    assert not services.tally(matter).adopted
    issued = services.fall_back_to_ballot(
        actor=SYSTEM, matter=matter, collection_ends_on=TODAY + dt.timedelta(days=5)
    )
    assert issued == 5
    codes = codes_of(matter)
    with pytest.raises(ValidationError) as info:  # a household that was present votes again
        services.cast_with_code(code=codes[ids[0]], option_id=yes, channel="paper", actor=SYSTEM)
    assert info.value.code in ("already_voted", "bad_code")
    services.cast_with_code(code=codes[ids[5]], option_id=yes, channel="paper", actor=SYSTEM)
    result = services.close_matter(actor=SYSTEM, matter=matter)
    assert (result.votes[yes], result.adopted, result.attendance_ok) == (6, True, True)


def test_no_fallback_when_the_meeting_could_reach_the_rate(village):
    matter = open_matter(village, households=10)
    ids = list(matter.roll.values_list("household_id", flat=True))
    session = _session(matter)
    _run(session, ids[:6])
    with pytest.raises(ValidationError) as info:
        services.fall_back_to_ballot(actor=SYSTEM, matter=matter, collection_ends_on=TODAY)
    assert info.value.code == "rate_reachable"


def test_convention_meeting_needs_more_than_half_attending(village):
    matter = open_matter(village, item=3, households=10)
    yes, _ = [o.pk for o in matter.options.all()]
    ids = list(matter.roll.values_list("household_id", flat=True))
    session = _session(matter)
    _run(session, ids[:6])
    services.record_session_counts(actor=SYSTEM, session=session, counts={yes: 6})
    result = services.close_matter(actor=SYSTEM, matter=matter)
    assert result.adopted and result.attendance_ok
    assert result.article == "Điều 10 Nghị định 61/2023/NĐ-CP"
