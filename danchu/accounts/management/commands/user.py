from __future__ import annotations

import getpass
import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from danchu.accounts import services
from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.core.errors import first_message
from danchu.core.management.base import DanchuCommand


class Command(DanchuCommand):
    help = "Quản lý tài khoản: danchu user add USERNAME --role ROLE --unit CODE"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="tạo tài khoản (hoặc thêm quyền cho tài khoản có sẵn)")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--unit", required=True, help="mã đơn vị")
        add.add_argument("--full-name", default="")
        add.add_argument("--email", default="")
        add.add_argument(
            "--password",
            default=None,
            help="mật khẩu (bỏ trống để nhập, hoặc tự sinh khi không có bàn phím)",
        )

    def handle(self, *args, **options):
        unit = self.get_unit(options["unit"])
        password = options["password"]
        generated = False
        if password is None:
            if self.stdin_is_tty():
                password = getpass.getpass("Mật khẩu: ")
            else:
                password = secrets.token_urlsafe(12)
                generated = True
        try:
            user, created = services.add_user(
                actor=SYSTEM,
                username=options["username"],
                password=password,
                role=options["role"],
                unit=unit,
                full_name=options["full_name"],
                email=options["email"],
            )
        except ValidationError as exc:
            raise CommandError(first_message(exc)) from None
        verb = "Đã tạo" if created else "Đã cập nhật"
        self.stdout.write(f"{verb} {user.username}: {Role(options['role']).label} tại {unit.name}")
        if generated and created:
            self.stdout.write(f"Mật khẩu: {password}")

    @staticmethod
    def stdin_is_tty() -> bool:
        import sys

        return sys.stdin is not None and sys.stdin.isatty()
