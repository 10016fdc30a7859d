"""Ban Chỉ đạo: committees, inspections, hot-spot rules and flags, report builds.

Indicators are SQL aggregates over the engines' own records (`danchu.steering.indicators`);
the monthly summary (`MonthlySummary`, `danchu.steering.summary`) only speeds them up and is
never used where it could disagree with the records behind a figure.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Committee(models.Model):
    """The steering committee for building and carrying out the grassroots-democracy
    regulation at a province or a commune."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="committees")
    name = models.CharField(_("tên"), max_length=300)
    decision_ref = models.CharField(_("quyết định thành lập"), max_length=120, blank=True)
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__sort_key", "pk"]
        constraints = [models.UniqueConstraint(fields=["unit"], name="one_committee_per_unit")]
        verbose_name = _("Ban Chỉ đạo")
        verbose_name_plural = _("Ban Chỉ đạo")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("steering:dashboard", args=[self.unit.code])


class CommitteeMember(models.Model):
    class Position(models.TextChoices):
        HEAD = "head", _("Trưởng ban")
        DEPUTY = "deputy", _("Phó Trưởng ban")
        MEMBER = "member", _("Thành viên")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    position = models.CharField(_("chức danh"), max_length=8, choices=Position.choices)
    title = models.CharField(_("chức vụ chính"), max_length=200, blank=True)
    since = models.DateField(_("từ ngày"), null=True, blank=True)
    left_on = models.DateField(_("thôi từ ngày"), null=True, blank=True)

    class Meta:
        ordering = ["committee", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "user"],
                condition=Q(left_on__isnull=True),
                name="one_seat_per_member",
            ),
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(position="head", left_on__isnull=True),
                name="one_head_per_committee",
            ),
        ]
        verbose_name = _("thành viên Ban Chỉ đạo")
        verbose_name_plural = _("thành viên Ban Chỉ đạo")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_position_display()}"


# --- inspections ------------------------------------------------------------------------------


class Checklist(models.Model):
    """What a visit checks: data, editable, shared by plans."""

    name = models.CharField(_("tên bộ tiêu chí"), max_length=200, unique=True)
    description = models.TextField(_("mô tả"), blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("bộ tiêu chí kiểm tra")
        verbose_name_plural = _("bộ tiêu chí kiểm tra")

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    text = models.CharField(_("nội dung kiểm tra"), max_length=400)
    basis = models.CharField(_("căn cứ"), max_length=200, blank=True)
    engine = models.CharField(_("lĩnh vực"), max_length=20, blank=True)

    class Meta:
        ordering = ["checklist", "number"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="one_checklist_number")
        ]
        verbose_name = _("tiêu chí kiểm tra")
        verbose_name_plural = _("tiêu chí kiểm tra")

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class InspectionPlan(models.Model):
    """Which teams inspect which units in which period (NĐ 59 Art 14 for the people's
    inspection board; for the steering committee the plan is its own decision)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        APPROVED = "approved", _("Đã ban hành")
        CLOSED = "closed", _("Đã kết thúc")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(_("tên kế hoạch"), max_length=300)
    period = models.CharField(_("kỳ"), max_length=10)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.APPROVED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="plan_ends_after_start"
            )
        ]
        verbose_name = _("kế hoạch kiểm tra")
        verbose_name_plural = _("kế hoạch kiểm tra")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("steering:plan", args=[self.committee.unit.code, self.pk])


class InspectionTeam(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("tên đoàn"), max_length=120)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["plan", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="one_team_name")]
        verbose_name = _("đoàn kiểm tra")
        verbose_name_plural = _("đoàn kiểm tra")

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    """One team's visit to one unit: planned, then done with its checklist results."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="visits")
    team = models.ForeignKey(InspectionTeam, on_delete=models.PROTECT, related_name="visits")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    planned_on = models.DateField(_("ngày dự kiến"))
    visited_on = models.DateField(_("ngày kiểm tra"), null=True, blank=True)
    summary = models.TextField(_("kết luận chung"), blank=True)

    class Meta:
        ordering = ["planned_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="one_visit_per_unit")]
        indexes = [models.Index(fields=["unit", "visited_on"])]
        verbose_name = _("buổi kiểm tra")
        verbose_name_plural = _("buổi kiểm tra")

    def __str__(self) -> str:
        return f"{self.team} — {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("steering:visit", args=[self.plan.committee.unit.code, self.pk])

    @property
    def is_done(self) -> bool:
        return self.visited_on is not None


class ChecklistResult(models.Model):
    class Outcome(models.TextChoices):
        MET = "met", _("Đạt")
        PARTLY = "partly", _("Đạt một phần")
        NOT_MET = "not_met", _("Không đạt")
        NOT_APPLICABLE = "na", _("Không áp dụng")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    note = models.CharField(_("ghi chú"), max_length=400, blank=True)

    class Meta:
        ordering = ["visit", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "item"], name="one_result_per_item")
        ]


class Severity(models.TextChoices):
    LOW = "low", _("Nhẹ")
    MEDIUM = "medium", _("Trung bình")
    HIGH = "high", _("Nghiêm trọng")


class Finding(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("nội dung phát hiện"))
    severity = models.CharField(_("mức độ"), max_length=8, choices=Severity.choices)
    recorded_on = models.DateField(_("ngày ghi nhận"))
    resolved_on = models.DateField(_("ngày khắc phục xong"), null=True, blank=True)

    class Meta:
        ordering = ["visit", "pk"]
        verbose_name = _("phát hiện")
        verbose_name_plural = _("phát hiện")

    def __str__(self) -> str:
        return self.text[:80]


class Recommendation(models.Model):
    """What the inspected unit must do, by a due date counted in working days."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chưa trả lời")
        ANSWERED = "answered", _("Đơn vị đã trả lời")
        CLOSED = "closed", _("Đã hoàn thành")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField(_("kiến nghị"))
    issued_on = models.DateField(_("ngày kiến nghị"))
    working_days = models.PositiveSmallIntegerField(_("số ngày làm việc"))
    due_on = models.DateField(_("hạn trả lời"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    # 0 none, 1 the inspected unit's chair told, 2 the committee told.
    escalation_level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="recommendation_overdue_idx",
                condition=Q(status="open") & Q(escalation_level__lt=2),
            )
        ]
        verbose_name = _("kiến nghị sau kiểm tra")
        verbose_name_plural = _("kiến nghị sau kiểm tra")

    def __str__(self) -> str:
        return self.text[:80]


class Response(models.Model):
    """The inspected unit's answer to a recommendation."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="responses"
    )
    text = models.TextField(_("nội dung trả lời"))
    responded_on = models.DateField(_("ngày trả lời"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["responded_on", "pk"]


class Escalation(models.Model):
    """An overdue recommendation raised to the next level, and who was told."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="escalations"
    )
    level = models.PositiveSmallIntegerField()
    on = models.DateField()
    working_days_late = models.PositiveSmallIntegerField()
    recipients = models.JSONField(default=list)

    class Meta:
        ordering = ["on", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "level"], name="one_escalation_per_level"
            )
        ]


# --- hot spots ----------------------------------------------------------------------------------


class HotSpotRule(models.Model):
    """A rule that flags a unit for attention: editable data, evaluated on the indicators."""

    class Compare(models.TextChoices):
        AT_LEAST = "gte", _("từ ngưỡng trở lên")
        AT_MOST = "lte", _("từ ngưỡng trở xuống")
        RISE = "rise", _("tăng so với kỳ trước từ ngưỡng (%) trở lên")

    class Level(models.TextChoices):
        COMMUNE = "commune", _("Xã, phường")
        VILLAGE = "village", _("Thôn, tổ dân phố")

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên quy tắc"), max_length=200)
    indicator = models.CharField(_("chỉ số"), max_length=60)
    compare = models.CharField(_("so sánh"), max_length=4, choices=Compare.choices)
    threshold = models.DecimalField(_("ngưỡng"), max_digits=9, decimal_places=3)
    # The figure is judged only when its base (denominator, or the count) is at least this.
    minimum_base = models.PositiveIntegerField(_("số tối thiểu để xét"), default=1)
    # Petitions received: only these categories (codes); empty means all.
    categories = models.JSONField(_("lĩnh vực"), default=list, blank=True)
    level = models.CharField(max_length=8, choices=Level.choices, default=Level.COMMUNE)
    active = models.BooleanField(default=True)
    basis = models.CharField(_("căn cứ, lý do"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("quy tắc điểm nóng")
        verbose_name_plural = _("quy tắc điểm nóng")

    def __str__(self) -> str:
        return self.name


class HotSpotFlag(models.Model):
    """A unit flagged by a rule in a period, with the figures that raised it."""

    rule = models.ForeignKey(HotSpotRule, on_delete=models.PROTECT, related_name="flags")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    scope = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", help_text="evaluated under"
    )
    period = models.CharField(max_length=10)
    figures = models.JSONField(default=dict)
    message = models.CharField(max_length=400)
    raised_on = models.DateField()
    cleared_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "unit", "period"], name="one_flag_per_rule_unit_period"
            )
        ]
        indexes = [models.Index(fields=["scope", "period"])]
        verbose_name = _("điểm nóng")
        verbose_name_plural = _("điểm nóng")

    def __str__(self) -> str:
        return self.message


# --- reports --------------------------------------------------------------------------------------


def _report_path(instance, filename: str) -> str:
    return f"steering/reports/{instance.pk}/{filename}"


class ReportJob(models.Model):
    """A six-month or annual review built in the background: its progress and its files."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tổng hợp")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=10)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    pdf = models.FileField(upload_to=_report_path, blank=True)
    xlsx = models.FileField(upload_to=_report_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")

    def __str__(self) -> str:
        return f"{self.unit} {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("steering:report", args=[self.unit.code, self.pk])


# --- the maintained summary of the indicators (see danchu.steering.summary) -------------------


class MonthlySummary(models.Model):
    """Component values of one source's records for one unit and one calendar month.

    Two kinds of rows: `subtree=False` counts the records whose own unit is `unit`;
    `subtree=True` counts the records of `unit` and of every unit below it (the roll-up the
    dashboard reads, one row per child instead of one per record). Only components that do
    not depend on the day are stored; a count that does ("owed and late as of today") is
    stored per deadline (`deadline`, with `owed` rows), so any day can judge it. Built by
    `danchu steering-summary`; a row is used only while its unit is not marked changed
    (`SummaryMark`), so the figures always equal the records'.
    """

    source = models.CharField(max_length=20)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.PositiveIntegerField()  # year * 100 + month, e.g. 202607
    subtree = models.BooleanField(default=False)
    deadline = models.DateField(null=True, blank=True)  # rows counting owed records only
    owed = models.PositiveIntegerField(default=0)
    # Recognitions: rows per date received and decided, judged on the working-day calendar
    # when the figures are read.
    received_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    notices_published = models.PositiveIntegerField(default=0)
    notices_compliant = models.PositiveIntegerField(default=0)
    notices_non_compliant = models.PositiveIntegerField(default=0)
    recognitions_received = models.PositiveIntegerField(default=0)
    recognitions_decided = models.PositiveIntegerField(default=0)
    conventions_in_force = models.PositiveIntegerField(default=0)
    conventions_reviewed = models.PositiveIntegerField(default=0)
    matters_decided = models.PositiveIntegerField(default=0)
    matters_adopted = models.PositiveIntegerField(default=0)
    households_took_part = models.BigIntegerField(default=0)
    households_on_roll = models.BigIntegerField(default=0)
    consultations_held = models.PositiveIntegerField(default=0)
    consultations_answered = models.PositiveIntegerField(default=0)
    opinions_received = models.PositiveIntegerField(default=0)
    opinions_answered = models.PositiveIntegerField(default=0)
    petitions_received = models.PositiveIntegerField(default=0)
    petitions_answered = models.PositiveIntegerField(default=0)
    petitions_on_time = models.PositiveIntegerField(default=0)
    petitions_late = models.PositiveIntegerField(default=0)
    petitions_rated = models.PositiveIntegerField(default=0)
    petitions_satisfied = models.PositiveIntegerField(default=0)
    petitions_with_days = models.PositiveIntegerField(default=0)
    petitions_days_sum = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            # A reader's ranges: subtree or own rows of a few units, some sources and months.
            models.Index(
                fields=["subtree", "unit", "source", "month"], name="steering_summary_lookup"
            ),
        ]
        verbose_name = _("tổng hợp theo tháng")
        verbose_name_plural = _("tổng hợp theo tháng")


class SummaryMark(models.Model):
    """A unit whose records of a source changed since the summary was built.

    Written by database triggers on the engines' tables (installed by migration 0003), in
    the same transaction as the change, so no write path — a service, a bulk update, a
    COPY — can skip it. `unit_id` empty: every unit (e.g. an Art 11 item's radio rule
    changed). While a mark stands, that unit's records are counted live."""

    source = models.CharField(max_length=20)
    unit_id = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["source", "unit_id"], name="steering_mark_lookup")]


class SummaryState(models.Model):
    """One row per summarised source once its summary has been built."""

    source = models.CharField(max_length=20, unique=True)
    refreshed_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64)  # months of date-times are local to it
    rows = models.PositiveIntegerField(default=0)
