"""Benchmark: counting a matter with a 1,000,000-household roll, against raw SQL.

For each database (PostgreSQL, SQLite) it builds a commune of 100 villages with 1,000,000
households in all, a commune-wide ballot matter (item 1, three options) whose frozen roll
holds every household, and the votes of 83 % of them (Participation and Choice rows, two
thirds online and one third on paper; options chosen 48 / 37 / 15 %). Rows go in in bulk:
COPY on PostgreSQL, executemany in one transaction on SQLite; then the tables are analysed
(VACUUM ANALYZE / ANALYZE), as autovacuum would have left them during a week of voting.
Then:

1. times `services.tally(matter)` (median of 5, after one warm-up) beside raw SQL over the
   same rows — `SELECT option_id, count(*) FROM decisions_choice WHERE matter_id = %s
   GROUP BY option_id` plus `SELECT count(*) FROM decisions_participation WHERE
   matter_id = %s` — checks both give the same numbers, and prints the ratio (goal: at
   most 1.2);
2. prints the plans of the tally's queries and of the raw ones (EXPLAIN ANALYZE on
   PostgreSQL, EXPLAIN QUERY PLAN on SQLite);
3. times `services.open_matter` (freezing the roll and issuing a code to every household)
   on one village first, estimates the time for the whole commune from it, and opens a
   1,000,000-household matter if the estimate fits in what is left of the time budget
   (skipped with a message otherwise). Beside it, an `INSERT … SELECT` of the same roll.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, trust auth, user postgres):

    .venv/bin/python bench/tally.py
    .venv/bin/python bench/tally.py --households 200000 --databases postgres

Options: `--households` (default 1000000), `--villages` (default 100), `--turnout`
(default 0.83), `--repeat` (timed runs, default 5), `--databases` (postgres, sqlite or both;
default both), `--budget` (seconds per database after which open_matter at full size is
skipped, default 200), `--timeout` (seconds per database before the child is stopped,
default 400), `--postgres-url` (a server where the user may create databases, default
postgres://postgres@127.0.0.1:5432), `--keep` (leave the PostgreSQL database behind).

PostgreSQL runs in `danchu_bench_tally`, created (dropped first if left over) and dropped
at the end; no other database is touched. SQLite runs in a temporary DANCHU_DATA_DIR,
removed at the end. Each database runs in a child process (settings are read once per
process). Progress goes to stderr, figures to stdout. The whole run on two cores takes
about six minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import _common
from _common import log

BENCH_DATABASE = "danchu_bench_tally"
SEED = 2026
OPTIONS = ("Mức 500.000 đồng/hộ", "Mức 300.000 đồng/hộ", "Không đóng góp")
SPLIT = (0.48, 0.37, 0.15)
ONLINE_SHARE = 2 / 3
CHUNK = 50_000
RAW_CHOICES = (
    "SELECT option_id, count(*) FROM decisions_choice WHERE matter_id = %s GROUP BY option_id"
)
RAW_PARTICIPATION = "SELECT count(*) FROM decisions_participation WHERE matter_id = %s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--villages", type=int, default=100)
    parser.add_argument("--turnout", type=float, default=0.83)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--databases", default="postgres,sqlite")
    parser.add_argument("--budget", type=float, default=200.0, help="seconds per database")
    parser.add_argument("--timeout", type=int, default=400, help="seconds per database")
    parser.add_argument("--postgres-url", default=_common.DEFAULT_POSTGRES_URL)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.households < args.villages or args.villages < 1 or args.repeat < 1:
        parser.error("--households must be at least --villages; --repeat at least 1")
    if not 0 < args.turnout <= 1:
        parser.error("--turnout must be in (0, 1]")
    _common.exit_on_sigterm()
    if args.child:
        return run_child(args)

    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    if not databases or set(databases) - {"postgres", "sqlite"}:
        parser.error("--databases takes postgres, sqlite or both")
    status = 0
    for database in databases:
        status |= run_database(database, args)
    return status


def run_database(database: str, args) -> int:
    """One child process per database; the parent creates and drops the PostgreSQL database."""
    tmp = Path(tempfile.mkdtemp(prefix=f"danchu-bench-tally-{database}-"))
    server_url = args.postgres_url.rstrip("/")
    database_url = None
    try:
        if database == "postgres":
            database_url = _common.recreate_database(server_url, BENCH_DATABASE)
        env = _common.django_env(database_url=database_url, data_dir=tmp)
        command = [sys.executable, str(Path(__file__).resolve()), "--child", database]
        for option in ("households", "villages", "turnout", "repeat", "budget"):
            command += [f"--{option}", str(getattr(args, option))]
        return _common.run_in_child(command, env, args.timeout, database)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if database == "postgres" and not args.keep:
            _common.drop_database(server_url, BENCH_DATABASE)


# --- child: one database ----------------------------------------------------------------------


def run_child(args) -> int:
    started = time.monotonic()
    _common.setup_django(dict(os.environ))
    from django.db import connection

    label = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    commune, villages = make_units(args.villages)
    household_ids = insert_households(villages, args.households)
    matter, votes = make_counted_matter(commune, household_ids, args.turnout)
    analyse()
    print(
        f"\ndanchu tally benchmark — {label} {database_version()}, {os.cpu_count()} CPUs: "
        f"roll of {len(household_ids):,} households in {len(villages)} villages, "
        f"{sum(votes.values()):,} votes ({args.turnout:.0%}); "
        f"built in {time.monotonic() - started:.0f} s"
    )
    ok = time_tally(matter, votes, args.repeat)
    print_plans(matter)
    time_open_matter(commune, villages, len(household_ids), started, args.budget)
    _common.close_connections()
    return 0 if ok else 1


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0].split(" ")[0]


def make_units(villages: int):
    from danchu.accounts.permissions import SYSTEM
    from danchu.units.models import Unit
    from danchu.units.services import create_village

    log(f"creating a commune of {villages} villages")

    def unit(kind, code, name, parent=None):
        u = Unit(kind=kind, code=code, name=name, parent=parent)
        u.save()
        return u

    nation = unit(Unit.Kind.NATION, "VN", "Việt Nam")
    province = unit(Unit.Kind.PROVINCE, "01", "Thành phố Hà Nội", nation)
    commune = unit(Unit.Kind.COMMUNE, "10402", "Xã Ứng Hòa", province)
    children = [
        create_village(actor=SYSTEM, commune=commune, name=f"Thôn {n}")
        for n in range(1, villages + 1)
    ]
    return commune, children


# --- bulk rows: COPY on PostgreSQL, executemany on SQLite --------------------------------------


def now_value() -> str:
    """The current time as the database stores it (SQLite: naive UTC text)."""
    from django.db import connection

    now = dt.datetime.now(dt.UTC)
    if connection.vendor == "postgresql":
        return now.isoformat()
    return now.replace(tzinfo=None).isoformat(" ")


def bulk_insert(table: str, columns: tuple[str, ...], rows) -> int:
    """Insert an iterable of tuples (None for NULL): COPY on PostgreSQL, executemany in one
    transaction on SQLite. The rows are consistent by construction, so foreign keys are not
    checked row by row meanwhile (session_replication_role = replica / foreign_keys = OFF);
    indexes and unique constraints are maintained as usual."""
    from django.db import connection, transaction

    connection.ensure_connection()
    raw = connection.connection
    count = 0
    if connection.vendor == "postgresql":
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        raw.execute("SET session_replication_role = replica")
        try:
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                lines = []
                for row in rows:
                    lines.append("\t".join(r"\N" if v is None else str(v) for v in row))
                    count += 1
                    if len(lines) == CHUNK:
                        copy.write("\n".join(lines) + "\n")
                        lines = []
                if lines:
                    copy.write("\n".join(lines) + "\n")
        finally:
            raw.execute("RESET session_replication_role")
        return count
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction.atomic():
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == CHUNK:
                    raw.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            raw.executemany(sql, batch)
            count += len(batch)
    finally:
        raw.execute("PRAGMA foreign_keys = ON")
    return count


def insert_households(villages, n: int) -> list[int]:
    from django.db import connection

    log(f"inserting {n:,} households")
    start = time.perf_counter()
    rng = random.Random(SEED)
    per_village = n // len(villages)
    created = now_value()

    def rows():
        for i in range(n):
            village = villages[min(i // per_village, len(villages) - 1)]
            yield (village.pk, f"H{i + 1:07d}", "", f"{i + 1:07d}", rng.randint(1, 6), created)

    columns = ("village_id", "code", "address", "representative_sort_key", "member_count")
    bulk_insert("people_household", (*columns, "created_at"), rows())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM people_household WHERE village_id IN "
            f"({', '.join(str(v.pk) for v in villages)}) ORDER BY id"
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    log(f"households in {time.perf_counter() - start:.1f} s")
    return ids


def make_counted_matter(commune, household_ids: list[int], turnout: float):
    """A commune-wide ballot, open, with its roll frozen and the votes of `turnout` of it."""
    from django.utils import timezone

    from danchu.accounts.permissions import SYSTEM
    from danchu.decisions import services
    from danchu.decisions.models import Matter

    matter = services.create_matter(
        actor=SYSTEM,
        unit=commune,
        item=1,
        title="Mức đóng góp làm đường liên thôn",
        options=list(OPTIONS),
    )
    options = list(matter.options.values_list("pk", flat=True))
    log(f"inserting the roll of {len(household_ids):,} households")
    start = time.perf_counter()
    bulk_insert(
        "decisions_rollentry",
        ("matter_id", "household_id", "code_hash"),
        ((matter.pk, pk, None) for pk in household_ids),
    )
    Matter.objects.filter(pk=matter.pk).update(
        status=Matter.Status.OPEN,
        form="ballot",
        roll_size=len(household_ids),
        opened_at=timezone.now(),
        collection_ends_on=timezone.localdate() + dt.timedelta(days=7),
    )
    matter.refresh_from_db()
    rng = random.Random(SEED + 1)
    voters = [pk for pk in household_ids if rng.random() < turnout]
    log(f"inserting {len(voters):,} participations and choices")
    created = now_value()
    bulk_insert(
        "decisions_participation",
        ("matter_id", "household_id", "channel", "created_at"),
        (
            (matter.pk, pk, "online" if rng.random() < ONLINE_SHARE else "paper", created)
            for pk in voters
        ),
    )
    picks = rng.choices(options, weights=SPLIT, k=len(voters))
    votes = dict.fromkeys(options, 0)
    for option in picks:
        votes[option] += 1
    bulk_insert(
        "decisions_choice",
        ("id", "matter_id", "option_id", "household_id"),
        (
            (f"{rng.getrandbits(128):032x}", matter.pk, option, pk)
            for pk, option in zip(voters, picks, strict=True)
        ),
    )
    log(f"roll and votes in {time.perf_counter() - start:.1f} s")
    return matter, votes


def analyse() -> None:
    from django.db import connection

    log("analysing the tables")
    tables = ("people_household", "decisions_rollentry", "decisions_participation")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in (*tables, "decisions_choice"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")


# --- 1. tally against raw SQL ------------------------------------------------------------------


def raw_count(matter_id: int) -> tuple[dict[int, int], int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(RAW_CHOICES, [matter_id])
        votes = dict(cursor.fetchall())
        cursor.execute(RAW_PARTICIPATION, [matter_id])
        (participated,) = cursor.fetchone()
    return votes, participated


class QueryTimer:
    """A connection.execute_wrapper recording each query's SQL and seconds (perf_counter)."""

    def __init__(self):
        self.queries: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, time.perf_counter() - start))


def short(sql: str) -> str:
    """A query's table and aggregate, to label it in a table."""
    sql = " ".join(sql.replace('"', "").split())
    table = sql.split(" FROM ", 1)[1].split()[0] if " FROM " in sql else "?"
    head = sql.split(" FROM ", 1)[0].removeprefix("SELECT ")
    head = ", ".join(part.split(" AS ")[0] for part in head.split(", "))
    head = head.replace(f"{table}.", "")
    return f"{table}: {head}"[:60]


def time_tally(matter, votes: dict[int, int], repeat: int) -> bool:
    from django.db import connection
    from django.db.models import Count

    from danchu.decisions import services
    from danchu.decisions.models import Choice

    log(f"timing tally and raw SQL, {repeat} runs each (interleaved)")
    result = services.tally(matter)  # warm-up: caches and the buffer pool
    raw_votes, participated = raw_count(matter.pk)
    tally_times, raw_times, star_times = [], [], []
    per_query: dict[tuple[str, str], list[float]] = {}
    for _ in range(repeat):
        for who in ("tally", "raw", "star"):
            timer = QueryTimer()
            with connection.execute_wrapper(timer):
                start = time.perf_counter()
                if who == "tally":
                    result = services.tally(matter)
                elif who == "raw":
                    raw_votes, participated = raw_count(matter.pk)
                else:  # the tally's Choice query with Count("*") instead of Count("id")
                    list(
                        Choice.objects.filter(matter=matter)
                        .values("option_id")
                        .annotate(n=Count("*"))
                    )
                seconds = time.perf_counter() - start
            {"tally": tally_times, "raw": raw_times, "star": star_times}[who].append(seconds)
            for sql, query_seconds in timer.queries:
                per_query.setdefault((who, short(sql)), []).append(query_seconds)
    tally_ms, raw_ms = _common.median(tally_times) * 1000, _common.median(raw_times) * 1000
    ratio = tally_ms / raw_ms
    print(f"\nCounting {result.participated:,} votes (median of {repeat}; ms):")
    print(f"  {'':<62} {'median':>8} {'min':>8} {'max':>8}")
    for name, times in (
        ("services.tally(matter)", tally_times),
        ("raw SQL (GROUP BY + count)", raw_times),
    ):
        print(
            f"  {name:<62} {_common.median(times) * 1000:>8.1f} {min(times) * 1000:>8.1f} "
            f"{max(times) * 1000:>8.1f}"
        )
    verdict = "meets" if ratio <= 1.2 else "misses"
    print(f"tally ÷ raw SQL = {ratio:.2f} — {verdict} the goal of 1.20")
    print("  each query (median ms):")
    labels = {"tally": "tally", "raw": "raw", "star": "ORM Count('*') alone"}
    for (who, label), times in per_query.items():
        print(f"    {labels[who]:<29} {label:<60} {_common.median(times) * 1000:>8.1f}")
    same = result.votes == raw_votes == votes and result.participated == participated
    print(
        f"  {'ok  ' if same else 'FAIL'} tally and raw SQL agree with the rows inserted: "
        f"{', '.join(f'{result.labels[k]} {v:,}' for k, v in result.votes.items())}; "
        f"{participated:,} took part"
    )
    sys.stdout.flush()
    return same


# --- 2. plans -----------------------------------------------------------------------------------


def print_plans(matter) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from danchu.decisions import services

    with CaptureQueriesContext(connection) as queries:
        services.tally(matter)
    heavy = [
        q["sql"]
        for q in queries.captured_queries
        if '"decisions_choice"' in q["sql"] or '"decisions_participation"' in q["sql"]
    ]
    raw = [RAW_CHOICES % matter.pk, RAW_PARTICIPATION % matter.pk]
    postgres = connection.vendor == "postgresql"
    explain = "EXPLAIN (ANALYZE, BUFFERS)" if postgres else "EXPLAIN QUERY PLAN"
    print(f"\nPlans ({explain}):")
    for who, sqls in (("tally", heavy), ("raw", raw)):
        for sql in sqls:
            with connection.cursor() as cursor:
                cursor.execute(f"{explain} {sql}")
                rows = cursor.fetchall()
            print(f"  [{who}] {' '.join(sql.split())}")
            for row in rows:
                line = row[0] if postgres else f"{'  ' * int(row[1] > 0)}{row[-1]}"
                print(f"      {line}")
    sys.stdout.flush()


# --- 3. opening a matter: freezing the roll and issuing codes -------------------------------


def time_open_matter(commune, villages, n: int, started: float, budget: float) -> None:
    from danchu.accounts.permissions import SYSTEM
    from danchu.decisions import services

    today = dt.date.today()
    probe = villages[0]
    probe_households = probe.households.count()
    log(f"open_matter on one village of {probe_households:,} households")
    matter = services.create_matter(actor=SYSTEM, unit=probe, item=6, title="Đo thời gian mở")
    for who in ("head", "front"):
        services.record_agreement(actor=SYSTEM, matter=matter, who=who, on=today)
    seconds, codes, queries = timed_open(matter, today)
    raw_seconds = time_raw_roll(probe)
    print("\nOpening a ballot (open_matter: roll frozen, a code issued to each household; s):")
    print(f"  {'households':>10} {'open_matter':>12} {'of which codes':>15} {'INSERT…SELECT':>14}")
    print(f"  {probe_households:>10,} {seconds:>12.2f} {codes:>15.2f} {raw_seconds:>14.2f}")
    print(f"  {'':>10} {sql_breakdown(queries, codes)}")
    sys.stdout.flush()
    estimate = seconds * n / probe_households
    left = budget - (time.monotonic() - started)
    if estimate * 1.3 > left:
        print(
            f"  {n:>10,} skipped: about {estimate:.0f} s estimated from one village, "
            f"{max(left, 0):.0f} s left of the {budget:.0f} s budget (--budget)"
        )
        sys.stdout.flush()
        return
    log(f"open_matter on the commune, {n:,} households (about {estimate:.0f} s estimated)")
    matter = services.create_matter(
        actor=SYSTEM, unit=commune, item=1, title="Đo thời gian mở toàn xã"
    )
    seconds, codes, queries = timed_open(matter, today)
    raw_seconds = time_raw_roll(commune)
    print(f"  {n:>10,} {seconds:>12.2f} {codes:>15.2f} {raw_seconds:>14.2f}")
    print(f"  {'':>10} {sql_breakdown(queries, codes)}")
    sys.stdout.flush()


def timed_open(matter, today: dt.date) -> tuple[float, float, list[dict]]:
    """(seconds of open_matter, seconds of it spent in issue_codes, its SQL queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from danchu.accounts.permissions import SYSTEM
    from danchu.decisions import services

    issue_codes = services.issue_codes
    spent = []

    def timed_issue_codes(*a, **kw):
        start = time.perf_counter()
        try:
            return issue_codes(*a, **kw)
        finally:
            spent.append(time.perf_counter() - start)

    services.issue_codes = timed_issue_codes
    try:
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            services.open_matter(
                actor=SYSTEM,
                matter=matter,
                form="ballot",
                collection_ends_on=today + dt.timedelta(7),
            )
            seconds = time.perf_counter() - start
        return seconds, sum(spent), queries.captured_queries
    finally:
        services.issue_codes = issue_codes


def sql_breakdown(queries: list[dict], codes: float) -> str:
    """The roll's INSERTs and the codes' UPDATEs: statements, seconds in SQL, and the rest of
    issue_codes (hashing and building the UPDATE statements in Python)."""
    parts = []
    for verb, prefix in (("INSERT", 'INSERT INTO "decisions_rollentry"'), ("UPDATE", "UPDATE")):
        mine = [q for q in queries if q["sql"].startswith(prefix) and "rollentry" in q["sql"][:40]]
        if not mine:
            continue
        size = max(len(q["sql"]) for q in mine)
        seconds = sum(float(q["time"]) for q in mine)
        parts.append(
            f"{len(mine)} {verb} ({seconds:.2f} s in SQL, up to {size / 1024:.0f} KiB each)"
        )
        if verb == "UPDATE":
            parts.append(f"issue_codes outside SQL {codes - seconds:.2f} s")
    return "; ".join(parts)


def time_raw_roll(unit) -> float:
    """INSERT … SELECT of the unit's households into the roll of a scratch draft matter,
    rolled back: what freezing the roll costs in SQL alone."""
    from django.db import connection, transaction

    from danchu.accounts.permissions import SYSTEM
    from danchu.decisions import services

    class Rollback(Exception):
        pass

    item = 1 if unit.kind == "commune" else 6
    start = 0.0
    seconds = float("nan")
    try:
        with transaction.atomic():
            scratch = services.create_matter(actor=SYSTEM, unit=unit, item=item, title="Nháp")
            with connection.cursor() as cursor:
                start = time.perf_counter()
                cursor.execute(
                    "INSERT INTO decisions_rollentry (matter_id, household_id) "
                    "SELECT %s, h.id FROM people_household h JOIN units_unit v "
                    "ON v.id = h.village_id WHERE v.path LIKE %s AND h.dissolved_on IS NULL "
                    "AND v.valid_to IS NULL",
                    [scratch.pk, f"{unit.path}%"],
                )
                seconds = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    return seconds


if __name__ == "__main__":
    sys.exit(main())
