"""The dashboard, the records behind a figure, and the API: the permission matrix and the
number of queries of a dashboard that does not grow with the number of units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.accounts.services import create_token
from danchu.audit.models import Event
from danchu.steering.models import Recommendation
from danchu.units import services as unit_services
from danchu.workdays.services import add_working_days
from tests.conftest import client_for, make_user

from .conftest import TODAY, matter, notice, petition

D = dt.date


def _api(user):
    if user is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user=user)}")


@pytest.fixture
def recorded(commune, village):
    notice(village, D(2026, 9, 1))
    matter(village, D(2026, 9, 20), roll=80, took_part=30)
    for day in range(1, 6):
        petition(village, D(2026, 8, day), late=day == 1)


@pytest.fixture
def everyone(personas, member, commune_member, commune):
    return personas | {"member": member, "commune_member": commune_member}


# (persona, dashboard of the province, dashboard of the commune)
MATRIX = [
    ("anonymous", 302, 302),
    ("resident", 403, 403),
    ("other_village_head", 403, 403),
    ("officer", 403, 403),
    ("outside_officer", 403, 403),
    ("commune_member", 403, 200),
    ("member", 200, 200),
    ("admin", 200, 200),
]


@pytest.mark.parametrize(("persona", "province_status", "commune_status"), MATRIX)
def test_dashboard_permission_matrix(recorded, everyone, persona, province_status, commune_status):
    client = client_for(everyone[persona])
    assert client.get("/u/01/steering/?period=2026H2").status_code == province_status
    assert client.get("/u/10402/steering/?period=2026H2").status_code == commune_status


@pytest.mark.parametrize(("persona", "province_status", "commune_status"), MATRIX)
def test_api_permission_matrix(recorded, everyone, persona, province_status, commune_status):
    api = _api(everyone[persona])
    expected = {302: 401, 403: 403, 200: 200}
    for code, status in (("01", province_status), ("10402", commune_status)):
        response = api.get(f"/api/v1/steering/units/{code}/indicators?period=2026H2")
        assert response.status_code == expected[status], (persona, code)
        if status == 403:
            assert "ngoài phạm vi" in response.json()["detail"]


def test_the_dashboard_shows_figures_that_link_to_their_records(recorded, member):
    client = client_for(member)
    page = client.get("/u/01/steering/?period=2026H2").content.decode()
    assert "Xã Ứng Hòa" in page and "Điểm nóng" in page
    assert "/u/01/steering/records/petitions_received/?period=2026H2" in page
    records = client.get("/u/01/steering/records/petitions_received/?period=2026H2")
    assert '<strong id="record-count">5</strong>' in records.content.decode()
    assert "Dân làm, dân thụ hưởng" in page and "Chưa ghi nhận" in page


def test_records_link_a_petition_only_for_whoever_handles_it(recorded, member, everyone):
    """A petition's page names its filer: the committee reads the line, an officer who handles
    petitions there (here the administrator) follows the link."""
    url = "/u/01/steering/records/petitions_received/?period=2026H2"
    page = client_for(member).get(url).content.decode()
    assert page.count("PA-0") == 5
    assert "/petitions/" not in page.split('class="list records"')[1]
    admin_page = client_for(everyone["admin"]).get(url).content.decode()
    assert admin_page.split('class="list records"')[1].count("/u/10402/petitions/") == 5
    # Other sources keep their links: a notice's page is public.
    notices = client_for(member).get(url.replace("petitions_received", "notices_published"))
    assert "/notices/" in notices.content.decode().split('class="list records"')[1]


def test_a_bad_period_is_explained_not_a_server_error(recorded, member):
    page = client_for(member).get("/u/01/steering/?period=2026H9")
    assert page.status_code == 200 and "không hợp lệ" in page.content.decode()
    api = _api(member).get("/api/v1/steering/units/01/indicators?period=2026H9")
    assert api.status_code == 422 and "Kỳ “2026H9” không hợp lệ" in api.json()["detail"]
    assert _api(member).get("/api/v1/steering/units/01/records/khong-co").status_code == 404


def test_the_dashboard_query_count_does_not_grow_with_units(recorded, member, commune):
    client = client_for(member)
    client.get("/u/01/steering/")  # sessions, caches
    with CaptureQueriesContext(connection) as small:
        client.get("/u/01/steering/?period=2026H2")
    for i in range(12):
        village = unit_services.create_village(actor=SYSTEM, commune=commune, name=f"Thôn {i}")
        petition(village, D(2026, 8, 10))
    with CaptureQueriesContext(connection) as large:
        client.get("/u/01/steering/?period=2026H2")
    assert len(large) == len(small)
    assert len(small) < 45


def test_api_indicator_definitions_and_records(recorded, member):
    api = _api(member)
    definitions = api.get("/api/v1/steering/indicators").json()
    assert {d["key"] for d in definitions} >= {"turnout", "petitions_on_time_share"}
    body = api.get("/api/v1/steering/units/10402/indicators?period=2026H2").json()
    assert body["total"]["components"]["petitions_received"] == 5
    assert body["total"]["indicators"]["turnout"] == pytest.approx(30 / 80)
    assert body["not_yet_recorded"] == ["oversight", "works"]
    listed = api.get("/api/v1/steering/units/10402/records/petitions_late?period=2026H2").json()
    assert listed["count"] == 1


def test_api_recommendation_needs_a_due_date_and_the_unit_answers(
    recorded, member, committee, checklist, commune
):
    from danchu.steering import services

    plan = services.create_plan(
        actor=member,
        committee=committee,
        title="Kiểm tra quý IV",
        period="2026Q4",
        checklist=checklist,
        starts_on=D(2026, 10, 1),
        ends_on=D(2026, 12, 31),
    )
    team = services.add_team(actor=member, plan=plan, name="Đoàn số 2", leader=member)
    visit = services.schedule_visit(
        actor=member, plan=plan, team=team, unit=commune, planned_on=D(2026, 11, 3)
    )
    services.record_visit(
        actor=member,
        visit=visit,
        visited_on=D(2026, 11, 3),
        results={i.pk: ("met", "") for i in checklist.items.all()},
    )
    finding = services.add_finding(
        actor=member, visit=visit, text="Chưa niêm yết", severity="medium"
    )
    api = _api(member)
    events = Event.objects.count()
    missing = api.post(
        f"/api/v1/steering/findings/{finding.pk}/recommendations",
        {"text": "Niêm yết ngay"},
        content_type="application/json",
    )
    assert missing.status_code == 422
    assert missing.json()["detail"].startswith("Kiến nghị phải có thời hạn")
    assert Event.objects.count() == events and not Recommendation.objects.exists()
    created = api.post(
        f"/api/v1/steering/findings/{finding.pk}/recommendations",
        {"text": "Niêm yết ngay", "working_days": 10},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["due_on"] == str(
        add_working_days(TODAY, 10)
    )
    chair = make_user("chu_tich_xa", Role.COMMUNE_CHAIR, commune)
    answer = _api(chair).post(
        f"/api/v1/steering/recommendations/{created.json()['id']}/responses",
        {"text": "Đã niêm yết tại nhà văn hóa các thôn"},
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json()["status"] == "answered"
    seen = _api(chair).get("/api/v1/steering/units/10402/inspections").json()
    assert [f["text"] for f in seen["findings"]] == ["Chưa niêm yết"] and seen["plans"] == []


def test_the_inspected_unit_sees_its_findings_on_the_web(commune, chair):
    page = client_for(chair).get("/u/10402/steering/findings/")
    assert page.status_code == 200


def test_api_hot_spots_say_which_rule_and_figures(recorded, member):
    spots = _api(member).get("/api/v1/steering/units/01/hot-spots?period=2026H2").json()
    rules = {s["rule"] for s in spots}
    assert "tham-gia-thap" not in rules  # a village rule: judged from the commune
    commune_spots = _api(member).get("/api/v1/steering/units/10402/hot-spots?period=2026H2").json()
    low = next(s for s in commune_spots if s["rule"] == "tham-gia-thap")
    assert low["figures"]["value"] == pytest.approx(30 / 80) and low["unit"].startswith("10402")


def test_the_dashboard_shows_the_first_hot_spots_and_links_the_whole_list(
    recorded, member, everyone, monkeypatch
):
    from danchu.steering import views

    url = "/u/10402/steering/?period=2026H2"
    spots = _api(member).get("/api/v1/steering/units/10402/hot-spots?period=2026H2").json()
    assert len(spots) >= 2
    monkeypatch.setattr(views, "HOT_SPOTS_ON_DASHBOARD", 1)
    page = client_for(member).get(url).content.decode()
    assert page.count('class="hot-spot"') == 1
    assert f"Xem tất cả {len(spots)} điểm nóng" in page
    full = client_for(member).get("/u/10402/steering/hot-spots/?period=2026H2")
    assert full.status_code == 200
    assert full.content.decode().count('class="hot-spot"') == len(spots)
    # The list follows the dashboard's permission.
    assert client_for(everyone["resident"]).get("/u/10402/steering/hot-spots/").status_code == 403
    assert client_for(None).get("/u/10402/steering/hot-spots/").status_code in (302, 403)


def test_units_with_nothing_recorded_are_named_below_the_table(recorded, member, other_commune):
    page = client_for(member).get("/u/01/steering/?period=2026H2").content.decode()
    section = page.split('id="by-unit"')[1].split("</section>")[0]
    table, quiet = section.split('id="quiet-units"')
    assert "Xã Ứng Hòa" in table and "Xã Đại Xuyên" not in table
    assert "1 đơn vị chưa ghi nhận số liệu nào trong kỳ" in quiet
    assert f"/u/{other_commune.code}/steering/?period=2026H2" in quiet
