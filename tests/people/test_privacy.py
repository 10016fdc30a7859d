"""A resident sees and exports what danchu holds about them and asks for it to be corrected,
deleted or no longer used; the commune answers within 2 working days (NĐ 356/2025, R45)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.core.errors import ValidationError
from danchu.decisions import services as decisions
from danchu.notify.models import Message
from danchu.people import privacy
from danchu.people.models import DataRequest, Household, Person
from danchu.petitions import services as petitions
from tests.conftest import client_for, make_user
from tests.decisions.conftest import open_matter

# Friday 27 November 2026: two working days later is Tuesday 1 December.
FRIDAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def friday():
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def household(village):
    rep = Person.objects.create(full_name="Nguyễn Thị Hoa", birth_year=1978, phone="0912345678")
    household = Household.objects.create(
        village=village, code="H042", address="Xóm 3, thôn Đông Lỗ", representative=rep
    )
    rep.household = household
    rep.save()
    return household


@pytest.fixture
def hoa(household):
    user = make_user("hoa", Role.RESIDENT, household.village)
    user.email = "hoa@example.vn"
    user.save()
    Person.objects.filter(pk=household.representative_id).update(user=user)
    user.refresh_from_db()
    return user


@pytest.fixture
def officer_mail(officer):
    officer.email = "canbo@ungoa.gov.vn"
    officer.save()
    return officer


def section(data, key):
    return next(s for s in data["sections"] if s["key"] == key)["rows"]


def test_the_page_gathers_what_every_app_holds(hoa, household, village):
    petitions.file_petition(
        actor=hoa,
        kind="feedback",
        category="ha-tang",
        unit=village,
        title="Đèn đường xóm 3 hỏng",
        text="Ba cột đèn đầu xóm 3 không sáng từ tuần trước, buổi tối đi lại rất tối.",
        filer_name="Nguyễn Thị Hoa",
        filer_phone="0912345678",
    )
    open_vote = open_matter(village, form="ballot", agreed=True, households=0)
    secret_vote = open_matter(village, form="ballot", agreed=True, households=0, secret=True)
    for matter in (open_vote, secret_vote):
        option = matter.options.first()
        decisions.cast_as_representative(user=hoa, matter=matter, option_id=option.pk)

    data = privacy.gather(hoa)
    assert section(data, "person")[0]["Số điện thoại"] == "0912345678"
    assert section(data, "household")[0]["Mã hộ"] == "H042"
    assert section(data, "household")[0]["Đại diện hộ"] == "có"
    assert section(data, "grants")[0]["Vai trò"] == "Người dân"
    assert section(data, "petitions")[0]["Tiêu đề"] == "Đèn đường xóm 3 hỏng"
    votes = section(data, "household_votes")
    assert len(votes) == 2
    chosen = {v["Phương án đã chọn"] for v in votes}
    assert open_vote.options.first().label in chosen
    assert "bỏ phiếu kín: không lưu" in chosen  # a secret ballot's choice is never kept

    page = client_for(hoa).get("/me/data/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đèn đường xóm 3 hỏng" in html and "H042" in html and "0912345678" in html


def test_the_export_is_a_json_file_and_is_audited(hoa):
    response = client_for(hoa).get("/me/data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    body = json.loads(response.content)
    titles = [s["title"] for s in body["sections"]]
    assert "Thông tin cá nhân" in titles and "Hộ gia đình" in titles
    person = next(s for s in body["sections"] if s["title"] == "Thông tin cá nhân")
    assert person["records"][0]["Họ và tên"] == "Nguyễn Thị Hoa"
    assert Event.objects.filter(action="people.data_exported", actor=hoa).count() == 1


def test_anonymous_visitors_are_sent_to_log_in(db):
    for path in ("/me/data/", "/me/data.json"):
        response = client_for(None).get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_request_runs_two_working_days_and_tells_the_commune(hoa, officer_mail):
    response = client_for(hoa).post(
        "/me/data/", {"kind": "correction", "details": "Năm sinh đúng là 1979, không phải 1978."}
    )
    assert response.status_code == 302
    request = DataRequest.objects.get()
    # Received Friday 27/11; Saturday and Sunday are not working days.
    assert (request.received_on, request.due_on) == (FRIDAY, dt.date(2026, 12, 1))
    assert request.unit == hoa.person.household.village
    assert Message.objects.filter(recipient="canbo@ungoa.gov.vn").count() == 1
    assert Event.objects.filter(action="people.data_request_filed").count() == 1
    page = client_for(hoa).get("/me/data/").content.decode()
    assert "01/12/2026" in page and "Năm sinh đúng là 1979" in page


def test_the_clock_skips_a_holiday(hoa):
    # Wednesday 29 April 2026: 30/4 and 1/5 are holidays, then a weekend.
    request = privacy.file_request(
        user=hoa, kind="deletion", details="Xóa số điện thoại cũ.", today=dt.date(2026, 4, 29)
    )
    assert request.due_on == dt.date(2026, 5, 5)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "correction", "details": "   "}, "Hãy ghi rõ"),
        ({"kind": "sell-my-data", "details": "x"}, "Loại yêu cầu không hợp lệ"),
        ({"details": "Xóa giúp tôi"}, "Hãy chọn loại yêu cầu"),
        ({"kind": "deletion", "details": "x" * 2001}, "dài quá 2000 ký tự"),
    ],
)
def test_a_bad_request_is_refused_with_a_reason_and_writes_nothing(hoa, fields, message):
    response = client_for(hoa).post("/me/data/", fields)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not DataRequest.objects.exists()
    assert not Event.objects.filter(action="people.data_request_filed").exists()


def test_a_user_with_no_household_or_village_is_told_whom_to_ask(nation):
    stranger = make_user("khach")
    with pytest.raises(ValidationError, match="liên hệ UBND xã"):
        privacy.file_request(user=stranger, kind="deletion", details="Xóa tài khoản.")
    response = client_for(stranger).get("/me/data/")
    assert response.status_code == 200 and "liên hệ UBND xã" in response.content.decode()


def test_the_commune_answers_and_the_resident_is_told(hoa, officer, village):
    request = privacy.file_request(user=hoa, kind="correction", details="Sai năm sinh.")
    client = client_for(officer)
    page = client.get(f"/u/{village.parent.code}/data-requests/")
    assert page.status_code == 200 and "Sai năm sinh." in page.content.decode()

    refused = client.post(
        f"/u/{village.parent.code}/data-requests/{request.pk}/answer/",
        {"outcome": "refused", "answer": ""},
        follow=True,
    )
    assert "Hãy ghi nội dung trả lời" in refused.content.decode()
    request.refresh_from_db()
    assert request.status == "open"

    client.post(
        f"/u/{village.parent.code}/data-requests/{request.pk}/answer/",
        {"outcome": "done", "answer": "Đã sửa năm sinh thành 1979 theo căn cước."},
    )
    request.refresh_from_db()
    assert (request.status, request.answered_by, request.answered_on) == ("done", officer, FRIDAY)
    assert Message.objects.filter(recipient="hoa@example.vn").count() == 1
    event = Event.objects.get(action="people.data_request_answered")
    assert event.payload == {"outcome": "done", "late": False}
    officer.is_verified = lambda: True  # as after the second factor
    with pytest.raises(ValidationError, match="đã được trả lời"):
        privacy.answer_request(actor=officer, request=request, outcome="refused", answer="Không.")


def test_only_the_households_commune_answers(hoa, outside_officer, village_head, other_commune):
    request = privacy.file_request(user=hoa, kind="deletion", details="Xóa số điện thoại.")
    commune = hoa.person.household.village.parent
    for user in (outside_officer, village_head, hoa):
        client = client_for(user)
        assert client.get(f"/u/{commune.code}/data-requests/").status_code == 403
        response = client.post(
            f"/u/{commune.code}/data-requests/{request.pk}/answer/",
            {"outcome": "done", "answer": "Đã xóa."},
        )
        assert response.status_code == 403
    # Asked through another commune's address, the request is not found there.
    response = client_for(outside_officer).post(
        f"/u/{other_commune.code}/data-requests/{request.pk}/answer/",
        {"outcome": "done", "answer": "Đã xóa."},
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "open"
    assert not Event.objects.filter(action="people.data_request_answered").exists()


def test_overdue_requests_come_first_and_are_marked(hoa, officer, village):
    late = privacy.file_request(
        user=hoa, kind="deletion", details="Yêu cầu cũ.", today=dt.date(2026, 11, 20)
    )
    fresh = privacy.file_request(user=hoa, kind="correction", details="Yêu cầu mới.")
    done = privacy.file_request(user=hoa, kind="restriction", details="Đã xong.")
    privacy.answer_request(actor=SYSTEM, request=done, outcome="done", answer="Đã ngừng.")
    assert list(privacy.requests_under(village.parent)) == [late, fresh, done]
    assert late.is_overdue(FRIDAY) and not fresh.is_overdue(FRIDAY)
    page = client_for(officer).get(f"/u/{village.parent.code}/data-requests/").content.decode()
    assert page.count("đã quá hạn") == 1
    assert privacy.waiting(village.parent) == (2, 1)
    manage = client_for(officer).get(f"/u/{village.parent.code}/manage/").content.decode()
    assert "2 đang chờ trả lời" in manage and "1 đã quá hạn" in manage


def bearer(user):
    from danchu.accounts.services import create_token

    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user)}"}


def test_the_same_through_the_api(hoa, officer, outside_officer, village):
    from django.test import Client

    api = Client()
    mine = api.get("/api/v1/me/data", **bearer(hoa))
    assert mine.status_code == 200
    sections = {s["key"]: s["rows"] for s in mine.json()["sections"]}
    assert sections["household"][0]["Mã hộ"] == "H042"

    bad = api.post(
        "/api/v1/me/data-requests",
        {"kind": "ban-du-lieu", "details": "x"},
        content_type="application/json",
        **bearer(hoa),
    )
    assert bad.status_code == 422 and "Loại yêu cầu không hợp lệ" in bad.json()["detail"]
    filed = api.post(
        "/api/v1/me/data-requests",
        {"kind": "deletion", "details": "Xóa số điện thoại cũ 0912345678."},
        content_type="application/json",
        **bearer(hoa),
    )
    assert filed.status_code == 201
    assert filed.json()["due_on"] == "2026-12-01" and filed.json()["status"] == "open"
    request_id = filed.json()["id"]

    commune = village.parent.code
    listed = api.get(f"/api/v1/units/{commune}/data-requests", **bearer(officer))
    assert [r["id"] for r in listed.json()["items"]] == [request_id]
    assert api.get(f"/api/v1/units/{commune}/data-requests", **bearer(hoa)).status_code == 403
    answer = {"outcome": "done", "answer": "Đã xóa số điện thoại cũ."}
    refused = api.post(
        f"/api/v1/data-requests/{request_id}/answer",
        answer,
        content_type="application/json",
        **bearer(outside_officer),
    )
    assert refused.status_code == 403
    assert DataRequest.objects.get().status == "open"
    done = api.post(
        f"/api/v1/data-requests/{request_id}/answer",
        answer,
        content_type="application/json",
        **bearer(officer),
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    missing = api.post(
        "/api/v1/data-requests/999999/answer",
        answer,
        content_type="application/json",
        **bearer(officer),
    )
    assert missing.status_code == 404
