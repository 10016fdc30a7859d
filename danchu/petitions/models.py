"""Dân kiểm tra: petitions, feedback, complaints and denunciations (LAW.md §2.8).

A Petition is received by the commune that owns the unit it concerns. Its `due_on` is the
deadline of the step it waits for (notice of acceptance, acceptance, resolution); it is empty
once nothing is owed, so "what is overdue" is a range read of one partial index.
The filer's identity lives only on the petition and is never shown on a public page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from danchu.units.models import Unit


class Category(models.Model):
    """What a petition is about: data, editable by an admin; the Open311 service list."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=160)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=160, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    group = models.CharField(_("nhóm"), max_length=80, blank=True)
    keywords = models.CharField(_("từ khóa"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("lĩnh vực phản ánh")
        verbose_name_plural = _("lĩnh vực phản ánh")

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Per commune: petitions of a category go to this officer or department."""

    commune = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="petition_rules")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="rules")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ phụ trách"),
    )
    department = models.CharField(_("bộ phận phụ trách"), max_length=160, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commune", "category"], name="petition_rule_unique")
        ]
        verbose_name = _("quy tắc chuyển xử lý")
        verbose_name_plural = _("quy tắc chuyển xử lý")

    def __str__(self) -> str:
        return f"{self.commune} · {self.category} → {self.assignee or self.department}"


class RemoteArea(models.Model):
    """A commune in a remote area (vùng sâu, vùng xa…): complaint periods are longer."""

    commune = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="remote_area")
    note = models.CharField(_("căn cứ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("xã vùng sâu, vùng xa")
        verbose_name_plural = _("xã vùng sâu, vùng xa")

    def __str__(self) -> str:
        return str(self.commune)


# States in which the receiving body still owes the filer something.
OPEN_STATUSES = ("received", "verifying", "accepted")


class Petition(models.Model):
    class Kind(models.TextChoices):
        FEEDBACK = "feedback", _("Phản ánh")
        PETITION = "petition", _("Kiến nghị")
        COMPLAINT = "complaint", _("Khiếu nại")
        DENUNCIATION = "denunciation", _("Tố cáo")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Trực tuyến")
        IN_PERSON = "in_person", _("Trực tiếp tại trụ sở")
        PHONE = "phone", _("Điện thoại")
        LETTER = "letter", _("Thư, đơn gửi qua bưu điện")
        RECEPTION = "reception", _("Buổi tiếp công dân")
        FRONT = "front", _("Qua Mặt trận Tổ quốc")
        OPEN311 = "open311", _("Ứng dụng bên ngoài (Open311)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Đã tiếp nhận")
        VERIFYING = "verifying", _("Đang xác minh trước khi thụ lý")
        ACCEPTED = "accepted", _("Đã thụ lý, đang giải quyết")
        REFUSED = "refused", _("Không thụ lý (có lý do)")
        FORWARDED = "forwarded", _("Đã chuyển cơ quan có thẩm quyền")
        ANSWERED = "answered", _("Đã trả lời, giải quyết")
        WITHDRAWN = "withdrawn", _("Người gửi đã rút")

    code = models.CharField(_("mã theo dõi"), max_length=24, unique=True)
    # The secret the filer keeps to rate, withdraw or reopen without an account (hashed).
    secret_hash = models.CharField(max_length=64, blank=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    # Luật Khiếu nại: 1 = first complaint, 2 = second complaint (Art 37).
    complaint_round = models.PositiveSmallIntegerField(_("lần khiếu nại"), default=1)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="petitions")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="petitions", verbose_name=_("nơi xảy ra")
    )
    commune = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="received_petitions",
        verbose_name=_("xã tiếp nhận"),
    )
    title = models.CharField(_("tiêu đề"), max_length=200)
    text = models.TextField(_("nội dung"))
    address = models.CharField(_("địa điểm"), max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=16, choices=Channel.choices)
    # Whether the filer lets the text be read publicly (never for a denunciation).
    is_public = models.BooleanField(_("công khai nội dung"), default=True)

    # The filer: private. Feedback and petitions may be anonymous; complaints and
    # denunciations name a person (Luật Khiếu nại Art 8; Luật Tố cáo Art 23).
    filer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="petitions",
    )
    filer_name = models.CharField(_("họ tên người gửi"), max_length=200, blank=True)
    filer_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    filer_email = models.EmailField(_("thư điện tử"), blank=True)
    filer_address = models.CharField(_("địa chỉ người gửi"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reception = models.ForeignKey(
        "ReceptionBooking", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    received_on = models.DateField(_("ngày tiếp nhận"))
    # The deadline of the step the item waits for; null when nothing is owed.
    due_on = models.DateField(_("hạn"), null=True, blank=True)
    notice_due_on = models.DateField(_("hạn thông báo thụ lý"))
    notified_on = models.DateField(_("ngày thông báo"), null=True, blank=True)
    accepted_on = models.DateField(_("ngày thụ lý"), null=True, blank=True)
    resolve_due_on = models.DateField(_("hạn giải quyết"), null=True, blank=True)
    is_complex = models.BooleanField(_("vụ việc phức tạp"), default=False)
    extensions = models.PositiveSmallIntegerField(_("số lần gia hạn"), default=0)
    refusal_reason = models.TextField(_("lý do không thụ lý"), blank=True)
    forwarded_to = models.CharField(_("chuyển đến"), max_length=200, blank=True)
    forward_reason = models.TextField(_("lý do chuyển"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_petitions",
        verbose_name=_("cán bộ phụ trách"),
    )
    department = models.CharField(_("bộ phận phụ trách"), max_length=160, blank=True)

    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answer_public = models.BooleanField(_("công khai câu trả lời"), default=False)
    answered_on = models.DateField(_("ngày trả lời"), null=True, blank=True)
    # Frozen when answered: was it late against the deadline then in force, and how many
    # working days from receipt did it take (for statistics in SQL).
    answered_late = models.BooleanField(null=True, blank=True)
    answer_working_days = models.PositiveIntegerField(null=True, blank=True)
    withdrawn_on = models.DateField(_("ngày rút"), null=True, blank=True)
    withdraw_reason = models.TextField(_("lý do rút"), blank=True)

    # Escalation: 0 none, 1 the responsible officer, 2 the commune chair, 3 the province.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)

    # The filer's rating of the answer (1–5) and whether the problem was fixed; asked again
    # after four weeks.
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    fixed = models.BooleanField(null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    followup_due_on = models.DateField(null=True, blank=True)
    followup_sent_at = models.DateTimeField(null=True, blank=True)
    followup_fixed = models.BooleanField(null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            # The overdue sweep: a range read over the rows still owed and not yet at the top.
            models.Index(
                fields=["due_on"],
                name="petition_overdue_idx",
                condition=Q(due_on__isnull=False) & Q(escalation_level__lt=3),
            ),
            # The officer's inbox and per-commune statistics.
            models.Index(fields=["commune", "due_on"], name="petition_inbox_idx"),
            models.Index(fields=["commune", "received_on"], name="petition_stats_idx"),
            models.Index(
                fields=["followup_due_on"],
                name="petition_followup_idx",
                condition=Q(followup_due_on__isnull=False) & Q(followup_sent_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="petition_rating_1_5",
            ),
            models.CheckConstraint(
                condition=Q(extensions__lte=2), name="petition_at_most_two_extensions"
            ),
            models.CheckConstraint(
                condition=~Q(kind="denunciation") | Q(is_public=False),
                name="petition_denunciation_never_public",
            ),
        ]
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Step(models.Model):
    """One step in a petition's history; `public` steps show on its status page."""

    class Action(models.TextChoices):
        FILED = "filed", _("Tiếp nhận")
        ASSIGNED = "assigned", _("Giao xử lý")
        VERIFYING = "verifying", _("Cần thêm thời gian xác minh")
        ACCEPTED = "accepted", _("Thụ lý")
        REFUSED = "refused", _("Không thụ lý")
        FORWARDED = "forwarded", _("Chuyển")
        EXTENDED = "extended", _("Gia hạn giải quyết")
        ANSWERED = "answered", _("Trả lời")
        WITHDRAWN = "withdrawn", _("Rút")
        RATED = "rated", _("Người gửi đánh giá")
        REOPENED = "reopened", _("Mở lại")
        ESCALATED = "escalated", _("Báo quá hạn")
        FOLLOWUP = "followup", _("Hỏi lại sau khi trả lời")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=16, choices=Action.choices)
    at = models.DateTimeField()
    on = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.action} {self.on}"


def _upload_path(instance: PetitionFile, filename: str) -> str:
    return f"petitions/{instance.petition.commune_id}/{instance.petition_id}/{filename}"


class PetitionFile(models.Model):
    class Purpose(models.TextChoices):
        FILING = "filing", _("Kèm theo đơn")
        ANSWER = "answer", _("Kèm theo câu trả lời")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="files")
    purpose = models.CharField(max_length=8, choices=Purpose.choices)
    file = models.FileField(upload_to=_upload_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ReceptionDay(models.Model):
    """The commune chair's regular citizen reception (Luật Tiếp công dân Art 15(2)(d))."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Thứ Hai")
        TUESDAY = 1, _("Thứ Ba")
        WEDNESDAY = 2, _("Thứ Tư")
        THURSDAY = 3, _("Thứ Năm")
        FRIDAY = 4, _("Thứ Sáu")
        SATURDAY = 5, _("Thứ Bảy")
        SUNDAY = 6, _("Chủ nhật")

    commune = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="reception_days")
    weekday = models.PositiveSmallIntegerField(_("thứ"), choices=Weekday.choices)
    starts_at = models.TimeField(_("từ"))
    ends_at = models.TimeField(_("đến"))
    place = models.CharField(_("địa điểm"), max_length=200)
    host = models.CharField(_("người tiếp"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("số lượt nhận đăng ký"), default=20)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["commune", "weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="reception_weekday_0_6"),
            models.UniqueConstraint(
                fields=["commune", "weekday"],
                condition=Q(active=True),
                name="reception_one_per_weekday",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune} · {self.weekday}"


class ReceptionBooking(models.Model):
    """A resident's place at a reception day: private except for the count."""

    day = models.ForeignKey(ReceptionDay, on_delete=models.PROTECT, related_name="bookings")
    on = models.DateField(_("ngày"))
    code = models.CharField(max_length=24, unique=True)
    name = models.CharField(_("họ và tên"), max_length=200)
    phone = models.CharField(_("điện thoại"), max_length=20)
    topic = models.CharField(_("nội dung cần trình bày"), max_length=500)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["day", "on"], name="reception_booking_day_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.on}"


class CodeCounter(models.Model):
    """The last number handed out for a day's tracking codes (PAKN-YYYYMMDD-NNNN)."""

    prefix = models.CharField(max_length=16)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "day"], name="petition_code_counter_unique")
        ]
