"""Who may take each step of Dân kiểm tra, on the web and through the API.

Every officer write (accept, refuse, verify, forward, extend, mark complex, assign, answer,
staff entry, staff withdrawal, reception days) and every filer write (withdraw, rate, answer
the follow-up, reopen) is tried by each persona. The expected answer comes from
danchu/accounts/permissions.py: `petitions.manage` for the commune's officers, its chair and
the admin; `petitions.enter` adds the village head (own village) and the Front committee.
A refused attempt changes nothing: the item, its steps and the audit log are as before.

What the code answers, as it stands:
- web officer steps (`_managed`): anonymous gets 404, not 403 nor a login redirect, so the
  item's existence is not confirmed; a signed-in person without the right gets 403;
- web staff entry and reception days: anonymous gets 403 (no login redirect);
- API officer steps: 401 without a token, 403 with one; a denunciation is 404 to those who
  may not handle it (`_handled`);
- web filer steps: 404 until the secret is proved in the session or the filer's account
  signs in; API filer steps: 403 for a missing or wrong secret, even without a token;
- the staff withdrawal through the API shares the filer's endpoint: an officer with a token
  and no secret records it, anyone else is asked for the secret (403, not 401);
- booking a place at the reception day is open to everyone, signed in or not.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.petitions import services
from danchu.petitions.models import Petition, ReceptionBooking, ReceptionDay
from tests.conftest import make_user
from tests.matrix import ROLES, UNVERIFIED, api_headers, persona, web

from .conftest import file_one

API = "/api/v1"
TODAY = dt.date(2026, 11, 27)  # the frozen day of tests/petitions/conftest.py, a Friday
WEDNESDAY = dt.date(2026, 12, 2)

# The personas and their grants: tests/matrix.py.
PERSONAS = ["anonymous", *ROLES]
WEB_PERSONAS = [*PERSONAS, UNVERIFIED]
# petitions.manage on the commune the items are filed in.
MANAGERS = frozenset({"officer", "commune_chair", "admin"})
# petitions.enter on the village the items are entered for.
ENTERERS = frozenset({"village_head", "front_member", "officer", "commune_chair", "admin"})


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def units(matrix_units):
    return matrix_units


def post_json(url: str, data: dict, headers: dict):
    return Client().post(url, json.dumps(data), content_type="application/json", **headers)


def assert_bilingual_refusal(response, status: int) -> None:
    assert response.status_code == status, response.content[:500]
    detail = response.json()["detail"]
    vietnamese, english = detail.split(" / ", 1)
    assert vietnamese.strip() and english.strip()


def snapshot(petition: Petition) -> dict:
    """Everything a write could change on the item, and the length of the audit log."""
    p = Petition.objects.get(pk=petition.pk)
    return {
        "status": p.status,
        "steps": p.steps.count(),
        "commune": p.commune_id,
        "extensions": p.extensions,
        "is_complex": p.is_complex,
        "assignee": p.assignee_id,
        "department": p.department,
        "answer": p.answer,
        "rating": p.rating,
        "fixed": p.fixed,
        "followup_fixed": p.followup_fixed,
        "reopened": p.reopened,
        "events": Event.objects.count(),
    }


def assert_written(before: dict, after: dict) -> None:
    assert after != before
    assert after["steps"] == before["steps"] + 1
    assert after["events"] > before["events"]


# --- the officer's steps on an item -------------------------------------------------------


@dataclass(frozen=True)
class OfficerWrite:
    kind: str
    category: str
    accepted_first: bool
    web: str | None  # the path under /u/<commune>/petitions/<pk>/, None: no web form
    api: str  # the path under /api/v1/petitions/<code>/
    data: dict


OFFICER_WRITES = {
    "accept": OfficerWrite("feedback", "ha-tang", False, "accept", "accept", {"note": "Thụ lý"}),
    "refuse": OfficerWrite(
        "feedback", "ha-tang", False, "refuse", "refuse", {"reason": "Không thuộc thẩm quyền"}
    ),
    "verify": OfficerWrite(
        "feedback", "ha-tang", False, "verify", "verify", {"note": "Cần kiểm tra hiện trường"}
    ),
    "forward": OfficerWrite(
        "feedback",
        "ha-tang",
        False,
        "forward",
        "forward",
        {"reason": "Thuộc thẩm quyền huyện", "to_body": "Công ty Điện lực Ứng Hòa"},
    ),
    "extend": OfficerWrite(
        "denunciation", "can-bo", True, "extend", "extend", {"reason": "Nhiều tình tiết"}
    ),
    "complex": OfficerWrite(
        "complaint", "dat-dai-gpmb", True, "complex", "complex", {"reason": "Nhiều hộ liên quan"}
    ),
    "assign": OfficerWrite(
        "feedback", "ha-tang", False, None, "assign", {"department": "Địa chính"}
    ),
    "answer": OfficerWrite(
        "feedback", "ha-tang", True, "answer", "answer", {"text": "Đã sửa xong."}
    ),
    "staff_withdrawal": OfficerWrite(
        "feedback", "ha-tang", False, "withdrawal", "withdraw", {"reason": "Có đơn xin rút"}
    ),
}
WEB_OFFICER_WRITES = [name for name, write in OFFICER_WRITES.items() if write.web]


def item_for(write: OfficerWrite, village) -> Petition:
    petition = file_one(village, kind=write.kind, category=write.category).petition
    if write.accepted_first:
        services.accept(actor=SYSTEM, petition=petition)
    return petition


def web_officer_status(who: str) -> int:
    if who in MANAGERS:
        return 302
    return 404 if who == "anonymous" else 403


def api_officer_status(step: str, who: str) -> int:
    if who in MANAGERS:
        return 200
    if step == "staff_withdrawal":
        # The filer's endpoint: without a manager's token it asks for the secret.
        return 403
    if who == "anonymous":
        return 401
    # A denunciation does not exist for those who may not handle it.
    return 404 if OFFICER_WRITES[step].kind == "denunciation" else 403


@pytest.mark.parametrize("who", WEB_PERSONAS)
@pytest.mark.parametrize("step", WEB_OFFICER_WRITES)
def test_officer_write_on_the_web(units, step, who):
    write = OFFICER_WRITES[step]
    petition = item_for(write, units["village"])
    client = web(persona(who, units))
    detail = f"/u/{units['commune'].code}/petitions/{petition.pk}/"
    before = snapshot(petition)
    response = client.post(f"{detail}{write.web}/", write.data)
    expected = web_officer_status(who)
    assert response.status_code == expected, response.content[:300]
    if expected == 302:
        assert response["Location"] == detail
        assert_written(before, snapshot(petition))
    else:
        assert snapshot(petition) == before


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("step", list(OFFICER_WRITES))
def test_officer_write_through_the_api(units, step, who):
    write = OFFICER_WRITES[step]
    petition = item_for(write, units["village"])
    headers = api_headers(persona(who, units))
    before = snapshot(petition)
    response = post_json(f"{API}/petitions/{petition.code}/{write.api}", write.data, headers)
    expected = api_officer_status(step, who)
    if expected == 200:
        assert response.status_code == 200, response.content[:500]
        assert response.json()["viewer"] == "officer"
        assert_written(before, snapshot(petition))
    else:
        if expected == 403:
            assert_bilingual_refusal(response, 403)
        else:
            assert response.status_code == expected, response.content[:500]
        assert snapshot(petition) == before


def test_the_officer_writes_take_the_item_where_the_law_says(units):
    """The allowed cells above really did the step (not merely some change)."""
    officer = make_user("can_bo", Role.COMMUNE_OFFICER, units["commune"])
    headers = api_headers(officer)
    done = {}
    for step, write in OFFICER_WRITES.items():
        petition = item_for(write, units["village"])
        response = post_json(f"{API}/petitions/{petition.code}/{write.api}", write.data, headers)
        assert response.status_code == 200, (step, response.content[:300])
        done[step] = Petition.objects.get(pk=petition.pk)
    assert {step: p.status for step, p in done.items()} == {
        "accept": "accepted",
        "refuse": "refused",
        "verify": "verifying",
        "forward": "forwarded",
        "extend": "accepted",
        "complex": "accepted",
        "assign": "received",
        "answer": "answered",
        "staff_withdrawal": "withdrawn",
    }
    assert done["extend"].extensions == 1
    assert done["complex"].is_complex
    assert done["assign"].department == "Địa chính"


# --- staff entry of an item received in person, by phone or by letter ----------------------


def entry_form(**extra) -> dict:
    return {
        "kind": "feedback",
        "category": "ha-tang",
        "title": "Đèn đường hỏng ở ngã ba Đông Lỗ",
        "text": "Ba bóng đèn đường ở ngã ba Đông Lỗ tắt đã hai tuần, buổi tối rất tối.",
        "filer_name": "Trần Thị Mai",
        "filer_phone": "0912345678",
        "filer_address": "Xóm 2, thôn Đông Lỗ",
        "channel": "letter",
        "received_on": "2026-11-25",
        "complaint_round": 1,
        **extra,
    }


def world_size() -> tuple[int, int]:
    return Petition.objects.count(), Event.objects.count()


@pytest.mark.parametrize("who", WEB_PERSONAS)
def test_staff_entry_on_the_web(units, who):
    user = persona(who, units)
    before = world_size()
    response = web(user).post(f"/u/{units['village'].code}/petitions/enter/", entry_form())
    if who in ENTERERS:
        assert response.status_code == 302, response.content[:300]
        petition = Petition.objects.get()
        assert petition.entered_by == user and petition.channel == "letter"
        assert petition.filer is None
        if who in MANAGERS:
            assert response["Location"] == f"/u/{units['commune'].code}/petitions/{petition.pk}/"
        else:
            # The village head and the Front enter items but do not handle them: they are sent
            # to the item's status page, which they may read.
            assert response["Location"] == f"/p/{petition.code}/"
        assert web(user).get(response["Location"]).status_code == 200
    else:
        assert response.status_code == 403
        assert world_size() == before


@pytest.mark.parametrize("who", PERSONAS)
def test_staff_entry_through_the_api(units, who):
    user = persona(who, units)
    headers = api_headers(user)
    before = world_size()
    data = entry_form(unit=units["village"].code)
    response = post_json(f"{API}/petitions", data, headers)
    if who in ENTERERS:
        assert response.status_code == 201, response.content[:300]
        petition = Petition.objects.get()
        assert petition.entered_by == user and petition.received_on == dt.date(2026, 11, 25)
    else:
        if who == "anonymous":
            assert response.status_code == 401
        else:
            assert_bilingual_refusal(response, 403)
        assert world_size() == before


# --- reception days and bookings ----------------------------------------------------------

DAY = {
    "weekday": 2,
    "starts_at": "07:30",
    "ends_at": "11:30",
    "place": "Phòng tiếp công dân UBND xã",
    "host": "Chủ tịch UBND xã",
}


def existing_day(commune) -> ReceptionDay:
    return services.set_reception_day(
        actor=SYSTEM,
        commune=commune,
        weekday=2,
        starts_at=dt.time(13, 30),
        ends_at=dt.time(16, 30),
        place="Hội trường UBND xã",
        host="Phó Chủ tịch UBND xã",
    )


def days_of(commune) -> list[tuple]:
    return list(
        ReceptionDay.objects.filter(commune=commune)
        .order_by("pk")
        .values_list("weekday", "starts_at", "ends_at", "place", "host", "active")
    )


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("change", ["create", "edit"])
@pytest.mark.parametrize("surface", ["web", "api"])
def test_reception_day_create_and_edit(units, surface, change, who):
    commune = units["commune"]
    if change == "edit":
        existing_day(commune)
    user = persona(who, units)
    client, headers = (web(user), {}) if surface == "web" else (None, api_headers(user))
    days, events = days_of(commune), Event.objects.count()
    if surface == "web":
        response = client.post(f"/u/{commune.code}/reception/day/", DAY)
        allowed, denied = 302, 403
    else:
        response = post_json(f"{API}/units/{commune.code}/reception/days", DAY, headers)
        allowed, denied = 201, (401 if who == "anonymous" else 403)
    if who in MANAGERS:
        assert response.status_code == allowed, response.content[:300]
        assert days_of(commune) == [
            (2, dt.time(7, 30), dt.time(11, 30), DAY["place"], DAY["host"], True)
        ]
        assert Event.objects.count() == events + 1
    else:
        assert response.status_code == denied, response.content[:300]
        if surface == "api" and denied == 403:
            assert_bilingual_refusal(response, 403)
        assert days_of(commune) == days
        assert Event.objects.count() == events


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("surface", ["web", "api"])
def test_anyone_may_book_a_place_at_the_reception_day(units, surface, who):
    commune = units["commune"]
    day = existing_day(commune)
    user = persona(who, units)
    client, headers = (web(user), {}) if surface == "web" else (None, api_headers(user))
    events = Event.objects.count()
    booking = {"name": "Lê Văn Bình", "phone": "0987654321", "topic": "Bồi thường đất"}
    if surface == "web":
        response = client.post(
            f"/u/{commune.code}/reception/", {"on": f"{day.pk}:{WEDNESDAY}", **booking}
        )
        assert response.status_code == 302, response.content[:300]
    else:
        data = {"day": day.pk, "on": WEDNESDAY.isoformat(), **booking}
        response = post_json(f"{API}/units/{commune.code}/reception/bookings", data, headers)
        assert response.status_code == 201, response.content[:300]
    made = ReceptionBooking.objects.get()
    assert (made.day, made.on, made.user) == (day, WEDNESDAY, user)
    assert Event.objects.count() == events + 1


# --- the filer's steps --------------------------------------------------------------------


@dataclass(frozen=True)
class FilerWrite:
    state: str  # received | answered | followup_due | rated_badly
    path: str
    web_data: dict
    api_data: dict


FILER_WRITES = {
    "withdraw": FilerWrite(
        "received", "withdraw", {"reason": "Đã tự thỏa thuận"}, {"reason": "Đã tự thỏa thuận"}
    ),
    "rate": FilerWrite(
        "answered", "rate", {"rating": 4, "fixed": "yes"}, {"rating": 4, "fixed": True}
    ),
    "followup": FilerWrite("followup_due", "followup", {"fixed": "no"}, {"fixed": False}),
    "reopen": FilerWrite(
        "rated_badly", "reopen", {"reason": "Vẫn chưa sửa"}, {"reason": "Vẫn chưa sửa"}
    ),
}
# The filer proving the secret, a wrong or missing secret, the filer's own account, and
# every other persona without the secret.
FILER_PERSONAS = ["with_secret", "wrong_secret", "filer_account", *PERSONAS]
FILERS = frozenset({"with_secret", "filer_account"})


def filer_item(state: str, units: dict, username: str = "nguoi_gui"):
    """An item filed online by a signed-in resident, brought to `state`; with its secret."""
    filer = make_user(username, Role.RESIDENT, units["village"])
    filed = file_one(units["village"], actor=filer)
    petition = filed.petition
    if state != "received":
        services.accept(actor=SYSTEM, petition=petition)
        services.answer(actor=SYSTEM, petition=petition, text="Đã thay bóng đèn.")
    if state == "followup_due":
        Petition.objects.filter(pk=petition.pk).update(followup_due_on=TODAY)
    if state == "rated_badly":
        services.rate(petition=petition, rating=1, fixed=False, user=filer)
    return petition, filed.secret, filer


def caller(who: str, units: dict, filer):
    """(user, secret to prove) for a filer-side persona; the secret is filled in later."""
    if who == "filer_account":
        return filer, ""
    if who == "with_secret":
        return None, "right"
    if who == "wrong_secret":
        return None, "AAAA-BBBB"
    return persona(who, units), ""


@pytest.mark.parametrize("who", FILER_PERSONAS)
@pytest.mark.parametrize("step", list(FILER_WRITES))
def test_filer_write_on_the_web(units, step, who):
    write = FILER_WRITES[step]
    petition, secret, filer = filer_item(write.state, units)
    user, proof = caller(who, units, filer)
    client = web(user)
    if proof:
        unlocked = client.post(
            f"/p/{petition.code}/unlock/", {"secret": secret if proof == "right" else proof}
        )
        assert unlocked.status_code == (302 if proof == "right" else 303)
    before = snapshot(petition)
    response = client.post(f"/p/{petition.code}/{write.path}/", write.web_data)
    if who in FILERS:
        assert response.status_code == 302, response.content[:300]
        assert response["Location"] == f"/p/{petition.code}/"
        assert_written(before, snapshot(petition))
    else:
        # Not proved to be the filer: the step does not exist for this visitor.
        assert response.status_code == 404
        assert snapshot(petition) == before


@pytest.mark.parametrize("who", FILER_PERSONAS)
@pytest.mark.parametrize("step", list(FILER_WRITES))
def test_filer_write_through_the_api(units, step, who):
    write = FILER_WRITES[step]
    petition, secret, filer = filer_item(write.state, units)
    user, proof = caller(who, units, filer)
    data = dict(write.api_data)
    if proof:
        data["secret"] = secret if proof == "right" else proof
    headers = api_headers(user)
    before = snapshot(petition)
    response = post_json(f"{API}/petitions/{petition.code}/{write.path}", data, headers)
    staff_withdrawal = step == "withdraw" and who in MANAGERS
    if who in FILERS or staff_withdrawal:
        assert response.status_code == 200, response.content[:300]
        assert response.json()["viewer"] == ("officer" if staff_withdrawal else "filer")
        assert_written(before, snapshot(petition))
    else:
        assert_bilingual_refusal(response, 403)
        assert snapshot(petition) == before


def test_the_filer_writes_take_the_item_where_the_law_says(units):
    results = {}
    for step, write in FILER_WRITES.items():
        petition, secret, _filer = filer_item(write.state, units, f"nguoi_gui_{step}")
        data = {**write.api_data, "secret": secret}
        response = post_json(f"{API}/petitions/{petition.code}/{write.path}", data, {})
        assert response.status_code == 200, (step, response.content[:300])
        results[step] = Petition.objects.get(pk=petition.pk)
    assert results["withdraw"].status == "withdrawn"
    assert (results["rate"].rating, results["rate"].fixed) == (4, True)
    assert results["followup"].followup_fixed is False
    assert (results["reopen"].status, results["reopen"].reopened) == ("accepted", 1)
