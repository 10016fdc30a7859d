"""Benchmark: 1,000,000 petitions over a province's communes — statistics and the overdue sweep.

It builds a province of 126 communes (5 villages each) and 1,000,000 petitions received over
the last 365 days (kinds, categories, statuses and answer delays drawn at random with a fixed
seed; about 2 % still owed and past due, escalated as the previous days' sweeps left them),
inserted with COPY and analysed. Then, on PostgreSQL:

1. `services.statistics_by_commune(province, year)` — the per-commune on-time table of the
   public statistics page — beside one raw SQL aggregate of the same figures over the same
   rows; it checks both agree and prints the median of 5 runs of each and their ratio;
2. the overdue sweep: the selection `services.needing_escalation(today)` beside the raw
   `SELECT id … WHERE due_on <= … AND escalation_level < …`, the plan of the selection
   (the partial index `petition_overdue_idx`, not a scan of the table), the rows it
   touches against the rows in the table, and the time of a whole `services.sweep(today)`
   (which writes the steps, audit events and messages of the rows whose level rose today)
   and of a second sweep the same day (which must change nothing). Goal: the sweep reads only
   overdue rows through the index and finishes in under a second.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, trust auth, user postgres):

    .venv/bin/python bench/petitions.py
    .venv/bin/python bench/petitions.py --rows 200000

Options: `--rows` (default 1000000), `--communes` (default 126), `--repeat` (default 5),
`--postgres-url`, `--keep` (leave the database `danchu_bench_petitions` behind). The
database is created (dropped first if left over) and dropped at the end. Progress goes to
stderr, figures to stdout. On two cores the whole run takes about two minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _common
from _common import log

BENCH_DATABASE = "danchu_bench_petitions"
SEED = 2026
CHUNK = 50_000
KINDS = (("feedback", 0.62), ("petition", 0.25), ("complaint", 0.11), ("denunciation", 0.02))

RAW_STATS = """
SELECT commune_id,
       count(*),
       count(*) FILTER (WHERE status = 'answered'),
       count(*) FILTER (WHERE status = 'answered' AND answered_late = false),
       count(*) FILTER (WHERE status = 'answered' AND answered_late = true),
       count(*) FILTER (WHERE status IN ('received', 'verifying', 'accepted') AND due_on < %s),
       avg(answer_working_days),
       avg(rating)
FROM petitions_petition
WHERE commune_id IN (SELECT id FROM units_unit WHERE path LIKE %s)
  AND received_on >= %s AND received_on <= %s
GROUP BY commune_id
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--communes", type=int, default=126)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres-url", default=_common.DEFAULT_POSTGRES_URL)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rows < 1000 or args.communes < 1 or args.repeat < 1:
        parser.error("--rows at least 1000, --communes and --repeat at least 1")
    _common.exit_on_sigterm()
    if args.child:
        return run_child(args)
    tmp = Path(tempfile.mkdtemp(prefix="danchu-bench-petitions-"))
    server_url = args.postgres_url.rstrip("/")
    try:
        database_url = _common.recreate_database(server_url, BENCH_DATABASE)
        env = _common.django_env(database_url=database_url, data_dir=tmp)
        command = [sys.executable, str(Path(__file__).resolve()), "--child"]
        for option in ("rows", "communes", "repeat"):
            command += [f"--{option}", str(getattr(args, option))]
        return _common.run_in_child(command, env, 1200, "petitions")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if not args.keep:
            _common.drop_database(server_url, BENCH_DATABASE)


def run_child(args) -> int:
    started = time.monotonic()
    _common.setup_django(dict(os.environ))
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        print("this benchmark runs on PostgreSQL", file=sys.stderr)
        return 2
    today = timezone.localdate()
    province, communes = make_units(args.communes)
    count = insert_petitions(communes, args.rows, today)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE petitions_petition")
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    print(
        f"\ndanchu petitions benchmark — PostgreSQL {version.split(' ')[0]}, "
        f"{os.cpu_count()} CPUs: {count:,} petitions over {len(communes)} communes, "
        f"built in {time.monotonic() - started:.0f} s"
    )
    ok = time_statistics(province, today, args.repeat)
    ok &= time_sweep(today, count, args.repeat)
    _common.close_connections()
    return 0 if ok else 1


def make_units(n: int):
    from danchu.units.models import Unit

    log(f"creating a province of {n} communes")

    def unit(kind, code, name, parent=None):
        u = Unit(kind=kind, code=code, name=name, parent=parent)
        u.save()
        return u

    nation = unit(Unit.Kind.NATION, "VN", "Việt Nam")
    province = unit(Unit.Kind.PROVINCE, "01", "Thành phố Hà Nội", nation)
    communes = []
    for i in range(1, n + 1):
        commune = unit(Unit.Kind.COMMUNE, f"1{i:04d}", f"Xã Thử nghiệm {i}", province)
        villages = [
            unit(Unit.Kind.VILLAGE, f"1{i:04d}-{v:02d}", f"Thôn {v}", commune) for v in range(1, 6)
        ]
        communes.append((commune, villages))
    return province, communes


def insert_petitions(communes, n: int, today: dt.date) -> int:
    """COPY the rows; open items' levels are what yesterday's sweep left."""
    from django.db import connection

    from danchu.petitions import services
    from danchu.petitions.models import Category

    log(f"inserting {n:,} petitions")
    start = time.perf_counter()
    rng = random.Random(SEED)
    categories = list(Category.objects.values_list("pk", flat=True))
    kinds = [k for k, _w in KINDS]
    weights = [w for _k, w in KINDS]
    yesterday = today - dt.timedelta(days=1)
    thresholds = services.level_thresholds(yesterday)
    created = dt.datetime.now(dt.UTC).isoformat()
    columns = (
        "code", "secret_hash", "kind", "complaint_round", "category_id", "unit_id",
        "commune_id", "title", "text", "address", "channel", "is_public", "filer_name",
        "filer_phone", "filer_email", "filer_address", "status", "received_on", "due_on",
        "notice_due_on", "resolve_due_on", "is_complex", "extensions", "refusal_reason",
        "forwarded_to", "forward_reason", "department", "answer", "answer_public",
        "answered_on", "answered_late", "answer_working_days", "withdraw_reason",
        "escalation_level", "rating", "fixed", "reopened", "created_at", "updated_at",
    )  # fmt: skip

    def rows():
        for i in range(n):
            commune, villages = communes[i % len(communes)]
            village = villages[rng.randrange(len(villages))]
            kind = rng.choices(kinds, weights)[0]
            received = today - dt.timedelta(days=rng.randrange(365))
            notice_due = received + dt.timedelta(days=14)
            resolve_due = received + dt.timedelta(days=rng.choice((14, 30, 45)))
            age = (today - received).days
            roll = rng.random()
            status, due, answered, late, wdays, level, rating = (
                "answered", None, None, None, None, 0, None,
            )  # fmt: skip
            if age < 20 and roll < 0.5 or roll < 0.02:
                # Still owed: past due for some, escalated as far as yesterday's sweep went.
                status = rng.choice(("received", "accepted", "accepted"))
                due = resolve_due if status == "accepted" else notice_due
                if due < today:
                    level = next((lv for lv in (3, 2, 1) if due <= thresholds[lv]), 0)
            else:
                delay = rng.randint(1, 50)
                answered = min(received + dt.timedelta(days=delay), today)
                late = answered > resolve_due
                wdays = max(0, (answered - received).days * 5 // 7)
                rating = rng.choice((None, None, 5, 4, 4, 3, 2, 1))
            yield (
                f"PAKN-{received:%Y%m%d}-{i:07d}", "", kind, 1, rng.choice(categories),
                village.pk, commune.pk, "Phản ánh thử nghiệm", "Nội dung", "", "online",
                kind != "denunciation", "", "", "", "", status, received, due, notice_due,
                resolve_due, False, 0, "", "", "", "", "", False, answered, late, wdays, "",
                level, rating, None, 0, created, created,
            )  # fmt: skip

    connection.ensure_connection()
    raw = connection.connection
    sql = f"COPY petitions_petition ({', '.join(columns)}) FROM STDIN"
    count = 0
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        batch = []
        for row in rows():
            batch.append("\t".join(r"\N" if v is None else _text(v) for v in row))
            count += 1
            if len(batch) == CHUNK:
                copy.write("\n".join(batch) + "\n")
                batch = []
                if count % 200_000 == 0:
                    log(f"  {count:,}")
        if batch:
            copy.write("\n".join(batch) + "\n")
    log(f"petitions in {time.perf_counter() - start:.1f} s")
    return count


def _text(value) -> str:
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def median_time(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def time_statistics(province, today: dt.date, repeat: int) -> bool:
    from django.db import connection

    from danchu.petitions import services

    log("timing per-commune statistics against raw SQL")
    start, end = today - dt.timedelta(days=364), today

    def ours():
        return services.statistics_by_commune(province, start, end, today)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW_STATS, [today, f"{province.path}%", start, end])
            return cursor.fetchall()

    ours()
    raw()
    ours_s, rows = median_time(ours, repeat)
    raw_s, raw_rows = median_time(raw, repeat)
    mine = sorted(
        (
            r["commune_id"],
            r["received"],
            r["answered"],
            r["answered_on_time"],
            r["answered_late"],
            r["overdue_open"],
            r["average_working_days"],
            r["average_rating"],
        )
        for r in rows
    )
    rounded = sorted(
        (*row[:6], *(None if v is None else round(float(v), 1) for v in row[6:]))
        for row in raw_rows
    )
    same = mine == rounded
    total = sum(r[1] for r in mine)
    print("\n1. Per-commune statistics (received, answered on time, late, overdue, averages)")
    print(f"   rows aggregated         {total:>12,}  over {len(mine)} communes")
    print(f"   statistics_by_commune   {ours_s * 1000:>10.1f} ms")
    print(f"   raw SQL aggregate       {raw_s * 1000:>10.1f} ms   (same figures: {same})")
    print(f"   ratio                   {ours_s / raw_s:>10.2f} ×")
    return same


def time_sweep(today: dt.date, total: int, repeat: int) -> bool:
    from django.db import connection

    from danchu.petitions import services

    log("timing the overdue sweep")
    thresholds = services.level_thresholds(today)
    query = services.needing_escalation(today, thresholds).order_by().values_list("pk", flat=True)
    sql, params = query.query.sql_with_params()
    raw_sql = (
        "SELECT id FROM petitions_petition WHERE due_on IS NOT NULL AND escalation_level < 3 "
        "AND due_on < %s AND ((due_on <= %s AND escalation_level < 1) OR "
        "(due_on <= %s AND escalation_level < 2) OR (due_on <= %s AND escalation_level < 3))"
    )
    raw_params = [today, thresholds[1], thresholds[2], thresholds[3]]

    def ours():
        return list(query.all())  # a fresh queryset each run, not its cached rows

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(raw_sql, raw_params)
            return cursor.fetchall()

    ours()
    select_s, ids = median_time(ours, repeat)
    raw_s, raw_ids = median_time(raw, repeat)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [line for (line,) in cursor.fetchall()]
        cursor.execute(
            "SELECT count(*) FROM petitions_petition WHERE due_on IS NOT NULL "
            "AND escalation_level < 3 AND due_on < %s",
            [today],
        )
        (overdue,) = cursor.fetchone()
    uses_index = any("petition_overdue_idx" in line for line in plan)
    scans_table = any("Seq Scan on petitions_petition" in line for line in plan)
    start = time.perf_counter()
    first = services.sweep(today)
    sweep_s = time.perf_counter() - start
    start = time.perf_counter()
    again = services.sweep(today)
    again_s = time.perf_counter() - start
    print("\n2. Overdue sweep")
    print(f"   rows in the table       {total:>12,}")
    print(f"   owed and past due       {overdue:>12,}")
    print(f"   whose level rises today {len(ids):>12,}   (raw SQL: {len(raw_ids):,})")
    print(f"   selection (ORM)         {select_s * 1000:>10.1f} ms")
    print(f"   selection (raw SQL)     {raw_s * 1000:>10.1f} ms")
    print(f"   index petition_overdue_idx used: {uses_index}; sequential scan: {scans_table}")
    print(
        f"   sweep(today)            {sweep_s * 1000:>10.1f} ms   "
        f"({first.escalated:,} escalated, {first.followups:,} follow-ups asked)"
    )
    print(f"   sweep again same day    {again_s * 1000:>10.1f} ms   ({again.escalated} escalated)")
    print("   plan of the selection:")
    for line in plan:
        print(f"     {line}")
    goal = uses_index and not scans_table and sweep_s < 1.0 and again.escalated == 0
    print(f"   goal (index, no scan, sweep < 1 s, idempotent): {'met' if goal else 'MISSED'}")
    return len(ids) == len(raw_ids)


if __name__ == "__main__":
    sys.exit(main())
