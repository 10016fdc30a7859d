from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
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


# How an opinion reached the authority: the Art 26 forms, and the portal by a household's
# printed code (no account). The code is a way of using the portal, not an Art 26 form of its
# own, so it is not offered when an officer chooses the forms of a consultation.
HOUSEHOLD_CODE = "code"
OPINION_CHANNELS = [*Channel.choices, (HOUSEHOLD_CODE, _("Trực tuyến bằng mã hộ gia đình"))]


class ConsultationQuerySet(models.QuerySet):
    """Statuses as they stand on a day: "closed" is derived, never written by a service."""

    def running(self, on: dt.date | None = None):
        """Open and not past the closing day (it may not have started yet)."""
        on = on or timezone.localdate()
        return self.filter(status=Consultation.Status.OPEN, closes_on__gte=on)

    def closed(self, on: dt.date | None = None):
        """Past the closing day with the synthesis not yet published."""
        on = on or timezone.localdate()
        return self.filter(
            models.Q(status=Consultation.Status.CLOSED)
            | models.Q(status=Consultation.Status.OPEN, closes_on__lt=on)
        )


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

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("lấy ý kiến")
        verbose_name_plural = _("lấy ý kiến")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.unit.code, self.pk])

    def status_on(self, on: dt.date | None = None) -> str:
        """The status as it stands on `on` (today by default): an open consultation past its
        closing day is closed — no service writes "closed", so pages, the API and the rules
        all read it from here."""
        on = on or timezone.localdate()
        if self.status == self.Status.OPEN and self.closes_on < on:
            return self.Status.CLOSED
        return self.status

    @property
    def current_status(self) -> str:
        return self.status_on()

    def get_current_status_display(self) -> str:
        return str(self.Status(self.current_status).label)

    @property
    def is_closed(self) -> bool:
        return self.current_status == self.Status.CLOSED


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
    channel = models.CharField(max_length=10, choices=OPINION_CHANNELS)
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


class HouseholdCode(models.Model):
    """A household's code for one consultation, printed on a sheet the village hands out: the
    household comments online without an account. Only a hash is stored; the code itself is
    derived from the secret key and printed again from it (`codes.household_code`)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="household_codes"
    )
    household = models.ForeignKey("people.Household", on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "household"], name="one_code_per_household"
            )
        ]


class Attachment(models.Model):
    """An explanatory document of a consultation (tờ trình, thuyết minh, bản so sánh…): residents
    read the draft and what explains it (Law Art 25–26)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("tên tài liệu"), max_length=300)
    file = models.FileField(upload_to="consultations/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


# --- village conventions: hương ước, quy ước (NĐ 61/2023/NĐ-CP) ----------------------------


class Convention(models.Model):
    """A village's hương ước or quy ước (NĐ 61/2023 Art 2, 6): its versions, each going
    through the cycle draft → posting → community vote → dossier → recognition, and the
    community's own choices (a longer posting period, its review day)."""

    class Title(models.TextChoices):
        HUONG_UOC = "huong_uoc", _("Hương ước")
        QUY_UOC = "quy_uoc", _("Quy ước")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Đang xây dựng, chưa được công nhận")
        IN_FORCE = "in_force", _("Đang có hiệu lực")

    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="conventions")
    title = models.CharField(_("tên gọi"), max_length=10, choices=Title.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARING)
    # NĐ 61 Art 9(1): posted at least 30 days, or the longer period the community set.
    posting_days = models.PositiveSmallIntegerField(_("số ngày niêm yết dự thảo"), default=30)
    # Reviewed every year on 18 November, or on a day the community chose.
    review_month = models.PositiveSmallIntegerField(_("tháng rà soát"), default=11)
    review_day = models.PositiveSmallIntegerField(_("ngày rà soát"), default=18)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["village__sort_key", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(posting_days__gte=30), name="convention_posting_30_days"
            ),
            models.CheckConstraint(
                condition=models.Q(review_month__gte=1, review_month__lte=12)
                & models.Q(review_day__gte=1, review_day__lte=31),
                name="convention_review_day",
            ),
        ]
        verbose_name = _("hương ước, quy ước")
        verbose_name_plural = _("hương ước, quy ước")

    def __str__(self) -> str:
        return f"{self.get_title_display()} {self.village.name}"


class ConventionVersion(models.Model):
    """One text of a convention. Texts are never edited: a change is a new version, and each
    version carries its own cycle (posting, vote, dossier, recognition)."""

    class Stage(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        POSTED = "posted", _("Đang niêm yết lấy ý kiến")
        REVISED = "revised", _("Đã hoàn thiện thành bản sau")
        VOTING = "voting", _("Cộng đồng đang biểu quyết")
        ADOPTED = "adopted", _("Đã được thông qua")
        NOT_ADOPTED = "not_adopted", _("Không được thông qua")
        SUBMITTED = "submitted", _("Đã gửi hồ sơ đề nghị công nhận")
        RECOGNISED = "recognised", _("Đã được công nhận")
        REFUSED = "refused", _("UBND xã không công nhận")
        WITHDRAWN = "withdrawn", _("Đã rút dự thảo")

    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("bản số"))
    text = models.TextField(_("toàn văn"))
    note = models.CharField(_("nội dung sửa đổi, lý do"), max_length=300, blank=True)
    revises = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions"
    )
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.DRAFT)
    # NĐ 61 Art 9: the draft posted for comment through a consultation.
    consultation = models.ForeignKey(
        Consultation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="convention_versions",
    )
    posting_place = models.CharField(_("nơi niêm yết"), max_length=300, blank=True)
    posted_on = models.DateField(_("ngày niêm yết"), null=True, blank=True)
    posting_days = models.PositiveSmallIntegerField(_("số ngày niêm yết"), null=True, blank=True)
    # Law Art 15(3), 17(2); NĐ 61 Art 10: the community decides through the decisions engine.
    matter = models.OneToOneField(
        "decisions.Matter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="convention_version",
    )
    # The meeting day, or the end of the ballot: the dossier clock starts here.
    voted_on = models.DateField(_("ngày họp hoặc hết hạn phát phiếu"), null=True, blank=True)
    # The recognition record lives on the matter; the decision's number and date are copied
    # here, and a convention recognised before 16-8-2023 (legacy) has only these.
    recognised_on = models.DateField(_("ngày công nhận"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định công nhận"), max_length=50, blank=True)
    recognised_by_body = models.CharField(_("cơ quan công nhận"), max_length=200, blank=True)
    legacy = models.BooleanField(_("công nhận trước 16/8/2023"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "number"], name="one_convention_version_number"
            )
        ]
        verbose_name = _("bản hương ước, quy ước")
        verbose_name_plural = _("bản hương ước, quy ước")

    def __str__(self) -> str:
        return f"{self.convention} — bản {self.number}"


class ConventionDossier(models.Model):
    """The dossier asking the commune UBND to recognise an adopted convention: the request
    (Mẫu 01), the minutes of adoption (Mẫu 02, from the matter) and the adopted text."""

    version = models.OneToOneField(
        ConventionVersion, on_delete=models.PROTECT, related_name="dossier"
    )
    request_number = models.CharField(_("số văn bản đề nghị"), max_length=50, blank=True)
    request_dated = models.DateField(_("ngày văn bản đề nghị"))
    request_text = models.TextField(_("văn bản đề nghị công nhận (Mẫu 01)"))
    sent_on = models.DateField(_("ngày gửi UBND xã"))
    due_on = models.DateField(_("hạn gửi"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ đề nghị công nhận hương ước, quy ước")
        verbose_name_plural = _("hồ sơ đề nghị công nhận hương ước, quy ước")

    def __str__(self) -> str:
        return f"{self.version} — hồ sơ"

    @property
    def is_late(self) -> bool:
        return self.sent_on > self.due_on


class ConventionSignature(models.Model):
    """NĐ 61 Art 6: the village head, the head of the Ban CTMT and 02 household
    representatives sign the convention."""

    class Role(models.TextChoices):
        VILLAGE_HEAD = "village_head", _("Trưởng thôn, Tổ trưởng tổ dân phố")
        FRONT_HEAD = "front_head", _("Trưởng ban công tác Mặt trận")
        HOUSEHOLD = "household", _("Đại diện hộ gia đình")

    dossier = models.ForeignKey(
        ConventionDossier, on_delete=models.CASCADE, related_name="signatures"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    name = models.CharField(_("họ và tên"), max_length=200)
    signed_on = models.DateField(_("ngày ký"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "position"], name="one_convention_signature_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class ConventionReview(models.Model):
    """The yearly review (rà soát, đánh giá) of a convention in force, at a meeting or inside
    the community conference, chaired by the village head with the head of the Ban CTMT."""

    class Form(models.TextChoices):
        MEETING = "meeting", _("Cuộc họp cộng đồng dân cư")
        CONFERENCE = "conference", _("Hội nghị định kỳ của cộng đồng dân cư")

    class Outcome(models.TextChoices):
        KEEP = "keep", _("Tiếp tục thực hiện")
        AMEND = "amend", _("Cần sửa đổi, bổ sung")
        REPLACE = "replace", _("Cần thay thế")

    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="reviews")
    version = models.ForeignKey(ConventionVersion, on_delete=models.PROTECT, related_name="reviews")
    year = models.PositiveSmallIntegerField(_("năm"))
    reviewed_on = models.DateField(_("ngày rà soát"))
    form = models.CharField(_("hình thức"), max_length=10, choices=Form.choices)
    chair_name = models.CharField(_("chủ trì"), max_length=200)
    front_head_name = models.CharField(_("Trưởng ban công tác Mặt trận"), max_length=200)
    findings = models.TextField(_("kết quả rà soát, đánh giá"))
    outcome = models.CharField(_("kết luận"), max_length=8, choices=Outcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "convention"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "year"], name="one_convention_review_a_year"
            )
        ]
        verbose_name = _("rà soát hương ước, quy ước")
        verbose_name_plural = _("rà soát hương ước, quy ước")

    def __str__(self) -> str:
        return f"{self.convention} — rà soát {self.year}"


# --- the commune's dialogue conference (Luật Tổ chức chính quyền địa phương 2025 Art 43) ------


class VoterCount(models.Model):
    """The number of voters of a commune for a year, entered by the commune. No voter roll
    exists yet and the household roll cannot tell adults from children, so the 10 % trigger
    of Art 43 is counted against this figure."""

    commune = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="voter_counts")
    year = models.PositiveSmallIntegerField(_("năm"))
    voters = models.PositiveIntegerField(_("số cử tri"))
    source = models.CharField(_("nguồn số liệu"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "commune"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="one_voter_count_a_year"),
            models.CheckConstraint(condition=models.Q(voters__gte=1), name="voter_count_positive"),
        ]
        verbose_name = _("số cử tri của xã")
        verbose_name_plural = _("số cử tri của xã")

    def __str__(self) -> str:
        return f"{self.commune} — {self.year}: {self.voters}"


class DialogueRequest(models.Model):
    """A voter's request for a dialogue conference; one per person per year. A signed-in
    resident asks on the portal (user), or an officer enters a signed paper request (person)."""

    commune = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="dialogue_requests"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "person"],
                condition=models.Q(person__isnull=False),
                name="one_dialogue_request_per_person_a_year",
            ),
            models.UniqueConstraint(
                fields=["year", "user"],
                condition=models.Q(user__isnull=False),
                name="one_dialogue_request_per_user_a_year",
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(user__isnull=False),
                name="dialogue_request_has_someone",
            ),
        ]
        indexes = [models.Index(fields=["commune", "year"])]

    def __str__(self) -> str:
        return f"{self.commune} — {self.year}"


class DialogueConference(models.Model):
    """The commune People's Committee's dialogue conference with residents (Art 43): at least
    once a year, on the request of ≥ 10 % of the voters, or when needed."""

    class Reason(models.TextChoices):
        YEARLY = "yearly", _("Định kỳ hằng năm")
        REQUEST = "request", _("Theo yêu cầu của cử tri")
        NEEDED = "needed", _("Khi cần thiết")

    class Form(models.TextChoices):
        IN_PERSON = "in_person", _("Trực tiếp")
        ONLINE = "online", _("Trực tuyến")
        SOCIAL_NETWORK = "social_network", _("Qua mạng xã hội hợp pháp")

    commune = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="dialogue_conferences"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    held_on = models.DateField(_("ngày tổ chức"))
    place = models.CharField(_("địa điểm"), max_length=300)
    reason = models.CharField(_("lý do tổ chức"), max_length=8, choices=Reason.choices)
    forms = models.JSONField(_("hình thức"), default=list)
    content = models.TextField(_("nội dung"))
    how_to_attend = models.TextField(_("cách thức tham dự"))
    announced_on = models.DateField(_("ngày thông báo"), null=True, blank=True)
    held = models.BooleanField(default=False)
    minutes = models.TextField(_("biên bản"), blank=True)
    results = models.TextField(_("kết quả đối thoại"), blank=True)
    results_published_on = models.DateField(
        _("ngày công bố, niêm yết kết quả tại trụ sở"), null=True, blank=True
    )
    results_sent_on = models.DateField(
        _("ngày gửi kết quả đến Trưởng thôn, Tổ trưởng tổ dân phố"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["commune", "year"])]
        verbose_name = _("hội nghị đối thoại")
        verbose_name_plural = _("hội nghị đối thoại")

    def __str__(self) -> str:
        return f"{self.commune} — {self.held_on:%d/%m/%Y}"
