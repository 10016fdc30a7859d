"""Benchmark: households voting with their ballot codes at /b/, against the bare /health/.

Builds a village of 10,000 households (people and households inserted in bulk, the way
an import leaves them), opens a ballot matter through the services (item 6, the village
head's and the Front committee head's agreement, collection ending in a week), so the
roll is frozen and a code issued to every household, then:

1. in-process (Django's test client): the SQL queries of one vote, the time of a vote and
   its share waiting on SQL, and a profile (where the time of a vote goes);
2. starts `danchu serve` (gunicorn) on a free 127.0.0.1 port and casts votes over HTTP
   with a bounded client: Python threads, each with a session of its own (GET /b/ for the
   CSRF cookie, then POST /b/ with code, option and csrfmiddlewaretoken), each vote with
   the code of a household not used before, computed here with
   `services.ballot_code(matter_id, household_id)` and the same DANCHU_SECRET_KEY as the
   server. Vote slices alternate with slices of GET /health/ by the same threads, so both
   see the same machine. It prints votes/s, p50 and p95 latency beside /health/ and the
   ratio (goal: at least 0.5). A third slice posts to /bench/write/, an endpoint only this
   benchmark's server has (bench/_floor_urls.py): the same middleware and CSRF check, one
   row inserted and committed, nothing read — the floor under any vote, printed with its
   own ratio to /health/. On PostgreSQL it also samples what the server's backends wait on
   while votes are cast (pg_stat_activity);
3. verifies that the Participation count equals the votes accepted, that no household
   voted twice, that the Choice count and the tally agree, and that no conflict was logged;
4. probes the ceiling of audited writes: transactions/s of `audit.record` alone (every
   audited change appends to one hash chain under one lock) against a plain one-row
   INSERT and COMMIT, with 1 thread and with as many threads as the client used.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, trust auth, user postgres):

    .venv/bin/python bench/ballots.py
    .venv/bin/python bench/ballots.py --households 10000 --duration 30 --concurrency 4
    .venv/bin/python bench/ballots.py --databases postgres

Options: `--households` (default 10000), `--duration` (seconds of voting, and as many of
/health/, default 30), `--votes` (stop after this many votes; default: one per household),
`--concurrency` (client threads, default 4), `--workers` (gunicorn workers, default 3),
`--profile` (votes cast in-process, timed, and as many again under cProfile; default 100;
0 skips),
`--databases` (postgres, sqlite or both; default both), `--postgres-url` (a server where
the user may create databases, default postgres://postgres@127.0.0.1:5432), `--timeout`
(seconds per database, default 420), `--keep` (leave the database behind).

PostgreSQL runs in `danchu_bench_ballots`, created (dropped first if left over) and dropped
at the end; no other database is touched. SQLite runs in a temporary DANCHU_DATA_DIR (where
static files are collected too). Each database runs in a child process (settings are read
once per process). Progress goes to stderr, figures to stdout. gunicorn is stopped at the
end, also on errors, Ctrl+C and SIGTERM. The client shares the two cores with the server,
so read the ratio, not the absolute rates. A run takes about two and a half minutes per
database.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import datetime as dt
import http.client
import io
import os
import pstats
import random
import secrets
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import _common
from _common import log

BENCH_DATABASE = "danchu_bench_ballots"
SEED = 2026
SLICE_SECONDS = 2.0
# The share of households choosing each option, in ballot order.
SPLIT = (0.62, 0.38)
VOTED_MARKER = "✓".encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of voting")
    parser.add_argument("--votes", type=int, default=0, help="at most this many votes")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--profile", type=int, default=100)
    parser.add_argument("--ceiling", type=float, default=3.0, help="seconds per ceiling probe")
    parser.add_argument("--databases", default="postgres,sqlite")
    parser.add_argument("--postgres-url", default=_common.DEFAULT_POSTGRES_URL)
    parser.add_argument("--timeout", type=int, default=420, help="seconds per database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.households, args.concurrency, args.workers) < 1 or args.duration <= 0:
        parser.error("--households, --concurrency, --workers and --duration must be positive")
    if args.households <= 2 * args.profile + 1:
        parser.error("--households must exceed 2 × --profile + 1")
    _common.exit_on_sigterm()
    if args.child:
        return run_child(args)

    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    if not databases or set(databases) - {"postgres", "sqlite"}:
        parser.error("--databases takes postgres, sqlite or both")
    secret_key = secrets.token_urlsafe(48)
    status = 0
    for database in databases:
        status |= run_database(database, args, secret_key)
    return status


def run_database(database: str, args, secret_key: str) -> int:
    """One child process per database; the parent creates and drops the PostgreSQL database."""
    tmp = Path(tempfile.mkdtemp(prefix=f"danchu-bench-ballots-{database}-"))
    server_url = args.postgres_url.rstrip("/")
    database_url = None
    try:
        if database == "postgres":
            database_url = _common.recreate_database(server_url, BENCH_DATABASE)
        env = _common.django_env(database_url=database_url, data_dir=tmp, secret_key=secret_key)
        command = [sys.executable, str(Path(__file__).resolve()), "--child", database]
        command += ["--data-dir", str(tmp)]
        if database_url:
            command += ["--database-url", database_url]
        options = (
            "households",
            "duration",
            "votes",
            "concurrency",
            "workers",
            "profile",
            "ceiling",
        )
        for option in options:
            command += [f"--{option}", str(getattr(args, option))]
        # The child stops its own servers on SIGTERM.
        return _common.run_in_child(command, env, args.timeout, database)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if database == "postgres" and not args.keep:
            _common.drop_database(server_url, BENCH_DATABASE)


# --- child: one database ----------------------------------------------------------------------


def run_child(args) -> int:
    env = dict(os.environ)
    _common.collect_static(env)
    _common.setup_django(env)
    from django.db import connection

    label = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    village = make_village(args.households)
    matter, open_seconds = open_ballot(village)
    ballots = ballot_codes(matter)
    print(
        f"\ndanchu ballots benchmark — {label} {database_version()}, {os.cpu_count()} CPUs, "
        f"{args.households:,} households, {args.workers} gunicorn workers, "
        f"{args.concurrency} client threads"
    )
    print(f"open_matter (roll frozen, {len(ballots):,} codes issued): {open_seconds:.2f} s")
    rng = random.Random(SEED)
    rng.shuffle(ballots)
    in_process = ballots[: 2 * args.profile + 1]
    over_http = ballots[2 * args.profile + 1 :]
    if args.votes:
        over_http = over_http[: args.votes]
    options = list(matter.options.values_list("pk", flat=True))
    profile_votes(in_process, options)
    _common.close_connections()

    from _floor_urls import create_table

    create_table()
    _common.close_connections()
    server_env = dict(env, DJANGO_SETTINGS_MODULE="_floor_settings")
    server_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(Path(__file__).resolve().parent), env.get("PYTHONPATH")) if p
    )
    server = None
    try:
        log_path = Path(args.data_dir) / "server.log"
        server, port = _common.start_server(server_env, args.workers, log_path)
        results, waits = load_test(server, port, over_http, options, args)
    finally:
        _common.stop_server(server)
    print_load(results, waits)
    ok = verify(matter, results["vote"]["accepted"] + [h for h, _c in in_process])
    if args.ceiling > 0:
        print_ceiling(args.ceiling, args.concurrency)
    _common.close_connections()
    return 0 if ok else 1


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0]


def make_village(n: int):
    """A commune with one village of n households, each with a representative."""
    from danchu.accounts.permissions import SYSTEM
    from danchu.people.models import Household, Person
    from danchu.units.models import Unit
    from danchu.units.services import create_village

    log(f"creating a village of {n:,} households")

    def unit(kind, code, name, parent=None):
        u = Unit(kind=kind, code=code, name=name, parent=parent)
        u.save()
        return u

    nation = unit(Unit.Kind.NATION, "VN", "Việt Nam")
    province = unit(Unit.Kind.PROVINCE, "01", "Thành phố Hà Nội", nation)
    commune = unit(Unit.Kind.COMMUNE, "10402", "Xã Ứng Hòa", province)
    village = create_village(actor=SYSTEM, commune=commune, name="Thôn Đông Lỗ")
    people = Person.objects.bulk_create(
        [Person(full_name=f"Nguyễn Văn Hộ {i}", sort_key=f"{i:06d}") for i in range(1, n + 1)],
        batch_size=2000,
    )
    households = Household.objects.bulk_create(
        [
            Household(
                village=village,
                code=f"H{i:05d}",
                representative=p,
                representative_sort_key=p.sort_key,
                member_count=3,
            )
            for i, p in zip(range(1, n + 1), people, strict=True)
        ],
        batch_size=2000,
    )
    for person, household in zip(people, households, strict=True):
        person.household = household
    Person.objects.bulk_update(people, ["household"], batch_size=2000)
    return village


def open_ballot(village):
    """An item-6 ballot that households may also cast online (the four conditions of NĐ 59
    Art 5 recorded), opened through the services: (matter, seconds)."""
    from django.utils import timezone

    from danchu.accounts.permissions import SYSTEM
    from danchu.decisions import services

    today = timezone.localdate()
    matter = services.create_matter(
        actor=SYSTEM, unit=village, item=6, title="Làm đường bê tông xóm 3"
    )
    # Online casting needs all four conditions of NĐ 59 Art 5.
    for who in ("head", "front", "community", "commune_report"):
        services.record_agreement(actor=SYSTEM, matter=matter, who=who, on=today)
    log("opening the ballot (freezing the roll, issuing codes)")
    start = time.perf_counter()
    matter = services.open_matter(
        actor=SYSTEM, matter=matter, form="ballot", collection_ends_on=today + dt.timedelta(days=7)
    )
    return matter, time.perf_counter() - start


def ballot_codes(matter) -> list[tuple[int, str]]:
    from danchu.decisions import services
    from danchu.decisions.models import RollEntry

    ids = RollEntry.objects.filter(matter=matter).values_list("household_id", flat=True)
    return [(pk, services.ballot_code(matter.pk, pk)) for pk in ids.order_by("household_id")]


def pick_option(rng: random.Random, options: list[int]) -> int:
    return rng.choices(options, weights=SPLIT[: len(options)] or None)[0]


# --- in-process: queries and profile of a vote ---------------------------------------------


def profile_votes(ballots: list[tuple[int, str]], options: list[int]) -> None:
    """The SQL of one vote; then votes timed plainly, and as many again under cProfile."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(SEED + 1)
    client = Client()
    client.get("/health/")
    client.get("/b/")

    def vote(code: str) -> None:
        response = client.post("/b/", {"code": code, "option": pick_option(rng, options)})
        if response.status_code != 200 or VOTED_MARKER not in response.content:
            raise SystemExit(f"in-process vote answered {response.status_code}")

    (_hid, code), rest = ballots[0], ballots[1:]
    with CaptureQueriesContext(connection) as health_queries:
        client.get("/health/")
    with CaptureQueriesContext(connection) as vote_queries:
        vote(code)
    print(
        f"\nIn-process (test client): /health/ runs {len(health_queries)} SQL queries; "
        f"one vote (POST /b/) runs {len(vote_queries)}:"
    )
    for query in vote_queries.captured_queries:
        sql = " ".join(query["sql"].split())
        print(f"  {float(query['time']) * 1000:4.0f} ms  {sql[:110]}")
    half = len(rest) // 2
    if not half:
        return
    plain, profiled = rest[:half], rest[half : 2 * half]
    sql_seconds = 0.0
    start = time.perf_counter()
    for _hid, code in plain:
        with CaptureQueriesContext(connection) as queries:
            vote(code)
        sql_seconds += sum(float(q["time"]) for q in queries.captured_queries)
    total = time.perf_counter() - start
    print(
        f"{half} votes in-process: {total / half * 1000:.1f} ms a vote, of which "
        f"{sql_seconds / half * 1000:.1f} ms ({sql_seconds / total:.0%}) waiting on SQL "
        f"(ms resolution per query)"
    )
    profiler = cProfile.Profile()
    for _hid, code in profiled:
        profiler.enable()
        vote(code)
        profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    rows = []
    for (filename, line, name), (_cc, calls, _tt, cumulative, _callers) in stats.stats.items():
        if "middleware" in filename:
            continue
        if "danchu/" in filename or name in ("render_to_string", "_commit", "_execute"):
            where = "danchu/" + filename.split("danchu/", 1)[1] if "danchu/" in filename else ""
            where = where or filename.split("site-packages/")[-1]
            rows.append((cumulative, calls, f"{where}:{line} {name}"))
    print(f"{half} more votes under cProfile — cumulative time of the view's steps:")
    for cumulative, calls, label in sorted(rows, reverse=True)[:16]:
        print(f"  {cumulative / half * 1000:6.2f} ms/vote {calls / half:5.1f} calls/vote  {label}")
    sys.stdout.flush()


# --- the load client ------------------------------------------------------------------------


class Visitor:
    """One client with its own cookies (its own session and CSRF token), one connection a
    request: gunicorn's sync workers close the connection after each response anyway."""

    def __init__(self, port: int, rng: random.Random):
        self.port = port
        self.rng = rng
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, bytes]:
        headers = {"Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _eq, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, data
        finally:
            conn.close()

    def start_session(self) -> None:
        status, _body = self.request("GET", "/b/")
        if status != 200 or "csrftoken" not in self.cookies:
            raise RuntimeError(f"GET /b/ answered {status} without a CSRF cookie")


def vote_loop(visitor: Visitor, ballots: collections.deque, options, deadline: float, out: dict):
    while time.monotonic() < deadline:
        try:
            household_id, code = ballots.popleft()  # atomic: no code is sent twice
        except IndexError:
            return
        fields = {
            "code": code,
            "option": pick_option(visitor.rng, options),
            "csrfmiddlewaretoken": visitor.cookies["csrftoken"],
        }
        start = time.perf_counter()
        try:
            status, body = visitor.request("POST", "/b/", fields)
        except OSError:
            status, body = 0, b""
        latency = time.perf_counter() - start
        out["sent"].append(household_id)
        if status == 200 and VOTED_MARKER in body:
            out["latencies"].append(latency)
            out["accepted"].append(household_id)
        else:
            out["errors"].append((household_id, status))


def write_loop(visitor: Visitor, deadline: float, out: dict):
    """POST /bench/write/: the floor — middleware, CSRF check, one INSERT and COMMIT."""
    while time.monotonic() < deadline:
        fields = {"code": secrets.token_hex(5), "csrfmiddlewaretoken": visitor.cookies["csrftoken"]}
        start = time.perf_counter()
        try:
            status, body = visitor.request("POST", "/bench/write/", fields)
        except OSError:
            status, body = 0, b""
        if status == 200 and body == b"ok":
            out["latencies"].append(time.perf_counter() - start)
        else:
            out["errors"].append((None, status))


def health_loop(visitor: Visitor, deadline: float, out: dict):
    while time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            status, _body = visitor.request("GET", "/health/")
        except OSError:
            status = 0
        if status == 200:
            out["latencies"].append(time.perf_counter() - start)
        else:
            out["errors"].append((None, status))


class WaitSampler:
    """Samples pg_stat_activity of the bench database: what active backends wait on."""

    def __init__(self):
        from django.conf import settings

        self.database = settings.DATABASES["default"]["NAME"]
        self.url = os.environ["DANCHU_DATABASE_URL"]
        self.counts: collections.Counter = collections.Counter()
        self.samples = 0
        self.active = threading.Event()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stopped.is_set():
                if not self.active.wait(0.1):
                    continue
                rows = conn.execute(
                    "SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU'), count(*) "
                    "FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                    "AND pid <> pg_backend_pid() GROUP BY 1",
                    [self.database],
                ).fetchall()
                self.samples += 1
                for wait, n in rows:
                    self.counts[wait] += n
                time.sleep(0.02)


def postgres_backends() -> list[int]:
    """Process ids of the server's connections to the bench database."""
    import psycopg
    from django.conf import settings

    with psycopg.connect(os.environ["DANCHU_DATABASE_URL"], autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [settings.DATABASES["default"]["NAME"]],
        ).fetchall()
    return [pid for (pid,) in rows]


def load_test(server, port: int, ballots: list[tuple[int, str]], options: list[int], args):
    """Vote slices alternating with /health/ slices of the same length, same threads.

    Besides latencies it adds up the CPU seconds of this client, of gunicorn (master and
    workers) and, on PostgreSQL, of the backends serving the bench database."""
    for _ in range(3 * args.workers):  # warm every gunicorn worker
        _common.get(port, "/health/")
        _common.get(port, "/b/")
    gunicorn = _common.process_group(server.pid)
    on_postgres = "DANCHU_DATABASE_URL" in os.environ
    rngs = [random.Random(SEED + 100 + i) for i in range(args.concurrency)]
    visitors = [Visitor(port, rng) for rng in rngs]
    for visitor in visitors:
        visitor.start_session()
    queue = collections.deque(ballots)
    results = {
        kind: {
            "latencies": [],
            "accepted": [],
            "errors": [],
            "sent": [],
            "elapsed": 0.0,
            "cpu": collections.Counter(),
        }
        for kind in ("vote", "write", "health")
    }
    sampler = WaitSampler() if on_postgres else None
    if sampler:
        sampler.thread.start()
    rounds = max(1, round(args.duration / SLICE_SECONDS))
    log(
        f"load: up to {rounds} rounds of {SLICE_SECONDS:g} s each of voting, /bench/write/ "
        f"and /health/, {args.concurrency} threads, {len(ballots):,} codes; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    try:
        for n in range(rounds):
            if not queue:
                log("load: every code used")
                break
            for kind in ("vote", "write", "health"):
                out = results[kind]
                deadline = time.monotonic() + SLICE_SECONDS
                if kind == "vote":
                    jobs = [(v, queue, options, deadline, out) for v in visitors]
                    target = vote_loop
                else:
                    jobs = [(v, deadline, out) for v in visitors]
                    target = write_loop if kind == "write" else health_loop
                threads = [threading.Thread(target=target, args=job) for job in jobs]
                if sampler and kind == "vote":
                    sampler.active.set()
                backends = postgres_backends() if on_postgres else []
                before = {pid: _common.cpu_seconds([pid]) for pid in backends}
                client, server_cpu = time.process_time(), _common.cpu_seconds(gunicorn)
                start = time.monotonic()
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                out["elapsed"] += time.monotonic() - start
                out["cpu"]["client"] += time.process_time() - client
                out["cpu"]["gunicorn"] += _common.cpu_seconds(gunicorn) - server_cpu
                for pid in postgres_backends() if on_postgres else []:
                    out["cpu"]["postgres"] += _common.cpu_seconds([pid]) - before.get(pid, 0.0)
                if sampler:
                    sampler.active.clear()
            if (n + 1) % 5 == 0:
                log(f"load: {n + 1}/{rounds} rounds, {len(results['vote']['sent']):,} votes")
    finally:
        if sampler:
            sampler.stopped.set()
            sampler.thread.join()
    log(f"load: done; load average {os.getloadavg()[0]:.1f}")
    return results, sampler


def print_load(results: dict, sampler: WaitSampler | None) -> None:
    vote, write, health = results["vote"], results["write"], results["health"]
    print("\nOver HTTP (gunicorn on loopback; slices of each endpoint interleaved):")
    print(
        f"  {'endpoint':<22} {'requests':>8} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'errors':>6}   CPU in use (of {os.cpu_count()} cores)"
    )
    rows = (
        ("POST /b/ (a vote)", vote),
        ("POST /bench/write/", write),
        ("GET /health/ (bare)", health),
    )
    for name, r in rows:
        done = sorted(r["latencies"])
        rate = len(done) / r["elapsed"] if r["elapsed"] else float("nan")
        r["rate"] = rate
        cpu = ", ".join(
            f"{who} {seconds / r['elapsed']:.2f}" for who, seconds in sorted(r["cpu"].items())
        )
        print(
            f"  {name:<22} {len(done):>8,} {rate:>8.1f} "
            f"{_common.percentile(done, 0.5) * 1000:>8.1f} "
            f"{_common.percentile(done, 0.95) * 1000:>8.1f} {len(r['errors']):>6}   {cpu}"
        )
    ratio = vote["rate"] / health["rate"] if health["rate"] else float("nan")
    floor = write["rate"] / health["rate"] if health["rate"] else float("nan")
    verdict = "meets" if ratio >= 0.5 else "misses"
    print(f"votes/s ÷ /health/ req/s = {ratio:.2f} — {verdict} the goal of 0.50")
    print(
        f"/bench/write/ req/s ÷ /health/ req/s = {floor:.2f} (one row written and committed: "
        f"no vote can do better); votes/s ÷ /bench/write/ req/s = "
        f"{vote['rate'] / write['rate'] if write['rate'] else float('nan'):.2f}"
    )
    if vote["errors"]:
        statuses = collections.Counter(status for _h, status in vote["errors"])
        print(f"  refused votes by status: {dict(statuses)}")
    if sampler and sampler.samples:
        print(
            f"PostgreSQL backends of the bench database while voting ({sampler.samples} "
            f"samples; mean number of active backends in each state):"
        )
        for wait, n in sampler.counts.most_common(8):
            print(f"  {n / sampler.samples:5.2f}  {wait}")
    sys.stdout.flush()


# --- verification ----------------------------------------------------------------------------


def verify(matter, accepted: list[int]) -> bool:
    """Participation count = accepted votes; one Participation and one Choice per household."""
    from django.db.models import Count

    from danchu.audit.models import Event
    from danchu.decisions import services
    from danchu.decisions.models import Choice, Participation, VoteConflict

    participations = Participation.objects.filter(matter=matter)
    count = participations.count()
    households = set(participations.values_list("household_id", flat=True))
    twice = participations.values("household_id").annotate(n=Count("id")).filter(n__gt=1).count()
    choices = Choice.objects.filter(matter=matter).count()
    conflicts = VoteConflict.objects.filter(matter=matter).count()
    events = Event.objects.filter(action="decisions.vote_cast", object_id=str(matter.pk)).count()
    result = services.tally(matter)
    checks = [
        ("client sent no code twice", len(accepted) == len(set(accepted))),
        (f"Participation rows ({count:,}) = votes accepted ({len(accepted):,})", count == len(accepted)),
        ("the households that took part are exactly those whose vote was accepted", households == set(accepted)),
        (f"no household voted twice ({twice} with more than one Participation)", twice == 0),
        (f"Choice rows ({choices:,}) = Participation rows", choices == count),
        (f"tally: {result.participated:,} took part, {sum(result.votes.values()):,} votes", result.participated == count == sum(result.votes.values())),
        (f"audit events of votes ({events:,}) = Participation rows", events == count),
        (f"vote conflicts logged: {conflicts}", conflicts == 0),
    ]  # fmt: skip
    print("\nVerification (includes the in-process votes):")
    for text, ok in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {text}")
    sys.stdout.flush()
    return all(ok for _text, ok in checks)


# --- the ceiling of audited writes -------------------------------------------------------------


def print_ceiling(seconds: float, threads: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_commit_probe (at text)")
    print(
        f"\nCeiling of audited writes (in-process, server stopped, {seconds:g} s each; "
        f"transactions/s):"
    )
    print(f"  {'threads':>7} {'audit.record':>13} {'INSERT+COMMIT':>14}")
    counts = sorted({1, threads})
    for n in counts:
        audited = transactions_per_second(audit_append, n, seconds)
        plain = transactions_per_second(plain_insert, n, seconds)
        print(f"  {n:>7} {audited:>13.0f} {plain:>14.0f}")
    sys.stdout.flush()


def audit_append(i: int) -> None:
    from django.db import transaction

    from danchu.accounts.permissions import SYSTEM
    from danchu.audit.services import record

    with transaction.atomic():
        record(actor=SYSTEM, action="bench.ceiling", object_type="bench", object_id=i)


def plain_insert(i: int) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_commit_probe (at) VALUES (%s)", [str(i)])


def transactions_per_second(step, threads: int, seconds: float) -> float:
    """Run `step` in a loop on `threads` threads (a database connection each) for `seconds`."""
    from django.db import connection

    done = [0] * threads

    def loop(index: int, deadline: float) -> None:
        try:
            i = 0
            while time.monotonic() < deadline:
                step(index * 1_000_000 + i)
                i += 1
            done[index] = i
        finally:
            connection.close()

    deadline = time.monotonic() + seconds
    start = time.monotonic()
    workers = [threading.Thread(target=loop, args=(i, deadline)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / (time.monotonic() - start)


if __name__ == "__main__":
    sys.exit(main())
