"""Back up and restore a whole installation: its database, its uploaded files and its key.

One archive (`.tar.gz`) holds:

- `manifest.json` — the format, danchu's version, the database kind, the migrations applied,
  the head of the audit chain and a few counts, all read from the same snapshot as the dump,
  and the SHA-256 of the database file;
- `database.sqlite3` (a consistent copy made with SQLite's online backup, safe while the site
  runs) or `database.pgdump` (`pg_dump --format=custom` in the snapshot the manifest was read
  in);
- `media/…` — the uploaded files (consultation drafts, printed ballots, attachments);
- `secret_key` — only when the installation keeps its key in the data directory (ADR 17):
  the key derives the codes printed on ballots, so a site restored without it could not
  print the same codes again.

A restore checks the whole archive before it touches anything, replaces the database in one
step (SQLite's backup into the open database; `pg_restore --single-transaction`), brings the
schema up to date with `migrate`, and walks the audit chain up to the head the manifest
recorded — a restored site proves it holds exactly what was saved.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
KEY_FILE = "secret_key"
MEDIA_DIR = "media"
# Counted into the manifest and printed: enough to recognise a backup at a glance.
COUNTED = {
    "units": "units_unit",
    "households": "people_household",
    "people": "people_person",
    "audit_events": "audit_event",
}


class BackupError(Exception):
    """A backup or restore refused, with the reason in Vietnamese and in English."""

    def __init__(self, vietnamese: str, english: str):
        super().__init__(f"{vietnamese} / {english}")


@dataclass
class BackupResult:
    path: Path
    manifest: dict


@dataclass
class RestoreResult:
    manifest: dict
    audit_ok: bool
    audit_count: int
    audit_problem: str = ""
    replaced_media: Path | None = None
    notes: list[str] = field(default_factory=list)


# --- backup ---------------------------------------------------------------------------------


def create_backup(output: str | Path | None = None) -> BackupResult:
    """Write the archive to `output`, a file or a folder (an existing one, or a name ending
    in "/"; default: `backups/` in the data directory). The file appears under its name only
    once complete, and only its owner may read it."""
    if connection.in_atomic_block:
        raise RuntimeError("create_backup() must run outside a transaction")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name = f"danchu-{stamp}.tar.gz"
    if not output:
        output = settings.DATA_DIR / "backups" / name
    elif str(output).endswith(("/", os.sep)) or Path(output).is_dir():
        output = Path(output) / name
    output = Path(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(
            f"Không tạo được thư mục {output.parent}: {exc}",
            f"cannot create the folder {output.parent}: {exc}",
        ) from None
    with tempfile.TemporaryDirectory(prefix="danchu-backup-") as tmp:
        database, facts = _dump_database(Path(tmp))
        key = _key_in_data_dir()
        manifest = {
            "format": FORMAT,
            "danchu": _version(),
            "created_at": timezone.now().isoformat(),
            "database": {
                "vendor": connection.vendor,
                "file": database.name,
                "sha256": _sha256(database),
                "bytes": database.stat().st_size,
            },
            "secret_key": {
                "included": key is not None,
                "sha256": hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest(),
            },
            **facts,
        }
        partial = output.with_name(output.name + ".partial")
        try:
            with tarfile.open(partial, "w:gz") as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
                tar.add(database, arcname=database.name)
                if key is not None:
                    _add_bytes(tar, KEY_FILE, key)
                media = Path(settings.MEDIA_ROOT)
                if media.is_dir():
                    tar.add(media, arcname=MEDIA_DIR, filter=_regular_files_only)
            partial.chmod(0o600)
            partial.replace(output)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise BackupError(
                f"Không ghi được tệp sao lưu {output}: {exc}",
                f"cannot write the backup {output}: {exc}",
            ) from None
    return BackupResult(path=output, manifest=manifest)


def _dump_database(directory: Path) -> tuple[Path, dict]:
    """The database into `directory`, and the manifest's facts read from the same state."""
    if connection.vendor == "sqlite":
        target = directory / SQLITE_FILE
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            facts = _facts(copy.cursor())
        finally:
            copy.close()
        return target, facts
    if connection.vendor == "postgresql":
        target = directory / PG_FILE
        _need_program("pg_dump")
        # One snapshot for the facts and the dump: the head in the manifest is the dump's head.
        with connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
                facts = _facts(cursor)
                _run(
                    "pg_dump",
                    ["--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"],
                    ["--file", str(target)],
                )
            finally:
                cursor.execute("ROLLBACK")
        return target, facts
    raise BackupError(
        f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.",
        f"backing up a {connection.vendor} database is not supported",
    )


def _facts(cursor) -> dict:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    cursor.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    head = cursor.fetchone()
    counts = {}
    for label, table in COUNTED.items():
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - names from COUNTED
        counts[label] = cursor.fetchone()[0]
    return {
        "migrations": migrations,
        "audit_head": {"seq": head[0], "hash": head[1]} if head else None,
        "counts": counts,
    }


def _key_in_data_dir() -> str | None:
    """The key, when this installation reads it from the data directory (not from the
    environment, where the operator keeps it and passes it again)."""
    path = settings.DATA_DIR / "secret_key"
    try:
        key = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return key if key == settings.SECRET_KEY else None


def _regular_files_only(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    if info.isdir() or info.isfile():
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info
    return None  # links and devices are not uploads


def _add_bytes(tar: tarfile.TarFile, name: str, text: str) -> None:
    data = text.encode("utf-8")
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


# --- restore --------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict:
    """The manifest of `archive`, checked against this installation; raises BackupError."""
    with _open(archive) as tar:
        return _check_manifest(tar)


def restore_backup(archive: Path, *, replace: bool = False) -> RestoreResult:
    """Replace this installation's data with the archive's. Everything is checked first: a
    refused restore changes nothing."""
    archive = Path(archive)
    with tempfile.TemporaryDirectory(prefix="danchu-restore-") as tmp:
        staging = Path(tmp)
        with _open(archive) as tar:
            manifest = _check_manifest(tar)
            members = _safe_members(tar)
            # Checked above; the "data" filter (Python ≥ 3.11.4) refuses the same again.
            safety = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(staging, members=members, **safety)  # noqa: S202
        database = staging / manifest["database"]["file"]
        if not database.is_file() or _sha256(database) != manifest["database"]["sha256"]:
            raise BackupError(
                "Tệp cơ sở dữ liệu trong bản sao lưu bị thiếu hoặc đã bị thay đổi (sai SHA-256).",
                "the archive's database file is missing or altered (SHA-256 mismatch)",
            )
        if not replace and _has_data():
            raise BackupError(
                "Cơ sở dữ liệu hiện tại đã có dữ liệu. Thêm --replace để thay toàn bộ bằng "
                "bản sao lưu.",
                "this database already holds data; add --replace to replace all of it",
            )
        _restore_database(database)
        result = RestoreResult(manifest=manifest, audit_ok=True, audit_count=0)
        result.replaced_media = _restore_media(staging / MEDIA_DIR)
        _restore_key(staging / KEY_FILE, manifest, result.notes)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from danchu.audit.services import verify_chain

    head = manifest.get("audit_head")
    verified = verify_chain(expect=(head["seq"], head["hash"]) if head else None)
    result.audit_ok, result.audit_count = verified.ok, verified.count
    if not verified.ok:
        result.audit_problem = f"#{verified.broken_seq}: {verified.reason}"
    return result


def _open(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, "r:gz")
    except FileNotFoundError:
        raise BackupError(f"Không thấy tệp {archive}.", f"no such file: {archive}") from None
    except (tarfile.TarError, OSError, EOFError):
        raise BackupError(
            f"{archive} không phải bản sao lưu danchu (.tar.gz).",
            f"{archive} is not a danchu backup (.tar.gz)",
        ) from None


def _check_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.loads(tar.extractfile(member).read().decode("utf-8"))
        vendor = manifest["database"]["vendor"]
        migrations = set(manifest["migrations"])
        fmt = manifest["format"]
        manifest["database"]["file"], manifest["database"]["sha256"]  # noqa: B018 - must exist
        # What the restore reads after it has replaced the data must be sound before it does.
        head = manifest.get("audit_head")
        if head is not None and not (
            isinstance(head.get("seq"), int)
            and isinstance(head.get("hash"), str)
            and len(head["hash"]) == 64
        ):
            raise ValueError("audit_head")
        if not isinstance(manifest.get("secret_key", {}), dict) or not isinstance(
            manifest.get("counts", {}), dict
        ):
            raise ValueError("secret_key or counts")
    except (KeyError, TypeError, ValueError, AttributeError, tarfile.TarError):
        raise BackupError(
            "Bản sao lưu thiếu hoặc hỏng tệp manifest.json.",
            "the archive's manifest.json is missing or damaged",
        ) from None
    if not isinstance(fmt, int) or fmt > FORMAT:
        raise BackupError(
            f"Bản sao lưu có định dạng {fmt}, phiên bản danchu này chỉ đọc đến {FORMAT}.",
            f"the archive has format {fmt}; this danchu reads up to {FORMAT}",
        )
    if manifest["database"]["file"] not in (SQLITE_FILE, PG_FILE):
        raise BackupError(
            "Bản sao lưu ghi tên tệp cơ sở dữ liệu không hợp lệ.",
            "the manifest names an invalid database file",
        )
    if vendor != connection.vendor:
        raise BackupError(
            f"Bản sao lưu là của {_vendor_name(vendor)}, còn cài đặt này dùng "
            f"{_vendor_name(connection.vendor)}.",
            f"the archive holds a {vendor} database; this installation uses {connection.vendor}",
        )
    unknown = sorted(migrations - _known_migrations())
    if unknown:
        raise BackupError(
            f"Bản sao lưu được tạo bởi phiên bản danchu mới hơn (có {len(unknown)} bước "
            f"chuyển đổi chưa có ở đây, ví dụ {unknown[0]}). Hãy cập nhật danchu trước.",
            f"the archive comes from a newer danchu ({len(unknown)} migrations unknown here, "
            f"e.g. {unknown[0]}); update danchu first",
        )
    return manifest


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Only what a danchu backup holds: no absolute paths, no `..`, no links or devices."""
    allowed_top = {MANIFEST, SQLITE_FILE, PG_FILE, KEY_FILE, MEDIA_DIR}
    members = []
    for info in tar.getmembers():
        path = PurePosixPath(info.name)
        if (
            path.is_absolute()
            or ".." in path.parts
            or not path.parts
            or path.parts[0] not in allowed_top
            or not (info.isfile() or info.isdir())
        ):
            raise BackupError(
                f"Bản sao lưu chứa mục không hợp lệ: {info.name!r}.",
                f"the archive holds an entry that is not allowed: {info.name!r}",
            )
        members.append(info)
    return members


def _has_data() -> bool:
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in ("units_unit", "audit_event"):
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return True
    return False


def _restore_database(database: Path) -> None:
    if connection.vendor == "sqlite":
        source = sqlite3.connect(database)
        try:
            connection.ensure_connection()
            # Page by page into the open database, under its lock: readers see the old
            # database or the new one, never a mix.
            source.backup(connection.connection)
        except sqlite3.DatabaseError as exc:
            raise BackupError(
                f"Không khôi phục được cơ sở dữ liệu: {exc}", f"cannot restore the database: {exc}"
            ) from None
        finally:
            source.close()
        return
    _need_program("pg_restore")
    connection.close()
    _run(
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", "--no-privileges"],
        ["--single-transaction", "--exit-on-error", str(database)],
    )


def _restore_media(extracted: Path) -> Path | None:
    """Put the archive's files in place of the current ones; the current ones are kept
    beside, renamed, if there were any."""
    media = Path(settings.MEDIA_ROOT)
    replaced = None
    if media.is_dir() and any(media.iterdir()):
        replaced = media.with_name(f"{media.name}.replaced-{timezone.now():%Y%m%d-%H%M%S}")
        media.rename(replaced)
    elif media.is_dir():
        media.rmdir()
    if extracted.is_dir():
        media.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(extracted, media)
    return replaced


def _restore_key(extracted: Path, manifest: dict, notes: list[str]) -> None:
    key_info = manifest.get("secret_key") or {}
    current = hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest()
    if extracted.is_file() and _key_in_data_dir() is not None:
        key = extracted.read_text(encoding="utf-8").strip()
        if key != settings.SECRET_KEY:
            target = settings.DATA_DIR / "secret_key"
            target.write_text(key, encoding="utf-8")
            target.chmod(0o600)
            notes.append(
                "Đã đặt lại khóa bí mật của bản sao lưu; hãy khởi động lại danchu serve và "
                "danchu worker. / The archive's secret key was put back; restart danchu serve "
                "and danchu worker."
            )
        return
    if key_info.get("sha256") and key_info["sha256"] != current:
        notes.append(
            "Khóa bí mật (DANCHU_SECRET_KEY) khác với khi sao lưu: mã in trên phiếu và liên kết "
            "đã phát sẽ không in lại được như cũ. Hãy đặt lại khóa cũ. / The secret key differs "
            "from the backed-up site's: codes printed on ballots cannot be printed again the "
            "same; set the old DANCHU_SECRET_KEY."
        )


# --- helpers --------------------------------------------------------------------------------


def _known_migrations() -> set[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def _vendor_name(vendor: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(vendor, vendor)


def _version() -> str:
    try:
        return metadata.version("danchu")
    except metadata.PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _need_program(name: str) -> None:
    if shutil.which(name) is None:
        raise BackupError(
            f"Cần chương trình {name} của PostgreSQL (gói postgresql-client).",
            f"PostgreSQL's {name} is needed (package postgresql-client)",
        )


def _run(program: str, options: list[str], tail: list[str]) -> None:
    """Run pg_dump or pg_restore against this installation's database; the password goes
    through the environment, never the command line."""
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = [program, *options]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    args += ["--dbname", db["NAME"], *tail]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise BackupError(
            f"{program} thất bại: {' '.join(detail)}", f"{program} failed: {' '.join(detail)}"
        )
