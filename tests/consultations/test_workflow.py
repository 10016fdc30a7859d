"""The convention's cycle and the dialogue conference on the web and through /api/v1/: each
step calls its service; each refused step is a 422 with the reason and writes nothing; who may
take each step (a permission matrix over the personas of tests/matrix.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.consultations import conventions, dialogue
from danchu.consultations.models import (
    Consultation,
    Convention,
    ConventionVersion,
    DialogueConference,
    DialogueRequest,
)
from tests.conftest import client_for, make_user
from tests.consultations.test_conventions import TEXT, adopted, new_convention, on, submitted
from tests.matrix import ROLES, UNVERIFIED, api_headers, persona, web

API = "/api/v1"


def _manage(village):
    return f"/u/{village.code}/convention/manage/"


def _step(village, step):
    return f"/u/{village.code}/convention/steps/{step}/"


# --- convention, web --------------------------------------------------------------------------


def test_the_village_head_drafts_and_posts_on_the_web_and_29_days_is_refused(village, village_head):
    client = client_for(village_head)
    page = client.get(_manage(village))
    assert page.status_code == 200
    assert "Soạn dự thảo đầu tiên" in page.content.decode()
    created = client.post(_step(village, "create"), {"title": "huong_uoc", "text": TEXT})
    assert created.status_code == 302
    version = Convention.objects.get(village=village).versions.get()
    assert version.stage == ConventionVersion.Stage.DRAFT
    events = Event.objects.count()
    short = client.post(
        _step(village, "post"),
        {"posted_on": "2026-11-27", "place": "Nhà văn hóa thôn", "posting_days": "29"},
    )
    assert short.status_code == 422
    assert "30 ngày" in short.content.decode()
    version.refresh_from_db()
    assert version.stage == ConventionVersion.Stage.DRAFT
    assert not Consultation.objects.exists()
    assert Event.objects.count() == events
    ok = client.post(
        _step(village, "post"),
        {"posted_on": "2026-11-27", "place": "Nhà văn hóa thôn", "posting_days": "30"},
    )
    assert ok.status_code == 302
    version.refresh_from_db()
    assert version.stage == ConventionVersion.Stage.POSTED
    assert version.consultation is not None
    page = client.get(_manage(village)).content.decode()
    assert "27/12/2026" in page  # posted through 27 December


def test_a_dossier_missing_a_signature_is_refused_on_the_web(village, village_head):
    _convention, version = adopted(village, dt.date(2027, 1, 6))
    day = "2027-01-07"
    data = {
        "request_dated": day,
        "request_text": "Đề nghị UBND xã công nhận hương ước thôn Đông Lỗ.",
        "village_head_name": "Trần Văn Nam",
        "village_head_on": day,
        "front_head_name": "Lê Thị Hoa",
        "front_head_on": day,
        "household_1_name": "Nguyễn Văn Cả",
        "household_1_on": day,
        "household_2_name": "Nguyễn Văn Cả",  # the same person twice
        "household_2_on": day,
        "sent_on": day,
    }
    with on(dt.date(2027, 1, 7)):
        refused = client_for(village_head).post(_step(village, "dossier"), data)
        assert refused.status_code == 422
        version.refresh_from_db()
        assert version.stage == ConventionVersion.Stage.ADOPTED
        data["household_2_name"] = "Phạm Thị Tư"
        sent = client_for(village_head).post(_step(village, "dossier"), data)
    assert sent.status_code == 302
    version.refresh_from_db()
    assert version.stage == ConventionVersion.Stage.SUBMITTED


def test_the_commune_chair_recognises_on_the_web_and_the_village_head_may_not(
    village, commune, village_head
):
    chair = make_user("chu_tich", Role.COMMUNE_CHAIR, commune)
    _convention, version = submitted(village, dt.date(2027, 1, 6), dt.date(2027, 1, 6))
    with on(dt.date(2027, 1, 8)):
        assert (
            client_for(village_head)
            .post(_step(village, "receive"), {"received_on": "2027-01-06"})
            .status_code
            == 403
        )
        client = client_for(chair)
        assert "UBND xã: công nhận" in client.get(_manage(village)).content.decode()
        received = client.post(_step(village, "receive"), {"received_on": "2027-01-06"})
        assert received.status_code == 302
        no_number = client.post(
            _step(village, "recognise"), {"recognise": "1", "decided_on": "2027-01-08"}
        )
        assert no_number.status_code == 422
        done = client.post(
            _step(village, "recognise"),
            {"recognise": "1", "decided_on": "2027-01-08", "decision_number": "12/QĐ-UBND"},
        )
    assert done.status_code == 302
    version.refresh_from_db()
    assert version.stage == ConventionVersion.Stage.RECOGNISED
    assert conventions.version_in_force(version.convention, dt.date(2027, 1, 8)) == version


def test_a_step_without_a_convention_is_refused_not_a_crash(village, village_head):
    response = client_for(village_head).post(
        _step(village, "amend"), {"text": TEXT, "note": "Sửa Điều 2"}
    )
    assert response.status_code == 422
    assert "chưa có hương ước" in response.content.decode()
    assert client_for(village_head).post(_step(village, "nope"), {}).status_code == 404


# --- convention, API --------------------------------------------------------------------------


def _post(client, url, data, user):
    return client.post(url, json.dumps(data), content_type="application/json", **api_headers(user))


def test_the_convention_through_the_api(village, village_head, resident):
    client = client_for(None)
    url = f"{API}/units/{village.code}/convention"
    assert client.get(url).status_code == 404
    created = _post(client, url, {"title": "huong_uoc", "text": TEXT}, village_head)
    assert created.status_code == 201, created.content
    # A draft not yet posted is not shown to residents
    assert client.get(url).json()["current_cycle"] is None
    short = _post(
        client,
        url + "/posting",
        {"posted_on": "2026-11-27", "place": "Nhà văn hóa", "posting_days": 29},
        village_head,
    )
    assert short.status_code == 422
    assert "30" in short.json()["detail"]
    assert not Consultation.objects.exists()
    posted = _post(
        client, url + "/posting", {"posted_on": "2026-11-27", "place": "Nhà văn hóa"}, village_head
    )
    assert posted.status_code == 200
    body = client.get(url).json()
    assert body["current_cycle"]["stage"] == "posted"
    assert body["current_cycle"]["posted_until"] == "2026-12-27"
    early_vote = _post(client, url + "/vote", {}, village_head)
    assert early_vote.status_code == 422
    assert _post(client, url + "/vote", {}, resident).status_code == 403
    assert _post(client, url + "/vote", {}, None).status_code == 401
    refusal = _post(
        client,
        url + "/recognition",
        {"recognise": True, "decided_on": "2026-11-27", "decision_number": "1/QĐ"},
        village_head,
    )
    assert refusal.status_code == 403


def test_the_openapi_schema_documents_the_new_endpoints(db):
    schema = client_for(None).get(f"{API}/openapi.json").json()
    for path in (
        "/units/{code}/convention",
        "/units/{code}/convention/posting",
        "/units/{code}/convention/dossier",
        "/units/{code}/convention/recognition",
        "/units/{code}/dialogue",
        "/units/{code}/dialogue/conferences/{conference_id}/announce",
        "/consultations/{consultation_id}/household-opinions",
    ):
        assert f"/api/v1{path}" in schema["paths"], path


# --- dialogue ---------------------------------------------------------------------------------


def test_residents_ask_on_the_web_and_the_requests_are_counted(commune, village, resident, officer):
    dialogue.set_voter_count(actor=SYSTEM, commune=commune, year=2026, voters=10)
    url = f"/u/{commune.code}/dialogue/"
    page = client_for(None).get(url).content.decode()
    assert "/ 1 yêu cầu cần có" in page
    asked = client_for(resident).post(url + "request/")
    assert asked.status_code == 302
    again = client_for(resident).post(url + "request/")
    assert again.status_code == 422
    assert DialogueRequest.objects.count() == 1
    page = client_for(None).get(url).content.decode()
    assert "Đã đủ 10% cử tri yêu cầu" in page


def test_the_officer_plans_announces_holds_and_publishes_on_the_web(commune, officer):
    client = client_for(officer)
    url = f"/u/{commune.code}/dialogue/steps/"
    planned = client.post(
        url + "plan/",
        {
            "held_on": "2026-12-08",
            "place": "Hội trường UBND xã Ứng Hòa",
            "reason": "yearly",
            "content": "Đối thoại về làm đường liên thôn",
            "how_to_attend": "Trực tiếp tại hội trường",
            "forms": ["in_person"],
        },
    )
    assert planned.status_code == 302
    conference = DialogueConference.objects.get()
    with on(dt.date(2026, 12, 2)):
        late = client.post(
            url + "announce/", {"conference": conference.pk, "announced_on": "2026-12-02"}
        )
        assert late.status_code == 422
        assert "7 ngày" in late.content.decode()
        conference.refresh_from_db()
        assert conference.announced_on is None
    with on(dt.date(2026, 12, 1)):
        ok = client.post(
            url + "announce/", {"conference": conference.pk, "announced_on": "2026-12-01"}
        )
    assert ok.status_code == 302
    conference.refresh_from_db()
    assert conference.announced_on == dt.date(2026, 12, 1)
    assert (
        "Đối thoại về làm đường"
        in client_for(None).get(f"/u/{commune.code}/dialogue/").content.decode()
    )


def test_the_dialogue_through_the_api(commune, village, resident, officer):
    client = client_for(None)
    url = f"{API}/units/{commune.code}/dialogue"
    assert _post(client, url + "/voters", {"year": 2026, "voters": 10}, resident).status_code == 403
    set_ = _post(client, url + "/voters", {"year": 2026, "voters": 10}, officer)
    assert set_.status_code == 200
    assert set_.json()["tally"]["needed"] == 1
    asked = _post(client, url + "/requests", {}, resident)
    assert asked.status_code == 201
    assert asked.json() == {"year": 2026, "requests": 1, "voters": 10, "needed": 1, "reached": True}
    plan = {
        "held_on": "2026-12-08",
        "place": "Hội trường UBND xã",
        "reason": "request",
        "content": "Đối thoại theo yêu cầu của cử tri",
        "how_to_attend": "Trực tiếp",
        "forms": ["in_person"],
    }
    planned = _post(client, url + "/conferences", plan, officer)
    assert planned.status_code == 201, planned.content
    conference_id = planned.json()["id"]
    # Not announced yet: residents do not see it
    assert client.get(url).json()["conferences"] == []
    with on(dt.date(2026, 12, 2)):
        late = _post(
            client,
            f"{url}/conferences/{conference_id}/announce",
            {"announced_on": "2026-12-02"},
            officer,
        )
    assert late.status_code == 422
    assert DialogueConference.objects.get().announced_on is None
    assert client.get(url + "/conferences/99/announce").status_code in (404, 405)


# --- permission matrix --------------------------------------------------------------------------

PERSONAS = ["anonymous", *ROLES]
WEB_PERSONAS = [*PERSONAS, UNVERIFIED]
# consultations.manage on the village: its head, the commune's officers and chair, the admin.
VILLAGE_MANAGERS = frozenset({"village_head", "officer", "commune_chair", "admin"})
# consultations.manage on the commune: the village head holds it on the village only.
COMMUNE_MANAGERS = frozenset({"officer", "commune_chair", "admin"})


def _expected_web(name: str, allowed: frozenset) -> set[int]:
    if name == "anonymous":
        return {302}  # to the sign-in page
    if name in allowed:
        return {302}
    return {403}


@pytest.mark.parametrize("name", WEB_PERSONAS)
def test_matrix_web_convention_create(name, matrix_units, village):
    user = persona(name, matrix_units)
    response = web(user).post(_step(village, "create"), {"title": "huong_uoc", "text": TEXT})
    assert response.status_code in _expected_web(name, VILLAGE_MANAGERS)
    assert Convention.objects.exists() == (name in VILLAGE_MANAGERS)
    if response.status_code == 302 and name == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", PERSONAS)
def test_matrix_api_convention_create(name, matrix_units, village):
    user = persona(name, matrix_units)
    response = _post(
        client_for(None),
        f"{API}/units/{village.code}/convention",
        {"title": "huong_uoc", "text": TEXT},
        user,
    )
    expected = 401 if user is None else (201 if name in VILLAGE_MANAGERS else 403)
    assert response.status_code == expected
    assert Convention.objects.exists() == (expected == 201)


@pytest.mark.parametrize("name", WEB_PERSONAS)
def test_matrix_web_convention_posting(name, matrix_units, village):
    new_convention(village)
    user = persona(name, matrix_units)
    response = web(user).post(
        _step(village, "post"), {"posted_on": "2026-11-27", "place": "Nhà văn hóa thôn"}
    )
    assert response.status_code in _expected_web(name, VILLAGE_MANAGERS)
    assert Consultation.objects.exists() == (name in VILLAGE_MANAGERS)


@pytest.mark.parametrize("name", PERSONAS)
def test_matrix_api_convention_receipt(name, matrix_units, village):
    """Receiving the dossier is the commune chair's (decisions.recognise_committee)."""
    _convention, version = submitted(village, dt.date(2027, 1, 6), dt.date(2027, 1, 6))
    user = persona(name, matrix_units)
    with on(dt.date(2027, 1, 7)):
        response = _post(
            client_for(None),
            f"{API}/units/{village.code}/convention/receipt",
            {"received_on": "2027-01-06"},
            user,
        )
    chairs = {"commune_chair", "admin"}
    expected = 401 if user is None else (200 if name in chairs else 403)
    assert response.status_code == expected, response.content
    version.matter.refresh_from_db()
    assert (version.matter.received_on is not None) == (expected == 200)


@pytest.mark.parametrize("name", WEB_PERSONAS)
def test_matrix_web_dialogue_plan(name, matrix_units, commune):
    user = persona(name, matrix_units)
    response = web(user).post(
        f"/u/{commune.code}/dialogue/steps/plan/",
        {
            "held_on": "2026-12-08",
            "place": "Hội trường",
            "reason": "yearly",
            "content": "Đối thoại",
            "how_to_attend": "Trực tiếp",
            "forms": ["in_person"],
        },
    )
    assert response.status_code in _expected_web(name, COMMUNE_MANAGERS)
    assert DialogueConference.objects.exists() == (name in COMMUNE_MANAGERS)


@pytest.mark.parametrize("name", PERSONAS)
def test_matrix_api_dialogue_voters(name, matrix_units, commune):
    user = persona(name, matrix_units)
    response = _post(
        client_for(None),
        f"{API}/units/{commune.code}/dialogue/voters",
        {"year": 2026, "voters": 1000},
        user,
    )
    expected = 401 if user is None else (200 if name in COMMUNE_MANAGERS else 403)
    assert response.status_code == expected


@pytest.mark.parametrize("name", WEB_PERSONAS)
def test_matrix_web_household_codes(name, matrix_units, village):
    from tests.consultations.conftest import make_consultation
    from tests.decisions.conftest import add_households

    add_households(village, 2)
    consultation = make_consultation(village)
    user = persona(name, matrix_units)
    response = web(user).post(f"/u/{village.code}/consultations/{consultation.pk}/codes/")
    assert response.status_code in ({302} if name in VILLAGE_MANAGERS or user is None else {403})
    assert consultation.household_codes.exists() == (name in VILLAGE_MANAGERS)
