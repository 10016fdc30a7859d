"""Commenting with a household's printed code, without an account: the codes cannot be guessed
nor used for another household or another consultation; wrong codes are throttled; the
opinion is recorded for the household with its channel; the name stays private unless chosen;
the household reads the answer with its code."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.cache import cache
from pypdf import PdfReader

from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.consultations import codes, services
from danchu.consultations.models import HOUSEHOLD_CODE, HouseholdCode, Opinion
from danchu.consultations.printing import household_codes_pdf
from danchu.core.errors import ValidationError
from danchu.decisions.services import ballot_code
from tests.conftest import client_for
from tests.consultations.conftest import make_consultation
from tests.decisions.conftest import add_households


@pytest.fixture(autouse=True)
def clear_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def households(village):
    households = add_households(village, 3)
    households[0].representative.full_name = "Trần Thị Hoa"
    households[0].representative.save()
    return households


@pytest.fixture
def consultation(village, households):
    consultation = make_consultation(village)
    codes.issue_codes(actor=SYSTEM, consultation=consultation)
    return consultation


def _url(consultation, tail=""):
    return f"/u/{consultation.unit.code}/consultations/{consultation.pk}/{tail}"


def test_each_household_gets_its_own_code_and_only_a_hash_is_stored(consultation, households):
    stored = HouseholdCode.objects.filter(consultation=consultation)
    assert stored.count() == 3
    printed = {h.pk: code for h, code in codes.printed_codes(consultation)}
    assert len(set(printed.values())) == 3
    for household in households:
        code = printed[household.pk]
        assert len(code) == 11 and code[5] == "-"
        assert not stored.filter(code_hash__icontains=code.replace("-", "")).exists()
        # Not the household's ballot code for a matter with the same number.
        assert code != ballot_code(consultation.pk, household.pk)
    # Issuing again adds nothing: the printed sheet stays valid.
    assert codes.issue_codes(actor=SYSTEM, consultation=consultation) == 0
    assert Event.objects.filter(action="consultations.codes_issued").count() == 1


def test_a_code_belongs_to_one_household_and_one_consultation(consultation, village, households):
    code = codes.household_code(consultation.pk, households[1].pk)
    assert codes.find_household(consultation, code, "10.0.0.1") == households[1]
    # Typed in lower case, without the dash, with O for 0: the same code.
    sloppy = code.lower().replace("-", "").replace("0", "o")
    assert codes.find_household(consultation, sloppy, "10.0.0.1") == households[1]
    other = make_consultation(village)
    codes.issue_codes(actor=SYSTEM, consultation=other)
    with pytest.raises(ValidationError) as info:
        codes.find_household(other, code, "10.0.0.1")
    assert info.value.code == "bad_code"


def test_an_opinion_with_a_code_is_the_households_and_private_by_name(consultation, households):
    code = codes.household_code(consultation.pk, households[0].pk)
    opinion = codes.submit_with_code(
        is_public=True,
        consultation=consultation,
        code=code,
        text="Đề nghị làm rõ Điều 3.",
        section_number=3,
    )
    assert opinion.channel == HOUSEHOLD_CODE
    assert opinion.household == households[0]
    assert opinion.author is None
    assert opinion.author_name == "Trần Thị Hoa"
    assert opinion.public_name == ""
    assert opinion.get_channel_display() == "Trực tuyến bằng mã hộ gia đình"
    event = Event.objects.get(action="consultations.opinion_with_code")
    assert event.payload["household"] == households[0].pk
    html = client_for(None).get(_url(consultation)).content.decode()
    assert "Đề nghị làm rõ Điều 3." in html
    assert "Trần Thị Hoa" not in html
    named = codes.submit_with_code(
        is_public=True, consultation=consultation, code=code, text="Tôi đồng ý.", show_name=True
    )
    assert named.public_name == "Trần Thị Hoa"


@pytest.mark.parametrize(
    ("text", "section", "reason"),
    [
        ("", None, "empty_opinion"),
        ("x" * 4001, None, "opinion_too_long"),
        ("Ý kiến", 9, "bad_section"),
    ],
)
def test_bad_opinions_with_a_code_are_refused(consultation, households, text, section, reason):
    code = codes.household_code(consultation.pk, households[0].pk)
    with pytest.raises(ValidationError) as info:
        codes.submit_with_code(
            is_public=True, consultation=consultation, code=code, text=text, section_number=section
        )
    assert info.value.code == reason
    assert not Opinion.objects.exists()


def test_no_comment_with_a_code_after_closing(consultation, households):
    code = codes.household_code(consultation.pk, households[0].pk)
    after = dt.datetime(2026, 12, 12, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(after, tick=False), pytest.raises(ValidationError) as info:
        codes.submit_with_code(is_public=True, consultation=consultation, code=code, text="Muộn")
    assert info.value.code == "not_accepting"
    assert not Opinion.objects.exists()


def test_wrong_codes_are_throttled_per_address(consultation, households):
    for _i in range(codes.BAD_CODE_LIMIT):
        with pytest.raises(ValidationError) as info:
            codes.find_household(consultation, "AAAAA-AAAAA", "10.0.0.9")
        assert info.value.code == "bad_code"
    good = codes.household_code(consultation.pk, households[0].pk)
    with pytest.raises(ValidationError) as info:
        codes.find_household(consultation, good, "10.0.0.9")
    assert info.value.code == "too_many_attempts"
    assert codes.find_household(consultation, good, "10.0.0.10") == households[0]


def test_a_dissolved_household_code_no_longer_works(consultation, households):
    code = codes.household_code(consultation.pk, households[2].pk)
    households[2].dissolved_on = dt.date(2026, 11, 20)
    households[2].save()
    with pytest.raises(ValidationError) as info:
        codes.find_household(consultation, code, None)
    assert info.value.code == "bad_code"


def test_codes_need_a_roll_and_a_manager(village, resident):
    consultation = make_consultation(village)
    with pytest.raises(ValidationError) as info:
        codes.issue_codes(actor=SYSTEM, consultation=consultation)
    assert info.value.code == "no_households"
    add_households(village, 1)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        codes.issue_codes(actor=resident, consultation=consultation)
    assert not HouseholdCode.objects.exists()


def test_a_commune_consultation_covers_every_village(commune, village, other_village):
    add_households(village, 2)
    add_households(other_village, 2, start=10)
    consultation = make_consultation(commune)
    assert codes.issue_codes(actor=SYSTEM, consultation=consultation) == 4


def test_a_commune_prints_one_sheet_per_village(commune, village, other_village, officer):
    add_households(village, 2)
    add_households(other_village, 2, start=10)
    consultation = make_consultation(commune)
    codes.issue_codes(actor=SYSTEM, consultation=consultation)
    client = client_for(officer)
    page = client.get(_url(consultation)).content.decode()
    for v in (village, other_village):
        assert f"codes.pdf?village={v.code}" in page
    response = client.get(_url(consultation, f"codes.pdf?village={other_village.code}"))
    assert response.status_code == 200 and other_village.code in response["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    printed = dict(codes.printed_codes(consultation, village=other_village))
    assert len(printed) == 2
    assert all(code in text for code in printed.values())
    assert village.name not in text and other_village.name in text
    assert client.get(_url(consultation, "codes.pdf?village=10402-99")).status_code == 404
    assert client.get(_url(consultation, "codes.pdf")).status_code == 404  # one village at a time


def test_the_printed_sheet_holds_each_household_and_its_code(consultation, households):
    reader = PdfReader(io.BytesIO(household_codes_pdf(consultation)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "MÃ GÓP Ý CỦA HỘ GIA ĐÌNH" in text
    for household, code in codes.printed_codes(consultation):
        assert code in text
        assert f"Hộ {household.code}" in text
    assert "Trần Thị Hoa" in text


# --- the web pages -------------------------------------------------------------------------


def test_a_household_comments_section_by_section_and_reads_the_answer(consultation, households):
    client = client_for(None)
    assert (
        f'consultations/{consultation.pk}/household/"'
        in client.get(_url(consultation)).content.decode()
    )
    page = client.get(_url(consultation, "household/"))
    assert page.status_code == 200
    assert "Mã góp ý của hộ" in page.content.decode()
    # A wrong code: 422 with the reason, nothing remembered
    wrong = client.post(_url(consultation, "household/"), {"code": "ABCDE-FGHJK"})
    assert wrong.status_code == 422
    assert "Mã hộ không đúng" in wrong.content.decode()
    code = codes.household_code(consultation.pk, households[0].pk)
    entered = client.post(_url(consultation, "household/"), {"code": code})
    assert entered.status_code == 302
    page = client.get(_url(consultation, "household/")).content.decode()
    assert "Trần Thị Hoa" in page
    assert 'id="s3"' in page
    # A comment on section 3
    sent = client.post(
        _url(consultation, "household/comment/"),
        {"section": "3", "text": "Niêm yết thêm ở nhà văn hóa thôn.", "is_public": "on"},
    )
    assert sent.status_code == 302 and sent["Location"].endswith("#s3")
    opinion = Opinion.objects.get()
    assert (opinion.section.number, opinion.household, opinion.channel) == (
        3,
        households[0],
        HOUSEHOLD_CODE,
    )
    # An empty one: 422, nothing written
    empty = client.post(_url(consultation, "household/comment/"), {"section": "3", "text": " "})
    assert empty.status_code == 422
    assert Opinion.objects.count() == 1
    # After the closing day, the officer answers and publishes; the household reads it
    with time_machine.travel(dt.datetime(2026, 12, 12, 9, 0, tzinfo=dt.UTC), tick=False):
        group = services.create_group(
            actor=SYSTEM, consultation=consultation, title="Nơi niêm yết", opinion_ids=[opinion.pk]
        )
        services.answer_group(
            actor=SYSTEM, group=group, answer="accepted", reason="Niêm yết tại 12 nhà văn hóa."
        )
        services.publish_synthesis(actor=SYSTEM, consultation=consultation)
        # (two weeks on, the session has expired: the household types its code again)
        client.post(_url(consultation, "household/"), {"code": code})
        page = client.get(_url(consultation, "household/")).content.decode()
        assert "Niêm yết tại 12 nhà văn hóa." in page
        assert "Gửi ý kiến" not in page
        late = client.post(
            _url(consultation, "household/comment/"), {"section": "3", "text": "Thêm ý"}
        )
        assert late.status_code == 422
        assert Opinion.objects.count() == 1
    # Leaving forgets the code on this browser
    client.post(_url(consultation, "household/leave/"))
    assert "Trần Thị Hoa" not in client.get(_url(consultation, "household/")).content.decode()


def test_another_households_opinions_are_not_shown(consultation, households):
    first = codes.household_code(consultation.pk, households[0].pk)
    codes.submit_with_code(
        consultation=consultation, code=first, text="Ý kiến riêng của hộ 1", is_public=False
    )
    client = client_for(None)
    second = codes.household_code(consultation.pk, households[1].pk)
    client.post(_url(consultation, "household/"), {"code": second})
    page = client.get(_url(consultation, "household/")).content.decode()
    assert "Ý kiến riêng của hộ 1" not in page


def test_only_managers_issue_and_print_codes(consultation, resident, officer):
    for user in (None, resident):
        client = client_for(user)
        assert client.post(_url(consultation, "codes/")).status_code in (302, 403, 404)
        response = client.get(_url(consultation, "codes.pdf"))
        assert response.status_code in (302, 403, 404)
        assert response.get("Content-Type") != "application/pdf"
    response = client_for(officer).get(_url(consultation, "codes.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"


def test_a_household_comments_through_the_api_without_an_account(consultation, households):
    import json

    url = f"/api/v1/consultations/{consultation.pk}/household-opinions"
    code = codes.household_code(consultation.pk, households[1].pk)
    client = client_for(None)
    sent = client.post(
        url,
        json.dumps({"code": code, "text": "Đồng ý với Điều 2.", "section": 2}),
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["channel"]["code"] == HOUSEHOLD_CODE
    assert Opinion.objects.get().household == households[1]
    wrong = client.post(
        url,
        json.dumps({"code": "ABCDE-FGHJK", "text": "Giả mạo"}),
        content_type="application/json",
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "bad_code"
    assert Opinion.objects.count() == 1
