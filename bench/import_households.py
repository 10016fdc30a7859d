"""Benchmark: household import rate against PostgreSQL's own COPY.

Generates synthetic household files (the `gen_synthetic` generator), imports each one
through the real service `danchu.people.services.import_households` into a fresh
village, and on PostgreSQL also times a bare `COPY ... FROM STDIN (FORMAT csv, HEADER)`
of the same file into a plain table with the same columns. Prints one table: database,
path, rows, seconds, rows/s, the rate as a share of COPY's for the same file, and the
same in CPU time. Paths: `import` is the whole service call (read, check, write, audit,
commit); `validate` is reading and checking alone (`parse_households`, no database,
timed once); `write` is the import's floor on PostgreSQL, the COPY of the already checked
rows into danchu's own two tables with their indexes and the commit (what any import must
write: a person and a household per row); `copy+key` is PostgreSQL's COPY of the file
into one table with the file's columns, a primary key and the one rule the issue itself
sets for the rows (a household code is unique within its village) — the least any import
that keeps that rule in the database must do, whatever its tables; `copy` is PostgreSQL's
COPY of the file into a plain table without indexes. The goal set for the import is 0.5 of
COPY's rate; see docs/households.md for why even `copy+key` is below it.

Run from the repository root:

    .venv/bin/python bench/import_households.py
    .venv/bin/python bench/import_households.py --sizes 100000 --databases postgres

Options: `--sizes` (comma-separated row counts, default 100000,1000000), `--databases`
(sqlite, postgres or both, default both), `--postgres-url` (a server where the user may
create databases, default postgres://postgres@127.0.0.1:5432), `--timeout` (seconds
per database, default 900). Progress goes to stderr, the table to stdout.

SQLite runs in a temporary DANCHU_DATA_DIR. PostgreSQL runs in a database of its own,
`danchu_bench`, created (dropped first if left over) and dropped at the end; no other
database is touched. Each database runs in a child process of this script (settings are
read from the environment once per process), which migrates first.

The default run took about six minutes on a two-core machine shared with other work,
four of them the SQLite import of a million rows. On a busy machine wall time also counts
waiting for a core: compare the CPU columns then. CPU time includes the PostgreSQL
server process's only when the server runs on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "danchu_bench"
VILLAGE_NAME = "Thôn Đông Lỗ"
SEED = 2026
COPY_COLUMNS = "ma_ho text, chu_ho text, dia_chi text, so_dien_thoai text, so_thanh_vien integer"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True)


# --- parent: generate files, run one child per database, print the table -------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per database")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--files", nargs="*", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--validate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return run_child(args.child, [Path(f) for f in args.files], args.validate)

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(databases) - {"sqlite", "postgres"}
    if unknown or not sizes or min(sizes) < 1:
        parser.error(f"bad --sizes or --databases ({', '.join(sorted(unknown))})")
    results: list[dict] = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="danchu-bench-") as tmp:
        files = [generate(Path(tmp), n) for n in sizes]
        for index, database in enumerate(databases):
            # Reading and checking needs no database: time it once.
            results += run_database(database, files, Path(tmp), args, validate=index == 0)
    print_table(results)
    print(
        f"\n{os.cpu_count()} CPUs; load average (1 min) {load_before:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end. cpu s: CPU time of the bench process plus, "
        "on PostgreSQL, its server process; cpu ratio compares rows per CPU second."
    )
    return 0


def generate(directory: Path, n: int) -> Path:
    from danchu.demo.management.commands.gen_synthetic import write_households_csv

    path = directory / f"households-{n}.csv"
    log(f"generating {n:,} households -> {path.name}")
    with path.open("w", encoding="utf-8", newline="") as stream:
        write_households_csv(stream, n, random.Random(SEED), VILLAGE_NAME)
    return path


def run_database(
    database: str, files: list[Path], tmp: Path, args, *, validate: bool
) -> list[dict]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "danchu.settings"
    env["DANCHU_DATA_DIR"] = str(tmp / f"data-{database}")
    env["DANCHU_LOG_LEVEL"] = "WARNING"
    env.pop("DANCHU_DATABASE_URL", None)
    server = args.postgres_url.rstrip("/")
    if database == "postgres":
        env["DANCHU_DATABASE_URL"] = f"{server}/{BENCH_DATABASE}"
        recreate_database(server)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", database]
    command += ["--validate"] if validate else []
    command += ["--files"]
    try:
        log(f"{database}: starting")
        done = subprocess.run(
            command + [str(f) for f in files],
            env=env,
            cwd=REPO_DIR,
            stdout=subprocess.PIPE,
            text=True,
            timeout=args.timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        log(f"{database}: stopped after {args.timeout} s")
        return []
    finally:
        if database == "postgres":
            drop_database(server)
    if done.returncode != 0:
        log(f"{database}: child failed with exit status {done.returncode}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _admin_connection(server: str):
    import psycopg

    return psycopg.connect(f"{server}/postgres", autocommit=True)


def recreate_database(server: str) -> None:
    with _admin_connection(server) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {BENCH_DATABASE}")


def drop_database(server: str) -> None:
    with _admin_connection(server) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
    log(f"dropped database {BENCH_DATABASE}")


def print_table(results: list[dict]) -> None:
    copies = {r["rows"]: r for r in results if r["path"] == "copy"}
    header = (
        "database",
        "path",
        "rows",
        "seconds",
        "rows/s",
        "ratio vs COPY",
        "cpu s",
        "cpu ratio",
    )
    lines = [header]
    for r in results:
        copy = copies.get(r["rows"])
        lines.append(
            (
                r["database"] if r["path"] != "validate" else "-",
                r["path"],
                f"{r['rows']:,}",
                f"{r['seconds']:.2f}",
                f"{r['rows'] / r['seconds']:,.0f}",
                f"{copy['seconds'] / r['seconds']:.3f}" if copy else "-",
                f"{r['cpu_seconds']:.2f}",
                f"{copy['cpu_seconds'] / r['cpu_seconds']:.3f}" if copy else "-",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for index, line in enumerate(lines):
        cells = zip(line, widths, strict=True)
        print("  ".join(c.rjust(w) if i >= 2 else c.ljust(w) for i, (c, w) in enumerate(cells)))
        if index == 0:
            print("  ".join("-" * w for w in widths))


# --- child: one database, settings from the environment ------------------------------


def run_child(database: str, files: list[Path], validate: bool) -> int:
    sys.path.insert(0, str(REPO_DIR))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    log(f"{database}: migrating")
    call_command("migrate", verbosity=0)
    commune = make_commune()
    for path in files:
        data = path.read_bytes()
        rows = data.count(b"\n") - 1
        if validate:
            emit(database, "validate", rows, time_validate(data, rows))
        emit(database, "import", rows, time_import(database, commune, data, rows))
        if connection.vendor == "postgresql":
            emit(database, "write", rows, time_write(commune, data, rows))
            emit(database, "copy+key", rows, time_copy(data, rows, keyed=True))
            emit(database, "copy", rows, time_copy(data, rows))
    connection.close()
    return 0


class Stopwatch:
    """Wall time, and CPU time of this process plus that of its PostgreSQL server process.

    CPU time stays meaningful on a busy machine, where wall time also counts waiting for
    a core. The server's share is read from /proc, so only for a server on this machine.
    """

    def __enter__(self) -> Stopwatch:
        self.backend = _backend_stat_file()
        self._wall, self._cpu = time.perf_counter(), self._cpu_now()
        return self

    def __exit__(self, *exc_info) -> None:
        self.seconds = time.perf_counter() - self._wall
        self.cpu_seconds = self._cpu_now() - self._cpu

    def _cpu_now(self) -> float:
        total = time.process_time()
        if self.backend is not None:
            fields = self.backend.read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total


def _backend_stat_file() -> Path | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    stat = Path(f"/proc/{pid}/stat")
    host = connection.settings_dict.get("HOST") or "localhost"
    is_local = host in ("localhost", "127.0.0.1", "::1") or host.startswith("/")
    return stat if is_local and stat.exists() else None


def emit(database: str, path: str, rows: int, watch: Stopwatch) -> None:
    log(
        f"{database}: {path} of {rows:,} rows in {watch.seconds:.2f} s "
        f"({rows / watch.seconds:,.0f} rows/s, {watch.cpu_seconds:.2f} s of CPU)"
    )
    record = {
        "database": database,
        "path": path,
        "rows": rows,
        "seconds": watch.seconds,
        "cpu_seconds": watch.cpu_seconds,
    }
    print(json.dumps(record), flush=True)


def make_commune():
    from danchu.units.models import Unit

    nation = Unit(kind=Unit.Kind.NATION, code="VN", name="Việt Nam")
    nation.save()
    province = Unit(kind=Unit.Kind.PROVINCE, code="01", name="Thành phố Hà Nội", parent=nation)
    province.save()
    commune = Unit(kind=Unit.Kind.COMMUNE, code="10402", name="Xã Ứng Hòa", parent=province)
    commune.save()
    return commune


def checkpoint() -> None:
    """Start each timing with no dirty pages left over from the previous one."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")


def time_validate(data: bytes, rows: int) -> Stopwatch:
    """Reading and checking alone: the part of the import that runs in Python."""
    from danchu.people.importing import parse_households

    log(f"validating {rows:,} rows")
    with Stopwatch() as watch:
        parsed = parse_households(data, "x.csv")
    if len(parsed.rows) != rows or parsed.errors:
        raise SystemExit(f"parsed {len(parsed.rows)} rows, {len(parsed.errors)} errors")
    return watch


def time_import(database: str, commune, data: bytes, rows: int) -> Stopwatch:
    from danchu.accounts.permissions import SYSTEM
    from danchu.people.models import Household, Person
    from danchu.people.services import import_households
    from danchu.units.services import create_village

    village = create_village(actor=SYSTEM, commune=commune, name=f"Thôn Bench {rows}")
    checkpoint()
    log(f"{database}: importing {rows:,} households into {village.code}")
    with Stopwatch() as watch:
        report = import_households(actor=SYSTEM, village=village, data=data, filename="x.csv")
    written = Household.objects.filter(village=village).count()
    people = Person.objects.filter(household__village=village).count()
    if not (report.created == written == people == rows):
        raise SystemExit(f"import wrote {written} households, {people} people; expected {rows}")
    return watch


def time_write(commune, data: bytes, rows: int) -> Stopwatch:
    """The import's floor on PostgreSQL: COPY of the already checked rows into danchu's two
    tables (a person and a household per row, with their indexes), and the commit."""
    from django.db import transaction

    from danchu.accounts.permissions import SYSTEM
    from danchu.people import services
    from danchu.people.importing import parse_households
    from danchu.units.services import create_village

    village = create_village(actor=SYSTEM, commune=commune, name=f"Thôn Ghi {rows}")
    checked = parse_households(data, "x.csv").rows
    sort_keys = services._sort_keys(checked)
    checkpoint()
    log(f"postgres: writing {rows:,} checked households into {village.code}")
    with Stopwatch() as watch, transaction.atomic():
        services._copy_households(village, checked, sort_keys)
    return watch


def time_copy(data: bytes, rows: int, *, keyed: bool = False) -> Stopwatch:
    """PostgreSQL's COPY of the file: into a plain table, or (`keyed`) into a table with a
    primary key and a unique household code per village."""
    from django.db import connection

    table = f"bench_copy_{rows}" + ("_keyed" if keyed else "")
    columns = COPY_COLUMNS
    if keyed:
        columns = (
            f"id bigserial PRIMARY KEY, village_id integer NOT NULL DEFAULT 1, {COPY_COLUMNS}, "
            "UNIQUE (village_id, ma_ho)"
        )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {table} ({columns})")
    checkpoint()
    log(f"postgres: COPY of {rows:,} rows into {table}")
    raw = connection.connection
    names = ", ".join(c.split()[0] for c in COPY_COLUMNS.split(", "))
    sql = f"COPY {table} ({names}) FROM STDIN (FORMAT csv, HEADER)"
    # Stopwatch is left last: the time includes the commit.
    with (
        Stopwatch() as watch,
        raw.transaction(),
        raw.cursor() as cursor,
        cursor.copy(sql) as copy,
    ):
        for offset in range(0, len(data), 1 << 20):
            copy.write(data[offset : offset + (1 << 20)])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        (copied,) = cursor.fetchone()
    if copied != rows:
        raise SystemExit(f"COPY wrote {copied} rows; expected {rows}")
    return watch


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_DIR))
    sys.exit(main())
