"""`danchu report --unit CODE --period 2026H1 --output DIR`: the review as PDF and XLSX."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from danchu.core.errors import ValidationError, first_message
from danchu.core.management.base import DanchuCommand
from danchu.steering import reports
from danchu.steering.periods import parse_period, require_not_future


class Command(DanchuCommand):
    help = (
        "Write the steering committee's review (sơ kết, tổng kết) of a unit for a period: "
        "an A4 PDF and an XLSX workbook in DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="unit code, e.g. 01 or 10402")
        parser.add_argument("--period", required=True, help="2026-05, 2026Q2, 2026H1 or 2026")
        parser.add_argument("--output", required=True, help="directory to write into")

    def handle(self, *args, unit: str, period: str, output: str, **options):
        target = self.get_unit(unit)
        try:
            parsed = parse_period(period)
            require_not_future(parsed, timezone.localdate())
        except ValidationError as exc:
            raise CommandError(first_message(exc)) from None
        directory = Path(output)
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{output} không phải là thư mục / {output} is not a directory.")

        def progress(pct: int, step: str) -> None:
            if options.get("verbosity", 1) >= 1:
                self.stderr.write(f"[{pct:3d}%] {step}")

        try:
            pdf, xlsx = reports.write_report(target, parsed, directory, progress=progress)
        except OSError as exc:
            raise CommandError(
                f"Không ghi được vào {output}: {exc.strerror} / cannot write to {output}."
            ) from None
        self.stdout.write(str(pdf))
        self.stdout.write(str(xlsx))
