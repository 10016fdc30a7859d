"""A draft uploaded as DOCX or PDF is read and split into numbered sections for the officer to
check before it is saved; bad files are refused with the reason; explanatory documents are
attached and read back."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader, PdfWriter

from danchu.accounts.permissions import SYSTEM
from danchu.consultations import drafts, services
from danchu.consultations.models import Attachment, Consultation
from danchu.core.errors import ValidationError
from danchu.core.pdf import html_to_pdf
from tests.conftest import client_for
from tests.consultations.conftest import make_consultation

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONVENTION = [
    "HƯƠNG ƯỚC THÔN ĐÔNG LỖ",
    "Chương I",
    "QUY ĐỊNH CHUNG",
    "Điều 1. Phạm vi điều chỉnh",
    "Hương ước này quy định việc giữ gìn an ninh, trật tự ở thôn Đông Lỗ.",
    "Điều 2. Đối tượng áp dụng",
    "Mọi hộ gia đình và người dân sinh sống trong thôn.",
    "Chương II",
    "NẾP SỐNG VĂN HÓA",
    "Mục 1. Việc cưới",
    "Điều 3. Tổ chức việc cưới",
    "Việc cưới tổ chức trang trọng, tiết kiệm, không kéo dài quá một ngày.",
]


def docx(paragraphs: list[str]) -> bytes:
    """A minimal but real DOCX, as Word writes one."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{p}</w:t></w:r></w:p>' for p in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def pdf(paragraphs: list[str]) -> bytes:
    return html_to_pdf(
        '<html><body style="font-family: DejaVu Sans">'
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</body></html>"
    )


def test_a_docx_draft_splits_at_chapters_sections_and_articles():
    text = drafts.read_draft("huong-uoc.docx", docx(CONVENTION))
    headings = [h for h, _body in drafts.preview_sections(text)]
    assert headings == [
        "",
        "Chương I",
        "Điều 1. Phạm vi điều chỉnh",
        "Điều 2. Đối tượng áp dụng",
        "Chương II",
        "Mục 1. Việc cưới",
        "Điều 3. Tổ chức việc cưới",
    ]
    body = dict(drafts.preview_sections(text))["Điều 3. Tổ chức việc cưới"]
    assert "không kéo dài quá một ngày" in body


def test_a_pdf_draft_splits_the_same_way():
    text = drafts.read_draft("huong-uoc.pdf", pdf(CONVENTION))
    headings = [h for h, _body in drafts.preview_sections(text) if h.startswith("Điều")]
    assert headings == [
        "Điều 1. Phạm vi điều chỉnh",
        "Điều 2. Đối tượng áp dụng",
        "Điều 3. Tổ chức việc cưới",
    ]


def test_numbered_paragraphs_are_sections_when_there_are_no_articles():
    text = drafts.read_draft(
        "ke-hoach.docx",
        docx(
            [
                "Kế hoạch làm đường liên thôn",
                "1. Mỗi hộ đóng góp 200.000 đồng.",
                "2. Thời gian thi công từ tháng 3 đến tháng 6.",
                "3. Ban giám sát đầu tư của cộng đồng theo dõi.",
            ]
        ),
    )
    sections = drafts.preview_sections(text)
    assert [b for _h, b in sections][1:] == [
        "1. Mỗi hộ đóng góp 200.000 đồng.",
        "2. Thời gian thi công từ tháng 3 đến tháng 6.",
        "3. Ban giám sát đầu tư của cộng đồng theo dõi.",
    ]


def _encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(["Điều 1. Bí mật"]))))
    writer.encrypt(user_password="matkhau", owner_password="chu")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _scanned_pdf() -> bytes:
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    import base64

    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    return html_to_pdf(f'<html><body><img src="{uri}" style="width:150mm"></body></html>')


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("du-thao.docx", b"", "empty_file"),
        ("du-thao.txt", "Điều 1. Văn bản thường".encode(), "bad_file_type"),
        ("du-thao.pdf", docx(CONVENTION), "bad_file_type"),
        ("du-thao.docx", b"PK\x03\x04 not really a zip", "bad_file_type"),
        ("du-thao.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old_or_encrypted_word"),
        ("du-thao.pdf", _encrypted_pdf(), "encrypted_file"),
        ("du-thao.pdf", _scanned_pdf(), "no_text"),
        ("du-thao.docx", docx([]), "no_text"),
        ("du-thao.pdf", b"%PDF-1.7 broken", "unreadable_file"),
        ("du-thao.pdf", b"%PDF-" + b"x" * (10 * 1024 * 1024), "file_too_large"),
    ],
)
def test_bad_draft_files_are_refused_with_the_reason(name, data, reason):
    with pytest.raises(ValidationError) as info:
        drafts.read_draft(name, data)
    assert info.value.code == reason


def test_a_docx_with_a_dtd_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]>'
            f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    with pytest.raises(ValidationError) as info:
        drafts.read_draft("bom.docx", buffer.getvalue())
    assert info.value.code == "unreadable_file"


# --- the officer's screen: upload, check the split, then save -------------------------------


def _form(**extra):
    return {
        "item": "7",
        "title": "Dự thảo Hương ước thôn Đông Lỗ",
        "forms": ["portal", "meeting"],
        "opens_on": "2026-11-27",
        "closes_on": "2026-12-27",
        **extra,
    }


def test_the_officer_uploads_a_docx_checks_the_split_then_saves(village, village_head):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(village_head)
    url = f"/u/{village.code}/consultations/create/"
    upload = SimpleUploadedFile("huong-uoc.docx", docx(CONVENTION))
    review = client.post(url, _form(draft_file=upload))
    assert review.status_code == 200
    html = review.content.decode()
    assert "Dự thảo được chia thành 7 mục" in html
    assert "Điều 3. Tổ chức việc cưới" in html
    assert not Consultation.objects.exists()  # nothing saved before the officer checks it
    text = review.context["form"].data["draft_text"]
    saved = client.post(url, _form(draft_text=text))
    assert saved.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.sections.count() == 7
    assert consultation.sections.get(number=7).heading == "Điều 3. Tổ chức việc cưới"


def test_a_bad_upload_comes_back_with_the_reason_and_saves_nothing(village, village_head):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(village_head)
    upload = SimpleUploadedFile("anh-chup.pdf", _scanned_pdf())
    response = client.post(f"/u/{village.code}/consultations/create/", _form(draft_file=upload))
    assert response.status_code == 422
    assert "không có chữ đọc được" in response.content.decode()
    assert not Consultation.objects.exists()


# --- explanatory documents --------------------------------------------------------------------


def test_documents_are_attached_and_read_back(village, village_head, resident):
    from django.core.files.uploadedfile import SimpleUploadedFile

    consultation = make_consultation(village)
    url = f"/u/{village.code}/consultations/{consultation.pk}/"
    sent = client_for(village_head).post(
        url + "attach/",
        {
            "title": "Tờ trình dự thảo hương ước",
            "file": SimpleUploadedFile("to-trinh.pdf", pdf(["Tờ trình số 12/TTr-TĐL"])),
        },
    )
    assert sent.status_code == 302
    attachment = Attachment.objects.get()
    page = client_for(resident).get(url).content.decode()
    assert "Tờ trình dự thảo hương ước" in page
    response = client_for(resident).get(url + f"documents/{attachment.pk}/")
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert "Tờ trình số 12/TTr-TĐL" in PdfReader(io.BytesIO(body)).pages[0].extract_text()


def test_bad_documents_are_refused(village, village_head, resident):
    from django.core.files.uploadedfile import SimpleUploadedFile

    consultation = make_consultation(village)
    url = f"/u/{village.code}/consultations/{consultation.pk}/attach/"
    wrong = client_for(village_head).post(
        url, {"title": "Bảng so sánh", "file": SimpleUploadedFile("so-sanh.exe", b"MZ\x90\x00")}
    )
    assert wrong.status_code == 422
    assert "không đúng loại" in wrong.content.decode()
    refused = client_for(resident).post(
        url, {"title": "Tài liệu", "file": SimpleUploadedFile("a.pdf", pdf(["a"]))}
    )
    assert refused.status_code in (403, 404)
    with pytest.raises(ValidationError) as info:
        drafts.attach_document(
            actor=SYSTEM, consultation=consultation, title=" ", name="a.pdf", data=pdf(["a"])
        )
    assert info.value.code == "no_title"
    assert not Attachment.objects.exists()


def test_a_draft_consultations_documents_stay_with_its_managers(village, village_head, resident):
    consultation = make_consultation(village, open_it=False)
    attachment = drafts.attach_document(
        actor=SYSTEM,
        consultation=consultation,
        title="Thuyết minh",
        name="thuyet-minh.docx",
        data=docx(["Thuyết minh dự thảo"]),
    )
    url = f"/u/{village.code}/consultations/{consultation.pk}/documents/{attachment.pk}/"
    assert client_for(resident).get(url).status_code == 404
    assert client_for(village_head).get(url).status_code == 200
    assert services.split_into_sections("") == []
