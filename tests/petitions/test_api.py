"""The petitions API: filing, the public status page, the filer's and the officer's steps.

Privacy is checked on the JSON text of every public response: no filer name, phone, e-mail
or address anywhere, no denunciation at all.
"""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.test import Client

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.accounts.services import create_token
from danchu.audit.models import Event
from danchu.core import throttle
from danchu.petitions import services
from danchu.petitions.models import Petition, PetitionFile, ReceptionBooking, ReceptionDay, Step
from tests.conftest import make_user

from .conftest import file_one

API = "/api/v1"
FILER = {
    "filer_name": "Trần Thị Mai",
    "filer_phone": "0912345678",
    "filer_email": "mai.tran@example.vn",
    "filer_address": "Xóm 2, thôn Đông Lỗ",
}
IDENTITY = [*FILER.values(), "cu_dan"]


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return Client()


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user)}"}


def post(client, url, data=None, **extra):
    return client.post(url, json.dumps(data or {}), content_type="application/json", **extra)


def body(**changes):
    data = {
        "kind": "feedback",
        "category": "ha-tang",
        "title": "Đèn đường hỏng ở ngã ba Đông Lỗ",
        "text": "Ba bóng đèn đường ở ngã ba Đông Lỗ tắt đã hai tuần, buổi tối rất tối.",
        "address": "Ngã ba Đông Lỗ",
        "latitude": 20.7,
        "longitude": 105.8,
        "is_public": True,
        **FILER,
    }
    data.update(changes)
    return data


def assert_no_identity(response):
    text = response.content.decode()
    for value in IDENTITY:
        assert value not in text, value
    assert "filer" not in json.dumps(response.json()).replace("filer_actions", "")


def bilingual(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    vietnamese, english = data["detail"].split(" / ", 1)
    assert vietnamese.strip() and english.strip()
    return data


def filed(unit, **changes):
    """(petition, secret) filed through the service, anonymous with a full identity."""
    fields = {"filer_email": FILER["filer_email"], **changes}
    result = file_one(unit, **fields)
    return result.petition, result.secret


def accepted(petition, officer):
    return services.accept(actor=officer, petition=petition)


# --- public reads -------------------------------------------------------------------------


def test_categories_are_public(api, db):
    data = api.get(f"{API}/petitions/categories").json()
    codes = [c["code"] for c in data]
    assert "ha-tang" in codes and "dat-dai-gpmb" in codes
    assert set(data[0]) == {"code", "name", "name_en", "description", "group", "keywords"}


def test_anonymous_files_feedback_and_gets_code_and_secret(api, village):
    response = post(api, f"{API}/petitions", body(unit=village.code))
    assert response.status_code == 201, response.content
    data = response.json()
    petition = Petition.objects.get()
    assert data["code"] == petition.code == "PAKN-20261127-0001"
    assert services.check_secret(petition, data["secret"])
    assert data["status_url"] == f"/p/{petition.code}/"
    assert data["notice_due_on"] == "2026-12-11"
    assert data["petition"]["viewer"] == "filer"
    assert data["petition"]["officer"] is None
    assert petition.channel == "online" and petition.filer is None
    assert petition.filer_phone == FILER["filer_phone"]

    public = api.get(f"{API}/petitions/{petition.code}")
    assert public.status_code == 200
    assert_no_identity(public)
    page = public.json()
    assert page["viewer"] == "public"
    assert page["text"].startswith("Ba bóng đèn")
    assert page["status"] == "received" and page["status_label"] == "Đã tiếp nhận"
    assert page["state"] == "on_time" and page["due_on"] == "2026-12-11"
    assert page["kind_label"] == "Phản ánh"
    assert page["category"] == {"code": "ha-tang", "name": petition.category.name}
    assert page["unit"]["code"] == village.code
    assert [s["action"] for s in page["steps"]] == ["filed"]
    assert page["filer_actions"] is None

    # The secret, in a header, shows what only the filer sees.
    mine = api.get(
        f"{API}/petitions/{petition.code.lower()}", HTTP_X_PETITION_SECRET=data["secret"]
    ).json()
    assert mine["viewer"] == "filer"
    assert mine["filer_actions"] == {
        "can_rate": False,
        "can_reopen": False,
        "can_withdraw": True,
        "followup_open": False,
    }


def test_multipart_filing_with_a_photo(api, village, png):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = body(unit=village.code, is_public="false", latitude="", longitude="")
    data["photos"] = [
        SimpleUploadedFile("den.png", png, content_type="image/png"),
        SimpleUploadedFile("den2.png", png, content_type="image/png"),
    ]
    response = api.post(f"{API}/petitions", data)
    assert response.status_code == 201, response.content
    petition = Petition.objects.get()
    assert petition.files.count() == 2
    assert petition.is_public is False
    assert petition.latitude is None
    # The filer sees their photos; the public does not.
    assert len(response.json()["petition"]["files"]) == 2
    assert api.get(f"{API}/petitions/{petition.code}").json()["files"] == []


@pytest.mark.parametrize(
    ("changes", "status", "code", "vietnamese"),
    [
        ({"category": "khong-co"}, 422, "unknown_category", "Lĩnh vực “khong-co”"),
        ({"unit": "99999"}, 422, "unknown_unit", "Không tìm thấy đơn vị"),
        (
            {"kind": "complaint", "filer_name": "", "filer_phone": "", "filer_address": ""},
            422,
            "identity_required",
            "Khiếu nại, tố cáo phải ghi rõ họ tên",
        ),
        ({"filer_phone": "12"}, 422, "bad_phone", "Số điện thoại không hợp lệ"),
        ({"title": ""}, 422, "required", "Cần nhập tiêu đề"),
        ({"kind": "rumour"}, 422, None, "Dữ liệu không hợp lệ"),
        ({"latitude": 91}, 422, None, "Dữ liệu không hợp lệ"),
        ({"text": "nul\x00"}, 400, None, "Dữ liệu chứa ký tự không hợp lệ"),
    ],
)
def test_bad_filings_are_refused_in_vietnamese_first_and_write_nothing(
    api, village, changes, status, code, vietnamese
):
    data = body(unit=village.code)
    data.update(changes)
    response = post(api, f"{API}/petitions", data)
    error = bilingual(response, status)
    assert error["detail"].startswith(vietnamese)
    if code:
        assert error["code"] == code
    assert not Petition.objects.exists()
    assert not Event.objects.filter(action__startswith="petitions.").exists()


def test_a_unit_above_the_commune_is_refused(api, province, village):
    error = bilingual(post(api, f"{API}/petitions", body(unit=province.code)), 422)
    assert error["code"] == "unit_not_local"
    assert not Petition.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused_whole(api, village):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = body(unit=village.code, latitude="", longitude="")
    data["photos"] = SimpleUploadedFile("den.png", b"not an image", content_type="image/png")
    error = bilingual(api.post(f"{API}/petitions", data), 422)
    assert error["code"] == "bad_file_type"
    assert error["detail"].startswith("Tệp “den.png” không đúng loại")
    assert not Petition.objects.exists()
    assert not PetitionFile.objects.exists()


def test_malformed_bodies_are_json_errors(api, village):
    response = api.post(f"{API}/petitions", b"{not json", content_type="application/json")
    bilingual(response, 400)
    response = api.post(f"{API}/petitions", b"[]", content_type="application/json")
    bilingual(response, 422)
    response = api.post(f"{API}/petitions", b"x", content_type="text/plain")
    bilingual(response, 415)
    assert not Petition.objects.exists()


def test_anonymous_filing_is_throttled_per_address(api, village, resident):
    for _ in range(20):
        throttle.count_failure("petition-file", "127.0.0.1")
    error = bilingual(post(api, f"{API}/petitions", body(unit=village.code)), 429)
    assert "quá nhiều lần" in error["detail"]
    assert not Petition.objects.exists()
    # A signed-in resident is not throttled by the address.
    response = post(api, f"{API}/petitions", body(unit=village.code), **bearer(resident))
    assert response.status_code == 201
    assert Petition.objects.get().filer == resident


def test_each_anonymous_filing_counts(api, village):
    for _ in range(20):
        assert post(api, f"{API}/petitions", body(unit=village.code)).status_code == 201
    assert post(api, f"{API}/petitions", body(unit=village.code)).status_code == 429
    assert Petition.objects.count() == 20


def test_private_text_is_hidden_from_the_public(api, village, officer):
    petition, secret = filed(village, is_public=False)
    public = api.get(f"{API}/petitions/{petition.code}")
    assert_no_identity(public)
    page = public.json()
    assert page["text"] is None and page["address"] is None and page["latitude"] is None
    assert page["text_public"] is False
    assert page["title"] == petition.title
    listed = api.get(f"{API}/units/{village.code}/petitions").json()["items"]
    assert [i["code"] for i in listed] == [petition.code]
    assert "text" not in listed[0]
    mine = api.get(f"{API}/petitions/{petition.code}", HTTP_X_PETITION_SECRET=secret).json()
    assert mine["text"] == petition.text


def test_public_list_of_a_unit_filters_and_never_names_anyone(api, commune, village, officer):
    first, _s = filed(village)
    second, _s = filed(village, category="moi-truong", kind="petition")
    complaint, _s = filed(village, kind="complaint", category="dat-dai-gpmb")
    denunciation, _s = filed(village, kind="denunciation", category="can-bo")
    accepted(second, officer)
    for code in (commune.code, village.code, commune.parent.code):
        response = api.get(f"{API}/units/{code}/petitions")
        assert response.status_code == 200
        assert_no_identity(response)
        data = response.json()
        codes = [i["code"] for i in data["items"]]
        assert denunciation.code not in codes
        assert codes == [complaint.code, second.code, first.code]
        assert data["count"] == 3
    url = f"{API}/units/{commune.code}/petitions"
    assert [i["code"] for i in api.get(url, {"status": "accepted"}).json()["items"]] == [
        second.code
    ]
    assert [i["code"] for i in api.get(url, {"kind": "complaint"}).json()["items"]] == [
        complaint.code
    ]
    assert [i["code"] for i in api.get(url, {"category": "moi-truong"}).json()["items"]] == [
        second.code
    ]
    assert api.get(url, {"status": "open"}).json()["count"] == 3
    assert api.get(url, {"status": "closed"}).json()["count"] == 0
    # Asking for denunciations is not a way to list them.
    assert api.get(url, {"kind": "denunciation"}).status_code == 422
    error = bilingual(api.get(url, {"category": "khong-co"}), 422)
    assert error["code"] == "unknown_category"
    bilingual(api.get(f"{API}/units/khong-co/petitions"), 404)
    item = api.get(url).json()["items"][0]
    assert item["state"] == "on_time" and item["url"] == f"/p/{complaint.code}/"


def test_a_denunciation_is_never_public(api, village, officer, outside_officer, resident):
    petition, secret = filed(village, kind="denunciation", category="can-bo")
    url = f"{API}/petitions/{petition.code}"
    assert api.get(url).status_code == 404
    assert api.get(url, **bearer(resident)).status_code == 404
    assert api.get(url, **bearer(outside_officer)).status_code == 404
    assert api.get(url, HTTP_X_PETITION_SECRET="AAAA-AAAA").status_code == 404
    # Its filer, with the secret, sees its status and public steps — no one else's notes.
    services.mark_verifying(actor=officer, petition=petition, note="Cần xác minh thêm")
    Step.objects.create(
        petition=petition, action="assigned", at=petition.created_at, on=dt.date(2026, 11, 27),
        note="ghi chú nội bộ", public=False,
    )  # fmt: skip
    mine = api.get(url, HTTP_X_PETITION_SECRET=secret)
    assert mine.status_code == 200
    data = mine.json()
    assert data["viewer"] == "filer" and data["status"] == "verifying"
    assert data["officer"] is None
    assert "ghi chú nội bộ" not in mine.content.decode()
    # Those who handle it see it, and who filed it; the reading is audited.
    handled = api.get(url, **bearer(officer)).json()
    assert handled["viewer"] == "officer"
    assert handled["officer"]["filer"]["phone"] == FILER["filer_phone"]
    assert Event.objects.filter(action="petitions.identity_viewed").exists()
    # Officer steps on it by an outsider: the same 404 as an unknown code.
    response = post(api, f"{url}/accept", {}, **bearer(outside_officer))
    assert response.status_code == 404
    # Filer steps with a wrong secret: 404 too.
    assert post(api, f"{url}/withdraw", {"secret": "AAAA-AAAA"}).status_code == 404
    # Statistics count it, naming nothing.
    stats = api.get(f"{API}/units/{village.parent.code}/petitions/statistics")
    assert stats.json()["by_kind"] == {"denunciation": 1}
    assert petition.title not in stats.content.decode()


def test_unknown_tracking_codes_are_404_json(api, db):
    error = bilingual(api.get(f"{API}/petitions/PAKN-20261127-9999"), 404)
    assert error["detail"].startswith("Không tìm thấy mã theo dõi")
    assert api.get(f"{API}/petitions/categorie").status_code == 404


# --- the officer's steps and the permission matrix ----------------------------------------


OFFICER_STEPS = [
    ("accept", {}),
    ("verify", {"note": "Cần kiểm tra hiện trường"}),
    ("refuse", {"reason": "Không thuộc thẩm quyền"}),
    ("forward", {"reason": "Thuộc huyện", "to_body": "Công ty Điện lực"}),
    ("assign", {"department": "Địa chính"}),
]


@pytest.mark.parametrize(("step", "payload"), OFFICER_STEPS)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("resident", 403), ("outside_officer", 403), ("officer", 200)],
)
def test_officer_step_permission_matrix(api, village, personas, step, payload, persona, status):
    petition, _s = filed(village)
    user = personas[persona]
    headers = bearer(user) if user else {}
    steps_before = petition.steps.count()
    response = post(api, f"{API}/petitions/{petition.code}/{step}", payload, **headers)
    assert response.status_code == status, response.content
    petition.refresh_from_db()
    if status == 200:
        data = response.json()
        assert data["viewer"] == "officer"
        assert data["officer"]["filer"]["name"] == FILER["filer_name"]
    else:
        if status == 403:
            bilingual(response, 403)
        assert petition.status == "received"
        assert petition.steps.count() == steps_before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("resident", 403), ("outside_officer", 403), ("officer", 200)],
)
def test_inbox_permission_matrix(api, commune, village, personas, persona, status):
    filed(village)
    user = personas[persona]
    response = api.get(
        f"{API}/units/{commune.code}/petitions/inbox", **(bearer(user) if user else {})
    )
    assert response.status_code == status
    if status == 200:
        item = response.json()["items"][0]
        assert item["filer"] == {
            "name": FILER["filer_name"],
            "phone": FILER["filer_phone"],
            "email": FILER["filer_email"],
            "address": FILER["filer_address"],
            "account": None,
        }
        assert Event.objects.filter(
            action="petitions.identity_viewed", actor=user, unit=commune
        ).exists()
    else:
        assert not Event.objects.filter(action="petitions.identity_viewed").exists()


def test_inbox_is_ordered_by_due_date_overdue_first(api, commune, village, officer, frozen_today):
    frozen_today.move_to(dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC))
    old, _s = filed(village)
    frozen_today.move_to(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC))
    new, _s = filed(village)
    denunciation, _s = filed(village, kind="denunciation", category="can-bo")
    answered, _s = filed(village)
    accepted(answered, officer)
    services.answer(actor=officer, petition=answered, text="Đã sửa xong.")
    url = f"{API}/units/{commune.code}/petitions/inbox"
    data = api.get(url, **bearer(officer)).json()
    codes = [i["code"] for i in data["items"]]
    assert codes[0] == old.code
    assert set(codes) == {old.code, new.code, denunciation.code}
    assert data["items"][0]["state"] == "overdue"
    # Denunciations' due dates come first among today's (7 working days).
    assert codes.index(denunciation.code) < codes.index(new.code)
    every = api.get(url, {"show": "all"}, **bearer(officer)).json()
    assert every["count"] == 4 and every["items"][-1]["code"] == answered.code
    mine = api.get(url, {"show": "mine"}, **bearer(officer)).json()
    assert mine["count"] == 0


def test_answering_before_accepting_is_refused_and_nothing_written(api, village, officer):
    petition, _s = filed(village)
    auth = bearer(officer)
    events = Event.objects.count()
    response = post(api, f"{API}/petitions/{petition.code}/answer", {"text": "Đã sửa."}, **auth)
    error = bilingual(response, 422)
    assert error["code"] == "not_accepted"
    assert error["detail"].startswith("Phải thụ lý trước khi trả lời")
    petition.refresh_from_db()
    assert petition.status == "received" and petition.answer == ""
    assert Event.objects.count() == events


def test_a_third_extension_is_refused(api, village, officer):
    petition, _s = filed(village, kind="denunciation", category="can-bo")
    accepted(petition, officer)
    url = f"{API}/petitions/{petition.code}/extend"
    for n in (1, 2):
        response = post(api, url, {"reason": f"Phức tạp lần {n}"}, **bearer(officer))
        assert response.status_code == 200, response.content
    due = Petition.objects.get().resolve_due_on
    error = bilingual(post(api, url, {"reason": "Lần ba"}, **bearer(officer)), 422)
    assert error["code"] == "too_many_extensions"
    petition.refresh_from_db()
    assert petition.extensions == 2 and petition.resolve_due_on == due


def test_skipping_a_step_is_refused_with_english_too(api, village, officer):
    petition, _s = filed(village)
    accepted(petition, officer)
    error = bilingual(
        post(api, f"{API}/petitions/{petition.code}/verify", {"note": "x"}, **bearer(officer)),
        422,
    )
    assert error["code"] == "bad_step"


def test_complete_flow_through_the_api(api, village, officer, frozen_today):
    response = post(api, f"{API}/petitions", body(unit=village.code))
    code, secret = response.json()["code"], response.json()["secret"]
    auth = bearer(officer)
    data = post(api, f"{API}/petitions/{code}/accept", {"note": "Giao Địa chính"}, **auth).json()
    assert data["status"] == "accepted" and data["resolve_due_on"] == "2026-12-11"
    data = post(
        api,
        f"{API}/petitions/{code}/answer",
        {"text": "Đã thay ba bóng đèn ngày 28/11.", "public": True},
        **auth,
    ).json()
    assert data["status"] == "answered" and data["state"] == "answered_on_time"
    public = api.get(f"{API}/petitions/{code}")
    assert_no_identity(public)
    assert public.json()["answer"] == "Đã thay ba bóng đèn ngày 28/11."
    # The filer rates with the secret; a bad rating lets them reopen.
    rated = post(
        api, f"{API}/petitions/{code}/rate", {"secret": secret, "rating": 2, "fixed": False}
    )
    assert rated.status_code == 200, rated.content
    assert rated.json()["filer_actions"]["can_reopen"] is True
    again = post(api, f"{API}/petitions/{code}/rate", {"secret": secret, "rating": 5})
    assert bilingual(again, 422)["code"] == "already_rated"
    reopened = post(api, f"{API}/petitions/{code}/reopen", {"secret": secret, "reason": "Vẫn tối"})
    assert reopened.json()["status"] == "accepted"
    assert Petition.objects.get().reopened == 1


def test_an_unpublished_answer_is_only_for_the_filer(api, village, officer):
    petition, secret = filed(village)
    accepted(petition, officer)
    services.answer(actor=officer, petition=petition, text="Trả lời riêng.", public=False)
    public = api.get(f"{API}/petitions/{petition.code}")
    assert public.json()["answer"] is None
    assert "Trả lời riêng." not in public.content.decode()
    mine = api.get(f"{API}/petitions/{petition.code}", HTTP_X_PETITION_SECRET=secret).json()
    assert mine["answer"] == "Trả lời riêng."


def test_wrong_secrets_are_refused_then_throttled(api, village):
    petition, secret = filed(village)
    url = f"{API}/petitions/{petition.code}/withdraw"
    for _ in range(10):
        error = bilingual(post(api, url, {"secret": "AAAA-AAAA"}), 403)
        assert error["detail"].startswith("Mã bí mật không đúng")
    # Even the right secret waits now.
    bilingual(post(api, url, {"secret": secret}), 429)
    assert Petition.objects.get().status == "received"
    # Another address is not blocked.
    response = post(api, url, {"secret": secret, "reason": "Đã tự sửa"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


def test_a_signed_in_filer_needs_no_secret(api, village, resident):
    response = post(
        api, f"{API}/petitions", body(unit=village.code, kind="complaint"), **bearer(resident)
    )
    code = response.json()["code"]
    withdrawn = post(
        api, f"{API}/petitions/{code}/withdraw", {"reason": "Đã hòa giải"}, **bearer(resident)
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"


def test_staff_record_a_written_withdrawal(api, village, officer):
    petition, _s = filed(village)
    response = post(
        api,
        f"{API}/petitions/{petition.code}/withdraw",
        {"reason": "Đơn xin rút"},
        **bearer(officer),
    )
    assert response.status_code == 200
    assert Petition.objects.get().status == "withdrawn"


def test_followup_is_not_open_before_four_weeks(api, village, officer):
    petition, secret = filed(village)
    accepted(petition, officer)
    services.answer(actor=officer, petition=petition, text="Đã sửa.")
    error = bilingual(
        post(api, f"{API}/petitions/{petition.code}/followup", {"secret": secret, "fixed": True}),
        422,
    )
    assert error["code"] == "followup_not_open"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("resident", 403), ("outside_officer", 403), ("officer", 201)],
)
def test_staff_entry_matrix(api, village, personas, persona, status):
    user = personas[persona]
    data = body(unit=village.code, channel="letter", received_on="2026-11-20", kind="complaint")
    response = post(api, f"{API}/petitions", data, **(bearer(user) if user else {}))
    assert response.status_code == status, response.content
    if status == 201:
        petition = Petition.objects.get()
        assert petition.channel == "letter" and petition.entered_by == user
        assert petition.received_on == dt.date(2026, 11, 20)
        assert petition.filer is None
    else:
        assert not Petition.objects.exists()


def test_forward_to_another_commune_and_assign(
    api, village, officer, outside_officer, other_commune
):
    petition, _s = filed(village)
    auth = bearer(officer)
    error = bilingual(
        post(api, f"{API}/petitions/{petition.code}/assign", {"assignee": "khong_co"}, **auth), 422
    )
    assert error["code"] == "bad_assignee"
    data = post(
        api, f"{API}/petitions/{petition.code}/assign", {"assignee": officer.username}, **auth
    ).json()
    assert data["officer"]["assignee"] == officer.username
    # Someone who does not serve this commune cannot be assigned.
    other = post(
        api, f"{API}/petitions/{petition.code}/assign", {"assignee": "can_bo_xa_khac"}, **auth
    )
    assert bilingual(other, 422)["code"] == "bad_assignee"
    error = bilingual(
        post(
            api,
            f"{API}/petitions/{petition.code}/forward",
            {"reason": "x", "to_commune": "0"},
            **auth,
        ),
        422,
    )
    assert error["code"] == "unknown_unit"
    response = post(
        api,
        f"{API}/petitions/{petition.code}/forward",
        {"reason": "Thuộc xã bên", "to_commune": other_commune.code},
        **auth,
    )
    assert response.status_code == 200
    assert response.json()["commune"]["code"] == other_commune.code
    # No longer this officer's: the public view.
    assert response.json()["viewer"] == "public"


# --- statistics ---------------------------------------------------------------------------


def test_statistics_of_a_unit(api, commune, village, officer):
    petition, _s = filed(village)
    filed(village, category="moi-truong")
    accepted(petition, officer)
    services.answer(actor=officer, petition=petition, text="Đã sửa.")
    response = api.get(f"{API}/units/{commune.parent.code}/petitions/statistics")
    assert response.status_code == 200
    assert_no_identity(response)
    data = response.json()
    assert (data["received"], data["answered"], data["answered_on_time"]) == (2, 1, 1)
    assert data["on_time_share"] == 1.0
    assert data["by_commune"][0]["commune"] == commune.code
    assert data["start"] == "2025-11-28" and data["end"] == "2026-11-27"
    ranged = api.get(
        f"{API}/units/{commune.code}/petitions/statistics",
        {"start": "2026-11-28", "end": "2026-12-31"},
    ).json()
    assert ranged["received"] == 0
    error = bilingual(
        api.get(
            f"{API}/units/{commune.code}/petitions/statistics",
            {"start": "2026-12-01", "end": "2026-11-01"},
        ),
        422,
    )
    assert error["code"] == "bad_range"
    bilingual(api.get(f"{API}/units/{commune.code}/petitions/statistics", {"start": "x"}), 422)


# --- citizen reception --------------------------------------------------------------------


def test_reception_schedule_booking_and_privacy(api, commune, village, officer, resident):
    auth = bearer(officer)
    day_in = {
        "weekday": 3,
        "starts_at": "07:30",
        "ends_at": "11:30",
        "place": "Trụ sở UBND xã",
        "host": "Chủ tịch UBND xã",
    }
    assert post(api, f"{API}/units/{commune.code}/reception/days", day_in).status_code == 401
    denied = post(api, f"{API}/units/{commune.code}/reception/days", day_in, **bearer(resident))
    bilingual(denied, 403)
    made = post(api, f"{API}/units/{commune.code}/reception/days", day_in, **auth)
    assert made.status_code == 201, made.content
    day = ReceptionDay.objects.get()
    schedule = api.get(f"{API}/units/{village.code}/reception").json()
    assert schedule["commune"]["code"] == commune.code
    first = schedule["days"][0]
    assert first["weekday_label"] == "Thứ Năm"
    assert first["dates"][0] == {"on": "2026-12-03", "free": day.capacity}

    booking = post(
        api,
        f"{API}/units/{commune.code}/reception/bookings",
        {
            "day": day.pk,
            "on": "2026-12-03",
            "name": "Lê Văn Tám",
            "phone": "0987654321",
            "topic": "Tranh chấp ranh giới đất",
        },
    )
    assert booking.status_code == 201, booking.content
    assert "0987654321" not in booking.content.decode()
    assert booking.json()["code"] == ReceptionBooking.objects.get().code
    schedule = api.get(f"{API}/units/{commune.code}/reception")
    assert schedule.json()["days"][0]["dates"][0]["free"] == day.capacity - 1
    assert "Lê Văn Tám" not in schedule.content.decode()
    # A Wednesday is not a reception day; another commune's day is not this one's.
    error = bilingual(
        post(
            api,
            f"{API}/units/{commune.code}/reception/bookings",
            {"day": day.pk, "on": "2026-12-02", "name": "A", "phone": "0987654321", "topic": "x"},
        ),
        422,
    )
    assert error["code"] == "bad_day"
    assert ReceptionBooking.objects.count() == 1
    # Officers see who booked; their reading is audited.
    listed = api.get(f"{API}/units/{commune.code}/reception/bookings", **auth).json()
    assert listed["items"][0]["phone"] == "0987654321"
    assert api.get(f"{API}/units/{commune.code}/reception/bookings").status_code == 401
    bilingual(api.get(f"{API}/units/{commune.parent.code}/reception"), 404)


def test_a_reception_entry_names_its_booking(api, commune, village, officer):
    day = services.set_reception_day(
        actor=SYSTEM,
        commune=commune,
        weekday=3,
        starts_at=dt.time(7, 30),
        ends_at=dt.time(11, 30),
        place="Trụ sở",
        host="Chủ tịch",
    )
    booking = services.book_reception(
        day=day, on=dt.date(2026, 12, 3), name="Lê Văn Tám", phone="0987654321", topic="Đất"
    )
    data = body(unit=village.code, channel="reception", reception_booking=booking.code)
    response = post(api, f"{API}/petitions", data, **bearer(officer))
    assert response.status_code == 201, response.content
    assert Petition.objects.get().reception == booking
    data["reception_booking"] = "TCD-20261203-9999"
    error = bilingual(post(api, f"{API}/petitions", data, **bearer(officer)), 422)
    assert error["code"] == "unknown_booking"


# --- the OpenAPI document -----------------------------------------------------------------


def test_every_petitions_operation_is_documented(api, db):
    spec = api.get(f"{API}/openapi.json").json()
    operations = [
        (path, method, op)
        for path, methods in spec["paths"].items()
        for method, op in methods.items()
        if "petitions" in op.get("tags", [])
    ]
    assert len(operations) >= 20
    for path, method, op in operations:
        assert op.get("summary") and op.get("description"), (method, path)
        codes = set(op["responses"])
        assert codes & {"200", "201"}, (method, path)
        if method == "post":
            assert "422" in codes or "403" in codes, (method, path)
    filing = spec["paths"]["/api/v1/petitions"]["post"]
    assert set(filing["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert "429" in filing["responses"]


def test_an_officer_without_a_token_second_factor_is_still_verified(api, commune, village):
    """API tokens stand in for the second factor."""
    chair = make_user("chu_tich", Role.COMMUNE_CHAIR, commune)
    filed(village)
    response = api.get(f"{API}/units/{commune.code}/petitions/inbox", **bearer(chair))
    assert response.status_code == 200


def test_reception_hours_with_a_time_zone_are_refused(api, commune, officer):
    day_in = {"weekday": 0, "starts_at": "07:30Z", "ends_at": "11:30Z", "place": "Xã", "host": "A"}
    response = post(api, f"{API}/units/{commune.code}/reception/days", day_in, **bearer(officer))
    assert bilingual(response, 422)["detail"].startswith("Dữ liệu không hợp lệ")
    assert not ReceptionDay.objects.exists()


def test_a_refusal_reads_in_vietnamese_or_in_english_when_asked(api, village):
    bad = body(unit=village.code, filer_phone="12345")
    vietnamese = post(api, f"{API}/petitions", bad)
    assert vietnamese.status_code == 422
    assert vietnamese.json()["detail"] == "Số điện thoại không hợp lệ. / Invalid phone number."
    english = post(api, f"{API}/petitions", bad, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 422 and english.json()["detail"] == "Invalid phone number."
    assert not Petition.objects.exists()
