"""The review as PDF and XLSX, opened back and compared with the API; the command; the web
build in the background with its progress."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from danchu.accounts.services import create_token
from danchu.core.errors import ValidationError
from danchu.steering import reports
from danchu.steering.models import ReportJob
from danchu.steering.periods import parse_period
from tests.conftest import client_for

from .conftest import TODAY, consultation, matter, notice, petition

D = dt.date
H2 = parse_period("2026H2")


@pytest.fixture
def recorded(commune, village, second_village):
    notice(commune, D(2026, 7, 10))
    notice(village, D(2026, 9, 1), late=True)
    notice(village, D(2026, 3, 1))
    matter(village, D(2026, 8, 20), roll=120, took_part=84)
    matter(second_village, D(2026, 9, 20), roll=80, took_part=30)
    matter(village, D(2026, 4, 1), roll=120, took_part=60)
    consultation(commune, D(2026, 9, 30), answered=True, opinions=4, answered_opinions=3)
    for day in (1, 2, 3):
        petition(village, D(2026, 8, day), category="dat-dai-gpmb", rating=5)
    petition(village, D(2026, 8, 4), late=True, rating=2)
    petition(village, D(2026, 3, 4), category="dat-dai-gpmb")


def _api(user):
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user=user)}")


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_and_xlsx_carry_the_api_figures(recorded, province, member):
    body = _api(member).get("/api/v1/steering/units/01/indicators?period=2026H2").json()
    data = reports.build(province, H2, TODAY)
    text = _pdf_text(reports.render_pdf(data))
    # Vietnamese with its diacritics, as printed.
    assert "BÁO CÁO SƠ KẾT THỰC HIỆN DÂN CHỦ Ở CƠ SỞ" in text
    assert "6 tháng cuối năm 2026" in text and "Xã Ứng Hòa" in text
    assert body["total"]["indicators"]["turnout"] == pytest.approx((84 + 30) / 200)
    assert "57,0%" in text  # turnout 114/200, as the API says
    on_time = body["total"]["indicators"]["petitions_on_time_share"]
    assert f"{on_time * 100:.1f}%".replace(".", ",") in text
    book = load_workbook(io.BytesIO(reports.render_xlsx(data)))
    assert {"Tổng hợp", "Kiểm tra", "Điểm nóng"} <= set(book.sheetnames)
    summary = {row[2]: row for row in book["Tổng hợp"].iter_rows(values_only=True) if row[2]}
    for key, value in body["total"]["indicators"].items():
        if value is None:
            continue
        assert summary[key][3] == pytest.approx(value, abs=1e-4), key
    previous = body["previous"]["indicators"]["petitions_received"]
    assert summary["petitions_received"][4] == previous == 1
    petitions_sheet = book["Dân kiểm tra"]
    rows = list(petitions_sheet.iter_rows(values_only=True))
    assert rows[-1][0] == "Thành phố Hà Nội" and rows[-1][1] == "Tổng"


def test_engines_without_records_print_not_yet_recorded(recorded, province):
    text = _pdf_text(reports.render_pdf(reports.build(province, H2, TODAY)))
    assert "Dân làm, dân thụ hưởng" in text
    assert "Chưa ghi nhận" in text


def test_the_command_writes_both_files(recorded, tmp_path, commune):
    call_command("report", unit="10402", period="2026H2", output=str(tmp_path), verbosity=0)
    pdf = tmp_path / "bao-cao-10402-2026H2.pdf"
    xlsx = tmp_path / "bao-cao-10402-2026H2.xlsx"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Thôn Đông Lỗ" in _pdf_text(pdf.read_bytes())
    sheet = load_workbook(xlsx)["Tổng hợp"]
    assert sheet["A1"].value == "Sơ kết 6 tháng cuối năm 2026 — Xã Ứng Hòa"


@pytest.mark.parametrize(
    ("unit", "period", "message"),
    [
        ("10402", "2026H3", "không hợp lệ"),
        ("10402", "2027H1", "chưa bắt đầu"),
        ("99999", "2026H1", ""),
    ],
)
def test_the_command_refuses_bad_input(commune, tmp_path, unit, period, message):
    with pytest.raises(CommandError) as error:
        call_command("report", unit=unit, period=period, output=str(tmp_path / "out"))
    assert message in str(error.value)
    assert not (tmp_path / "out").exists()


def test_a_web_build_runs_in_the_background_and_shows_progress(
    recorded, province, member, django_capture_on_commit_callbacks
):
    client = client_for(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/u/01/steering/reports/", {"period": "2026H2"})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == "done" and job.progress == 100
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Tải báo cáo PDF" in page
    pdf = client.get(f"/u/01/steering/reports/{job.pk}/pdf/")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    api = _api(member).get(f"/api/v1/steering/reports/{job.pk}").json()
    assert api["status"] == "done" and api["pdf_url"].endswith("/pdf/")


def test_progress_is_shown_while_queued(province, member):
    job = ReportJob.objects.create(
        unit=province, period="2026H2", progress=45, status="running", step="Xu hướng các kỳ"
    )
    page = client_for(member).get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert 'hx-trigger="every 2s"' in html and "45%" in html and "<html" not in html


def test_a_future_period_is_refused_on_the_web(province, member):
    response = client_for(member).post("/u/01/steering/reports/", {"period": "2027"})
    assert response.status_code == 303 and not ReportJob.objects.exists()


def test_a_rerun_job_is_skipped(province):
    job = ReportJob.objects.create(unit=province, period="2026H2", status="done")
    assert reports.run_job(job.pk) == "skipped"


def test_period_codes():
    assert parse_period("2026-05").start == D(2026, 5, 1)
    assert parse_period("2026Q4").end == D(2026, 12, 31)
    assert parse_period("2026-H1").code == "2026H1"
    assert parse_period("2026H1").previous().code == "2025H2"
    assert [p.code for p in parse_period("2026Q1").back(3)] == ["2025Q3", "2025Q4", "2026Q1"]
    for bad in ("2026H3", "2026-13", "26H1", "", "2026Q0"):
        with pytest.raises(ValidationError):
            parse_period(bad)
