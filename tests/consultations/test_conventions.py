"""Village conventions (NĐ 61/2023/NĐ-CP): posting, adoption through the decisions engine,
the dossier, recognition, the yearly review, amendments and the transition."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.consultations import conventions
from danchu.consultations import services as consultation_services
from danchu.consultations.conventions import Signature
from danchu.consultations.models import (
    Consultation,
    Convention,
    ConventionDossier,
    ConventionReview,
    ConventionSignature,
    ConventionVersion,
)
from danchu.core.errors import ValidationError
from danchu.decisions import services as decisions
from danchu.decisions.models import Matter
from danchu.units import services as unit_services
from tests.conftest import make_user
from tests.consultations.conftest import TODAY
from tests.decisions.conftest import add_households

TEXT = """Chương I. Những quy định chung
Điều 1. Phạm vi điều chỉnh
Hương ước này quy định các chuẩn mực xã hội của cộng đồng thôn Đông Lỗ.

Điều 2. Giữ gìn vệ sinh môi trường
Mỗi hộ gia đình thu gom rác đúng giờ, đúng nơi quy định.

Điều 3. Việc cưới, việc tang
Tổ chức tiết kiệm, văn minh, không phô trương.
"""
AMENDED = TEXT.replace("đúng giờ, đúng nơi quy định", "đúng giờ, phân loại rác tại nguồn")
POSTED_UNTIL = TODAY + dt.timedelta(days=30)  # 27/12/2026: the posting day is not counted


def on(day: dt.date):
    """Travel to 9:00 in Hà Nội on `day`."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.UTC), tick=False
    )


def signatures(day: dt.date, **override):
    values = {
        "village_head": Signature("Trần Văn Nam", day),
        "front_head": Signature("Lê Thị Hoa", day),
        "household_representatives": [
            Signature("Nguyễn Văn Cả", day),
            Signature("Phạm Thị Tư", day),
        ],
    }
    return values | override


def new_convention(village, text=TEXT):
    return conventions.create_convention(
        actor=SYSTEM, village=village, title=Convention.Title.HUONG_UOC, text=text
    )


def posted(village, *, days=30, posted_on=TODAY):
    convention = new_convention(village)
    version = convention.versions.get()
    conventions.post_draft(
        actor=SYSTEM,
        version=version,
        posted_on=posted_on,
        place="Nhà văn hóa thôn",
        posting_days=days,
    )
    version.refresh_from_db()
    return convention, version


def put_to_vote(version, day):
    """Publish the (empty) synthesis and put the draft to the community on `day`."""
    with on(day):
        consultation_services.publish_synthesis(actor=SYSTEM, consultation=version.consultation)
        return conventions.put_to_vote(actor=SYSTEM, version=version)


def hold_meeting(matter, day, *, present, yes, secretary="Đỗ Thị Lan", count=True):
    """The community meeting of the decisions engine: attendance, procedural votes, count."""
    with on(day):
        matter = decisions.open_matter(actor=SYSTEM, matter=matter, form="meeting")
        roll = list(matter.roll.order_by("household_id").values_list("household_id", flat=True))
        session = decisions.start_session(
            actor=SYSTEM, matter=matter, name="Họp thôn", held_on=day, chair_name="Trần Văn Nam"
        )
        decisions.record_attendance(actor=SYSTEM, session=session, household_ids=roll[:present])
        for question in ("secretary", "method"):
            decisions.record_procedural_vote(
                actor=SYSTEM, session=session, question=question, in_favour=present
            )
        decisions.set_session_details(
            actor=SYSTEM, session=session, secretary_name=secretary, method="hands"
        )
        if count:
            agree, disagree = matter.options.order_by("position")
            decisions.record_session_counts(
                actor=SYSTEM, session=session, counts={agree.pk: yes, disagree.pk: present - yes}
            )
    return matter, roll


def adopted(village, day, *, households=4, yes=3, secretary="Đỗ Thị Lan"):
    """A convention posted today, adopted at a meeting on `day` and the vote concluded."""
    add_households(village, households)
    convention, version = posted(village)
    matter = put_to_vote(version, day)
    matter, _roll = hold_meeting(matter, day, present=households, yes=yes, secretary=secretary)
    with on(day):
        decisions.close_matter(actor=SYSTEM, matter=matter)
        version = conventions.conclude_vote(actor=SYSTEM, version=version)
    return convention, version


def submitted(village, day, sent_on):
    convention, version = adopted(village, day)
    with on(sent_on):
        conventions.submit_dossier(
            actor=SYSTEM,
            version=version,
            request_dated=sent_on,
            request_text="Đề nghị UBND xã công nhận hương ước thôn Đông Lỗ.",
            sent_on=sent_on,
            **signatures(sent_on),
        )
    version.refresh_from_db()
    return convention, version


def recognised(village, *, day=dt.date(2027, 1, 6), decided_on=dt.date(2027, 1, 8)):
    convention, version = submitted(village, day, day)
    with on(decided_on):
        conventions.receive_dossier(actor=SYSTEM, version=version, received_on=day)
        conventions.decide_recognition(
            actor=SYSTEM,
            version=version,
            recognise=True,
            decided_on=decided_on,
            decision_number="12/QĐ-UBND",
        )
    convention.refresh_from_db()
    version.refresh_from_db()
    return convention, version


def verified(user):
    user.is_verified = lambda: True
    return user


# --- drafting and posting (NĐ 61 Art 9; R13) ------------------------------------------------------


def test_a_draft_posted_29_days_is_refused_and_nothing_is_written(village):
    convention = new_convention(village)
    version = convention.versions.get()
    events = Event.objects.count()
    with pytest.raises(ValidationError) as info:
        conventions.post_draft(
            actor=SYSTEM, version=version, posted_on=TODAY, place="Nhà văn hóa", posting_days=29
        )
    assert info.value.code == "posting_too_short"
    assert "ít nhất 30 ngày" in info.value.messages[0] and "Điều 9" in info.value.messages[0]
    version.refresh_from_db()
    assert version.stage == "draft" and version.consultation is None
    assert Consultation.objects.count() == 0 and Event.objects.count() == events


def test_a_draft_posted_30_days_opens_a_consultation_linked_to_the_version(village):
    _convention, version = posted(village, days=30)
    consultation = version.consultation
    assert (version.stage, version.posting_days, version.posting_place) == (
        "posted",
        30,
        "Nhà văn hóa thôn",
    )
    assert conventions.posted_until(version) == POSTED_UNTIL == dt.date(2026, 12, 27)
    assert (consultation.unit, consultation.item.number, consultation.status) == (
        village,
        9,
        "open",
    )
    assert (consultation.opens_on, consultation.closes_on) == (TODAY, POSTED_UNTIL)
    assert consultation.sections.count() == 4  # Chương I + Điều 1–3
    assert consultation.convention_versions.get() == version


def test_the_community_may_set_a_longer_posting_period(village):
    convention = new_convention(village)
    with pytest.raises(ValidationError) as info:
        conventions.record_community_choice(
            actor=SYSTEM, convention=convention, decided_on=TODAY, posting_days=20
        )
    assert info.value.code == "posting_too_short"
    conventions.record_community_choice(
        actor=SYSTEM, convention=convention, decided_on=TODAY, posting_days=45
    )
    version = convention.versions.get()
    with pytest.raises(ValidationError) as info:
        conventions.post_draft(
            actor=SYSTEM, version=version, posted_on=TODAY, place="Nhà văn hóa", posting_days=30
        )
    assert info.value.code == "posting_too_short" and "45 ngày" in info.value.messages[0]
    conventions.post_draft(actor=SYSTEM, version=version, posted_on=TODAY, place="Nhà văn hóa")
    version.refresh_from_db()
    assert version.posting_days == 45
    assert version.consultation.closes_on == TODAY + dt.timedelta(days=45)


def test_no_vote_before_the_posting_ends_or_before_the_comments_are_answered(village, resident):
    _convention, version = posted(village)
    consultation_services.submit_opinion(
        is_public=True,
        user=resident,
        consultation=version.consultation,
        text="Nên thêm quy định về chó thả rông.",
    )
    with on(POSTED_UNTIL), pytest.raises(ValidationError) as info:
        conventions.put_to_vote(actor=SYSTEM, version=version)
    assert info.value.code == "posting_not_over"
    with on(POSTED_UNTIL + dt.timedelta(days=1)), pytest.raises(ValidationError) as info:
        conventions.put_to_vote(actor=SYSTEM, version=version)
    assert info.value.code == "synthesis_not_published"
    assert Matter.objects.count() == 0


def test_the_draft_finalised_after_comments_is_put_to_the_vote_with_a_readable_diff(village):
    _convention, posted_version = posted(village)
    with on(POSTED_UNTIL + dt.timedelta(days=2)):
        final = conventions.finalise_draft(
            actor=SYSTEM, version=posted_version, text=AMENDED, note="Tiếp thu ý kiến về rác"
        )
    posted_version.refresh_from_db()
    assert (posted_version.stage, final.stage, final.number) == ("revised", "posted", 2)
    assert final.consultation == posted_version.consultation and final.revises == posted_version
    diff = conventions.diff_versions(posted_version, final)
    assert [row for row in diff if row[0] != "equal"] == [
        ("delete", "Mỗi hộ gia đình thu gom rác đúng giờ, đúng nơi quy định."),
        ("insert", "Mỗi hộ gia đình thu gom rác đúng giờ, phân loại rác tại nguồn."),
    ]
    assert diff[0] == ("equal", "Chương I. Những quy định chung")
    matter = put_to_vote(final, POSTED_UNTIL + dt.timedelta(days=3))
    assert (matter.item, matter.kind, matter.description) == (3, "decision", AMENDED.strip())


def test_only_one_convention_per_village_and_changes_are_amendments(village):
    new_convention(village)
    with pytest.raises(ValidationError) as info:
        new_convention(village)
    assert info.value.code == "convention_exists"


# --- adoption through the decisions engine (NĐ 61 Art 10; R2, R3) ---------------------------------


def test_adopted_at_a_meeting_attended_and_approved_by_more_than_half(village):
    day = dt.date(2027, 1, 6)
    convention, version = adopted(village, day, households=4, yes=3)
    assert (version.stage, version.voted_on) == ("adopted", day)
    assert version.matter.adopted is True and version.matter.result["roll_size"] == 4
    assert not conventions.is_in_force(convention, dt.date(2027, 12, 31))


def test_half_of_all_households_is_not_adoption(village):
    _convention, version = adopted(village, dt.date(2027, 1, 6), households=4, yes=2)
    assert version.stage == "not_adopted" and version.matter.adopted is False


def test_ballot_fallback_when_the_meeting_lacks_half_the_households(village):
    add_households(village, 4)
    _convention, version = posted(village)
    day, collection_end = dt.date(2027, 1, 6), dt.date(2027, 1, 13)
    matter = put_to_vote(version, day)
    matter, roll = hold_meeting(matter, day, present=2, yes=2)
    with on(day):
        issued = decisions.fall_back_to_ballot(
            actor=SYSTEM, matter=matter, collection_ends_on=collection_end
        )
        assert issued == 2
        agree = matter.options.order_by("position").first()
        decisions.cast_with_code(
            code=decisions.ballot_code(matter.pk, roll[2]), option_id=agree.pk, actor=SYSTEM
        )
    with on(collection_end + dt.timedelta(days=1)):
        decisions.close_matter(actor=SYSTEM, matter=matter)
        version = conventions.conclude_vote(actor=SYSTEM, version=version)
    assert version.matter.ballot_fallback and version.matter.adopted
    # 3 of 4 households agreed; the dossier clock runs from the end of the ballot period.
    assert version.stage == "adopted" and version.voted_on == collection_end
    assert conventions.dossier_due_on(version) == dt.date(2027, 1, 20)


def test_conclude_vote_waits_for_the_count(village):
    add_households(village, 4)
    _convention, version = posted(village)
    matter = put_to_vote(version, dt.date(2027, 1, 6))
    hold_meeting(matter, dt.date(2027, 1, 6), present=4, yes=4, count=False)
    with pytest.raises(ValidationError) as info:
        conventions.conclude_vote(actor=SYSTEM, version=version)
    assert info.value.code == "vote_not_closed"


# --- the dossier (R14; NĐ 61 Art 6) ----------------------------------------------------------------


def test_dossier_clock_is_five_working_days_across_tet_2027(village):
    meeting = dt.date(2027, 2, 3)  # Wednesday; Tết holidays 4–10 February 2027
    _convention, version = adopted(village, meeting)
    assert conventions.dossier_due_on(version) == dt.date(2027, 2, 17)
    assert conventions.overdue_dossiers(village.parent, dt.date(2027, 2, 17)) == []
    assert conventions.overdue_dossiers(village.parent, dt.date(2027, 2, 18)) == [version]
    with on(dt.date(2027, 2, 18)):
        dossier = conventions.submit_dossier(
            actor=SYSTEM,
            version=version,
            request_dated=dt.date(2027, 2, 18),
            request_text="Đề nghị công nhận hương ước.",
            sent_on=dt.date(2027, 2, 18),
            **signatures(dt.date(2027, 2, 18)),
        )
    assert dossier.due_on == dt.date(2027, 2, 17) and dossier.is_late
    event = Event.objects.filter(action="consultations.convention_dossier_sent").get()
    assert event.payload["late"] is True


def test_dossier_sent_on_the_fifth_working_day_is_on_time(village):
    _convention, version = submitted(village, dt.date(2027, 2, 3), dt.date(2027, 2, 17))
    dossier = version.dossier
    assert not dossier.is_late and version.stage == "submitted"
    assert list(dossier.signatures.values_list("role", "name")) == [
        ("village_head", "Trần Văn Nam"),
        ("front_head", "Lê Thị Hoa"),
        ("household", "Nguyễn Văn Cả"),
        ("household", "Phạm Thị Tư"),
    ]


DAY = dt.date(2027, 1, 6)


@pytest.mark.parametrize(
    "override,code,named",
    [
        ({"front_head": None}, "signatures_missing", "Trưởng ban công tác Mặt trận"),
        ({"village_head": Signature("", DAY)}, "signatures_missing", "Trưởng thôn"),
        ({"village_head": Signature("Trần Văn Nam", None)}, "signatures_missing", "Trưởng thôn"),
        (
            {"household_representatives": [Signature("Nguyễn Văn Cả", DAY)]},
            "signatures_missing",
            "02 đại diện hộ gia đình",
        ),
        (
            {
                "household_representatives": [
                    Signature("Nguyễn Văn Cả", DAY),
                    Signature("nguyễn văn  cả", DAY),
                ]
            },
            "signatures_missing",
            "02 đại diện hộ gia đình",
        ),
        ({"request_text": "  "}, "documents_missing", "Mẫu 01"),
        ({"request_dated": None}, "documents_missing", "Mẫu 01"),
    ],
)
def test_a_dossier_missing_a_signature_or_document_is_refused(village, override, code, named):
    _convention, version = adopted(village, DAY)
    events = Event.objects.count()
    values = {
        "request_dated": DAY,
        "request_text": "Đề nghị công nhận hương ước.",
        **signatures(DAY),
    } | override
    with on(DAY), pytest.raises(ValidationError) as info:
        conventions.submit_dossier(actor=SYSTEM, version=version, sent_on=DAY, **values)
    assert info.value.code == code and named in info.value.messages[0]
    assert ConventionDossier.objects.count() == ConventionSignature.objects.count() == 0
    assert Event.objects.count() == events
    version.refresh_from_db()
    assert version.stage == "adopted"


def test_minutes_without_a_secretary_are_a_missing_document(village):
    _convention, version = adopted(village, DAY, secretary="")
    with on(DAY), pytest.raises(ValidationError) as info:
        conventions.submit_dossier(
            actor=SYSTEM,
            version=version,
            request_dated=DAY,
            request_text="Đề nghị công nhận.",
            sent_on=DAY,
            **signatures(DAY),
        )
    assert info.value.code == "documents_missing" and "Mẫu 02" in info.value.messages[0]


def test_signatures_are_dated_from_the_adoption(village):
    _convention, version = adopted(village, DAY)
    before = DAY - dt.timedelta(days=1)
    with on(DAY), pytest.raises(ValidationError) as info:
        conventions.submit_dossier(
            actor=SYSTEM,
            version=version,
            request_dated=DAY,
            request_text="Đề nghị công nhận.",
            sent_on=DAY,
            **signatures(DAY, front_head=Signature("Lê Thị Hoa", before)),
        )
    assert info.value.code == "bad_signature_date"


# --- recognition (R15) ---------------------------------------------------------------------------------


def test_recognition_clock_is_five_working_days_from_the_complete_dossier_across_tet(
    village, commune
):
    _convention, version = submitted(village, dt.date(2027, 1, 27), dt.date(2027, 2, 2))
    with on(dt.date(2027, 2, 3)):
        conventions.receive_dossier(actor=SYSTEM, version=version, received_on=dt.date(2027, 2, 3))
    version.refresh_from_db()
    assert conventions.recognition_due_on(version) == dt.date(2027, 2, 17)
    assert decisions.overdue_recognitions(commune, dt.date(2027, 2, 17)) == []
    assert decisions.overdue_recognitions(commune, dt.date(2027, 2, 18)) == [version.matter]
    with on(dt.date(2027, 2, 17)):
        conventions.decide_recognition(
            actor=SYSTEM,
            version=version,
            recognise=True,
            decided_on=dt.date(2027, 2, 17),
            decision_number="25/QĐ-UBND",
        )
    event = Event.objects.get(action="consultations.convention_recognised")
    assert event.payload["late"] is False


def test_recognised_text_is_the_text_in_force_from_the_decision(village):
    convention, version = recognised(village)
    matter = version.matter
    assert (version.stage, version.recognised_on, version.decision_number) == (
        "recognised",
        dt.date(2027, 1, 8),
        "12/QĐ-UBND",
    )
    # One recognition record: the decisions engine's, on the matter.
    assert (matter.received_on, matter.recognised_on) == (dt.date(2027, 1, 6), dt.date(2027, 1, 8))
    assert decisions.is_effective(matter)
    assert convention.status == "in_force"
    assert conventions.version_in_force(convention, dt.date(2027, 1, 7)) is None
    assert conventions.text_in_force(convention, dt.date(2027, 1, 8)) == TEXT.strip()


def test_recognition_of_a_convention_not_adopted_is_refused(village, commune):
    chair = verified(make_user("chu_tich", Role.COMMUNE_CHAIR, commune))
    _convention, version = adopted(village, DAY, yes=2)
    events = Event.objects.count()
    with on(DAY):
        for attempt in (
            lambda: conventions.receive_dossier(actor=chair, version=version, received_on=DAY),
            lambda: conventions.decide_recognition(
                actor=chair, version=version, recognise=True, decided_on=DAY, decision_number="1"
            ),
            lambda: conventions.submit_dossier(
                actor=SYSTEM,
                version=version,
                request_dated=DAY,
                request_text="Đề nghị.",
                sent_on=DAY,
                **signatures(DAY),
            ),
        ):
            with pytest.raises(ValidationError) as info:
                attempt()
            assert info.value.code == "not_adopted" and "Điều 10" in info.value.messages[0]
    version.refresh_from_db()
    assert version.matter.received_on is None and version.matter.recognised_on is None
    assert Event.objects.count() == events


def test_recognition_needs_the_dossier_first(village):
    _convention, version = adopted(village, DAY)
    with on(DAY), pytest.raises(ValidationError) as info:
        conventions.receive_dossier(actor=SYSTEM, version=version, received_on=DAY)
    assert info.value.code == "dossier_missing"


def test_a_refusal_needs_reasons_and_leaves_nothing_in_force(village):
    convention, version = submitted(village, DAY, DAY)
    with on(DAY):
        conventions.receive_dossier(actor=SYSTEM, version=version, received_on=DAY)
        with pytest.raises(ValidationError) as info:
            conventions.decide_recognition(
                actor=SYSTEM, version=version, recognise=False, decided_on=DAY
            )
        assert info.value.code == "reason_required"
        conventions.decide_recognition(
            actor=SYSTEM,
            version=version,
            recognise=False,
            decided_on=DAY,
            reason="Điều 3 đặt mức phạt tiền trái pháp luật.",
        )
    version.refresh_from_db()
    convention.refresh_from_db()
    assert version.stage == "refused" and version.matter.refused_on == DAY
    assert convention.status == "preparing" and not conventions.is_in_force(convention, DAY)


def test_only_the_commune_chair_recognises(village, commune, officer, village_head):
    _convention, version = submitted(village, DAY, DAY)
    for user in (verified(officer), verified(village_head)):
        with on(DAY), pytest.raises(PermissionDenied):
            conventions.receive_dossier(actor=user, version=version, received_on=DAY)
    version.refresh_from_db()
    assert version.matter.received_on is None


@pytest.mark.parametrize(
    "persona", ["anonymous", "resident", "other_village_head", "outside_officer"]
)
def test_outsiders_cannot_prepare_a_convention(village, personas, persona):
    user = personas[persona]
    if user is not None:
        verified(user)
    convention = new_convention(village)
    version = convention.versions.get()
    events = Event.objects.count()
    with pytest.raises(PermissionDenied):
        conventions.post_draft(actor=user, version=version, posted_on=TODAY, place="Nhà văn hóa")
    with pytest.raises(PermissionDenied):
        conventions.amend_convention(actor=user, convention=convention, text="x", note="y")
    assert Event.objects.count() == events and Consultation.objects.count() == 0
    assert convention.versions.count() == 1


def test_the_village_head_runs_the_cycle_in_their_village(village, village_head):
    verified(village_head)
    convention = conventions.create_convention(
        actor=village_head, village=village, title="quy_uoc", text=TEXT
    )
    conventions.post_draft(
        actor=village_head,
        version=convention.versions.get(),
        posted_on=TODAY,
        place="Bảng tin thôn",
    )
    assert str(convention) == "Quy ước Thôn Đông Lỗ"
    assert Event.objects.filter(action="consultations.convention_posted", actor=village_head)


# --- amendments and a new cycle ------------------------------------------------------------------------


def test_an_amendment_is_a_new_version_with_its_own_cycle(village):
    convention, first = recognised(village)
    with on(dt.date(2027, 3, 1)):
        second = conventions.amend_convention(
            actor=SYSTEM, convention=convention, text=AMENDED, note="Phân loại rác tại nguồn"
        )
        with pytest.raises(ValidationError) as info:
            conventions.amend_convention(
                actor=SYSTEM, convention=convention, text=TEXT + "\nĐiều 4.", note="Thêm"
            )
        assert info.value.code == "cycle_in_progress"
        consultation = conventions.post_draft(
            actor=SYSTEM, version=second, posted_on=dt.date(2027, 3, 1), place="Nhà văn hóa"
        )
    assert (second.number, second.stage, second.revises) == (2, "draft", first)
    assert consultation != first.consultation
    second.refresh_from_db()
    matter = put_to_vote(second, dt.date(2027, 4, 5))
    assert matter != first.matter and matter.status == "draft"
    matter, _roll = hold_meeting(matter, dt.date(2027, 4, 5), present=4, yes=4)
    sent = dt.date(2027, 4, 6)
    with on(sent):
        decisions.close_matter(actor=SYSTEM, matter=matter)
        conventions.submit_dossier(
            actor=SYSTEM,
            version=second,
            request_dated=sent,
            request_text="Đề nghị công nhận hương ước sửa đổi.",
            sent_on=sent,
            **signatures(sent),
        )
        conventions.receive_dossier(actor=SYSTEM, version=second, received_on=sent)
        conventions.decide_recognition(
            actor=SYSTEM, version=second, recognise=True, decided_on=sent, decision_number="40/QĐ"
        )
    # The first text stayed in force during the new cycle; the amendment replaces it.
    assert conventions.version_in_force(convention, dt.date(2027, 4, 5)) == first
    assert conventions.version_in_force(convention, sent) == second
    assert conventions.text_in_force(convention, sent) == AMENDED.strip()
    assert conventions.current_cycle(convention) is None


def test_an_amendment_must_change_the_text(village):
    convention, _first = recognised(village)
    with pytest.raises(ValidationError) as info:
        conventions.amend_convention(actor=SYSTEM, convention=convention, text=TEXT, note="x")
    assert info.value.code == "no_change"


def test_after_a_rejected_draft_the_village_starts_again(village):
    convention, version = adopted(village, DAY, yes=1)
    assert version.stage == "not_adopted"
    again = conventions.amend_convention(
        actor=SYSTEM, convention=convention, text=AMENDED, note="Soạn lại theo ý kiến cuộc họp"
    )
    assert (again.number, again.stage, again.revises) == (2, "draft", version)


def test_a_draft_can_be_withdrawn_but_not_while_it_is_posted(village):
    _convention, version = posted(village)
    with pytest.raises(ValidationError) as info:
        conventions.withdraw_version(actor=SYSTEM, version=version, reason="Soạn lại")
    assert info.value.code == "still_posted"
    with on(POSTED_UNTIL + dt.timedelta(days=1)):
        conventions.withdraw_version(actor=SYSTEM, version=version, reason="Soạn lại")
    version.refresh_from_db()
    assert version.stage == "withdrawn"


# --- transition: recognised before 16-8-2023 -----------------------------------------------------------


def test_a_convention_recognised_before_16_august_2023_is_entered_in_force(village):
    convention = conventions.enter_recognised_convention(
        actor=SYSTEM,
        village=village,
        title="huong_uoc",
        text=TEXT,
        recognised_on=dt.date(2023, 8, 15),
        decision_number="215/QĐ-UBND",
        recognised_by_body="UBND huyện Ứng Hòa",
    )
    version = convention.versions.get()
    assert convention.status == "in_force"
    assert (version.legacy, version.stage, version.recognised_on, version.decision_number) == (
        True,
        "recognised",
        dt.date(2023, 8, 15),
        "215/QĐ-UBND",
    )
    assert conventions.version_in_force(convention) == version
    assert conventions.text_in_force(convention, dt.date(2023, 8, 14)) is None


def test_a_convention_recognised_from_16_august_2023_cannot_be_entered_directly(village):
    with pytest.raises(ValidationError) as info:
        conventions.enter_recognised_convention(
            actor=SYSTEM,
            village=village,
            title="quy_uoc",
            text=TEXT,
            recognised_on=dt.date(2023, 8, 16),
            decision_number="1/QĐ",
        )
    assert info.value.code == "after_transition"
    assert Convention.objects.count() == ConventionVersion.objects.count() == 0


# --- the yearly review (R16) ----------------------------------------------------------------------------


def legacy(village, year=2020):
    return conventions.enter_recognised_convention(
        actor=SYSTEM,
        village=village,
        title="huong_uoc",
        text=TEXT,
        recognised_on=dt.date(year, 5, 4),
        decision_number=f"{year}/QĐ-UBND",
    )


def review(convention, year, day, outcome="keep"):
    return conventions.record_review(
        actor=SYSTEM,
        convention=convention,
        year=year,
        reviewed_on=day,
        form="conference",
        chair_name="Trần Văn Nam",
        front_head_name="Lê Thị Hoa",
        findings="Các hộ thực hiện tốt; Điều 3 cần cập nhật.",
        outcome=outcome,
    )


def test_review_falls_on_18_november_unless_the_community_chose_another_day(village):
    convention = legacy(village)
    assert conventions.review_due(convention, 2026) == dt.date(2026, 11, 18)
    assert conventions.review_due(convention, 2019) is None  # not yet in force
    convention = conventions.record_community_choice(
        actor=SYSTEM, convention=convention, decided_on=TODAY, review_month=2, review_day=29
    )
    assert conventions.review_due(convention, 2027) == dt.date(2027, 2, 28)
    assert conventions.review_due(convention, 2028) == dt.date(2028, 2, 29)
    with pytest.raises(ValidationError) as info:
        conventions.record_community_choice(
            actor=SYSTEM, convention=convention, decided_on=TODAY, review_month=11, review_day=31
        )
    assert info.value.code == "bad_review_day"


def test_villages_overdue_for_review(village, other_village, commune):
    third = unit_services.create_village(actor=SYSTEM, commune=commune, name="Thôn Ngọc Động")
    overdue = legacy(village)
    december = legacy(other_village)
    conventions.record_community_choice(
        actor=SYSTEM, convention=december, decided_on=TODAY, review_month=12, review_day=15
    )
    review(december, 2025, dt.date(2025, 12, 15))
    new_convention(third)  # not in force: no review owed
    # Before this year's review day, last year's review is the one owed.
    missed = conventions.villages_overdue_for_review(commune, dt.date(2026, 11, 18))
    assert missed == [overdue] and missed[0].overdue_year == 2025
    review(overdue, 2025, dt.date(2025, 11, 18))
    assert conventions.villages_overdue_for_review(commune, dt.date(2026, 11, 18)) == []
    late = conventions.villages_overdue_for_review(commune, dt.date(2026, 11, 19))
    assert late == [overdue] and (late[0].overdue_year, late[0].overdue_since) == (
        2026,
        dt.date(2026, 11, 18),
    )
    assert conventions.villages_overdue_for_review(commune, dt.date(2026, 12, 16)) == [
        overdue,
        december,
    ]
    assert conventions.is_review_overdue(overdue, TODAY)
    review(overdue, 2026, TODAY, outcome="amend")
    assert conventions.villages_overdue_for_review(commune, TODAY) == []
    assert not conventions.is_review_overdue(overdue, TODAY)
    event = Event.objects.filter(action="consultations.convention_reviewed").last()
    assert event.payload["late"] is True and event.payload["outcome"] == "amend"


def test_one_review_a_year_of_a_convention_in_force(village, other_village):
    convention = legacy(village)
    review(convention, 2026, TODAY)
    with pytest.raises(ValidationError) as info:
        review(convention, 2026, TODAY)
    assert info.value.code == "already_reviewed"
    draft = new_convention(other_village)
    with pytest.raises(ValidationError) as info:
        review(draft, 2026, TODAY)
    assert info.value.code == "not_in_force"
    assert ConventionReview.objects.count() == 1


def test_a_recognised_convention_owes_its_first_review_the_next_18_november(village, commune):
    convention, _version = recognised(village)  # in force from 8 January 2027
    assert conventions.review_due(convention, 2026) is None
    assert conventions.villages_overdue_for_review(commune, dt.date(2027, 11, 18)) == []
    assert conventions.villages_overdue_for_review(commune, dt.date(2027, 11, 19)) == [convention]
