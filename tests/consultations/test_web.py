"""Web pages of Dân tham gia ý kiến: the draft read section by section with comments under
each one, the officers' board (enter, moderate, group, answer, publish), the published
synthesis, and the privacy of commenters' names."""

import datetime as dt
import re

import pytest
import time_machine

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.consultations import services
from danchu.consultations.models import Consultation, Opinion, OpinionGroup
from tests.conftest import client_for, make_user
from tests.consultations.conftest import DRAFT, make_consultation

AFTER_CLOSE = dt.datetime(2026, 12, 12, 9, tzinfo=dt.UTC)
REFUSED = [
    ("anonymous", False),
    ("resident", False),
    ("other_village_head", False),
    ("outside_officer", False),
    ("officer", True),
    ("admin", True),
]


def _url(consultation, tail=""):
    return f"/u/{consultation.unit.code}/consultations/{consultation.pk}/{tail}"


def _part(html: str, anchor: str) -> str:
    """The HTML of one part of a page: <section … id="s3"> up to its </section>."""
    match = re.search(rf'<section[^>]*? id="{anchor}".*?</section>', html, re.S)
    assert match, f"no part #{anchor}"
    return match.group(0)


def _comment(client, consultation, text, **fields):
    data = {"text": text, "is_public": "on", **fields}
    return client.post(_url(consultation, "comment/"), data)


def _snapshot():
    return (
        Consultation.objects.count(),
        Opinion.objects.count(),
        OpinionGroup.objects.count(),
        Event.objects.count(),
    )


@pytest.fixture
def consultation(commune):
    return make_consultation(commune)


def _answered(consultation, opinions, answer="accepted", reason="Bổ sung vào Điều 3."):
    group = services.create_group(
        actor=SYSTEM,
        consultation=consultation,
        title="Niêm yết thêm tại chợ",
        opinion_ids=[o.pk for o in opinions],
    )
    return services.answer_group(actor=SYSTEM, group=group, answer=answer, reason=reason)


# --- unit page ---------------------------------------------------------------------------


def test_unit_page_lists_open_consultations_of_the_unit_and_above(
    commune, other_commune, village, consultation
):
    elsewhere = make_consultation(other_commune)
    draft = make_consultation(commune, open_it=False)
    draft.title = "Bản chuẩn bị chưa mở"
    draft.save(update_fields=["title"])

    html = client_for(None).get(f"/u/{village.code}/").content.decode()

    section = _part(html, "consultations")
    assert "Lấy ý kiến Nhân dân" in section
    assert consultation.get_absolute_url() in section
    assert "góp ý đến hết ngày 11/12/2026" in section
    assert "Xã Ứng Hòa" in section
    assert elsewhere.get_absolute_url() not in section
    assert "Bản chuẩn bị chưa mở" not in section


def test_unit_page_lists_published_syntheses_and_managers_see_what_waits(
    commune, officer, resident
):
    published = make_consultation(commune)
    opinion = services.submit_opinion(
        is_public=True, user=resident, consultation=published, text="Đồng ý."
    )
    _answered(published, [opinion])
    waiting = make_consultation(commune, open_it=False)
    with time_machine.travel(AFTER_CLOSE, tick=False):
        services.publish_synthesis(actor=SYSTEM, consultation=published)
        public = client_for(None).get(f"/u/{commune.code}/").content.decode()
        managed = client_for(officer).get(f"/u/{commune.code}/").content.decode()

    assert "Kết quả tổng hợp ý kiến" in public
    assert f"{published.get_absolute_url()}#synthesis" in public
    assert "công bố ngày 12/12/2026" in public
    assert waiting.get_absolute_url() not in public
    assert waiting.get_absolute_url() in managed and "chuẩn bị, chưa mở" in managed
    assert f"/u/{commune.code}/consultations/create/" in managed


# --- permission matrix -------------------------------------------------------------------


def _create_form(**extra):
    return {
        "item": "7",
        "title": "Dự thảo Quy chế thực hiện dân chủ ở xã Ứng Hòa",
        "summary": "Xin ý kiến Nhân dân.",
        "draft_text": DRAFT,
        "forms": ["portal", "meeting"],
        "opens_on": "2026-11-27",
        "closes_on": "2026-12-27",
        **extra,
    }


@pytest.mark.parametrize("persona,allowed", REFUSED)
def test_permission_matrix_for_creating(personas, persona, allowed, commune):
    before = _snapshot()
    response = client_for(personas[persona]).post(
        f"/u/{commune.code}/consultations/create/", _create_form()
    )
    if allowed:
        consultation = Consultation.objects.get()
        assert response.status_code == 302
        assert response["Location"] == consultation.get_absolute_url()
        assert consultation.status == Consultation.Status.DRAFT
        assert consultation.forms == ["portal", "meeting"]
        assert list(consultation.sections.values_list("number", flat=True)) == [1, 2, 3]
    else:
        assert response.status_code in (302, 403)
        assert _snapshot() == before


@pytest.mark.parametrize("persona,allowed", REFUSED)
def test_permission_matrix_for_entering_an_opinion(personas, persona, allowed, consultation):
    before = _snapshot()
    response = client_for(personas[persona]).post(
        _url(consultation, "opinions/"),
        {"channel": "meeting", "section": "2", "author_name": "Ông Ba", "text": "Ý kiến tại họp."},
    )
    if allowed:
        opinion = Opinion.objects.get()
        assert response.status_code == 302
        assert (opinion.channel, opinion.section.number, opinion.author_name) == (
            "meeting",
            2,
            "Ông Ba",
        )
        assert opinion.entered_by == personas[persona]
    else:
        assert response.status_code in (302, 403)
        assert _snapshot() == before


@pytest.mark.parametrize("persona,allowed", REFUSED)
def test_permission_matrix_for_answering(personas, persona, allowed, consultation, resident):
    opinion = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến."
    )
    group = services.create_group(
        actor=SYSTEM, consultation=consultation, title="Nhóm", opinion_ids=[opinion.pk]
    )
    before = _snapshot()
    response = client_for(personas[persona]).post(
        _url(consultation, f"groups/{group.pk}/answer/"),
        {"answer": "not_accepted", "reason": "Đã có trong Điều 3."},
    )
    group.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert (group.answer, group.reason) == ("not_accepted", "Đã có trong Điều 3.")
    else:
        assert response.status_code in (302, 403)
        assert (group.answer, _snapshot()) == ("", before)


@pytest.mark.parametrize("persona,allowed", REFUSED)
def test_permission_matrix_for_publishing(personas, persona, allowed, consultation, resident):
    opinion = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến."
    )
    _answered(consultation, [opinion])
    before = _snapshot()
    with time_machine.travel(AFTER_CLOSE, tick=False):
        response = client_for(personas[persona]).post(
            _url(consultation, "publish/"), {"reported_to": "HĐND xã"}
        )
    consultation.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert response["Location"] == f"{consultation.get_absolute_url()}#synthesis"
        assert consultation.status == Consultation.Status.ANSWERED
        assert consultation.reported_to == "HĐND xã"
    else:
        assert response.status_code in (302, 403)
        assert consultation.status == Consultation.Status.OPEN
        assert _snapshot() == before


@pytest.mark.parametrize("persona", ["resident", "other_village_head", "outside_officer"])
def test_outsiders_cannot_open_the_board_or_moderate(personas, persona, consultation, resident):
    opinion = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến."
    )
    client = client_for(personas[persona])
    before = _snapshot()
    assert client.get(_url(consultation, "synthesis/")).status_code == 403
    response = client.post(
        _url(consultation, f"opinions/{opinion.pk}/moderate/"), {"hidden": "on", "note": "x"}
    )
    assert response.status_code == 403
    opinion.refresh_from_db()
    assert not opinion.hidden and _snapshot() == before


@pytest.mark.parametrize("persona", ["anonymous", "resident", "outside_officer"])
def test_a_draft_is_404_for_non_managers_like_a_missing_one(personas, persona, commune):
    draft = make_consultation(commune, open_it=False)
    client = client_for(personas[persona])
    assert client.get(_url(draft)).status_code == 404
    assert client.get(f"/u/{commune.code}/consultations/999999/").status_code == 404
    assert client.get(f"/u/00000/consultations/{draft.pk}/").status_code == 404


def test_officer_reads_the_draft_and_opens_it(commune, officer):
    draft = make_consultation(commune, open_it=False)
    client = client_for(officer)
    html = client.get(_url(draft)).content.decode()
    assert "Đang chuẩn bị — người dân chưa thấy" in html
    assert "Dự thảo được chia thành 3 mục." in html

    response = client.post(_url(draft, "open/"), follow=True)

    draft.refresh_from_db()
    assert draft.status == Consultation.Status.OPEN
    assert "Đã mở lấy ý kiến." in response.content.decode()
    assert client_for(None).get(_url(draft)).status_code == 200


def test_create_with_a_bad_period_is_422_and_writes_nothing(commune, officer):
    before = _snapshot()
    response = client_for(officer).post(
        f"/u/{commune.code}/consultations/create/",
        _create_form(closes_on="2026-11-30"),
    )
    assert response.status_code == 422
    assert "Thời gian lấy ý kiến phải ít nhất 10 ngày" in response.content.decode()
    response = client_for(officer).post(
        f"/u/{commune.code}/consultations/create/", _create_form(forms=[])
    )
    assert response.status_code == 422
    assert "Chọn ít nhất một hình thức lấy ý kiến của Điều 26." in response.content.decode()
    assert _snapshot() == before


# --- residents comment -------------------------------------------------------------------


def test_the_draft_reads_section_by_section_with_anchors(consultation):
    html = client_for(None).get(_url(consultation)).content.decode()
    assert "Công khai thông tin" in _part(html, "s3")
    assert 'href="#s3"' in html
    assert "Góp ý chung cho toàn bộ dự thảo" in _part(html, "whole")
    assert "Đăng nhập để góp ý" in _part(html, "s3")
    assert 'name="text"' not in html


def test_a_comment_on_section_3_shows_under_section_3(consultation, resident):
    client = client_for(resident)

    response = _comment(client, consultation, "Đề nghị niêm yết cả tại chợ.", section="3")

    assert response.status_code == 302
    assert response["Location"] == f"{consultation.get_absolute_url()}#s3"
    opinion = Opinion.objects.get()
    assert (opinion.section.number, opinion.channel, opinion.is_public) == (3, "portal", True)
    html = client_for(None).get(_url(consultation)).content.decode()
    assert "Đề nghị niêm yết cả tại chợ." in _part(html, "s3")
    assert "Đề nghị niêm yết cả tại chợ." not in _part(html, "s2")
    assert "Đề nghị niêm yết cả tại chợ." not in _part(html, "whole")


def test_a_comment_on_the_whole_draft_shows_at_the_end(consultation, resident):
    _comment(client_for(resident), consultation, "Đồng ý với toàn bộ dự thảo.")
    html = client_for(None).get(_url(consultation)).content.decode()
    assert "Đồng ý với toàn bộ dự thảo." in _part(html, "whole")
    assert Opinion.objects.get().section is None


def test_with_htmx_the_comment_swaps_only_its_section(consultation, resident):
    response = client_for(resident).post(
        _url(consultation, "comment/"),
        {"text": "Ý kiến gửi bằng htmx.", "section": "2", "is_public": "on"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="s2"')
    assert "<html" not in html
    assert "Ý kiến gửi bằng htmx." in html and "Đã ghi nhận ý kiến của bạn." in html


@pytest.mark.parametrize(
    "text,section,message",
    [
        ("", "3", "Ý kiến không được để trống."),
        ("   ", "", "Ý kiến không được để trống."),
        ("x" * 4001, "3", "Ý kiến dài quá 4000 ký tự."),
        ("Ý kiến cho mục không có.", "9", "Dự thảo không có mục 9."),
        ("Ý kiến cho mục sai.", "abc", "Mục của dự thảo không hợp lệ."),
    ],
)
def test_bad_comments_get_a_clear_message_and_write_nothing(
    consultation, resident, text, section, message
):
    before = _snapshot()
    response = _comment(client_for(resident), consultation, text, section=section)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert _snapshot() == before


def test_a_comment_that_failed_keeps_its_text_under_its_section(consultation, resident, settings):
    settings.CONSULTATION_OPINION_MAX_CHARS = 100
    response = _comment(client_for(resident), consultation, "Dài " * 40, section="2")
    part = _part(response.content.decode(), "s2")
    assert "Ý kiến dài quá 100 ký tự." in part
    assert "Dài Dài Dài" in part
    assert Opinion.objects.count() == 0


def test_no_comment_after_closing(consultation, resident):
    before = _snapshot()
    with time_machine.travel(AFTER_CLOSE, tick=False):
        response = _comment(client_for(resident), consultation, "Muộn.", section="3")
        html = response.content.decode()
    assert response.status_code == 422
    assert "Đã hết thời gian góp ý (đến hết ngày 11/12/2026)" in _part(html, "s3")
    assert 'name="text"' not in html
    assert _snapshot() == before


def test_anonymous_comment_goes_to_login_and_writes_nothing(consultation):
    before = _snapshot()
    response = _comment(client_for(None), consultation, "Không đăng nhập.")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert _snapshot() == before


def test_nobody_comments_on_a_draft(commune, resident):
    draft = make_consultation(commune, open_it=False)
    response = _comment(client_for(resident), draft, "Góp ý sớm.")
    assert response.status_code == 404 and Opinion.objects.count() == 0


# --- privacy -----------------------------------------------------------------------------


def test_names_are_public_only_when_chosen_and_hidden_opinions_never_show(
    consultation, village, officer
):
    quiet = make_user("nguoi_kin_dao", Role.RESIDENT, village)
    named = make_user("nguoi_cong_khai", Role.RESIDENT, village)
    private = make_user("nguoi_gui_rieng", Role.RESIDENT, village)
    _comment(client_for(quiet), consultation, "Ý kiến không kèm tên.", section="1")
    _comment(client_for(named), consultation, "Ý kiến có tên.", section="1", show_name="on")
    client_for(private).post(
        _url(consultation, "comment/"),
        {"text": "Ý kiến gửi riêng.", "section": "1", "show_name": "on"},
    )
    client_for(officer).post(
        _url(consultation, "opinions/"),
        {"channel": "box", "section": "1", "author_name": "Bà Tư Hòm Thư", "text": "Qua hòm thư."},
    )
    rude = services.submit_opinion(
        is_public=True, user=quiet, consultation=consultation, text="Lời lẽ xúc phạm."
    )
    client_for(officer).post(
        _url(consultation, f"opinions/{rude.pk}/moderate/"),
        {"hidden": "on", "note": "Xúc phạm người khác"},
    )

    for viewer in (None, make_user("nguoi_doc", Role.RESIDENT, village), officer):
        html = client_for(viewer).get(_url(consultation)).content.decode()
        assert "Ý kiến không kèm tên." in html and "Qua hòm thư." in html
        assert "Nguoi Kin Dao" not in html
        assert "Nguoi Cong Khai" in _part(html, "s1")
        assert "Nguoi Gui Rieng" not in html and "Ý kiến gửi riêng." not in html
        assert "Bà Tư Hòm Thư" not in html
        assert "Lời lẽ xúc phạm." not in html
    assert Opinion.objects.get(text="Ý kiến gửi riêng.").show_name is False
    board = client_for(officer).get(_url(consultation, "synthesis/")).content.decode()
    assert "Lời lẽ xúc phạm." in board and "Bà Tư Hòm Thư" in board


def test_a_shortened_opinion_shows_the_short_text_publicly(consultation, resident, officer):
    opinion = services.submit_opinion(
        is_public=True,
        user=resident,
        consultation=consultation,
        text="Gọi tôi theo số 0912345678 nhé.",
    )
    response = client_for(officer).post(
        _url(consultation, f"opinions/{opinion.pk}/moderate/"),
        {"text": "Gọi tôi theo số […] nhé.", "note": "Che số điện thoại"},
    )
    assert response.status_code == 302
    html = client_for(None).get(_url(consultation)).content.decode()
    assert "Gọi tôi theo số […] nhé." in html and "0912345678" not in html
    assert "đã rút gọn khi kiểm duyệt" in html
    board = client_for(officer).get(_url(consultation, "synthesis/")).content.decode()
    assert "0912345678" in board


def test_moderation_needs_a_note(consultation, resident, officer):
    opinion = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến."
    )
    before = _snapshot()
    response = client_for(officer).post(
        _url(consultation, f"opinions/{opinion.pk}/moderate/"), {"hidden": "on", "note": ""}
    )
    assert response.status_code == 422
    assert "Hãy ghi lý do kiểm duyệt." in response.content.decode()
    opinion.refresh_from_db()
    assert not opinion.hidden and _snapshot() == before


# --- synthesis ---------------------------------------------------------------------------


def test_the_board_lists_unanswered_opinions_first_and_groups_them(consultation, resident, officer):
    a = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến A."
    )
    b = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến B."
    )
    c = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến C."
    )
    client = client_for(officer)

    response = client.post(
        _url(consultation, "groups/"), {"opinions": [a.pk, b.pk], "title": "Chợ"}
    )
    assert response.status_code == 302
    group = OpinionGroup.objects.get()
    assert set(group.opinions.values_list("pk", flat=True)) == {a.pk, b.pk}
    response = client.post(_url(consultation, "groups/"), {"opinions": [c.pk], "group": group.pk})
    assert response.status_code == 302 and group.opinions.count() == 3

    d = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến D."
    )
    html = client.get(_url(consultation, "synthesis/")).content.decode()
    assert html.index("Ý kiến D.") < html.index("Ý kiến A.")
    assert f'value="{d.pk}"' in html and 'form="group-form"' in html


def test_grouping_without_a_title_or_opinions_is_422(consultation, resident, officer):
    a = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến A."
    )
    client = client_for(officer)
    before = _snapshot()
    response = client.post(_url(consultation, "groups/"), {"opinions": [a.pk], "title": " "})
    assert response.status_code == 422
    assert "Hãy tóm tắt nội dung nhóm mới" in response.content.decode()
    response = client.post(_url(consultation, "groups/"), {"title": "Nhóm"})
    assert response.status_code == 422
    assert "Chọn ít nhất một ý kiến." in response.content.decode()
    assert _snapshot() == before


def test_not_accepted_needs_a_reason(consultation, resident, officer):
    opinion = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến."
    )
    group = services.create_group(
        actor=SYSTEM, consultation=consultation, title="Nhóm", opinion_ids=[opinion.pk]
    )
    before = _snapshot()
    response = client_for(officer).post(
        _url(consultation, f"groups/{group.pk}/answer/"), {"answer": "not_accepted"}
    )
    assert response.status_code == 422
    assert "Ý kiến không tiếp thu phải được giải trình lý do." in response.content.decode()
    assert _snapshot() == before


def test_publishing_is_refused_while_an_opinion_is_unanswered(consultation, resident, officer):
    answered = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Một."
    )
    _answered(consultation, [answered])
    services.submit_opinion(is_public=True, user=resident, consultation=consultation, text="Hai.")
    before = _snapshot()
    with time_machine.travel(AFTER_CLOSE, tick=False):
        response = client_for(officer).post(_url(consultation, "publish/"), {})
    assert response.status_code == 422
    assert "Còn 1 ý kiến chưa được trả lời" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN and _snapshot() == before


def test_entering_after_closing_or_through_the_portal_channel_is_422(consultation, officer):
    before = _snapshot()
    response = client_for(officer).post(
        _url(consultation, "opinions/"), {"channel": "portal", "text": "Ý kiến."}
    )
    assert response.status_code == 422
    assert "Kênh tiếp nhận ý kiến không hợp lệ." in response.content.decode()
    with time_machine.travel(AFTER_CLOSE, tick=False):
        response = client_for(officer).post(
            _url(consultation, "opinions/"), {"channel": "box", "text": "Phiếu đến muộn."}
        )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Đã hết thời gian góp ý (đến hết ngày 11/12/2026)" in _part(html, "enter")
    assert "Phiếu đến muộn." in _part(html, "enter")
    assert _snapshot() == before


def test_nothing_changes_after_publication(consultation, resident, officer):
    opinion = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Ý kiến."
    )
    group = _answered(consultation, [opinion])
    with time_machine.travel(AFTER_CLOSE, tick=False):
        services.publish_synthesis(actor=SYSTEM, consultation=consultation)
        before = _snapshot()
        response = client_for(officer).post(
            _url(consultation, f"groups/{group.pk}/answer/"),
            {"answer": "not_accepted", "reason": "Đổi ý."},
        )
    assert response.status_code == 422
    assert "Tổng hợp đã công bố; không sửa được." in _part(
        response.content.decode(), f"g{group.pk}"
    )
    group.refresh_from_db()
    assert group.answer == "accepted" and _snapshot() == before


def test_the_published_synthesis_and_how_my_opinion_was_answered(
    consultation, resident, officer, village
):
    neighbour = make_user("hang_xom", Role.RESIDENT, village)
    mine = services.submit_opinion(
        is_public=True,
        user=resident,
        consultation=consultation,
        text="Niêm yết cả ở chợ.",
        section_number=3,
    )
    theirs = services.submit_opinion(
        is_public=True, user=neighbour, consultation=consultation, text="Bỏ Điều 2.", show_name=True
    )
    before = client_for(resident).get(_url(consultation)).content.decode()
    assert "Ý kiến của bạn và câu trả lời" in before and "Chờ trả lời" in before
    assert "Bỏ Điều 2." not in _part(before, "mine")

    client = client_for(officer)
    client.post(_url(consultation, "groups/"), {"opinions": [mine.pk], "title": "Thêm nơi"})
    client.post(_url(consultation, "groups/"), {"opinions": [theirs.pk], "title": "Bỏ Điều 2"})
    first, second = OpinionGroup.objects.order_by("pk")
    client.post(
        _url(consultation, f"groups/{first.pk}/answer/"),
        {"answer": "accepted", "reason": "Bổ sung chợ Ứng Hòa vào Điều 3."},
    )
    client.post(
        _url(consultation, f"groups/{second.pk}/answer/"),
        {"answer": "not_accepted", "reason": "Điều 2 do Luật quy định, không bỏ được."},
    )
    with time_machine.travel(AFTER_CLOSE, tick=False):
        # A fresh sign-in: the earlier session has expired by now.
        response = client_for(officer).post(_url(consultation, "publish/"), {})
        assert response.status_code == 302
        html = client_for(resident).get(_url(consultation)).content.decode()

    synthesis = _part(html, "synthesis")
    assert "Công bố ngày 12/12/2026" in synthesis
    assert synthesis.index("Ý kiến được tiếp thu") < synthesis.index("Thêm nơi")
    assert synthesis.index("Ý kiến không tiếp thu và lý do") < synthesis.index("Bỏ Điều 2")
    assert "Điều 2 do Luật quy định, không bỏ được." in synthesis
    assert "Hang Xom" in synthesis and "Cu Dan" not in synthesis
    mine_html = _part(html, "mine")
    assert "Niêm yết cả ở chợ." in mine_html and "Tiếp thu" in mine_html
    assert "Bổ sung chợ Ứng Hòa vào Điều 3." in mine_html
    assert f"/u/{consultation.unit.code}/consultations/{consultation.pk}/synthesis.pdf" in html


@pytest.mark.parametrize("opinions", [3, 30])
def test_the_draft_page_and_the_board_read_a_fixed_number_of_queries(
    consultation, resident, officer, opinions, django_assert_num_queries
):
    ids = [
        services.submit_opinion(
            is_public=True,
            user=resident,
            consultation=consultation,
            text=f"Ý kiến {n}",
            section_number=n % 3 + 1,
        ).pk
        for n in range(opinions)
    ]
    group = services.create_group(
        actor=SYSTEM, consultation=consultation, title="Nhóm", opinion_ids=ids[:2]
    )
    resident_client, officer_client = client_for(resident), client_for(officer)
    officer_client.get(_url(consultation, "synthesis/"))  # the first request settles the session
    # The newest public opinions of each section and their counts, and the documents: the same
    # whatever the number.
    with django_assert_num_queries(10):
        response = resident_client.get(_url(consultation))
    assert response.content.decode().count('class="meta"') == opinions
    # The opinion list is paged; groups show a count and their first opinions (window query).
    with django_assert_num_queries(17):
        response = officer_client.get(_url(consultation, "synthesis/"))
    assert f'id="g{group.pk}"' in response.content.decode()


def test_the_author_of_a_hidden_opinion_reads_the_reason(consultation, resident, officer):
    opinion = services.submit_opinion(
        is_public=True, user=resident, consultation=consultation, text="Gọi ông Tư số 0912345678."
    )
    services.moderate_opinion(
        actor=SYSTEM, opinion=opinion, hidden=True, note="Có số điện thoại của người khác"
    )
    mine = _part(client_for(resident).get(_url(consultation)).content.decode(), "mine")
    assert "Lý do:" in mine and "Có số điện thoại của người khác" in mine
    assert (
        "Có số điện thoại của người khác"
        not in client_for(None).get(_url(consultation)).content.decode()
    )
