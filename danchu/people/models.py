from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from danchu.core.vietnamese import person_sort_key

PHONE_RE = re.compile(r"^0\d{9}$")
CITIZEN_ID_RE = re.compile(r"^\d{12}$")


def normalize_phone(raw: str) -> str:
    """ "+84 912 345 678", "0912.345.678" -> "0912345678"; "" stays ""."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def validate_phone(value: str) -> None:
    if value and not PHONE_RE.match(value):
        raise ValidationError(
            _("Số điện thoại “%(value)s” không hợp lệ: cần 10 chữ số, bắt đầu bằng 0."),
            code="bad_phone",
            params={"value": value},
        )


def validate_citizen_id(value: str) -> None:
    """Căn cước (citizen ID): 12 digits; the first three are a province code 001–096."""
    if not value:
        return
    if not CITIZEN_ID_RE.match(value) or not (1 <= int(value[:3]) <= 96):
        raise ValidationError(
            _(
                "Số định danh cá nhân phải gồm 12 chữ số, bắt đầu bằng mã tỉnh nơi đăng ký khai sinh."
            ),
            code="bad_citizen_id",
        )


class Person(models.Model):
    """A resident or a worker. Phone and citizen ID are personal data: never public."""

    full_name = models.CharField(_("họ và tên"), max_length=200)
    # Not indexed: people are listed a household, a village or an agency at a time, never all
    # at once, and every index here is written once per imported household.
    sort_key = models.CharField(max_length=600, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    phone = models.CharField(
        _("số điện thoại"), max_length=10, blank=True, validators=[validate_phone]
    )
    citizen_id = models.CharField(
        _("số định danh cá nhân"), max_length=12, blank=True, validators=[validate_citizen_id]
    )
    household = models.ForeignKey(
        "Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("người")
        verbose_name_plural = _("người")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.sort_key = person_sort_key(self.full_name)
        super().save(*args, **kwargs)


class HouseholdQuerySet(models.QuerySet):
    def current(self):
        return self.filter(dissolved_on__isnull=True)

    def in_subtree(self, unit):
        return self.filter(village__path__startswith=unit.path)

    def totals(self) -> dict:
        """{"households": n, "people": m} in one aggregate query."""
        totals = self.aggregate(households=models.Count("id"), people=models.Sum("member_count"))
        return {"households": totals["households"], "people": totals["people"] or 0}


class Household(models.Model):
    """A household of a village: the voting unit of community decisions (Law Art 18(2))."""

    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="households")
    code = models.CharField(_("mã hộ"), max_length=32)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    representative = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="represents"
    )
    # Indexed with the village (Meta.indexes): a roll is always one village's or a subtree's.
    representative_sort_key = models.CharField(max_length=600, editable=False, default="")
    member_count = models.PositiveSmallIntegerField(_("số thành viên"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    # A household that moved away or merged stays for history; it leaves future rolls.
    dissolved_on = models.DateField(null=True, blank=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["representative_sort_key", "code"]
        constraints = [
            models.UniqueConstraint(fields=["village", "code"], name="household_code_per_village"),
            models.CheckConstraint(
                condition=models.Q(member_count__gte=1), name="household_has_members"
            ),
        ]
        indexes = [models.Index(fields=["village", "representative_sort_key"])]
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")

    def __str__(self) -> str:
        return f"{self.code} — {self.representative or '?'}"


class Membership(models.Model):
    """A person's employment in an agency or enterprise: the roll of Chapters III–IV."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="memberships")
    title = models.CharField(_("chức danh"), max_length=120, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit"],
                condition=models.Q(end_date__isnull=True),
                name="one_open_membership",
            )
        ]
        verbose_name = _("thành viên cơ quan, doanh nghiệp")
        verbose_name_plural = _("thành viên cơ quan, doanh nghiệp")

    def __str__(self) -> str:
        return f"{self.person} @ {self.unit}"


class DataRequest(models.Model):
    """A resident asks for their personal data to be corrected, deleted or no longer used
    (Law 91/2025/QH15; NĐ 356/2025): answered within 2 working days (LAW.md R45) by the
    commune that holds the household's roll."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Chỉnh sửa dữ liệu sai")
        DELETION = "deletion", _("Xóa dữ liệu")
        RESTRICTION = "restriction", _("Hạn chế hoặc phản đối việc xử lý")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang chờ trả lời")
        DONE = "done", _("Đã thực hiện")
        REFUSED = "refused", _("Từ chối, có nêu lý do")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_requests"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The village whose commune answers: the one that keeps the person's household.
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("yêu cầu"), max_length=16, choices=Kind.choices)
    details = models.TextField(_("nội dung yêu cầu"))
    received_on = models.DateField(_("ngày nhận"))
    due_on = models.DateField(_("hạn trả lời"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("trả lời"), blank=True)
    answered_on = models.DateField(_("ngày trả lời"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        verbose_name = _("yêu cầu về dữ liệu cá nhân")
        verbose_name_plural = _("yêu cầu về dữ liệu cá nhân")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.user}"

    def is_overdue(self, today) -> bool:
        return self.status == self.Status.OPEN and today > self.due_on
