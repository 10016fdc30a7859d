"""Dân bàn over the JSON API: ballots and meetings end to end, permissions, secrecy, errors."""

import datetime as dt
import json

import pytest
import time_machine

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.accounts.services import create_token
from danchu.audit.models import Event
from danchu.decisions import services
from danchu.decisions.models import Matter, Participation, VoteConflict
from danchu.people.models import Person
from tests.conftest import client_for, make_user
from tests.decisions.conftest import TODAY, add_households, codes_of, open_matter


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user)}"}


@pytest.fixture
def api():
    return client_for(None)


def _post(api, url, data=None, headers=None):
    return api.post(url, data or {}, content_type="application/json", **(headers or {}))


def _printed_codes(matter):
    """The ballot codes printed for the matter, in household order (H0001 first)."""
    codes = codes_of(matter)
    return [codes[pk] for pk in sorted(codes)]


def _option_ids(body):
    return [option["id"] for option in body["options"]]


def _held_meeting(api, headers, matter_id, codes, *, method="hands", board=None):
    """A meeting with these households present and its method (and board) approved."""
    session = _post(
        api,
        f"/api/v1/matters/{matter_id}/sessions",
        {"held_on": str(TODAY), "chair_name": "Nguyễn Văn Thành"},
        headers,
    )
    assert session.status_code == 201
    session_id = session.json()["id"]
    response = _post(
        api, f"/api/v1/sessions/{session_id}/attendance", {"household_codes": codes}, headers
    )
    assert response.status_code == 200
    majority = len(codes) // 2 + 1
    questions = ["method"] + (["counting_board"] if board else [])
    for question in questions:
        response = _post(
            api,
            f"/api/v1/sessions/{session_id}/procedural-votes",
            {"question": question, "in_favour": majority},
            headers,
        )
        assert response.status_code == 201 and response.json()["passed"]
    details = {"method": method} | ({"counting_board": board} if board else {})
    response = _post(api, f"/api/v1/sessions/{session_id}/details", details, headers)
    return session_id, response


# --- full cycles --------------------------------------------------------------------------


def test_ballot_cycle_with_printed_codes_and_no_account(api, village, village_head):
    add_households(village, 5)
    front = make_user("ban_ctmt", Role.FRONT_COMMITTEE, village)
    head, front_headers = _bearer(village_head), _bearer(front)
    created = _post(
        api,
        f"/api/v1/units/{village.code}/matters",
        {"item": 6, "title": "Quỹ khuyến học của thôn", "description": "Mỗi hộ 50.000 đồng/năm"},
        head,
    )
    assert created.status_code == 201
    matter_id = created.json()["id"]
    assert (created.json()["status"], created.json()["form"]) == ("draft", "")
    assert _post(
        api, f"/api/v1/matters/{matter_id}/agreements", {"who": "head", "on": str(TODAY)}, head
    ).json()["head_agreed_on"] == str(TODAY)
    response = _post(
        api,
        f"/api/v1/matters/{matter_id}/agreements",
        {"who": "front", "on": str(TODAY)},
        front_headers,
    )
    assert response.json()["front_agreed_on"] == str(TODAY)
    too_far = _post(
        api,
        f"/api/v1/matters/{matter_id}/open",
        {"form": "ballot", "collection_ends_on": "9999-12-31"},
        head,
    )
    assert too_far.status_code == 422 and too_far.json()["code"] == "collection_too_far"
    assert Matter.objects.get(pk=matter_id).status == "draft"
    opened = _post(
        api,
        f"/api/v1/matters/{matter_id}/open",
        {"form": "ballot", "collection_ends_on": str(TODAY)},
        head,
    )
    assert opened.status_code == 200
    assert (opened.json()["status"], opened.json()["roll_size"]) == ("open", 5)
    yes, no = _option_ids(opened.json())
    codes = _printed_codes(Matter.objects.get(pk=matter_id))

    # With only the two agreements of NĐ 59 Art 4(1)(c) the ballot goes out on paper: voting
    # over the internet also needs the community's choice and the report to the commune (Art 5).
    refused = _post(api, "/api/v1/ballots/vote", {"code": codes[0], "option_id": yes})
    assert refused.status_code == 422 and refused.json()["code"] == "online_not_allowed"
    assert "Điều 5 Nghị định 59/2023" in refused.json()["detail"]
    assert not Matter.objects.get(pk=matter_id).participations.exists()
    for who in ("community", "commune_report"):
        response = _post(
            api, f"/api/v1/matters/{matter_id}/agreements", {"who": who, "on": str(TODAY)}, head
        )
        assert response.status_code == 200, response.json()
    for code in codes[:3]:  # households vote from home, no token
        response = _post(api, "/api/v1/ballots/vote", {"code": code, "option_id": yes})
        assert response.status_code == 201
        assert response.json() == {
            "matter": matter_id,
            "title": "Quỹ khuyến học của thôn",
            "option": "Đồng ý",
            "channel": "online",
        }
    second = _post(api, "/api/v1/ballots/vote", {"code": codes[0], "option_id": no})
    assert second.status_code == 422
    assert second.json()["code"] == "already_voted"
    assert "mỗi hộ chỉ một phiếu (Điều 18 Luật 10/2022)" in second.json()["detail"]
    assert VoteConflict.objects.filter(matter_id=matter_id).count() == 1

    public = api.get(f"/api/v1/matters/{matter_id}").json()
    assert (public["participation"], public["result"]) == (3, None)
    assert public["item_label"] == "Công việc tự quản khác trong cộng đồng"

    closed = _post(api, f"/api/v1/matters/{matter_id}/close", headers=head)
    assert closed.status_code == 200
    body = closed.json()
    assert body["status"] == "closed" and body["adopted"] is True
    assert body["participation"] is None
    assert body["result"] == {
        "roll_size": 5,
        "present": 0,
        "participated": 3,
        "votes": {"Đồng ý": 3, "Không đồng ý": 0},
        "adopted": True,
        "winner": "Đồng ý",
        "rule": "Quá 50% tổng số hộ trong danh sách (5 hộ) tán thành",
        "article": "Điều 21 khoản 1 Luật 10/2022/QH15",
        "attendance_ok": None,
    }
    # NĐ 59 Art 4(7): 05 working days after the collection ends (Fri 27 Nov 2026).
    assert body["send_due_on"] == "2026-12-04"
    assert body["recognition"] == {
        "by": None,
        "received_on": None,
        "due_on": None,
        "recognised_on": None,
        "refused_on": None,
        "refusal_reason": "",
        "effective": True,
    }
    late = _post(api, "/api/v1/ballots/vote", {"code": codes[4], "option_id": yes})
    assert (late.status_code, late.json()["code"]) == (422, "not_open")
    sent = _post(api, f"/api/v1/matters/{matter_id}/send-to-commune", {"sent_on": str(TODAY)}, head)
    assert sent.json()["sent_to_commune_on"] == str(TODAY)
    listed = api.get(f"/api/v1/units/{village.parent.code}/matters", {"status": "closed"}).json()
    assert [m["id"] for m in listed["items"]] == [matter_id]


def test_meeting_cycle_with_attendance_by_household_codes(api, village, officer):
    households = add_households(village, 10)
    headers = _bearer(officer)
    created = _post(
        api,
        f"/api/v1/units/{village.code}/matters",
        {"item": 1, "title": "Đóng góp làm đường bê tông", "options": ["Tán thành", "Không"]},
        headers,
    )
    matter_id = created.json()["id"]
    yes, no = _option_ids(created.json())
    opened = _post(api, f"/api/v1/matters/{matter_id}/open", {"form": "meeting"}, headers)
    assert (opened.json()["form"], opened.json()["send_due_on"]) == ("meeting", None)
    session = _post(
        api,
        f"/api/v1/matters/{matter_id}/sessions",
        {"held_on": str(TODAY), "chair_name": "Nguyễn Văn Thành"},
        headers,
    ).json()
    assert (session["name"], session["present"]) == ("Cuộc họp toàn thôn", 0)
    attendance = f"/api/v1/sessions/{session['id']}/attendance"

    unknown = _post(api, attendance, {"household_codes": ["H0001", "H9999", "X-1"]}, headers)
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_households"
    assert unknown.json()["unknown_codes"] == ["H9999", "X-1"]
    assert "H9999, X-1" in unknown.json()["detail"]
    assert Participation.objects.count() == 0

    codes = [h.code for h in households]
    response = _post(api, attendance, {"household_codes": codes[:5]}, headers)
    assert response.json() == {"added": 5, "present": 5}
    response = _post(api, attendance, {"household_codes": codes[3:7]}, headers)
    assert response.json() == {"added": 2, "present": 7}

    vote = _post(
        api,
        f"/api/v1/sessions/{session['id']}/procedural-votes",
        {"question": "method", "in_favour": 3},
        headers,
    ).json()
    assert (vote["present"], vote["passed"]) == (7, False)  # 3 of 7 present
    refused = _post(api, f"/api/v1/sessions/{session['id']}/details", {"method": "hands"}, headers)
    assert refused.json()["code"] == "method_not_approved"
    _post(
        api,
        f"/api/v1/sessions/{session['id']}/procedural-votes",
        {"question": "method", "in_favour": 4},
        headers,
    )
    details = _post(api, f"/api/v1/sessions/{session['id']}/details", {"method": "hands"}, headers)
    assert details.json()["method"] == "hands"

    too_many = _post(
        api, f"/api/v1/sessions/{session['id']}/counts", {"counts": {yes: 6, no: 2}}, headers
    )
    assert (too_many.status_code, too_many.json()["code"]) == (422, "more_votes_than_present")
    counted = _post(
        api, f"/api/v1/sessions/{session['id']}/counts", {"counts": {yes: 6, no: 1}}, headers
    )
    assert counted.status_code == 200
    assert counted.json()["counts"] == {str(yes): 6, str(no): 1}
    assert counted.json()["counted"] is True
    shown = api.get(f"/api/v1/sessions/{session['id']}", **headers).json()
    assert [(v["question"], v["passed"]) for v in shown["procedural_votes"]] == [
        ("method", False),
        ("method", True),
    ]

    result = _post(api, f"/api/v1/matters/{matter_id}/close", headers=headers).json()["result"]
    assert (result["roll_size"], result["present"], result["votes"]) == (
        10,
        7,
        {"Tán thành": 6, "Không": 1},
    )
    assert (result["adopted"], result["article"]) == (True, "Điều 21 khoản 1 Luật 10/2022/QH15")


def test_failed_convention_meeting_falls_back_to_ballots(api, village, officer):
    matter = open_matter(village, item=3, households=10)
    headers = _bearer(officer)
    codes = list(matter.roll.order_by("household__code").values_list("household__code", flat=True))
    session_id, _ = _held_meeting(api, headers, matter.pk, codes[:5])
    fallback = f"/api/v1/matters/{matter.pk}/fallback-to-ballot"
    days = {"collection_ends_on": str(TODAY + dt.timedelta(days=5))}
    # Those present keep their meeting vote and get no ballot: it is counted first.
    uncounted = _post(api, fallback, days, headers)
    assert uncounted.status_code == 422 and uncounted.json()["code"] == "sessions_uncounted"
    first = matter.options.first().pk
    _post(api, f"/api/v1/sessions/{session_id}/counts", {"counts": {first: 5}}, headers)
    response = _post(api, fallback, days, headers)
    assert response.json() == {"ballots_issued": 5, "collection_ends_on": "2026-12-02"}
    detail = api.get(f"/api/v1/matters/{matter.pk}").json()
    assert detail["ballot_fallback"] is True
    assert detail["send_due_on"] == "2026-12-09"


def test_recognition_through_the_api(api, village, commune, officer, resident, outside_officer):
    matter = open_matter(village, item=4, households=3)
    headers = _bearer(officer)
    codes = list(matter.roll.values_list("household__code", flat=True))
    session_id, _ = _held_meeting(api, headers, matter.pk, codes)
    first = matter.options.first().pk
    _post(api, f"/api/v1/sessions/{session_id}/counts", {"counts": {first: 3}}, headers)
    closed = _post(api, f"/api/v1/matters/{matter.pk}/close", headers=headers).json()
    assert closed["kind"] == "decision"  # a dismissal of the village head (NĐ 59 Art 9)
    assert closed["result"]["article"] == "Điều 21 khoản 1 Luật 10/2022/QH15"
    assert closed["recognition"]["by"] == "committee"
    assert closed["recognition"]["effective"] is False

    chair = _bearer(make_user("chu_tich", Role.COMMUNE_CHAIR, commune))
    refused = _post(
        api,
        f"/api/v1/matters/{matter.pk}/receive-for-recognition",
        {"received_on": str(TODAY)},
        headers,  # a commune officer is not UBND xã
    )
    assert refused.status_code == 403
    too_early = _post(
        api,
        f"/api/v1/matters/{matter.pk}/receive-for-recognition",
        {"received_on": "0001-01-01"},
        chair,
    )
    assert too_early.status_code == 422 and too_early.json()["code"] == "received_too_early"
    received = _post(
        api,
        f"/api/v1/matters/{matter.pk}/receive-for-recognition",
        {"received_on": str(TODAY)},
        chair,
    ).json()
    assert received["recognition"]["due_on"] == "2026-12-04"

    overdue = f"/api/v1/units/{commune.code}/recognitions/overdue"
    assert api.get(overdue, **chair).json() == []
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC), tick=False):
        late = api.get(overdue, **chair).json()
        assert [(m["id"], m["due_on"], m["recogniser"]) for m in late] == [
            (matter.pk, "2026-12-04", "committee")
        ]
    assert api.get(overdue, **headers).status_code == 200  # the commune's officers see it too
    assert api.get(overdue, **_bearer(resident)).status_code == 403
    assert api.get(overdue, **_bearer(outside_officer)).status_code == 403
    assert api.get(f"/api/v1/units/{village.code}/recognitions/overdue", **chair).status_code == 404

    no_reason = _post(
        api,
        f"/api/v1/matters/{matter.pk}/recognition",
        {"recognise": False, "decided_on": str(TODAY)},
        chair,
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "reason_required"
    assert "Điều 21 khoản 2 Luật 10/2022" in no_reason.json()["detail"]
    recognised = _post(
        api,
        f"/api/v1/matters/{matter.pk}/recognition",
        {"recognise": True, "decided_on": str(TODAY), "decision_number": "125/QĐ-UBND"},
        chair,
    ).json()
    assert recognised["recognition"]["recognised_on"] == str(TODAY)
    assert recognised["recognition"]["effective"] is True
    event = Event.objects.get(action="decisions.recognised")
    assert event.payload["decision_number"] == "125/QĐ-UBND"


def test_paper_ballots_conflicts_and_their_review(api, village, other_village, officer, resident):
    matter = open_matter(village, form="ballot", households=3, agreed=True)
    other = open_matter(other_village, form="ballot", households=2, agreed=True)
    yes, no = [o.pk for o in matter.options.all()]
    codes = _printed_codes(matter)
    headers = _bearer(officer)
    url = f"/api/v1/matters/{matter.pk}/paper-ballots"

    denied = _post(api, url, {"code": codes[0], "option_id": yes}, _bearer(resident))
    assert denied.status_code == 403
    foreign = _post(
        api, url, {"code": next(iter(codes_of(other).values())), "option_id": yes}, headers
    )
    assert (foreign.status_code, foreign.json()["code"]) == (422, "bad_code")
    assert Participation.objects.count() == 0

    entered = _post(api, url, {"code": codes[0], "option_id": yes}, headers)
    assert (entered.status_code, entered.json()["channel"]) == (201, "paper")
    online = _post(api, "/api/v1/ballots/vote", {"code": codes[0], "option_id": no})
    assert online.json()["code"] == "already_voted"
    again = _post(api, url, {"code": codes[0], "option_id": no}, headers)
    assert again.json()["code"] == "already_voted"
    assert again.json()["code"] == "already_voted"  # the conflicts list names the household

    conflicts = api.get(f"/api/v1/matters/{matter.pk}/conflicts", **headers).json()
    assert [(c["household"], c["first_channel"], c["second_channel"]) for c in conflicts] == [
        ("H0001", "paper", "online"),
        ("H0001", "paper", "paper"),
    ]
    assert api.get(f"/api/v1/matters/{matter.pk}/conflicts", **_bearer(resident)).status_code == 403
    review = f"/api/v1/conflicts/{conflicts[0]['id']}/review"
    assert _post(api, review, {"note": "x"}, _bearer(resident)).status_code == 403
    empty = _post(api, review, {"note": "  "}, headers)
    assert (empty.status_code, empty.json()["code"]) == (422, "note_required")
    reviewed = _post(api, review, {"note": "Hộ xác nhận phiếu giấy là phiếu của hộ."}, headers)
    assert reviewed.json()["review_note"] == "Hộ xác nhận phiếu giấy là phiếu của hộ."
    assert reviewed.json()["reviewed_at"] is not None


# --- reading ------------------------------------------------------------------------------


def test_drafts_are_hidden_and_a_commune_lists_its_villages_matters(
    api, commune, village, other_village, officer
):
    add_households(village, 2)
    draft = services.create_matter(actor=SYSTEM, unit=village, item=6, title="Bản nháp")
    opened = open_matter(other_village, item=2, households=2)
    commune_wide = services.create_matter(actor=SYSTEM, unit=commune, item=1, title="Trường học")
    services.open_matter(actor=SYSTEM, matter=commune_wide, form="meeting")

    assert api.get(f"/api/v1/matters/{draft.pk}").status_code == 404
    assert api.get(f"/api/v1/matters/{draft.pk}", **_bearer(officer)).json()["status"] == "draft"
    listed = api.get(f"/api/v1/units/{commune.code}/matters").json()
    assert [m["id"] for m in listed["items"]] == [commune_wide.pk, opened.pk]
    assert listed["count"] == 2
    in_village = api.get(f"/api/v1/units/{other_village.code}/matters").json()["items"]
    assert [m["id"] for m in in_village] == [opened.pk]
    by_item = api.get(f"/api/v1/units/{commune.code}/matters", {"item": 2}).json()["items"]
    assert [m["item"] for m in by_item] == [2]
    assert (
        api.get(f"/api/v1/units/{commune.code}/matters", {"status": "closed"}).json()["items"] == []
    )
    assert api.get("/api/v1/units/khong-co/matters").status_code == 404
    assert api.get(f"/api/v1/units/{commune.code}/matters", {"status": "draft"}).status_code == 422


def test_secret_matter_exposes_no_household_identity(api, village, officer):
    matter = open_matter(village, form="ballot", households=4, agreed=True, secret=True)
    person = Person.objects.get(household__code="H0001")
    person.phone = "0912345678"
    person.save()
    yes, no = [o.pk for o in matter.options.all()]
    codes = _printed_codes(matter)
    headers = _bearer(officer)
    responses = [
        _post(api, "/api/v1/ballots/vote", {"code": codes[0], "option_id": yes}),
        _post(api, "/api/v1/ballots/vote", {"code": codes[0], "option_id": no}),
        _post(
            api,
            f"/api/v1/matters/{matter.pk}/paper-ballots",
            {"code": codes[1], "option_id": no},
            headers,
        ),
        _post(
            api,
            f"/api/v1/matters/{matter.pk}/paper-ballots",
            {"code": codes[1], "option_id": yes},
            headers,
        ),
        api.get(f"/api/v1/matters/{matter.pk}"),
        api.get(f"/api/v1/matters/{matter.pk}", **headers),
        api.get(f"/api/v1/units/{village.code}/matters"),
        api.get(f"/api/v1/matters/{matter.pk}/conflicts", **headers),
        _post(api, f"/api/v1/matters/{matter.pk}/close", headers=headers),
    ]
    assert [r.status_code for r in responses] == [201, 422, 201, 422, 200, 200, 200, 200, 200]
    assert [responses[i].json()["code"] for i in (1, 3)] == ["already_voted", "already_voted"]
    assert "Hộ này đã biểu quyết" in responses[1].json()["detail"]
    conflicts = responses[7].json()
    assert [c["household"] for c in conflicts] == [None, None]
    text = json.dumps([r.json() for r in responses], ensure_ascii=False)
    household_ids = [str(pk) for pk in matter.roll.values_list("household_id", flat=True)]
    for secret in ["H000", "Nguyễn Văn Hộ", "0912345678", "household_id", *codes]:
        assert secret not in text
    assert not any(f'"household": {pk}' in text for pk in household_ids)
    assert responses[-1].json()["result"]["votes"] == {"Đồng ý": 1, "Không đồng ý": 1}


# --- permissions --------------------------------------------------------------------------


MATRIX = [
    ("anonymous", 401),
    ("resident", 403),
    ("other_village_head", 403),
    ("outside_officer", 403),
    ("village_head", 200),
    ("officer", 200),
    ("admin", 200),
]


@pytest.fixture
def actors(personas, village_head):
    return personas | {"village_head": village_head}


def _headers_for(actors, persona):
    user = actors[persona]
    return _bearer(user) if user else {}


def _assert_denied(response, status, events_before):
    assert response.status_code == status
    if status == 403:
        assert "quyền" in response.json()["detail"]
    assert Event.objects.count() == events_before


@pytest.mark.parametrize("persona,status", MATRIX)
def test_permission_matrix_for_creating_a_matter(api, actors, village, persona, status):
    headers = _headers_for(actors, persona)  # tokens are audited: create them first
    before = Event.objects.count()
    response = _post(
        api, f"/api/v1/units/{village.code}/matters", {"item": 6, "title": "Giờ tắt loa"}, headers
    )
    if status == 200:
        assert response.status_code == 201
        assert Matter.objects.get().created_by == actors[persona]
        assert Event.objects.filter(action="decisions.matter_created").count() == 1
    else:
        _assert_denied(response, status, before)
        assert not Matter.objects.exists()


@pytest.mark.parametrize("persona,status", MATRIX)
def test_permission_matrix_for_opening_a_matter(api, actors, village, persona, status):
    add_households(village, 3)
    matter = services.create_matter(actor=SYSTEM, unit=village, item=6, title="Giờ tắt loa")
    headers = _headers_for(actors, persona)
    before = Event.objects.count()
    response = _post(api, f"/api/v1/matters/{matter.pk}/open", {"form": "meeting"}, headers)
    matter.refresh_from_db()
    if status == 200:
        assert response.status_code == 200
        assert (matter.status, matter.roll_size) == ("open", 3)
    else:
        _assert_denied(response, status, before)
        assert (matter.status, matter.roll.count()) == ("draft", 0)


@pytest.mark.parametrize("persona,status", MATRIX)
def test_permission_matrix_for_closing_a_matter(api, actors, village, persona, status):
    matter = open_matter(village, form="ballot", households=3, agreed=True)
    headers = _headers_for(actors, persona)
    before = Event.objects.count()
    response = _post(api, f"/api/v1/matters/{matter.pk}/close", headers=headers)
    matter.refresh_from_db()
    if status == 200:
        assert response.status_code == 200
        assert (matter.status, matter.result["roll_size"]) == ("closed", 3)
    else:
        _assert_denied(response, status, before)
        assert (matter.status, matter.result) == ("open", {})


# --- bad input ----------------------------------------------------------------------------


def test_unknown_item_is_refused_with_the_article(api, village, officer):
    response = _post(
        api, f"/api/v1/units/{village.code}/matters", {"item": 7, "title": "x"}, _bearer(officer)
    )
    assert response.status_code == 422
    assert response.json()["code"] == "bad_item"
    assert "Điều 15" in response.json()["detail"]
    assert not Matter.objects.exists()


def test_items_four_and_five_are_elections_unless_a_dismissal(api, village, officer):
    url, headers = f"/api/v1/units/{village.code}/matters", _bearer(officer)
    election = _post(api, url, {"item": 4, "title": "Bầu Trưởng thôn"}, headers).json()
    assert (election["kind"], election["options"]) == ("election", [])
    dismissal = _post(
        api, url, {"item": 4, "title": "Cho thôi làm Trưởng thôn", "kind": "decision"}, headers
    ).json()
    assert dismissal["kind"] == "decision"
    assert [o["label"] for o in dismissal["options"]] == ["Đồng ý", "Không đồng ý"]
    refused = _post(api, url, {"item": 6, "title": "Giờ tắt loa", "kind": "election"}, headers)
    assert (refused.status_code, refused.json()["code"]) == (422, "bad_kind")


@pytest.mark.parametrize("item", [3, 4, 5])
def test_items_three_to_five_cannot_open_as_a_ballot(api, village, officer, item):
    add_households(village, 3)
    matter = services.create_matter(actor=SYSTEM, unit=village, item=item, title="Hương ước")
    response = _post(
        api,
        f"/api/v1/matters/{matter.pk}/open",
        {"form": "ballot", "collection_ends_on": str(TODAY)},
        _bearer(officer),
    )
    assert (response.status_code, response.json()["code"]) == (422, "meeting_only")
    assert "Điều 17, Điều 19 Luật 10/2022" in response.json()["detail"]
    matter.refresh_from_db()
    assert matter.status == "draft"


def test_online_vote_only_for_item_six(api, village, officer):
    add_households(village, 3)
    matter = services.create_matter(actor=SYSTEM, unit=village, item=1, title="Đóng góp")
    response = _post(
        api,
        f"/api/v1/matters/{matter.pk}/open",
        {"form": "online", "collection_ends_on": str(TODAY)},
        _bearer(officer),
    )
    assert response.json()["code"] == "online_not_allowed"
    assert "Điều 5 Nghị định 59/2023" in response.json()["detail"]


@pytest.mark.parametrize("size", [2, 6])
def test_counting_board_of_other_than_three_to_five_is_refused(api, village, officer, size):
    matter = open_matter(village, households=5, secret=True)
    codes = list(matter.roll.values_list("household__code", flat=True))
    board = [f"Thành viên {i}" for i in range(size)]
    session_id, response = _held_meeting(
        api, _bearer(officer), matter.pk, codes, method="secret", board=board
    )
    assert (response.status_code, response.json()["code"]) == (422, "board_size")
    assert "Điều 3 khoản 5 Nghị định 59/2023" in response.json()["detail"]
    assert (
        api.get(f"/api/v1/sessions/{session_id}", **_bearer(officer)).json()["counting_board"] == []
    )


def test_unknown_option_is_refused(api, village, officer):
    matter = open_matter(village, form="ballot", households=2, agreed=True)
    other = open_matter(village, form="ballot", households=0, agreed=True)
    foreign_option = other.options.first().pk
    code = next(iter(codes_of(matter).values()))
    for option_id in (foreign_option, 999999):
        response = _post(api, "/api/v1/ballots/vote", {"code": code, "option_id": option_id})
        assert (response.status_code, response.json()["code"]) == (422, "bad_option")
    meeting = open_matter(village, households=0)
    codes = list(meeting.roll.values_list("household__code", flat=True))
    session_id, _ = _held_meeting(api, _bearer(officer), meeting.pk, codes)
    response = _post(
        api,
        f"/api/v1/sessions/{session_id}/counts",
        {"counts": {foreign_option: 1}},
        _bearer(officer),
    )
    assert (response.status_code, response.json()["code"]) == (422, "bad_option")
    assert Participation.objects.exclude(channel="meeting").count() == 0


def test_wrong_codes_and_schema_errors_are_422_unknown_ids_404(api, village, officer):
    matter = open_matter(village, form="ballot", households=2, agreed=True)
    yes = matter.options.first().pk
    headers = _bearer(officer)
    wrong = _post(api, "/api/v1/ballots/vote", {"code": "ABCDE-FGHJK", "option_id": yes})
    assert wrong.status_code == 422
    assert wrong.json() == {
        "detail": "Mã phiếu không đúng. Kiểm tra lại mã in trên phiếu.",
        "code": "bad_code",
        "errors": ["Mã phiếu không đúng. Kiểm tra lại mã in trên phiếu."],
    }
    cases = [
        ("/api/v1/ballots/vote", {"code": "x" * 65, "option_id": yes}, "code"),
        ("/api/v1/ballots/vote", {"code": "ABCDE-FGHJK", "option_id": 2**70}, "option_id"),
        (f"/api/v1/units/{village.code}/matters", {"item": 6}, "title"),
        (f"/api/v1/units/{village.code}/matters", {"item": "sáu", "title": "x"}, "item"),
        (f"/api/v1/matters/{matter.pk}/open", {"form": "fax"}, "form"),
        (f"/api/v1/matters/{matter.pk}/agreements", {"who": "mayor", "on": "x"}, "who"),
    ]
    for url, data, field in cases:
        response = _post(api, url, data, headers)
        assert response.status_code == 422, url
        assert field in response.json()["detail"]
    malformed = api.post(
        "/api/v1/ballots/vote", "{not json", content_type="application/json", **headers
    )
    assert malformed.status_code in (400, 422)
    for url in (
        "/api/v1/matters/999999",
        f"/api/v1/matters/{2**70}",
        "/api/v1/sessions/999999",
        f"/api/v1/matters/{2**70}/conflicts",
    ):
        response = api.get(url, **headers)
        assert response.status_code == 404, url
        assert "Không tìm thấy" in response.json()["detail"]
    assert _post(api, f"/api/v1/matters/{2**70}/close", headers=headers).status_code == 404
    assert _post(api, "/api/v1/conflicts/999999/review", {"note": "x"}, headers).status_code == 404
    # The matter already opened: the service refuses a second opening.
    again = _post(api, f"/api/v1/matters/{matter.pk}/open", {"form": "meeting"}, headers)
    assert (again.status_code, again.json()["code"]) == (422, "already_open")
