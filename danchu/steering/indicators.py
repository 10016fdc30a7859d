"""The steering committee's indicators: one definition each, computed from the engines' records.

Each engine contributes a *source* — the rows it recorded, the field that places a row in a
period, and the path of the row's unit — and *components*, counts (or sums) over those rows.
An indicator is a component, or the ratio of two components of one source. Every figure is
a SQL aggregate: one query per source gives the figures of every child of a unit (a
province's communes, a commune's villages) and their total; one query per source gives a
unit's figures over several periods (the trend). Where the monthly summary has been built
(`danchu.steering.summary`), the same figures are read from it — with the units whose
records changed since counted live, so a figure never disagrees with the records; tests
compare both ways. `records()` lists the rows behind any component (always live), which is
what the dashboard's figures link to.

Records of units that have ended (a merged village) stay under their old unit, which is
still a child of the same commune: they roll up as their own row. A unit that succeeded
others (`Unit.successor`) also counts the records of its predecessors' subtrees.

Engines not installed in this codebase are "not yet recorded" (`None`), never zero. The
definitions are documented in docs/steering.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.apps import apps
from django.db import connections
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Greatest, StrIndex, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danchu.steering import summary
from danchu.steering.periods import Period
from danchu.units.models import Unit
from danchu.workdays.models import DayOverride
from danchu.workdays.services import _is_working

# Law 10/2022 Art 21(2): recognise or refuse a community decision within 05 working days.
RECOGNITION_WORKING_DAYS = 5
# Petitions: a rating of 4 or 5 (of 5) counts as satisfied — the same cut as
# danchu.petitions.services.statistics.
SATISFIED_FROM = 4
PETITION_OPEN_STATUSES = ("received", "verifying", "accepted")

NOT_RECORDED = _("chưa ghi nhận")

PeriodQ = Callable[[Period, dt.date], Q]
EVERYWHERE = Q()


@dataclass(frozen=True)
class Component:
    """A count of the source's rows matching `where`, or the sum of `value` over them."""

    name: str
    where: PeriodQ = lambda p, today: Q()  # noqa: E731
    value: Callable[[], object] | None = None
    distinct: str | None = None  # count distinct values of this field instead of rows


@dataclass(frozen=True)
class Source:
    key: str
    engine: str
    app: str
    path: str  # lookup of the row's unit path, e.g. "unit__path"
    # rows for [start, end] judged today, within a condition on the row's unit
    rows: Callable[..., QuerySet]
    in_period: PeriodQ  # the condition that places a row in a period
    components: tuple[Component, ...]
    # Components computed in Python from grouped rows (the working-day calendar).
    computed: Callable | None = None
    computed_names: tuple[str, ...] = ()
    computed_from: tuple[str, ...] = ()  # the fields `computed` reads from each row
    link: Callable[[object], str] | None = None  # a record's own page
    stock: bool = False  # a row counts in every period after it, not in one
    describe: Callable[[object], str] = str

    def installed(self) -> bool:
        return apps.is_installed(self.app)


@dataclass(frozen=True)
class Indicator:
    key: str
    engine: str
    source: str
    label: str
    definition: str
    numerator: str
    denominator: str | None = None
    kind: str = "count"  # count, share, average
    higher_is_better: bool | None = True


@dataclass
class Figures:
    """Component values of one unit (or one child row) for one period."""

    values: dict[str, int | float | None] = field(default_factory=dict)

    def indicator(self, ind: Indicator):
        num = self.values.get(ind.numerator)
        if ind.denominator is None:
            return num
        den = self.values.get(ind.denominator)
        if num is None or den is None:
            return None
        return (num / den) if den else None

    def base(self, ind: Indicator):
        return self.values.get(ind.denominator or ind.numerator)


# --- the calendar, read once for a whole query ------------------------------------------------


def working_day_due(dates, n: int) -> dict[dt.date, dt.date]:
    """{d: add_working_days(d, n)} for many dates with one read of the calendar overrides."""
    dates = sorted(set(dates))
    if not dates:
        return {}
    horizon = dates[-1] + dt.timedelta(days=n * 3 + 30)
    overrides = dict(
        DayOverride.objects.filter(date__range=(dates[0], horizon)).values_list(
            "date", "is_working_day"
        )
    )
    result = {}
    for start in dates:
        day, counted = start, 0
        while counted < n:
            day += dt.timedelta(days=1)
            if _is_working(day, overrides):
                counted += 1
        result[start] = day
    return result


def _aware(day: dt.date, end: bool = False) -> dt.datetime:
    moment = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time())
    return timezone.make_aware(moment)


def _between(field_name: str, datetime_field: bool = False) -> PeriodQ:
    if datetime_field:
        return lambda p, today: Q(
            **{f"{field_name}__gte": _aware(p.start), f"{field_name}__lt": _aware(p.end, True)}
        )
    return lambda p, today: Q(**{f"{field_name}__gte": p.start, f"{field_name}__lte": p.end})


# --- sources -----------------------------------------------------------------------------------


def _notices(start, end, today, within=EVERYWHERE):
    from danchu.disclosures.models import Notice

    # The flags of NoticeQuerySet.non_compliant; a comparison with an empty deadline is
    # NULL in SQL, so the CASE turns "not flagged" into a plain false.
    flagged = (
        Q(is_late=True)
        | Q(is_period_late=True)
        | Q(is_taken_down_early=True)
        | Q(is_radio_incomplete=True)
    )
    # The postings and airings are read once for all these notices (two sets), not once per
    # notice: the same flags, at the cost of one pass.
    published = Notice.objects.filter(
        within, status=Notice.Status.PUBLISHED, published_on__gte=start, published_on__lte=end
    )
    return published.with_compliance(today, among=published).annotate(
        flagged=Case(When(flagged, then=Value(True)), default=Value(False))
    )


_COMPLIANT = Q(flagged=False)


def _matters(start, end, today, within=EVERYWHERE):
    from danchu.decisions.models import Matter

    return Matter.objects.filter(
        within,
        status=Matter.Status.CLOSED,
        closed_at__gte=_aware(start),
        closed_at__lt=_aware(end, True),
    )


def _recognitions(start, end, today, within=EVERYWHERE):
    from danchu.decisions.models import Matter

    return Matter.objects.filter(within, received_on__gte=start, received_on__lte=end).annotate(
        decided_on=Coalesce("recognised_on", "refused_on")
    )


def _recognition_computed(rows: list[dict], today: dt.date) -> list[dict]:
    """On time, late, or overdue: each row is (group, period index, received_on, decided_on, n)."""
    due = working_day_due([r["received_on"] for r in rows], RECOGNITION_WORKING_DAYS)
    out = []
    for r in rows:
        deadline = due[r["received_on"]]
        decided = r["decided_on"]
        out.append(
            {
                "recognitions_on_time": r["n"] if decided and decided <= deadline else 0,
                "recognitions_late": r["n"] if decided and decided > deadline else 0,
                "recognitions_overdue": r["n"] if not decided and deadline < today else 0,
            }
        )
    return out


def _consultations(start, end, today, within=EVERYWHERE):
    from danchu.consultations.models import Consultation

    return Consultation.objects.exclude(status=Consultation.Status.DRAFT).filter(
        within, closes_on__gte=start, closes_on__lte=end
    )


def _opinions(start, end, today, within=EVERYWHERE):
    from danchu.consultations.models import Consultation, Opinion

    return Opinion.objects.exclude(consultation__status=Consultation.Status.DRAFT).filter(
        within, consultation__closes_on__gte=start, consultation__closes_on__lte=end
    )


def _recognised_versions(start, end, today, within=EVERYWHERE):
    """Recognised texts of conventions: a convention is in force from its first one."""
    from danchu.consultations.models import ConventionVersion

    return ConventionVersion.objects.filter(
        within, recognised_on__isnull=False, recognised_on__lte=end
    )


def _reviews(start, end, today, within=EVERYWHERE):
    """Yearly reviews from 1 January of the first period's year (NĐ 61/2023: every year)."""
    from danchu.consultations.models import ConventionReview

    return ConventionReview.objects.filter(
        within, reviewed_on__gte=dt.date(start.year, 1, 1), reviewed_on__lte=end
    )


def _petitions(start, end, today, within=EVERYWHERE):
    from danchu.petitions.models import Petition

    return Petition.objects.filter(within, received_on__gte=start, received_on__lte=end)


def _visits(start, end, today, within=EVERYWHERE):
    from danchu.steering.models import Visit

    return Visit.objects.filter(within, visited_on__gte=start, visited_on__lte=end)


def _findings(start, end, today, within=EVERYWHERE):
    from danchu.steering.models import Finding

    return Finding.objects.filter(within, recorded_on__gte=start, recorded_on__lte=end)


def _recommendations(start, end, today, within=EVERYWHERE):
    from danchu.steering.models import Recommendation

    return Recommendation.objects.filter(within, issued_on__gte=start, issued_on__lte=end)


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source(
            key="notices",
            engine="disclosures",
            app="danchu.disclosures",
            path="unit__path",
            rows=_notices,
            in_period=_between("published_on"),
            components=(
                Component("notices_published"),
                Component("notices_compliant", lambda p, t: _COMPLIANT),
                Component("notices_non_compliant", lambda p, t: Q(flagged=True)),
            ),
            link=lambda n: n.get_absolute_url(),
            describe=lambda n: f"{n.title} — {n.unit.name} ({n.published_on:%d/%m/%Y})",
        ),
        Source(
            key="matters",
            engine="decisions",
            app="danchu.decisions",
            path="unit__path",
            rows=_matters,
            in_period=_between("closed_at", datetime_field=True),
            components=(
                Component("matters_decided"),
                Component("matters_adopted", lambda p, t: Q(adopted=True)),
                Component(
                    "households_took_part",
                    value=lambda: Cast(KT("result__participated"), IntegerField()),
                ),
                Component("households_on_roll", value=lambda: F("roll_size")),
            ),
            link=lambda m: m.get_absolute_url(),
            describe=lambda m: (
                f"{m.title} — {m.unit.name}: "
                f"{(m.result or {}).get('participated', 0)}/{m.roll_size or 0} hộ"
            ),
        ),
        Source(
            key="recognitions",
            engine="decisions",
            app="danchu.decisions",
            path="unit__path",
            rows=_recognitions,
            in_period=_between("received_on"),
            components=(
                Component("recognitions_received"),
                Component("recognitions_decided", lambda p, t: Q(decided_on__isnull=False)),
            ),
            computed=_recognition_computed,
            computed_names=("recognitions_on_time", "recognitions_late", "recognitions_overdue"),
            computed_from=("received_on", "decided_on"),
            link=lambda m: m.get_absolute_url(),
            describe=lambda m: f"{m.title} — {m.unit.name} (nhận {m.received_on:%d/%m/%Y})",
        ),
        Source(
            key="consultations",
            engine="consultations",
            app="danchu.consultations",
            path="unit__path",
            rows=_consultations,
            in_period=_between("closes_on"),
            components=(
                Component("consultations_held"),
                Component("consultations_answered", lambda p, t: Q(status="answered")),
            ),
            link=lambda c: c.get_absolute_url(),
            describe=lambda c: f"{c.title} — {c.unit.name} (đến {c.closes_on:%d/%m/%Y})",
        ),
        Source(
            key="opinions",
            engine="consultations",
            app="danchu.consultations",
            path="consultation__unit__path",
            rows=_opinions,
            in_period=_between("consultation__closes_on"),
            components=(
                Component("opinions_received"),
                Component(
                    "opinions_answered",
                    lambda p, t: (
                        Q(consultation__status="answered", group__isnull=False)
                        & ~Q(group__answer="")
                    ),
                ),
            ),
            link=lambda o: o.consultation.get_absolute_url(),
            describe=lambda o: f"{o.consultation.title}: {o.text[:80]}",
        ),
        Source(
            key="conventions",
            engine="conventions",
            app="danchu.consultations",
            path="convention__village__path",
            rows=_recognised_versions,
            stock=True,
            # A stock: every convention recognised by the last day of the period.
            in_period=lambda p, t: Q(recognised_on__lte=p.end),
            components=(Component("conventions_in_force", distinct="convention_id"),),
            link=lambda v: _url("units:detail", v.convention.village.code),
            describe=lambda v: str(v.convention),
        ),
        Source(
            key="convention_reviews",
            engine="conventions",
            app="danchu.consultations",
            path="convention__village__path",
            rows=_reviews,
            stock=True,
            # Reviewed "this year": from 1 January of the period's last year to its last day.
            in_period=lambda p, t: Q(
                reviewed_on__gte=dt.date(p.end.year, 1, 1), reviewed_on__lte=p.end
            ),
            components=(Component("conventions_reviewed", distinct="convention_id"),),
            link=lambda r: _url("units:detail", r.convention.village.code),
            describe=lambda r: f"{r.convention} — {r.reviewed_on:%d/%m/%Y}",
        ),
        Source(
            key="petitions",
            engine="petitions",
            app="danchu.petitions",
            path="unit__path",
            rows=_petitions,
            in_period=_between("received_on"),
            components=(
                Component("petitions_received"),
                Component("petitions_answered", lambda p, t: Q(status="answered")),
                Component(
                    "petitions_on_time", lambda p, t: Q(status="answered", answered_late=False)
                ),
                Component("petitions_late", lambda p, t: Q(status="answered", answered_late=True)),
                Component(
                    "petitions_overdue_open",
                    lambda p, t: Q(status__in=PETITION_OPEN_STATUSES, due_on__lt=t),
                ),
                Component(
                    "petitions_late_or_overdue",
                    lambda p, t: (
                        Q(status="answered", answered_late=True)
                        | Q(status__in=PETITION_OPEN_STATUSES, due_on__lt=t)
                    ),
                ),
                Component("petitions_rated", lambda p, t: Q(rating__isnull=False)),
                Component("petitions_satisfied", lambda p, t: Q(rating__gte=SATISFIED_FROM)),
                Component("petitions_with_days", lambda p, t: Q(answer_working_days__isnull=False)),
                Component("petitions_days_sum", value=lambda: F("answer_working_days")),
            ),
            link=lambda p: _url("petitions:detail", p.commune.code, p.pk),
            describe=lambda p: f"{p.code} — {p.title} ({p.received_on:%d/%m/%Y})",
        ),
        Source(
            key="visits",
            engine="inspections",
            app="danchu.steering",
            path="unit__path",
            rows=_visits,
            in_period=_between("visited_on"),
            components=(Component("visits_done"),),
            link=lambda v: v.get_absolute_url(),
            describe=lambda v: f"{v.team.name} — {v.unit.name} ({v.visited_on:%d/%m/%Y})",
        ),
        Source(
            key="findings",
            engine="inspections",
            app="danchu.steering",
            path="visit__unit__path",
            rows=_findings,
            in_period=_between("recorded_on"),
            components=(
                Component("findings_recorded"),
                Component("findings_resolved", lambda p, t: Q(resolved_on__isnull=False)),
                Component("findings_serious", lambda p, t: Q(severity="high")),
            ),
            link=lambda f: f.visit.get_absolute_url(),
            describe=lambda f: f"{f.visit.unit.name}: {f.text[:90]}",
        ),
        Source(
            key="recommendations",
            engine="inspections",
            app="danchu.steering",
            path="finding__visit__unit__path",
            rows=_recommendations,
            in_period=_between("issued_on"),
            components=(
                Component("recommendations_issued"),
                Component("recommendations_overdue", lambda p, t: Q(status="open", due_on__lt=t)),
            ),
            link=lambda r: r.finding.visit.get_absolute_url(),
            describe=lambda r: (
                f"{r.finding.visit.unit.name}: {r.text[:80]} (hạn {r.due_on:%d/%m/%Y})"
            ),
        ),
    )
}

# Engines named by the issue that this codebase does not have yet: shown as not yet recorded.
PENDING_ENGINES = {
    "works": ("danchu.works", _("Dân làm, dân thụ hưởng — công trình, đóng góp")),
    "oversight": ("danchu.oversight", _("Dân giám sát — Ban TTND, Ban GSĐTCCĐ")),
}

ENGINES = {
    "disclosures": _("Dân biết — công khai thông tin"),
    "decisions": _("Dân bàn, dân quyết — quyết định của cộng đồng"),
    "consultations": _("Dân tham gia ý kiến"),
    "conventions": _("Hương ước, quy ước"),
    "petitions": _("Dân kiểm tra — phản ánh, kiến nghị"),
    "inspections": _("Kiểm tra của Ban Chỉ đạo"),
}


def _i(key, source, label, definition, num, den=None, kind="count", better=True):
    engine = SOURCES[source].engine
    return Indicator(key, engine, source, label, definition, num, den, kind, better)


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        _i(
            "notices_published",
            "notices",
            _("Thông báo đã công khai"),
            _("Thông báo có trạng thái đã công khai, ngày công khai trong kỳ."),
            "notices_published",
        ),
        _i(
            "notices_compliance",
            "notices",
            _("Tỷ lệ thông báo đúng quy định"),
            _(
                "Trong các thông báo công khai trong kỳ: không công khai chậm, không quá hạn kỳ "
                "báo cáo, không gỡ trước thời hạn, đủ 3 ngày phát thanh liên tục (Điều 12, 13)."
            ),
            "notices_compliant",
            "notices_published",
            "share",
        ),
        _i(
            "notices_non_compliant",
            "notices",
            _("Thông báo chưa đúng quy định"),
            _("Thông báo công khai trong kỳ có ít nhất một dấu hiệu chưa tuân thủ."),
            "notices_non_compliant",
            better=False,
        ),
        _i(
            "matters_decided",
            "matters",
            _("Vấn đề cộng đồng đã biểu quyết"),
            _("Vấn đề (Điều 15) đã kết thúc kiểm phiếu trong kỳ."),
            "matters_decided",
        ),
        _i(
            "matters_adoption",
            "matters",
            _("Tỷ lệ được thông qua"),
            _("Trong các vấn đề đã kiểm phiếu trong kỳ, số được thông qua (Điều 21 khoản 1)."),
            "matters_adopted",
            "matters_decided",
            "share",
            None,
        ),
        _i(
            "turnout",
            "matters",
            _("Tỷ lệ hộ gia đình tham gia"),
            _(
                "Tổng số hộ đã tham gia (dự họp, phiếu, trực tuyến) chia tổng số hộ trong danh sách "
                "cố định khi mở biểu quyết, cộng trên các vấn đề đã kiểm phiếu trong kỳ."
            ),
            "households_took_part",
            "households_on_roll",
            "share",
        ),
        _i(
            "recognitions_received",
            "recognitions",
            _("Hồ sơ đề nghị công nhận đã nhận"),
            _("Quyết định của cộng đồng cần công nhận, ngày nhận hồ sơ trong kỳ."),
            "recognitions_received",
        ),
        _i(
            "recognition_on_time",
            "recognitions",
            _("Tỷ lệ công nhận đúng hạn"),
            _(
                "Trong hồ sơ nhận trong kỳ đã có quyết định công nhận hoặc từ chối: số quyết định "
                "trong 05 ngày làm việc từ ngày nhận (Điều 21 khoản 2)."
            ),
            "recognitions_on_time",
            "recognitions_decided",
            "share",
        ),
        _i(
            "recognitions_overdue",
            "recognitions",
            _("Hồ sơ công nhận quá hạn chưa quyết định"),
            _("Hồ sơ nhận trong kỳ, chưa công nhận hay từ chối, đã quá 05 ngày làm việc."),
            "recognitions_overdue",
            better=False,
        ),
        _i(
            "consultations_held",
            "consultations",
            _("Cuộc lấy ý kiến đã tổ chức"),
            _("Cuộc lấy ý kiến (Điều 25) đã mở, ngày kết thúc góp ý trong kỳ."),
            "consultations_held",
        ),
        _i(
            "opinions_received",
            "opinions",
            _("Ý kiến nhận được"),
            _("Ý kiến (mọi kênh) của các cuộc lấy ý kiến kết thúc trong kỳ."),
            "opinions_received",
        ),
        _i(
            "opinions_answered_share",
            "opinions",
            _("Tỷ lệ ý kiến được trả lời"),
            _(
                "Ý kiến nằm trong nhóm đã có câu trả lời (tiếp thu hoặc giải trình) trong bản "
                "tổng hợp đã công bố, chia tổng số ý kiến (Điều 27–29)."
            ),
            "opinions_answered",
            "opinions_received",
            "share",
        ),
        _i(
            "conventions_in_force",
            "conventions",
            _("Hương ước, quy ước có hiệu lực"),
            _("Hương ước, quy ước có một bản đã được công nhận đến ngày cuối kỳ."),
            "conventions_in_force",
        ),
        _i(
            "conventions_reviewed_share",
            "conventions",
            _("Tỷ lệ đã rà soát trong năm"),
            _(
                "Trong hương ước, quy ước có hiệu lực: số đã rà soát từ 1/1 đến ngày cuối kỳ "
                "(NĐ 61/2023, rà soát hằng năm)."
            ),
            "conventions_reviewed",
            "conventions_in_force",
            "share",
        ),
        _i(
            "petitions_received",
            "petitions",
            _("Phản ánh, kiến nghị đã tiếp nhận"),
            _("Phản ánh, kiến nghị, khiếu nại, tố cáo có ngày tiếp nhận trong kỳ."),
            "petitions_received",
            better=None,
        ),
        _i(
            "petitions_on_time_share",
            "petitions",
            _("Tỷ lệ trả lời đúng hạn"),
            _("Trong các đơn tiếp nhận trong kỳ đã được trả lời: số trả lời đúng hạn."),
            "petitions_on_time",
            "petitions_answered",
            "share",
        ),
        _i(
            "petitions_late",
            "petitions",
            _("Trả lời quá hạn"),
            _("Đơn tiếp nhận trong kỳ đã trả lời nhưng sau hạn."),
            "petitions_late",
            better=False,
        ),
        _i(
            "petitions_overdue_open",
            "petitions",
            _("Chưa trả lời, đã quá hạn"),
            _("Đơn tiếp nhận trong kỳ còn đang xử lý và đã quá hạn tính đến hôm nay."),
            "petitions_overdue_open",
            better=False,
        ),
        _i(
            "petitions_overdue_share",
            "petitions",
            _("Tỷ lệ quá hạn"),
            _(
                "Đơn tiếp nhận trong kỳ đã trả lời quá hạn hoặc chưa trả lời mà đã quá hạn, "
                "chia tổng số đơn tiếp nhận."
            ),
            "petitions_late_or_overdue",
            "petitions_received",
            "share",
            False,
        ),
        _i(
            "petitions_satisfaction",
            "petitions",
            _("Tỷ lệ hài lòng"),
            _("Trong các đơn được người gửi đánh giá: số đánh giá 4 hoặc 5 (trên 5)."),
            "petitions_satisfied",
            "petitions_rated",
            "share",
        ),
        _i(
            "petitions_average_days",
            "petitions",
            _("Số ngày làm việc bình quân để trả lời"),
            _("Bình quân số ngày làm việc từ tiếp nhận đến trả lời, trên các đơn đã trả lời."),
            "petitions_days_sum",
            "petitions_with_days",
            "average",
            False,
        ),
        _i(
            "visits_done",
            "visits",
            _("Cuộc kiểm tra đã thực hiện"),
            _("Buổi kiểm tra có ngày kiểm tra trong kỳ."),
            "visits_done",
        ),
        _i(
            "findings_recorded",
            "findings",
            _("Phát hiện qua kiểm tra"),
            _("Phát hiện ghi nhận trong kỳ."),
            "findings_recorded",
            better=None,
        ),
        _i(
            "findings_resolved_share",
            "findings",
            _("Tỷ lệ phát hiện đã khắc phục"),
            _("Trong các phát hiện ghi nhận trong kỳ: số đã khắc phục xong."),
            "findings_resolved",
            "findings_recorded",
            "share",
        ),
        _i(
            "recommendations_overdue",
            "recommendations",
            _("Kiến nghị quá hạn chưa trả lời"),
            _("Kiến nghị ban hành trong kỳ, đơn vị chưa trả lời, đã quá hạn tính đến hôm nay."),
            "recommendations_overdue",
            better=False,
        ),
    )
}


def indicators_of(engine: str) -> list[Indicator]:
    return [i for i in INDICATORS.values() if i.engine == engine]


def source_installed(key: str) -> bool:
    return SOURCES[key].installed()


# --- scope and grouping --------------------------------------------------------------------------


def predecessors(unit: Unit) -> list[Unit]:
    """Units whose duties passed to `unit` by a merge, directly or through a chain."""
    found: list[Unit] = []
    frontier = [unit.pk]
    seen = {unit.pk}
    while frontier:
        batch = list(Unit.objects.filter(successor_id__in=frontier).exclude(pk__in=seen))
        found.extend(batch)
        seen.update(u.pk for u in batch)
        frontier = [u.pk for u in batch]
    return found


@dataclass
class Scope:
    unit: Unit
    extra: list[Unit]  # predecessors

    @classmethod
    def of(cls, unit: Unit) -> Scope:
        return cls(unit, predecessors(unit))

    def q(self, path: str) -> Q:
        condition = Q(**{f"{path}__startswith": self.unit.path})
        for unit in self.extra:
            condition |= Q(**{f"{path}__startswith": unit.path})
        return condition

    def group_expression(self, path: str):
        """The pk (as text) of the child of the unit a row belongs to; "" for the unit itself;
        "p<pk>" for a row under a predecessor."""
        rest = Substr(F(path), len(self.unit.path) + 1)
        child = Substr(rest, 1, Greatest(StrIndex(rest, Value("/")) - 1, Value(0)))
        if not self.extra:
            return child
        whens = [
            When(**{f"{path}__startswith": unit.path}, then=Value(f"p{unit.pk}"))
            for unit in self.extra
        ]
        return Case(*whens, default=child)


def _aggregates(
    source: Source, period: Period, today: dt.date, suffix: str = "", dated: bool = True
) -> dict:
    in_period = source.in_period(period, today) if dated else Q()
    out = {}
    for component in source.components:
        condition = in_period & component.where(period, today)
        if component.distinct:
            out[component.name + suffix] = Count(
                component.distinct, filter=condition, distinct=True
            )
        elif component.value is None:
            out[component.name + suffix] = Count("pk", filter=condition)
        else:
            out[component.name + suffix] = Sum(component.value(), filter=condition)
    return out


def _component_names(source: Source) -> list[str]:
    return [c.name for c in source.components] + list(source.computed_names)


# --- computing -------------------------------------------------------------------------------------


@dataclass
class Breakdown:
    """A unit's figures for one period, and the same figures for each of its children."""

    unit: Unit
    period: Period
    total: Figures
    rows: list[tuple[Unit, str, Figures]]  # (child unit, note, figures)
    missing_sources: set[str]

    def figure(self, key: str):
        return self.total.indicator(INDICATORS[key])


def _empty(names) -> dict:
    return dict.fromkeys(names, 0)


def _bucket(source: Source, periods: list[Period], today: dt.date):
    """The index of the period a row falls in (-1: none), labelled once per row."""
    return Case(
        *[
            When(source.in_period(period, today), then=Value(index))
            for index, period in enumerate(periods)
        ],
        default=Value(-1),
        output_field=IntegerField(),
    )


def _regroup(inner: QuerySet, scope: Scope, keys: list[str], sums: list[str]) -> list[tuple]:
    """Rows of `inner` (grouped by unit pk in `_unit`, then `keys`) summed by the child of the
    scope's unit they belong to: (group, *keys, *sums).

    The rows are first aggregated per unit, so the child of each row is worked out from its
    unit's path once per unit, not once per record (the costly part over many records)."""
    connection = connections[inner.db]
    quote = connection.ops.quote_name
    inner_sql, inner_params = inner.query.sql_with_params()
    query = Unit.objects.all().query
    group_sql, group_params = query.get_compiler(inner.db).compile(
        scope.group_expression("path").resolve_expression(query)
    )
    table = quote(Unit._meta.db_table)
    columns = "".join(f", s.{quote(k)}" for k in keys)
    totals = "".join(f", SUM(s.{quote(n)})" for n in sums)
    positions = ", ".join(str(i) for i in range(1, len(keys) + 2))
    sql = (
        f"SELECT {group_sql}{columns}{totals} FROM ({inner_sql}) s "  # noqa: S608 - quoted names
        f"INNER JOIN {table} ON {table}.{quote('id')} = s.{quote('_unit')} GROUP BY {positions}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*group_params, *inner_params))
        return cursor.fetchall()


def _source_figures(
    source: Source,
    scope: Scope,
    periods: list[Period],
    today: dt.date,
    only_units: list[int] | None = None,
) -> dict[tuple[str, int], dict]:
    """{(group, period index): {component: value}} for one source over several periods, in
    one query: every child of the scope's unit in every period. A group is a child's pk (as
    text), "" for the unit itself, "p<pk>" for a predecessor. `only_units`: count only the
    records of these units (the summary's changed units)."""
    start = min(p.start for p in periods)
    end = max(p.end for p in periods)
    within = scope.q(source.path)
    if only_units is not None:
        within &= Q(**{f"{source.path.removesuffix('__path')}__in": only_units})
    rows = source.rows(start, end, today, within)
    unit_of_row = F(source.path.removesuffix("__path"))
    result: dict[tuple[str, int], dict] = {}
    if source.stock:
        # A row counts in every period after it (conventions in force): a column each. A
        # distinct value belongs to one unit (a convention to its village), so the counts of
        # a child's units add up to the child's.
        aggregates = {}
        for index, period in enumerate(periods):
            aggregates |= _aggregates(source, period, today, f"__{index}")
        inner = rows.annotate(_unit=unit_of_row).values("_unit").annotate(**aggregates).order_by()
        width = len(source.components)
        for row in _regroup(inner, scope, [], list(aggregates)):
            group = row[0] or ""
            for index in range(len(periods)):
                counted = row[1 + index * width : 1 + (index + 1) * width]
                if any(counted):  # a group with nothing counted yet is not a row
                    result[(group, index)] = {
                        c.name: int(v or 0) for c, v in zip(source.components, counted, strict=True)
                    }
        return result
    # A row falls in one period: label it once, and group by unit and period.
    keys = ["_bucket", *source.computed_from]
    aggregates = _aggregates(source, periods[0], today, dated=False)
    if source.computed:
        aggregates["_n"] = Count("pk")
    names = list(aggregates)
    inner = (
        rows.annotate(_unit=unit_of_row, _bucket=_bucket(source, periods, today))
        .values("_unit", *keys)
        .annotate(**aggregates)
        .order_by()
    )
    # A raw cursor does not convert values (SQLite gives dates as text): the fields do.
    fields = [inner.query.resolve_ref(name).output_field for name in source.computed_from]
    empty = _empty(_component_names(source))
    first = len(keys) + 1
    detail, targets = [], []
    for row in _regroup(inner, scope, keys, names):
        index = row[1]
        if index < 0:
            continue
        key = (row[0] or "", index)
        target = result.get(key)
        if target is None:
            target = result[key] = dict(empty)
        for name, value in zip(names, row[first:], strict=True):
            if value:
                target[name] = target.get(name, 0) + int(value)
        if source.computed:
            detail.append(
                {
                    f: field.to_python(v)
                    for f, field, v in zip(keys[1:], fields, row[2:first], strict=True)
                }
                | {"n": int(row[-1])}
            )
            targets.append(target)
    if detail:
        for target, parts in zip(targets, source.computed(detail, today), strict=True):
            for name, value in parts.items():
                target[name] += value
    for target in result.values():
        target.pop("_n", None)
    return result


def _figures(
    unit: Unit, periods: list[Period], today: dt.date
) -> tuple[Scope, list[dict[str, dict]], set[str], list[str]]:
    """Every installed source's figures for each period, by group: one query per source
    (periods that overlap, a quarter and its half-year, are read one at a time)."""
    scope = Scope.of(unit)
    ordered = sorted(periods, key=lambda p: p.start)
    if any(a.end >= b.start for a, b in zip(ordered, ordered[1:], strict=False)):
        per_period, missing, names = [], set(), []
        for period in periods:
            _scope, (one,), missing, names = _figures(unit, [period], today)
            per_period.append(one)
        return scope, per_period, missing, names
    per_period: list[dict[str, dict]] = [{} for _p in periods]
    missing = set()
    # The maintained summary where it is built and not stale (danchu.steering.summary);
    # otherwise, and for the sources it does not hold, the records counted live.
    summarised = summary.reader(scope, periods, today)
    for source in SOURCES.values():
        if not source.installed():
            missing.add(source.key)
            continue
        found = summarised.figures(source)
        if found is None:
            found = _source_figures(source, scope, periods, today)
        for (group, index), values in found.items():
            per_period[index].setdefault(group, {}).update(values)
    names = [n for s in SOURCES.values() if s.installed() for n in _component_names(s)]
    return scope, per_period, missing, names


def _total(per_group: dict[str, dict], names: list[str], missing: set[str]) -> dict:
    """The unit's figure is the sum of its groups' (so the roll-up adds up by construction)."""
    total = _empty(names)
    for values in per_group.values():
        for name, value in values.items():
            total[name] += value
    _mark_missing(total, missing)
    return total


def breakdown_and_trend(
    unit: Unit, period: Period, periods: list[Period], today: dt.date | None = None
) -> tuple[Breakdown, list[Figures]]:
    """`breakdown(unit, period)` and `trend(unit, periods)` from one query per source."""
    today = today or timezone.localdate()
    asked = list(periods) if period in periods else [*periods, period]
    scope, per_period, missing, names = _figures(unit, asked, today)
    per_group = per_period[asked.index(period)]
    current = Breakdown(
        unit,
        period,
        Figures(_total(per_group, names, missing)),
        _child_rows(unit, scope, per_group, names, missing),
        missing,
    )
    return current, [Figures(_total(per_period[i], names, missing)) for i in range(len(periods))]


def breakdown(unit: Unit, period: Period, today: dt.date | None = None) -> Breakdown:
    """The unit's figures for the period and those of each child, in one query per source."""
    return breakdown_and_trend(unit, period, [period], today)[0]


def _mark_missing(values: dict, missing: set[str]) -> None:
    for key in missing:
        for name in _component_names(SOURCES[key]):
            values[name] = None


def _child_rows(unit, scope, per_group, names, missing) -> list[tuple[Unit, str, Figures]]:
    keys = [k for k in per_group if k and not k.startswith("p")]
    children = {
        str(u.pk): u
        for u in Unit.objects.filter(
            Q(parent=unit, kind__in=_child_kinds(unit)) | Q(pk__in=[int(k) for k in keys])
        ).only("pk", "code", "name", "kind", "valid_to", "successor_id", "sort_key", "path")
    }
    rows = []
    for key, child in sorted(children.items(), key=lambda kv: kv[1].sort_key):
        if child.valid_to is not None and key not in per_group:
            continue
        values = _empty(names) | per_group.get(key, {})
        _mark_missing(values, missing)
        note = str(_("đã sáp nhập")) if child.valid_to else ""
        rows.append((child, note, Figures(values)))
    for predecessor in scope.extra:
        values = _empty(names) | per_group.get(f"p{predecessor.pk}", {})
        _mark_missing(values, missing)
        rows.append((predecessor, str(_("trước sáp nhập")), Figures(values)))
    if "" in per_group:
        values = _empty(names) | per_group[""]
        _mark_missing(values, missing)
        rows.append((unit, str(_("cấp %(name)s") % {"name": unit.name}), Figures(values)))
    return rows


@lru_cache(maxsize=8)
def _kinds_below(kind: str) -> tuple[str, ...]:
    K = Unit.Kind
    return {
        K.NATION: (K.PROVINCE,),
        K.PROVINCE: (K.COMMUNE, K.DISTRICT),
        K.DISTRICT: (K.COMMUNE,),
        K.COMMUNE: (K.VILLAGE,),
    }.get(kind, ())


def _child_kinds(unit: Unit) -> tuple[str, ...]:
    return _kinds_below(unit.kind)


def trend(unit: Unit, periods: list[Period], today: dt.date | None = None) -> list[Figures]:
    """The unit's totals for each period, one query per source over all of them."""
    today = today or timezone.localdate()
    _scope, per_period, missing, names = _figures(unit, list(periods), today)
    return [Figures(_total(per_group, names, missing)) for per_group in per_period]


def figures(unit: Unit, period: Period, today: dt.date | None = None) -> Figures:
    """The unit's totals for one period."""
    return trend(unit, [period], today)[0]


# --- tracing a figure to its records ---------------------------------------------------------------


def records(
    unit: Unit, period: Period, component: str, today: dt.date | None = None, child=None
) -> list:
    """The records counted in `component` for the unit (or one child row) and period."""
    today = today or timezone.localdate()
    source = next(s for s in SOURCES.values() if component in _component_names(s))
    if not source.installed():
        return []
    scope = Scope.of(unit)
    rows = source.rows(period.start, period.end, today, scope.q(source.path)).filter(
        source.in_period(period, today)
    )
    if child is not None:
        rows = rows.filter(**{f"{source.path}__startswith": child.path})
    spec = next((c for c in source.components if c.name == component), None)
    if spec is not None:
        rows = rows.filter(spec.where(period, today))
        if spec.value is not None:
            rows = rows.annotate(_value=spec.value()).exclude(_value__isnull=True)
        listed = list(rows.order_by("pk"))
        if spec.distinct:
            seen = {}
            for row in listed:
                seen.setdefault(getattr(row, spec.distinct), row)
            listed = list(seen.values())
        return listed
    kept = []
    listed = list(rows.order_by("pk"))
    detail = [{"received_on": r.received_on, "decided_on": r.decided_on, "n": 1} for r in listed]
    for record, parts in zip(listed, source.computed(detail, today), strict=True):
        if parts[component]:
            kept.append(record)
    return kept


def by_category(unit: Unit, periods: list[Period], today: dt.date | None = None) -> dict:
    """Petitions received per category in each period: {(code, name): [n per period]}."""
    if not source_installed("petitions"):
        return {}
    today = today or timezone.localdate()
    scope = Scope.of(unit)
    aggregates = {
        f"n{index}": Count("pk", filter=Q(received_on__gte=p.start, received_on__lte=p.end))
        for index, p in enumerate(periods)
    }
    rows = (
        _petitions(periods[0].start, periods[-1].end, today, scope.q("unit__path"))
        .values("category__code", "category__name")
        .annotate(**aggregates)
        .order_by("category__name")
    )
    return {
        (r["category__code"], r["category__name"]): [r[f"n{i}"] for i in range(len(periods))]
        for r in rows
    }
