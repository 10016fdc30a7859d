"""Publishing an opinion is the resident's explicit choice: never ticked for them, silence is
not consent, and the choice is kept in the audit log (PDP Law Art 9; NĐ 356/2025; R46)."""

from __future__ import annotations

import re

from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.consultations import codes, services
from danchu.consultations.models import Opinion
from tests.conftest import client_for

from .conftest import make_consultation


def test_the_publish_box_is_never_ticked_and_silence_keeps_an_opinion_private(commune, resident):
    consultation = make_consultation(commune)
    client = client_for(resident)
    page = client.get(consultation.get_absolute_url()).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="(is_public|show_name)"[^>]*>', page)
    assert boxes, "the draft page offers the choice"
    for box in re.findall(r'<input type="checkbox" name="is_public"[^>]*>', page):
        assert "checked" not in box

    client.post(f"{consultation.get_absolute_url()}comment/", {"text": "Ý kiến không tick."})
    quiet = Opinion.objects.get()
    assert not quiet.is_public
    public_page = client_for(None).get(consultation.get_absolute_url()).content.decode()
    assert "Ý kiến không tick." not in public_page

    services.submit_opinion(
        user=resident, consultation=consultation, text="Ý kiến công khai.", is_public=True
    )
    payloads = [
        e.payload for e in Event.objects.filter(action="consultations.opinion").order_by("seq")
    ]
    assert [(p["public"], p["show_name"]) for p in payloads] == [(False, False), (True, False)]


def test_an_opinion_sent_with_a_household_code_is_private_unless_chosen(commune, village):
    from tests.decisions.conftest import add_households

    add_households(village, 2)
    consultation = make_consultation(commune)
    codes.issue_codes(actor=SYSTEM, consultation=consultation)
    (_household, code), *_rest = codes.printed_codes(consultation)
    opinion = codes.submit_with_code(consultation=consultation, code=code, text="Ý kiến của hộ.")
    assert not opinion.is_public
    event = Event.objects.get(action="consultations.opinion_with_code")
    assert (event.payload["public"], event.payload["show_name"]) == (False, False)
