from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from danchu.notify.services import retry_queued


class Command(BaseCommand):
    help = "Chạy tiến trình nền: gửi tin nhắn, các tác vụ định kỳ (django-tasks, cơ sở dữ liệu)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="chạy hết hàng đợi rồi dừng")

    def handle(self, *args, **options):
        requeued = retry_queued()
        if requeued:
            self.stdout.write(f"Đưa lại {requeued} tin nhắn chờ gửi vào hàng đợi.")
        worker_args = ["--batch"] if options["batch"] else []
        call_command("db_worker", *worker_args)
