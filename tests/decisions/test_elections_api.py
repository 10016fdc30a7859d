"""Elections, terms, dismissals and acting heads through /api/v1/, and who may take each step
on the web and through the API (a permission matrix over the personas of tests/matrix.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.decisions import elections
from danchu.decisions.models import ActingHead, Candidacy, Dismissal, Election, Term, TermSetting
from tests.conftest import client_for, make_user
from tests.decisions.conftest import TODAY, add_households
from tests.decisions.test_elections import create, elected, recognise, vote
from tests.matrix import ROLES, UNVERIFIED, api_headers, persona, web

API = "/api/v1"


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _send(method, path, payload, user):
    if method == "get":
        return client_for(None).get(path, **api_headers(user))
    return getattr(client_for(None), method)(
        path, json.dumps(payload), content_type="application/json", **api_headers(user)
    )


def _post(path, payload, user):
    return _send("post", path, payload, user)


def test_an_election_through_the_api(village, commune, resident):
    chair = make_user("chutich", Role.COMMUNE_CHAIR, commune)
    head = make_user("truongthon", Role.VILLAGE_HEAD, village)
    households = add_households(village, 4)
    a = households[0].representative
    meeting = TODAY + days(21)
    events = Event.objects.count()
    late = _post(
        f"{API}/units/{village.code}/elections",
        {"item": 4, "meeting_on": str(TODAY + days(19)), "decided_on": str(TODAY)},
        chair,
    )
    assert late.status_code == 422 and late.json()["code"] == "plan_too_late"
    assert "Điều 6" in late.json()["detail"] and not Election.objects.exists()
    assert (
        not Event.objects.filter(action__startswith="decisions.").exclude(pk__lte=events).exists()
    )
    bad_item = _post(
        f"{API}/units/{village.code}/elections",
        {"item": 6, "meeting_on": str(meeting), "decided_on": str(TODAY)},
        chair,
    )
    assert bad_item.status_code == 422 and bad_item.json()["code"] == "bad_item"
    created = _post(
        f"{API}/units/{village.code}/elections",
        {"item": 4, "meeting_on": str(meeting), "decided_on": str(TODAY), "decision_ref": "1/QĐ"},
        chair,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    eid = body["id"]
    assert body["office"] == "village_head" and body["status"] == "draft"
    assert [s["latest"] for s in body["steps"]][:3] == [
        str(meeting - days(20)),
        str(meeting - days(10)),
        str(meeting - days(7)),
    ]
    assert len(body["missing"]) == 3
    # Not announced: unseen by the public, seen by the Chair.
    assert client_for(None).get(f"{API}/elections/{eid}").status_code == 404
    assert client_for(None).get(f"{API}/units/{village.code}/elections").json() == []
    assert _send("get", f"{API}/elections/{eid}", None, chair).status_code == 200
    # The team: a leader; a member not of the village by id is refused.
    stranger = _post(
        f"{API}/elections/{eid}/team",
        {
            "decided_on": str(TODAY),
            "members": [{"full_name": "Lê Thị Mai", "role": "leader", "person_id": 99999}],
        },
        chair,
    )
    assert stranger.status_code == 422 and stranger.json()["code"] == "not_of_village"
    team = _post(
        f"{API}/elections/{eid}/team",
        {
            "decided_on": str(TODAY),
            "members": [
                {"full_name": "Lê Thị Mai", "role": "leader", "representing": "Ban CTMT"},
                {
                    "full_name": households[1].representative.full_name,
                    "person_id": households[1].representative.pk,
                },
            ],
        },
        chair,
    )
    assert team.status_code == 200 and len(team.json()["team"]) == 2
    # A team member may not stand.
    on_team = _post(
        f"{API}/elections/{eid}/candidates", {"person_id": households[1].representative.pk}, head
    )
    assert on_team.status_code == 422 and on_team.json()["code"] == "candidate_on_team"
    assert _post(f"{API}/elections/{eid}/candidates", {"person_id": a.pk}, head).status_code == 200
    assert (
        _post(f"{API}/elections/{eid}/candidates", {"person_id": a.pk, "source": "x"}, head).json()[
            "code"
        ]
        == "bad_source"
    )
    announced = _post(
        f"{API}/elections/{eid}/announcement", {"announced_on": str(TODAY), "how": "Loa"}, head
    )
    assert announced.status_code == 200 and announced.json()["missing"] == []
    public = client_for(None).get(f"{API}/elections/{eid}").json()
    assert public["candidates"][0]["person"]["full_name"] == a.full_name
    assert "phone" not in json.dumps(public)
    # Too early to open? The meeting is in 21 days: opening now is allowed by Art 6 (all steps
    # taken); the count then follows the decisions engine.
    assert _post(f"{API}/elections/{eid}/open", {}, head).status_code == 200
    election = Election.objects.get(pk=eid)
    vote(election.matter, 0)
    early = _post(f"{API}/elections/{eid}/term", {}, chair)
    assert early.status_code == 422 and early.json()["code"] == "not_recognised"
    recognise(election.matter)
    term = _post(f"{API}/elections/{eid}/term", {}, chair)
    assert term.status_code == 201, term.content
    assert term.json()["person"]["full_name"] == a.full_name
    offices = client_for(None).get(f"{API}/units/{village.code}/offices").json()
    assert offices["head"]["person"]["id"] == a.pk and offices["head"]["acting"] is False
    assert (
        client_for(None).get(f"{API}/units/{village.code}/terms").json()[0]["id"]
        == term.json()["id"]
    )


def test_dismissal_acting_head_and_commune_overview_through_the_api(village, commune):
    chair = make_user("chutich", Role.COMMUNE_CHAIR, commune)
    head = make_user("truongthon", Role.VILLAGE_HEAD, village)
    front = make_user("mattran", Role.FRONT_COMMITTEE, commune)
    term = elected(village)
    # The village head may not file the Front's proposal.
    proposal = {
        "grounds": "proposal",
        "submitted_on": str(TODAY),
        "reason": "Vi phạm quy chế",
        "submitted_by_name": "Lê Thị Mai, Trưởng ban công tác Mặt trận",
    }
    assert _post(f"{API}/terms/{term.pk}/dismissals", proposal, head).status_code == 403
    filed = _post(f"{API}/terms/{term.pk}/dismissals", proposal, front)
    assert filed.status_code == 201 and filed.json()["outcome"] == "pending"
    did = filed.json()["id"]
    again = _post(f"{API}/terms/{term.pk}/dismissals", proposal, front)
    assert again.status_code == 422
    assert _post(f"{API}/dismissals/{did}/vote", {}, head).status_code == 200
    dismissal = Dismissal.objects.get(pk=did)
    from danchu.decisions import services

    services.open_matter(actor=SYSTEM, matter=dismissal.matter, form="meeting")
    vote(dismissal.matter, 0)
    not_yet = _post(f"{API}/dismissals/{did}/conclusion", {}, chair)
    assert not_yet.status_code == 422 and not_yet.json()["code"] == "not_recognised"
    recognise(dismissal.matter)
    done = _post(f"{API}/dismissals/{did}/conclusion", {}, chair)
    assert done.status_code == 200
    assert done.json()["new_election_due_on"] == str(TODAY + days(60))
    overview = client_for(None).get(f"{API}/units/{commune.code}/village-heads").json()
    row = next(r for r in overview["villages"] if r["village"] == village.code)
    assert row["head"] is None and overview["overdue"] == []
    # An acting head: the Chair only, a person of the village, after the Front agreed.
    person = village.households.first().representative
    payload = {"person_id": person.pk, "appointed_on": str(TODAY), "front_agreed_on": str(TODAY)}
    assert _post(f"{API}/units/{village.code}/acting-heads", payload, head).status_code == 403
    outsider = dict(payload, person_id=999999)
    assert _post(f"{API}/units/{village.code}/acting-heads", outsider, chair).json()["code"] == (
        "not_of_village"
    )
    after = dict(payload, front_agreed_on=str(TODAY + days(1)))
    assert _post(f"{API}/units/{village.code}/acting-heads", after, chair).status_code == 422
    made = _post(f"{API}/units/{village.code}/acting-heads", payload, chair)
    assert made.status_code == 201 and ActingHead.objects.count() == 1
    offices = client_for(None).get(f"{API}/units/{village.code}/offices").json()
    assert offices["head"]["acting"] is True and offices["head"]["until"] is None


def test_term_extension_and_province_setting_through_the_api(village, commune, province, nation):
    chair = make_user("chutich", Role.COMMUNE_CHAIR, commune)
    admin = make_user("quantri", Role.ADMIN, nation)
    term = elected(village)
    new_end = term.ends_on + days(200)
    payload = {"decision_ref": "9/QĐ", "decided_on": str(TODAY), "new_end_on": str(new_end)}
    ok = _post(f"{API}/terms/{term.pk}/extensions", payload, chair)
    assert ok.status_code == 200 and ok.json()["ends_on"] == str(new_end)
    assert ok.json()["extensions"][0]["previous_end_on"] == str(term.ends_on)
    assert _post(f"{API}/terms/{term.pk}/extensions", payload, chair).json()["code"] == "not_later"
    assert (
        _send("put", f"{API}/units/{province.code}/term-setting", {"months": 30}, chair).status_code
        == 403
    )
    assert (
        _send("put", f"{API}/units/{province.code}/term-setting", {"months": 0}, admin).json()[
            "code"
        ]
        == "bad_months"
    )
    assert (
        _send("put", f"{API}/units/{commune.code}/term-setting", {"months": 30}, admin).json()[
            "code"
        ]
        == "not_province"
    )
    assert (
        _send("put", f"{API}/units/{province.code}/term-setting", {"months": 30}, admin).status_code
        == 200
    )
    assert TermSetting.objects.get().months == 30


def test_unknown_ids_are_404_not_500(db):
    for path in ("/elections/0", "/elections/9223372036854775808", "/dismissals/5"):
        assert client_for(None).get(f"{API}{path}").status_code in (404, 422)
    assert client_for(None).get(f"{API}/units/nope/offices").status_code == 404


def test_the_openapi_schema_documents_the_election_endpoints(db):
    paths = client_for(None).get(f"{API}/openapi.json").json()["paths"]
    for path in (
        "/api/v1/units/{code}/elections",
        "/api/v1/elections/{election_id}/team",
        "/api/v1/elections/{election_id}/term",
        "/api/v1/terms/{term_id}/dismissals",
        "/api/v1/dismissals/{dismissal_id}/conclusion",
        "/api/v1/units/{code}/acting-heads",
        "/api/v1/units/{code}/village-heads",
    ):
        assert path in paths


# --- permission matrix --------------------------------------------------------------------------

PERSONAS = ["anonymous", *ROLES]
WEB_PERSONAS = [*PERSONAS, UNVERIFIED]
# decisions.recognise_committee on the commune: its Chair and the admin (NĐ 59 Art 6, 8, 9).
CHAIR = frozenset({"commune_chair", "admin"})
# decisions.manage on the village.
VILLAGE_MANAGERS = frozenset({"village_head", "officer", "commune_chair", "admin"})
# decisions.front_agree: the Front's proposal to dismiss.
FRONT = frozenset({"front_member", "admin"})


def _web_expected(name, allowed):
    if name == "anonymous":
        return 302
    return 302 if name in allowed else 403


def _api_expected(name, allowed, ok):
    if name == "anonymous":
        return 401
    return ok if name in allowed else 403


def _meeting_data():
    return {"item": 4, "meeting_on": str(TODAY + days(30)), "decided_on": str(TODAY)}


@pytest.mark.parametrize("name", WEB_PERSONAS)
def test_matrix_web_create_village_head_election(name, matrix_units, village):
    user = persona(name, matrix_units)
    response = web(user).post(f"/u/{village.code}/elections/create/", _meeting_data())
    if name in VILLAGE_MANAGERS - CHAIR:
        assert response.status_code == 422  # their form offers a board seat only
    else:
        assert response.status_code == _web_expected(name, CHAIR)
    assert Election.objects.exists() == (name in CHAIR)


@pytest.mark.parametrize("name", PERSONAS)
def test_matrix_api_create_board_election(name, matrix_units, village):
    user = persona(name, matrix_units)
    response = _post(f"{API}/units/{village.code}/elections", dict(_meeting_data(), item=5), user)
    assert response.status_code == _api_expected(name, VILLAGE_MANAGERS, 201)
    assert Election.objects.exists() == (response.status_code == 201)


@pytest.mark.parametrize("name", WEB_PERSONAS)
def test_matrix_web_announce_and_add_candidate(name, matrix_units, village):
    election = create(village, meeting_on=TODAY + days(30), decided_on=TODAY)
    elections.appoint_election_team(
        actor=SYSTEM,
        election=election,
        decided_on=TODAY,
        members=[elections.TeamMemberInput("Lê Thị Mai", role="leader")],
    )
    user = persona(name, matrix_units)
    url = f"/u/{village.code}/elections/{election.pk}/"
    response = web(user).post(f"{url}announce/", {"announced_on": str(TODAY), "how": "Loa"})
    if name in VILLAGE_MANAGERS:
        assert response.status_code == 302
    elif name == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        # Not announced: those who neither manage nor organise do not see it at all.
        assert response.status_code in (403, 404)
    election.refresh_from_db()
    assert (election.announced_on is not None) == (name in VILLAGE_MANAGERS)
    person = add_households(village, 1)[0].representative
    response = web(user).post(f"{url}candidates/", {"person": person.pk, "source": "front"})
    assert Candidacy.objects.exists() == (name in VILLAGE_MANAGERS)
    if name not in VILLAGE_MANAGERS and name != "anonymous":
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("name", PERSONAS)
def test_matrix_api_term_and_extension(name, matrix_units, village):
    term = elected(village)
    user = persona(name, matrix_units)
    payload = {
        "decision_ref": "9/QĐ",
        "decided_on": str(TODAY),
        "new_end_on": str(term.ends_on + days(30)),
    }
    response = _post(f"{API}/terms/{term.pk}/extensions", payload, user)
    assert response.status_code == _api_expected(name, CHAIR, 200)
    assert term.extensions.exists() == (response.status_code == 200)


@pytest.mark.parametrize("name", WEB_PERSONAS)
def test_matrix_web_resignation_and_proposal(name, matrix_units, village):
    term = elected(village)
    user = persona(name, matrix_units)
    url = f"/u/{village.code}/terms/{term.pk}/dismissal/"
    data = {"submitted_on": str(TODAY), "reason": "Lý do", "submitted_by_name": "X"}
    resign = web(user).post(url, dict(data, grounds="resignation"))
    if name in VILLAGE_MANAGERS:
        assert resign.status_code == 302
    elif name in FRONT:
        assert resign.status_code == 422  # the Front's form offers only its proposal
    else:
        assert resign.status_code == _web_expected(name, VILLAGE_MANAGERS)
    Dismissal.objects.all().delete()
    propose = web(user).post(url, dict(data, grounds="proposal"))
    if name in FRONT:
        assert propose.status_code == 302
    elif name in VILLAGE_MANAGERS:
        assert propose.status_code == 422
    else:
        assert propose.status_code == _web_expected(name, FRONT)
    assert Dismissal.objects.exists() == (name in FRONT)


@pytest.mark.parametrize("name", PERSONAS)
def test_matrix_api_acting_head(name, matrix_units, village):
    person = add_households(village, 1)[0].representative
    user = persona(name, matrix_units)
    response = _post(
        f"{API}/units/{village.code}/acting-heads",
        {"person_id": person.pk, "appointed_on": str(TODAY), "front_agreed_on": str(TODAY)},
        user,
    )
    assert response.status_code == _api_expected(name, CHAIR, 201)
    assert ActingHead.objects.exists() == (response.status_code == 201)


@pytest.mark.parametrize("name", WEB_PERSONAS)
def test_matrix_web_start_term(name, matrix_units, village):
    add_households(village, 3)
    from tests.decisions.test_elections import prepared

    election = prepared(village)
    elections.open_election(actor=SYSTEM, election=election)
    recognise(vote(election.matter, 0))
    user = persona(name, matrix_units)
    response = web(user).post(f"/u/{village.code}/elections/{election.pk}/term/")
    assert response.status_code == _web_expected(name, CHAIR)
    assert Term.objects.exists() == (name in CHAIR)


def test_an_investment_board_election_on_the_web_and_through_the_api(village, village_head):
    data = {
        "item": 5,
        "office": "investment_board",
        "meeting_on": str(TODAY + days(20)),
        "decided_on": str(TODAY),
    }
    web_client = client_for(village_head)
    missing = web_client.post(f"/u/{village.code}/elections/create/", data)
    assert missing.status_code == 422 and "Điều 41" in missing.content.decode()
    made = web_client.post(
        f"/u/{village.code}/elections/create/",
        dict(data, project="Kênh tưới tiêu xứ Đồng Mới", project_ends_on=str(TODAY + days(300))),
    )
    assert made.status_code == 302
    election = Election.objects.get()
    assert (
        election.office == "investment_board" and election.project == "Kênh tưới tiêu xứ Đồng Mới"
    )
    api = _post(
        f"{API}/units/{village.code}/elections",
        dict(data, project="Nhà văn hóa thôn", project_ends_on=str(TODAY + days(200))),
        village_head,
    )
    assert api.status_code == 201 and api.json()["office"] == "investment_board"
    assert api.json()["project_ends_on"] == str(TODAY + days(200))
    bad = _post(f"{API}/units/{village.code}/elections", dict(data, office="x"), village_head)
    assert bad.status_code == 422 and bad.json()["code"] == "bad_office"
    assert (
        client_for(None).get(f"{API}/units/{village.code}/offices").json()["investment_boards"]
        == []
    )


def test_a_term_elected_on_paper_through_the_api(village, commune):
    chair = make_user("chutich", Role.COMMUNE_CHAIR, commune)
    head = make_user("truongthon", Role.VILLAGE_HEAD, village)
    person = add_households(village, 2)[0].representative
    payload = {
        "office": "village_head",
        "person_id": person.pk,
        "started_on": str(TODAY - days(700)),
        "ends_on": str(TODAY + days(400)),
        "basis": "QĐ 98/QĐ-UBND ngày 02/01/2025",
    }
    assert _post(f"{API}/units/{village.code}/terms", payload, head).status_code == 403
    outsider = _post(f"{API}/units/{village.code}/terms", dict(payload, person_id=999999), chair)
    assert outsider.json()["code"] == "not_of_village"
    bad = _post(f"{API}/units/{village.code}/terms", dict(payload, office="x"), chair)
    assert bad.json()["code"] == "bad_office"
    made = _post(f"{API}/units/{village.code}/terms", payload, chair)
    assert made.status_code == 201 and made.json()["election_id"] is None
    assert made.json()["basis"] == "QĐ 98/QĐ-UBND ngày 02/01/2025"
    taken = _post(f"{API}/units/{village.code}/terms", payload, chair)
    assert taken.json()["code"] == "office_taken"
    head_now = client_for(None).get(f"{API}/units/{village.code}/offices").json()["head"]
    assert head_now["person"]["id"] == person.pk and head_now["until"] == str(TODAY + days(400))
