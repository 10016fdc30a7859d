"""Who may take each step of Dân biết, on the web and through the API.

Every write of the engine is tried by each persona on a notice of Xã Ứng Hòa: drafting,
editing a draft, attaching a document, publishing, recording a posting (with and without a
photo), taking it down, posting it again, recording an airing (with a photo), forwarding to
the village heads, recording how a village head passed it on, and a resident's "I have read
this". The expected answer comes from danchu/accounts/permissions.py:

- `disclosures.manage` on the notice's commune: its commune officers, its chair, the admin;
- `disclosures.relay` on the village the notice was forwarded to: also that village's head
  (not the head of another village, not an officer of another commune);
- acknowledging asks for no right at all: anyone signed in may say they have read a
  published notice (officers included, and an officer who has not passed 2FA).

A refused attempt changes nothing (every row of the engine and the audit log as before).

What the code answers to a refusal, as it stands:
- web: anonymous is sent to the login page (302); a signed-in person without the right gets
  403, but 404 on a draft (editing, attaching to or publishing it): a draft is not shown to
  those who may not manage it, so its existence is not confirmed;
- API: 401 without a token; 403 with one, 404 on a draft for the same reason;
- on the web an officer signed in without passing the second factor holds no officer right
  (through the API the token stands in for it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.disclosures import services
from danchu.disclosures.models import (
    Acknowledgment,
    Airing,
    Art11Item,
    Attachment,
    Forwarding,
    Notice,
    Posting,
    PostingPlace,
)
from tests.disclosures.conftest import TODAY, make_notice
from tests.matrix import ROLES as MATRIX_ROLES
from tests.matrix import UNVERIFIED, api_headers, persona, web

API = "/api/v1"
JSON = "application/json"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DAY = TODAY.isoformat()
TITLE = "Kế hoạch sử dụng đất năm 2027"
NEW_TITLE = "Phương án bồi thường (sửa đổi)"
PLACE = "Bảng tin UBND xã"
REASON = "Bảng tin bị đổ do bão"

# The Front committee holds no right over notices: the matrix leaves it out.
ROLES = {name: where for name, where in MATRIX_ROLES.items() if name != "front_member"}
PERSONAS = ["anonymous", *ROLES]
WEB_PERSONAS = [*PERSONAS, UNVERIFIED]

# Who holds each right on the notice (of the commune) or the forwarding (to `village`).
ALLOWED = {
    "manage": frozenset({"officer", "commune_chair", "admin"}),
    "relay": frozenset({"village_head", "officer", "commune_chair", "admin"}),
    "signed_in": frozenset({*ROLES, UNVERIFIED}),
}

# Every table of the engine, and the audit log.
TRACKED = (Notice, Attachment, PostingPlace, Posting, Airing, Forwarding, Acknowledgment, Event)


@pytest.fixture
def units(matrix_units):
    return matrix_units


def snapshot() -> dict:
    """Every row of the engine's tables and of the audit log."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in TRACKED}


def new_events(before: dict) -> list[Event]:
    known = {row["id"] for row in before["Event"]}
    return [e for e in Event.objects.order_by("seq") if e.pk not in known]


# --- what each write starts from (made by the system) ----------------------------------------


def _item() -> Art11Item:
    return Art11Item.objects.get(number=3)


def nothing(units) -> dict:
    return {"units": units}


def draft(units) -> dict:
    return {"units": units, "notice": make_notice(units["commune"], _item(), publish=False)}


def published(units) -> dict:
    return {"units": units, "notice": make_notice(units["commune"], _item())}


def posted(units) -> dict:
    t = published(units)
    t["posting"] = services.record_posting(
        actor=SYSTEM, notice=t["notice"], place_name=PLACE, started_on=TODAY
    )
    return t


def taken_down(units) -> dict:
    t = posted(units)
    t["posting"] = services.take_down(
        actor=SYSTEM, posting=t["posting"], ended_on=TODAY, reason=REASON
    )
    return t


def aired(units) -> dict:
    t = published(units)
    t["airing"] = services.record_airing(
        actor=SYSTEM,
        notice=t["notice"],
        aired_at=timezone.make_aware(dt.datetime.combine(TODAY, dt.time(6, 30))),
        station="Đài truyền thanh xã",
    )
    return t


def forwarded(units) -> dict:
    t = published(units)
    t["forwarding"] = services.forward_to_village(
        actor=SYSTEM, notice=t["notice"], village=units["village"], forwarded_on=TODAY
    )
    return t


# --- what a granted write leaves behind ------------------------------------------------------


def _created(t, user) -> bool:
    return Notice.objects.filter(created_by=user, status="draft", title=TITLE).exists()


def _edited(t, user) -> bool:
    return Notice.objects.get(pk=t["notice"].pk).title == NEW_TITLE


def _attached(t, user) -> bool:
    return Attachment.objects.filter(
        notice=t["notice"], uploaded_by=user, posting=None, airing=None
    ).exists()


def _published(t, user) -> bool:
    notice = Notice.objects.get(pk=t["notice"].pk)
    return (notice.status, notice.published_by) == ("published", user)


def _posted(t, user) -> bool:
    return Posting.objects.filter(
        notice=t["notice"], recorded_by=user, started_on=TODAY, ended_on=None
    ).exists()


def _posted_with_photo(t, user) -> bool:
    return Attachment.objects.filter(posting__recorded_by=user, uploaded_by=user).exists()


def _taken_down(t, user) -> bool:
    posting = Posting.objects.get(pk=t["posting"].pk)
    return (posting.ended_on, posting.end_reason) == (TODAY, REASON)


def _reposted(t, user) -> bool:
    return Posting.objects.filter(
        notice=t["notice"], place=t["posting"].place, recorded_by=user, ended_on=None
    ).exists()


def _aired(t, user) -> bool:
    return Airing.objects.filter(notice=t["notice"], recorded_by=user).exists()


def _aired_with_photo(t, user) -> bool:
    return Attachment.objects.filter(airing__recorded_by=user, uploaded_by=user).exists()


def _posting_photo(t, user) -> bool:
    return Attachment.objects.filter(posting=t["posting"], uploaded_by=user).exists()


def _airing_photo(t, user) -> bool:
    return Attachment.objects.filter(airing=t["airing"], uploaded_by=user).exists()


def _forwarded(t, user) -> bool:
    return Forwarding.objects.filter(
        notice=t["notice"], village=t["units"]["village"], recorded_by=user
    ).exists()


def _relayed(t, user) -> bool:
    forwarding = Forwarding.objects.get(pk=t["forwarding"].pk)
    return (forwarding.relay_method, forwarding.relayed_on) == ("group", TODAY)


def _acknowledged(t, user) -> bool:
    return Acknowledgment.objects.filter(notice=t["notice"], user=user).exists()


# --- the writes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    name: str
    prepare: Callable[[dict], dict]
    send: Callable  # web: (client, targets); API: (client, targets, headers)
    right: str  # a key of ALLOWED
    events: tuple[str, ...]  # the audit actions a granted write appends, in order
    done: Callable[[dict, object], bool]

    @property
    def hidden(self) -> bool:
        """A draft: those who may not manage it are told it does not exist (404)."""
        return self.prepare is draft

    def __str__(self) -> str:
        return self.name


def _notice_url(t, tail: str) -> str:
    notice = t["notice"]
    return f"/u/{notice.unit.code}/notices/{notice.pk}/{tail}"


def _web_form(t, **extra) -> dict:
    return {
        "item": _item().pk,
        "title": TITLE,
        "body": "Nội dung kế hoạch sử dụng đất của xã.",
        "signed_on": "2026-11-26",
        **extra,
    }


def _photo(name="bang-tin.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


WEB = [
    Write(
        "create_draft",
        nothing,
        lambda c, t: c.post(f"/u/{t['units']['commune'].code}/notices/create/", _web_form(t)),
        "manage",
        ("disclosures.notice_created",),
        _created,
    ),
    Write(
        "edit_draft",
        draft,
        lambda c, t: c.post(_notice_url(t, "edit/"), _web_form(t, title=NEW_TITLE)),
        "manage",
        ("disclosures.draft_updated",),
        _edited,
    ),
    Write(
        "attach_document",
        draft,
        lambda c, t: c.post(
            _notice_url(t, "attach/"),
            {"file": SimpleUploadedFile("quyet-dinh-125.pdf", PDF, "application/pdf")},
        ),
        "manage",
        ("disclosures.file_attached",),
        _attached,
    ),
    Write(
        "publish",
        draft,
        lambda c, t: c.post(_notice_url(t, "publish/")),
        "manage",
        ("disclosures.notice_published",),
        _published,
    ),
    Write(
        "posting",
        published,
        lambda c, t: c.post(_notice_url(t, "postings/"), {"place_name": PLACE, "started_on": DAY}),
        "manage",
        ("disclosures.posted",),
        _posted,
    ),
    Write(
        "posting_with_photo",
        published,
        lambda c, t: c.post(
            _notice_url(t, "postings/"),
            {"place_name": PLACE, "started_on": DAY, "photo": _photo()},
        ),
        "manage",
        ("disclosures.file_attached", "disclosures.posted"),
        _posted_with_photo,
    ),
    Write(
        "take_down",
        posted,
        lambda c, t: c.post(
            f"/u/{t['notice'].unit.code}/postings/{t['posting'].pk}/take-down/",
            {"ended_on": DAY, "reason": REASON},
        ),
        "manage",
        ("disclosures.taken_down",),
        _taken_down,
    ),
    Write(
        "repost",
        taken_down,
        lambda c, t: c.post(
            f"/u/{t['notice'].unit.code}/postings/{t['posting'].pk}/repost/", {"started_on": DAY}
        ),
        "manage",
        ("disclosures.posted",),
        _reposted,
    ),
    Write(
        "airing_with_photo",
        published,
        lambda c, t: c.post(
            _notice_url(t, "airings/"),
            {
                "aired_at": f"{DAY}T06:30",
                "station": "Đài truyền thanh xã",
                "photo": _photo("so-phat-thanh.png"),
            },
        ),
        "manage",
        ("disclosures.file_attached", "disclosures.aired"),
        _aired_with_photo,
    ),
    Write(
        "forward_to_village_heads",
        published,
        lambda c, t: c.post(
            _notice_url(t, "forwardings/"),
            {"villages": [t["units"]["village"].pk], "forwarded_on": DAY},
        ),
        "manage",
        ("disclosures.forwarded",),
        _forwarded,
    ),
    Write(
        "relay",
        forwarded,
        lambda c, t: c.post(
            f"/u/{t['notice'].unit.code}/forwardings/{t['forwarding'].pk}/relay/",
            {"method": "group", "relayed_on": DAY, "note": "Nhóm Zalo thôn"},
        ),
        "relay",
        ("disclosures.relayed",),
        _relayed,
    ),
    Write(
        "acknowledge",
        published,
        lambda c, t: c.post(_notice_url(t, "read/")),
        "signed_in",
        ("disclosures.acknowledged",),
        _acknowledged,
    ),
]


def _api_json(method: str, url: Callable[[dict], str], data: dict | None = None):
    def send(c, t, headers):
        return getattr(c, method)(API + url(t), data or {}, JSON, **headers)

    return send


def _api_file(url: Callable[[dict], str], name: str, data: bytes):
    def send(c, t, headers):
        return c.post(API + url(t), {"file": SimpleUploadedFile(name, data)}, **headers)

    return send


API_WRITES = [
    Write(
        "create_draft",
        nothing,
        _api_json(
            "post",
            lambda t: f"/units/{t['units']['commune'].code}/notices",
            {"item": 3, "title": TITLE, "body": "Nội dung.", "signed_on": "2026-11-26"},
        ),
        "manage",
        ("disclosures.notice_created",),
        _created,
    ),
    Write(
        "edit_draft",
        draft,
        _api_json("patch", lambda t: f"/notices/{t['notice'].pk}", {"title": NEW_TITLE}),
        "manage",
        ("disclosures.draft_updated",),
        _edited,
    ),
    Write(
        "attach_document",
        draft,
        _api_file(lambda t: f"/notices/{t['notice'].pk}/attachments", "quyet-dinh-125.pdf", PDF),
        "manage",
        ("disclosures.file_attached",),
        _attached,
    ),
    Write(
        "publish",
        draft,
        _api_json("post", lambda t: f"/notices/{t['notice'].pk}/publish"),
        "manage",
        ("disclosures.notice_published",),
        _published,
    ),
    Write(
        "posting",
        published,
        _api_json(
            "post",
            lambda t: f"/notices/{t['notice'].pk}/postings",
            {"place_name": PLACE, "started_on": DAY},
        ),
        "manage",
        ("disclosures.posted",),
        _posted,
    ),
    Write(
        "posting_photo",
        posted,
        _api_file(lambda t: f"/postings/{t['posting'].pk}/photos", "bang-tin.png", PNG),
        "manage",
        ("disclosures.file_attached", "disclosures.evidence_added"),
        _posting_photo,
    ),
    Write(
        "take_down",
        posted,
        _api_json(
            "post",
            lambda t: f"/postings/{t['posting'].pk}/take-down",
            {"ended_on": DAY, "reason": REASON},
        ),
        "manage",
        ("disclosures.taken_down",),
        _taken_down,
    ),
    Write(
        "repost",
        taken_down,
        _api_json("post", lambda t: f"/postings/{t['posting'].pk}/repost", {"started_on": DAY}),
        "manage",
        ("disclosures.posted",),
        _reposted,
    ),
    Write(
        "airing",
        published,
        _api_json(
            "post",
            lambda t: f"/notices/{t['notice'].pk}/airings",
            {"aired_at": f"{DAY}T06:30:00+07:00", "station": "Đài truyền thanh xã"},
        ),
        "manage",
        ("disclosures.aired",),
        _aired,
    ),
    Write(
        "airing_photo",
        aired,
        _api_file(lambda t: f"/airings/{t['airing'].pk}/photos", "so-phat-thanh.png", PNG),
        "manage",
        ("disclosures.file_attached", "disclosures.evidence_added"),
        _airing_photo,
    ),
    Write(
        "forward_to_village_heads",
        published,
        lambda c, t, headers: c.post(
            f"{API}/notices/{t['notice'].pk}/forwardings",
            {"village": t["units"]["village"].code, "forwarded_on": DAY},
            JSON,
            **headers,
        ),
        "manage",
        ("disclosures.forwarded",),
        _forwarded,
    ),
    Write(
        "relay",
        forwarded,
        _api_json(
            "post",
            lambda t: f"/forwardings/{t['forwarding'].pk}/relay",
            {"method": "group", "relayed_on": DAY, "note": "Nhóm Zalo thôn"},
        ),
        "relay",
        ("disclosures.relayed",),
        _relayed,
    ),
]


# --- the matrices ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", WEB_PERSONAS)
@pytest.mark.parametrize("write", WEB, ids=str)
def test_web(units, write, who):
    targets = write.prepare(units)
    user = persona(who, units)
    client = web(user)
    before = snapshot()
    response = write.send(client, targets)
    if who in ALLOWED[write.right]:
        assert response.status_code == 302, response.content[:500]
        notice = targets.get("notice") or Notice.objects.get(created_by=user)
        assert response["Location"] == notice.get_absolute_url()
        assert write.done(targets, user)
        events = new_events(before)
        assert [e.action for e in events] == list(write.events)
        assert {e.actor_id for e in events} == {user.pk}
        return
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == (404 if write.hidden else 403)
    assert snapshot() == before
    assert not write.done(targets, user)


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("write", API_WRITES, ids=str)
def test_api(units, write, who):
    targets = write.prepare(units)
    user = persona(who, units)
    headers = api_headers(user)
    before = snapshot()  # after the token, whose issue is audited too
    response = write.send(Client(), targets, headers)
    if who in ALLOWED[write.right]:
        assert response.status_code in (200, 201), response.content[:500]
        assert write.done(targets, user)
        events = new_events(before)
        assert [e.action for e in events] == list(write.events)
        assert {e.actor_id for e in events} == {user.pk}
        return
    if who == "anonymous":
        assert response.status_code == 401
    elif write.hidden:
        assert response.status_code == 404
        assert response.json()["detail"] == "Không tìm thấy thông báo."
    else:
        assert response.status_code == 403
        assert "quyền" in response.json()["detail"]
    assert snapshot() == before
    assert not write.done(targets, user)
