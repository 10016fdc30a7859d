"""Photos proving a posting or an airing, added through the API after the record was made."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from danchu.accounts.permissions import SYSTEM
from danchu.accounts.services import create_token
from danchu.audit.models import Event
from danchu.disclosures import services
from danchu.disclosures.models import Attachment
from tests.conftest import client_for
from tests.disclosures.conftest import TODAY, make_notice

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user)}"}


@pytest.fixture
def records(commune, item):
    notice = make_notice(commune, item)
    posting = services.record_posting(
        actor=SYSTEM, notice=notice, started_on=TODAY, place_name="Nhà văn hóa thôn Đông Lỗ"
    )
    airing = services.record_airing(
        actor=SYSTEM,
        notice=notice,
        aired_at=timezone.make_aware(dt.datetime.combine(TODAY, dt.time(6, 30))),
        station="Đài truyền thanh xã",
    )
    return notice, posting, airing


def _post(url, headers, name="bang-tin.png", data=PNG):
    return client_for(None).post(url, {"file": SimpleUploadedFile(name, data)}, **headers)


def test_an_officer_adds_photos_to_a_posting_and_an_airing(records, officer):
    _notice, posting, airing = records
    headers = _bearer(officer)
    response = _post(f"/api/v1/postings/{posting.pk}/photos", headers)
    assert response.status_code == 201, response.content
    response = _post(f"/api/v1/airings/{airing.pk}/photos", headers, name="so-phat-thanh.png")
    assert response.status_code == 201
    assert Attachment.objects.filter(posting=posting).count() == 1
    assert Attachment.objects.filter(airing=airing).count() == 1
    assert Event.objects.filter(action="disclosures.evidence_added").count() == 2


def test_a_photo_that_is_not_an_image_or_a_stranger_changes_nothing(
    records, officer, outside_officer, resident
):
    _notice, posting, airing = records
    mine, theirs, residents = _bearer(officer), _bearer(outside_officer), _bearer(resident)
    before = (Attachment.objects.count(), Event.objects.count())
    refused = _post(f"/api/v1/postings/{posting.pk}/photos", mine, name="anh.png", data=PDF)
    assert refused.status_code == 422 and refused.json()["code"] == "bad_file_type"
    assert _post(f"/api/v1/airings/{airing.pk}/photos", {}).status_code == 401
    assert _post(f"/api/v1/airings/{airing.pk}/photos", residents).status_code == 403
    assert _post(f"/api/v1/postings/{posting.pk}/photos", theirs).status_code == 403
    assert _post("/api/v1/airings/999999/photos", mine).status_code == 404
    assert (Attachment.objects.count(), Event.objects.count()) == before
