"""Open311 GeoReport v2 at /open311/v2/, checked field by field against the spec's lists.

http://wiki.open311.org/GeoReport_v2 — services, service definition, POST and GET requests,
one request, errors. Never who filed, never a denunciation, never an HTML error.
"""

import datetime as dt
import json
import re
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danchu.accounts.services import create_token
from danchu.core import throttle
from danchu.petitions import services
from danchu.petitions.models import Petition

from .conftest import file_one

BASE = "/open311/v2"
SERVICE_FIELDS = {
    "service_code": str,
    "service_name": str,
    "description": str,
    "metadata": bool,
    "type": str,
    "keywords": str,
    "group": str,
}
# GeoReport v2 "GET Service Requests" response: each field and the types it may take.
REQUEST_FIELDS = {
    "service_request_id": (str,),
    "status": (str,),
    "status_notes": (str, type(None)),
    "service_name": (str,),
    "service_code": (str,),
    "description": (str, type(None)),
    "agency_responsible": (str, type(None)),
    "service_notice": (str, type(None)),
    "requested_datetime": (str,),
    "updated_datetime": (str,),
    "expected_datetime": (str, type(None)),
    "address": (str, type(None)),
    "address_id": (str, int, type(None)),
    "zipcode": (str, int, type(None)),
    "lat": (float, type(None)),
    "long": (float, type(None)),
    "media_url": (str, type(None)),
}
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")
IDENTITY = ["Trần Thị Mai", "0912345678", "mai.tran@example.vn", "Xóm 2, thôn Đông Lỗ"]


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def parse_xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own response, in a test


def json_of(response, status=200):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def error_of(response, status):
    data = json_of(response, status)
    assert isinstance(data, list) and len(data) == 1
    assert set(data[0]) == {"code", "description"}
    assert data[0]["code"] == status
    vietnamese, english = data[0]["description"].split(" / ", 1)
    assert vietnamese.strip() and english.strip()
    return data[0]["description"]


def assert_request_fields(item):
    assert set(item) == set(REQUEST_FIELDS), set(item) ^ set(REQUEST_FIELDS)
    for name, types in REQUEST_FIELDS.items():
        assert isinstance(item[name], types), (name, item[name])
    assert item["status"] in ("open", "closed")
    for name in ("requested_datetime", "updated_datetime"):
        assert W3C.match(item[name]), item[name]
    if item["expected_datetime"] is not None:
        assert W3C.match(item["expected_datetime"])


def assert_no_identity(response):
    text = response.content.decode()
    for value in IDENTITY:
        assert value not in text, value


def filed(unit, **changes):
    changes.setdefault("filer_email", "mai.tran@example.vn")
    return file_one(unit, **changes).petition


def form(village, **changes):
    data = {
        "jurisdiction_id": village.code,
        "service_code": "ha-tang",
        "lat": "20.712345",
        "long": "105.801234",
        "address_string": "Ngã ba Đông Lỗ, xã Ứng Hòa",
        "description": "Ba bóng đèn đường tắt đã hai tuần.\nBuổi tối rất tối.",
        "email": "mai.tran@example.vn",
        "first_name": "Thị Mai",
        "last_name": "Trần",
        "phone": "0912345678",
        "device_id": "abc",
        "attribute[X]": "1",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- services -----------------------------------------------------------------------------


def test_service_list_has_the_spec_fields(client, db):
    data = json_of(client.get(f"{BASE}/services.json"))
    assert len(data) >= 10
    for service in data:
        assert set(service) == set(SERVICE_FIELDS)
        for name, kind in SERVICE_FIELDS.items():
            assert isinstance(service[name], kind), name
        assert service["metadata"] is False and service["type"] == "realtime"
    land = next(s for s in data if s["service_code"] == "dat-dai-gpmb")
    assert land["service_name"] == "Đất đai, bồi thường, giải phóng mặt bằng"
    assert land["group"] == "Đất đai" and "GPMB" in land["keywords"]


def test_service_list_in_xml(client, db):
    response = client.get(f"{BASE}/services.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = parse_xml(response.content)
    assert root.tag == "services"
    first = root.find("service")
    assert {child.tag for child in first} == set(SERVICE_FIELDS)
    assert first.find("metadata").text == "false"


def test_service_definition(client, commune):
    data = json_of(client.get(f"{BASE}/services/ha-tang.json", {"jurisdiction_id": "10402"}))
    assert data == {"service_code": "ha-tang", "attributes": []}
    root = parse_xml(client.get(f"{BASE}/services/ha-tang.xml").content)
    assert root.tag == "service_definition" and root.find("service_code").text == "ha-tang"
    assert "khong-co" in error_of(client.get(f"{BASE}/services/khong-co.json"), 404)
    error_of(client.get(f"{BASE}/services.json", {"jurisdiction_id": "khong-co"}), 404)


def test_discovery(client, db):
    data = json_of(client.get(f"{BASE}/discovery.json"))
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert "application/json" in endpoint["formats"]


# --- POST requests ------------------------------------------------------------------------


def test_anonymous_post_files_feedback_and_gives_the_secret_once(client, village):
    response = client.post(f"{BASE}/requests.json", form(village))
    data = json_of(response)
    assert isinstance(data, list) and len(data) == 1
    assert set(data[0]) == {"service_request_id", "service_notice", "account_id"}
    petition = Petition.objects.get()
    assert data[0]["service_request_id"] == petition.code
    assert data[0]["account_id"] is None
    assert petition.kind == "feedback" and petition.channel == "open311"
    assert petition.unit == village and petition.filer is None
    assert petition.filer_name == "Trần Thị Mai"
    assert petition.filer_phone == "0912345678"
    assert petition.filer_email == "mai.tran@example.vn"
    assert petition.title == "Ba bóng đèn đường tắt đã hai tuần."
    assert str(petition.latitude) == "20.712345"
    assert petition.address == "Ngã ba Đông Lỗ, xã Ứng Hòa"
    secret = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", data[0]["service_notice"]).group(0)
    assert services.check_secret(petition, secret)
    assert data[0]["service_notice"].startswith(f"Đã tiếp nhận {petition.code}")
    # The secret is in no later response.
    later = client.get(f"{BASE}/requests/{petition.code}.json")
    assert secret not in later.content.decode()
    assert_no_identity(later)


def test_post_with_an_api_key_files_as_that_user(client, village, resident):
    key = create_token(user=resident)
    data = json_of(client.post(f"{BASE}/requests.json", form(village, api_key=key)))
    petition = Petition.objects.get(code=data[0]["service_request_id"])
    assert petition.filer == resident
    description = error_of(client.post(f"{BASE}/requests.json", form(village, api_key="sai")), 403)
    assert description.startswith("api_key không hợp lệ")
    assert Petition.objects.count() == 1


def test_post_in_xml(client, village):
    response = client.post(f"{BASE}/requests.xml", form(village))
    assert response.status_code == 200
    root = parse_xml(response.content)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request.find("service_request_id").text == Petition.objects.get().code
    assert request.find("account_id").text is None
    bad = client.post(f"{BASE}/requests.xml", form(village, service_code=None))
    assert bad.status_code == 400 and bad["Content-Type"] == "text/xml; charset=utf-8"
    error = parse_xml(bad.content).find("error")
    assert error.find("code").text == "400"
    assert "service_code" in error.find("description").text


@pytest.mark.parametrize(
    ("changes", "status", "needle"),
    [
        ({"jurisdiction_id": None}, 400, "jurisdiction_id"),
        ({"jurisdiction_id": "khong-co"}, 404, "jurisdiction_id khong-co was not found"),
        ({"service_code": None}, 400, "service_code was not provided"),
        ({"service_code": "khong-co"}, 404, "service_code khong-co was not found"),
        ({"lat": None, "long": None, "address_string": None}, 400, "location is required"),
        ({"lat": "91", "address_string": None}, 400, "Tọa độ latitude không hợp lệ"),
        ({"lat": "abc"}, 400, "Tọa độ latitude"),
        ({"long": None, "address_string": None}, 400, "location is required"),
        ({"description": None}, 400, "description is required"),
        ({"description": "x" * 9000}, 400, "description is too long"),
        ({"phone": "12"}, 400, "Số điện thoại không hợp lệ"),
        ({"email": "khong-phai-email"}, 400, "Invalid email address"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ],
)
def test_bad_posts_are_refused_and_write_nothing(client, village, changes, status, needle):
    description = error_of(client.post(f"{BASE}/requests.json", form(village, **changes)), status)
    assert needle in description
    assert not Petition.objects.exists()


def test_post_for_a_province_is_refused(client, province, village):
    description = error_of(
        client.post(f"{BASE}/requests.json", form(village, jurisdiction_id=province.code)), 400
    )
    assert description.startswith("Hãy chọn xã, phường")
    assert not Petition.objects.exists()


def test_post_needs_no_csrf_token_and_keeps_the_media_url_as_text(village):
    client = Client(enforce_csrf_checks=True)
    url = "https://example.vn/anh/den.jpg"
    response = client.post(f"{BASE}/requests.json", form(village, media_url=url))
    assert response.status_code == 200
    assert url in Petition.objects.get().text


def test_a_location_by_address_alone_or_by_address_id(client, village):
    data = json_of(
        client.post(f"{BASE}/requests.json", form(village, lat=None, long=None, address_id="A1"))
    )
    petition = Petition.objects.get(code=data[0]["service_request_id"])
    assert petition.latitude is None and petition.address == "Ngã ba Đông Lỗ, xã Ứng Hòa"


def test_anonymous_posts_are_throttled(client, village):
    for _ in range(20):
        throttle.count_failure("petition-file", "127.0.0.1")
    description = error_of(client.post(f"{BASE}/requests.json", form(village)), 429)
    assert "quá nhiều lần" in description
    assert not Petition.objects.exists()


# --- GET requests -------------------------------------------------------------------------


def test_get_requests_field_by_field_and_no_identity(client, commune, village, officer):
    petition = filed(village)
    services.accept(actor=officer, petition=petition)
    services.answer(actor=officer, petition=petition, text="Đã thay bóng đèn.", public=True)
    open_one = filed(village, category="moi-truong")
    response = client.get(f"{BASE}/requests.json")
    assert_no_identity(response)
    data = json_of(response)
    assert [item["service_request_id"] for item in data] == [open_one.code, petition.code]
    for item in data:
        assert_request_fields(item)
    closed, opened = data[1], data[0]
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "Đã trả lời, giải quyết: Đã thay bóng đèn."
    assert closed["service_code"] == "ha-tang"
    assert closed["agency_responsible"] == commune.name
    assert closed["expected_datetime"] is None
    assert closed["lat"] is None and closed["address"] is None  # none was given
    assert opened["status"] == "open" and opened["status_notes"] == "Đã tiếp nhận"
    assert opened["description"] == open_one.text
    assert opened["expected_datetime"] == "2026-12-11T23:59:59+07:00"
    assert opened["requested_datetime"] == "2026-11-27T16:00:00+07:00"
    assert opened["service_notice"].startswith("Trong hạn — hạn 11/12/2026")
    # XML, the same fields.
    root = parse_xml(client.get(f"{BASE}/requests.xml").content)
    assert root.tag == "service_requests"
    assert {child.tag for child in root.find("request")} == set(REQUEST_FIELDS)


def test_denunciations_never_appear_and_private_items_have_no_description(client, village):
    denunciation = filed(village, kind="denunciation", category="can-bo")
    private = filed(village, is_public=False, address="Ngõ 3", latitude="20.7", longitude="105.8")
    response = client.get(f"{BASE}/requests.json")
    assert_no_identity(response)
    data = json_of(response)
    assert [item["service_request_id"] for item in data] == [private.code]
    item = data[0]
    assert_request_fields(item)
    assert item["description"] is None and item["address"] is None and item["lat"] is None
    assert denunciation.title not in response.content.decode()
    error_of(client.get(f"{BASE}/requests/{denunciation.code}.json"), 404)
    listed = json_of(client.get(f"{BASE}/requests.json", {"service_request_id": denunciation.code}))
    assert listed == []


def test_filters_by_id_code_status_and_jurisdiction(
    client, commune, other_commune, village, officer
):
    first = filed(village)
    second = filed(village, category="moi-truong")
    services.refuse(actor=officer, petition=second, reason="Không thuộc thẩm quyền của xã")
    elsewhere = filed(other_commune)
    url = f"{BASE}/requests.json"

    def codes(**params):
        return [item["service_request_id"] for item in json_of(client.get(url, params))]

    assert codes(service_request_id=f"{second.code},{first.code.lower()},PAKN-X") == [
        second.code,
        first.code,
    ]
    assert codes(service_code="moi-truong") == [second.code]
    assert codes(service_code="moi-truong,ha-tang") == [elsewhere.code, second.code, first.code]
    assert codes(status="open") == [elsewhere.code, first.code]
    assert codes(status="closed") == [second.code]
    assert codes(status="open,closed") == [elsewhere.code, second.code, first.code]
    assert codes(jurisdiction_id=village.code) == [second.code, first.code]
    assert codes(jurisdiction_id=other_commune.code) == [elsewhere.code]
    assert codes(jurisdiction_id=commune.parent.code) == [elsewhere.code, second.code, first.code]
    refused = json_of(client.get(url, {"service_request_id": second.code}))[0]
    assert refused["status_notes"] == "Không thụ lý (có lý do): Không thuộc thẩm quyền của xã"
    error_of(client.get(url, {"status": "pending"}), 400)
    error_of(client.get(url, {"service_code": "khong-co"}), 404)
    error_of(client.get(url, {"jurisdiction_id": "khong-co"}), 404)


def test_date_range(client, village, officer, frozen_today):
    frozen_today.move_to(dt.datetime(2026, 8, 1, 2, 0, tzinfo=dt.UTC))  # 09:00 in Hà Nội
    old = filed(village)
    frozen_today.move_to(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC))
    new = filed(village)
    # Entered today by an officer, received by letter on 20 November.
    letter = file_one(
        village, actor=officer, channel="letter", received_on=dt.date(2026, 11, 20)
    ).petition
    url = f"{BASE}/requests.json"

    def codes(**params):
        return [item["service_request_id"] for item in json_of(client.get(url, params))]

    # By default the most recent 90 days.
    assert codes() == [new.code, letter.code]
    assert codes(start_date="2026-07-31T00:00:00Z", end_date="2026-08-02T00:00:00Z") == [old.code]
    # The edges are exact, to the second, in any offset.
    assert codes(start_date="2026-08-01T09:00:00+07:00", end_date="2026-08-01T09:00:00+07:00") == [
        old.code
    ]
    assert codes(start_date="2026-08-01T09:00:01+07:00", end_date="2026-08-02") == []
    assert codes(start_date="2026-08-01T01:59:59Z", end_date="2026-08-01T01:59:59Z") == []
    # The letter counts from the day it was received.
    letter_item = json_of(client.get(url, {"service_request_id": letter.code}))[0]
    assert letter_item["requested_datetime"] == "2026-11-20T00:00:00+07:00"
    assert codes(start_date="2026-11-20", end_date="2026-11-20T00:00:00+07:00") == [letter.code]
    assert codes(start_date="2026-11-20T00:00:01+07:00", end_date="2026-11-26") == []
    assert codes(start_date="2026-11-27") == [new.code]
    assert codes(end_date="2026-08-01T23:00:00+07:00") == [old.code]
    for params in (
        {"start_date": "hôm qua"},
        {"end_date": "2026-13-01T00:00:00Z"},
        {"start_date": "2026-01-01", "end_date": "2026-12-01"},
        {"start_date": "2026-12-01", "end_date": "2026-11-01"},
        {"start_date": "0001-01-01T00:00:00+14:00"},
        {"end_date": "9999-12-31T23:59:59-12:00"},
    ):
        error_of(client.get(url, params), 400)


def test_one_request_and_unknown_ones(client, village):
    petition = filed(village)
    data = json_of(client.get(f"{BASE}/requests/{petition.code.lower()}.json"))
    assert len(data) == 1 and data[0]["service_request_id"] == petition.code
    assert_request_fields(data[0])
    description = error_of(client.get(f"{BASE}/requests/PAKN-20261127-9999.json"), 404)
    assert "PAKN-20261127-9999" in description


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/requests.csv", 404),
        ("get", "/khong-co", 404),
        ("get", "/services", 404),
        ("post", "/services.json", 405),
        ("delete", "/requests.json", 405),
        ("put", "/requests/PAKN-1.json", 405),
    ],
)
def test_every_error_is_a_json_array(client, db, method, path, status):
    response = getattr(client, method)(f"{BASE}{path}")
    error_of(response, status)


def test_malformed_bodies_are_errors_not_pages(client, village):
    response = client.generic(
        "POST",
        f"{BASE}/requests.json",
        b"--b\r\n" + b"x" * 2000,
        content_type="multipart/form-data; boundary=b",
    )
    error_of(response, 400)
    assert not Petition.objects.exists()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "jurisdiction_id",
                "service_code",
                "service_request_id",
                "start_date",
                "end_date",
                "status",
                "lat",
                "long",
                "address_string",
                "description",
                "email",
                "phone",
                "api_key",
                "media_url",
                "first_name",
            ]
        ),
        st.one_of(
            st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")),
            st.sampled_from(["10402", "ha-tang", "2026-11-27", "open", "20.7", "999"]),
        ),
        max_size=8,
    ),
    method=st.sampled_from(["get", "post"]),
    fmt=st.sampled_from(["json", "xml"]),
)
def test_no_input_is_a_server_error(commune, village, params, method, fmt):
    cache.clear()
    response = getattr(Client(raise_request_exception=False), method)(
        f"{BASE}/requests.{fmt}", params
    )
    assert response.status_code < 500, response.content[:300]
    assert response["Content-Type"] in (
        "application/json; charset=utf-8",
        "text/xml; charset=utf-8",
    )
    if response.status_code >= 400:
        if fmt == "json":
            assert json.loads(response.content)[0]["code"] == response.status_code
        else:
            assert parse_xml(response.content).tag == "errors"


def test_control_characters_echoed_in_an_xml_error_stay_well_formed(client, village):
    # An unknown service code is echoed back in the error; XML cannot carry U+0001.
    response = client.post(f"{BASE}/requests.xml", form(village, service_code="ab\x01cd"))
    assert response.status_code == 404
    root = parse_xml(response.content)
    assert root.tag == "errors"
    assert "abcd" in root.find("error/description").text
