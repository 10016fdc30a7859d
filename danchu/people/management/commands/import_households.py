from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from danchu.accounts.permissions import SYSTEM
from danchu.core.errors import first_message
from danchu.core.management.base import DanchuCommand
from danchu.people.services import ImportRejected, import_households


class Command(DanchuCommand):
    help = "Nhập danh sách hộ gia đình của một thôn từ tệp CSV hoặc XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--village", required=True, help="mã thôn, tổ dân phố")
        parser.add_argument("file", help="tệp .csv hoặc .xlsx")

    def handle(self, *args, **options):
        village = self.get_unit(options["village"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc.strerror}") from None
        try:
            report = import_households(actor=SYSTEM, village=village, data=data, filename=path.name)
        except ImportRejected as exc:
            for error in exc.row_errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Tệp có {len(exc.row_errors)} lỗi; không hộ nào được nhập."
            ) from None
        except ValidationError as exc:
            raise CommandError(first_message(exc)) from None
        self.stdout.write(report.summary())
