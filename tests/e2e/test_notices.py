"""A commune officer publicizes a notice; a resident finds it from the village page."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from danchu.disclosures.models import Art11Item, Attachment, Notice, Posting
from tests.e2e.test_import_households import sign_in

TITLE = "Phương án bồi thường giải phóng mặt bằng đường trục xã"
BODY = (
    "Ủy ban nhân dân xã công khai phương án bồi thường, hỗ trợ khi Nhà nước thu hồi đất "
    "để mở rộng đường trục xã đoạn qua thôn Đông Lỗ.\n\n"
    "Người dân có ý kiến gửi về bộ phận một cửa trước ngày 15/12."
)
PLACE = "Nhà văn hóa thôn Đông Lỗ"
PDF_NAME = "Phương án bồi thường.pdf"


@pytest.fixture
def art11_items(transactional_db) -> None:
    """The Art 11 list is loaded by a data migration, and a browser test's database is
    emptied after each test; load it again, as the migration does."""
    migration = importlib.import_module("danchu.disclosures.migrations.0002_art11_items")
    migration.load(apps, None)


@pytest.fixture
def pdf_file(tmp_path):
    """A small real PDF, as a scanned decision would be."""
    from weasyprint import HTML

    path = tmp_path / PDF_NAME
    HTML(string=f"<h1>{TITLE}</h1><p>Quyết định số 125/QĐ-UBND</p>").write_pdf(path)
    assert path.read_bytes().startswith(b"%PDF-")
    return path


def success_message(page: Page):
    return page.locator(".messages li.success")


def test_officer_publishes_and_a_resident_finds_it_without_diacritics(
    page, open_page, officer, commune, village, art11_items, pdf_file, tmp_path
):
    item = Art11Item.objects.get(number=3)
    today = timezone.localdate()

    # Given a commune officer signed in with a second factor, on the new-notice form
    create_url = f"/u/{commune.code}/notices/create/"
    sign_in(page, officer, create_url)

    # When they write a notice under Art 11 item 3 and save it
    page.get_by_label(re.compile(r"^Nội dung công khai \(Điều 11\)")).select_option(str(item.pk))
    page.get_by_label(re.compile(r"^Tiêu đề")).fill(TITLE)
    page.get_by_label(re.compile(r"^Nội dung:?$")).fill(BODY)
    page.get_by_role("button", name="Lưu bản nháp").click()

    # Then it is a draft, shown only to managers
    expect(page).to_have_url(re.compile(rf"/u/{commune.code}/notices/\d+/$"))
    expect(success_message(page)).to_have_text("Đã lưu bản nháp. Thông báo chưa công khai.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Bản nháp — chưa công khai")).to_be_visible()
    notice = Notice.objects.get()
    assert notice.unit == commune and notice.item == item and notice.status == "draft"

    # When they attach the signed decision as a PDF
    page.get_by_label("Tệp đính kèm (PDF, JPG, PNG)").set_input_files(pdf_file)
    page.get_by_role("button", name="Đính kèm", exact=True).click()

    # Then it is listed with the notice
    expect(success_message(page)).to_have_text(f"Đã đính kèm {PDF_NAME}.")
    expect(page.get_by_role("link", name=PDF_NAME)).to_be_visible()
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.size == pdf_file.stat().st_size

    # When they publish it
    page.get_by_role("button", name="Công khai", exact=True).click()

    # Then it is public and the posting form appears
    expect(success_message(page)).to_have_text("Đã công khai thông báo.")
    expect(page.get_by_text("Bản nháp — chưa công khai")).to_have_count(0)
    postings = page.locator("#postings")
    expect(postings.locator("tbody")).to_have_text("Chưa ghi nhận niêm yết.")

    # When they record that it was put up at the village cultural house today
    postings.get_by_label(re.compile(r"^Nơi niêm yết")).fill(PLACE)
    postings.get_by_label(re.compile(r"^Ngày niêm yết:?$")).fill(today.isoformat())
    postings.get_by_role("button", name="Ghi nhận niêm yết").click()

    # Then the page shows the posting, still up
    expect(success_message(page)).to_have_text(f"Đã ghi nhận niêm yết tại {PLACE}.")
    row = page.locator("#postings tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_have_text(PLACE)
    expect(row.locator("td").nth(1)).to_have_text(today.strftime("%d/%m/%Y"))
    expect(row.locator("td").nth(2)).to_have_text("đang niêm yết")
    posting = Posting.objects.get()
    assert (posting.notice, posting.place.name, posting.started_on) == (notice, PLACE, today)
    page.screenshot(path=tmp_path / "notice-officer-phone.png", full_page=True)

    # Given a resident, not signed in, on a phone, on their village's page
    resident = open_page()
    resident.goto(f"/u/{village.code}/")
    notices = resident.locator("#notices")

    # When they search for the notice typed without diacritics
    notices.get_by_label("Tìm thông báo (gõ có dấu hoặc không dấu)").fill("giai phong mat bang")
    notices.get_by_role("button", name="Tìm", exact=True).click()

    # Then the commune's notice is listed, and opens
    expect(resident).to_have_url(re.compile(r"\?q=giai\+phong\+mat\+bang"))
    expect(notices.locator("ul.notices li")).to_have_count(1)
    resident.get_by_role("link", name=TITLE).click()
    expect(resident).to_have_url(re.compile(rf"/u/{commune.code}/notices/{notice.pk}/$"))
    expect(resident.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(resident.locator("#postings")).to_have_count(0)  # managers only
    resident.screenshot(path=tmp_path / "notice-resident-phone.png", full_page=True)

    # And the attached PDF opens in the browser when they tap it
    link = resident.get_by_role("link", name=PDF_NAME)
    href = link.get_attribute("href")
    with resident.expect_response(lambda r: r.url.endswith(href)) as opened:
        link.click()
    response = opened.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    assert resident.url.endswith(href)
    assert resident.request.get(href).body() == pdf_file.read_bytes()
