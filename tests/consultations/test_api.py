"""Dân tham gia ý kiến over the JSON API: a consultation end to end, privacy of commenters,
permissions, and errors that come back as 422 with the service's message."""

import datetime as dt
import json

import pytest
import time_machine

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.accounts.services import create_token
from danchu.audit.models import Event
from danchu.consultations import services
from danchu.consultations.models import Consultation, Opinion, OpinionGroup
from tests.conftest import client_for, make_user
from tests.consultations.conftest import DRAFT, TODAY, make_consultation

AFTER_CLOSE = dt.datetime(2026, 12, 15, 9, tzinfo=dt.UTC)


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user)}"}


@pytest.fixture
def api():
    return client_for(None)


def _post(api, url, data=None, headers=None):
    return api.post(url, data or {}, content_type="application/json", **(headers or {}))


def _new_consultation(**changes):
    payload = {
        "item": 7,
        "title": "Dự thảo Quy chế thực hiện dân chủ ở xã Ứng Hòa",
        "draft_text": DRAFT,
        "summary": "Xin ý kiến Nhân dân về dự thảo Quy chế.",
        "opens_on": str(TODAY),
        "closes_on": str(TODAY + dt.timedelta(days=14)),
        "forms": ["portal", "meeting", "box"],
    }
    return payload | changes


def _keys(value) -> set[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


# --- the whole cycle ----------------------------------------------------------------------


def test_a_consultation_from_draft_to_answered_opinions(api, commune, village, officer):
    resident = make_user("nguoi_gop_y", Role.RESIDENT, village)
    officer_h, resident_h = _bearer(officer), _bearer(resident)

    created = _post(api, "/api/v1/units/10402/consultations", _new_consultation(), officer_h)
    assert created.status_code == 201
    body = created.json()
    consultation_id = body["id"]
    assert (body["status"], body["accepting"], body["item"]) == ("draft", False, 7)
    assert [(s["number"], s["heading"]) for s in body["sections"]] == [
        (1, "Điều 1. Phạm vi điều chỉnh"),
        (2, "Điều 2. Đối tượng áp dụng"),
        (3, "Điều 3. Công khai thông tin"),
    ]
    assert [f["code"] for f in body["forms"]] == ["portal", "meeting", "box"]
    assert api.get(f"/api/v1/consultations/{consultation_id}").status_code == 404

    opened = _post(api, f"/api/v1/consultations/{consultation_id}/open", headers=officer_h)
    assert (opened.status_code, opened.json()["status"], opened.json()["accepting"]) == (
        200,
        "open",
        True,
    )

    on_three = _post(
        api,
        f"/api/v1/consultations/{consultation_id}/opinions",
        {"text": "Đề nghị niêm yết cả tại chợ Ứng Hòa.", "section": 3, "is_public": True},
        resident_h,
    )
    whole = _post(
        api,
        f"/api/v1/consultations/{consultation_id}/opinions",
        {"text": "Đồng ý với toàn bộ dự thảo.", "section": None, "is_public": True},
        resident_h,
    )
    assert (on_three.status_code, whole.status_code) == (201, 201)
    assert (on_three.json()["section"], whole.json()["section"]) == (3, None)
    assert on_three.json()["answer"] is None
    paper = _post(
        api,
        f"/api/v1/consultations/{consultation_id}/entered-opinions",
        {"channel": "box", "text": "Bổ sung đối tượng là người tạm trú.", "section": 2},
        officer_h,
    )
    assert paper.status_code == 201
    assert (paper.json()["channel"], paper.json()["entered"]) == ("box", True)

    detail = api.get(f"/api/v1/consultations/{consultation_id}").json()
    assert [s["opinion_count"] for s in detail["sections"]] == [0, 1, 1]
    assert (detail["whole_draft_opinion_count"], detail["opinion_count"]) == (1, 3)
    assert detail["synthesis"] is None

    with time_machine.travel(AFTER_CLOSE, tick=False):
        assert api.get(f"/api/v1/consultations/{consultation_id}").json()["status"] == "closed"
        refused = _post(api, f"/api/v1/consultations/{consultation_id}/publish", {}, officer_h)
        assert refused.status_code == 422
        assert refused.json()["code"] == "unanswered"
        assert refused.json()["detail"].startswith("Còn 3 ý kiến chưa được trả lời")

        unanswered = api.get(f"/api/v1/consultations/{consultation_id}/unanswered", **officer_h)
        ids = [o["id"] for o in unanswered.json()]
        assert ids == [on_three.json()["id"], whole.json()["id"], paper.json()["id"]]

        market = _post(
            api,
            f"/api/v1/consultations/{consultation_id}/groups",
            {"title": "Niêm yết tại chợ", "opinion_ids": [on_three.json()["id"]]},
            officer_h,
        )
        assert (market.status_code, market.json()["opinions"]) == (201, [on_three.json()["id"]])
        rest = _post(
            api,
            f"/api/v1/consultations/{consultation_id}/groups",
            {"title": "Giữ nguyên dự thảo"},
            officer_h,
        ).json()
        assigned = _post(
            api,
            f"/api/v1/opinion-groups/{rest['id']}/assign",
            {"opinion_ids": [whole.json()["id"], paper.json()["id"]]},
            officer_h,
        )
        assert assigned.json()["opinions"] == [whole.json()["id"], paper.json()["id"]]

        accepted = _post(
            api,
            f"/api/v1/opinion-groups/{market.json()['id']}/answer",
            {"answer": "accepted", "reason": "Bổ sung chợ Ứng Hòa vào Điều 3."},
            officer_h,
        )
        assert (accepted.status_code, accepted.json()["answer"]) == (200, "accepted")
        no_reason = _post(
            api,
            f"/api/v1/opinion-groups/{rest['id']}/answer",
            {"answer": "not_accepted"},
            officer_h,
        )
        assert (no_reason.status_code, no_reason.json()["code"]) == (422, "reason_required")
        assert no_reason.json()["detail"] == "Ý kiến không tiếp thu phải được giải trình lý do."
        _post(
            api,
            f"/api/v1/opinion-groups/{rest['id']}/answer",
            {"answer": "not_accepted", "reason": "Người tạm trú đã thuộc Nhân dân trên địa bàn."},
            officer_h,
        )
        assert (
            api.get(f"/api/v1/consultations/{consultation_id}/unanswered", **officer_h).json() == []
        )

        published = _post(
            api,
            f"/api/v1/consultations/{consultation_id}/publish",
            {"reported_to": "HĐND xã Ứng Hòa"},
            officer_h,
        )
    assert published.status_code == 200
    synthesis = published.json()["synthesis"]
    assert published.json()["status"] == "answered"
    assert synthesis["reported_to"] == "HĐND xã Ứng Hòa"
    assert [(g["title"], g["answer"], g["opinion_count"]) for g in synthesis["groups"]] == [
        ("Niêm yết tại chợ", "accepted", 1),
        ("Giữ nguyên dự thảo", "not_accepted", 2),
    ]
    assert [o["text"] for o in synthesis["groups"][0]["opinions"]] == [
        "Đề nghị niêm yết cả tại chợ Ứng Hòa."
    ]
    assert api.get(f"/api/v1/consultations/{consultation_id}").json()["synthesis"] == synthesis

    mine = api.get("/api/v1/me/opinions", **resident_h).json()
    assert mine["count"] == 2
    answers = {o["text"]: o["answer"] for o in mine["items"]}
    assert answers["Đề nghị niêm yết cả tại chợ Ứng Hòa."] == {
        "group": "Niêm yết tại chợ",
        "answer": "accepted",
        "answer_label": "Tiếp thu",
        "reason": "Bổ sung chợ Ứng Hòa vào Điều 3.",
        "published_at": synthesis["published_at"],
    }
    assert answers["Đồng ý với toàn bộ dự thảo."]["reason"] == (
        "Người tạm trú đã thuộc Nhân dân trên địa bàn."
    )

    listed = api.get(f"/api/v1/units/{village.code}/consultations", {"status": "answered"})
    assert [c["id"] for c in listed.json()["items"]] == [consultation_id]
    assert api.get("/api/v1/units/10402/consultations", {"status": "open"}).json()["count"] == 0


def test_the_art25_items_are_listed(api, db):
    items = api.get("/api/v1/art25-items").json()
    assert [i["number"] for i in items] == list(range(1, 10))
    assert (items[6]["title"], items[8]["verified"]) == (
        "Dự thảo quy chế thực hiện dân chủ ở cấp xã",
        False,
    )


def test_units_list_their_own_and_their_ancestors_consultations(api, commune, village):
    of_commune = make_consultation(commune)
    of_village = make_consultation(village)
    make_consultation(commune, open_it=False)  # a draft is never listed
    with time_machine.travel(dt.datetime(2026, 11, 12, 9, tzinfo=dt.UTC), tick=False):
        earlier = make_consultation(commune, opens_on=dt.date(2026, 11, 10), days=10)

    def listed(code, **params):
        return [
            c["id"] for c in api.get(f"/api/v1/units/{code}/consultations", params).json()["items"]
        ]

    assert listed(village.code) == [of_village.pk, of_commune.pk, earlier.pk]
    assert listed("10402") == [of_commune.pk, earlier.pk]
    assert listed(village.code, status="open") == [of_village.pk, of_commune.pk]
    assert listed(village.code, status="closed") == [earlier.pk]
    body = api.get("/api/v1/units/10402/consultations", {"status": "closed"}).json()
    assert (body["items"][0]["status"], body["items"][0]["accepting"]) == ("closed", False)


# --- privacy ------------------------------------------------------------------------------


def test_commenters_are_named_only_by_choice_and_hidden_opinions_stay_private(
    api, commune, village, officer
):
    quiet = make_user("nguyen_thi_kin", Role.RESIDENT, village)
    named = make_user("tran_van_cong", Role.RESIDENT, village)
    quiet_h, named_h, officer_h = _bearer(quiet), _bearer(named), _bearer(officer)
    consultation = make_consultation(commune)
    url = f"/api/v1/consultations/{consultation.pk}"
    responses = []

    def keep(response, status):
        assert response.status_code == status, response.content
        responses.append(response)
        return response.json()

    keep(
        _post(
            api,
            f"{url}/opinions",
            {"text": "Ý kiến công khai, giấu tên.", "is_public": True},
            quiet_h,
        ),
        201,
    )
    keep(
        _post(
            api,
            f"{url}/opinions",
            {
                "text": "Ý kiến riêng về Điều 1.",
                "section": 1,
                "is_public": False,
                "show_name": True,
            },
            quiet_h,
        ),
        201,
    )
    keep(
        _post(
            api,
            f"{url}/opinions",
            {"text": "Tôi đồng ý.", "show_name": True, "is_public": True},
            named_h,
        ),
        201,
    )
    spam = keep(
        _post(api, f"{url}/opinions", {"text": "Quảng cáo bán hàng.", "is_public": True}, named_h),
        201,
    )
    keep(
        _post(
            api,
            f"{url}/entered-opinions",
            {
                "channel": "meeting",
                "text": "Ý kiến tại họp thôn.",
                "author_name": "Hoàng Thị Phiếu",
            },
            officer_h,
        ),
        201,
    )
    moderated = keep(
        _post(
            api,
            f"/api/v1/opinions/{spam['id']}/moderate",
            {"hidden": True, "note": "Quảng cáo"},
            officer_h,
        ),
        200,
    )
    assert (moderated["hidden"], moderated["author_name"]) == (True, None)

    public = keep(api.get(f"{url}/opinions"), 200)
    assert [(o["text"], o["author_name"]) for o in public["items"]] == [
        ("Ý kiến công khai, giấu tên.", None),
        ("Tôi đồng ý.", "Tran Van Cong"),
        ("Ý kiến tại họp thôn.", None),
    ]
    detail = keep(api.get(url), 200)
    assert (detail["opinion_count"], detail["sections"][0]["opinion_count"]) == (4, 1)
    unanswered = keep(api.get(f"{url}/unanswered", **officer_h), 200)
    assert len(unanswered) == 4  # the private opinion too, the hidden one not
    keep(api.get("/api/v1/units/10402/consultations"), 200)
    keep(api.get("/api/v1/me/opinions", **quiet_h), 200)

    with time_machine.travel(AFTER_CLOSE, tick=False):
        group = keep(
            _post(
                api,
                f"{url}/groups",
                {"title": "Đồng ý", "opinion_ids": [o["id"] for o in unanswered]},
                officer_h,
            ),
            201,
        )
        keep(
            _post(
                api,
                f"/api/v1/opinion-groups/{group['id']}/answer",
                {"answer": "accepted"},
                officer_h,
            ),
            200,
        )
        keep(_post(api, f"{url}/publish", {}, officer_h), 200)
    groups = keep(api.get(url), 200)["synthesis"]["groups"]
    assert groups[0]["opinion_count"] == 4
    assert [o["text"] for o in groups[0]["opinions"]] == [
        "Ý kiến công khai, giấu tên.",
        "Tôi đồng ý.",
        "Ý kiến tại họp thôn.",
    ]
    keep(api.get(f"{url}/opinions"), 200)

    for response in responses:
        text = json.dumps(response.json(), ensure_ascii=False)
        assert "Nguyen Thi Kin" not in text and "nguyen_thi_kin" not in text
        assert "Hoàng Thị Phiếu" not in text
        assert not _keys(response.json()) & {
            "author",
            "author_id",
            "household",
            "household_id",
            "phone",
            "entered_by",
            "user",
        }
    public_texts = [
        json.dumps(r.json(), ensure_ascii=False)
        for r in responses
        if r.request["REQUEST_METHOD"] == "GET"
        and r.request["PATH_INFO"] in (url, f"{url}/opinions", "/api/v1/units/10402/consultations")
    ]
    assert len(public_texts) == 5
    for text in public_texts:
        assert "Quảng cáo bán hàng" not in text
        assert "Ý kiến riêng về Điều 1" not in text
    assert Opinion.objects.get(original_text="Ý kiến riêng về Điều 1.").show_name is False


# --- permissions --------------------------------------------------------------------------

MATRIX = [
    ("anonymous", 401),
    ("resident", 403),
    ("other_village_head", 403),
    ("outside_officer", 403),
    ("officer", 200),
    ("admin", 200),
]

OPERATIONS = {
    # name: (method, url template, payload, status when allowed)
    "create": ("post", "/api/v1/units/10402/consultations", _new_consultation(), 201),
    "enter": (
        "post",
        "/api/v1/consultations/{c}/entered-opinions",
        {"channel": "box", "text": "Ý kiến bỏ hòm thư."},
        201,
    ),
    "moderate": (
        "post",
        "/api/v1/opinions/{a}/moderate",
        {"hidden": True, "note": "Lạc đề"},
        200,
    ),
    "group": (
        "post",
        "/api/v1/consultations/{c}/groups",
        {"title": "Nhóm mới", "opinion_ids": ["{a}"]},
        201,
    ),
    "assign": ("post", "/api/v1/opinion-groups/{g}/assign", {"opinion_ids": ["{b}"]}, 200),
    "answer": (
        "post",
        "/api/v1/opinion-groups/{g}/answer",
        {"answer": "not_accepted", "reason": "Đã có trong Điều 3."},
        200,
    ),
    "unanswered": ("get", "/api/v1/consultations/{c}/unanswered", None, 200),
    "publish": ("post", "/api/v1/consultations/{c}/publish", {"reported_to": "HĐND xã"}, 200),
}


@pytest.fixture
def answered(commune, village):
    """An open consultation whose two opinions are grouped and answered."""
    consultation = make_consultation(commune)
    author = make_user("nguoi_dan_a", Role.RESIDENT, village)
    a = services.submit_opinion(
        is_public=True, user=author, consultation=consultation, text="Ý kiến A"
    )
    b = services.submit_opinion(
        is_public=True, user=author, consultation=consultation, text="Ý kiến B"
    )
    group = services.create_group(
        actor=SYSTEM, consultation=consultation, title="Đồng ý", opinion_ids=[a.pk, b.pk]
    )
    services.answer_group(actor=SYSTEM, group=group, answer="accepted", reason="")
    return {"c": consultation.pk, "a": a.pk, "b": b.pk, "g": group.pk}


def _state():
    return (
        list(
            Consultation.objects.order_by("pk").values_list(
                "pk", "status", "synthesis_published_at", "reported_to"
            )
        ),
        list(
            Opinion.objects.order_by("pk").values_list(
                "pk", "text", "hidden", "moderation_note", "group_id"
            )
        ),
        list(OpinionGroup.objects.order_by("pk").values_list("pk", "title", "answer", "reason")),
        Event.objects.count(),
    )


def _fill(value, ids):
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("persona,status", MATRIX)
def test_permission_matrix_for_officer_steps(api, personas, answered, persona, status, operation):
    method, url, payload, allowed = OPERATIONS[operation]
    user = personas[persona]
    headers = _bearer(user) if user else {}  # tokens are audited: create them first
    before = _state()
    when = AFTER_CLOSE if operation == "publish" else dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC)
    with time_machine.travel(when, tick=False):
        if method == "get":
            response = api.get(_fill(url, answered), **headers)
        else:
            response = _post(api, _fill(url, answered), _fill(payload, answered), headers)
    if status == 200:
        assert response.status_code == allowed, response.content
        if operation != "unanswered":
            assert _state() != before
            assert Event.objects.count() > before[-1]
    else:
        assert response.status_code == status
        if status == 403:
            assert "quyền" in response.json()["detail"]
        assert _state() == before


@pytest.mark.parametrize("persona", ["anonymous", "resident", "other_village_head"])
def test_a_draft_is_not_found_for_those_who_may_not_manage_it(api, personas, commune, persona):
    draft = make_consultation(commune, open_it=False)
    user = personas[persona]
    headers = _bearer(user) if user else {}
    before = _state()
    url = f"/api/v1/consultations/{draft.pk}"
    assert api.get(url, **headers).status_code == 404
    assert api.get(f"{url}/opinions", **headers).status_code == 404
    assert api.get("/api/v1/units/10402/consultations", **headers).json()["count"] == 0
    for path in ("/open", "/publish", "/unanswered"):
        response = (
            api.get(url + path, **headers)
            if path == "/unanswered"
            else _post(api, url + path, {}, headers)
        )
        assert response.status_code == (401 if user is None else 404)
    response = _post(api, f"{url}/opinions", {"text": "Sớm quá"}, headers)
    assert response.status_code == (401 if user is None else 404)
    assert response.json()["detail"]
    assert _state() == before


def test_the_officer_reads_and_opens_a_draft(api, commune, officer):
    draft = make_consultation(commune, open_it=False)
    headers = _bearer(officer)
    assert api.get(f"/api/v1/consultations/{draft.pk}", **headers).json()["status"] == "draft"
    response = _post(api, f"/api/v1/consultations/{draft.pk}/open", headers=headers)
    assert response.json()["status"] == "open"
    again = _post(api, f"/api/v1/consultations/{draft.pk}/open", headers=headers)
    assert (again.status_code, again.json()["code"]) == (422, "already_open")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/consultations/999999",
        "/api/v1/consultations/0/opinions",
        "/api/v1/consultations/-3",
        "/api/v1/consultations/99999999999999999999999",
        "/api/v1/units/khong-co/consultations",
    ],
)
def test_unknown_ids_are_404(api, db, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Không tìm thấy")


def test_unknown_ids_in_officer_steps_are_404(api, officer):
    headers = _bearer(officer)
    for url, payload in [
        ("/api/v1/opinions/424242/moderate", {"hidden": True, "note": "x"}),
        ("/api/v1/opinion-groups/424242/answer", {"answer": "accepted"}),
        ("/api/v1/opinion-groups/424242/assign", {"opinion_ids": [1]}),
        ("/api/v1/consultations/424242/publish", {}),
        ("/api/v1/units/khong-co/consultations", _new_consultation()),
    ]:
        assert _post(api, url, payload, headers).status_code == 404, url


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload,code,detail",
    [
        ({"text": "Ý kiến", "section": 9}, "bad_section", "Dự thảo không có mục 9."),
        ({"text": "Ý kiến", "section": 99999999999}, "bad_section", "Dự thảo không có mục"),
        ({"text": ""}, "empty_opinion", "Ý kiến không được để trống."),
        ({"text": "   \n "}, "empty_opinion", "Ý kiến không được để trống."),
        ({"text": "x" * 4001}, "opinion_too_long", "Ý kiến dài quá 4000 ký tự."),
    ],
)
def test_bad_opinions_are_422_with_the_message(api, commune, resident, payload, code, detail):
    consultation = make_consultation(commune)
    response = _post(
        api, f"/api/v1/consultations/{consultation.pk}/opinions", payload, _bearer(resident)
    )
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert response.json()["detail"].startswith(detail)
    assert not Opinion.objects.exists()


def test_no_opinion_after_the_last_day(api, commune, resident):
    consultation = make_consultation(commune, days=14)
    headers = _bearer(resident)
    with time_machine.travel(dt.datetime(2026, 12, 12, 1, tzinfo=dt.UTC), tick=False):
        response = _post(
            api, f"/api/v1/consultations/{consultation.pk}/opinions", {"text": "Muộn"}, headers
        )
    assert response.status_code == 422
    message = (
        "Đã hết thời gian góp ý (đến hết ngày 11/12/2026): đợt lấy ý kiến đã kết thúc, không "
        "nhận thêm ý kiến."
    )
    assert response.json() == {"detail": message, "code": "not_accepting", "errors": [message]}
    assert not Opinion.objects.exists()


@pytest.mark.parametrize("channel", ["pigeon", "portal", ""])
def test_an_unknown_channel_is_refused(api, commune, officer, channel):
    consultation = make_consultation(commune)
    response = _post(
        api,
        f"/api/v1/consultations/{consultation.pk}/entered-opinions",
        {"channel": channel, "text": "Ý kiến trên giấy"},
        _bearer(officer),
    )
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["detail"]) == (
        "bad_channel",
        "Kênh tiếp nhận ý kiến không hợp lệ.",
    )
    assert not Opinion.objects.exists()


@pytest.mark.parametrize(
    "changes,code",
    [
        ({"item": 99}, "bad_item"),
        ({"title": "  "}, "bad_title"),
        ({"title": "x" * 301}, "bad_title"),
        ({"forms": ["pigeon"]}, "bad_forms"),
        ({"forms": []}, "bad_forms"),
        ({"draft_text": "  \n\n "}, "empty_draft"),
        ({"closes_on": str(TODAY + dt.timedelta(days=5))}, "period_too_short"),
        ({"closes_on": str(TODAY - dt.timedelta(days=1))}, "ends_before_start"),
    ],
)
def test_bad_consultations_are_refused(api, officer, commune, changes, code):
    headers = _bearer(officer)
    before = Event.objects.count()
    response = _post(
        api, "/api/v1/units/10402/consultations", _new_consultation(**changes), headers
    )
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert response.json()["detail"] == response.json()["errors"][0]
    assert (Consultation.objects.count(), Event.objects.count()) == (0, before)


def test_only_a_commune_or_a_village_consults(api, admin_user, province):
    response = _post(
        api, "/api/v1/units/01/consultations", _new_consultation(), _bearer(admin_user)
    )
    assert (response.status_code, response.json()["code"]) == (422, "bad_unit")


def test_bad_synthesis_steps_are_422(api, commune, other_commune, officer, answered):
    headers = _bearer(officer)
    other = make_consultation(other_commune)
    stray = services.submit_opinion(
        is_public=True,
        user=make_user("nguoi_khac", Role.RESIDENT, other_commune),
        consultation=other,
        text="Ý kiến ở xã khác",
    )
    group = answered["g"]
    cases = [
        (
            f"/api/v1/opinions/{answered['a']}/moderate",
            {"hidden": True, "note": " "},
            "note_required",
        ),
        (f"/api/v1/opinion-groups/{group}/answer", {"answer": "maybe"}, "bad_answer"),
        (f"/api/v1/opinion-groups/{group}/assign", {"opinion_ids": [stray.pk]}, "bad_opinions"),
        (f"/api/v1/consultations/{answered['c']}/groups", {"title": ""}, "title_required"),
        (f"/api/v1/consultations/{answered['c']}/publish", {}, "still_open"),
    ]
    before = _state()
    for url, payload, code in cases:
        response = _post(api, url, payload, headers)
        assert (response.status_code, response.json()["code"]) == (422, code), url
        assert response.json()["detail"]
    assert _state() == before


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "Ý kiến", "section": "ba"},
        {"text": "Ý kiến", "section": 1.5},
        {"text": 12},
        {},
    ],
)
def test_malformed_opinions_are_422_not_500(api, commune, resident, payload):
    consultation = make_consultation(commune)
    response = _post(
        api, f"/api/v1/consultations/{consultation.pk}/opinions", payload, _bearer(resident)
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Dữ liệu không hợp lệ")
    assert not Opinion.objects.exists()


def test_nul_characters_are_refused_not_a_server_error(api, commune, officer):
    headers = _bearer(officer)
    consultation = make_consultation(commune)
    for url, payload in [
        ("/api/v1/units/10402/consultations", _new_consultation(title="Dự\x00thảo")),
        (f"/api/v1/consultations/{consultation.pk}/opinions", {"text": "nul\x00"}),
        (
            f"/api/v1/consultations/{consultation.pk}/entered-opinions",
            {"channel": "box", "text": "Ý kiến", "author_name": "Ông\x00A"},
        ),
    ]:
        response = _post(api, url, payload, headers)
        assert response.status_code == 400
        assert "NUL" in response.json()["detail"]
    assert (Consultation.objects.count(), Opinion.objects.count()) == (1, 0)


def test_a_broken_body_is_refused(api, commune, resident):
    consultation = make_consultation(commune)
    response = api.post(
        f"/api/v1/consultations/{consultation.pk}/opinions",
        "{not json",
        content_type="application/json",
        **_bearer(resident),
    )
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


# --- queries ------------------------------------------------------------------------------


def test_reads_do_not_grow_with_opinions(api, commune, village, django_assert_max_num_queries):
    consultation = make_consultation(commune)
    for n in range(12):
        author = make_user(f"nguoi_{n}", Role.RESIDENT, village)
        services.submit_opinion(
            is_public=True,
            user=author,
            consultation=consultation,
            text=f"Ý kiến {n}",
            section_number=n % 3 + 1,
            show_name=n % 2 == 0,
        )
    with time_machine.travel(AFTER_CLOSE, tick=False):
        for n in range(3):
            ids = list(
                consultation.opinions.filter(section__number=n + 1).values_list("pk", flat=True)
            )
            group = services.create_group(
                actor=SYSTEM, consultation=consultation, title=f"Nhóm {n}", opinion_ids=ids
            )
            services.answer_group(actor=SYSTEM, group=group, answer="accepted", reason="")
        services.publish_synthesis(actor=SYSTEM, consultation=consultation)
    with django_assert_max_num_queries(6):
        assert (
            len(api.get(f"/api/v1/consultations/{consultation.pk}").json()["synthesis"]["groups"])
            == 3
        )
    with django_assert_max_num_queries(4):
        assert api.get(f"/api/v1/consultations/{consultation.pk}/opinions").json()["count"] == 12


@pytest.mark.parametrize("params", [{"offset": 2**63}, {"limit": 2**63}, {"limit": 0}])
def test_pages_beyond_what_a_database_can_slice_are_422(api, commune, resident, params):
    consultation = make_consultation(commune)
    for url in (
        "/api/v1/units/10402/consultations",
        f"/api/v1/consultations/{consultation.pk}/opinions",
        "/api/v1/me/opinions",
    ):
        response = api.get(url, params, **_bearer(resident))
        assert response.status_code == 422, url
        assert response.json()["detail"].startswith("Dữ liệu không hợp lệ")
