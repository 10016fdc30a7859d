"""The printed synthesis of a consultation (Law 10/2022 Art 27–29): an A4 PDF that says what
was consulted on, how many opinions came through each channel, and how each group of
opinions was answered — and names nobody who did not choose to be named."""

import datetime as dt
import io
import unicodedata

import pytest
import time_machine
from pypdf import PdfReader

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.consultations import services
from danchu.consultations.printing import opinions_by_channel, synthesis_pdf
from tests.conftest import client_for, make_user
from tests.consultations.conftest import make_consultation

AFTER_CLOSE = dt.datetime(2026, 12, 12, 9, tzinfo=dt.UTC)
A4_POINTS = (595, 842)


def _text(pdf: bytes) -> str:
    """All pages' text, NFC-normalised, whitespace collapsed."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(page.extract_text() for page in pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture
def published(commune, village):
    """A consultation with opinions from three channels, two groups, one hidden opinion."""
    consultation = make_consultation(commune)
    quiet = make_user("nguoi_kin_dao", Role.RESIDENT, village)
    named = make_user("nguoi_cong_khai", Role.RESIDENT, village)
    market = [
        services.submit_opinion(
            is_public=True,
            user=quiet,
            consultation=consultation,
            text="Đề nghị niêm yết thêm tại chợ Ứng Hòa.",
            section_number=3,
        ),
        services.submit_opinion(
            is_public=True,
            user=named,
            consultation=consultation,
            text="Nên đọc trên loa truyền thanh mỗi sáng.",
            section_number=3,
            show_name=True,
        ),
        services.enter_opinion(
            actor=SYSTEM,
            consultation=consultation,
            channel="meeting",
            text="Thôn Đông Lỗ đề nghị dán ở nhà văn hóa.",
            author_name="Ông Trịnh Văn Họp",
        ),
    ]
    keep = [
        services.submit_opinion(
            is_public=True,
            user=quiet,
            consultation=consultation,
            text="Bỏ Điều 2 vì không cần thiết.",
            show_name=True,
        ),
        services.submit_opinion(
            user=named, consultation=consultation, text="Ý kiến gửi riêng.", is_public=False
        ),
    ]
    rude = services.submit_opinion(
        is_public=True, user=quiet, consultation=consultation, text="Lời lẽ thô tục."
    )
    services.moderate_opinion(actor=SYSTEM, opinion=rude, hidden=True, note="Xúc phạm")
    for title, opinions, answer, reason in [
        ("Niêm yết, thông báo ở nhiều nơi hơn", market, "accepted", "Bổ sung vào Điều 3."),
        (
            "Bỏ Điều 2",
            keep,
            "not_accepted",
            "Đối tượng áp dụng do Luật quy định, xã không được bỏ.",
        ),
    ]:
        group = services.create_group(
            actor=SYSTEM,
            consultation=consultation,
            title=title,
            opinion_ids=[o.pk for o in opinions],
        )
        services.answer_group(actor=SYSTEM, group=group, answer=answer, reason=reason)
    with time_machine.travel(AFTER_CLOSE, tick=False):
        return services.publish_synthesis(
            actor=SYSTEM, consultation=consultation, reported_to="HĐND xã Ứng Hòa"
        )


def test_pdf_carries_the_title_period_and_unit_with_diacritics(published):
    text = _text(synthesis_pdf(published))

    assert "ỦY BAN NHÂN DÂN" in text and "XÃ ỨNG HÒA" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Ứng Hòa, ngày 12 tháng 12 năm 2026" in text
    assert "BÁO CÁO TỔNG HỢP Ý KIẾN" in text
    assert "Dự thảo Quy chế thực hiện dân chủ ở xã Ứng Hòa" in text
    assert "khoản 7 Điều 25" in text
    assert "từ ngày 27/11/2026 đến hết ngày 11/12/2026" in text
    assert "Công bố ngày 12/12/2026" in text and "Đã báo cáo: HĐND xã Ứng Hòa" in text


def test_pdf_counts_opinions_by_channel(published):
    text = _text(synthesis_pdf(published))

    assert opinions_by_channel(published) == [
        ("Cuộc họp cộng đồng dân cư", 1),
        ("Trang thông tin điện tử (danchu)", 4),
    ]
    assert "Số ý kiến nhận được: 5 ý kiến" in text
    assert "Cuộc họp cộng đồng dân cư 1" in text
    assert "Trang thông tin điện tử (danchu) 4" in text
    assert "Tổng cộng 5" in text
    assert "có 1 ý kiến đã ẩn khi kiểm duyệt, không đưa vào tổng hợp" in text


def test_pdf_lists_each_group_with_its_answer(published):
    text = _text(synthesis_pdf(published))

    accepted = text.index("II. Ý KIẾN ĐƯỢC TIẾP THU")
    not_accepted = text.index("III. Ý KIẾN KHÔNG TIẾP THU VÀ LÝ DO")
    assert accepted < text.index("1. Niêm yết, thông báo ở nhiều nơi hơn (3 ý kiến)")
    assert text.index("Tiếp thu: Bổ sung vào Điều 3.") < not_accepted
    assert not_accepted < text.index("1. Bỏ Điều 2 (2 ý kiến)")
    assert "Không tiếp thu, lý do: Đối tượng áp dụng do Luật quy định, xã không được bỏ." in text
    assert "Đề nghị niêm yết thêm tại chợ Ứng Hòa." in text
    assert "Thôn Đông Lỗ đề nghị dán ở nhà văn hóa." in text


def test_pdf_names_only_who_chose_and_quotes_only_public_opinions(published):
    text = _text(synthesis_pdf(published))

    assert "Nguoi Cong Khai" in text  # public, name chosen
    assert "Nguoi Kin Dao" in text  # named on "Bỏ Điều 2" only
    assert text.count("Nguoi Kin Dao") == 1
    assert "Ông Trịnh Văn Họp" not in text  # entered on paper: never named
    assert "Ý kiến gửi riêng." not in text
    assert "1 ý kiến người góp ý đề nghị không công khai nội dung" in text
    assert "Lời lẽ thô tục." not in text


def test_pdf_is_a4(published):
    reader = PdfReader(io.BytesIO(synthesis_pdf(published)))
    for page in reader.pages:
        assert (round(page.mediabox.width), round(page.mediabox.height)) == A4_POINTS


def test_pdf_is_served_once_published(published, commune):
    url = f"/u/{commune.code}/consultations/{published.pk}/synthesis.pdf"

    response = client_for(None).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "BÁO CÁO TỔNG HỢP Ý KIẾN" in _text(response.content)


@pytest.mark.parametrize("persona", ["anonymous", "officer"])
def test_no_pdf_before_publication(personas, persona, commune):
    consultation = make_consultation(commune)
    url = f"/u/{commune.code}/consultations/{consultation.pk}/synthesis.pdf"
    assert client_for(personas[persona]).get(url).status_code == 404
