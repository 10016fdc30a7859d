"""What the petitions engine holds about a user: the items they filed with an account."""

from __future__ import annotations

from django.utils.translation import gettext as _

from danchu.core.personal import text
from danchu.petitions.models import Petition


def filed_petitions(user, person) -> list[dict[str, str]]:
    return [
        {
            _("Mã theo dõi"): p.code,
            _("Loại"): p.get_kind_display(),
            _("Tiêu đề"): p.title,
            _("Ngày tiếp nhận"): text(p.received_on),
            _("Trạng thái"): p.get_status_display(),
            _("Họ tên người gửi"): text(p.filer_name),
            _("Điện thoại"): text(p.filer_phone),
            _("Thư điện tử"): text(p.filer_email),
            _("Địa chỉ người gửi"): text(p.filer_address),
        }
        for p in Petition.objects.filter(filer=user).order_by("received_on", "pk")
    ]
