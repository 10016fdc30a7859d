import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.accounts.services import create_token
from danchu.audit.models import Event
from danchu.disclosures import services
from danchu.disclosures.models import Attachment, Forwarding, Notice, Posting
from tests.conftest import client_for, make_user
from tests.disclosures.conftest import TODAY, make_notice

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JSON = "application/json"


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user)}"}


def _draft(**extra):
    return {
        "item": 3,
        "title": "Kế hoạch sử dụng đất năm 2027",
        "body": "Nội dung kế hoạch sử dụng đất của xã.",
        "document_number": "125/QĐ-UBND",
        "signed_on": "2026-11-26",
        "responsible_name": "Nguyễn Văn Hùng",
        **extra,
    }


@pytest.fixture
def api():
    return client_for(None)


def test_whole_cycle_from_draft_to_repost(api, officer, commune, item):
    headers = _bearer(officer)
    response = api.post(f"/api/v1/units/{commune.code}/notices", _draft(), JSON, **headers)
    assert response.status_code == 201
    draft = response.json()
    assert (draft["status"], draft["item"], draft["compliance"]) == ("draft", 3, ["draft"])
    notice_url = f"/api/v1/notices/{draft['id']}"
    assert api.get(notice_url).status_code == 404

    response = api.post(f"{notice_url}/publish", **headers)
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert api.get(notice_url).json()["title"] == "Kế hoạch sử dụng đất năm 2027"

    response = api.post(
        f"{notice_url}/postings",
        {"place_name": "Bảng tin UBND xã", "started_on": "2026-11-27"},
        JSON,
        **headers,
    )
    assert response.status_code == 201
    posting = response.json()
    assert (posting["place"], posting["required_until"], posting["ended_on"]) == (
        "Bảng tin UBND xã",
        "2026-12-27",
        None,
    )

    take_down_url = f"/api/v1/postings/{posting['id']}/take-down"
    response = api.post(take_down_url, {"ended_on": "2026-11-27"}, JSON, **headers)
    assert response.status_code == 422
    assert response.json()["detail"] == "Gỡ trước 27/12/2026 (chưa đủ 30 ngày) phải ghi lý do."
    response = api.post(
        take_down_url,
        {"ended_on": "2026-11-27", "reason": "Bảng tin bị đổ do bão"},
        JSON,
        **headers,
    )
    assert response.status_code == 200
    assert response.json()["end_reason"] == "Bảng tin bị đổ do bão"

    report = api.get(f"/api/v1/units/{commune.code}/notices/compliance", **headers).json()
    assert report["count"] == 1
    assert [(n["id"], n["flags"]) for n in report["notices"]] == [
        (draft["id"], ["taken_down_early"])
    ]
    assert api.get(notice_url, **headers).json()["compliance"] == ["taken_down_early"]

    response = api.post(
        f"/api/v1/postings/{posting['id']}/repost", {"started_on": "2026-11-27"}, JSON, **headers
    )
    assert response.status_code == 201
    assert response.json()["id"] != posting["id"]
    report = api.get(f"/api/v1/units/{commune.code}/notices/compliance", **headers).json()
    assert (report["count"], report["notices"]) == (0, [])
    detail = api.get(notice_url, **headers).json()
    assert detail["compliance"] == ["on_time"]
    assert [(p["ended_on"], p["end_reason"]) for p in detail["postings"]] == [
        ("2026-11-27", "Bảng tin bị đổ do bão"),
        (None, ""),
    ]
    assert Posting.objects.count() == 2
    assert list(
        Event.objects.filter(action__startswith="disclosures.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "disclosures.notice_created",
        "disclosures.notice_published",
        "disclosures.posted",
        "disclosures.taken_down",
        "disclosures.posted",
    ]


def test_compliance_report_lists_missing_periodic_reports(api, officer, commune, budget_item):
    make_notice(commune, budget_item, period="2026-Q2", title="Dự toán quý 2")
    report = api.get(f"/api/v1/units/{commune.code}/notices/compliance", **_bearer(officer)).json()
    assert report["missing_periods"] == services.missing_periods(commune, TODAY)
    assert "2:2026-Q3" in report["missing_periods"]
    assert "2:2026-Q2" not in report["missing_periods"]


def test_radio_forwarding_and_relay_through_the_api(
    api, officer, village_head, other_village_head, commune, village, radio_item
):
    notice = make_notice(commune, radio_item, title="Kết quả thanh tra năm 2026")
    headers = _bearer(officer)
    assert api.get(f"/api/v1/notices/{notice.pk}", **headers).json()["compliance"] == [
        "radio_incomplete"
    ]
    for day in (25, 26, 27):
        response = api.post(
            f"/api/v1/notices/{notice.pk}/airings",
            {"aired_at": f"2026-11-{day}T06:30:00+07:00", "station": "Đài truyền thanh xã"},
            JSON,
            **headers,
        )
        assert response.status_code == 201
    assert response.json()["aired_on"] == "2026-11-27"
    assert api.get(f"/api/v1/notices/{notice.pk}", **headers).json()["compliance"] == ["on_time"]

    response = api.post(
        f"/api/v1/notices/{notice.pk}/forwardings",
        {"village": village.code, "forwarded_on": "2026-11-27"},
        JSON,
        **headers,
    )
    assert response.status_code == 201
    forwarding = response.json()
    assert (forwarding["village_name"], forwarding["relay_method"]) == ("Thôn Đông Lỗ", "")

    relay_url = f"/api/v1/forwardings/{forwarding['id']}/relay"
    data = {"method": "group", "relayed_on": "2026-11-27", "note": "Nhóm Zalo thôn"}
    before = Event.objects.count()
    other = _bearer(other_village_head)
    assert api.post(relay_url, data, JSON, **other).status_code == 403
    assert Event.objects.count() == before + 1  # the token only
    response = api.post(relay_url, data, JSON, **_bearer(village_head))
    assert response.status_code == 200
    assert (response.json()["relay_method"], response.json()["relayed_on"]) == (
        "group",
        "2026-11-27",
    )
    assert Forwarding.objects.get().relay_note == "Nhóm Zalo thôn"


def test_attachments_are_listed_publicly_once_published(api, officer, commune, item):
    notice = make_notice(commune, item, publish=False)
    headers = _bearer(officer)
    upload = SimpleUploadedFile("quyet-dinh-125.pdf", PDF, content_type="application/pdf")
    response = api.post(f"/api/v1/notices/{notice.pk}/attachments", {"file": upload}, **headers)
    assert response.status_code == 201
    attachment = response.json()
    assert (attachment["name"], attachment["size"], attachment["content_type"]) == (
        "quyet-dinh-125.pdf",
        len(PDF),
        "application/pdf",
    )
    assert api.get(attachment["url"]).status_code == 404  # still a draft
    services.publish_notice(actor=SYSTEM, notice=notice)
    listed = api.get(f"/api/v1/units/{commune.code}/notices").json()["items"][0]
    assert listed["attachments"] == [attachment]
    assert b"".join(api.get(attachment["url"]).streaming_content) == PDF


def test_attachment_is_checked_by_content(api, officer, commune, item):
    notice = make_notice(commune, item, publish=False)
    upload = SimpleUploadedFile("quyet-dinh.pdf", PNG, content_type="application/pdf")
    response = api.post(
        f"/api/v1/notices/{notice.pk}/attachments", {"file": upload}, **_bearer(officer)
    )
    assert response.status_code == 422
    assert "không đúng loại" in response.json()["detail"]
    response = api.post(f"/api/v1/notices/{notice.pk}/attachments", {}, **_bearer(officer))
    assert response.status_code == 422
    assert Attachment.objects.count() == 0


def test_officer_edits_a_draft_but_not_a_published_notice(api, officer, commune, item):
    notice = make_notice(commune, item, publish=False)
    headers = _bearer(officer)
    response = api.patch(
        f"/api/v1/notices/{notice.pk}",
        {"title": "Phương án bồi thường (sửa đổi)", "item": 8},
        JSON,
        **headers,
    )
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["item"]) == (
        "Phương án bồi thường (sửa đổi)",
        8,
    )
    notice.refresh_from_db()
    assert notice.document_number == "125/QĐ-UBND"  # not sent, not changed
    services.publish_notice(actor=SYSTEM, notice=notice)
    response = api.patch(f"/api/v1/notices/{notice.pk}", {"title": "Khác"}, JSON, **headers)
    assert response.status_code == 422
    assert "không sửa được" in response.json()["detail"]


# --- public reads ---------------------------------------------------------------------------


def test_list_shows_own_and_ancestor_notices_newest_first_without_officer_data(
    api, commune, village, other_village, item
):
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        older = make_notice(commune, item, title="Quy hoạch khu dân cư Đồng Mạ")
    newer = make_notice(village, item, title="Họp thôn Đông Lỗ về đường làng")
    make_notice(other_village, item, title="Thông báo riêng của thôn Hòa Xá")
    make_notice(village, item, title="Bản nháp của thôn", publish=False)
    body = api.get(f"/api/v1/units/{village.code}/notices").json()
    assert body["count"] == 2
    assert [n["id"] for n in body["items"]] == [newer.pk, older.pk]
    first = body["items"][0]
    assert (first["unit"], first["unit_name"], first["url"]) == (
        village.code,
        "Thôn Đông Lỗ",
        newer.get_absolute_url(),
    )
    assert first["compliance"] is None
    text = json.dumps(body)
    for private in ("created_by", "published_by", "publish_due_on", "search_text", "postings"):
        assert private not in text


def test_search_without_diacritics_and_item_filter(api, commune, item, radio_item):
    make_notice(commune, item, title="Phương án bồi thường đường liên thôn")
    make_notice(commune, radio_item, title="Danh sách hộ nghèo năm 2026")
    url = f"/api/v1/units/{commune.code}/notices"
    titles = [n["title"] for n in api.get(url, {"q": "duong lien thon"}).json()["items"]]
    assert titles == ["Phương án bồi thường đường liên thôn"]
    titles = [n["title"] for n in api.get(url, {"q": "DANH SACH HO NGHEO"}).json()["items"]]
    assert titles == ["Danh sách hộ nghèo năm 2026"]
    titles = [n["title"] for n in api.get(url, {"item": 8}).json()["items"]]
    assert titles == ["Danh sách hộ nghèo năm 2026"]
    assert api.get(url, {"item": 4}).json() == {"items": [], "count": 0}


def test_officer_sees_compliance_flags_in_the_list(api, officer, outside_officer, commune, item):
    make_notice(commune, item, signed_on=TODAY.replace(day=20))  # due 22/11, published 27/11
    url = f"/api/v1/units/{commune.code}/notices"
    assert api.get(url, **_bearer(officer)).json()["items"][0]["compliance"] == ["late"]
    assert api.get(url, **_bearer(outside_officer)).json()["items"][0]["compliance"] is None


def test_drafts_are_invisible_to_anonymous_and_other_communes_officers(
    api, officer, outside_officer, commune, item
):
    draft = make_notice(commune, item, publish=False, title="Bản nháp bí mật")
    url = f"/api/v1/notices/{draft.pk}"
    outsider = _bearer(outside_officer)
    for headers in ({}, outsider):
        response = api.get(url, **headers)
        assert response.status_code == 404
        assert response.json()["detail"] == "Không tìm thấy thông báo."
        listed = api.get(f"/api/v1/units/{commune.code}/notices", **headers).json()
        assert listed["count"] == 0
    before = Event.objects.count()
    assert api.post(f"{url}/publish", **outsider).status_code == 404
    assert api.patch(url, {"title": "Đổi"}, JSON, **outsider).status_code == 404
    draft.refresh_from_db()
    assert (draft.status, draft.title, Event.objects.count()) == (
        "draft",
        "Bản nháp bí mật",
        before,
    )
    response = api.get(url, **_bearer(officer))
    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_art11_items_are_listed(api, db):
    items = api.get("/api/v1/art11-items").json()
    assert [i["number"] for i in items] == sorted(i["number"] for i in items)
    by_number = {i["number"]: i for i in items}
    assert by_number[2]["recurring"] is True
    assert by_number[8]["radio_required"] is True


def test_list_query_count_does_not_grow_with_notices(
    api, officer, commune, item, django_assert_max_num_queries
):
    headers = _bearer(officer)
    url = f"/api/v1/units/{commune.code}/notices"
    for n in range(3):
        make_notice(commune, item, title=f"Thông báo số {n}")
    with django_assert_max_num_queries(12) as few:
        assert api.get(url, **headers).status_code == 200
    for n in range(15):
        notice = make_notice(commune, item, title=f"Thông báo thêm {n}", publish=False)
        services.attach_document(actor=SYSTEM, notice=notice, name=f"{n}.pdf", data=PDF)
        services.publish_notice(actor=SYSTEM, notice=notice)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(url, **headers).json()["items"]) == 18


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona,status",
    [
        ("resident", 403),
        ("other_village_head", 403),
        ("outside_officer", 403),
        ("officer", 201),
        ("admin", 201),
    ],
)
def test_permission_matrix_for_drafting_a_notice(api, personas, persona, status, commune, item):
    headers = _bearer(personas[persona])
    before = (Notice.objects.count(), Event.objects.count())
    response = api.post(f"/api/v1/units/{commune.code}/notices", _draft(), JSON, **headers)
    assert response.status_code == status
    if status == 403:
        assert "quyền" in response.json()["detail"]
        assert (Notice.objects.count(), Event.objects.count()) == before
    else:
        assert Notice.objects.get().created_by == personas[persona]


@pytest.mark.parametrize(
    "persona,status",
    [
        ("resident", 403),
        ("other_village_head", 403),
        ("outside_officer", 403),
        ("officer", 201),
        ("admin", 201),
    ],
)
def test_permission_matrix_for_recording_a_posting(api, personas, persona, status, commune, item):
    notice = make_notice(commune, item)
    headers = _bearer(personas[persona])
    before = Event.objects.count()
    response = api.post(
        f"/api/v1/notices/{notice.pk}/postings",
        {"place_name": "Nhà văn hóa thôn", "started_on": "2026-11-27"},
        JSON,
        **headers,
    )
    assert response.status_code == status
    if status == 403:
        assert "quyền" in response.json()["detail"]
        assert (Posting.objects.count(), Event.objects.count()) == (0, before)
    else:
        assert Posting.objects.get().recorded_by == personas[persona]
        assert Event.objects.count() == before + 1


@pytest.mark.parametrize(
    "persona", ["resident", "other_village_head", "outside_officer", "officer", "admin"]
)
def test_only_officers_read_the_compliance_report(api, personas, persona, commune):
    response = api.get(
        f"/api/v1/units/{commune.code}/notices/compliance", **_bearer(personas[persona])
    )
    assert response.status_code == (200 if persona in ("officer", "admin") else 403)


def test_outsider_cannot_repost_or_take_down(api, outside_officer, commune, item):
    notice = make_notice(commune, item)
    posting = services.record_posting(
        actor=SYSTEM, notice=notice, place_name="Bảng tin xã", started_on=TODAY
    )
    headers = _bearer(outside_officer)
    before = Event.objects.count()
    url = f"/api/v1/postings/{posting.pk}"
    assert api.post(f"{url}/repost", {"started_on": "2026-11-27"}, JSON, **headers).status_code == (
        403
    )
    response = api.post(
        f"{url}/take-down", {"ended_on": "2026-11-27", "reason": "x"}, JSON, **headers
    )
    assert response.status_code == 403
    posting.refresh_from_db()
    assert (posting.ended_on, Posting.objects.count(), Event.objects.count()) == (None, 1, before)


def test_writes_need_a_bearer_token(api, commune, item):
    notice = make_notice(commune, item)
    response = api.post(f"/api/v1/units/{commune.code}/notices", _draft(), JSON)
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    response = api.post(
        f"/api/v1/notices/{notice.pk}/postings",
        {"place_name": "Bảng tin", "started_on": "2026-11-27"},
        JSON,
    )
    assert response.status_code == 401
    assert api.get(f"/api/v1/notices/{notice.pk}", HTTP_AUTHORIZATION="Bearer sai").status_code == (
        401
    )
    assert Notice.objects.count() == 1 and Posting.objects.count() == 0


# --- bad input ------------------------------------------------------------------------------


def test_unknown_item_is_422_in_vietnamese_and_writes_nothing(api, officer, commune, db):
    headers = _bearer(officer)
    before = Event.objects.count()
    response = api.post(f"/api/v1/units/{commune.code}/notices", _draft(item=99), JSON, **headers)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Không có nội dung công khai khoản 99 (Điều 11 Luật 10/2022); "
        "xem danh sách tại /api/v1/art11-items."
    )
    response = api.post(f"/api/v1/units/{commune.code}/notices", _draft(title=" "), JSON, **headers)
    assert response.status_code == 422
    assert response.json()["detail"] == "Tiêu đề không được để trống."
    assert (Notice.objects.count(), Event.objects.count()) == (0, before)


def test_take_down_ending_before_the_posting_started_is_refused(api, officer, commune, item):
    notice = make_notice(commune, item)
    posting = services.record_posting(
        actor=SYSTEM, notice=notice, place_name="Nhà văn hóa thôn", started_on=TODAY
    )
    response = api.post(
        f"/api/v1/postings/{posting.pk}/take-down",
        {"ended_on": "2026-11-20", "reason": "nhầm"},
        JSON,
        **_bearer(officer),
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Ngày gỡ không được trước ngày niêm yết (27/11/2026)."
    posting.refresh_from_db()
    assert posting.ended_on is None


def test_posting_or_taking_down_before_publishing_is_refused(api, officer, commune, item):
    draft = make_notice(commune, item, publish=False)
    headers = _bearer(officer)
    response = api.post(
        f"/api/v1/notices/{draft.pk}/postings",
        {"place_name": "Bảng tin xã", "started_on": "2026-11-27"},
        JSON,
        **headers,
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Thông báo chưa được công khai."
    response = api.post(
        "/api/v1/postings/999999/take-down", {"ended_on": "2026-11-27"}, JSON, **headers
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy lần niêm yết."
    assert Posting.objects.count() == 0


@pytest.mark.parametrize(
    "path,data,field",
    [
        ("postings", {"place_name": "Bảng tin", "started_on": "27/11/2026"}, "started_on"),
        ("postings", {"place_name": "Bảng tin", "started_on": "2026-02-30"}, "started_on"),
        ("postings", {"place_name": "Bảng tin"}, "started_on"),
        ("airings", {"aired_at": "hôm qua"}, "aired_at"),
        ("forwardings", {"village": "x", "forwarded_on": "mai"}, "forwarded_on"),
    ],
)
def test_dates_that_do_not_parse_are_422(api, officer, commune, item, path, data, field):
    notice = make_notice(commune, item)
    response = api.post(f"/api/v1/notices/{notice.pk}/{path}", data, JSON, **_bearer(officer))
    assert response.status_code == 422
    assert field in response.json()["detail"]


def test_bad_draft_fields_are_422(api, officer, commune, item):
    headers = _bearer(officer)
    url = f"/api/v1/units/{commune.code}/notices"
    for data, expected in [
        (_draft(signed_on="26-11-2026"), "signed_on"),
        (_draft(period="2026-Q5"), "Kỳ “2026-Q5” không hợp lệ"),
        (_draft(signed_on="2026-12-01"), "Ngày ký không được sau hôm nay."),
        (_draft(item="ba"), "item"),
    ]:
        response = api.post(url, data, JSON, **headers)
        assert response.status_code == 422, data
        assert expected in response.json()["detail"]
    assert api.post(url, "{không phải json", JSON, **headers).status_code in (400, 422)
    # A NUL character is refused before any view runs (PostgreSQL cannot store it).
    response = api.post(url, _draft(body="có\x00NUL"), JSON, **headers)
    assert response.status_code == 400 and "NUL" in response.json()["detail"]
    assert Notice.objects.count() == 0


def test_bad_relay_and_forwarding_inputs(api, officer, commune, other_commune, village, item):
    from danchu.units.services import create_village

    notice = make_notice(commune, item)
    headers = _bearer(officer)
    url = f"/api/v1/notices/{notice.pk}/forwardings"
    response = api.post(url, {"village": "khong-co", "forwarded_on": "2026-11-27"}, JSON, **headers)
    assert response.status_code == 422
    assert response.json()["detail"] == "Không tìm thấy đơn vị có mã khong-co."
    elsewhere = create_village(actor=SYSTEM, commune=other_commune, name="Thôn Khác")
    response = api.post(
        url, {"village": elsewhere.code, "forwarded_on": "2026-11-27"}, JSON, **headers
    )
    assert response.status_code == 422
    assert "không phải thôn, tổ dân phố của Xã Ứng Hòa" in response.json()["detail"]
    forwarding = services.forward_to_village(
        actor=SYSTEM, notice=notice, village=village, forwarded_on=TODAY
    )
    response = api.post(
        f"/api/v1/forwardings/{forwarding.pk}/relay",
        {"method": "bồ câu", "relayed_on": "2026-11-27"},
        JSON,
        **headers,
    )
    assert response.status_code == 422
    assert "method" in response.json()["detail"]
    response = api.post(
        f"/api/v1/forwardings/{forwarding.pk}/relay",
        {"method": "meeting", "relayed_on": "2026-11-26"},
        JSON,
        **headers,
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Ngày truyền đạt không được trước ngày nhận (27/11/2026)."


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/units/00000/notices"),
        ("get", "/api/v1/notices/999999"),
        ("get", "/api/v1/notices/99999999999999999999999"),
        ("post", "/api/v1/notices/999999/publish"),
        ("post", "/api/v1/postings/999999/repost"),
        ("post", "/api/v1/forwardings/999999/relay"),
        ("get", "/api/v1/units/00000/notices/compliance"),
    ],
)
def test_unknown_ids_and_codes_are_404(api, officer, method, path):
    body = {"started_on": "2026-11-27", "method": "sms", "relayed_on": "2026-11-27"}
    response = getattr(api, method)(path, body, JSON, **_bearer(officer))
    assert response.status_code == 404
    assert "Không tìm thấy" in response.json()["detail"]


def test_search_text_with_nul_is_400(api, commune):
    response = api.get(f"/api/v1/units/{commune.code}/notices", {"q": "a\x00b"})
    assert response.status_code == 400
    assert api.get("/api/v1/units/%00/notices").status_code == 400


def test_village_head_of_the_commune_sees_no_drafts_and_no_flags(api, commune, village, item):
    make_notice(commune, item, publish=False)
    head = make_user("truong_thon_2", Role.VILLAGE_HEAD, village)
    body = api.get(f"/api/v1/units/{village.code}/notices", **_bearer(head)).json()
    assert body == {"items": [], "count": 0}


# --- the spec -------------------------------------------------------------------------------


def test_openapi_spec_lists_the_disclosures_paths(api, db):
    spec = api.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    expected = {
        "/api/v1/art11-items": ["get"],
        "/api/v1/units/{code}/notices": ["get", "post"],
        "/api/v1/units/{code}/notices/compliance": ["get"],
        "/api/v1/notices/{notice_id}": ["get", "patch"],
        "/api/v1/notices/{notice_id}/publish": ["post"],
        "/api/v1/notices/{notice_id}/attachments": ["post"],
        "/api/v1/notices/{notice_id}/postings": ["post"],
        "/api/v1/notices/{notice_id}/airings": ["post"],
        "/api/v1/notices/{notice_id}/forwardings": ["post"],
        "/api/v1/postings/{posting_id}/take-down": ["post"],
        "/api/v1/postings/{posting_id}/repost": ["post"],
        "/api/v1/forwardings/{forwarding_id}/relay": ["post"],
    }
    for path, methods in expected.items():
        assert sorted(paths[path]) == methods, path
        for method in methods:
            operation = paths[path][method]
            assert operation["tags"] == ["disclosures"]
            assert operation["summary"]
