"""Benchmark: the steering committee's dashboard and roll-up over a province or the country.

It builds a unit tree — by default one province of 126 communes and 5,040 villages (Hà Nội's
size); with `--national` 34 provinces, 3,321 communes and 63,600 villages — and a year of the
engines' records, inserted with COPY and analysed:

- notices: 60 per commune and 2 per village, each posted on its unit's board for the legal
  period (one in twenty taken down early); one in twelve is on a radio item, aired on three
  consecutive days (one in three of those only two, so out of compliance); one in twenty-five
  published after its due date;
- matters: 3 closed per village, each with a frozen roll of the village's households (425 on
  average: 27 million over 63,600 villages) and a turnout between 30 % and 95 %; one in
  five needs recognition, some decided late and some still pending;
- petitions: one per 30 households a year (about 14 per village), answered, late or owed;
- consultations: 4 per commune with 25 opinions each; conventions: one per village,
  recognised, seven in ten reviewed this year.

Households themselves are not rows here: no indicator reads the household table (turnout
uses each matter's frozen roll), so the benchmark builds the rolls' sizes, not 27 million rows.

Then it builds the monthly summary (`danchu.steering.summary.refresh`, what
`danchu steering-summary` runs nightly) and prints its time, and, on PostgreSQL, the median
of `--repeat` runs of:

1. a committee member's dashboard of the (first) province over HTTP in-process (the whole
   page: indicators by commune, trend over 4 half-years, hot spots, plans) and its query
   count, beside `indicators.breakdown_and_trend` alone (what the page computes);
2. the national roll-up (`indicators.breakdown(nation)`: every indicator for each province);
3. beside each, the raw SQL aggregates of the same rows (notices, matters, petitions grouped
   by child unit), and whether the figures agree; and the same figures counted live (the
   summary switched off), once, with whether they are equal to the summarised ones;
4. the province's dashboard again after petitions of 50 villages changed (their units are
   marked, so those villages are counted live until the next refresh).
Goals: a province dashboard under 200 ms, the national roll-up under 2 s.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, trust auth, user postgres):

    .venv/bin/python bench/steering.py
    .venv/bin/python bench/steering.py --national

Options: `--national`, `--repeat` (default 5), `--postgres-url`, `--keep` (leave the database
`danchu_bench_steering` behind). Progress goes to stderr, figures to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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

BENCH_DATABASE = "danchu_bench_steering"
SEED = 2026
CHUNK = 50_000
HOUSEHOLDS_PER_VILLAGE = 425  # 27,000,000 / 63,600


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres-url", default=_common.DEFAULT_POSTGRES_URL)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat at least 1")
    _common.exit_on_sigterm()
    if args.child:
        return run_child(args)
    tmp = Path(tempfile.mkdtemp(prefix="danchu-bench-steering-"))
    server_url = args.postgres_url.rstrip("/")
    try:
        database_url = _common.recreate_database(server_url, BENCH_DATABASE)
        env = _common.django_env(database_url=database_url, data_dir=tmp)
        env["DANCHU_OFFICER_2FA"] = "false"
        _common.collect_static(env)  # the dashboard page needs the manifest
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            "--repeat",
            str(args.repeat),
        ]
        if args.national:
            command.append("--national")
        return _common.run_in_child(command, env, 3600, "steering")
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
    rng = random.Random(SEED)
    shape = (34, 3321, 63_600) if args.national else (1, 126, 5_040)
    tree = make_units(*shape)
    counts = insert_records(tree, today, rng)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    total = sum(counts.values())
    refresh_s, written = refresh_summary()
    print(
        f"\ndanchu steering benchmark — PostgreSQL {version.split(' ')[0]}, {os.cpu_count()} "
        f"CPUs: {shape[0]} provinces, {shape[1]:,} communes, {shape[2]:,} villages "
        f"({shape[2] * HOUSEHOLDS_PER_VILLAGE:,} households on the rolls); {total:,} records "
        f"({', '.join(f'{k} {v:,}' for k, v in counts.items())}); built in "
        f"{time.monotonic() - started:.0f} s"
    )
    print(
        f"\n0. Monthly summary built in {refresh_s:.1f} s ({sum(written.values()):,} rows: "
        f"{', '.join(f'{k} {v:,}' for k, v in written.items())})"
    )
    ok = time_province(tree, today, args.repeat)
    ok &= time_national(tree, today, args.repeat)
    ok &= time_changed(tree, today, args.repeat)
    _common.close_connections()
    return 0 if ok else 1


# --- data ----------------------------------------------------------------------------------------


def copy_rows(model, rows, extra_fields=()) -> int:
    """COPY dict rows into the model's table; fields not given take their default."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now().isoformat()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or "id" in extra_fields]
    columns = [f.column for f in fields]
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        else:
            defaults[f.attname] = None if f.null else ""

    def text(value) -> str:
        if value is None:
            return r"\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False).replace("\\", "\\\\")
        return str(value)

    connection.ensure_connection()
    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    count = 0
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        batch = []
        for row in rows:
            batch.append("\t".join(text(row.get(f.attname, defaults[f.attname])) for f in fields))
            count += 1
            if len(batch) == CHUNK:
                copy.write("\n".join(batch) + "\n")
                batch = []
        if batch:
            copy.write("\n".join(batch) + "\n")
    return count


def make_units(provinces: int, communes: int, villages: int) -> dict:
    from django.db import connection

    from danchu.core.vietnamese import collation_key, fold
    from danchu.units.models import Unit

    log(f"creating {provinces} provinces, {communes:,} communes, {villages:,} villages")
    rows, tree = [], {"provinces": [], "communes": [], "villages": []}
    next_id = iter(range(1, 10_000_000))

    def add(kind, code, name, parent):
        pk = next(next_id)
        path = (parent["path"] if parent else "/") + f"{pk}/"
        row = {
            "id": pk,
            "kind": kind,
            "code": code,
            "name": name,
            "name_folded": fold(name),
            "sort_key": collation_key(name),
            "parent_id": parent["id"] if parent else None,
            "path": path,
            "depth": path.count("/") - 2,
        }
        rows.append(row)
        return row

    nation = add("nation", "VN", "Việt Nam", None)
    tree["nation"] = nation
    per_province = communes // provinces
    per_commune = villages // communes
    extra_villages = villages - per_commune * communes
    for p in range(provinces):
        province = add("province", f"{p + 1:02d}", f"Tỉnh thử nghiệm {p + 1}", nation)
        tree["provinces"].append(province)
        count = per_province + (1 if p < communes - per_province * provinces else 0)
        for _c in range(count):
            index = len(tree["communes"]) + 1
            commune = add("commune", f"{index:05d}", f"Xã thử nghiệm {index}", province)
            tree["communes"].append(commune)
            n = per_commune + (1 if index <= extra_villages else 0)
            for v in range(1, n + 1):
                tree["villages"].append(
                    add("village", f"{index:05d}-{v:02d}", f"Thôn {v}", commune)
                )
    copy_rows(Unit, rows, extra_fields=("id",))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('units_unit', 'id'), (SELECT max(id) FROM "
            "units_unit))"
        )
    tree["root"] = Unit.objects.get(code="01")
    tree["nation_unit"] = Unit.objects.get(code="VN")
    return tree


def _day(today, rng) -> dt.date:
    return today - dt.timedelta(days=rng.randrange(365))


def insert_records(tree, today, rng) -> dict:
    from danchu.consultations.models import (
        Art25Item,
        Consultation,
        Convention,
        ConventionReview,
        ConventionVersion,
        Opinion,
    )
    from danchu.decisions.models import Matter
    from danchu.disclosures.models import Airing, Art11Item, Notice, Posting, PostingPlace
    from danchu.petitions.models import Category, Petition

    counts = {}
    items = dict(Art11Item.objects.values_list("number", "pk"))

    units = tree["communes"] + tree["villages"]
    notice_plan = []  # (unit, day, radio) in insertion order, so pks follow it

    def notices():
        for unit in units:
            for _i in range(60 if unit["kind"] == "commune" else 2):
                day = _day(today, rng)
                radio = rng.random() < 1 / 12
                notice_plan.append((unit["id"], day, radio))
                yield {
                    "unit_id": unit["id"],
                    "item_id": items[8 if radio else 3],
                    "title": "Thông báo",
                    "body": "Nội dung",
                    "status": "published",
                    "published_on": day,
                    "published_at": f"{day}T08:00:00+07:00",
                    "publish_due_on": day - dt.timedelta(days=3 if rng.random() < 0.04 else 0),
                }

    log("notices, postings and airings")
    counts["notices"] = copy_rows(Notice, notices())
    copy_rows(PostingPlace, ({"unit_id": u["id"], "name": "Nhà văn hóa"} for u in units))
    places = dict(PostingPlace.objects.values_list("unit_id", "pk"))
    notice_ids = list(Notice.objects.order_by("pk").values_list("pk", flat=True))

    def postings():
        for pk, (unit_id, day, _radio) in zip(notice_ids, notice_plan, strict=True):
            required = day + dt.timedelta(days=30)
            early = rng.random() < 1 / 20
            yield {
                "notice_id": pk,
                "place_id": places[unit_id],
                "started_on": day,
                "required_until": required,
                "ended_on": day + dt.timedelta(days=10) if early else None,
            }

    def airings():
        for pk, (_unit_id, day, radio) in zip(notice_ids, notice_plan, strict=True):
            if not radio:
                continue
            for offset in range(2 if rng.random() < 1 / 3 else 3):
                aired = day + dt.timedelta(days=offset)
                yield {
                    "notice_id": pk,
                    "aired_at": f"{aired}T18:00:00+07:00",
                    "aired_on": aired,
                    "day_number": aired.toordinal(),
                }

    counts["postings"] = copy_rows(Posting, postings())
    counts["airings"] = copy_rows(Airing, airings())

    def matters():
        for village in tree["villages"]:
            for _i in range(3):
                day = _day(today, rng)
                roll = rng.randint(200, 650)
                took = int(roll * rng.uniform(0.3, 0.95))
                row = {
                    "unit_id": village["id"],
                    "item": 6,
                    "kind": "decision",
                    "title": "Làm đường",
                    "status": "closed",
                    "form": "meeting",
                    "roll_size": roll,
                    "adopted": took * 2 > roll,
                    "closed_at": f"{day}T20:00:00+07:00",
                    "result": {"roll_size": roll, "participated": took},
                }
                if rng.random() < 0.2:
                    received = day + dt.timedelta(days=2)
                    row |= {"item": 3, "received_on": min(received, today)}
                    decided = rng.random()
                    if decided < 0.8:
                        row["recognised_on"] = min(
                            today, received + dt.timedelta(days=rng.randint(1, 12))
                        )
                yield row

    log("matters")
    counts["matters"] = copy_rows(Matter, matters())

    categories = list(Category.objects.values_list("pk", flat=True))

    def petitions():
        number = 0
        for village in tree["villages"]:
            for _i in range(HOUSEHOLDS_PER_VILLAGE // 30):
                number += 1
                received = _day(today, rng)
                roll = rng.random()
                row = {
                    "code": f"PA-{number:08d}",
                    "kind": "feedback",
                    "channel": "online",
                    "category_id": rng.choice(categories),
                    "unit_id": village["id"],
                    "commune_id": village["parent_id"],
                    "title": "Phản ánh",
                    "text": "Nội dung",
                    "received_on": received,
                    "notice_due_on": received + dt.timedelta(days=14),
                }
                if roll < 0.05:
                    row |= {"status": "accepted", "due_on": received + dt.timedelta(days=30)}
                else:
                    answered = min(today, received + dt.timedelta(days=rng.randint(1, 40)))
                    row |= {
                        "status": "answered",
                        "answered_on": answered,
                        "answered_late": (answered - received).days > 30,
                        "answer_working_days": (answered - received).days * 5 // 7,
                        "rating": rng.choice((None, None, 5, 4, 3, 2)),
                    }
                yield row

    log("petitions")
    counts["petitions"] = copy_rows(Petition, petitions())

    item = Art25Item.objects.get(number=5)

    def consultations():
        for commune in tree["communes"]:
            for _i in range(4):
                closes = _day(today, rng)
                yield {
                    "unit_id": commune["id"],
                    "item_id": item.pk,
                    "title": "Dự thảo",
                    "forms": ["portal"],
                    "opens_on": closes - dt.timedelta(days=14),
                    "closes_on": closes,
                    "status": "answered" if rng.random() < 0.7 else "closed",
                }

    log("consultations and opinions")
    counts["consultations"] = copy_rows(Consultation, consultations())
    ids = list(Consultation.objects.values_list("pk", flat=True))
    counts["opinions"] = copy_rows(
        Opinion,
        (
            {"consultation_id": c, "channel": "portal", "text": "Ý kiến", "original_text": "Ý kiến"}
            for c in ids
            for _i in range(25)
        ),
    )
    log("conventions")
    counts["conventions"] = copy_rows(
        Convention,
        (
            {"village_id": v["id"], "title": "huong_uoc", "status": "in_force"}
            for v in tree["villages"]
        ),
    )
    conventions = list(Convention.objects.values_list("pk", flat=True))
    copy_rows(
        ConventionVersion,
        (
            {
                "convention_id": c,
                "number": 1,
                "text": "Hương ước",
                "stage": "recognised",
                "recognised_on": dt.date(2024, 6, 1),
            }
            for c in conventions
        ),
    )
    versions = dict(ConventionVersion.objects.values_list("convention_id", "pk"))
    reviewed = today.replace(month=1, day=15)
    copy_rows(
        ConventionReview,
        (
            {
                "convention_id": c,
                "version_id": versions[c],
                "year": reviewed.year,
                "reviewed_on": reviewed,
                "form": "meeting",
                "chair_name": "Trưởng thôn",
                "front_head_name": "Trưởng ban",
                "findings": "Phù hợp",
                "outcome": "keep",
            }
            for c in conventions
            if rng.random() < 0.7
        ),
    )
    return counts


# --- timing --------------------------------------------------------------------------------------


def refresh_summary():
    """Build the monthly summary from the records (every unit is marked by the COPY)."""
    from django.db import connection

    from danchu.steering import summary

    log("building the monthly summary")
    start = time.perf_counter()
    written = summary.refresh()
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE steering_monthlysummary")
        cursor.execute("VACUUM ANALYZE steering_summarymark")
    return elapsed, written


def live_only():
    """The summary switched off: every source counted from the records."""
    from unittest import mock

    from danchu.steering import summary

    return mock.patch.object(summary.Reader, "figures", lambda self, source: None)


def same_figures(a, b) -> bool:
    return a.total.values == b.total.values and [(u.pk, f.values) for u, _n, f in a.rows] == [
        (u.pk, f.values) for u, _n, f in b.rows
    ]


def median_time(function, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


RAW = {
    # Out of compliance (Art 12, 13): published late, or after the report period's deadline,
    # or taken down early and not re-posted at that board, or a radio item not aired on
    # three consecutive days.
    "notices": """
        SELECT split_part(substr(u.path, %(n)s), '/', 1), count(*),
               count(*) FILTER (WHERE x.published_on > x.publish_due_on
                  OR x.published_on > x.period_due_on
                  OR EXISTS (SELECT 1 FROM disclosures_posting p
                             WHERE p.notice_id = x.id AND p.ended_on < p.required_until
                               AND NOT EXISTS (SELECT 1 FROM disclosures_posting r
                                               WHERE r.notice_id = x.id AND r.place_id = p.place_id
                                                 AND r.started_on >= p.ended_on AND r.id <> p.id))
                  OR (i.radio_required AND NOT EXISTS (
                             SELECT 1 FROM disclosures_airing a
                             JOIN disclosures_airing b ON b.notice_id = x.id
                                  AND b.day_number = a.day_number + 1
                             JOIN disclosures_airing c ON c.notice_id = x.id
                                  AND c.day_number = a.day_number + 2
                             WHERE a.notice_id = x.id)))
        FROM disclosures_notice x JOIN units_unit u ON u.id = x.unit_id
        JOIN disclosures_art11item i ON i.id = x.item_id
        WHERE u.path LIKE %(prefix)s AND x.status = 'published'
          AND x.published_on BETWEEN %(start)s AND %(end)s GROUP BY 1""",
    "matters": """
        SELECT split_part(substr(u.path, %(n)s), '/', 1), count(*),
               sum((x.result ->> 'participated')::int), sum(x.roll_size)
        FROM decisions_matter x JOIN units_unit u ON u.id = x.unit_id
        WHERE u.path LIKE %(prefix)s AND x.status = 'closed'
          AND x.closed_at >= %(start)s AND x.closed_at < %(end)s::date + 1 GROUP BY 1""",
    "petitions": """
        SELECT split_part(substr(u.path, %(n)s), '/', 1), count(*),
               count(*) FILTER (WHERE x.status = 'answered' AND NOT x.answered_late),
               count(*) FILTER (WHERE x.status IN ('received', 'verifying', 'accepted')
                                AND x.due_on < %(today)s)
        FROM petitions_petition x JOIN units_unit u ON u.id = x.unit_id
        WHERE u.path LIKE %(prefix)s AND x.received_on BETWEEN %(start)s AND %(end)s
        GROUP BY 1""",
}


def raw_aggregates(unit, period, today):
    from django.db import connection

    params = {
        "n": len(unit.path) + 1,
        "prefix": unit.path + "%",
        "start": period.start,
        "end": period.end,
        "today": today,
    }
    out = {}
    with connection.cursor() as cursor:
        for key, sql in RAW.items():
            cursor.execute(sql, params)
            out[key] = {row[0]: row[1:] for row in cursor.fetchall()}
    return out


def agree(breakdown, raw) -> bool:
    """The ORM's per-child figures against the raw SQL's, for the sources both compute."""
    rows = {str(u.pk): f.values for u, _n, f in breakdown.rows}
    for group, (n, flagged) in raw["notices"].items():
        if (rows[group]["notices_published"], rows[group]["notices_non_compliant"]) != (n, flagged):
            return False
    for group, (n, took, roll) in raw["matters"].items():
        values = rows[group]
        if (
            values["matters_decided"],
            values["households_took_part"],
            values["households_on_roll"],
        ) != (n, took, roll):
            return False
    for group, (n, on_time, overdue) in raw["petitions"].items():
        values = rows[group]
        if (
            values["petitions_received"],
            values["petitions_on_time"],
            values["petitions_overdue_open"],
        ) != (n, on_time, overdue):
            return False
    return True


def time_province(tree, today, repeat) -> bool:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from danchu.accounts.models import Role, RoleGrant, User
    from danchu.steering import indicators as ind
    from danchu.steering.periods import current_half

    log("timing a province's dashboard")
    province = tree["root"]
    period = current_half(today).previous()
    user = User.objects.create_user("bench_member", password="x")  # noqa: S106
    RoleGrant.objects.create(user=user, role=Role.STEERING_MEMBER, unit=province)
    client = Client()
    client.force_login(user)
    url = f"/u/{province.code}/steering/?period={period.code}"
    assert client.get(url).status_code == 200
    page_s, _r = median_time(lambda: client.get(url), repeat)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)

    def figures():  # what the page computes: the period by commune and its trend, one pass
        return ind.breakdown_and_trend(province, period, period.back(4), today)

    figures_s, (result, trend) = median_time(figures, repeat)
    raw_s, raw = median_time(lambda: raw_aggregates(province, period, today), repeat)
    same = agree(result, raw)
    with live_only():
        live_s, (live, live_trend) = median_time(figures, 1)
    equal = same_figures(result, live) and [f.values for f in trend] == [
        f.values for f in live_trend
    ]
    print(f"\n1. A province's dashboard ({len(result.rows)} communes, period {period.code})")
    print(f"   whole page over HTTP     {page_s * 1000:>9.1f} ms   ({len(queries)} queries)")
    print(f"   breakdown + 4-period trend {figures_s * 1000:>7.1f} ms   (summary)")
    print(f"   the same counted live      {live_s * 1000:>7.1f} ms   (equal: {equal})")
    print(f"   raw SQL, 3 biggest sources {raw_s * 1000:>7.1f} ms   (same figures: {same})")
    same &= equal
    print(f"   goal (page < 200 ms): {'met' if page_s < 0.2 else 'MISSED'}")
    return same


def time_national(tree, today, repeat) -> bool:
    from danchu.steering import indicators as ind
    from danchu.steering.periods import current_half

    log("timing the national roll-up")
    nation = tree["nation_unit"]
    period = current_half(today).previous()
    roll_s, result = median_time(lambda: ind.breakdown(nation, period, today), repeat)
    raw_s, raw = median_time(lambda: raw_aggregates(nation, period, today), repeat)
    same = agree(result, raw)
    with live_only():
        live_s, live = median_time(lambda: ind.breakdown(nation, period, today), 1)
    equal = same_figures(result, live)
    print(f"\n2. National roll-up ({len(result.rows)} provinces, period {period.code})")
    print(
        f"   indicators.breakdown     {roll_s * 1000:>9.1f} ms   (summary; "
        f"{result.total.values['petitions_received']:,} petitions, "
        f"{result.total.values['notices_published']:,} notices in the period)"
    )
    print(f"   the same counted live    {live_s * 1000:>9.1f} ms   (equal: {equal})")
    print(f"   raw SQL, 3 biggest sources {raw_s * 1000:>7.1f} ms   (same figures: {same})")
    same &= equal
    print(f"   goal (< 2 s): {'met' if roll_s < 2 else 'MISSED'}")
    return same


def time_changed(tree, today, repeat) -> bool:
    """The province's figures after petitions of 50 villages changed since the refresh."""
    from django.db import connection

    from danchu.petitions.models import Petition
    from danchu.steering import indicators as ind
    from danchu.steering.models import SummaryMark
    from danchu.steering.periods import current_half

    log("timing the dashboard with changed villages")
    province = tree["root"]
    period = current_half(today).previous()
    villages = [v["id"] for v in tree["villages"][:50]]
    Petition.objects.filter(unit_id__in=villages).update(rating=5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE steering_summarymark")
    marked = SummaryMark.objects.filter(source="petitions").values("unit_id").distinct().count()

    def figures():
        return ind.breakdown_and_trend(province, period, period.back(4), today)

    figures_s, (result, _t) = median_time(figures, repeat)
    with live_only():
        live = figures()[0]
    equal = same_figures(result, live)
    print(f"\n3. The province after petitions of {marked} villages changed (not refreshed)")
    print(f"   breakdown + 4-period trend {figures_s * 1000:>7.1f} ms   (equal to live: {equal})")
    return equal


if __name__ == "__main__":
    sys.exit(main())
