"""Benchmark: the public notices list on a unit page, against the bare health endpoint.

Builds a commune (Xã Ứng Hòa, code 10402, under Hà Nội "01" under "VN") with its
villages in a PostgreSQL database of its own, fills it with published notices, and:

1. counts the SQL queries of the village page, the commune page and a search, in-process
   with Django's test client, at 1k, 10k and the full number of notices, to show the
   count stays constant (with the median time spent in SQL and in the whole view);
2. prints EXPLAIN ANALYZE of every notices query the village page and the search run;
3. starts `danchu serve` (gunicorn) on a free 127.0.0.1 port, waits for `/health/`, and
   load-tests, each for `--duration` seconds in interleaved slices, with a bounded client
   on loopback (processes running http.client, one connection each): the village page
   `/u/<village>/`, the commune page `/u/10402/`, a search `/u/<village>/?q=bồi thường`,
   and the bare `/health/`. It prints requests/s, p50 and p95 latency of each, and each
   one's rate as a share of the bare endpoint's. The goal is a unit page at half the bare
   rate or better. This runs twice: with the anonymous page cache off
   (DANCHU_UNIT_PAGE_CACHE_SECONDS=0: the page's real work, as for signed-in users) and on.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, trust auth, user postgres):

    .venv/bin/python bench/notices.py
    .venv/bin/python bench/notices.py --notices 50000 --villages 40 --duration 15

Options: `--notices` (default 50000), `--villages` (default 40), `--duration` (seconds
per endpoint, default 15), `--commune-share` (share of the notices the commune itself
publishes, the rest spread over the villages; default 0.5), `--page-cache` (off, on or
both, default both), `--concurrency` (client connections, default 4), `--workers`
(gunicorn workers, default 3), `--postgres-url` (a server where the user may create
databases, default postgres://postgres@127.0.0.1:5432), `--keep` (leave the database
behind for inspection).

The database is `danchu_bench_notices`: created (dropped first if left over) and dropped at
the end; no other database is touched. Static files are collected into a temporary
DANCHU_DATA_DIR. Progress goes to stderr, figures to stdout. gunicorn is stopped at the
end, also on errors and Ctrl+C. The client shares the machine with the server, so read
the ratios rather than the absolute rates; the whole run takes about four minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import multiprocessing
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "danchu_bench_notices"
SEED = 2026
SEARCH = "bồi thường"
COUNT_STAGES = (1_000, 10_000)
TITLES = [
    "Công khai dự toán ngân sách xã năm {year}",
    "Quyết toán ngân sách quý {q} năm {year}",
    "Kế hoạch sử dụng đất năm {year}",
    "Phương án bồi thường, hỗ trợ giải phóng mặt bằng đường liên thôn số {n}",
    "Kết quả thanh tra việc quản lý đất công ích đợt {n}",
    "Danh sách hộ nghèo, hộ cận nghèo năm {year}",
    "Quy chế chi tiêu nội bộ năm {year}",
    "Đề án xây dựng nhà văn hóa thôn, giai đoạn {n}",
    "Thông báo thu quỹ phòng, chống thiên tai năm {year}",
    "Kế hoạch đầu tư công trung hạn, hạng mục {n}",
]
BODY = (
    "Ủy ban nhân dân xã công khai nội dung trên để Nhân dân biết, tham gia ý kiến và giám sát. "
    "Mọi ý kiến xin gửi về bộ phận tiếp nhận và trả kết quả của xã hoặc trưởng thôn trước "
    "ngày hết hạn niêm yết. Văn bản gốc được niêm yết tại trụ sở Ủy ban nhân dân xã và nhà "
    "văn hóa các thôn trong thời hạn ít nhất 30 ngày."
)


STARTED = time.monotonic()
BASE_ENV = dict(os.environ)
# Seconds an anonymous unit page is served from the cache; 0 measures the page's real work.
PAGE_CACHE_VARIABLE = "DANCHU_UNIT_PAGE_CACHE_SECONDS"


def log(message: str) -> None:
    """Progress on stderr; never fails, so cleaning up goes on when stderr is a closed pipe."""
    with contextlib.suppress(OSError, ValueError):
        print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notices", type=int, default=50_000)
    parser.add_argument("--villages", type=int, default=40)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per endpoint")
    parser.add_argument("--commune-share", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--page-cache",
        choices=["both", "off", "on"],
        default="both",
        help="load-test with the anonymous unit-page cache off, on (the settings' default), "
        "or both, one server run each",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if args.notices < 1 or args.villages < 1 or args.duration <= 0 or args.concurrency < 1:
        parser.error("--notices, --villages, --duration and --concurrency must be positive")
    if not 0 <= args.commune_share <= 1:
        parser.error("--commune-share must be between 0 and 1")

    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    server_url = args.postgres_url.rstrip("/")
    database_url = f"{server_url}/{BENCH_DATABASE}"
    tmp = Path(tempfile.mkdtemp(prefix="danchu-bench-notices-"))
    server: subprocess.Popen | None = None
    try:
        recreate_database(server_url)
        setup_django(database_url, tmp)
        units = seed_units(args.villages)
        print_header(args)
        stages = sorted({n for n in COUNT_STAGES if n < args.notices} | {args.notices})
        for stage in stages:
            add_notices(units, stage, args.commune_share)
            print_query_counts(units, stage)
        print_explain(units)
        close_connections()
        modes = ["off", "on"] if args.page_cache == "both" else [args.page_cache]
        for mode in modes:
            server, port = start_server(database_url, tmp, args.workers, page_cache=mode)
            results = load_test(units, port, args)
            stop_server(server)
            print_load_table(results, mode)
    finally:
        stop_server(server)
        close_connections()
        if not args.keep:
            drop_database(server_url)
        else:
            log(f"database {BENCH_DATABASE} kept")
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


# --- database and Django ---------------------------------------------------------------


def _admin_connection(server_url: str):
    import psycopg

    return psycopg.connect(f"{server_url}/postgres", autocommit=True)


def recreate_database(server_url: str) -> None:
    log(f"creating database {BENCH_DATABASE}")
    with _admin_connection(server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')


def drop_database(server_url: str) -> None:
    try:
        with _admin_connection(server_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        log(f"dropped database {BENCH_DATABASE}")
    except Exception as exc:  # noqa: BLE001 - report and go on cleaning up
        log(f"could not drop {BENCH_DATABASE}: {exc}")


def server_env(database_url: str, tmp: Path, page_cache: str = "off") -> dict[str, str]:
    """The environment of the server (and of this process, with the page cache off)."""
    env = dict(
        BASE_ENV,
        DJANGO_SETTINGS_MODULE="danchu.settings",
        DANCHU_DATABASE_URL=database_url,
        DANCHU_DATA_DIR=str(tmp),
        DANCHU_DEBUG="false",
        DANCHU_LOG_LEVEL="WARNING",
        DANCHU_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    if page_cache == "off":
        env[PAGE_CACHE_VARIABLE] = "0"
    return env


def setup_django(database_url: str, tmp: Path) -> None:
    os.environ.update(server_env(database_url, tmp))
    sys.path.insert(0, str(REPO_DIR))
    collect_static(tmp)
    import django
    from django.core.management import call_command

    django.setup()
    log("migrating")
    call_command("migrate", verbosity=0)


def collect_static(tmp: Path) -> None:
    """collectstatic into tmp, in a child process (the manifest is read once, when first used).

    If the project's own danchu/static/ is left out (no finder looks there), the pages
    fail with "Missing staticfiles manifest entry" when DEBUG is off: say so, and collect
    again with that directory added, so the pages can be measured at all."""
    log("collecting static files")
    command = [sys.executable, "-m", "danchu.cli", "collectstatic", "--noinput", "-v0"]
    subprocess.run(command, cwd=REPO_DIR, check=True)
    manifest = (tmp / "static" / "staticfiles.json").read_text(encoding="utf-8")
    if '"danchu/danchu.css"' in manifest:
        return
    log("WARNING: collectstatic leaves out danchu/static/ (no STATICFILES_DIRS); adding it")
    (tmp / "bench_static_settings.py").write_text(
        "from danchu.settings import *  # noqa: F403\n"
        "STATICFILES_DIRS = [BASE_DIR / 'static']  # noqa: F405\n",
        encoding="utf-8",
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench_static_settings",
        PYTHONPATH=os.pathsep.join([str(tmp), str(REPO_DIR)]),
    )
    subprocess.run(command, cwd=REPO_DIR, env=env, check=True)


def close_connections() -> None:
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()


def seed_units(villages: int) -> dict:
    from danchu.accounts.permissions import SYSTEM
    from danchu.disclosures.models import Art11Item
    from danchu.units import services
    from danchu.units.models import Unit

    log(f"creating the commune and {villages} villages")

    def unit(kind, code, name, parent=None, division_type=""):
        u = Unit(kind=kind, code=code, name=name, parent=parent, division_type=division_type)
        u.save()
        return u

    nation = unit(Unit.Kind.NATION, "VN", "Việt Nam")
    province = unit(Unit.Kind.PROVINCE, "01", "Thành phố Hà Nội", nation, "Thành phố trung ương")
    commune = unit(Unit.Kind.COMMUNE, "10402", "Xã Ứng Hòa", province, "Xã")
    children = [
        services.create_village(actor=SYSTEM, commune=commune, name=f"Thôn {n}")
        for n in range(1, villages + 1)
    ]
    return {
        "commune": commune,
        "villages": children,
        "village": children[0],
        "items": list(Art11Item.objects.values_list("pk", flat=True)),
        "rng": random.Random(SEED),
    }


def add_notices(units: dict, total: int, commune_share: float) -> None:
    """Bulk-insert published notices until there are `total`."""
    from django.db import connection
    from django.utils import timezone

    from danchu.core.vietnamese import fold
    from danchu.disclosures.models import Notice

    have = Notice.objects.count()
    rng, now = units["rng"], timezone.now()
    log(f"inserting notices {have + 1:,}–{total:,}")
    batch: list[Notice] = []
    for n in range(have, total):
        if rng.random() < commune_share:
            owner = units["commune"]
        else:
            owner = units["villages"][n % len(units["villages"])]
        published = now - dt.timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        title = rng.choice(TITLES).format(
            year=published.year, q=(published.month - 1) // 3 + 1, n=n + 1
        )
        number = f"{n + 1}/TB-UBND"
        batch.append(
            Notice(
                unit=owner,
                item_id=rng.choice(units["items"]),
                title=title,
                body=BODY,
                search_text=fold(f"{title} {number} {BODY}"),
                document_number=number,
                status=Notice.Status.PUBLISHED,
                published_at=published,
                published_on=timezone.localdate(published),
            )
        )
        if len(batch) == 2_000:
            Notice.objects.bulk_create(batch)
            batch = []
    Notice.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        # As autovacuum would have left a table that grew over months: statistics and
        # the visibility map (which index-only scans rely on) up to date.
        cursor.execute("VACUUM ANALYZE disclosures_notice")


# --- in-process: query counts and EXPLAIN ----------------------------------------------


def page_paths(units: dict) -> dict[str, str]:
    village, commune = units["village"].code, units["commune"].code
    return {
        "village page": f"/u/{village}/",
        "commune page": f"/u/{commune}/",
        "search": f"/u/{village}/?q={urllib.parse.quote(SEARCH)}",
        "bare /health/": "/health/",
    }


def print_header(args) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(
        f"danchu notices benchmark — PostgreSQL {version}, {os.cpu_count()} CPUs, "
        f"{args.notices:,} notices, {args.villages} villages, "
        f"commune share {args.commune_share:.0%}"
    )


def measure_in_process(path: str, repeat: int = 10) -> tuple[int, float, float, int]:
    """(queries, median SQL ms, median view ms, status) of an anonymous GET."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get(path)  # warm caches of templates and translations
    counts, sql_ms, view_ms, status = [], [], [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            view_ms.append((time.perf_counter() - start) * 1000)
        status = response.status_code
        counts.append(len(queries.captured_queries))
        sql_ms.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    return max(counts), statistics.median(sql_ms), statistics.median(view_ms), status


def print_query_counts(units: dict, total: int) -> None:
    from danchu.disclosures.models import Notice

    village_rows = Notice.objects.for_unit_page(units["village"]).count()
    commune_rows = Notice.objects.for_unit_page(units["commune"]).count()
    print(
        f"\n{total:,} notices (village page lists {village_rows:,}, "
        f"commune page {commune_rows:,}); in-process, page cache off, median of 10:"
    )
    print(f"  {'page':<14} {'queries':>7} {'SQL ms':>8} {'view ms':>8} {'status':>6}")
    for name, path in page_paths(units).items():
        if name.startswith("bare"):
            continue
        queries, sql_ms, view_ms, status = measure_in_process(path)
        print(f"  {name:<14} {queries:>7} {sql_ms:>8.1f} {view_ms:>8.1f} {status:>6}")
    sys.stdout.flush()


def print_explain(units: dict) -> None:
    """EXPLAIN ANALYZE of every notices query the village page and the search run."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    paths = page_paths(units)
    for name in ("village page", "search"):
        with CaptureQueriesContext(connection) as queries:
            Client().get(paths[name])
        for query in queries.captured_queries:
            if '"disclosures_notice"' not in query["sql"].split(" WHERE ")[0]:
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
            print(f"\nEXPLAIN ANALYZE — {name}:\n    {query['sql'][:300]}…\n{plan}")
    sys.stdout.flush()


# --- the server and the load client ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    database_url: str, tmp: Path, workers: int, page_cache: str
) -> tuple[subprocess.Popen, int]:
    port = free_port()
    log(f"starting danchu serve on 127.0.0.1:{port}, {workers} workers, page cache {page_cache}")
    errors = (tmp / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "danchu.cli",
            "serve",
            "--no-collectstatic",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=REPO_DIR,
        env=server_env(database_url, tmp, page_cache),
        stdout=subprocess.DEVNULL,  # the access log: one line per request
        stderr=errors,
        start_new_session=True,  # its own process group, so stop_server reaches the workers
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"danchu serve exited early; see {tmp / 'server.log'}")
        try:
            status, _body = fetch(port, "/health/")
            if status == 200:
                return server, port
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("danchu serve did not answer /health/ within 60 s")


def stop_server(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    log("stopping danchu serve")
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def fetch(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def client_loop(port: int, path: str, deadline: float) -> tuple[list[float], int]:
    """One client connection: request after request until the deadline."""
    latencies, errors = [], 0
    while time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            status, _body = fetch(port, path)
        except OSError:
            status = 0
        if status == 200:
            latencies.append(time.perf_counter() - start)
        else:
            errors += 1
    return latencies, errors


def load_test(units: dict, port: int, args) -> list[dict]:
    """Each endpoint for `duration` seconds in all, in interleaved slices of about 1.5 s.

    Interleaving puts every endpoint under the same background load of the machine, so
    the ratios hold even when something else runs meanwhile."""
    paths = page_paths(units)
    for name, path in paths.items():
        status, body = fetch(port, path)
        if status != 200:
            raise RuntimeError(f"{name} {path} answered {status}")
        if not name.startswith("bare") and b"/TB-UBND" not in body:
            raise RuntimeError(f"{name} {path} lists no notice")
        for _ in range(3 * args.workers):  # warm every gunicorn worker
            fetch(port, path)
    rounds = max(1, round(args.duration / 1.5))
    slice_seconds = args.duration / rounds
    latencies = {name: [] for name in paths}
    errors = dict.fromkeys(paths, 0)
    elapsed = dict.fromkeys(paths, 0.0)
    log(
        f"load: {len(paths)} endpoints x {args.duration:g} s, {rounds} slices each, "
        f"{args.concurrency} connections; load average {os.getloadavg()[0]:.1f}"
    )
    context = multiprocessing.get_context("spawn")
    with context.Pool(args.concurrency) as pool:
        pool.map(time.sleep, [0] * args.concurrency)  # start the processes before timing
        for n in range(rounds):
            for name, path in paths.items():
                start = time.monotonic()
                deadline = start + slice_seconds
                jobs = [(port, path, deadline)] * args.concurrency
                for lat, failed in pool.starmap(client_loop, jobs):
                    latencies[name] += lat
                    errors[name] += failed
                elapsed[name] += time.monotonic() - start
            if (n + 1) % 4 == 0:
                log(f"load: {n + 1}/{rounds} rounds")
    log(f"load: done; load average {os.getloadavg()[0]:.1f}")
    results = []
    for name, path in paths.items():
        done = sorted(latencies[name])
        results.append(
            {
                "name": name,
                "path": path,
                "requests": len(done),
                "errors": errors[name],
                "rate": len(done) / elapsed[name],
                "p50": percentile(done, 0.50) * 1000,
                "p95": percentile(done, 0.95) * 1000,
            }
        )
    return results


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def print_load_table(results: list[dict], page_cache: str) -> None:
    bare = next(r for r in results if r["name"].startswith("bare"))
    setting = (
        f"{PAGE_CACHE_VARIABLE}=0"
        if page_cache == "off"
        else f"{PAGE_CACHE_VARIABLE}={BASE_ENV.get(PAGE_CACHE_VARIABLE, 'default')}"
    )
    print(f"\nLoad test, anonymous page cache {page_cache} ({setting}; gunicorn, loopback):")
    print(
        f"  {'endpoint':<14} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'errors':>6} {'÷ bare':>7}"
    )
    for r in results:
        ratio = r["rate"] / bare["rate"] if bare["rate"] else float("nan")
        print(
            f"  {r['name']:<14} {r['requests']:>8} {r['rate']:>8.1f} {r['p50']:>8.1f} "
            f"{r['p95']:>8.1f} {r['errors']:>6} {ratio:>7.2f}"
        )
    village = next(r for r in results if r["name"] == "village page")
    ratio = village["rate"] / bare["rate"] if bare["rate"] else 0
    verdict = "meets" if ratio >= 0.5 else "misses"
    print(f"village page ÷ bare = {ratio:.2f} — {verdict} the goal of 0.50")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
