"""Documents put before the households with a matter (a plan, an estimate, a map): attached by
whoever manages the matter while it is prepared or open, public with the matter, never changed
after the count."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danchu.accounts.permissions import SYSTEM
from danchu.accounts.services import create_token
from danchu.audit.models import Event
from danchu.core.errors import ValidationError
from danchu.core.pdf import html_to_pdf
from danchu.decisions import services
from danchu.decisions.models import MatterDocument
from tests.conftest import client_for
from tests.decisions.conftest import add_households, open_matter


def _pdf() -> bytes:
    return html_to_pdf("<h1>Dự toán kinh phí làm đường bê tông xóm 3</h1><p>450.000.000 đồng</p>")


def _draft(village):
    add_households(village, 3)
    return services.create_matter(
        actor=SYSTEM, unit=village, item=6, title="Làm đường bê tông xóm 3", kind="decision"
    )


def _upload(name: str, data: bytes, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_the_village_head_attaches_an_estimate_that_everyone_reads_once_open(village, village_head):
    matter = _draft(village)
    head = client_for(village_head)
    data = _pdf()
    response = head.post(
        f"/u/{village.code}/matters/{matter.pk}/attach/",
        {"title": "Dự toán kinh phí", "file": _upload("du-toan.pdf", data)},
    )
    assert response.status_code == 302
    document = MatterDocument.objects.get()
    assert (document.title, document.original_name, document.size) == (
        "Dự toán kinh phí",
        "du-toan.pdf",
        len(data),
    )
    event = Event.objects.get(action="decisions.document_attached")
    assert event.payload["sha256"] == document.sha256
    assert "Dự toán kinh phí" in head.get(matter.get_absolute_url()).content.decode()
    # A draft is not public, nor its documents.
    anonymous = client_for(None)
    assert anonymous.get(document.get_absolute_url()).status_code == 404
    services.open_matter(actor=SYSTEM, matter=matter, form="meeting")
    page = anonymous.get(matter.get_absolute_url()).content.decode()
    assert "Dự toán kinh phí" in page and document.get_absolute_url() in page
    assert 'enctype="multipart/form-data"' not in page  # no upload form for a resident
    download = anonymous.get(document.get_absolute_url())
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == data


def test_bad_documents_are_refused_and_nothing_is_written(village, village_head, resident):
    matter = _draft(village)
    url = f"/u/{village.code}/matters/{matter.pk}/attach/"
    head = client_for(village_head)
    cases = [
        ({"title": "", "file": _upload("a.pdf", _pdf())}, "Tên tài liệu"),
        (
            {"title": "Bản đồ", "file": _upload("ban-do.pdf", b"not a pdf at all")},
            "không đúng loại",
        ),
        ({"title": "Bản đồ", "file": _upload("ban-do.png", _pdf())}, "không đúng loại"),
        ({"title": "Bản đồ"}, "Tệp"),
    ]
    for data, message in cases:
        response = head.post(url, data, follow=True)
        assert message in response.content.decode(), data
    # A resident does not even see a draft.
    assert (
        client_for(resident).post(url, {"title": "X", "file": _upload("a.pdf", _pdf())}).status_code
        == 404
    )
    with pytest.raises(ValidationError) as info:
        services.attach_document(actor=SYSTEM, matter=matter, title="  ", name="a.pdf", data=_pdf())
    assert info.value.code == "title_required"
    assert not MatterDocument.objects.exists()
    assert not Event.objects.filter(action="decisions.document_attached").exists()


def test_nothing_is_added_after_the_count(village):
    matter = open_matter(village, form="meeting", households=3)
    services.attach_document(
        actor=SYSTEM, matter=matter, title="Bản đồ tuyến", name="ban-do.pdf", data=_pdf()
    )
    matter.status = matter.Status.CLOSED
    matter.save(update_fields=["status"])
    with pytest.raises(ValidationError) as info:
        services.attach_document(
            actor=SYSTEM, matter=matter, title="Bổ sung", name="bo-sung.pdf", data=_pdf()
        )
    assert info.value.code == "matter_closed"
    assert MatterDocument.objects.count() == 1


def test_the_api_attaches_and_lists_documents(village, village_head, resident):
    matter = _draft(village)
    url = f"/api/v1/matters/{matter.pk}/documents"
    client = client_for(None)
    head = {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=village_head)}"}
    other = {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=resident)}"}
    pdf = _pdf()
    created = client.post(url, {"title": "Dự toán", "file": _upload("du-toan.pdf", pdf)}, **head)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["title"], body["size"], body["content_type"]) == (
        "Dự toán",
        len(pdf),
        "application/pdf",
    )
    detail = client.get(f"/api/v1/matters/{matter.pk}", **head).json()
    assert [d["title"] for d in detail["documents"]] == ["Dự toán"]
    bad = client.post(
        url, {"title": "Ảnh", "file": _upload("anh.jpg", b"\x89PNG\r\n\x1a\nxx")}, **head
    )
    assert bad.status_code == 422 and bad.json()["code"] == "bad_file_type"
    assert (
        client.post(url, {"title": "X", "file": _upload("du-toan.pdf", pdf)}, **other).status_code
        == 403
    )
    assert client.post(url, {"title": "X", "file": _upload("du-toan.pdf", pdf)}).status_code == 401
    assert MatterDocument.objects.count() == 1
