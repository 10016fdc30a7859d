"""danchu backup / danchu restore: a whole installation out to one file and back, on SQLite and
PostgreSQL, with every refused archive leaving the database as it was."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.audit.services import verify_chain
from danchu.people.models import Household, Person
from danchu.people.services import import_households
from danchu.units.models import Unit
from danchu.units.services import create_village

pytestmark = pytest.mark.django_db(transaction=True)

ROLL = (
    "ma_ho,chu_ho,dia_chi,so_dien_thoai,so_thanh_vien\n"
    "H001,Nguyễn Văn An,Xóm 1,0912345678,4\n"
    "H002,Trần Thị Bình,Xóm 2,,3\n"
    "H003,Lê Văn Cường,Xóm 3,0987654321,5\n"
).encode()
DRAFT = b"%PDF-1.4 du thao huong uoc"


@pytest.fixture
def site(settings, tmp_path, commune):
    """A data directory of its own with an uploaded file, and a village with three households
    imported through the service (so the audit chain has events)."""
    settings.DATA_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = settings.DATA_DIR / "media"
    (settings.MEDIA_ROOT / "private").mkdir(parents=True)
    (settings.MEDIA_ROOT / "private" / "du-thao.pdf").write_bytes(DRAFT)
    (settings.DATA_DIR / "secret_key").write_text(settings.SECRET_KEY)
    village = create_village(actor=SYSTEM, commune=commune, name="Thôn Đông Lỗ")
    import_households(actor=SYSTEM, village=village, data=ROLL, filename="so-ho.csv")
    return village


def backup(tmp_path, capsys) -> Path:
    call_command("backup", output=str(tmp_path / "out") + "/")
    (archive,) = (tmp_path / "out").glob("danchu-*.tar.gz")
    out = capsys.readouterr().out
    assert "3 hộ" in out
    return archive


def restore(archive, capsys, *args) -> str:
    call_command("restore", str(archive), *args)
    return capsys.readouterr().out


def snapshot():
    return (
        sorted(Household.objects.values_list("code", flat=True)),
        Person.objects.count(),
        Unit.objects.count(),
        Event.objects.count(),
    )


def test_a_backup_restores_records_files_and_the_audit_chain(site, settings, tmp_path, capsys):
    before = snapshot()
    head = Event.objects.order_by("-seq").first()
    archive = backup(tmp_path, capsys)

    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.loads(tar.extractfile("manifest.json").read())
    file = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    assert {"manifest.json", file, "secret_key", "media/private/du-thao.pdf"} <= names
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["counts"]["households"] == 3
    assert manifest["audit_head"] == {"seq": head.seq, "hash": head.hash}
    assert archive.stat().st_mode & 0o077 == 0  # only the owner reads personal data

    # Life goes on after the backup: a household leaves, a village is added, a file is lost.
    Person.objects.filter(household__code="H002").update(household=None)
    Household.objects.filter(code="H002").delete()
    create_village(actor=SYSTEM, commune=site.parent, name="Thôn Mới")
    (settings.MEDIA_ROOT / "private" / "du-thao.pdf").unlink()
    (settings.MEDIA_ROOT / "ghi-chu.txt").write_text("sau sao lưu")
    assert snapshot() != before

    out = restore(archive, capsys, "--replace")
    assert snapshot() == before
    assert not Unit.objects.filter(name="Thôn Mới").exists()
    assert (settings.MEDIA_ROOT / "private" / "du-thao.pdf").read_bytes() == DRAFT
    kept = list(settings.DATA_DIR.glob("media.replaced-*/ghi-chu.txt"))
    assert len(kept) == 1  # the files it replaced are kept aside, not deleted
    assert f"OK: {head.seq} sự kiện kiểm toán" in out
    assert verify_chain(expect=(head.seq, head.hash)).ok
    # The restored site goes on writing to the same chain.
    create_village(actor=SYSTEM, commune=site.parent, name="Thôn Sau Khôi Phục")
    assert verify_chain().ok and verify_chain().count == head.seq + 1


def test_restore_over_existing_data_needs_replace(site, tmp_path, capsys):
    archive = backup(tmp_path, capsys)
    Household.objects.filter(code="H003").update(address="Xóm 9")
    with pytest.raises(CommandError, match="--replace"):
        restore(archive, capsys)
    assert Household.objects.get(code="H003").address == "Xóm 9"
    out = restore(archive, capsys, "--check")
    assert "3 hộ" in out and "chưa thay đổi gì" in out
    assert Household.objects.get(code="H003").address == "Xóm 9"


def rewrite(archive: Path, target: Path, *, manifest=None, database=None, extra=None) -> Path:
    """A copy of `archive` with its manifest changed, its database bytes replaced or one more
    member added."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for info in src.getmembers():
            data = src.extractfile(info).read() if info.isfile() else None
            if info.name == "manifest.json" and manifest is not None:
                content = json.loads(data)
                manifest(content)
                data = json.dumps(content).encode()
            if info.name.startswith("database.") and database is not None:
                data = database
            if data is not None:
                info.size = len(data)
                dst.addfile(info, io.BytesIO(data))
            else:
                dst.addfile(info)
        if extra is not None:
            info = tarfile.TarInfo(extra)
            info.size = 2
            dst.addfile(info, io.BytesIO(b"hi"))
    return target


def _vendor(m):
    m["database"]["vendor"] = "postgresql" if connection.vendor == "sqlite" else "sqlite"


def _newer(m):
    m["migrations"].append("people.9999_from_the_future")


def _later_format(m):
    m["format"] = 99


def _bad_head(m):
    m["audit_head"] = {"seq": "mười", "hash": "x"}


def _bad_key(m):
    m["secret_key"] = "lộ khóa"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"manifest": _vendor}, "còn cài đặt này dùng"),
        ({"manifest": _newer}, "phiên bản danchu mới hơn"),
        ({"manifest": _later_format}, "định dạng 99"),
        ({"manifest": _bad_head}, "hỏng tệp manifest.json"),
        ({"manifest": _bad_key}, "hỏng tệp manifest.json"),
        ({"database": b"not the database"}, "sai SHA-256"),
        ({"extra": "../../etc/cron.d/x"}, "mục không hợp lệ"),
        ({"extra": "scripts/run.sh"}, "mục không hợp lệ"),
    ],
)
def test_a_damaged_or_foreign_archive_is_refused_and_changes_nothing(
    site, tmp_path, capsys, change, message
):
    archive = backup(tmp_path, capsys)
    Household.objects.filter(code="H001").update(address="Xóm 7")
    before = snapshot()
    bad = rewrite(archive, tmp_path / "bad.tar.gz", **change)
    with pytest.raises(CommandError, match=message):
        restore(bad, capsys, "--replace")
    assert snapshot() == before
    assert Household.objects.get(code="H001").address == "Xóm 7"
    assert not (tmp_path / "etc").exists()


def test_files_that_are_not_backups_are_refused(site, tmp_path, capsys):
    plain = tmp_path / "so-ho.csv"
    plain.write_bytes(ROLL)
    with pytest.raises(CommandError, match="không phải bản sao lưu danchu"):
        restore(plain, capsys, "--replace")
    with pytest.raises(CommandError, match="Không thấy tệp"):
        restore(tmp_path / "khong-co.tar.gz", capsys, "--replace")
    empty = tmp_path / "rong.tar.gz"
    with tarfile.open(empty, "w:gz"):
        pass
    with pytest.raises(CommandError, match="manifest.json"):
        restore(empty, capsys, "--replace")
    assert Household.objects.count() == 3


def test_a_chain_altered_before_the_backup_is_reported_after_restore(site, tmp_path, capsys):
    event = Event.objects.filter(action__startswith="people.").order_by("seq").first()
    Event.objects.filter(pk=event.pk).update(payload={"sửa": "lén"})
    archive = backup(tmp_path, capsys)
    with pytest.raises(CommandError, match=f"hỏng tại sự kiện #{event.seq}"):
        restore(archive, capsys, "--replace")


def test_the_key_kept_in_the_data_directory_comes_back(site, settings, tmp_path, capsys):
    old_key = settings.SECRET_KEY
    archive = backup(tmp_path, capsys)
    # Restored on a new machine, which made a key of its own at first start.
    settings.SECRET_KEY = "k" * 50
    (settings.DATA_DIR / "secret_key").write_text(settings.SECRET_KEY)
    out = restore(archive, capsys, "--replace")
    assert (settings.DATA_DIR / "secret_key").read_text() == old_key
    assert "khởi động lại" in out


def test_a_key_from_the_environment_stays_out_and_a_different_one_is_warned(
    site, settings, tmp_path, capsys
):
    (settings.DATA_DIR / "secret_key").unlink()
    archive = backup(tmp_path, capsys)
    with tarfile.open(archive) as tar:
        assert "secret_key" not in tar.getnames()
    settings.SECRET_KEY = "e" * 50
    out = restore(archive, capsys, "--replace")
    assert "DANCHU_SECRET_KEY" in out
    assert not (settings.DATA_DIR / "secret_key").exists()
