from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from danchu.audit.services import verify_chain


class Command(BaseCommand):
    help = "Nhật ký kiểm toán: danchu audit verify"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="kiểm tra chuỗi băm của toàn bộ nhật ký")

    def handle(self, *args, **options):
        result = verify_chain()
        if result.ok:
            self.stdout.write(f"OK: {result.count} sự kiện, chuỗi băm nguyên vẹn.")
            return
        raise CommandError(
            f"Chuỗi băm hỏng tại sự kiện #{result.broken_seq}: {result.reason} "
            f"({result.count} sự kiện trước đó hợp lệ)."
        )
