from __future__ import annotations

import csv
import random
import sys

from django.core.management.base import BaseCommand, CommandError

from danchu.demo import names


class Command(BaseCommand):
    help = "Sinh tệp CSV N hộ gia đình giả lập (cột ma_ho, chu_ho, dia_chi, so_dien_thoai, so_thanh_vien)."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, required=True, help="số hộ")
        parser.add_argument("--output", "-o", default="-", help="tệp CSV (mặc định: stdout)")
        parser.add_argument("--village-name", default="Thôn Đông Lỗ")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        n = options["households"]
        if n < 1:
            raise CommandError("--households phải lớn hơn 0.")
        rng = random.Random(options["seed"])
        out = (
            sys.stdout
            if options["output"] == "-"
            else open(  # noqa: SIM115
                options["output"], "w", encoding="utf-8", newline=""
            )
        )
        try:
            write_households_csv(out, n, rng, options["village_name"])
        finally:
            if out is not sys.stdout:
                out.close()
        if out is not sys.stdout:
            self.stderr.write(f"Đã ghi {n} hộ vào {options['output']}")


def write_households_csv(stream, n: int, rng: random.Random, village_name: str) -> None:
    writer = csv.writer(stream)
    writer.writerow(["ma_ho", "chu_ho", "dia_chi", "so_dien_thoai", "so_thanh_vien"])
    width = max(4, len(str(n)))
    for i in range(1, n + 1):
        writer.writerow(
            [
                f"H{i:0{width}d}",
                names.full_name(rng),
                names.address(rng, village_name),
                names.phone(rng) if rng.random() < 0.85 else "",
                names.members(rng),
            ]
        )
