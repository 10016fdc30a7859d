"""Publishing a petition's text is the filer's explicit choice: never ticked for them, silence
is not consent, and the choice is kept in the audit log (PDP Law Art 9; NĐ 356/2025; R46)."""

from __future__ import annotations

import re

from danchu.audit.models import Event
from danchu.petitions import services
from danchu.petitions.models import Petition
from tests.conftest import client_for

FIELDS = {
    "kind": "feedback",
    "category": "ha-tang",
    "title": "Cống thoát nước xóm 2 bị tắc",
    "text": "Cống đầu xóm 2 tắc từ tuần trước, nước tràn vào ngõ nhà bà Tư.",
    "filer_name": "Trần Thị Mai",
}


def test_the_form_never_ticks_publishing_and_silence_keeps_the_text_private(village):
    client = client_for(None)
    form = client.get(f"/u/{village.code}/petitions/new/").content.decode()
    (box,) = re.findall(r'<input type="checkbox" name="is_public"[^>]*>', form)
    assert "checked" not in box

    response = client.post(f"/u/{village.code}/petitions/new/", FIELDS)
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert not petition.is_public
    public = client_for(None).get(f"/p/{petition.code}/").content.decode()
    assert "nhà bà Tư" not in public


def test_the_api_and_the_service_keep_the_text_private_unless_asked(village):
    from django.test import Client

    response = Client().post(
        "/api/v1/petitions",
        {**FIELDS, "unit": village.code},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert not Petition.objects.get().is_public
    chosen = services.file_petition(
        actor=None, unit=village, is_public=True, **{**FIELDS, "title": "Đèn đường hỏng"}
    ).petition
    assert chosen.is_public
    payloads = [e.payload for e in Event.objects.filter(action="petitions.filed").order_by("seq")]
    assert [p["text_public"] for p in payloads] == [False, True]
