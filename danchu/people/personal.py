"""What the people app holds about a person: their record, their household, their workplaces."""

from __future__ import annotations

from django.utils.translation import gettext as _

from danchu.core.personal import text


def person_record(user, person) -> list[dict[str, str]]:
    if person is None:
        return []
    return [
        {
            _("Họ và tên"): person.full_name,
            _("Năm sinh"): text(person.birth_year),
            _("Số điện thoại"): text(person.phone),
            _("Số định danh cá nhân"): text(person.citizen_id),
        }
    ]


def household_record(user, person) -> list[dict[str, str]]:
    if person is None or person.household_id is None:
        return []
    household = person.household
    return [
        {
            _("Mã hộ"): household.code,
            _("Thôn, tổ dân phố"): household.village.name,
            _("Địa chỉ"): text(household.address),
            _("Đại diện hộ"): text(household.representative_id == person.pk),
            _("Số thành viên"): text(household.member_count),
        }
    ]


def membership_records(user, person) -> list[dict[str, str]]:
    if person is None:
        return []
    return [
        {
            _("Cơ quan, đơn vị"): m.unit.name,
            _("Chức danh"): text(m.title),
            _("Từ ngày"): text(m.start_date),
            _("Đến ngày"): text(m.end_date),
        }
        for m in person.memberships.select_related("unit").order_by("start_date", "pk")
    ]
