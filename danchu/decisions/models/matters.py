from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Item(models.IntegerChoices):
    """The matters citizens discuss and decide (Law 10/2022 Art 15)."""

    CONTRIBUTIONS = 1, _("Chủ trương, mức đóng góp xây dựng cơ sở hạ tầng, công trình công cộng")
    FUNDS = 2, _("Thu, chi, quản lý các khoản đóng góp, kinh phí, tài sản do cộng đồng quản lý")
    CONVENTION = 3, _("Nội dung hương ước, quy ước")
    VILLAGE_HEAD = 4, _("Bầu, cho thôi làm Trưởng thôn, Tổ trưởng tổ dân phố")
    BOARD_MEMBERS = 5, _("Bầu, cho thôi làm thành viên Ban Thanh tra nhân dân, Ban Giám sát đầu tư")
    OTHER = 6, _("Công việc tự quản khác trong cộng đồng")


class Form(models.TextChoices):
    """How the community decides (Law 10/2022 Art 17)."""

    MEETING = "meeting", _("Họp cộng đồng dân cư")
    BALLOT = "ballot", _("Phát phiếu lấy ý kiến hộ gia đình")
    ONLINE = "online", _("Biểu quyết trực tuyến")


class Matter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Chuẩn bị")
        OPEN = "open", _("Đang lấy ý kiến")
        CLOSED = "closed", _("Đã kiểm phiếu")

    class Kind(models.TextChoices):
        DECISION = "decision", _("Quyết định")
        ELECTION = "election", _("Bầu cử")

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="matters")
    item = models.PositiveSmallIntegerField(_("nội dung (Điều 15)"), choices=Item.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DECISION)
    title = models.CharField(_("tiêu đề"), max_length=300)
    description = models.TextField(_("nội dung"), blank=True)
    secret = models.BooleanField(_("bỏ phiếu kín"), default=False)
    # Law Art 18(3): meeting in clusters is allowed with 200 households or more, or where the
    # dwellings are scattered (dân cư không tập trung), as the village head records here.
    scattered_dwellings = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    form = models.CharField(_("hình thức"), max_length=8, choices=Form.choices, blank=True)
    # NĐ 59 Art 4(1)(b): a ballot organised because a meeting could not reach the rate.
    ballot_fallback = models.BooleanField(default=False)
    # Frozen when the matter opens: later roster changes never change the denominator.
    roll_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    collection_ends_on = models.DateField(_("hết hạn thu phiếu"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Agreements the law requires before a ballot for item 6 or an online vote.
    head_agreed_on = models.DateField(_("trưởng thôn đồng ý"), null=True, blank=True)
    front_agreed_on = models.DateField(
        _("trưởng ban công tác Mặt trận đồng ý"), null=True, blank=True
    )
    unanimous_choice_on = models.DateField(
        _("cộng đồng thống nhất chọn trực tuyến"), null=True, blank=True
    )
    commune_reported_on = models.DateField(_("đã báo cáo UBND, UBMTTQ xã"), null=True, blank=True)
    # Result, fixed when the count closes (the minutes record it).
    adopted = models.BooleanField(null=True, blank=True)
    winner = models.ForeignKey(
        "Option", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.JSONField(default=dict, blank=True, editable=False)
    # NĐ 59 Art 4(7): a ballot's decision goes to UBND and UBMTTQ xã within 05 working days.
    sent_to_commune_on = models.DateField(null=True, blank=True)
    # Law Art 21(2): recognition within 05 working days of receipt, or a reasoned refusal.
    received_on = models.DateField(_("ngày nhận hồ sơ công nhận"), null=True, blank=True)
    recognised_on = models.DateField(null=True, blank=True)
    refused_on = models.DateField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)
    recognised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "status"])]
        verbose_name = _("vấn đề cộng đồng quyết định")
        verbose_name_plural = _("vấn đề cộng đồng quyết định")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions:matter", args=[self.unit.code, self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Option(models.Model):
    """A choice on the ballot: agree/disagree, one of several options, or a candidate."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    candidate = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="candidacies"
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["matter", "label"], name="option_label")]

    def __str__(self) -> str:
        return self.label


class RollEntry(models.Model):
    """A household on a matter's frozen roll; `code_hash` finds its one-time ballot code."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="roll")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["matter", "household"], name="one_roll_entry")
        ]


class MeetingSession(models.Model):
    """A community meeting, or one cluster meeting of a village of 200+ households (Art 18(3))."""

    class Method(models.TextChoices):
        HANDS = "hands", _("Giơ tay")
        SECRET = "secret", _("Bỏ phiếu kín")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="sessions")
    name = models.CharField(_("cuộc họp, cụm"), max_length=120)
    held_on = models.DateField(_("ngày họp"))
    chair_name = models.CharField(_("chủ trì"), max_length=200)
    secretary_name = models.CharField(_("thư ký"), max_length=200, blank=True)
    method = models.CharField(
        _("cách biểu quyết"), max_length=8, choices=Method.choices, blank=True
    )
    counting_board = models.JSONField(_("ban kiểm phiếu"), default=list, blank=True)
    counted = models.BooleanField(default=False)
    minutes = models.TextField(_("tóm tắt thảo luận"), blank=True)

    class Meta:
        ordering = ["held_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["matter", "name"], name="session_name")]

    def __str__(self) -> str:
        return f"{self.matter} — {self.name}"


class ProceduralVote(models.Model):
    """A show of hands on the conduct of the meeting (NĐ 59 Art 3(5)): >50% of those present."""

    class Question(models.TextChoices):
        SECRETARY = "secretary", _("Bầu thư ký")
        METHOD = "method", _("Hình thức biểu quyết")
        COUNTING_BOARD = "counting_board", _("Ban kiểm phiếu")

    session = models.ForeignKey(
        MeetingSession, on_delete=models.CASCADE, related_name="procedural_votes"
    )
    question = models.CharField(max_length=16, choices=Question.choices)
    in_favour = models.PositiveIntegerField()
    present = models.PositiveIntegerField()
    passed = models.BooleanField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]


class SessionCount(models.Model):
    """Votes for one option at one meeting session: hands counted, or the counting board's tally."""

    session = models.ForeignKey(MeetingSession, on_delete=models.CASCADE, related_name="counts")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="+")
    votes = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "option"], name="one_count_per_option")
        ]


class Participation(models.Model):
    """That a household took part — at the meeting, on paper or online. Never what it chose.

    The unique constraint is the rule "one household, one vote" (Law Art 18(2)) held by
    the database itself, on SQLite and PostgreSQL, whatever the number of writers.
    """

    class Channel(models.TextChoices):
        MEETING = "meeting", _("Dự họp")
        PAPER = "paper", _("Phiếu giấy")
        ONLINE = "online", _("Trực tuyến")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="participations")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    session = models.ForeignKey(
        MeetingSession, null=True, blank=True, on_delete=models.CASCADE, related_name="attendance"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["matter", "household"], name="one_household_one_vote")
        ]
        indexes = [models.Index(fields=["matter", "channel"])]


class Choice(models.Model):
    """What was chosen on one paper or online ballot of an open (not secret) vote, with the
    household that chose it. A secret vote keeps no row per ballot: see SecretCount."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="choices")
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["matter", "option"])]


class SecretCount(models.Model):
    """The ballot box of a secret vote: how many ballots chose each option, and nothing else.

    A row per ballot, even without the household, could be joined back to the Participation
    written in the same transaction by the order rows are stored in (SQLite's rowid, a
    PostgreSQL table's physical order). A counter that every ballot adds one to holds no such
    order: who took part (Participation) and what they chose cannot be joined (Art 18(2);
    NĐ 59 Art 4)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="secret_counts")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="+")
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["matter", "option"], name="one_secret_count_per_option")
        ]


class VoteConflict(models.Model):
    """A second attempt for a household that has already taken part: refused, kept for review."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="conflicts")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="+")
    first_channel = models.CharField(max_length=8, choices=Participation.Channel.choices)
    second_channel = models.CharField(max_length=8, choices=Participation.Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]


def _document_path(instance, filename: str) -> str:
    extension = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
    return (
        f"decisions/{instance.sha256[:2]}/{instance.sha256}"
        f"{extension.get(instance.content_type, '')}"
    )


class MatterDocument(models.Model):
    """A document the households read before deciding (a plan, an estimate, a map, a draft),
    attached to the matter and public with it (Law Art 16: what is put to the community)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("tên tài liệu"), max_length=200)
    file = models.FileField(upload_to=_document_path)
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
        verbose_name = _("tài liệu của vấn đề")
        verbose_name_plural = _("tài liệu của vấn đề")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "decisions:attachment", args=[self.matter.unit.code, self.matter_id, self.pk]
        )
