from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danchu.core.vietnamese import fold

# Law 10/2022 Art 13(3): items 7–12 go out on commune radio for at least 03 consecutive days.
RADIO_MIN_CONSECUTIVE_DAYS = 3


class Art11Item(models.Model):
    """One of the contents the commune must publicize (Law 10/2022 Art 11). Editable data."""

    number = models.PositiveSmallIntegerField(_("khoản"), unique=True)
    title = models.CharField(_("nội dung"), max_length=300)
    # Art 13(3) [verified]: items 7–12 also go out on commune radio for 3 consecutive days.
    radio_required = models.BooleanField(_("phải phát trên loa/đài"), default=False)
    # Art 11(2) [verified]: budget execution is published quarterly, six-monthly and yearly.
    recurring = models.BooleanField(_("định kỳ quý, 6 tháng, năm"), default=False)
    # Whether the wording was read in a published copy of the law (items 1–3) or is from memory.
    verified = models.BooleanField(_("đã đối chiếu văn bản"), default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("nội dung công khai (Điều 11)")
        verbose_name_plural = _("nội dung công khai (Điều 11)")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class PostingPlace(models.Model):
    """A notice board: the commune office, a village cultural house, a market board…"""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="posting_places")
    name = models.CharField(_("nơi niêm yết"), max_length=200)

    class Meta:
        ordering = ["unit_id", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="one_place_name")]
        verbose_name = _("nơi niêm yết")
        verbose_name_plural = _("nơi niêm yết")

    def __str__(self) -> str:
        return self.name


class NoticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Notice.Status.PUBLISHED)

    def for_unit_page(self, unit):
        """Published notices of the unit and of every unit above it, newest first."""
        return (
            self.published()
            .filter(unit_id__in=_path_ids(unit))
            .select_related("unit", "item")
            .order_by("-published_at", "-pk")
        )

    def unit_page_slice(self, unit, start: int, stop: int) -> list[Notice]:
        """self[start:stop] of a for_unit_page(unit) queryset, without sorting every notice.

        A plain slice joins and sorts all the notices of the unit and the units above it
        before it cuts a page. Here each unit gives the ids of at most `stop` notices, read
        from its end of the (unit, status, published_at, id) index, and the page is cut from
        those alone: one query that costs the same with 500 notices or 500,000 (for a
        given page number). SQLite, which has no LIMIT inside UNION, takes the plain slice."""
        units = _path_ids(unit)
        compound_slices = connections[self.db].features.supports_slicing_ordering_in_compound
        if len(units) < 2 or not compound_slices:
            return list(self[start:stop])
        newest = [
            self.filter(unit_id=pk).order_by("-published_at", "-pk").values("pk")[:stop]
            for pk in units
        ]
        return list(self.filter(pk__in=newest[0].union(*newest[1:], all=True))[start:stop])

    def search(self, text: str):
        folded = fold(text)
        return self.filter(search_text__contains=folded) if folded else self

    def with_compliance(self, today: dt.date | None = None, among=None):
        """Annotate is_late, is_period_late, is_taken_down_early, is_radio_incomplete (SQL only).

        `among`, a queryset of notices that holds every row of this one, reads the postings
        and airings of those notices once, as two sets, instead of once per notice: the
        same flags, for aggregating many notices (the steering committee's figures)."""
        today = today or dt.date.today()
        late = Q(status=Notice.Status.PUBLISHED, published_on__gt=F("publish_due_on")) | Q(
            status=Notice.Status.DRAFT, publish_due_on__lt=today
        )
        period_late = Q(status=Notice.Status.PUBLISHED, published_on__gt=F("period_due_on")) | Q(
            status=Notice.Status.DRAFT, period_due_on__lt=today
        )
        if among is None:
            taken_down_early = Exists(_early_postings().filter(notice=OuterRef("pk")))
            aired = Exists(_consecutive_airings().filter(notice=OuterRef("pk")))
        else:
            ids = among.order_by().values("pk")
            taken_down_early = models.ExpressionWrapper(
                Q(pk__in=_early_postings().filter(notice__in=ids).values("notice_id")),
                output_field=models.BooleanField(),
            )
            aired = Q(pk__in=_consecutive_airings().filter(notice__in=ids).values("notice_id"))
        return self.annotate(
            is_late=models.ExpressionWrapper(late, output_field=models.BooleanField()),
            is_period_late=models.ExpressionWrapper(
                period_late, output_field=models.BooleanField()
            ),
            is_taken_down_early=taken_down_early,
            is_radio_incomplete=models.ExpressionWrapper(
                Q(status=Notice.Status.PUBLISHED, item__radio_required=True) & ~aired,
                output_field=models.BooleanField(),
            ),
        )

    def non_compliant(self, today: dt.date | None = None):
        return self.with_compliance(today).filter(
            Q(is_late=True)
            | Q(is_period_late=True)
            | Q(is_taken_down_early=True)
            | Q(is_radio_incomplete=True)
        )


def _path_ids(unit) -> list[int]:
    """The pks of the unit and of every unit above it, from its materialized path."""
    return [int(p) for p in unit.path.strip("/").split("/") if p]


def _early_postings():
    """Postings ended before their legal end, and not re-posted at that place afterwards."""
    reposted = Posting.objects.filter(
        notice=OuterRef("notice"), place=OuterRef("place"), started_on__gte=OuterRef("ended_on")
    ).exclude(pk=OuterRef("pk"))
    return Posting.objects.filter(ended_on__isnull=False, ended_on__lt=F("required_until")).exclude(
        Exists(reposted)
    )


def _consecutive_airings():
    """Airings that start a run of RADIO_MIN_CONSECUTIVE_DAYS days of their notice."""
    runs = Airing.objects.all()
    for offset in range(1, RADIO_MIN_CONSECUTIVE_DAYS):
        runs = runs.filter(
            Exists(
                Airing.objects.filter(
                    notice=OuterRef("notice"), day_number=OuterRef("day_number") + offset
                )
            )
        )
    return runs


class Notice(models.Model):
    """A notice (thông báo công khai) the commune or a village must publicize."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã công khai")

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="notices")
    item = models.ForeignKey(Art11Item, on_delete=models.PROTECT, related_name="notices")
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"))
    search_text = models.TextField(editable=False, default="")
    document_number = models.CharField(_("số văn bản"), max_length=80, blank=True)
    signed_on = models.DateField(_("ngày ký, ngày thông qua"), null=True, blank=True)
    # Deadlines fixed when the notice is created from the rules then in force.
    publish_due_on = models.DateField(null=True, blank=True, editable=False)
    period = models.CharField(_("kỳ báo cáo"), max_length=7, blank=True)
    period_due_on = models.DateField(null=True, blank=True, editable=False)
    responsible_name = models.CharField(_("người chịu trách nhiệm"), max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            # The unit page reads each unit's newest published notices from here.
            models.Index(fields=["unit", "status", "-published_at", "-id"]),
            models.Index(fields=["unit", "item", "period"]),
        ]
        verbose_name = _("thông báo công khai")
        verbose_name_plural = _("thông báo công khai")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.title} {self.document_number} {self.body}")
        super().save(*args, **kwargs)

    @property
    def period_words(self) -> str:
        """The reporting period as people say it: "quý III năm 2026", not "2026-Q3"."""
        from danchu.disclosures.printing import period_label

        return period_label(self.period)

    def get_absolute_url(self) -> str:
        return reverse("disclosures:notice", args=[self.unit.code, self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Posting(models.Model):
    """A notice on one board, from the day it went up to the day it came down."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="postings")
    place = models.ForeignKey(PostingPlace, on_delete=models.PROTECT, related_name="postings")
    started_on = models.DateField(_("ngày niêm yết"))
    # started_on + the minimum posting period: the day before which it must not come down.
    required_until = models.DateField(editable=False)
    ended_on = models.DateField(_("ngày gỡ"), null=True, blank=True)
    end_reason = models.TextField(_("lý do gỡ"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="posting_ends_after_start",
            )
        ]
        verbose_name = _("lần niêm yết")
        verbose_name_plural = _("niêm yết")

    def __str__(self) -> str:
        return f"{self.notice} @ {self.place}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    def days_posted(self, today: dt.date | None = None) -> int:
        end = self.ended_on or (today or dt.date.today())
        return max(0, (end - self.started_on).days)


class Airing(models.Model):
    """One broadcast of the notice on the commune radio or loudspeakers (Art 12(1)(iii))."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="airings")
    aired_at = models.DateTimeField(_("thời điểm phát"))
    aired_on = models.DateField(editable=False)
    # aired_on as a day number, so "the next day" is plain integer arithmetic in SQL.
    day_number = models.PositiveIntegerField(editable=False, db_index=True)
    station = models.CharField(_("đài, cụm loa"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["aired_at"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "aired_at"], name="one_airing_per_moment")
        ]
        verbose_name = _("lần phát thanh")
        verbose_name_plural = _("phát thanh")

    def __str__(self) -> str:
        return f"{self.notice} — {self.aired_at:%d/%m/%Y %H:%M}"


class Forwarding(models.Model):
    """The notice sent to a village head, and how he passed it on (Art 12(1)(iv), 13(4))."""

    class Method(models.TextChoices):
        MEETING = "meeting", _("Họp cộng đồng dân cư")
        ORGANISATIONS = "organisations", _("Họp các tổ chức đoàn thể")
        HOUSEHOLD = "household", _("Thông báo đến từng hộ")
        WRITTEN = "written", _("Thông báo bằng văn bản")
        SMS = "sms", _("Tin nhắn đến đại diện hộ")
        GROUP = "group", _("Nhóm mạng xã hội của thôn")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="forwardings")
    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    forwarded_on = models.DateField(_("ngày gửi trưởng thôn"))
    relay_method = models.CharField(
        _("hình thức truyền đạt"), max_length=16, choices=Method.choices, blank=True
    )
    relayed_on = models.DateField(_("ngày truyền đạt"), null=True, blank=True)
    relay_note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["village__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "village"], name="one_forwarding_per_village")
        ]
        verbose_name = _("gửi trưởng thôn")
        verbose_name_plural = _("gửi trưởng thôn")

    def __str__(self) -> str:
        return f"{self.notice} → {self.village}"


def _upload_path(instance, filename: str) -> str:
    return f"disclosures/{instance.sha256[:2]}/{instance.sha256}{_extension(instance.content_type)}"


def _extension(content_type: str) -> str:
    return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(
        content_type, ""
    )


class Attachment(models.Model):
    """A document attached to a notice, or a photo proving a posting or an airing."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    posting = models.ForeignKey(
        Posting, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    airing = models.ForeignKey(
        Airing, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(upload_to=_upload_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_evidence(self) -> bool:
        return self.posting_id is not None or self.airing_id is not None


class Acknowledgment(models.Model):
    """A resident's "I have read this" — counted per village."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="acknowledgments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="one_acknowledgment_per_user")
        ]
        verbose_name = _("xác nhận đã đọc")
        verbose_name_plural = _("xác nhận đã đọc")
