import json

import pytest

from danchu.accounts.services import create_token
from danchu.audit.models import Event
from danchu.people.models import Household
from danchu.units.models import Unit
from tests.conftest import client_for


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user)}"}


@pytest.fixture
def api():
    return client_for(None)


def test_openapi_spec_is_served(api, db):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"] == "danchu API"
    assert "/api/v1/units" in spec["paths"]
    assert "/api/v1/units/{code}/households/import" in spec["paths"]


def test_units_filter_by_kind_parent_and_accent_free_query(api, commune, other_commune, village):
    data = api.get("/api/v1/units", {"q": "ung hoa"}).json()
    assert [u["code"] for u in data["items"]] == ["10402"]
    assert data["items"][0]["name"] == "Xã Ứng Hòa"
    data = api.get("/api/v1/units", {"kind": "commune", "parent": "01"}).json()
    assert [u["name"] for u in data["items"]] == ["Xã Đại Xuyên", "Xã Ứng Hòa"]
    assert data["count"] == 2
    data = api.get("/api/v1/units", {"parent": "10402"}).json()
    assert [u["code"] for u in data["items"]] == [village.code]
    assert data["items"][0]["parent"] == "10402"


def test_unit_detail_counts_without_personal_data(api, village):
    from danchu.accounts.permissions import SYSTEM
    from danchu.people.services import import_households

    import_households(
        actor=SYSTEM,
        village=village,
        filename="h.csv",
        data="ma_ho,chu_ho,so_dien_thoai\nH1,Lê Văn Tám,0912345678\n".encode(),
    )
    body = api.get(f"/api/v1/units/{village.parent.code}").json()
    assert (body["household_count"], body["people_count"], body["child_count"]) == (1, 1, 1)
    assert "0912345678" not in json.dumps(body)


@pytest.mark.parametrize(
    "params,field",
    [
        ({"kind": "galaxy"}, "kind"),
        ({"limit": "-1"}, "limit"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_query_is_422_with_a_message(api, db, params, field):
    response = api.get("/api/v1/units", params)
    assert response.status_code == 422
    assert field in response.json()["detail"]


def test_unknown_unit_is_404_json(api, db):
    response = api.get("/api/v1/units/khong-co")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.json()["detail"]


def test_writes_need_a_bearer_token(api, commune):
    response = api.post(
        "/api/v1/units/10402/villages", {"name": "Thôn Mới"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    response = api.post(
        "/api/v1/units/10402/villages",
        {"name": "Thôn Mới"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer sai",
    )
    assert response.status_code == 401
    assert not Unit.objects.filter(name="Thôn Mới").exists()


def test_officer_creates_a_village_and_bad_input_is_422(api, officer, commune):
    headers = _bearer(officer)
    response = api.post(
        "/api/v1/units/10402/villages",
        {"name": "Thôn Thanh Âm"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    assert response.json()["code"] == "10402-01"
    response = api.post(
        "/api/v1/units/10402/villages",
        {"name": "thôn thanh âm"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    assert "đã có đơn vị" in response.json()["detail"]
    response = api.post(
        "/api/v1/units/10402/villages", {"name": ""}, content_type="application/json", **headers
    )
    assert response.status_code == 422
    response = api.post(
        "/api/v1/units/10402/villages", "{not json", content_type="application/json", **headers
    )
    assert response.status_code in (400, 422)
    assert Unit.objects.filter(kind="village").count() == 1


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
def test_api_permission_matrix_for_creating_a_village(api, personas, persona, status, commune):
    headers = _bearer(personas[persona])
    before = Event.objects.count()
    response = api.post(
        "/api/v1/units/10402/villages",
        {"name": "Thôn Phú Lương"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == status
    if status == 403:
        assert "quyền" in response.json()["detail"]
        assert not Unit.objects.filter(name="Thôn Phú Lương").exists()
        assert Event.objects.count() == before


def test_households_roll_and_import_through_the_api(api, officer, resident, village):
    from django.core.files.uploadedfile import SimpleUploadedFile

    headers = _bearer(officer)
    upload = SimpleUploadedFile("ho.csv", "ma_ho,chu_ho\nH1,Lê Văn Tám\nH2,\n".encode())
    response = api.post(
        f"/api/v1/units/{village.code}/households/import", {"file": upload}, **headers
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"line": 3, "column": "chu_ho", "message": "thiếu họ tên chủ hộ."}
    ]
    assert Household.objects.count() == 0
    upload = SimpleUploadedFile("ho.csv", "ma_ho,chu_ho\nH1,Lê Văn Tám\n".encode())
    response = api.post(
        f"/api/v1/units/{village.code}/households/import", {"file": upload}, **headers
    )
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    roll = api.get(f"/api/v1/units/{village.code}/households", **headers).json()
    assert roll["items"][0]["representative"] == "Lê Văn Tám"
    assert (
        api.get(f"/api/v1/units/{village.code}/households", **_bearer(resident)).status_code == 403
    )


def test_me_lists_grants(api, officer):
    body = api.get("/api/v1/me", **_bearer(officer)).json()
    assert body["username"] == "can_bo_xa"
    assert body["grants"] == [
        {
            "role": "commune_officer",
            "role_label": "Cán bộ, công chức cấp xã",
            "unit": "10402",
            "unit_name": "Xã Ứng Hòa",
        }
    ]


def test_nul_characters_are_refused_not_a_server_error(api, db):
    response = api.get("/api/v1/units", {"q": "ung\x00hoa"})
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    response = api.get("/u/", {"q": "a\x00"})
    assert response.status_code == 400


def _json_error(response, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response.headers["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    vietnamese, english = detail.split(" / ", 1)
    assert vietnamese.strip() and english.strip(), detail
    return detail


@pytest.mark.parametrize("limit,shown", [(1024, "1 KB"), (1024 * 1024, "1 MB")])
def test_form_fields_over_the_upload_limit_are_413_json(
    api, officer, village, settings, limit, shown
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # Files do not count towards DATA_UPLOAD_MAX_MEMORY_SIZE; the other fields of a form do.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = limit
    upload = SimpleUploadedFile("ho.csv", b"ma_ho,chu_ho\nH1,A\n")
    response = api.post(
        f"/api/v1/units/{village.code}/households/import",
        {"file": upload, "note": "x" * (limit + 1)},
        **_bearer(officer),
    )
    detail = _json_error(response, 413)
    assert detail.startswith(f"Dữ liệu gửi lên vượt quá giới hạn ({shown}) / ")
    assert Household.objects.count() == 0


def test_too_many_fields_or_files_in_an_upload_is_400_json(api, officer, village, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/api/v1/units/{village.code}/households/import"
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    files = [SimpleUploadedFile(f"ho{n}.csv", b"ma_ho,chu_ho\nH1,A\n") for n in range(2)]
    response = api.post(url, {"file": files}, **_bearer(officer))
    assert _json_error(response, 400).startswith("Dữ liệu gửi lên có quá nhiều trường hoặc tệp")

    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    upload = SimpleUploadedFile("ho.csv", b"ma_ho,chu_ho\nH1,A\n")
    response = api.post(url, {"file": upload, "a": "1", "b": "2", "c": "3"}, **_bearer(officer))
    assert _json_error(response, 400).startswith("Dữ liệu gửi lên có quá nhiều trường hoặc tệp")
    assert Household.objects.count() == 0


@pytest.mark.parametrize(
    "path,default",
    [
        ("/api/v1/units", 50),
        ("/api/v1/units/{code}/households", 100),
        ("/api/v1/units/{code}/notices", 20),
        ("/api/v1/units/{code}/matters", 20),
        ("/api/v1/units/{code}/consultations", 50),
        ("/api/v1/me/opinions", 50),
    ],
)
def test_openapi_shows_each_lists_page_size_and_bounds(api, db, path, default):
    from danchu.api.pagination import MAX_OFFSET, MAX_PAGE

    spec = api.get("/api/v1/openapi.json").json()
    params = {p["name"]: p["schema"] for p in spec["paths"][path]["get"]["parameters"]}
    assert params["limit"] | {"description": ""} == {
        "default": default,
        "minimum": 1,
        "maximum": MAX_PAGE,
        "title": "Limit",
        "type": "integer",
        "description": "",
    }
    assert (params["offset"]["minimum"], params["offset"]["maximum"]) == (0, MAX_OFFSET)
    assert MAX_OFFSET + MAX_PAGE == 2**63 - 1


def test_household_roll_pages(api, officer, village):
    from danchu.accounts.permissions import SYSTEM
    from danchu.people.services import import_households

    rows = "".join(f"H{n:03},Lê Văn Tám\n" for n in range(1, 102))
    import_households(
        actor=SYSTEM, village=village, filename="h.csv", data=f"ma_ho,chu_ho\n{rows}".encode()
    )
    url = f"/api/v1/units/{village.code}/households"
    headers = _bearer(officer)
    first = api.get(url, **headers).json()
    assert (len(first["items"]), first["count"]) == (100, 101)
    rest = api.get(url, {"offset": 100}, **headers).json()
    assert [h["code"] for h in rest["items"]] == sorted(
        {f"H{n:03}" for n in range(1, 102)} - {h["code"] for h in first["items"]}
    )
    assert len(api.get(url, {"limit": 500}, **headers).json()["items"]) == 101
    response = api.get(url, {"limit": 501}, **headers)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Dữ liệu không hợp lệ / invalid input: limit: Input should be less than or equal to 500"
    )


def test_officer_merges_villages_through_the_api(api, officer, commune, village, other_village):
    headers = _bearer(officer)
    url = f"/api/v1/units/{commune.code}/merge"
    body = {"sources": [village.code, other_village.code], "effective": "2026-07-01"}
    refused = api.post(
        url,
        body | {"effective": "0001-01-01", "new_name": "Thôn Đông Hòa"},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 422 and refused.json()["code"] == "bad_effective_date"
    anonymous = api.post(url, body, content_type="application/json")
    assert anonymous.status_code == 401
    merged = api.post(
        url,
        body | {"new_name": "Thôn Đông Hòa", "decision": "NQ 12/NQ-HĐND"},
        content_type="application/json",
        **headers,
    )
    assert merged.status_code == 200 and merged.json()["name"] == "Thôn Đông Hòa"
    village.refresh_from_db()
    assert village.successor.code == merged.json()["code"]
    unknown = api.post(
        url,
        {"sources": ["khong-co"], "effective": "2026-08-01"},
        content_type="application/json",
        **headers,
    )
    assert unknown.status_code == 404
