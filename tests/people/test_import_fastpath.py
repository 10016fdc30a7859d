"""The fast paths of the household import give exactly what the plain paths give.

On PostgreSQL new households are written with COPY (`_copy_households`); everywhere else,
and as the reference here, with the ORM (`_insert_households`). Row checking takes
shortcuts for the common spellings of a value; each must agree with the general rule.
"""

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.people import importing, services
from danchu.people.importing import FIELDS, RowError, parse_households
from danchu.people.models import PHONE_RE, Household, Person, normalize_phone
from danchu.units import services as unit_services

# Every column, and the values COPY's text format must escape or keep apart from NULL:
# a backslash, a literal \N, quotes, no birth year next to an empty citizen ID.
MIXED = (
    "ma_ho,chu_ho,dia_chi,so_dien_thoai,so_thanh_vien,nam_sinh,cccd\n"
    'H001,Trần Thị Bình,"Xóm 2, Thôn Đông Lỗ",0912 345 678,4,1961,001234567890\n'
    "H002,  Nguyễn   Văn An ,Ngõ 5\\7,+84987654321,3,,\n"
    "H003,H'Hen Niê,\\N,,1,1990,0012 3456 7891\n"
    "H004,Lê Đức Anh,'Đường làng' (cuối xóm),0388111222,4.0,2001,\n"
    "h-5/a,Đỗ Văn Đông,,84912000111,99,,\n"
    "H006,Nguyễn Văn An,Xóm 1 — nhà 2,,,,\n"
)

# Fields that differ by design between two imports of one file.
NOT_COMPARED = {"id", "village_id", "household_id", "representative_id", "created_at"}


def _village(commune, name):
    return unit_services.create_village(actor=SYSTEM, commune=commune, name=name)


def _rows(text=MIXED):
    parsed = parse_households(text.encode(), "ho.csv")
    assert parsed.errors == []
    return parsed.rows


def _fields(obj) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in type(obj)._meta.concrete_fields
        if f.attname not in NOT_COMPARED
    }


def _snapshot(village) -> list[tuple[dict, dict]]:
    """Each household of the village with its representative, both linked both ways."""
    result = []
    for household in Household.objects.filter(village=village).order_by("code"):
        person = Person.objects.get(pk=household.representative_id)
        assert person.household_id == household.pk
        assert household.created_at is not None
        result.append((_fields(household), _fields(person)))
    return result


def _require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")


def test_copy_writes_the_same_rows_as_the_orm(commune):
    _require_postgresql()
    rows = _rows()
    keys = services._sort_keys(rows)
    by_orm, by_copy = _village(commune, "Thôn Một"), _village(commune, "Thôn Hai")

    services._insert_households(by_orm, rows, keys)
    services._copy_households(by_copy, rows, keys)

    assert _snapshot(by_copy) == _snapshot(by_orm)
    assert len(_snapshot(by_copy)) == 6
    connection.check_constraints()  # the deferred foreign keys hold


def test_import_service_writes_what_the_orm_path_writes(commune, monkeypatch):
    fast, plain = _village(commune, "Thôn Một"), _village(commune, "Thôn Hai")

    fast_report = services.import_households(
        actor=SYSTEM, village=fast, data=MIXED.encode(), filename="ho.csv"
    )
    monkeypatch.setattr(services, "_copy_households", services._insert_households)
    plain_report = services.import_households(
        actor=SYSTEM, village=plain, data=MIXED.encode(), filename="ho.csv"
    )

    assert (fast_report.created, fast_report.updated, fast_report.unchanged) == (6, 0, 0)
    assert vars(fast_report) == vars(plain_report)
    assert _snapshot(fast) == _snapshot(plain)
    household, person = _snapshot(fast)[2]
    assert (household["code"], household["address"]) == ("H003", "\\N")
    assert (person["full_name"], person["birth_year"], person["citizen_id"]) == (
        "H'Hen Niê",
        1990,
        "001234567891",
    )
    assert household["representative_sort_key"] == person["sort_key"]
    events = Event.objects.filter(action="people.households_imported", unit=fast)
    assert [e.payload["created"] for e in events] == [6]


def test_reimport_after_copy_updates_in_place(commune):
    village = _village(commune, "Thôn Một")
    services.import_households(actor=SYSTEM, village=village, data=MIXED.encode(), filename="a.csv")
    changed = MIXED.replace("H006,Nguyễn Văn An,Xóm 1 — nhà 2,,,,", "H006,Nguyễn Văn Ân,Xóm 3,,2,,")

    report = services.import_households(
        actor=SYSTEM, village=village, data=changed.encode(), filename="b.csv"
    )

    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    household = Household.objects.select_related("representative").get(code="H006")
    assert (household.address, household.member_count) == ("Xóm 3", 2)
    assert household.representative.full_name == "Nguyễn Văn Ân"
    assert Person.objects.count() == 6


def test_ids_drawn_later_follow_the_copied_rows(commune):
    village = _village(commune, "Thôn Một")
    services.import_households(actor=SYSTEM, village=village, data=MIXED.encode(), filename="a.csv")
    imported_people = list(Person.objects.values_list("pk", flat=True))
    imported_households = list(Household.objects.values_list("pk", flat=True))

    person = Person.objects.create(full_name="Phạm Thị Hoa")
    household = Household.objects.create(village=village, code="H007", representative=person)

    assert person.pk > max(imported_people)
    assert household.pk > max(imported_households)


def test_a_failure_while_copying_writes_nothing(commune, monkeypatch):
    _require_postgresql()
    village = _village(commune, "Thôn Một")
    real_copy = services._copy

    def copy_then_fail(cursor, model, fields, rows):
        real_copy(cursor, model, fields, rows)
        if model is Household:
            raise RuntimeError("connection lost")

    monkeypatch.setattr(services, "_copy", copy_then_fail)
    before = Event.objects.count()
    with pytest.raises(RuntimeError):
        services.import_households(
            actor=SYSTEM, village=village, data=MIXED.encode(), filename="a.csv"
        )
    assert (Person.objects.count(), Household.objects.count()) == (0, 0)
    assert Event.objects.count() == before


# --- row checking: shortcuts against the general rules -------------------------------


def test_absent_columns_read_empty_even_when_rows_have_extra_cells():
    text = "ma_ho,chu_ho,ghi_chu,khac\nH1,Lê Văn Tám,0912345678,5\nH2,Lê Thị Chín\n"
    rows = _rows(text)
    assert [(r.code, r.phone, r.member_count) for r in rows] == [("H1", "", 1), ("H2", "", 1)]


def test_rows_of_blank_cells_are_skipped_and_lines_still_count():
    rows = _rows("ma_ho;chu_ho\n ; \n;\nH1;Lê Văn Tám\n")
    assert [(r.line, r.code) for r in rows] == [(4, "H1")]


@given(
    st.dictionaries(st.sampled_from(FIELDS), st.integers(0, 6), min_size=1),
    st.lists(st.text(alphabet=" ab\t1", max_size=4), max_size=9),
)
def test_values_are_picked_by_column_and_stripped(columns, cells):
    expected = tuple(
        cells[columns[name]].strip() if name in columns and columns[name] < len(cells) else ""
        for name in FIELDS
    )
    assert importing._value_getter(columns)(list(cells)) == expected


@given(st.from_regex(importing.PLAIN_PHONE_RE, fullmatch=True))
def test_plain_phone_shortcut_agrees_with_normalize_phone(raw):
    assert normalize_phone(raw) == raw
    assert PHONE_RE.match(raw)


def test_member_count_and_year_lookups_agree_with_the_general_rules():
    problems: list[RowError] = []
    for text, members in importing._MEMBER_COUNTS.items():
        assert importing._check_members(2, text, problems) == members
    for text, year in importing._BIRTH_YEARS.items():
        assert importing._check_birth_year(2, text, problems) == year
    assert problems == []


@pytest.mark.parametrize(
    "cells,column,value",
    [
        ("H1,Lê Văn Tám,,4.0,", "member_count", 4),
        ("H1,Lê Văn Tám,,,", "member_count", 1),
        ("H1,Lê Văn Tám,0912.345.678,,", "phone", "0912345678"),
        ("H1,Lê Văn Tám,84912345678,,", "phone", "0912345678"),
        ("H1,Lê Văn Tám,,,+1990", "birth_year", 1990),
    ],
)
def test_values_off_the_shortcuts_follow_the_general_rules(cells, column, value):
    (row,) = _rows("ma_ho,chu_ho,so_dien_thoai,so_thanh_vien,nam_sinh\n" + cells + "\n")
    assert getattr(row, column) == value


@pytest.mark.parametrize(
    "cells,column",
    [
        ("H1,Lê Văn Tám,,04,", "so_thanh_vien"),
        ("H1,Lê Văn Tám,,100,", "so_thanh_vien"),
        ("H1,Lê Văn Tám,,٤,", "so_thanh_vien"),
        ("H1,Lê Văn Tám,091234567,,", "so_dien_thoai"),
        ("H1,Lê Văn Tám,,,1899", "nam_sinh"),
        ("H1,Lê Văn²,,,", "chu_ho"),
    ],
)
def test_values_off_the_shortcuts_are_still_refused(cells, column):
    parsed = parse_households(
        ("ma_ho,chu_ho,so_dien_thoai,so_thanh_vien,nam_sinh\n" + cells + "\n").encode(), "ho.csv"
    )
    assert [(e.line, e.column) for e in parsed.errors] == [(2, column)]
