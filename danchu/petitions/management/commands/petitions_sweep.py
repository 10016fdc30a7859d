from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from danchu.petitions.services import sweep


class Command(BaseCommand):
    help = (
        "Báo đơn quá hạn theo từng cấp và hỏi lại người gửi sau 4 tuần. Chạy mỗi ngày "
        "(cron): danchu petitions-sweep"
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="ngày xét, YYYY-MM-DD (mặc định: hôm nay)")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("Ngày không hợp lệ, dùng dạng YYYY-MM-DD.") from None
        result = sweep(today)
        self.stdout.write(
            f"Đã xét {result.examined} đơn quá hạn, báo lên {result.escalated}, "
            f"hỏi lại {result.followups} người gửi."
        )
