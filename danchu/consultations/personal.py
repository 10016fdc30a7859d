"""What the consultations engine holds about a user: the opinions they gave."""

from __future__ import annotations

from django.utils.translation import gettext as _

from danchu.consultations.models import Opinion
from danchu.core.personal import text


def given_opinions(user, person) -> list[dict[str, str]]:
    opinions = Opinion.objects.filter(author=user).select_related("consultation")
    return [
        {
            _("Dự thảo"): o.consultation.title,
            _("Ngày góp ý"): text(o.created_at),
            _("Nội dung đã gửi"): o.original_text,
            _("Tên hiển thị công khai"): text(o.show_name),
            _("Đang bị ẩn"): text(o.hidden),
        }
        for o in opinions.order_by("created_at", "pk")
    ]
