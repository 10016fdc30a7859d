"""The six-month and annual review (sơ kết, tổng kết): A4 PDF and XLSX from the indicators.

`build(unit, period)` gathers every figure once; `render_pdf` and `render_xlsx` lay the same
figures out, so the two files and the API can never disagree. `request_report` queues a build
for the background worker (`run_job`), which records its progress as it goes.
"""

from __future__ import annotations

import datetime as dt
import io
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.audit.services import record
from danchu.steering import charts, services
from danchu.steering import indicators as ind
from danchu.steering.models import Finding, ReportJob
from danchu.steering.periods import Period, parse_period, require_not_future
from danchu.units.models import Unit

Progress = Callable[[int, str], None]
TREND_PERIODS = 4


@dataclass
class Section:
    key: str
    label: str
    installed: bool
    indicators: list[ind.Indicator] = field(default_factory=list)


def sections() -> list[Section]:
    """One section per engine, in the order of the law's clauses; missing engines included."""
    out = []
    for key, label in ind.ENGINES.items():
        indicators = ind.indicators_of(key)
        installed = all(ind.source_installed(i.source) for i in indicators)
        out.append(Section(key, str(label), installed, indicators))
    for key, (app, label) in ind.PENDING_ENGINES.items():
        from django.apps import apps

        out.append(Section(key, str(label), apps.is_installed(app), []))
    return out


def format_value(indicator: ind.Indicator, value) -> str:
    """How a figure is written in the PDF and on the pages: 87,5% — 12 — 4,2."""
    return services._fmt(indicator, value)


def format_change(indicator: ind.Indicator, now, before) -> str:
    if now is None or before is None:
        return "—"
    delta = now - before
    if indicator.kind == "share":
        text = f"{delta * 100:+.1f} điểm %"
    elif indicator.kind == "average":
        text = f"{delta:+.1f}"
    else:
        text = f"{int(delta):+d}"
    return text.replace(".", ",")


@dataclass
class ReportData:
    unit: Unit
    period: Period
    previous: Period
    today: dt.date
    current: ind.Breakdown
    before: ind.Breakdown
    trend_periods: list[Period]
    trend: list[ind.Figures]
    months: list[Period]
    categories: dict
    hot_spots: list[dict]
    open_findings: list[Finding]
    sections: list[Section]

    def value(self, key: str, which: str = "current"):
        figures = self.current.total if which == "current" else self.before.total
        return figures.indicator(ind.INDICATORS[key])


def months_of(period: Period) -> list[Period]:
    return [
        Period("month", period.year, m) for m in range(period.start.month, period.end.month + 1)
    ]


def build(
    unit: Unit,
    period: Period,
    today: dt.date | None = None,
    progress: Progress = lambda pct, step: None,
) -> ReportData:
    today = today or timezone.localdate()
    require_not_future(period, today)
    progress(10, _("Tổng hợp chỉ số kỳ báo cáo"))
    current = ind.breakdown(unit, period, today)
    progress(30, _("Tổng hợp chỉ số kỳ trước"))
    before = ind.breakdown(unit, period.previous(), today)
    progress(45, _("Xu hướng các kỳ"))
    trend_periods = period.back(TREND_PERIODS)
    trend = ind.trend(unit, trend_periods, today)
    months = months_of(period)
    categories = ind.by_category(unit, months, today)
    progress(55, _("Điểm nóng và kết quả kiểm tra"))
    hot_spots = services.evaluate(unit, period, today, current=current)
    open_findings = list(
        Finding.objects.filter(visit__unit__path__startswith=unit.path, resolved_on__isnull=True)
        .select_related("visit__unit", "visit__team")
        .prefetch_related("recommendations")
        .order_by("-severity", "recorded_on", "pk")[:200]
    )
    return ReportData(
        unit,
        period,
        period.previous(),
        today,
        current,
        before,
        trend_periods,
        trend,
        months,
        categories,
        hot_spots,
        open_findings,
        sections(),
    )


# --- PDF -----------------------------------------------------------------------------------------


def _chart_context(data: ReportData) -> dict:
    turnout = ind.INDICATORS["turnout"]
    on_time = ind.INDICATORS["petitions_on_time_share"]
    rows = [(u, f) for u, _n, f in data.current.rows][:40]
    top = sorted(data.categories.items(), key=lambda kv: -sum(kv[1]))[:6]
    return {
        "turnout_chart": charts.bar_chart(
            [(u.name, f.indicator(turnout)) for u, f in rows],
            title=_("Tỷ lệ hộ gia đình tham gia biểu quyết"),
        ),
        "on_time_chart": charts.bar_chart(
            [(u.name, f.indicator(on_time)) for u, f in rows],
            title=_("Tỷ lệ trả lời phản ánh, kiến nghị đúng hạn"),
        ),
        "trend_chart": charts.bar_chart(
            [
                (p.label, f.indicator(on_time))
                for p, f in zip(data.trend_periods, data.trend, strict=True)
            ],
            title=_("Trả lời đúng hạn qua các kỳ"),
        ),
        "categories_chart": charts.grouped_columns(
            [f"{m.number:02d}/{m.year}" for m in data.months],
            [(name, counts) for (_code, name), counts in top],
            title=_("Phản ánh, kiến nghị theo lĩnh vực và tháng"),
        )
        if top
        else "",
    }


def _tables(data: ReportData) -> list[dict]:
    tables = []
    for section in data.sections:
        lines = []
        for indicator in section.indicators:
            now = data.current.total.indicator(indicator)
            before = data.before.total.indicator(indicator)
            lines.append(
                {
                    "key": indicator.key,
                    "label": indicator.label,
                    "now": format_value(indicator, now),
                    "before": format_value(indicator, before),
                    "change": format_change(indicator, now, before),
                }
            )
        children = [
            {
                "name": u.name,
                "note": note,
                "values": [format_value(i, f.indicator(i)) for i in section.indicators],
            }
            for u, note, f in data.current.rows
        ]
        tables.append({"section": section, "lines": lines, "children": children})
    return tables


def render_pdf(data: ReportData) -> bytes:
    from weasyprint import HTML

    from danchu.disclosures.printing import offline_url_fetcher

    context = {
        "data": data,
        "tables": _tables(data),
        **_chart_context(data),
        "dated": _("ngày %(d)d tháng %(m)d năm %(y)d")
        % {"d": data.today.day, "m": data.today.month, "y": data.today.year},
    }
    page = render_to_string("steering/print/report.html", context)
    return HTML(string=page, url_fetcher=offline_url_fetcher()).write_pdf()


# --- XLSX ----------------------------------------------------------------------------------------


def _cell(indicator: ind.Indicator, value):
    if value is None:
        return str(ind.NOT_RECORDED)
    return round(float(value), 4) if indicator.kind != "count" else int(value)


def render_xlsx(data: ReportData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    summary.title = "Tổng hợp"
    summary.append([f"{data.period.review_name} {data.period.label} — {data.unit.name}"])
    summary.append([_("Kỳ trước"), data.previous.label])
    summary.append([])
    summary.append(
        [
            _("Lĩnh vực"),
            _("Chỉ số"),
            _("Mã chỉ số"),
            data.period.code,
            data.previous.code,
            _("Thay đổi"),
        ]
    )
    for section in data.sections:
        if not section.indicators:
            summary.append([section.label, str(ind.NOT_RECORDED)])
        for indicator in section.indicators:
            now = data.current.total.indicator(indicator)
            before = data.before.total.indicator(indicator)
            change = (now - before) if now is not None and before is not None else None
            summary.append(
                [
                    section.label,
                    str(indicator.label),
                    indicator.key,
                    _cell(indicator, now),
                    _cell(indicator, before),
                    _cell(indicator, change) if change is not None else "—",
                ]
            )
            _percent(summary, indicator)
    for section in data.sections:
        if not section.indicators:
            continue
        sheet = book.create_sheet(_sheet_title(section))
        header = [_("Đơn vị"), _("Ghi chú")]
        for indicator in section.indicators:
            header += [
                f"{indicator.label} ({data.period.code})",
                f"{indicator.label} ({data.previous.code})",
            ]
        sheet.append(header)
        before_rows = {u.pk: f for u, _n, f in data.before.rows}
        for unit, note, figures in [*data.current.rows, (data.unit, _("Tổng"), data.current.total)]:
            previous = data.before.total if note == _("Tổng") else before_rows.get(unit.pk)
            line = [unit.name, note]
            for indicator in section.indicators:
                line.append(_cell(indicator, figures.indicator(indicator)))
                line.append(_cell(indicator, previous.indicator(indicator)) if previous else "—")
            sheet.append(line)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    hot = book.create_sheet("Điểm nóng")
    hot.append([_("Đơn vị"), _("Quy tắc"), _("Nội dung"), _("Số liệu")])
    for spot in data.hot_spots:
        hot.append([spot["unit"].name, spot["rule"].name, spot["message"], str(spot["figures"])])
    findings = book.create_sheet("Phát hiện chưa khắc phục")
    findings.append([_("Đơn vị"), _("Ngày kiểm tra"), _("Mức độ"), _("Nội dung")])
    for finding in data.open_findings:
        findings.append(
            [
                finding.visit.unit.name,
                finding.recorded_on,
                finding.get_severity_display(),
                finding.text,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _percent(sheet, indicator: ind.Indicator) -> None:
    if indicator.kind == "share":
        for cell in sheet[sheet.max_row][3:6]:
            if isinstance(cell.value, float):
                cell.number_format = "0.0%"


SHEET_NAMES = {
    "disclosures": "Dân biết",
    "decisions": "Dân bàn",
    "consultations": "Lấy ý kiến",
    "conventions": "Hương ước",
    "petitions": "Dân kiểm tra",
    "inspections": "Kiểm tra",
}


def _sheet_title(section: Section) -> str:
    return SHEET_NAMES.get(section.key, section.key)[:31]


def file_names(unit: Unit, period: Period) -> tuple[str, str]:
    stem = f"bao-cao-{unit.code}-{period.code}"
    return f"{stem}.pdf", f"{stem}.xlsx"


def write_report(
    unit: Unit, period: Period, directory: Path, progress: Progress = lambda pct, step: None
) -> tuple[Path, Path]:
    data = build(unit, period, progress=progress)
    progress(70, _("Dựng tệp PDF"))
    pdf = render_pdf(data)
    progress(90, _("Dựng tệp Excel"))
    xlsx = render_xlsx(data)
    directory.mkdir(parents=True, exist_ok=True)
    pdf_name, xlsx_name = file_names(unit, period)
    (directory / pdf_name).write_bytes(pdf)
    (directory / xlsx_name).write_bytes(xlsx)
    progress(100, _("Hoàn thành"))
    return directory / pdf_name, directory / xlsx_name


# --- background builds ---------------------------------------------------------------------------


@transaction.atomic
def request_report(*, actor, unit: Unit, period: str) -> ReportJob:
    """Queue a report build; the worker runs it once this transaction commits."""
    services.require(actor, "steering.view", unit)
    parsed = parse_period(period)
    require_not_future(parsed, timezone.localdate())
    job = ReportJob.objects.create(
        unit=unit, period=parsed.code, requested_by=services._user(actor)
    )
    record(
        actor=actor,
        action="steering.report_requested",
        obj=job,
        unit=unit,
        payload={"period": parsed.code},
    )
    from danchu.steering.tasks import build_report

    transaction.on_commit(lambda: build_report.enqueue(job.pk))
    return job


def run_job(job_id: int) -> str:
    """Build one queued report. Safe to run twice: only a queued job is claimed."""
    claimed = ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.QUEUED).update(
        status=ReportJob.Status.RUNNING, progress=1, step=_("Bắt đầu")
    )
    if claimed != 1:
        return "skipped"
    job = ReportJob.objects.select_related("unit").get(pk=job_id)

    def progress(pct: int, step: str) -> None:
        ReportJob.objects.filter(pk=job_id).update(progress=min(pct, 99), step=step[:200])

    try:
        period = parse_period(job.period)
        data = build(job.unit, period, progress=progress)
        progress(70, _("Dựng tệp PDF"))
        pdf = render_pdf(data)
        progress(90, _("Dựng tệp Excel"))
        xlsx = render_xlsx(data)
        pdf_name, xlsx_name = file_names(job.unit, period)
        job.pdf.save(pdf_name, ContentFile(pdf), save=False)
        job.xlsx.save(xlsx_name, ContentFile(xlsx), save=False)
        job.status, job.progress, job.step = ReportJob.Status.DONE, 100, _("Hoàn thành")
        job.finished_at = timezone.now()
        job.save(update_fields=["pdf", "xlsx", "status", "progress", "step", "finished_at"])
        return "done"
    except Exception as exc:  # noqa: BLE001 - the job records the failure; the worker goes on
        ReportJob.objects.filter(pk=job_id).update(
            status=ReportJob.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-3000:]}",
            step=_("Lỗi khi dựng báo cáo"),
            finished_at=timezone.now(),
        )
        return "failed"
