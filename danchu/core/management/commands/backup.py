from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from danchu.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ: cơ sở dữ liệu, tệp tải lên và khóa bí mật (nếu giữ trong thư mục dữ "
        "liệu) vào một tệp .tar.gz. / Back up the database, uploads and key into one .tar.gz."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="tệp hoặc thư mục đích (mặc định: backups/ trong thư mục dữ liệu)",
        )

    def handle(self, *args, **options):
        try:
            result = create_backup(options["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        counts = manifest["counts"]
        size = result.path.stat().st_size
        self.stdout.write(f"Đã sao lưu vào {result.path} ({size / 1e6:.1f} MB).")
        self.stdout.write(
            f"{counts['units']:,} đơn vị, {counts['households']:,} hộ, {counts['people']:,} người, "
            f"{counts['audit_events']:,} sự kiện kiểm toán."
        )
        head = manifest["audit_head"]
        if head:
            self.stdout.write(f"Đầu chuỗi kiểm toán: {head['seq']}:{head['hash']}")
        if manifest["secret_key"]["included"]:
            self.stdout.write(
                "Tệp có khóa bí mật và dữ liệu cá nhân: cất giữ như giấy tờ mật. / The file "
                "holds the secret key and personal data: keep it as a confidential document."
            )
        else:
            self.stdout.write(
                "Khóa bí mật lấy từ DANCHU_SECRET_KEY nên không nằm trong tệp: hãy giữ nó cùng "
                "bản sao lưu. / The key comes from DANCHU_SECRET_KEY and is not in the file: "
                "keep it with the backup."
            )
