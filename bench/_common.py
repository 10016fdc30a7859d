"""Helpers shared by the benchmark programs: a database of their own, `danchu serve`, figures.

Not a program: import it from a script in bench/ (`import _common`; the script's own
directory is first on sys.path when it is run as `.venv/bin/python bench/<name>.py`).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
STARTED = time.monotonic()


def log(message: str) -> None:
    """Progress on stderr, with the seconds since the program started (never fails: cleaning
    up goes on when stderr is a closed pipe)."""
    with contextlib.suppress(OSError, ValueError):
        print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so `finally:` blocks stop servers and drop databases."""

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


# --- a PostgreSQL database of the benchmark's own ------------------------------------------


def _admin_connection(server_url: str):
    import psycopg

    return psycopg.connect(f"{server_url.rstrip('/')}/postgres", autocommit=True)


def recreate_database(server_url: str, name: str) -> str:
    """Create database `name` (dropped first if left over); return its URL."""
    if name in ("postgres", "test", "template0", "template1"):
        raise ValueError(f"refusing to recreate database {name!r}")
    log(f"creating database {name}")
    with _admin_connection(server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url.rstrip('/')}/{name}"


def drop_database(server_url: str, name: str) -> None:
    try:
        with _admin_connection(server_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"dropped database {name}")
    except Exception as exc:  # noqa: BLE001 - report and go on cleaning up
        log(f"could not drop {name}: {exc}")


# --- Django in this process, and the server's environment ----------------------------------


def django_env(
    *, database_url: str | None, data_dir: Path, secret_key: str | None = None
) -> dict[str, str]:
    """The settings' environment: PostgreSQL at `database_url`, or SQLite in `data_dir`."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="danchu.settings",
        DANCHU_DATA_DIR=str(data_dir),
        DANCHU_DEBUG="false",
        DANCHU_LOG_LEVEL="WARNING",
        DANCHU_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    env.pop("DANCHU_DATABASE_URL", None)
    if database_url:
        env["DANCHU_DATABASE_URL"] = database_url
    if secret_key:
        env["DANCHU_SECRET_KEY"] = secret_key
    return env


def setup_django(env: dict[str, str], *, migrate: bool = True) -> None:
    """Configure Django in this process from `env` (read once per process) and migrate."""
    os.environ.update(env)
    if str(REPO_DIR) not in sys.path:
        sys.path.insert(0, str(REPO_DIR))
    import django
    from django.core.management import call_command

    django.setup()
    if migrate:
        log("migrating")
        call_command("migrate", verbosity=0)


def close_connections() -> None:
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()


def collect_static(env: dict[str, str]) -> None:
    """collectstatic into the data directory, in a child process (pages need the manifest)."""
    log("collecting static files")
    command = [sys.executable, "-m", "danchu.cli", "collectstatic", "--noinput", "-v0"]
    subprocess.run(command, cwd=REPO_DIR, env=env, check=True)


# --- danchu serve ----------------------------------------------------------------------------


def run_in_child(command: list[str], env: dict[str, str], timeout: float, label: str) -> int:
    """Run one database's half of a benchmark as a child process and return its exit code; a
    child still running at the timeout, or when this process is stopped, is terminated
    (SIGTERM, so it can stop its own servers) and killed if it does not go within 30 s."""
    child = subprocess.Popen(command, env=env, cwd=REPO_DIR)  # noqa: S603 - our own script
    try:
        return child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        log(f"{label}: stopped after {timeout:.0f} s")
        return 1
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], workers: int, log_path: Path) -> tuple[subprocess.Popen, int]:
    """`danchu serve` (gunicorn) on a free loopback port; returns once /health/ answers."""
    port = free_port()
    log(f"starting danchu serve on 127.0.0.1:{port}, {workers} workers")
    errors = log_path.open("w")
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
        env=env,
        stdout=subprocess.DEVNULL,  # the access log: one line per request
        stderr=errors,
        start_new_session=True,  # its own process group, so stop_server reaches the workers
    )
    errors.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"danchu serve exited early; see {log_path}")
        try:
            if get(port, "/health/")[0] == 200:
                return server, port
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("danchu serve did not answer /health/ within 60 s")


def stop_server(server: subprocess.Popen | None) -> None:
    """Stop gunicorn and its workers (its whole process group, by the id it was started with)."""
    if server is None or server.poll() is not None:
        return
    log("stopping danchu serve")
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    except ProcessLookupError:
        pass


def get(port: int, path: str, headers: dict[str, str] | None = None):
    """One GET on a fresh connection: (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Connection": "close", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


# --- figures ---------------------------------------------------------------------------------


def cpu_seconds(pids) -> float:
    """User + system CPU seconds used so far by these processes (Linux /proc; gone ones count 0)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def process_group(pgid: int) -> list[int]:
    """The processes of a process group (gunicorn's master and workers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:
            pids.append(int(entry.name))
    return pids


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
