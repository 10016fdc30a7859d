"""What the accounts app holds about a user: the account and the roles granted to it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from danchu.core.personal import text


def account_record(user, person) -> list[dict[str, str]]:
    from danchu.accounts.services import has_confirmed_device

    return [
        {
            _("Tên đăng nhập"): user.get_username(),
            _("Thư điện tử"): text(user.email),
            _("Ngày tạo tài khoản"): text(user.date_joined),
            _("Lần đăng nhập gần nhất"): text(user.last_login),
            _("Đã thiết lập xác thực hai lớp"): text(has_confirmed_device(user)),
        }
    ]


def grant_records(user, person) -> list[dict[str, str]]:
    return [
        {
            _("Vai trò"): grant.get_role_display(),
            _("Đơn vị"): grant.unit.name,
            _("Cấp ngày"): text(grant.created_at),
            _("Thu hồi ngày"): text(grant.revoked_at),
        }
        for grant in user.grants.select_related("unit").order_by("pk")
    ]
