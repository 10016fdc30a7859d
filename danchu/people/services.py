"""Household rolls: import, move on merge, export.

A household is the voting unit of community decisions (Law 10/2022 Art 18(2)); the
roll must therefore be exact: a file with any bad row imports nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts import permissions
from danchu.audit.services import record
from danchu.core.errors import ValidationError
from danchu.core.vietnamese import person_sort_key
from danchu.people.importing import FileUnreadable, HouseholdRow, RowError, parse_households
from danchu.people.models import Household, Person
from danchu.units.models import Unit

BATCH = 2000


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return _(
            "Đã thêm %(created)d hộ, cập nhật %(updated)d hộ, giữ nguyên %(unchanged)d hộ."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


class ImportRejected(ValidationError):
    """A file with bad rows: carries every row error; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.row_errors = errors
        super().__init__([str(e) for e in errors], code="import_rejected")


def _check_village(village: Unit) -> None:
    if village.kind != Unit.Kind.VILLAGE:
        raise ValidationError(
            _("%(name)s không phải thôn, tổ dân phố: chỉ nhập hộ vào thôn, tổ dân phố."),
            code="not_village",
            params={"name": village.name},
        )
    if not village.is_current():
        raise ValidationError(
            _("%(name)s đã hết hiệu lực (đã sáp nhập); hãy nhập vào đơn vị kế thừa."),
            code="unit_ended",
            params={"name": village.name},
        )


def import_households(*, actor, village: Unit, data: bytes, filename: str) -> ImportReport:
    """Import or update the households of one village from a CSV or XLSX file.

    Rows are matched to existing households by code (`ma_ho`): a new code adds a
    household with its representative; a known code updates address, phone, member
    count and the representative's name. Any bad row rejects the whole file.
    """
    permissions.require(actor, "people.manage", village)
    _check_village(village)
    try:
        parsed = parse_households(data, filename)
    except FileUnreadable as exc:
        raise ValidationError(str(exc), code="unreadable_file") from None
    if parsed.errors:
        parsed.errors.sort(key=lambda e: e.line)
        raise ImportRejected(parsed.errors)
    with transaction.atomic():
        report = _write_rows(village, parsed.rows)
        record(
            actor=actor,
            action="people.households_imported",
            obj=village,
            unit=village,
            payload={
                "file": filename[:200],
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
    return report


def _write_rows(village: Unit, rows: list[HouseholdRow]) -> ImportReport:
    report = ImportReport()
    existing = {
        h.code: h
        for h in Household.objects.filter(village=village).select_related("representative")
    }
    new_rows = [r for r in rows if r.code not in existing]
    changed_households, changed_people = [], []
    for row in rows:
        household = existing.get(row.code)
        if household is None:
            continue
        person = household.representative
        if _apply(household, person, row):
            changed_households.append(household)
            if person is not None:
                changed_people.append(person)
            report.updated += 1
        else:
            report.unchanged += 1
    Household.objects.bulk_update(
        changed_households,
        ["address", "member_count", "representative_sort_key"],
        batch_size=BATCH,
    )
    Person.objects.bulk_update(
        changed_people,
        ["full_name", "sort_key", "phone", "birth_year", "citizen_id"],
        batch_size=BATCH,
    )
    report.created = _create_households(village, new_rows)
    return report


def _apply(household: Household, person: Person | None, row: HouseholdRow) -> bool:
    before = (
        household.address,
        household.member_count,
        person and (person.full_name, person.phone, person.birth_year, person.citizen_id),
    )
    household.address = row.address
    household.member_count = row.member_count
    if person is not None:
        person.full_name = row.representative
        person.sort_key = person_sort_key(row.representative)
        person.phone = row.phone
        person.birth_year = row.birth_year or person.birth_year
        person.citizen_id = row.citizen_id or person.citizen_id
        household.representative_sort_key = person.sort_key
    after = (
        household.address,
        household.member_count,
        person and (person.full_name, person.phone, person.birth_year, person.citizen_id),
    )
    return before != after


def _create_households(village: Unit, rows: list[HouseholdRow]) -> int:
    """Write the new households and their representatives, each pointing at the other."""
    if not rows:
        return 0
    sort_keys = _sort_keys(rows)
    if connection.vendor == "postgresql":
        _copy_households(village, rows, sort_keys)
    else:
        _insert_households(village, rows, sort_keys)
    return len(rows)


def _sort_keys(rows: list[HouseholdRow]) -> list[str]:
    """person_sort_key of each representative, worked out once per distinct name.

    Names repeat a lot: a million synthetic households share about twenty thousand.
    """
    keys: dict[str, str] = {}
    result = []
    for row in rows:
        key = keys.get(row.representative)
        if key is None:
            key = keys[row.representative] = person_sort_key(row.representative)
        result.append(key)
    return result


def _insert_households(village: Unit, rows: list[HouseholdRow], sort_keys: list[str]) -> None:
    """Any database: persons, then households, then each person's household in one UPDATE."""
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        people = Person.objects.bulk_create(
            [
                Person(
                    full_name=r.representative,
                    sort_key=key,
                    phone=r.phone,
                    birth_year=r.birth_year,
                    citizen_id=r.citizen_id,
                )
                for r, key in zip(chunk, sort_keys[start : start + BATCH], strict=True)
            ]
        )
        Household.objects.bulk_create(
            [
                Household(
                    village=village,
                    code=r.code,
                    address=r.address,
                    representative=p,
                    representative_sort_key=p.sort_key,
                    member_count=r.member_count,
                )
                for r, p in zip(chunk, people, strict=True)
            ]
        )
        represented = (
            Household.objects.filter(representative=OuterRef("pk")).order_by().values("pk")
        )
        Person.objects.filter(pk__in=[p.pk for p in people]).update(
            household=Subquery(represented[:1])
        )


def _copy_households(village: Unit, rows: list[HouseholdRow], sort_keys: list[str]) -> None:
    """PostgreSQL: the same rows as `_insert_households`, written with COPY.

    Ids are drawn from the tables' own sequences first, so each person is written already
    pointing at its household and each household at its person: two COPYs, no UPDATE.
    Both foreign keys are deferred, so the persons may name households not yet written.
    """
    ids = list(
        zip(_reserve_ids(Person, len(rows)), _reserve_ids(Household, len(rows)), strict=True)
    )
    # One instant for the whole file, in the text form COPY reads without conversion.
    created_at = timezone.now().isoformat()
    people = (
        (person_id, r.representative, key, r.phone, r.birth_year, r.citizen_id, household_id)
        for r, key, (person_id, household_id) in zip(rows, sort_keys, ids, strict=True)
    )
    households = (
        (household_id, village.pk, r.code, r.address, person_id, key, r.member_count, created_at)
        for r, key, (person_id, household_id) in zip(rows, sort_keys, ids, strict=True)
    )
    with connection.cursor() as cursor:
        _copy(cursor, Person, _PERSON_COLUMNS, people)
        _copy(cursor, Household, _HOUSEHOLD_COLUMNS, households)


# Column order of the tuples that _copy_households writes.
_PERSON_COLUMNS = ("id", "full_name", "sort_key", "phone", "birth_year", "citizen_id", "household")
_HOUSEHOLD_COLUMNS = (
    "id",
    "village",
    "code",
    "address",
    "representative",
    "representative_sort_key",
    "member_count",
    "created_at",
)


def _copy(
    cursor, model: type[models.Model], fields: tuple[str, ...], rows: Iterable[tuple]
) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys from the table's sequence, as inserting would draw them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column]
        )
        (sequence,) = cursor.fetchone()
        cursor.execute(
            "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
            [sequence, count],
        )
        (ids,) = cursor.fetchone()
    return ids


def move_households(*, source: Unit, target: Unit) -> int:
    """Move a merged village's households to its successor; clashing codes get a prefix."""
    taken = set(Household.objects.filter(village=target).values_list("code", flat=True))
    moving = list(Household.objects.filter(village=source, dissolved_on__isnull=True))
    for household in moving:
        if household.code in taken:
            household.code = f"{source.code}/{household.code}"[:32]
        household.village = target
        taken.add(household.code)
    Household.objects.bulk_update(moving, ["code", "village"], batch_size=BATCH)
    return len(moving)


def roll(village: Unit) -> QuerySet[Household]:
    """The current households of a village, in Vietnamese alphabetical order of representative."""
    return (
        Household.objects.filter(village=village, dissolved_on__isnull=True)
        .select_related("representative")
        .order_by("representative_sort_key", "code")
    )


@transaction.atomic
def export_roll_xlsx(*, actor, village: Unit) -> bytes:
    """The village roll as an XLSX workbook. Reading personal data is audited (Law 91/2025)."""
    from openpyxl import Workbook

    permissions.require(actor, "people.view_roll", village)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Danh sách hộ"[:31])
    sheet.append([f"DANH SÁCH HỘ GIA ĐÌNH — {village.name.upper()}"])
    sheet.append(["STT", "ma_ho", "chu_ho", "dia_chi", "so_dien_thoai", "so_thanh_vien"])
    count = 0
    for count, household in enumerate(roll(village).iterator(chunk_size=BATCH), start=1):
        rep = household.representative
        sheet.append(
            [
                count,
                household.code,
                rep.full_name if rep else "",
                household.address,
                rep.phone if rep else "",
                household.member_count,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    record(
        actor=actor,
        action="people.roll_exported",
        obj=village,
        unit=village,
        payload={"households": count},
    )
    return buffer.getvalue()


def record_roll_viewed(*, actor, village: Unit) -> None:
    """Officers reading names and phones of a roll leave a trace (DESIGN: personal data)."""
    with transaction.atomic():
        record(actor=actor, action="people.roll_viewed", obj=village, unit=village)
