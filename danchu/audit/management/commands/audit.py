from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from danchu.audit.services import verify_chain


class Command(BaseCommand):
    help = "Nhật ký kiểm toán: danchu audit verify"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="kiểm tra chuỗi băm của toàn bộ nhật ký")
        verify.add_argument(
            "--expect",
            metavar="SEQ:HASH",
            help="đầu chuỗi đã ghi lại lần trước: phải còn nguyên (phát hiện xóa sự kiện mới nhất)",
        )

    def handle(self, *args, **options):
        expect = None
        if options.get("expect"):
            seq, _sep, digest = options["expect"].partition(":")
            if not (seq.isdigit() and len(digest) == 64):
                raise CommandError("--expect phải có dạng SEQ:HASH (số thứ tự và 64 ký tự hex).")
            expect = (int(seq), digest.lower())
        result = verify_chain(expect=expect)
        if result.ok:
            self.stdout.write(f"OK: {result.count} sự kiện, chuỗi băm nguyên vẹn.")
            if result.count:
                # Keep this line somewhere else (a report, a mail): with --expect it proves
                # later that no event up to it was deleted.
                self.stdout.write(f"Đầu chuỗi: {result.count}:{result.head_hash}")
            return
        raise CommandError(
            f"Chuỗi băm hỏng tại sự kiện #{result.broken_seq}: {result.reason} "
            f"({result.count} sự kiện trước đó hợp lệ)."
        )
