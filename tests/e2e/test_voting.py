"""A household votes with the code printed on its ballot; the village head sees the tally."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from danchu.decisions.models import Participation
from tests.decisions.conftest import codes_of, open_matter
from tests.e2e.test_import_households import sign_in


def tally_line(page: Page):
    """The managers' running count ("Tạm tính") on the matter page."""
    return page.locator("#manage p", has_text="Tạm tính:")


def enter_code(page: Page, code: str) -> None:
    page.goto("/b/")
    page.get_by_label(re.compile(r"^Mã in trên phiếu")).fill(code)
    page.get_by_role("button", name="Tiếp tục").click()


def test_household_votes_by_printed_code_and_the_head_sees_the_tally(
    page, open_page, village, village_head, tmp_path
):
    # Given a ballot matter open in the village, with printed codes for its 5 households
    matter = open_matter(
        village,
        form="ballot",
        households=5,
        agreed=True,
        collection_ends_on=timezone.localdate() + dt.timedelta(days=7),
    )
    household_id, printed = sorted(codes_of(matter).items())[0]
    typed = printed.lower().replace("-", " ")  # "abcde fghjk", as a resident types it

    # And the village head, signed in on another phone, with the matter page open
    head = open_page()
    sign_in(head, village_head, matter.get_absolute_url())
    expect(tally_line(head)).to_have_text("Tạm tính: Đồng ý: 0 · Không đồng ý: 0 · dự họp 0")

    # When a resident opens /b/ on their phone, types the code and taps "Đồng ý"
    enter_code(page, typed)
    expect(page.get_by_role("heading", level=2)).to_have_text(matter.title)
    page.get_by_role("button", name="Đồng ý", exact=True).tap()

    # Then the vote is confirmed
    expect(page.get_by_role("heading", level=1)).to_have_text("✓ Đã ghi nhận biểu quyết của hộ")
    expect(page.get_by_text("Phương án đã chọn:")).to_have_text("Phương án đã chọn: Đồng ý")
    page.screenshot(path=tmp_path / "voted-phone.png", full_page=True)
    vote = Participation.objects.get(matter=matter)
    assert (vote.household_id, vote.channel) == (household_id, "online")

    # When the same code is tried again
    enter_code(page, typed)

    # Then the page says the household has voted, and offers no options
    expect(page.get_by_text("Hộ của bạn đã biểu quyết. Mỗi hộ chỉ một phiếu.")).to_be_visible()
    expect(page.locator("button.vote-option")).to_have_count(0)
    page.screenshot(path=tmp_path / "already-voted-phone.png", full_page=True)
    assert Participation.objects.filter(matter=matter).count() == 1

    # And when the village head reloads the matter page, the tally shows the vote
    head.reload()
    expect(tally_line(head)).to_have_text("Tạm tính: Đồng ý: 1 · Không đồng ý: 0 · dự họp 0")
    expect(head.get_by_text("1/5 hộ đã tham gia.")).to_be_visible()
    head.screenshot(path=tmp_path / "matter-head-phone.png", full_page=True)
