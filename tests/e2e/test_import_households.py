"""A commune officer signs in with a second factor and imports a village's household roll."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.people.models import Household, Person
from danchu.people.services import import_households
from tests.conftest import client_for
from tests.e2e.conftest import DESKTOP

PASSWORD = "mat-khau-demo-2026"  # what tests.conftest.make_user gives every persona

GOOD_CSV = (
    "ma_ho,chu_ho,dia_chi,so_dien_thoai,so_thanh_vien\n"
    'H001,Trần Thị Bình,"Xóm 2, Thôn Đông Lỗ",0912 345 678,4\n'
    'H002,Nguyễn Văn An,"Xóm 1, Thôn Đông Lỗ",+84987654321,3\n'
    'H003,Đỗ Văn Đông,"Xóm 3, Thôn Đông Lỗ",,1\n'
    'H004,Lê Đức Anh,"Xóm 1, Thôn Đông Lỗ",0388111222,5\n'
    'H005,Vũ Thị Dung,"Xóm 2, Thôn Đông Lỗ",0355000111,2\n'
    'H006,Phạm Quang Ân,"Xóm 4, Thôn Đông Lỗ",,6\n'
)

# Given name first, in the Vietnamese alphabet: A < Â < B < D < Đ. Code-point order
# would put Ân and Đông after every plain letter instead.
GOOD_ROLL = [
    ["H002", "Nguyễn Văn An", "Xóm 1, Thôn Đông Lỗ", "0987654321", "3"],
    ["H004", "Lê Đức Anh", "Xóm 1, Thôn Đông Lỗ", "0388111222", "5"],
    ["H006", "Phạm Quang Ân", "Xóm 4, Thôn Đông Lỗ", "", "6"],
    ["H001", "Trần Thị Bình", "Xóm 2, Thôn Đông Lỗ", "0912345678", "4"],
    ["H005", "Vũ Thị Dung", "Xóm 2, Thôn Đông Lỗ", "0355000111", "2"],
    ["H003", "Đỗ Văn Đông", "Xóm 3, Thôn Đông Lỗ", "", "1"],
]

BAD_CSV = (
    "ma_ho,chu_ho,dia_chi,so_dien_thoai,so_thanh_vien\n"
    "H001,Trần Thị Bình,Xóm 2,0912345678,4\n"
    "H002,,Xóm 1,,3\n"
    "H003,Đỗ Văn Đông,Xóm 3,0912,1\n"
    "H004,Lê Đức Anh,Xóm 1,,ba\n"
    "H001,Phạm Thị Hoa,Xóm 4,,2\n"
    "Hộ7,Vũ Văn Bảy,Xóm 4,,2\n"
)

BAD_ROW_ERRORS = [
    "Dòng 3, chu_ho: thiếu họ tên chủ hộ.",
    "Dòng 4, so_dien_thoai: số điện thoại “0912” không hợp lệ (cần 10 chữ số, bắt đầu bằng 0).",
    "Dòng 5, so_thanh_vien: số thành viên “ba” phải là số nguyên từ 1 đến 99.",
    "Dòng 6, ma_ho: mã hộ “H001” trùng với dòng 2.",
    "Dòng 7, ma_ho: mã hộ “Hộ7” chỉ được gồm chữ không dấu, số, dấu . / - (tối đa 32 ký tự).",
]


def current_code(user) -> str:
    device = user.totpdevice_set.get(confirmed=True)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def sign_in(page: Page, user, next_url: str) -> None:
    """Password first, then the code from the authenticator app, as an officer does."""
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/verify/$"))
    page.get_by_label(re.compile("^Mã xác thực")).fill(current_code(user))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def upload(page: Page, tmp_path: Path, text: str, name: str = "danh-sach-ho.csv") -> int:
    """Choose the file in the import form, submit it, and return the response status."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.get_by_label("Tệp danh sách hộ (.csv hoặc .xlsx)").set_input_files(path)
    with page.expect_response(re.compile(r"/households/import/$")) as response:
        page.get_by_role("button", name="Nhập", exact=True).click()
    page.wait_for_load_state()
    return response.value.status


def sign_in_directly(page: Page, user, base_url: str) -> None:
    """Hand the browser a signed-in, second-factor-verified session without the forms."""
    session = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}]
    )


def roll_rows(page: Page) -> list[list[str]]:
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in page.locator("main table tbody tr").all()
    ]


def test_officer_imports_a_roll_on_a_phone(page, officer, commune, village, tmp_path):
    # Given a commune officer with an authenticator app, signed in on a phone
    sign_in(page, officer, commune.get_absolute_url())

    # When they go from the commune page to the village's households
    page.get_by_role("link", name="Quản lý", exact=True).click()
    page.get_by_role("link", name=village.name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/u/{village.code}/households/$"))
    expect(page.locator("main table tbody")).to_have_text("Chưa có hộ nào.")
    # and upload a CSV with Vietnamese headers and names
    status = upload(page, tmp_path, GOOD_CSV)

    # Then the import is confirmed and the roll is in Vietnamese alphabetical order
    assert status == 302
    expect(page).to_have_url(re.compile(rf"/u/{village.code}/households/$"))
    expect(page.locator(".messages li.success")).to_have_text(
        "Đã thêm 6 hộ, cập nhật 0 hộ, giữ nguyên 0 hộ."
    )
    assert roll_rows(page) == GOOD_ROLL
    expect(page.get_by_text("6 hộ", exact=True)).to_be_visible()
    assert Household.objects.filter(village=village).count() == 6
    assert Event.objects.filter(action="people.households_imported", actor=officer).count() == 1
    # A look at the page is kept with the test's files (pytest --basetemp=DIR to find it).
    page.screenshot(path=tmp_path / "roll-after-import-phone.png", full_page=True)


@pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])
def test_bad_rows_are_all_listed_and_nothing_is_imported(
    page, officer, village, tmp_path, viewport
):
    # Given a signed-in commune officer on the village's household page
    roll_url = f"/u/{village.code}/households/"
    sign_in(page, officer, roll_url)

    # When they upload a file where five rows are wrong
    status = upload(page, tmp_path, BAD_CSV)

    # Then every row error is shown with its line number, and nothing was imported
    assert status == 422
    expect(page.locator("#import [role=alert]")).to_have_text(
        "Tệp có 5 lỗi; chưa hộ nào được nhập. Sửa các dòng dưới đây rồi tải lại."
    )
    expect(page.locator("#row-errors li")).to_have_text(BAD_ROW_ERRORS)
    expect(page.locator("main table tbody")).to_have_text("Chưa có hộ nào.")
    assert Household.objects.count() == 0
    assert Person.objects.count() == 0
    assert not Event.objects.filter(action="people.households_imported").exists()


def test_roll_page_is_styled_and_fits_a_phone(page, officer, village, live_server):
    # Given a village roll with households, and a signed-in officer on a phone
    import_households(
        actor=SYSTEM, village=village, data=GOOD_CSV.encode(), filename="danh-sach-ho.csv"
    )
    sign_in_directly(page, officer, live_server.url)
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))

    # When they open it
    page.goto(f"/u/{village.code}/households/")

    # Then its stylesheet and script load, and nothing is wider than the screen
    expect(page.locator("main table tbody tr")).to_have_count(6)
    assert [f for f in failed if not f.endswith("/favicon.ico")] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
