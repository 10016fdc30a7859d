from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from danchu.units.services import seed_units


class Command(BaseCommand):
    help = "Nạp 34 tỉnh, thành phố và 3.321 xã, phường, đặc khu từ danh mục chính thức."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        from vietnam_provinces import Province, Ward

        total = len(list(Province.iter_all())) + len(list(Ward.iter_all()))
        with tqdm(total=total, unit="đơn vị", disable=options["quiet"], file=self.stderr) as bar:
            result = seed_units(progress=bar.update)
        self.stdout.write(
            f"Đã nạp: thêm {result['created']}, cập nhật {result['updated']}, "
            f"tổng {result['total']} đơn vị."
        )
