"""A resident reads a draft on a phone and comments on its third article; after the closing
day the commune officer groups the opinion, answers it with a reason and publishes the
synthesis; the resident opens the draft again and reads the answer to their own opinion."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
import time_machine
from django.apps import apps
from playwright.sync_api import expect

from danchu.accounts.permissions import SYSTEM
from danchu.consultations import services
from danchu.consultations.models import Art25Item, Opinion
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_import_households import sign_in_directly

DRAFT = """Điều 1. Phạm vi điều chỉnh
Quy chế này quy định việc thực hiện dân chủ ở xã Ứng Hòa.

Điều 2. Đối tượng áp dụng
Cán bộ, công chức xã và Nhân dân trên địa bàn.

Điều 3. Công khai thông tin
UBND xã công khai các nội dung theo Điều 11 Luật Thực hiện dân chủ ở cơ sở.
"""
COMMENT = "Đề nghị niêm yết thêm tại nhà văn hóa các thôn, không chỉ ở trụ sở xã."
REASON = "Đã bổ sung: niêm yết tại trụ sở UBND xã và nhà văn hóa của 12 thôn."
OPENS = dt.date(2026, 11, 27)


@pytest.fixture
def items(transactional_db) -> None:
    """The Art 25 items come from a data migration; a browser test's database is emptied
    after each test, so load them again as the migration does."""
    migration = importlib.import_module("danchu.consultations.migrations.0002_art25_items")
    migration.load(apps, None)


def test_resident_comments_on_article_3_officer_answers_resident_reads_it(
    page, open_page, live_server, resident, officer, commune, items
):
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)) as clock:
        consultation = services.open_consultation(
            actor=SYSTEM,
            consultation=services.create_consultation(
                actor=SYSTEM,
                unit=commune,
                item=Art25Item.objects.get(number=7),
                title="Dự thảo Quy chế thực hiện dân chủ ở xã Ứng Hòa",
                draft_text=DRAFT,
                opens_on=OPENS,
                closes_on=OPENS + dt.timedelta(days=14),
                forms=["portal", "meeting"],
            ),
        )
        url = consultation.get_absolute_url()

        # Given a resident signed in on a phone, reading the draft
        sign_in_directly(page, resident, live_server.url)
        page.goto(url)
        page.get_by_role("link", name=re.compile("Điều 3. Công khai thông tin")).click()
        article = page.locator("#s3")
        expect(article.get_by_role("heading", name="Điều 3. Công khai thông tin")).to_be_visible()

        # When they open the comment box under article 3 and send a public comment
        article.get_by_text("Góp ý cho mục này").click()
        article.get_by_label("Ý kiến của bạn").fill(COMMENT)
        # (publishing is their explicit choice: the box is never ticked for them, R46)
        publish = article.get_by_label("Công khai ý kiến")
        expect(publish).not_to_be_checked()
        publish.check()
        article.get_by_role("button", name="Gửi ý kiến").click()

        # Then it is recorded on article 3 and shown under it without their name
        expect(page.locator("#s3 [role=status]")).to_contain_text("Đã ghi nhận ý kiến")
        expect(page.locator("#s3 ul.opinions")).to_contain_text(COMMENT)
        expect(page.locator("#s3 ul.opinions")).not_to_contain_text(resident.full_name)
        opinion = Opinion.objects.get()
        assert opinion.section.number == 3
        assert opinion.author == resident

        # When the period is over and the commune officer opens the synthesis board
        clock.move_to(dt.datetime(2026, 12, 12, 9, 0, tzinfo=dt.UTC))
        board = open_page(DESKTOP)
        sign_in_directly(board, officer, live_server.url)
        board.goto(url)
        board.get_by_role("link", name="Tiếp nhận và tổng hợp ý kiến").click()
        expect(board.locator(".stat")).to_have_text("1")
        # groups it,
        board.get_by_text(COMMENT).click()
        board.get_by_label("Nhóm mới").fill("Mở rộng nơi niêm yết")
        board.get_by_role("button", name="Xếp vào nhóm").click()
        expect(board.locator(".messages li.success")).to_have_text("Đã xếp ý kiến vào nhóm.")
        # first forgets the reason for not accepting it, and is told so,
        group = board.locator(
            "section", has=board.get_by_role("heading", name=re.compile("Mở rộng nơi niêm yết"))
        )
        group.get_by_label("Không tiếp thu (có giải trình)").check()
        group.get_by_role("button", name="Lưu câu trả lời").click()
        expect(board.locator("[role=alert]").first).to_be_visible()
        # then accepts it, saying how,
        group = board.locator(
            "section", has=board.get_by_role("heading", name=re.compile("Mở rộng nơi niêm yết"))
        )
        group.get_by_label("Tiếp thu", exact=True).check()
        group.get_by_label("Tiếp thu thế nào, hoặc lý do không tiếp thu").fill(REASON)
        group.get_by_role("button", name="Lưu câu trả lời").click()
        expect(board.locator(".messages li.success")).to_have_text("Đã trả lời nhóm ý kiến.")
        expect(board.locator(".stat")).to_have_text("0")
        # and publishes the synthesis
        board.get_by_role("button", name="Công bố").click()
        expect(board.locator(".messages li.success")).to_have_text(
            "Đã công bố kết quả tổng hợp ý kiến."
        )
        expect(board.locator("#synthesis")).to_contain_text("Mở rộng nơi niêm yết")

        # Then the resident, back on the phone two weeks later (signed in again: the session
        # has expired), reads how their opinion was answered
        page.goto(url)
        expect(page.locator("#mine")).to_have_count(0)
        sign_in_directly(page, resident, live_server.url)
        page.goto(url)
        mine = page.locator("#mine")
        expect(mine).to_contain_text(COMMENT)
        expect(mine).to_contain_text("Tiếp thu")
        expect(mine).to_contain_text(REASON)
        # and the public synthesis quotes the opinion without the resident's name
        expect(page.locator("#synthesis")).to_contain_text(REASON)
        expect(page.locator("#synthesis")).not_to_contain_text(resident.full_name)
