"""Reporting periods: a month, a quarter, a half-year (sơ kết) or a year (tổng kết).

Written `2026-05`, `2026Q2`, `2026H1`, `2026`; a hyphen before Q or H is accepted
(`2026-H1`, the form the disclosures engine uses for budget periods).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from danchu.core.errors import ValidationError

PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-?(?P<part>[HQhq][1-4]|M?\d{1,2}|m\d{1,2}))?$")
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Period:
    kind: str  # "month", "quarter", "half", "year"
    year: int
    number: int  # month 1–12, quarter 1–4, half 1–2, 1 for a year

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}Q{self.number}"
        if self.kind == "half":
            return f"{self.year}H{self.number}"
        return str(self.year)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self._first_month(), 1)

    @property
    def end(self) -> dt.date:
        last_month = self._first_month() + self._months() - 1
        if last_month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, last_month + 1, 1) - dt.timedelta(days=1)

    def _months(self) -> int:
        return {"month": 1, "quarter": 3, "half": 6, "year": 12}[self.kind]

    def _first_month(self) -> int:
        return (self.number - 1) * self._months() + 1

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("Tháng %(n)d/%(y)d") % {"n": self.number, "y": self.year}
        if self.kind == "quarter":
            return _("Quý %(n)s năm %(y)d") % {
                "n": ["I", "II", "III", "IV"][self.number - 1],
                "y": self.year,
            }
        if self.kind == "half":
            return (
                _("6 tháng đầu năm %(y)d") if self.number == 1 else _("6 tháng cuối năm %(y)d")
            ) % {"y": self.year}
        return _("Năm %(y)d") % {"y": self.year}

    @property
    def review_name(self) -> str:
        """Sơ kết for part of a year, tổng kết for a year."""
        return _("Tổng kết") if self.kind == "year" else _("Sơ kết")

    def previous(self) -> Period:
        per_year = 12 // self._months()
        if self.number > 1:
            return Period(self.kind, self.year, self.number - 1)
        return Period(self.kind, self.year - 1, per_year)

    def back(self, n: int) -> list[Period]:
        """This period and the n-1 before it, oldest first."""
        periods = [self]
        for _i in range(n - 1):
            periods.append(periods[-1].previous())
        return list(reversed(periods))

    def is_future(self, today: dt.date) -> bool:
        return self.start > today

    def __str__(self) -> str:
        return self.code


def parse_period(text: str) -> Period:
    """Parse a period code, or raise a ValidationError that says which forms are accepted."""
    raw = (text or "").strip()
    match = PERIOD_RE.match(raw)
    period = None
    if match:
        year, part = int(match["year"]), (match["part"] or "").upper()
        if not part:
            period = Period("year", year, 1)
        elif part[0] in "HQ":
            kind, limit = ("half", 2) if part[0] == "H" else ("quarter", 4)
            if int(part[1]) <= limit:
                period = Period(kind, year, int(part[1]))
        else:
            month = int(part.lstrip("M"))
            if 1 <= month <= 12:
                period = Period("month", year, month)
        if period is not None and not FIRST_YEAR <= year <= 9998:
            period = None
    if period is None:
        raise ValidationError(
            _(
                "Kỳ “%(period)s” không hợp lệ: dùng 2026-05 (tháng), 2026Q2 (quý), 2026H1 (6 "
                "tháng) hoặc 2026 (năm)."
            ),
            code="bad_period",
            params={"period": raw[:20]},
        )
    return period


def current_half(today: dt.date) -> Period:
    return Period("half", today.year, 1 if today.month <= 6 else 2)


def require_not_future(period: Period, today: dt.date) -> None:
    if period.is_future(today):
        raise ValidationError(
            _("Kỳ %(period)s chưa bắt đầu: không thể lập báo cáo cho kỳ tương lai."),
            code="future_period",
            params={"period": period.code},
        )
