"""Village heads and board members: elections, terms, dismissals, acting heads (NĐ 59 Art 6–9),
and the annual community conference (Law 10/2022 Art 33; NĐ 59 Art 10–11).

An election or a dismissal is itself a Matter (Art 15 item 4 or 5); the models here hold what
the law asks around it: the commune's decisions and their dates, the election team, the
candidates, the term that follows recognition, and the clock for a new election.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Office(models.TextChoices):
    VILLAGE_HEAD = "village_head", _("Trưởng thôn, Tổ trưởng tổ dân phố")
    INSPECTION_BOARD = "inspection_board", _("Thành viên Ban Thanh tra nhân dân")
    # Law Art 41; NĐ 59 Art 17: resident members of a project's investment-supervision board.
    INVESTMENT_BOARD = "investment_board", _("Thành viên Ban Giám sát đầu tư của cộng đồng")


class TermSetting(models.Model):
    """A province's term for village heads (2½ or 5 years, TT 04/2012 as amended): R23."""

    province = models.OneToOneField(
        "units.Unit", on_delete=models.PROTECT, related_name="term_setting"
    )
    months = models.PositiveSmallIntegerField(_("nhiệm kỳ (tháng)"))
    basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(months__gte=1), name="term_setting_months_positive")
        ]
        verbose_name = _("nhiệm kỳ theo tỉnh")
        verbose_name_plural = _("nhiệm kỳ theo tỉnh")

    def __str__(self) -> str:
        return f"{self.province}: {self.months}"


class Election(models.Model):
    """The preparation of one election (NĐ 59 Art 6) around its Matter.

    Dates are those of the decisions themselves; the services refuse any date that breaks
    the minimum lead time before `meeting_on` (20, 10 and 07 calendar days).
    """

    matter = models.OneToOneField(
        "decisions.Matter", on_delete=models.PROTECT, related_name="election"
    )
    office = models.CharField(max_length=16, choices=Office.choices)
    meeting_on = models.DateField(_("ngày họp bầu"))
    # Chair's decision to hold the election, with the plan made with UBMTTQ xã (≥ 20 days).
    decided_on = models.DateField(_("ngày quyết định tổ chức bầu, kế hoạch"))
    decision_ref = models.CharField(_("số quyết định"), max_length=100, blank=True)
    # Decision setting up the Tổ bầu cử (≥ 10 days), after agreeing with UBMTTQ xã.
    team_decided_on = models.DateField(
        _("ngày quyết định thành lập Tổ bầu cử"), null=True, blank=True
    )
    team_decision_ref = models.CharField(max_length=100, blank=True)
    # Both decisions made public: posted at the cultural house, radio… (≥ 07 days).
    announced_on = models.DateField(_("ngày công bố"), null=True, blank=True)
    announced_how = models.CharField(_("hình thức công bố"), max_length=300, blank=True)
    # Mẫu 05: the meeting that drew up the candidate list.
    candidate_list_met_on = models.DateField(null=True, blank=True)
    candidate_list_minutes = models.TextField(blank=True)
    # An investment-supervision board serves one project and dissolves when its task is done
    # (Law Art 41(1)): the project, and the day its completion is planned, bound the term.
    project = models.CharField(_("chương trình, dự án"), max_length=300, blank=True)
    project_ends_on = models.DateField(_("dự kiến hoàn thành"), null=True, blank=True)
    # A by-election for a board seat left vacant with ≥ 06 months of term (Law Art 36(2)).
    by_election_for = models.ForeignKey(
        "Term", null=True, blank=True, on_delete=models.PROTECT, related_name="by_elections"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-meeting_on", "-pk"]
        verbose_name = _("cuộc bầu cử")
        verbose_name_plural = _("cuộc bầu cử")

    def __str__(self) -> str:
        return str(self.matter)


class ElectionTeamMember(models.Model):
    """A member of the Tổ bầu cử: a Ban CTMT representative leads it (NĐ 59 Art 6)."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Tổ trưởng (đại diện Ban công tác Mặt trận)")
        MEMBER = "member", _("Thành viên")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="team")
    full_name = models.CharField(_("họ và tên"), max_length=200)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    representing = models.CharField(_("đại diện cho"), max_length=200, blank=True)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election"], condition=Q(role="leader"), name="one_team_leader"
            ),
            models.UniqueConstraint(
                fields=["election", "person"], name="team_member_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Candidacy(models.Model):
    """One line of the candidate list (Mẫu 05); its Option is what households vote for."""

    class Source(models.TextChoices):
        FRONT = "front", _("Ban công tác Mặt trận giới thiệu")
        SELF = "self", _("Tự ứng cử")
        NOMINATED = "nominated", _("Được đề cử")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidacies")
    option = models.OneToOneField(
        "decisions.Option", on_delete=models.CASCADE, related_name="candidacy"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FRONT)

    class Meta:
        ordering = ["option__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["election", "person"], name="candidate_once")
        ]

    def __str__(self) -> str:
        return str(self.option)


class Term(models.Model):
    """A term of office. It exists only once the election is recognised (NĐ 59 Art 8)."""

    class EndReason(models.TextChoices):
        DISMISSED = "dismissed", _("Cho thôi làm")
        EXPIRED = "expired", _("Hết nhiệm kỳ")
        SUCCEEDED = "succeeded", _("Người mới được công nhận")

    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="terms")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="terms")
    office = models.CharField(max_length=16, choices=Office.choices)
    # Null for a term recorded from paper: elected and recognised before the commune used
    # danchu (`record_existing_term`), with the recognition decision in `basis`.
    election = models.OneToOneField(
        Election, null=True, blank=True, on_delete=models.PROTECT, related_name="term"
    )
    basis = models.CharField(_("căn cứ (quyết định công nhận)"), max_length=300, blank=True)
    started_on = models.DateField(_("ngày bắt đầu (ngày công nhận)"))
    months = models.PositiveSmallIntegerField(_("nhiệm kỳ (tháng)"))
    planned_end_on = models.DateField(_("hết nhiệm kỳ theo quy định"))
    # The end in force: planned_end_on, moved later by each recorded extension.
    ends_on = models.DateField(_("hết nhiệm kỳ"))
    ended_on = models.DateField(_("ngày thôi giữ chức"), null=True, blank=True)
    end_reason = models.CharField(max_length=10, choices=EndReason.choices, blank=True)

    class Meta:
        ordering = ["village", "office", "-started_on"]
        constraints = [
            # One head and one Ban TTND member per village (Law Art 36(1)); a village may
            # have residents on several projects' investment-supervision boards at once.
            models.UniqueConstraint(
                fields=["village", "office"],
                condition=Q(ended_on__isnull=True) & ~Q(office="investment_board"),
                name="one_open_term_per_office",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("planned_end_on")),
                name="term_extension_only_later",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="term_ends_after_start",
            ),
        ]
        verbose_name = _("nhiệm kỳ")
        verbose_name_plural = _("nhiệm kỳ")

    def __str__(self) -> str:
        return f"{self.person} — {self.get_office_display()} {self.village}"


class TermExtension(models.Model):
    """A recorded decision extending a term (provinces extended terms in 2025–26)."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="extensions")
    decision_ref = models.CharField(_("số quyết định"), max_length=100)
    decided_on = models.DateField(_("ngày quyết định"))
    previous_end_on = models.DateField()
    new_end_on = models.DateField(_("hết nhiệm kỳ mới"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_on", "pk"]


class Dismissal(models.Model):
    """A resignation or a proposal to dismiss (NĐ 59 Art 9), and its outcome.

    The community decides at a meeting (a Matter of item 4 or 5); the term ends on the date
    that decision is recognised, and the 60-day clock for a new election starts then.
    """

    class Grounds(models.TextChoices):
        RESIGNATION = "resignation", _("Xin thôi làm")
        PROPOSAL = "proposal", _("Trưởng ban công tác Mặt trận đề nghị cho thôi làm")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Đang xem xét")
        DISMISSED = "dismissed", _("Đã cho thôi làm")
        RETAINED = "retained", _("Không cho thôi làm")

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="dismissals")
    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    grounds = models.CharField(max_length=12, choices=Grounds.choices)
    submitted_on = models.DateField(_("ngày gửi đơn, đề nghị"))
    submitted_by_name = models.CharField(_("người gửi"), max_length=200)
    reason = models.TextField(_("lý do"))
    matter = models.OneToOneField(
        "decisions.Matter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dismissal",
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    effective_on = models.DateField(null=True, blank=True)
    # NĐ 59 Art 9(3): the commune UBND decides a new election within 60 days of recognition.
    new_election_due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["term"], condition=Q(outcome="pending"), name="one_pending_dismissal"
            )
        ]
        indexes = [models.Index(fields=["village", "new_election_due_on"])]

    def __str__(self) -> str:
        return f"{self.get_grounds_display()} — {self.term}"


class ActingHead(models.Model):
    """A lâm thời head named by the commune UBND with UBMTTQ xã's agreement (NĐ 59 Art 9(3)).

    The law sets no limit to the acting term: it lasts until an elected head is recognised.
    """

    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    appointed_on = models.DateField(_("ngày chỉ định"))
    decision_ref = models.CharField(_("số quyết định"), max_length=100, blank=True)
    front_agreed_on = models.DateField(_("ngày UBMTTQ xã thống nhất"))
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-appointed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["village"], condition=Q(ended_on__isnull=True), name="one_acting_head"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} (lâm thời) — {self.village}"


class Conference(models.Model):
    """The yearly community conference of a village (Law Art 33; NĐ 59 Art 10–11): R24."""

    class Channel(models.TextChoices):
        WRITTEN = "written", _("Văn bản")
        RADIO = "radio", _("Hệ thống truyền thanh của thôn")
        SOCIAL_GROUP = "social_group", _("Nhóm mạng xã hội của thôn")

    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="conferences")
    year = models.PositiveSmallIntegerField(_("năm"))
    held_on = models.DateField(_("ngày tổ chức"))
    place = models.CharField(_("địa điểm"), max_length=300)
    plan = models.TextField(_("kế hoạch (thời gian, địa điểm, nội dung, cách tổ chức)"))
    plan_sent_on = models.DateField(_("ngày gửi kế hoạch"), null=True, blank=True)
    committee_agreed_on = models.DateField(_("UBND xã thống nhất"), null=True, blank=True)
    front_agreed_on = models.DateField(_("UBMTTQ xã thống nhất"), null=True, blank=True)
    inspection_board_agreed_on = models.DateField(
        _("Ban Thanh tra nhân dân thống nhất"), null=True, blank=True
    )
    summons_sent_on = models.DateField(_("ngày gửi giấy triệu tập"), null=True, blank=True)
    summons_channels = models.JSONField(_("hình thức triệu tập"), default=list, blank=True)
    held = models.BooleanField(default=False)
    secretary_name = models.CharField(_("thư ký"), max_length=200, blank=True)
    head_report = models.TextField(_("báo cáo của Trưởng thôn"), blank=True)
    front_report = models.TextField(_("báo cáo của Ban công tác Mặt trận"), blank=True)
    inspection_report = models.TextField(_("báo cáo của thành viên Ban TTND"), blank=True)
    minutes = models.TextField(_("biên bản"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "village"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="one_conference_a_year")
        ]
        verbose_name = _("hội nghị định kỳ")
        verbose_name_plural = _("hội nghị định kỳ")

    def __str__(self) -> str:
        return f"{self.village} — {self.year}"

    @property
    def agreed(self) -> bool:
        return None not in (
            self.committee_agreed_on,
            self.front_agreed_on,
            self.inspection_board_agreed_on,
        )
