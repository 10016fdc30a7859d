"""The maintained summary behind the steering figures, always equal to the records.

The sources of `danchu.steering.indicators` with many records (notices, matters,
recognitions, consultations, opinions, conventions in force and reviewed, petitions) are
summed per unit and per calendar month into `MonthlySummary` (the inspections' own few
records stay live):

- *own* rows (`subtree=False`): the records whose unit is that unit;
- *subtree* rows (`subtree=True`): the records of the unit and of every unit below it, so a
  province's dashboard reads one row per commune and month, and the national roll-up one row
  per province and month, instead of every record.

Rules that keep the figures equal to the live computation:

1. Only components that do not depend on the day are stored (a test checks each one's
   condition is the same on any two days). A count that does — petitions "owed and late as
   of today" — is stored per deadline (`owed` on rows with a `deadline`); the reader counts
   those whose deadline is before the day it judges. Recognitions keep the dates received
   and decided, judged on the working-day calendar when read. Stocks (conventions) count
   each record once, in the month it starts counting from (`Plan.stock`).
2. Every period is a whole number of months (a month, quarter, half-year or year), so a
   period's figure is the sum of its months. Months of a date-time (a matter's closing) are
   those of the time zone the summary was built in; read in another, the source is live.
3. Database triggers on the engines' tables (migration 0003) mark the unit of every record
   inserted, changed or deleted (`SummaryMark`), in the same transaction as the change — a
   service, a bulk update or a COPY alike. A change that moves every unit's figures (an
   Art 11 item's radio rule; a unit's place in the tree) marks every unit.
4. A reader takes the summary rows and, for each unit marked in its scope, takes away that
   unit's own summary rows and adds its records counted live. Any mark for every unit, a
   source never built, a period not made of months, or predecessors nested in each other:
   the whole source is counted live. So a stale row is never used.
5. A refresh (`danchu steering-summary`, task `steering.tasks.refresh_summary`) rebuilds a
   source in one transaction: it first deletes the marks it can see, then counts the
   records. A change committed before that delete is in the new rows; one committed after
   it keeps its mark. Two refreshes never run at once (an advisory lock on PostgreSQL;
   SQLite has one writer).
6. Subtree rows follow the units' parents; a refresh refuses to build them if any unit's
   path is not its parent's path and its own id (the grouping reads paths).

The rows of a group add up like the records do, so the reader returns exactly what
`indicators._source_figures` returns: the same groups (a group is there when it has a
record) with the same values.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, ExtractMonth, ExtractYear
from django.utils import timezone

from danchu.steering.models import MonthlySummary, SummaryMark, SummaryState
from danchu.units.models import Unit

# The range a refresh reads: every record, whatever its date.
FAR_PAST = dt.date(1900, 1, 1)
FAR_FUTURE = dt.date(2999, 12, 31)
PETITION_OPEN_STATUSES = ("received", "verifying", "accepted")


@dataclass(frozen=True)
class Plan:
    """How one source is summarised."""

    source: str
    # The date that places a row in a month: the source's `in_period` field (for a stock,
    # the first date a record counts from: see `stock`).
    dated: str
    stored: tuple[str, ...]  # components that do not depend on the day, stored as they are
    owed: Q | None = None  # rows whose figure depends on the day: counted per deadline
    deadline: str | None = None
    # The day-dependent components from the stored values and the rows owed before the day.
    derive: Callable[[dict, int], dict] | None = None
    datetime_field: bool = False
    # Fields kept on each row for the source's components computed in Python (the working-
    # day calendar is read when the figures are, so a calendar change needs no refresh).
    detail: tuple[str, ...] = ()
    # A stock counts distinct records (conventions) in every period after a date: "ever" —
    # from the first date (a convention in force from its first recognised text); "year" —
    # from the first date in each calendar year (reviewed this year). Rows are per month
    # of that first date, and a period adds the months up to its last (from January).
    stock: str | None = None
    distinct: str | None = None  # the record a stock counts once


def _petitions_on_the_day(values: dict, owed_before: int) -> dict:
    # Owed (still being handled) and past its due date on the day judged; "late or overdue"
    # adds those answered late (an answered petition is never owed, so none counts twice).
    return {
        "petitions_overdue_open": owed_before,
        "petitions_late_or_overdue": values["petitions_late"] + owed_before,
    }


PLANS: dict[str, Plan] = {
    p.source: p
    for p in (
        Plan(
            "notices",
            "published_on",
            ("notices_published", "notices_compliant", "notices_non_compliant"),
        ),
        Plan(
            "matters",
            "closed_at",
            ("matters_decided", "matters_adopted", "households_took_part", "households_on_roll"),
            datetime_field=True,
        ),
        Plan("consultations", "closes_on", ("consultations_held", "consultations_answered")),
        Plan("opinions", "consultation__closes_on", ("opinions_received", "opinions_answered")),
        Plan(
            "recognitions",
            "received_on",
            ("recognitions_received", "recognitions_decided"),
            detail=("received_on", "decided_on"),
        ),
        Plan(
            "conventions",
            "recognised_on",
            ("conventions_in_force",),
            stock="ever",
            distinct="convention_id",
        ),
        Plan(
            "convention_reviews",
            "reviewed_on",
            ("conventions_reviewed",),
            stock="year",
            distinct="convention_id",
        ),
        Plan(
            "petitions",
            "received_on",
            (
                "petitions_received",
                "petitions_answered",
                "petitions_on_time",
                "petitions_late",
                "petitions_rated",
                "petitions_satisfied",
                "petitions_with_days",
                "petitions_days_sum",
            ),
            owed=Q(status__in=PETITION_OPEN_STATUSES),
            deadline="due_on",
            derive=_petitions_on_the_day,
        ),
    )
}


# The model's component columns (every plan's stored components, each its own column), and
# the columns kept for components computed in Python.
VALUE_COLUMNS = tuple(name for plan in PLANS.values() for name in plan.stored)
DETAIL_COLUMNS = ("received_on", "decided_on")


def _sources():
    from danchu.steering.indicators import SOURCES

    return SOURCES


# --- triggers: every change to a record marks its unit ----------------------------------------

# (model, sources it feeds, how its unit is found: the name of its own unit column, or the
# (model, foreign key column, unit column) of the record that holds the unit).
WATCHED = (
    ("disclosures.Notice", ("notices",), "unit_id"),
    ("disclosures.Posting", ("notices",), ("disclosures.Notice", "notice_id", "unit_id")),
    ("disclosures.Airing", ("notices",), ("disclosures.Notice", "notice_id", "unit_id")),
    ("decisions.Matter", ("matters", "recognitions"), "unit_id"),
    ("consultations.Consultation", ("consultations", "opinions"), "unit_id"),
    (
        "consultations.Opinion",
        ("opinions",),
        ("consultations.Consultation", "consultation_id", "unit_id"),
    ),
    (
        "consultations.OpinionGroup",
        ("opinions",),
        ("consultations.Consultation", "consultation_id", "unit_id"),
    ),
    ("consultations.Convention", ("conventions", "convention_reviews"), "village_id"),
    (
        "consultations.ConventionVersion",
        ("conventions",),
        ("consultations.Convention", "convention_id", "village_id"),
    ),
    (
        "consultations.ConventionReview",
        ("convention_reviews",),
        ("consultations.Convention", "convention_id", "village_id"),
    ),
    ("petitions.Petition", ("petitions",), "unit_id"),
)
# Changes that move the figures of every unit: (model, columns, sources, extra condition on
# the old row). A unit's path is first written just after it is created (from ""), which
# moves nothing: it has no records yet.
WATCHED_EVERYWHERE = (
    ("disclosures.Art11Item", ("radio_required",), ("notices",), None),
    ("units.Unit", ("path", "parent_id"), tuple(PLANS), "{old}.path <> ''"),
)
MARKS = "steering_summarymark"


def _trigger_sql(apps, vendor: str) -> tuple[list[str], list[str]]:
    """(statements creating the triggers, statements dropping them) for the vendor."""
    create, drop = [], []
    for label, sources, via in WATCHED:
        table = apps.get_model(label)._meta.db_table
        name = f"steering_mark_{table}"[:60]

        def select(rows: str, source: str, single: bool, via=via) -> str:
            if isinstance(via, str):  # the record's own unit column
                if single:
                    return f"SELECT '{source}', {rows}.{via} WHERE {rows}.{via} IS NOT NULL"
                return (
                    f"SELECT DISTINCT '{source}', r.{via} FROM {rows} r WHERE r.{via} IS NOT NULL"  # noqa: S608
                )
            holder = apps.get_model(via[0])._meta.db_table
            if single:
                return f"SELECT '{source}', h.{via[2]} FROM {holder} h WHERE h.id = {rows}.{via[1]}"  # noqa: S608
            return (
                f"SELECT DISTINCT '{source}', h.{via[2]} FROM {rows} r "  # noqa: S608
                f"JOIN {holder} h ON h.id = r.{via[1]}"
            )

        if vendor == "postgresql":
            old = "".join(
                f"INSERT INTO {MARKS} (source, unit_id) {select('old_rows', s, False)};"
                for s in sources
            )
            new = "".join(
                f"INSERT INTO {MARKS} (source, unit_id) {select('new_rows', s, False)};"
                for s in sources
            )
            create.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN IF TG_OP <> 'INSERT' THEN {old} END IF; "
                f"IF TG_OP <> 'DELETE' THEN {new} END IF; RETURN NULL; END $$"
            )
            # Statement triggers with transition tables: a COPY of a million rows writes
            # one mark per unit, not one per row.
            for event, referencing in (
                ("INSERT", "NEW TABLE AS new_rows"),
                ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                ("DELETE", "OLD TABLE AS old_rows"),
            ):
                create.append(
                    f"CREATE TRIGGER {name}_{event[:3].lower()} AFTER {event} ON {table} "
                    f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
                )
                drop.append(f"DROP TRIGGER IF EXISTS {name}_{event[:3].lower()} ON {table}")
            drop.append(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            for event, rows in (
                ("INSERT", ("NEW",)),
                ("UPDATE", ("OLD", "NEW")),
                ("DELETE", ("OLD",)),
            ):
                body = "".join(
                    f"INSERT INTO {MARKS} (source, unit_id) {select(r, s, True)}; "
                    for r in rows
                    for s in sources
                )
                create.append(
                    f"CREATE TRIGGER {name}_{event[:3].lower()} AFTER {event} ON {table} "
                    f"FOR EACH ROW BEGIN {body}END"
                )
                drop.append(f"DROP TRIGGER IF EXISTS {name}_{event[:3].lower()}")
    for label, columns, sources, extra in WATCHED_EVERYWHERE:
        table = apps.get_model(label)._meta.db_table
        name = f"steering_mark_all_{table}"[:60]
        if vendor == "postgresql":
            changed = " OR ".join(f"o.{c} IS DISTINCT FROM r.{c}" for c in columns)
            condition = f"({changed})" + (f" AND {extra.format(old='o')}" if extra else "")
            inserts = "".join(
                f"INSERT INTO {MARKS} (source, unit_id) SELECT '{s}', NULL FROM new_rows r "  # noqa: S608
                f"JOIN old_rows o ON o.id = r.id WHERE {condition} LIMIT 1;"
                for s in sources
            )
            create.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {inserts} RETURN NULL; END $$"
            )
            create.append(
                f"CREATE TRIGGER {name} AFTER UPDATE ON {table} REFERENCING OLD TABLE AS "
                f"old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
            drop += [
                f"DROP TRIGGER IF EXISTS {name} ON {table}",
                f"DROP FUNCTION IF EXISTS {name}()",
            ]
        else:
            changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
            condition = f"({changed})" + (f" AND {extra.format(old='OLD')}" if extra else "")
            inserts = "".join(
                f"INSERT INTO {MARKS} (source, unit_id) VALUES ('{s}', NULL); "  # noqa: S608
                for s in sources
            )
            create.append(
                f"CREATE TRIGGER {name} AFTER UPDATE ON {table} FOR EACH ROW "
                f"WHEN {condition} BEGIN {inserts}END"
            )
            drop.append(f"DROP TRIGGER IF EXISTS {name}")
    return create, drop


def _trigger_names(create: list[str]) -> set[str]:
    return {st.split()[2] for st in create if st.startswith("CREATE TRIGGER")}


def install_triggers(apps, schema_editor) -> None:
    """Create the triggers (dropping any left before), for a migration or `ensure_triggers`."""
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return  # no triggers: `refresh` refuses to build, every figure stays live
    create, drop = _trigger_sql(apps, vendor)
    for statement in [*drop, *create]:
        schema_editor.execute(statement, params=None)


def remove_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    _create, drop = _trigger_sql(apps, vendor)
    for statement in drop:
        schema_editor.execute(statement, params=None)


def triggers_present(using: str = "default") -> bool:
    from django.apps import apps

    conn = connections[using]
    if conn.vendor not in ("postgresql", "sqlite"):
        return False
    expected = _trigger_names(_trigger_sql(apps, conn.vendor)[0])
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        found = {row[0] for row in cursor.fetchall()}
    return expected <= found


def ensure_triggers(using: str = "default", **_kwargs) -> bool:
    """Put back any missing trigger; True if all were there.

    On SQLite a later migration that rebuilds an engine's table (to alter a column) drops
    the table's triggers with it, and writes could then go unmarked: so after every
    `migrate` (post_migrate) and before every refresh, missing triggers are created again
    and every summary is dropped (counted live) until the next refresh."""
    from django.apps import apps

    conn = connections[using]
    if conn.vendor not in ("postgresql", "sqlite") or triggers_present(using):
        return True
    if "steering_summarymark" not in conn.introspection.table_names():
        return True  # before migration 0003: nothing to keep
    create, drop = _trigger_sql(apps, conn.vendor)
    with transaction.atomic(using=using), conn.cursor() as cursor:
        for statement in [*drop, *create]:
            cursor.execute(statement)
        SummaryState.objects.using(using).all().delete()
    return False


# --- refreshing ---------------------------------------------------------------------------------


def _month(field: str):
    return ExtractYear(field) * 100 + ExtractMonth(field)


def _paths_follow_parents() -> bool:
    """Every unit's path is its parent's path and its own id (what subtree rows rely on)."""
    expected_child = Concat(F("parent__path"), Cast("id", CharField()), Value("/"))
    expected_root = Concat(Value("/"), Cast("id", CharField()), Value("/"))
    broken = (
        Unit.objects.filter(parent__isnull=False).exclude(path=expected_child).exists()
        or Unit.objects.filter(parent__isnull=True).exclude(path=expected_root).exists()
    )
    return not broken


def _own_rows(plan: Plan, source, today: dt.date) -> tuple[str, tuple]:
    """SQL inserting one own row per (unit, month[, deadline or detail]) of the records."""
    from danchu.steering.indicators import _aggregates
    from danchu.steering.periods import Period

    rows = source.rows(FAR_PAST, FAR_FUTURE, today)
    unit = F(source.path.removesuffix("__path"))
    quote = connection.ops.quote_name
    if plan.stock:
        # One row per record counted (a convention) and window ("ever", or each year) with
        # the month of its first date in it; then those are counted per unit and month.
        window = {} if plan.stock == "ever" else {"_year": ExtractYear(plan.dated)}
        first = Min(plan.dated)
        inner = (
            rows.annotate(_unit=unit, **window)
            .values(plan.distinct, "_unit", *window)
            .annotate(_month=ExtractYear(first) * 100 + ExtractMonth(first))
            .order_by()
        )
        sql, params = inner.query.sql_with_params()
        sql = f"SELECT s._unit, s._month, COUNT(*) AS {quote(plan.stored[0])} FROM ({sql}) s GROUP BY s._unit, s._month"  # noqa: S608
        keys = []
    else:
        # The components' conditions, without the period's (the month replaces it); their
        # conditions do not read the period or the day (rule 1).
        everything = Period("year", FAR_PAST.year, 1)
        aggregates = {
            name: agg
            for name, agg in _aggregates(source, everything, today, dated=False).items()
            if name in plan.stored
        }
        keys = ["_unit", "_month", *plan.detail]
        annotations = {"_unit": unit, "_month": _month(plan.dated)}
        if plan.owed is not None:
            annotations["_deadline"] = Case(
                When(plan.owed, then=F(plan.deadline)), default=None, output_field=DateField()
            )
            keys.append("_deadline")
            aggregates["_owed"] = Count("pk", filter=plan.owed)
        inner = rows.annotate(**annotations).values(*keys).annotate(**aggregates).order_by()
        sql, params = inner.query.sql_with_params()
    table = quote(MonthlySummary._meta.db_table)
    columns = ["source", "unit_id", "month", "subtree", "deadline", "owed", *DETAIL_COLUMNS]
    values = [
        "%s",
        "s._unit",
        "s._month",
        "%s",
        "s._deadline" if plan.owed is not None else "NULL",
        "COALESCE(s._owed, 0)" if plan.owed is not None else "0",
        *(f"s.{quote(d)}" if d in plan.detail else "NULL" for d in DETAIL_COLUMNS),
    ]
    # Another source's columns hold 0 (the model's defaults are not the database's).
    columns += VALUE_COLUMNS
    values += [f"COALESCE(s.{quote(n)}, 0)" if n in plan.stored else "0" for n in VALUE_COLUMNS]
    insert = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM ({sql}) s ORDER BY 2, 3"  # a unit's rows together
    )
    return insert, (plan.source, False, *params)


def _subtree_rows(plan: Plan) -> tuple[str, tuple]:
    """SQL adding up own rows into one subtree row per (ancestor, month, deadline, detail)."""
    quote = connection.ops.quote_name
    table = quote(MonthlySummary._meta.db_table)
    units = quote(Unit._meta.db_table)
    sums = ", ".join(f"SUM(s.{quote(n)})" for n in ("owed", *VALUE_COLUMNS))
    keys = ", ".join(f"s.{quote(c)}" for c in ("month", "deadline", *DETAIL_COLUMNS))
    columns = ["source", "unit_id", "month", "deadline", *DETAIL_COLUMNS, "subtree", "owed"]
    columns += VALUE_COLUMNS
    sql = (
        f"WITH RECURSIVE up (unit_id, ancestor_id) AS ("  # noqa: S608
        f"SELECT DISTINCT unit_id, unit_id FROM {table} WHERE source = %s AND subtree = %s "
        f"UNION ALL SELECT up.unit_id, u.parent_id FROM up JOIN {units} u "
        f"ON u.id = up.ancestor_id WHERE u.parent_id IS NOT NULL) "
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
        f"SELECT %s, up.ancestor_id, {keys}, %s, {sums} FROM {table} s "
        f"JOIN up ON up.unit_id = s.unit_id WHERE s.source = %s AND s.subtree = %s "
        f"GROUP BY up.ancestor_id, {keys} ORDER BY up.ancestor_id, s.month"
    )
    return sql, (plan.source, False, plan.source, True, plan.source, False)


class SummaryUnavailable(Exception):
    pass


def refresh(keys: list[str] | None = None) -> dict[str, int]:
    """Rebuild the summary of each planned source (all by default): {source: rows written}."""
    if connection.vendor not in ("postgresql", "sqlite"):
        raise SummaryUnavailable(f"no change triggers on {connection.vendor}")
    ensure_triggers()
    today = timezone.localdate()
    written = {}
    for key in keys or list(PLANS):
        plan, source = PLANS[key], _sources()[key]
        if not source.installed():
            continue
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # one refresh of a source at a time
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_id(key)])
            # Rule 5: the marks seen now are covered by the counting below; later ones stay.
            SummaryMark.objects.filter(source=key).delete()
            MonthlySummary.objects.filter(source=key).delete()
            if not _paths_follow_parents():
                SummaryState.objects.filter(source=key).delete()
                raise SummaryUnavailable("a unit's path does not follow its parent")
            with connection.cursor() as cursor:
                cursor.execute(*_own_rows(plan, source, today))
                cursor.execute(*_subtree_rows(plan))
            rows = MonthlySummary.objects.filter(source=key).count()
            SummaryState.objects.update_or_create(
                source=key,
                defaults={
                    "refreshed_at": timezone.now(),
                    "time_zone": timezone.get_current_timezone_name(),
                    "rows": rows,
                },
            )
        written[key] = rows
    return written


def _lock_id(key: str) -> int:
    return zlib.crc32(f"steering-summary:{key}".encode())


# --- reading ------------------------------------------------------------------------------------


def _month_index(periods) -> dict[int, int] | None:
    """{YYYYMM: period index}, or None when a period is not made of whole months."""
    index = {}
    for i, period in enumerate(periods):
        if period.start.day != 1 or (period.end + dt.timedelta(days=1)).day != 1:
            return None
        year, month = period.start.year, period.start.month
        while dt.date(year, month, 1) <= period.end:
            index[year * 100 + month] = i
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return index


def _date(value):
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _group_of(path: str, scope) -> str:
    """The group of a unit's records, as `Scope.group_expression` computes it in SQL."""
    for unit in scope.extra:
        if path.startswith(unit.path):
            return f"p{unit.pk}"
    return path[len(scope.unit.path) :].split("/", 1)[0]


class Reader:
    """The summarised figures of one scope: two queries for every source, then one each."""

    def __init__(self, scope, periods, today: dt.date):
        self.scope, self.periods, self.today = scope, periods, today
        self.months = _month_index(periods)
        paths = [scope.unit.path] + [u.path for u in scope.extra]
        # Rule 4: predecessors inside one another (or inside the unit) group by the first
        # that matches in SQL; not worth summarising, counted live.
        nested = any(a != b and b.startswith(a) for a in paths for b in paths)
        self.usable = self.months is not None and not nested
        self._states = None
        self._marks: dict[str, dict] = {}
        self._rows: dict[str, list] = {}
        self._children: set[int] = set()

    def _load(self) -> None:
        """Read the states, the marks in the scope and every usable source's rows: four
        queries for the whole dashboard."""
        self._states = {s.source: s for s in SummaryState.objects.filter(source__in=list(PLANS))}
        self._marks, self._rows = {}, {}
        if not self._states:
            return
        # The groups by path are the unit's children: the refresh checked that every path
        # follows its parent, and a change of either marks every unit (rule 6).
        self._children = set(
            Unit.objects.filter(parent=self.scope.unit).values_list("pk", flat=True)
        )
        inside = Unit.objects.filter(self.scope.q("path")).values("pk")
        path = Unit.objects.filter(pk=OuterRef("unit_id")).values("path")[:1]
        marks = (
            SummaryMark.objects.filter(source__in=list(self._states))
            .filter(Q(unit_id__isnull=True) | Q(unit_id__in=inside))
            .annotate(path=Subquery(path))
            .values_list("source", "unit_id", "path")
            .distinct()
        )
        for source, unit_id, unit_path in marks:
            self._marks.setdefault(source, {})[unit_id] = unit_path
        usable = [key for key in self._states if self._usable(key)]
        if not usable:
            return
        marked = {u for key in usable for u in self._marks.get(key, {})}
        groups = sorted({*self._children, *(u.pk for u in self.scope.extra)})
        own = sorted({self.scope.unit.pk, *marked})
        # The rows wanted: the subtree rows of the children and predecessors, the own rows
        # of the unit and of the changed units (index: subtree, unit, source, month), in
        # the months each source's periods need.
        last = max(self.months)
        months = Q()
        for key in usable:
            stock = PLANS[key].stock
            if stock == "ever":
                first = 0  # every month up to the last period's end
            elif stock == "year":
                first = min(p.end.year for p in self.periods) * 100 + 1
            else:
                first = min(self.months)
            months |= Q(source=key, month__gte=first)
        wanted = Q(subtree=True, unit_id__in=groups) | Q(subtree=False, unit_id__in=own)
        wanted &= months & Q(month__lte=last)
        # The database adds the months up: a flow's row goes to its period (its `key`); a
        # stock's keeps its month (it counts in several periods). Owed rows are judged on
        # the day asked. Each source's components travel in the columns v0, v1, ….
        flows = [
            When(month__gte=min(ms), month__lte=max(ms), then=Value(index))
            for index, ms in self._period_months().items()
        ]
        stocks = [k for k in usable if PLANS[k].stock]
        key = Case(
            When(source__in=stocks, then=F("month")),
            *flows,
            default=Value(-1),
            output_field=IntegerField(),
        )
        width = max(len(PLANS[k].stored) for k in usable)
        slots = {
            f"v{i}": Sum(
                Case(
                    *[
                        When(source=k, then=F(PLANS[k].stored[i]))
                        for k in usable
                        if i < len(PLANS[k].stored)
                    ],
                    default=Value(0),
                    output_field=BigIntegerField(),
                )
            )
            for i in range(width)
        }
        rows = (
            MonthlySummary.objects.filter(wanted)
            .annotate(_key=key)
            .values_list("source", "unit_id", "subtree", "_key", *DETAIL_COLUMNS)
            .annotate(_owed=Sum("owed", filter=Q(deadline__lt=self.today), default=0), **slots)
            .order_by()
        )
        # Read with a plain cursor: thousands of rows without the ORM's per-value converters
        # (only the two dates need one, on SQLite, which gives them as text).
        sql, params = rows.query.sql_with_params()
        with connections[rows.db].cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        for source, unit_id, subtree, key, received, decided, *rest in fetched:
            row = [unit_id, subtree, key, _date(received), _date(decided), *rest]
            self._rows.setdefault(source, []).append(row)

    def _period_months(self) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for month, index in self.months.items():
            found.setdefault(index, []).append(month)
        return found

    def _usable(self, key: str) -> bool:
        plan, state = PLANS[key], self._states.get(key)
        if state is None:
            return False  # never built
        if plan.datetime_field and state.time_zone != timezone.get_current_timezone_name():
            return False  # rule 2
        # A mark for every unit: a change that moves every unit's figures.
        return None not in self._marks.get(key, {})

    def figures(self, source) -> dict | None:
        """{(group, period index): {component: value}} like `_source_figures`, or None when
        the source must be counted live."""
        plan = PLANS.get(source.key)
        if plan is None or not self.usable:
            return None
        if self._states is None:
            self._load()
        if not self._usable(source.key):
            return None
        return self._combine(plan, source, self._marks.get(source.key, {}))

    def _indexes(self, plan: Plan, key: int) -> list[int]:
        """The periods a row counts in: a flow's key is its period; a stock's, its month."""
        if not plan.stock:
            return [key] if key >= 0 else []
        found = []
        for index, period in enumerate(self.periods):
            last = period.end.year * 100 + period.end.month
            first = 0 if plan.stock == "ever" else period.end.year * 100 + 1
            if first <= key <= last:
                found.append(index)
        return found

    def _combine(self, plan: Plan, source, marked: dict[int, str]) -> dict:
        from danchu.steering.indicators import _component_names, _source_figures

        scope = self.scope
        extra = {u.pk for u in scope.extra}
        children = self._children
        rows = self._rows.get(plan.source, [])
        # A row: unit, subtree, key, received_on, decided_on, owed before the day, v0, v1…
        width = len(plan.stored)
        sums: dict[tuple[str, int], list[int]] = {}
        details: dict[tuple[str, int], list[dict]] = {}

        def add(group: str, row, sign: int) -> None:
            values = [v or 0 for v in row[6 : 6 + width]]
            for index in self._indexes(plan, row[2]):
                target = sums.setdefault((group, index), [0] * (width + 1))
                target[width] += sign * (row[5] or 0)
                for i, value in enumerate(values):
                    target[i] += sign * value
                if plan.detail:
                    # The source's computed components read these per row, `n` times.
                    details.setdefault((group, index), []).append(
                        {"received_on": row[3], "decided_on": row[4], "n": sign * values[0]}
                    )

        for row in rows:
            unit_id, subtree = row[0], row[1]
            if subtree:
                # A child's or a predecessor's subtree (the unit's own is not a group).
                if unit_id in extra:
                    add(f"p{unit_id}", row, 1)
                elif unit_id in children:
                    add(str(unit_id), row, 1)
                continue
            if unit_id == scope.unit.pk:
                add("", row, 1)  # the unit's own records
            if unit_id in marked:
                # A changed unit: its summary rows leave the sum, its records come live.
                add(_group_of(marked[unit_id], scope), row, -1)
        names = _component_names(source)
        result: dict[tuple[str, int], dict] = {}
        for key, values in sums.items():
            stored = dict(zip(plan.stored, values[:width], strict=True))
            result[key] = dict.fromkeys(names, 0) | stored
            if plan.derive:
                result[key] |= plan.derive(stored, values[width])
        if details:
            # Every group's rows in one call, as the live count does (one calendar read).
            keys = [k for k, rows in details.items() for _r in rows]
            flat = [r for rows in details.values() for r in rows]
            for key, parts in zip(keys, source.computed(flat, self.today), strict=True):
                for name, value in parts.items():
                    result[key][name] += value
        if marked:
            live = _source_figures(source, scope, self.periods, self.today, only_units=list(marked))
            for key, values in live.items():
                target = result.setdefault(key, dict.fromkeys(names, 0))
                for name, value in values.items():
                    target[name] += value
        # A group is there when it has a record, as in the live count.
        count = plan.stored[0]
        return {key: values for key, values in result.items() if values[count] > 0}


def reader(scope, periods, today: dt.date) -> Reader:
    return Reader(scope, periods, today)
