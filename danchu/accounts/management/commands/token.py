from __future__ import annotations

from django.core.management.base import CommandError

from danchu.accounts import services
from danchu.accounts.models import User
from danchu.core.management.base import DanchuCommand


class Command(DanchuCommand):
    help = "Mã truy cập API: danchu token create USERNAME"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="tạo mã Bearer mới cho API")
        create.add_argument("username")
        create.add_argument("--name", default="")

    def handle(self, *args, **options):
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"Không có tài khoản {options['username']}.") from None
        key = services.create_token(user=user, name=options["name"])
        self.stdout.write(key)
        self.stderr.write("Lưu mã này ngay: danchu chỉ giữ bản băm, không hiển thị lại.")
