"""Reading household files (CSV or XLSX) with Vietnamese or English column headers.

Only reading and checking lives here; writing is `services.import_households`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter

from django.utils.translation import gettext as _

from danchu.core.vietnamese import fold
from danchu.people.models import CITIZEN_ID_RE, PHONE_RE, normalize_phone

# Header (folded, spaces as "_") -> field. Vietnamese first, English aliases after.
HEADER_ALIASES = {
    "ma_ho": "code",
    "ma_ho_gia_dinh": "code",
    "household_code": "code",
    "code": "code",
    "chu_ho": "representative",
    "ho_ten_chu_ho": "representative",
    "dai_dien_ho": "representative",
    "representative": "representative",
    "head": "representative",
    "head_of_household": "representative",
    "dia_chi": "address",
    "address": "address",
    "so_dien_thoai": "phone",
    "dien_thoai": "phone",
    "sdt": "phone",
    "phone": "phone",
    "so_thanh_vien": "member_count",
    "so_nhan_khau": "member_count",
    "members": "member_count",
    "member_count": "member_count",
    "nam_sinh": "birth_year",
    "nam_sinh_chu_ho": "birth_year",
    "birth_year": "birth_year",
    "so_dinh_danh": "citizen_id",
    "cccd": "citizen_id",
    "citizen_id": "citizen_id",
}
REQUIRED = ("code", "representative")
# The order in which a row's values are passed to _check_row.
FIELDS = (
    "code",
    "representative",
    "address",
    "phone",
    "member_count",
    "birth_year",
    "citizen_id",
)
FIELD_LABELS = {
    "code": "ma_ho",
    "representative": "chu_ho",
    "address": "dia_chi",
    "phone": "so_dien_thoai",
    "member_count": "so_thanh_vien",
    "birth_year": "nam_sinh",
    "citizen_id": "so_dinh_danh",
}
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]{0,31}$")
MAX_MEMBERS = 99
PLAIN_PHONE_RE = re.compile(r"0\d{9}")
# The usual spellings of counts and years, looked up instead of parsed.
_MEMBER_COUNTS = {str(n): n for n in range(1, MAX_MEMBERS + 1)}
_BIRTH_YEARS = {str(year): year for year in range(1900, 2101)}


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("Dòng %(line)d") % {"line": self.line}
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass(slots=True)
class HouseholdRow:
    line: int
    code: str
    representative: str
    address: str = ""
    phone: str = ""
    member_count: int = 1
    birth_year: int | None = None
    citizen_id: str = ""


@dataclass
class ParsedFile:
    rows: list[HouseholdRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class FileUnreadable(Exception):
    """The file as a whole cannot be read (wrong type, encoding, no header)."""


def normalize_header(raw: object) -> str:
    text = fold(str(raw or "")).strip()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _rows_from_csv(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        # Excel's "Unicode Text" export is UTF-16 with a byte-order mark.
        encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise FileUnreadable(
            _("Tệp CSV phải lưu bằng mã UTF-8 (trong Excel: Lưu thành › CSV UTF-8).")
        ) from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    else:
        # The sniffer finds doublequote only in a quoted field holding "" and no delimiter;
        # otherwise it guesses False and splits "Xóm 2, Thôn ""Đông""" wrongly. Every
        # spreadsheet writes a quote inside a quoted field as "".
        dialect.doublequote = True
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    line = 0
    try:
        for line, row in enumerate(reader, start=1):
            yield line, row
    except csv.Error as exc:  # e.g. a field longer than the csv module reads
        raise FileUnreadable(
            _("Không đọc được tệp CSV sau dòng %(line)d: %(error)s") % {"line": line, "error": exc}
        ) from None


def _rows_from_xlsx(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileUnreadable(
            _("Không đọc được tệp Excel (.xlsx): %(error)s") % {"error": exc}
        ) from None
    sheet = workbook.worksheets[0]
    index = 0
    try:
        for index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield index, ["" if v is None else _cell_text(v) for v in row]
    except (SyntaxError, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        # A sheet cut short or damaged: its XML does not parse (ParseError is a SyntaxError).
        raise FileUnreadable(
            _("Không đọc được tệp Excel (.xlsx) sau dòng %(line)d: %(error)s")
            % {"line": index, "error": exc}
        ) from None
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK"):
            raise FileUnreadable(_("Tệp có đuôi .xlsx nhưng không phải tệp Excel."))
        return _rows_from_xlsx(data)
    if name.endswith((".csv", ".txt")):
        is_utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
        if data.startswith(b"PK") or (b"\x00" in data[:1024] and not is_utf16):
            raise FileUnreadable(_("Tệp có đuôi .csv nhưng không phải văn bản CSV."))
        return _rows_from_csv(data)
    raise FileUnreadable(_("Chỉ nhận tệp .csv hoặc .xlsx."))


def parse_households(data: bytes, filename: str) -> ParsedFile:
    """Check every row and collect every problem; nothing is written here."""
    parsed = ParsedFile()
    rows = read_rows(data, filename)
    header_line, columns = _find_header(rows)
    take_values = _value_getter(columns)
    seen: dict[str, int] = {}
    for line, cells in rows:
        if not "".join(cells).strip():
            continue
        row = _check_row(line, *take_values(cells), parsed.errors)
        if row is None:
            continue
        first = seen.setdefault(row.code, line)
        if first != line:
            parsed.errors.append(
                RowError(
                    line,
                    "ma_ho",
                    _("mã hộ “%(code)s” trùng với dòng %(first)d.")
                    % {"code": row.code, "first": first},
                )
            )
            continue
        parsed.rows.append(row)
    if not parsed.rows and not parsed.errors:
        raise FileUnreadable(_("Tệp chỉ có dòng tiêu đề, không có hộ nào."))
    return parsed


def _value_getter(columns: dict[str, int]) -> Callable[[list[str]], tuple[str, ...]]:
    """cells -> the stripped text of each field in FIELDS order ("" when absent)."""
    width = max(columns.values()) + 1
    padding = [""] * width
    # An absent field reads the empty cell appended after the row's last one.
    pick = itemgetter(*(columns.get(name, -1) for name in FIELDS))

    def take_values(cells: list[str]) -> tuple[str, ...]:
        if len(cells) < width:
            cells = cells + padding[len(cells) :]
        cells.append("")
        return tuple(map(str.strip, pick(cells)))

    return take_values


def _find_header(rows: Iterator[tuple[int, list[str]]]) -> tuple[int, dict[str, int]]:
    """The header is the first of the top rows that names ma_ho and chu_ho (a title may precede it)."""
    first_line = None
    checked = 0
    for line, cells in rows:
        if not any(str(c).strip() for c in cells):
            continue
        first_line = first_line or line
        columns: dict[str, int] = {}
        for index, cell in enumerate(cells):
            fieldname = HEADER_ALIASES.get(normalize_header(cell))
            if fieldname and fieldname not in columns:
                columns[fieldname] = index
        if all(f in columns for f in REQUIRED):
            return line, columns
        checked += 1
        if checked >= 5:
            break
    if first_line is None:
        raise FileUnreadable(_("Tệp trống."))
    raise FileUnreadable(
        _(
            "Không tìm thấy dòng tiêu đề có các cột ma_ho (mã hộ) và chu_ho (chủ hộ); có thể thêm "
            "dia_chi, so_dien_thoai, so_thanh_vien."
        )
    )


def _check_row(
    line: int,
    code: str,
    representative: str,
    address: str,
    raw_phone: str,
    raw_members: str,
    raw_year: str,
    raw_citizen_id: str,
    errors: list[RowError],
) -> HouseholdRow | None:
    """One row's values, or None after adding its problems to `errors`.

    Called once per row of files with up to a million rows: the common shapes of each
    value take a shortcut (a dictionary or one regex) that gives the same result as the
    general rule after it.
    """
    problems: list[RowError] = []
    if not code:
        problems.append(RowError(line, "ma_ho", _("thiếu mã hộ.")))
    elif not CODE_RE.match(code):
        problems.append(
            RowError(
                line,
                "ma_ho",
                _("mã hộ “%(code)s” chỉ được gồm chữ không dấu, số, dấu . / - (tối đa 32 ký tự).")
                % {"code": code},
            )
        )
    name = " ".join(representative.split())
    if not name:
        problems.append(RowError(line, "chu_ho", _("thiếu họ tên chủ hộ.")))
    elif len(name) > 200 or any(map(str.isdigit, name)):
        problems.append(
            RowError(
                line, "chu_ho", _("họ tên chủ hộ “%(name)s” không hợp lệ.") % {"name": name[:60]}
            )
        )
    address = " ".join(address.split())
    if len(address) > 300:
        problems.append(RowError(line, "dia_chi", _("địa chỉ dài quá 300 ký tự.")))
    phone = _check_phone(line, raw_phone, problems)
    members = _MEMBER_COUNTS.get(raw_members) or _check_members(line, raw_members, problems)
    birth_year = _BIRTH_YEARS.get(raw_year) if raw_year else None
    if raw_year and birth_year is None:
        birth_year = _check_birth_year(line, raw_year, problems)
    citizen_id = raw_citizen_id.replace(" ", "")
    if citizen_id and (not CITIZEN_ID_RE.match(citizen_id) or not 1 <= int(citizen_id[:3]) <= 96):
        problems.append(
            RowError(
                line,
                "so_dinh_danh",
                _("số định danh cá nhân phải gồm 12 chữ số, bắt đầu bằng mã tỉnh."),
            )
        )
    if problems:
        errors.extend(problems)
        return None
    return HouseholdRow(line, code, name, address, phone, members, birth_year, citizen_id)


def _check_phone(line: int, raw: str, problems: list[RowError]) -> str:
    # A plain ten-digit number is what normalize_phone would return unchanged.
    if not raw or PLAIN_PHONE_RE.fullmatch(raw):
        return raw
    phone = normalize_phone(raw)
    if phone and not PHONE_RE.match(phone):
        problems.append(
            RowError(
                line,
                "so_dien_thoai",
                _("số điện thoại “%(value)s” không hợp lệ (cần 10 chữ số, bắt đầu bằng 0).")
                % {"value": raw},
            )
        )
    return phone


def _check_members(line: int, raw: str, problems: list[RowError]) -> int:
    """The member count written any other way than "1"…"99": "" means 1, "4.0" means 4."""
    if not raw:
        return 1
    try:
        members = int(float(raw))
        if raw not in (str(members), f"{members}.0"):
            raise ValueError
    except (ValueError, OverflowError):  # "abc", "inf", "1e400"
        members = 0
    if not 1 <= members <= MAX_MEMBERS:
        problems.append(
            RowError(
                line,
                "so_thanh_vien",
                _("số thành viên “%(value)s” phải là số nguyên từ 1 đến %(max)d.")
                % {"value": raw, "max": MAX_MEMBERS},
            )
        )
    return members


def _check_birth_year(line: int, raw: str, problems: list[RowError]) -> int:
    # int() also reads "1_980" and Arabic-Indic digits as 1980: a roll holds neither.
    try:
        birth_year = int(raw) if raw.isascii() and "_" not in raw else 0
    except ValueError:
        birth_year = 0
    if not 1900 <= birth_year <= 2100:
        problems.append(
            RowError(line, "nam_sinh", _("năm sinh “%(value)s” không hợp lệ.") % {"value": raw})
        )
    return birth_year
