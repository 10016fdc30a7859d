"""What danchu holds about a person, gathered from every app that holds some.

A resident can see and export what danchu holds about them (DESIGN: personal data; Law
91/2025/QH15; NĐ 356/2025). The ground apps never import an engine, so each app registers
a collector in its AppConfig.ready(): a function of (user, person) returning rows, each row
an ordered mapping of label to text. `people` puts them on the resident's page and into the
export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalRecords:
    key: str
    title: str
    collect: Callable[[object, object | None], list[dict[str, str]]]
    order: int = 100


_RECORDS: dict[str, PersonalRecords] = {}


def register_personal_records(records: PersonalRecords) -> None:
    _RECORDS[records.key] = records


def personal_records(user, person) -> list[dict]:
    """[{"key", "title", "rows"}] for every registered collector, in order; `person` is the
    user's Person or None."""
    return [
        {"key": r.key, "title": str(r.title), "rows": r.collect(user, person)}
        for r in sorted(_RECORDS.values(), key=lambda r: (r.order, r.key))
    ]


def text(value) -> str:
    """A value as a resident reads it: dates as dd/mm/yyyy, nothing as an em dash."""
    import datetime as dt

    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        from django.utils.translation import gettext as _

        return _("có") if value else _("không")
    return str(value)
