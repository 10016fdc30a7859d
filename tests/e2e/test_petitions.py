"""A resident files feedback with a photo from a phone; an officer answers; the resident rates
the answer with the tracking code and the secret."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from danchu.petitions.models import Petition
from tests.e2e.test_import_households import sign_in_directly

TITLE = "Ổ gà lớn trước nhà văn hóa thôn"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def categories(transactional_db) -> None:
    """Categories come from a data migration; a browser test's database is emptied after
    each test, so load them again as the migration does."""
    migration = importlib.import_module("danchu.petitions.migrations.0002_categories")
    migration.add_categories(apps, None)


def test_resident_files_officer_answers_resident_rates(
    page, open_page, live_server, officer, commune, village, categories, tmp_path
):
    photo = tmp_path / "o-ga.png"
    photo.write_bytes(PNG)

    # Given a resident on a phone, on the village page, not signed in
    page.goto(f"/u/{village.code}/")
    page.get_by_role("link", name="Gửi phản ánh, kiến nghị").first.click()
    expect(page).to_have_url(re.compile(rf"/u/{village.code}/petitions/new/$"))

    # When they describe the pothole, attach a photo and send it
    page.get_by_label("Phản ánh", exact=True).check()
    page.get_by_label("Lĩnh vực").select_option("ha-tang")
    page.get_by_label("Tóm tắt (một dòng)").fill(TITLE)
    page.get_by_role("textbox", name="Nội dung").fill(
        "Ổ gà sâu, trời mưa đọng nước, xe máy dễ ngã."
    )
    page.get_by_label("Địa điểm cụ thể").fill("Trước nhà văn hóa thôn Đông Lỗ")
    page.get_by_label("Ảnh, tài liệu (không bắt buộc)").set_input_files(photo)
    page.get_by_label("Số điện thoại nhận tin").fill("0912345678")
    page.get_by_role("button", name="Gửi", exact=True).click()

    # Then they get a tracking code and a secret, shown once
    expect(page.get_by_role("heading", name="Đã gửi thành công")).to_be_visible()
    code = page.locator("#tracking-code").inner_text().strip()
    secret = page.locator("#tracking-secret").inner_text().strip()
    assert re.fullmatch(r"PAKN-\d{8}-\d{4}", code)
    petition = Petition.objects.get(code=code)
    assert petition.files.get().content_type == "image/png"

    # When a commune officer opens the inbox and accepts and answers it
    officer_page = open_page()
    sign_in_directly(officer_page, officer, live_server.url)
    officer_page.goto(f"/u/{commune.code}/petitions/inbox/")
    officer_page.get_by_role("link", name=code).click()
    officer_page.get_by_role("button", name="Thụ lý", exact=True).click()
    expect(officer_page.locator(".messages li.success")).to_have_text("Đã thụ lý.")
    officer_page.locator("textarea[name=text]").fill("Tổ đường giao thông đã vá ổ gà sáng nay.")
    officer_page.get_by_label("Công khai câu trả lời").check()
    officer_page.get_by_role("button", name="Gửi trả lời").click()
    expect(officer_page.locator(".messages li.success")).to_contain_text("Đã trả lời")

    # Then the resident, on another day and browser, looks it up by the tracking code
    later = open_page()
    later.goto("/p/")
    later.get_by_label("Mã theo dõi").fill(code)
    later.get_by_role("button", name="Tra cứu").click()
    expect(later.locator("#petition-status")).to_have_text("Đã trả lời, giải quyết")
    expect(later.locator("#answer")).to_contain_text("đã vá ổ gà sáng nay")
    # proves the secret and rates the answer
    later.get_by_label(re.compile("^Bạn là người gửi")).fill(secret)
    later.get_by_role("button", name="Xác nhận").click()
    later.get_by_label("4 — Hài lòng").check()
    later.get_by_label("Đã khắc phục").check()
    later.get_by_role("button", name="Gửi đánh giá").click()
    expect(later.locator(".messages li.success")).to_have_text("Cảm ơn bạn đã đánh giá.")
    petition.refresh_from_db()
    assert (petition.rating, petition.fixed, petition.status) == (4, True, "answered")
    # and the public page never shows the phone number
    assert "0912345678" not in later.content()
