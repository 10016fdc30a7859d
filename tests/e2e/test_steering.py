"""A steering member opens the province dashboard, follows a hot spot to its records, and
downloads the six-month review."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from playwright.sync_api import expect
from pypdf import PdfReader

from danchu.accounts.models import Role
from tests.conftest import make_user
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_import_households import sign_in_directly
from tests.steering.conftest import petition


@pytest.fixture
def reference_data(transactional_db) -> None:
    """Data migrations, loaded again: a browser test's database is emptied after each test."""
    importlib.import_module("danchu.petitions.migrations.0002_categories").add_categories(
        apps, None
    )
    importlib.import_module(
        "danchu.steering.migrations.0002_default_rules_and_checklist"
    ).add_defaults(apps, None)


@pytest.mark.parametrize("viewport", [DESKTOP])
def test_member_follows_a_hot_spot_and_downloads_the_report(
    page, live_server, province, commune, village, reference_data, tmp_path
):
    # Given six petitions in Ứng Hòa this half-year, two of them answered late
    today = dt.date.today()
    start = dt.date(today.year, 1 if today.month <= 6 else 7, 1)
    for day in range(6):
        petition(village, start + dt.timedelta(days=day), late=day < 2)
    period = f"{today.year}H{1 if today.month <= 6 else 2}"
    member = make_user("uy_vien_bcd", Role.STEERING_MEMBER, province)
    sign_in_directly(page, member, live_server.url)

    # When the member opens the province's dashboard
    page.goto(f"/u/{province.code}/steering/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(province.name)
    hot_spots = page.locator("#hot-spots")
    expect(hot_spots).to_contain_text("Tỷ lệ đơn quá hạn cao")
    expect(hot_spots).to_contain_text("Xã Ứng Hòa")

    # and follows the hot spot to the records behind it: the two late petitions
    hot_spots.get_by_role("link", name="xem hồ sơ").first.click()
    expect(page).to_have_url(re.compile(r"/steering/records/petitions_late_or_overdue/"))
    expect(page.locator("#record-count")).to_have_text("2")
    expect(page.locator("ol.records li")).to_have_count(2)

    # Then they ask for the six-month review and download it once built
    page.goto(f"/u/{province.code}/steering/")
    page.get_by_label("Kỳ báo cáo").fill(period)
    page.get_by_role("button", name="Lập báo cáo (PDF, Excel)").click()
    link = page.get_by_role("link", name="Tải báo cáo PDF")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    target = tmp_path / "bao-cao.pdf"
    download.value.save_as(target)
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert "BÁO CÁO SƠ KẾT" in text and "Xã Ứng Hòa" in text
