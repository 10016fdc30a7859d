from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Art25Item(models.Model):
    """A matter on which citizens give opinions before the authority decides (Law Art 25)."""

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=300)
    verified = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("nội dung lấy ý kiến (Điều 25)")
        verbose_name_plural = _("nội dung lấy ý kiến (Điều 25)")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Channel(models.TextChoices):
    """Forms of giving opinions (Law Art 26) and how an opinion reached the authority."""

    DIALOGUE = "dialogue", _("Hội nghị đối thoại")
    MEETING = "meeting", _("Cuộc họp cộng đồng dân cư")
    BALLOT = "ballot", _("Phiếu lấy ý kiến hộ gia đình")
    BOX = "box", _("Hòm thư góp ý, đường dây nóng")
    FRONT = "front", _("Qua Ban công tác Mặt trận, tổ chức đoàn thể")
    PORTAL = "portal", _("Trang thông tin điện tử (danchu)")
    GROUP = "group", _("Mạng xã hội, nhóm của cộng đồng")
    AFFECTED = "affected", _("Đối thoại với người chịu tác động")


class Consultation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Chuẩn bị")
        OPEN = "open", _("Đang lấy ý kiến")
        CLOSED = "closed", _("Đã hết hạn góp ý")
        ANSWERED = "answered", _("Đã công bố tổng hợp")

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="consultations")
    item = models.ForeignKey(Art25Item, on_delete=models.PROTECT, related_name="consultations")
    title = models.CharField(_("tiêu đề"), max_length=300)
    summary = models.TextField(_("giới thiệu"), blank=True)
    forms = models.JSONField(_("hình thức lấy ý kiến"), default=list)
    opens_on = models.DateField(_("ngày bắt đầu"))
    closes_on = models.DateField(_("ngày kết thúc"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    synthesis_published_at = models.DateTimeField(null=True, blank=True)
    reported_to = models.CharField(_("báo cáo cơ quan có thẩm quyền"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("lấy ý kiến")
        verbose_name_plural = _("lấy ý kiến")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.unit.code, self.pk])


class Section(models.Model):
    """A numbered part of the draft; residents comment on one section or the whole draft."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="sections"
    )
    number = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=300, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="one_section_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}" if self.heading else str(self.number)


class OpinionGroup(models.Model):
    """A group of like opinions in the synthesis, with the authority's answer (Art 27–29)."""

    class Answer(models.TextChoices):
        ACCEPTED = "accepted", _("Tiếp thu")
        NOT_ACCEPTED = "not_accepted", _("Không tiếp thu (có giải trình)")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="groups")
    title = models.CharField(_("nội dung ý kiến"), max_length=300)
    answer = models.CharField(max_length=14, choices=Answer.choices, blank=True)
    reason = models.TextField(_("giải trình, tiếp thu"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Opinion(models.Model):
    """One opinion. Its author's name is public only if they chose so; the original text is
    kept even when a moderator shortens or hides it."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="opinions"
    )
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="opinions"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    text = models.TextField()
    original_text = models.TextField(editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200, blank=True)
    is_public = models.BooleanField(default=True)
    show_name = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    moderation_note = models.CharField(max_length=300, blank=True)
    group = models.ForeignKey(
        OpinionGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="opinions"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["consultation", "group"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def public_name(self) -> str:
        return self.author_name if self.show_name and self.author_name else ""
