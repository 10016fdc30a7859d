"""A village convention from its first draft to the recognised text published, through the
decisions engine (NĐ 61/2023 Art 9–10; Law 10/2022 Art 15(3), 21(2)): closing the count moves
the convention on by itself, and the commune's recognition of its matter — on the matter's
page, or through any caller of the decisions services — goes through the convention's dossier."""

import datetime as dt

import pytest

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.consultations import conventions
from danchu.consultations import services as consultation_services
from danchu.consultations.models import Convention, Opinion
from danchu.core.errors import ValidationError
from danchu.decisions import services as decisions
from danchu.decisions.models import Matter
from tests.conftest import client_for, make_user
from tests.consultations.test_conventions import TEXT, on, posted, signatures
from tests.decisions.conftest import add_households

MEETING = dt.date(2027, 1, 6)  # posted on 27/11/2026 for 30 days: through 27/12/2026
RECEIVED = dt.date(2027, 1, 7)
DECIDED = dt.date(2027, 1, 8)


@pytest.fixture
def chair(commune):
    user = make_user("chu_tich_xa", Role.COMMUNE_CHAIR, commune)
    user.is_verified = lambda: True  # as after the second factor, for direct service calls
    return user


@pytest.fixture
def village_head(village_head):
    village_head.is_verified = lambda: True
    return village_head


def _matter_url(matter, tail=""):
    return f"/u/{matter.unit.code}/matters/{matter.pk}/{tail}"


def _session_url(village, session, tail):
    return f"/u/{village.code}/sessions/{session.pk}/{tail}"


def _meeting_on_the_web(user, village, matter, *, yes: int, present: int = 4):
    """The village head runs the meeting from a phone: open, start, attendance, procedural
    votes, secretary and method, the count, then closes it."""
    client = client_for(user)
    opened = client.post(_matter_url(matter, "open/"), {"form": "meeting"})
    assert (opened.status_code, opened["Location"]) == (302, matter.get_absolute_url())
    client.post(
        _matter_url(matter, "sessions/"),
        {"name": "", "held_on": MEETING.isoformat(), "chair_name": "Trần Văn Nam"},
    )
    session = matter.sessions.get()
    codes = " ".join(f"H{i:04d}" for i in range(1, present + 1))
    client.post(_session_url(village, session, "attendance/"), {"codes": codes})
    for question in ("secretary", "method"):
        client.post(
            _session_url(village, session, "procedural/"),
            {"question": question, "in_favour": present},
        )
    client.post(
        _session_url(village, session, "details/"),
        {"secretary_name": "Đỗ Thị Lan", "method": "hands"},
    )
    agree, disagree = matter.options.order_by("position")
    client.post(
        _session_url(village, session, "counts/"),
        {f"option_{agree.pk}": yes, f"option_{disagree.pk}": present - yes},
    )
    return client.post(_matter_url(matter, "close/"))


def _to_the_vote(village, village_head, resident):
    """Draft, posted for 30 days, a resident's comment answered, the synthesis published,
    then put to the community as an item-3 matter."""
    add_households(village, 4)
    convention, version = posted(village)
    consultation = version.consultation
    response = client_for(resident).post(
        f"/u/{village.code}/consultations/{consultation.pk}/comment/",
        {"text": "Đề nghị phân loại rác tại nguồn.", "section": "3", "is_public": "on"},
    )
    assert response.status_code == 302
    with on(MEETING):
        opinion = Opinion.objects.get(consultation=consultation)
        group = consultation_services.create_group(
            actor=village_head,
            consultation=consultation,
            title="Phân loại rác",
            opinion_ids=[opinion.pk],
        )
        consultation_services.answer_group(
            actor=village_head, group=group, answer="accepted", reason=""
        )
        consultation_services.publish_synthesis(actor=village_head, consultation=consultation)
        matter = conventions.put_to_vote(actor=village_head, version=version)
    return convention, version, matter


def test_draft_to_recognised_text_published(village, village_head, resident, chair):
    convention, version, matter = _to_the_vote(village, village_head, resident)
    public = client_for(None)
    page = public.get(f"/u/{village.code}/convention/").content.decode()
    assert "Chưa có bản nào được UBND xã công nhận" in page
    assert "Đang niêm yết lấy ý kiến" not in page  # the cycle moved on: voting
    assert "Cộng đồng đang biểu quyết" in page

    with on(MEETING):
        closed = _meeting_on_the_web(village_head, village, matter, yes=3)
    assert (closed.status_code, closed["Location"]) == (302, matter.get_absolute_url())
    # Closing the count concluded the vote: no separate step, the same transaction.
    version.refresh_from_db()
    assert (version.stage, version.voted_on) == ("adopted", MEETING)
    event = Event.objects.get(action="consultations.convention_vote")
    assert event.actor_id == village_head.pk and event.payload["adopted"] is True
    assert conventions.conclude_vote(actor=village_head, version=version).stage == "adopted"
    assert Event.objects.filter(action="consultations.convention_vote").count() == 1

    # The commune cannot start its clock before the complete dossier arrived (R15).
    with on(RECEIVED):
        chair_client = client_for(chair)
        matter_page = chair_client.get(_matter_url(matter)).content.decode()
        assert f"/u/{village.code}/convention/" in matter_page
        early = chair_client.post(_matter_url(matter, "receive/"), {"on": RECEIVED.isoformat()})
        assert early.status_code == 303
        shown = chair_client.get(_matter_url(matter)).content.decode()
    assert "Chưa nhận được hồ sơ đầy đủ" in shown
    matter.refresh_from_db()
    assert matter.received_on is None

    with on(RECEIVED):
        conventions.submit_dossier(
            actor=village_head,
            version=version,
            request_dated=RECEIVED,
            request_text="Đề nghị UBND xã công nhận hương ước thôn Đông Lỗ.",
            sent_on=RECEIVED,
            **signatures(RECEIVED),
        )
        received = chair_client.post(_matter_url(matter, "receive/"), {"on": RECEIVED.isoformat()})
    assert received.status_code == 302
    matter.refresh_from_db()
    assert matter.received_on == RECEIVED
    assert Event.objects.filter(action="consultations.convention_received").count() == 1

    with on(DECIDED):
        chair_client = client_for(chair)
        data = {"recognise": "yes", "decided_on": DECIDED.isoformat(), "reason": ""}
        unnumbered = chair_client.post(_matter_url(matter, "recognition/"), data)
        assert unnumbered.status_code == 303
        matter.refresh_from_db()
        assert matter.recognised_on is None  # the decision's number is required
        numbered = chair_client.post(
            _matter_url(matter, "recognition/"), data | {"decision_number": "12/QĐ-UBND"}
        )
    assert (numbered.status_code, numbered["Location"]) == (302, matter.get_absolute_url())
    matter.refresh_from_db()
    version.refresh_from_db()
    convention.refresh_from_db()
    assert matter.recognised_on == DECIDED and decisions.is_effective(matter)
    assert (version.stage, version.decision_number) == ("recognised", "12/QĐ-UBND")
    assert version.recognised_on == DECIDED
    assert convention.status == Convention.Status.IN_FORCE
    assert Event.objects.filter(action="consultations.convention_recognised").count() == 1

    with on(DECIDED):
        public = client_for(None)
        page = public.get(f"/u/{village.code}/convention/").content.decode()
        unit_page = public.get(f"/u/{village.code}/").content.decode()
    assert "Đang có hiệu lực" in page
    assert "Bản 1, được công nhận ngày 08/01/2027 — Quyết định số 12/QĐ-UBND" in page
    assert "Mỗi hộ gia đình thu gom rác đúng giờ, đúng nơi quy định." in page
    assert conventions.text_in_force(convention, DECIDED) == TEXT.strip()
    assert f"/u/{village.code}/convention/" in unit_page


def test_a_count_that_fails_ends_the_cycle_at_once(village, village_head, resident):
    _convention, version, matter = _to_the_vote(village, village_head, resident)
    with on(MEETING):
        _meeting_on_the_web(village_head, village, matter, yes=2)
    version.refresh_from_db()
    assert version.stage == "not_adopted"
    assert conventions.current_cycle(version.convention) is None


def test_recognition_through_the_decisions_services_goes_through_the_dossier(
    village, village_head, resident, chair
):
    """The API and any other caller of decisions.services get the convention's checks."""
    _convention, version, matter = _to_the_vote(village, village_head, resident)
    with on(MEETING):
        _meeting_on_the_web(village_head, village, matter, yes=3)
    matter.refresh_from_db()
    with on(RECEIVED), pytest.raises(ValidationError) as info:
        decisions.receive_for_recognition(actor=chair, matter=matter, received_on=RECEIVED)
    assert info.value.code == "dossier_missing"
    with on(RECEIVED):
        conventions.submit_dossier(
            actor=village_head,
            version=version,
            request_dated=RECEIVED,
            request_text="Đề nghị công nhận.",
            sent_on=RECEIVED,
            **signatures(RECEIVED),
        )
        decisions.receive_for_recognition(actor=chair, matter=matter, received_on=RECEIVED)
    with on(DECIDED):
        refused = decisions.decide_recognition(
            actor=chair,
            matter=matter,
            recognise=False,
            decided_on=DECIDED,
            reason="Điều 3 trái quy định của pháp luật về tang lễ.",
        )
    assert isinstance(refused, Matter) and refused.refused_on == DECIDED
    version.refresh_from_db()
    assert version.stage == "refused"
    assert Event.objects.filter(action="consultations.convention_refused").count() == 1


def test_a_draft_not_yet_posted_stays_with_those_who_prepare_it(village, village_head):
    conventions.create_convention(
        actor=SYSTEM, village=village, title=Convention.Title.QUY_UOC, text=TEXT
    )
    page = client_for(None).get(f"/u/{village.code}/convention/").content.decode()
    assert "Quy ước" in page and "Dự thảo" not in page and "Phạm vi điều chỉnh" not in page
    own = client_for(village_head).get(f"/u/{village.code}/convention/").content.decode()
    assert "Bản 1" in own and "Phạm vi điều chỉnh" in own


def test_a_village_without_a_convention_has_no_page(village, other_village):
    assert client_for(None).get(f"/u/{village.code}/convention/").status_code == 404
    assert client_for(None).get("/u/NOPE/convention/").status_code == 404
