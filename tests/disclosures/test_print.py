"""The printed (A4 PDF) and spoken (loudspeaker) forms of a notice, Law 10/2022 Art 12(1)."""

import datetime as dt
import io
import re
import unicodedata

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from danchu.accounts.permissions import SYSTEM
from danchu.disclosures import services
from danchu.disclosures.printing import (
    ABBREVIATIONS,
    loudspeaker_text,
    notice_pdf,
    official_date,
    offline_url_fetcher,
    period_label,
    speakable,
)
from tests.conftest import client_for
from tests.disclosures.conftest import TODAY, make_notice

MM_PER_INCH = 25.4
RENDER_DPI = 200


def _text(pdf: bytes) -> str:
    """All pages' text, NFC-normalised, whitespace collapsed."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(page.extract_text() for page in pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _qr_codes(pdf: bytes) -> list:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=RENDER_DPI / 72).to_pil()
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def _width_mm(barcode) -> float:
    position = barcode.position
    return (position.top_right.x - position.top_left.x) / RENDER_DPI * MM_PER_INCH


@pytest.fixture
def notice(commune, item):
    return make_notice(commune, item)


@pytest.fixture
def draft(commune, item):
    return make_notice(commune, item, publish=False)


# --- PDF ----------------------------------------------------------------------------------


def test_pdf_carries_the_motto_header_title_and_unit_with_diacritics(notice):
    text = _text(notice_pdf(notice))

    assert "ỦY BAN NHÂN DÂN" in text
    assert "XÃ ỨNG HÒA" in text
    assert "Số: 125/QĐ-UBND" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Ứng Hòa, ngày 27 tháng 11 năm 2026" in text
    assert "THÔNG BÁO" in text
    assert "Phương án bồi thường đường liên thôn" in text
    assert "hỗ trợ giải phóng mặt bằng" in text
    assert "khoản 3 Điều 11" in text
    assert "Nguyễn Văn Hùng" in text


def test_pdf_is_a4(notice):
    reader = PdfReader(io.BytesIO(notice_pdf(notice)))

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) <= 1
    assert abs(float(box.height) - 842) <= 1


def test_qr_code_points_to_the_public_page_and_is_at_least_3_cm(notice, settings):
    codes = _qr_codes(notice_pdf(notice))

    url = settings.SITE_URL + notice.get_absolute_url()
    assert [c.text for c in codes] == [url]
    assert _width_mm(codes[0]) >= 30
    assert url in _text(notice_pdf(notice))


def test_qr_code_uses_the_request_host_when_given(notice, rf):
    request = rf.get("/", secure=True)

    codes = _qr_codes(notice_pdf(notice, request=request))

    assert [c.text for c in codes] == [f"https://testserver{notice.get_absolute_url()}"]


def test_draft_label_only_on_drafts(notice, draft):
    draft_text = _text(notice_pdf(draft))

    assert "BẢN NHÁP" in draft_text
    assert "BẢN NHÁP" not in _text(notice_pdf(notice))
    assert "ngày tháng năm 2026" in draft_text  # the date is left to be written by hand


def test_draft_qr_code_still_reads_under_the_watermark(draft, settings):
    codes = _qr_codes(notice_pdf(draft))

    assert [c.text for c in codes] == [settings.SITE_URL + draft.get_absolute_url()]


def test_posting_note_gives_the_first_posting_day_and_minimum_period(notice, settings):
    settings.DISCLOSURE_POSTING_MIN_DAYS = 45
    services.record_posting(
        actor=SYSTEM, notice=notice, place_name="Trụ sở xã", started_on=TODAY - dt.timedelta(1)
    )

    text = _text(notice_pdf(notice))

    assert "niêm yết công khai từ ngày 26/11/2026, ít nhất 45 ngày" in text
    assert "(không gỡ trước ngày 10/01/2027)" in text


def test_posting_note_is_left_blank_before_any_posting(notice):
    text = _text(notice_pdf(notice))

    assert "Niêm yết từ ngày ....../....../.........., ít nhất 30 ngày." in text


def test_village_notice_names_the_commune_above(village, item):
    notice = make_notice(village, item)

    text = _text(notice_pdf(notice))

    assert "UBND XÃ ỨNG HÒA" in text
    assert "THÔN ĐÔNG LỖ" in text
    assert "Ứng Hòa, ngày 27 tháng 11 năm 2026" in text


def test_markup_in_the_body_is_printed_as_text_not_fetched(commune, item):
    notice = services.create_notice(
        actor=SYSTEM,
        unit=commune,
        item=item,
        title="Thông báo có thẻ",
        body='Xem <img src="http://example.invalid/x.png"> tại trụ sở.',
    )

    text = _text(notice_pdf(notice))

    assert '<img src="http://example.invalid/x.png">' in text


@pytest.mark.parametrize("url", ["http://example.invalid/a.png", "file:///etc/passwd"])
def test_url_fetcher_refuses_everything_but_data_urls(url):
    with pytest.raises(ValueError):
        offline_url_fetcher()(url)


@pytest.mark.parametrize(
    "day,expected",
    [
        (dt.date(2026, 11, 27), ("27", "11", "2026")),
        (dt.date(2026, 2, 5), ("05", "02", "2026")),
        (dt.date(2026, 3, 9), ("09", "3", "2026")),
    ],
)
def test_official_date_pads_days_under_10_and_months_1_and_2(day, expected):
    assert official_date(day) == expected


# --- loudspeaker --------------------------------------------------------------------------


def test_loudspeaker_text_opens_names_the_unit_and_closes(notice):
    text = loudspeaker_text(notice)
    flat = " ".join(text.split())

    assert text.startswith("Kính thưa bà con nhân dân xã Ứng Hòa!\n")
    assert "Ủy ban nhân dân xã Ứng Hòa xin thông báo: Phương án bồi thường đường liên thôn." in flat
    assert "Căn cứ Quyết định số 125 của Ủy ban nhân dân." in flat
    assert "Người chịu trách nhiệm: Nguyễn Văn Hùng." in flat
    assert (
        "niêm yết công khai từ ngày 27 tháng 11 năm 2026, trong thời gian ít nhất 30 ngày" in flat
    )
    assert flat.endswith(
        "Trên đây là thông báo của Ủy ban nhân dân xã Ứng Hòa, đề nghị bà con nhân dân được "
        "biết, theo dõi và thực hiện. Xin cảm ơn bà con đã chú ý lắng nghe!"
    )


def _body_notice(commune, item, body):
    return services.create_notice(
        actor=SYSTEM, unit=commune, item=item, title="Họp dân", body=body, signed_on=TODAY
    )


def test_loudspeaker_text_expands_abbreviations_and_writes_dates_in_words(commune, item):
    notice = _body_notice(
        commune,
        item,
        "Thực hiện QĐ số 125/QĐ-UBND ngày 20/11/2026 của UBND xã, Ban Thường trực UBMTTQ "
        "và MTTQ các thôn phối hợp với HĐND xã tổ chức họp dân vào ngày 5/12, lúc 8h30.",
    )

    flat = " ".join(loudspeaker_text(notice).split())

    assert not re.search(r"(?<!\w)(" + "|".join(ABBREVIATIONS) + r")(?!\w)", flat)
    assert (
        "Thực hiện Quyết định số 125 ngày 20 tháng 11 năm 2026 của Ủy ban nhân dân xã, "
        "Ban Thường trực Ủy ban Mặt trận Tổ quốc và Mặt trận Tổ quốc các thôn phối hợp với "
        "Hội đồng nhân dân xã tổ chức họp dân vào ngày 5 tháng 12, lúc 8 giờ 30 phút." in flat
    )
    assert "ký ngày 27 tháng 11 năm 2026" in flat
    assert not re.search(r"\d/\d", flat)


def test_loudspeaker_lines_are_short_and_carry_no_markup(commune, item):
    notice = _body_notice(
        commune,
        item,
        "<p>Danh sách <b>hộ nghèo</b> &amp; cận nghèo năm 2027:</p>\n"
        "- Hộ ông Nguyễn Văn An, thôn Đông Lỗ, được hỗ trợ 1.500.000đ mỗi tháng trong 12 tháng "
        "kể từ ngày 01/01/2027.\n"
        "- Hộ bà Lê Thị Bình, thôn Hòa Xá.\n\n" + "Bà con có ý kiến xin gửi về trụ sở. " * 8,
    )

    text = loudspeaker_text(notice)
    lines = text.splitlines()

    assert max(len(line) for line in lines) <= 72
    assert max(len(line) for line in lines) >= 60  # wrapped near 70, not in short shreds
    assert not re.search(r"<[^>]*>|&\w+;", text)
    assert "Danh sách hộ nghèo & cận nghèo năm 2027:" in text
    assert "1.500.000 đồng" in " ".join(text.split())
    assert "ngày 1 tháng 1 năm 2027" in " ".join(text.split())
    assert not any(line.startswith(("- ", "* ")) for line in lines)


def test_village_loudspeaker_text_speaks_for_the_village(village, item):
    notice = make_notice(village, item)

    text = loudspeaker_text(notice)

    assert text.startswith("Kính thưa bà con nhân dân thôn Đông Lỗ!")
    assert "Trên đây là thông báo của thôn Đông Lỗ," in " ".join(text.split())


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Quyết định số 12/2026/QĐ-UBND", "Quyết định số 12 năm 2026 của Ủy ban nhân dân"),
        ("theo 45/NQ-HĐND", "theo Nghị quyết số 45 của Hội đồng nhân dân"),
        ("diện tích 2,5 ha, giảm 15%", "diện tích 2,5 héc-ta, giảm 15 phần trăm"),
        ("họp lúc 14h tháng 11/2026", "họp lúc 14 giờ tháng 11 năm 2026"),
        ("ngày 31/02/2026", "ngày 31/02/2026"),  # not a date: left for the reader as written
        ("Ngày 01/12/2026 họp", "Ngày 1 tháng 12 năm 2026 họp"),
        ("gõ &lt;b&gt;đậm&lt;/b&gt; &amp; nghiêng", "gõ đậm & nghiêng"),
    ],
)
def test_speakable(text, expected):
    assert speakable(text) == expected


@pytest.mark.parametrize(
    "period,expected",
    [
        ("2026", "năm 2026"),
        ("2026-Q3", "quý III năm 2026"),
        ("2026-H1", "6 tháng đầu năm 2026"),
        ("2026-H2", "6 tháng cuối năm 2026"),
        ("", ""),
    ],
)
def test_period_label(period, expected):
    assert period_label(period) == expected


# --- views --------------------------------------------------------------------------------


def test_anonymous_gets_the_pdf_of_a_published_notice(notice):
    response = client_for(None).get(f"/u/{notice.unit.code}/notices/{notice.pk}/print.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="thong-bao-{notice.pk}.pdf"'
    assert [c.text for c in _qr_codes(response.content)] == [
        f"http://testserver{notice.get_absolute_url()}"
    ]


def test_draft_pdf_is_404_for_anonymous_and_labelled_for_officers(draft, officer):
    url = f"/u/{draft.unit.code}/notices/{draft.pk}/print.pdf"

    assert client_for(None).get(url).status_code == 404
    response = client_for(officer).get(url)
    assert response.status_code == 200
    assert "BẢN NHÁP" in _text(response.content)


def test_loudspeaker_view_serves_plain_text_and_hides_drafts(notice, draft):
    client = client_for(None)

    response = client.get(f"/u/{notice.unit.code}/notices/{notice.pk}/loudspeaker.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == loudspeaker_text(notice)
    draft_url = f"/u/{draft.unit.code}/notices/{draft.pk}/loudspeaker.txt"
    assert client.get(draft_url).status_code == 404


def test_the_loudspeaker_script_reads_on_a_phone_and_downloads_as_text(notice):
    from tests.conftest import client_for

    client = client_for(None)
    detail = client.get(notice.get_absolute_url()).content.decode()
    page_url = f"/u/{notice.unit.code}/notices/{notice.pk}/loudspeaker/"
    assert page_url in detail
    page = client.get(page_url)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    script = loudspeaker_text(notice)
    first_line = script.strip().splitlines()[0]
    assert first_line in page.content.decode()
    text = client.get(f"/u/{notice.unit.code}/notices/{notice.pk}/loudspeaker.txt")
    assert text["Content-Type"].startswith("text/plain") and text.content.decode() == script
