import datetime as dt

import pytest
import time_machine

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.consultations import services
from danchu.consultations.models import Opinion
from danchu.core.errors import ValidationError
from tests.conftest import make_user
from tests.consultations.conftest import DRAFT, TODAY, make_consultation


def test_a_pasted_draft_is_split_at_its_articles(commune):
    consultation = make_consultation(commune)
    sections = list(consultation.sections.values_list("number", "heading"))
    assert sections == [
        (1, "Điều 1. Phạm vi điều chỉnh"),
        (2, "Điều 2. Đối tượng áp dụng"),
        (3, "Điều 3. Công khai thông tin"),
    ]
    assert services.split_into_sections("Đoạn một.\n\nĐoạn hai.") == [
        ("", "Đoạn một."),
        ("", "Đoạn hai."),
    ]
    assert DRAFT.count("Điều") == 4


def test_period_must_leave_time_to_answer(commune):
    with pytest.raises(ValidationError) as info:
        make_consultation(commune, days=5)
    assert info.value.code == "period_too_short"


def test_residents_comment_on_a_section_or_the_whole_draft(commune, resident):
    consultation = make_consultation(commune)
    on_three = services.submit_opinion(
        is_public=True,
        user=resident,
        consultation=consultation,
        text="Đề nghị niêm yết cả tại chợ.",
        section_number=3,
    )
    whole = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Đồng ý với dự thảo."
    )
    assert (on_three.section.number, whole.section) == (3, None)
    assert on_three.original_text == "Đề nghị niêm yết cả tại chợ."


@pytest.mark.parametrize(
    "text,section,code",
    [
        ("", None, "empty_opinion"),
        ("   ", None, "empty_opinion"),
        ("x" * 4001, None, "opinion_too_long"),
        ("Ý kiến", 9, "bad_section"),
    ],
)
def test_bad_opinions_are_refused(commune, resident, text, section, code):
    consultation = make_consultation(commune)
    with pytest.raises(ValidationError) as info:
        services.submit_opinion(
            is_public=True,
            user=resident,
            consultation=consultation,
            text=text,
            section_number=section,
        )
    assert info.value.code == code
    assert Opinion.objects.count() == 0


def test_no_comment_after_closing(commune, resident):
    consultation = make_consultation(commune, days=14)
    with time_machine.travel(dt.datetime(2026, 12, 11, 16, tzinfo=dt.UTC), tick=False):
        services.submit_opinion(
            is_public=True, user=resident, consultation=consultation, text="Kịp hạn."
        )
    with (
        time_machine.travel(dt.datetime(2026, 12, 12, 1, tzinfo=dt.UTC), tick=False),
        pytest.raises(ValidationError) as info,
    ):
        services.submit_opinion(
            is_public=True, user=resident, consultation=consultation, text="Muộn."
        )
    assert info.value.code == "not_accepting"


def test_officer_enters_paper_opinions_with_their_channel(commune, officer):
    officer.is_verified = lambda: True
    consultation = make_consultation(commune)
    opinion = services.enter_opinion(
        actor=officer,
        consultation=consultation,
        channel="front",
        text="Hội Phụ nữ đề nghị bổ sung Điều 2.",
        author_name="Hội Liên hiệp Phụ nữ xã",
        section_number=2,
    )
    assert (opinion.channel, opinion.entered_by, opinion.show_name) == ("front", officer, False)
    with pytest.raises(ValidationError):
        services.enter_opinion(actor=officer, consultation=consultation, channel="pigeon", text="x")


def test_synthesis_cannot_be_published_with_an_unanswered_opinion(commune, resident):
    consultation = make_consultation(commune)
    a = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến A"
    )
    b = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến B"
    )
    group = services.create_group(
        actor=SYSTEM, consultation=consultation, title="Niêm yết tại chợ", opinion_ids=[a.pk]
    )
    services.answer_group(
        actor=SYSTEM, group=group, answer="accepted", reason="Bổ sung vào Điều 3."
    )
    with time_machine.travel(dt.datetime(2026, 12, 15, 9, tzinfo=dt.UTC), tick=False):
        with pytest.raises(ValidationError) as info:
            services.publish_synthesis(actor=SYSTEM, consultation=consultation)
        assert info.value.code == "unanswered" and "Còn 1 ý kiến" in info.value.messages[0]
        second = services.create_group(
            actor=SYSTEM, consultation=consultation, title="Giữ nguyên", opinion_ids=[b.pk]
        )
        with pytest.raises(ValidationError) as info:
            services.answer_group(actor=SYSTEM, group=second, answer="not_accepted", reason="")
        assert info.value.code == "reason_required"
        services.answer_group(
            actor=SYSTEM,
            group=second,
            answer="not_accepted",
            reason="Trái với Điều 11 Luật 10/2022.",
        )
        published = services.publish_synthesis(
            actor=SYSTEM, consultation=consultation, reported_to="HĐND xã Ứng Hòa"
        )
    assert published.status == "answered" and published.synthesis_published_at
    with pytest.raises(ValidationError) as info:
        services.answer_group(actor=SYSTEM, group=group, answer="not_accepted", reason="x")
    assert info.value.code == "answered"


def test_synthesis_waits_for_the_end_of_the_period(commune):
    consultation = make_consultation(commune)
    with pytest.raises(ValidationError) as info:
        services.publish_synthesis(actor=SYSTEM, consultation=consultation)
    assert info.value.code == "still_open"


def test_moderation_keeps_the_original_text(commune, resident):
    consultation = make_consultation(commune)
    opinion = services.submit_opinion(
        is_public=True,
        user=resident,
        consultation=consultation,
        text="Ý kiến có số điện thoại 0912345678 của tôi",
    )
    services.moderate_opinion(
        actor=SYSTEM,
        opinion=opinion,
        hidden=False,
        note="Che thông tin cá nhân",
        text="Ý kiến có số điện thoại […]",
    )
    opinion.refresh_from_db()
    assert opinion.text == "Ý kiến có số điện thoại […]"
    assert opinion.original_text == "Ý kiến có số điện thoại 0912345678 của tôi"


def test_outsiders_cannot_manage(commune, other_commune, outside_officer):
    from django.core.exceptions import PermissionDenied

    outside_officer.is_verified = lambda: True
    consultation = make_consultation(commune)
    before = Event.objects.count()
    with pytest.raises(PermissionDenied):
        services.enter_opinion(
            actor=outside_officer, consultation=consultation, channel="box", text="x"
        )
    assert Event.objects.count() == before


def test_a_resident_of_another_commune_may_still_comment(commune, other_commune):
    consultation = make_consultation(commune)
    outsider = make_user("nguoi_dan_2", Role.RESIDENT, other_commune)
    opinion = services.submit_opinion(
        is_public=True, user=outsider, consultation=consultation, text="Góp ý"
    )
    assert opinion.author == outsider and opinion.consultation.opens_on == TODAY
