from __future__ import annotations

import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from danchu.demo.seeding import DemoSummary, seed_demo
from danchu.demo.table import format_table

ACCOUNT_HEADERS = [
    "Tên đăng nhập",
    "Vai trò",
    "Đơn vị",
    "Mật khẩu",
    "Mã dự phòng",
    "Khóa TOTP (base32)",
]


class Command(BaseCommand):
    help = (
        "Dựng dữ liệu minh họa: nạp danh mục đơn vị, Xã Ứng Hòa (Hà Nội) với 8 thôn, "
        "tổ dân phố, khoảng 1.500 hộ và một tài khoản cho mỗi vai trò; rồi chạy máy chủ. "
        "Chạy lại không nhân đôi dữ liệu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="chỉ dựng dữ liệu, không chạy máy chủ"
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="không chạy kèm bộ xử lý nền (phiếu in, báo cáo, thư) khi phục vụ",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        self.stdout.write("Cập nhật cấu trúc cơ sở dữ liệu…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Nạp danh mục tỉnh, thành phố và xã, phường, đặc khu…")
        call_command("seed_units", stdout=self.stdout, stderr=self.stderr)
        summary = seed_demo(progress=self.stdout.write)
        self.write_summary(summary)
        self.stdout.write(f"Xong sau {time.monotonic() - started:.1f} giây.")
        if not options["no_serve"]:
            if not options["no_worker"]:
                self.start_worker()
            call_command("serve")

    def start_worker(self) -> subprocess.Popen:
        """The background worker beside the server, so ballots, reports and messages are
        built while the demo runs. It shares the terminal's process group: Ctrl+C stops it
        with the server."""
        worker = subprocess.Popen([sys.executable, "-m", "danchu.cli", "worker"])  # noqa: S603
        self.stdout.write(f"Bộ xử lý nền (danchu worker) chạy kèm, tiến trình {worker.pid}.")
        return worker

    def write_summary(self, summary: DemoSummary) -> None:
        households = f"{summary.households:,}".replace(",", ".")
        self.stdout.write(
            f"\n{summary.commune.name}: {summary.villages} thôn, tổ dân phố, "
            f"{households} hộ gia đình."
        )
        self.stdout.write(f"Trang của xã: {summary.commune.get_absolute_url()}\n")
        rows = [
            [a.username, a.role, a.unit, a.password, a.backup_code or "—", a.totp_secret or "—"]
            for a in summary.accounts
        ]
        self.stdout.write(format_table(ACCOUNT_HEADERS, rows))
        self.stdout.write(
            "\nCán bộ đăng nhập bằng mật khẩu, rồi nhập mã dự phòng (dùng một lần) hoặc mã "
            "6 số từ ứng dụng xác thực đã thêm khóa TOTP ở trên."
        )
