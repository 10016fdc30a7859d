from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from danchu.core.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = (
        "Khôi phục từ một tệp của danchu backup, rồi kiểm tra chuỗi kiểm toán. / Restore from "
        "a danchu backup file, then verify the audit chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="tệp .tar.gz do danchu backup tạo")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="thay toàn bộ dữ liệu hiện có (bắt buộc khi cơ sở dữ liệu đã có dữ liệu)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="chỉ kiểm tra tệp sao lưu, không thay đổi gì",
        )

    def handle(self, *args, **options):
        try:
            if options["check"]:
                manifest = read_manifest(options["archive"])
                self._describe(manifest)
                self.stdout.write("Tệp sao lưu hợp lệ với cài đặt này; chưa thay đổi gì.")
                return
            result = restore_backup(options["archive"], replace=options["replace"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self._describe(result.manifest)
        self.stdout.write("Đã khôi phục cơ sở dữ liệu và tệp tải lên.")
        if result.replaced_media:
            self.stdout.write(f"Tệp tải lên trước đó được giữ lại ở {result.replaced_media}.")
        for note in result.notes:
            self.stdout.write(note)
        if not result.audit_ok:
            raise CommandError(
                f"Chuỗi kiểm toán của bản khôi phục hỏng tại sự kiện {result.audit_problem} "
                f"({result.audit_count} sự kiện trước đó hợp lệ). / The restored audit chain is "
                f"broken at {result.audit_problem}."
            )
        self.stdout.write(
            f"OK: {result.audit_count} sự kiện kiểm toán, chuỗi băm nguyên vẹn đến đầu chuỗi đã "
            f"ghi khi sao lưu."
        )

    def _describe(self, manifest: dict) -> None:
        counts = manifest.get("counts", {})
        self.stdout.write(
            f"Bản sao lưu {manifest.get('created_at', '?')} (danchu {manifest.get('danchu', '?')}"
            f", {manifest['database']['vendor']}): {counts.get('units', 0):,} đơn vị, "
            f"{counts.get('households', 0):,} hộ, {counts.get('people', 0):,} người, "
            f"{counts.get('audit_events', 0):,} sự kiện kiểm toán."
        )
