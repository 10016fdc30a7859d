import io

import pytest
from openpyxl import Workbook, load_workbook

from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.core.errors import ValidationError
from danchu.people.models import Household, Person
from danchu.people.services import ImportRejected, export_roll_xlsx, import_households, roll
from tests.conftest import client_for

GOOD = (
    "ma_ho,chu_ho,dia_chi,so_dien_thoai,so_thanh_vien\n"
    'H001,Trần Thị Bình,"Xóm 2, Thôn Đông Lỗ",0912 345 678,4\n'
    'H002,Nguyễn Văn An,"Xóm 1, Thôn Đông Lỗ",+84987654321,3\n'
    'H003,Đỗ Văn Đông,"Xóm 3, Thôn Đông Lỗ",,1\n'
    'H004,Lê Đức Anh,"Xóm 1, Thôn Đông Lỗ",0388111222,5\n'
)


def _import(village, text, filename="ho.csv", actor=SYSTEM):
    return import_households(actor=actor, village=village, data=text.encode(), filename=filename)


def test_good_csv_imports_every_household_with_its_representative(village):
    report = _import(village, GOOD)
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    household = Household.objects.get(village=village, code="H001")
    assert household.representative.full_name == "Trần Thị Bình"
    assert household.representative.phone == "0912345678"
    assert household.representative.household == household
    assert household.member_count == 4
    assert Household.objects.get(code="H002").representative.phone == "0987654321"
    event = Event.objects.get(action="people.households_imported")
    assert event.payload["created"] == 4


def test_roll_is_in_vietnamese_order_of_given_name(village):
    _import(village, GOOD)
    names = [h.representative.full_name for h in roll(village)]
    assert names == ["Nguyễn Văn An", "Lê Đức Anh", "Trần Thị Bình", "Đỗ Văn Đông"]


def test_reimport_updates_by_code_and_counts_unchanged(village):
    _import(village, GOOD)
    changed = GOOD.replace(
        'H003,Đỗ Văn Đông,"Xóm 3, Thôn Đông Lỗ",,1',
        'H003,Đỗ Văn Đông,"Xóm 4, Thôn Đông Lỗ",0355000111,2',
    )
    report = _import(village, changed + "H005,Phạm Thị Hoa,,,2\n")
    assert (report.created, report.updated, report.unchanged) == (1, 1, 3)
    h3 = Household.objects.get(code="H003")
    assert (h3.address, h3.member_count, h3.representative.phone) == (
        "Xóm 4, Thôn Đông Lỗ",
        2,
        "0355000111",
    )
    assert Person.objects.count() == 5


def test_bad_file_reports_every_row_and_writes_nothing(village):
    bad = (
        "Mã hộ;Chủ hộ;Địa chỉ;Số điện thoại;Số thành viên\n"
        "H001;Trần Thị Bình;Xóm 2;0912345678;4\n"
        ";Nguyễn Văn An;Xóm 1;;3\n"
        "H003;;Xóm 3;;1\n"
        "H004;Lê Đức Anh;Xóm 1;12345;5\n"
        "H001;Phạm Văn Hùng;Xóm 5;;0\n"
    )
    before = (Household.objects.count(), Person.objects.count(), Event.objects.count())
    with pytest.raises(ImportRejected) as info:
        _import(village, bad)
    messages = [str(e) for e in info.value.row_errors]
    assert [(e.line, e.column) for e in info.value.row_errors] == [
        (3, "ma_ho"),
        (4, "chu_ho"),
        (5, "so_dien_thoai"),
        (6, "so_thanh_vien"),
    ]
    assert messages[0] == "Dòng 3, ma_ho: thiếu mã hộ."
    assert "12345" in messages[2]
    assert (Household.objects.count(), Person.objects.count(), Event.objects.count()) == before


def test_duplicate_code_in_file_names_the_first_line(village):
    with pytest.raises(ImportRejected) as info:
        _import(village, "ma_ho,chu_ho\nH1,Lê Văn Tám\nH1,Lê Thị Chín\n")
    assert str(info.value.row_errors[0]) == "Dòng 3, ma_ho: mã hộ “H1” trùng với dòng 2."


def test_english_headers_are_accepted(village):
    report = _import(
        village,
        "household_code,representative,address,phone,members\n"
        "E1,Hoàng Văn Nam,Xóm 1,0912000111,2\n",
    )
    assert report.created == 1


@pytest.mark.parametrize(
    "data,filename,expected",
    [
        (b"ma_ho,chu_ho\n", "ho.csv", "không có hộ nào"),
        (b"", "ho.csv", "Tệp trống"),
        (b"ten,tuoi\nA,3\n", "ho.csv", "ma_ho"),
        ("ma_ho,chu_ho\nH1,Lê Văn Tám\n".encode("cp1258"), "ho.csv", "UTF-8"),
        (b"not a zip", "ho.xlsx", "không phải tệp Excel"),
        (b"PK\x03\x04broken", "ho.xlsx", "Không đọc được tệp Excel"),
        (b"ma_ho,chu_ho\n", "ho.pdf", ".csv hoặc .xlsx"),
    ],
)
def test_unreadable_files_get_a_clear_message(village, data, filename, expected):
    with pytest.raises(ValidationError) as info:
        import_households(actor=SYSTEM, village=village, data=data, filename=filename)
    assert expected in info.value.messages[0]
    assert Household.objects.count() == 0


def test_utf16_tab_separated_text_from_excel_imports(village):
    data = "ma_ho\tchu_ho\tso_thanh_vien\nH1\tLê Văn Tám\t2\n".encode("utf-16")
    report = import_households(actor=SYSTEM, village=village, data=data, filename="ho.txt")
    assert report.created == 1
    assert Household.objects.get(code="H1").representative.full_name == "Lê Văn Tám"


@pytest.mark.parametrize("sep", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_quote_written_twice_inside_a_quoted_field_is_one_quote(village, sep):
    # Every "" here follows the delimiter inside the same quoted field: the one shape in which
    # csv.Sniffer guesses doublequote=False.
    text = (
        sep.join(["ma_ho", "chu_ho", "dia_chi", "so_dien_thoai", "so_thanh_vien"]) + "\n"
        f'H1{sep}Lê Văn Tám{sep}"Xóm 2{sep} Thôn ""Đông Lỗ"""{sep}0912 345 678{sep}2\n'
        f'H2{sep}Trần Thị Bình{sep}"Xóm 1{sep} Ngõ ""Chùa"" số 3"{sep}{sep}3\n'
    )
    report = _import(village, text)
    assert report.created == 2
    h1 = Household.objects.get(code="H1")
    assert h1.address == " ".join(f'Xóm 2{sep} Thôn "Đông Lỗ"'.split())
    assert (h1.representative.phone, h1.member_count) == ("0912345678", 2)
    h2 = Household.objects.get(code="H2")
    assert h2.address == " ".join(f'Xóm 1{sep} Ngõ "Chùa" số 3'.split())
    assert (h2.representative.phone, h2.member_count) == ("", 3)


def test_xlsx_with_a_title_row_imports(village):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH HỘ THÔN ĐÔNG LỖ"])
    sheet.append(["Mã hộ", "Chủ hộ", "Địa chỉ", "Số điện thoại", "Số thành viên"])
    sheet.append(["X1", "Vũ Thị Lan", "Xóm 6", "0977123456", 3])
    sheet.append([1002, "Bùi Văn Long", None, None, 2.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_households(
        actor=SYSTEM, village=village, data=buffer.getvalue(), filename="danh-sach.xlsx"
    )
    assert report.created == 2
    assert Household.objects.get(code="1002").member_count == 2


def test_import_into_a_commune_is_refused(commune):
    with pytest.raises(ValidationError) as info:
        _import(commune, GOOD)
    assert info.value.code == "not_village"


def test_export_xlsx_opens_back_in_roll_order(village):
    _import(village, GOOD)
    data = export_roll_xlsx(actor=SYSTEM, village=village)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("STT", "ma_ho", "chu_ho", "dia_chi", "so_dien_thoai", "so_thanh_vien")
    assert [r[2] for r in rows[2:]] == [
        "Nguyễn Văn An",
        "Lê Đức Anh",
        "Trần Thị Bình",
        "Đỗ Văn Đông",
    ]
    assert rows[2][4] == "0987654321"
    # The exported file imports back unchanged.
    report = import_households(actor=SYSTEM, village=village, data=data, filename="roll.xlsx")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert Event.objects.filter(action="people.roll_exported").count() == 1


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 302),
        ("resident", 403),
        ("other_village_head", 403),
        ("outside_officer", 403),
        ("officer", 302),
        ("admin", 302),
    ],
)
def test_web_import_permission_matrix(personas, persona, status, village):
    user = personas[persona]
    upload = io.BytesIO(GOOD.encode())
    upload.name = "ho.csv"
    before = Event.objects.count()
    response = client_for(user).post(f"/u/{village.code}/households/import/", {"file": upload})
    assert response.status_code == status
    if persona in ("officer", "admin"):
        assert Household.objects.filter(village=village).count() == 4
    else:
        assert Household.objects.count() == 0
        assert Event.objects.count() == before


def test_web_import_of_a_bad_file_shows_row_errors(officer, village):
    upload = io.BytesIO(b"ma_ho,chu_ho\nH1,\n")
    upload.name = "ho.csv"
    response = client_for(officer).post(f"/u/{village.code}/households/import/", {"file": upload})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Dòng 2, chu_ho: thiếu họ tên chủ hộ." in page
    assert Household.objects.count() == 0


def test_village_head_reads_own_roll_but_not_another(village_head, village, other_village):
    _import(village, GOOD)
    client = client_for(village_head)
    response = client.get(f"/u/{village.code}/households/")
    assert response.status_code == 200
    assert "0912345678" in response.content.decode()
    assert Event.objects.filter(action="people.roll_viewed", actor=village_head).count() == 1
    assert client.get(f"/u/{other_village.code}/households/").status_code == 403
    # The village head reads the roll but cannot import.
    upload = io.BytesIO(GOOD.encode())
    upload.name = "ho.csv"
    assert client.post(f"/u/{village.code}/households/import/", {"file": upload}).status_code == 403


def test_public_unit_page_shows_counts_but_no_personal_data(village):
    _import(village, GOOD)
    page = client_for(None).get(f"/u/{village.code}/").content.decode()
    assert "13" in page  # people: 4 + 3 + 1 + 5
    assert "0912345678" not in page and "Trần Thị Bình" not in page


def test_numbers_python_would_read_but_a_roll_cannot_are_row_errors(village):
    bad = (
        "ma_ho,chu_ho,so_thanh_vien,nam_sinh\n"
        "H1,Lê Văn Tám,inf,1980\n"
        "H2,Lê Thị Chín,1e400,1980\n"
        "H3,Lê Văn Mười,3,1_980\n"
    )
    with pytest.raises(ImportRejected) as info:
        _import(village, bad)
    assert [(e.line, e.column) for e in info.value.row_errors] == [
        (2, "so_thanh_vien"),
        (3, "so_thanh_vien"),
        (4, "nam_sinh"),
    ]
    assert Household.objects.count() == 0


def _xlsx_with_a_cut_sheet() -> bytes:
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ma_ho", "chu_ho"])
    for n in range(200):
        sheet.append([f"H{n}", "Lê Văn Tám"])
    whole = io.BytesIO()
    workbook.save(whole)
    cut = io.BytesIO()
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(cut, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            target.writestr(item, content)
    return cut.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"ma_ho,chu_ho\nH1," + b"x" * 200_000 + b"\n", "ho.csv", "Không đọc được tệp CSV"),
        (_xlsx_with_a_cut_sheet(), "ho.xlsx", "Không đọc được tệp Excel"),
    ],
)
def test_a_damaged_file_is_refused_with_a_message_not_an_error(village, data, filename, expected):
    with pytest.raises(ValidationError) as info:
        import_households(actor=SYSTEM, village=village, data=data, filename=filename)
    assert expected in info.value.messages[0]
    assert Household.objects.count() == 0
