"""Setting up a committee and its inspections on the web and through the API: the happy
paths write the records and their audit events, bad input is explained and writes nothing,
and each screen and endpoint is refused to everyone but the role that holds it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.accounts.services import create_token
from danchu.audit.models import Event
from danchu.steering import services
from danchu.steering.models import (
    Committee,
    CommitteeMember,
    Finding,
    InspectionPlan,
    InspectionTeam,
    Visit,
)
from tests.conftest import client_for, make_user

from .conftest import verified

D = dt.date
MODELS = (Committee, CommitteeMember, InspectionPlan, InspectionTeam, Visit, Finding)


def written() -> tuple[int, ...]:
    """The number of rows of every table a set-up step can write, and of audit events (but
    for the API tokens the tests create on the way)."""
    events = Event.objects.exclude(action="accounts.token_created").count()
    return (*(model.objects.count() for model in MODELS), events)


def _api(user):
    if user is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user=user)}")


def _post_json(user, url, body):
    return _api(user).post(url, body, content_type="application/json")


@pytest.fixture
def people(resident, village_head, officer, commune_member, chair):
    return {
        "anonymous": None,
        "resident": resident,
        "village_head": village_head,
        "officer": officer,
        "steering_member": commune_member,
        "chair": chair,
    }


@pytest.fixture
def outside_chair(other_commune):
    return verified(make_user("chu_tich_xa_khac", Role.COMMUNE_CHAIR, other_commune))


@pytest.fixture
def outside_member(other_commune):
    return verified(make_user("uy_vien_xa_khac", Role.STEERING_MEMBER, other_commune))


@pytest.fixture
def second_member(commune):
    return verified(make_user("uy_vien_xa_2", Role.STEERING_MEMBER, commune))


@pytest.fixture
def commune_committee(commune):
    return services.create_committee(
        actor=SYSTEM, unit=commune, name="Ban Chỉ đạo xã Ứng Hòa", decision_ref="12/QĐ-UBND"
    )


@pytest.fixture
def plan(commune_committee, checklist):
    return services.create_plan(
        actor=SYSTEM,
        committee=commune_committee,
        title="Kiểm tra 6 tháng cuối năm 2026",
        period="2026H2",
        checklist=checklist,
        starts_on=D(2026, 10, 1),
        ends_on=D(2026, 12, 31),
    )


@pytest.fixture
def team(plan, commune_member):
    return services.add_team(actor=SYSTEM, plan=plan, name="Đoàn số 1", leader=commune_member)


def _plan_form(chosen, **changes):
    data = {
        "title": "Kiểm tra quý IV",
        "period": "2026Q4",
        "starts_on": "2026-10-01",
        "ends_on": "2026-12-31",
        "checklist": chosen.pk,
    }
    return data | changes


# --- the committee and its members ---------------------------------------------------------------


def test_the_chair_sets_up_the_committee_and_seats_its_members(
    chair, commune, commune_member, second_member
):
    client = client_for(chair)
    page = client.get("/u/10402/steering/committee/")
    assert page.status_code == 200 and "Thành lập Ban Chỉ đạo" in page.content.decode()
    created = client.post(
        "/u/10402/steering/committee/create/",
        {"name": "Ban Chỉ đạo xã Ứng Hòa", "decision_ref": "12/QĐ-UBND", "established_on": ""},
    )
    assert created.status_code == 302 and created["Location"] == "/u/10402/steering/committee/"
    committee = Committee.objects.get(unit=commune)
    assert (committee.name, committee.decision_ref, committee.established_on) == (
        "Ban Chỉ đạo xã Ứng Hòa",
        "12/QĐ-UBND",
        None,
    )
    for user, position in ((commune_member, "head"), (second_member, "deputy")):
        seated = client.post(
            "/u/10402/steering/committee/members/create/",
            {"user": user.pk, "position": position, "title": "Phó Chủ tịch", "since": "2026-11-01"},
        )
        assert seated.status_code == 302
    members = {m.user_id: (m.position, m.title, m.since) for m in committee.members.all()}
    assert members == {
        commune_member.pk: ("head", "Phó Chủ tịch", D(2026, 11, 1)),
        second_member.pk: ("deputy", "Phó Chủ tịch", D(2026, 11, 1)),
    }
    actions = list(Event.objects.filter(action__startswith="steering.").values_list("action"))
    assert actions == [
        ("steering.committee_created",),
        ("steering.member_added",),
        ("steering.member_added",),
    ]
    listed = client.get("/u/10402/steering/committee/").content.decode()
    assert "Trưởng ban" in listed and "Phó Trưởng ban" in listed and "12/QĐ-UBND" in listed


@pytest.mark.parametrize(
    ("code", "data", "message"),
    [
        ("10402", {"name": "  "}, "Cần nhập tên Ban Chỉ đạo"),
        ("10402", {"name": "Ban", "established_on": "27/11"}, "Ngày không hợp lệ"),
        ("village", {"name": "Ban Chỉ đạo thôn"}, "cấp tỉnh hoặc cấp xã"),
    ],
)
def test_a_bad_committee_is_explained_and_writes_nothing(chair, village, code, data, message):
    code = village.code if code == "village" else code
    before = written()
    response = client_for(chair).post(f"/u/{code}/steering/committee/create/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert written() == before


def test_a_second_committee_is_refused(chair, commune_committee):
    before = written()
    response = client_for(chair).post("/u/10402/steering/committee/create/", {"name": "Ban mới"})
    assert response.status_code == 422
    assert "đã có Ban Chỉ đạo" in response.content.decode()
    assert written() == before


def test_a_second_sitting_head_is_refused(chair, commune_committee, commune_member, second_member):
    services.add_member(
        actor=SYSTEM, committee=commune_committee, user=commune_member, position="head"
    )
    before = written()
    client = client_for(chair)
    response = client.post(
        "/u/10402/steering/committee/members/create/",
        {"user": second_member.pk, "position": "head"},
    )
    assert response.status_code == 422
    assert "đã có Trưởng ban" in response.content.decode()
    again = client.post(
        "/u/10402/steering/committee/members/create/",
        {"user": commune_member.pk, "position": "member"},
    )
    assert again.status_code == 422 and "đã là thành viên" in again.content.decode()
    assert written() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"position": "member"}, "Cần chọn người"),
        ({"user": "officer", "position": "member"}, "chưa có vai trò thành viên Ban Chỉ đạo"),
        ({"user": "member", "position": "chairman"}, "Chức danh không hợp lệ"),
        ({"user": "member", "position": "member", "since": "hôm qua"}, "Ngày không hợp lệ"),
    ],
)
def test_a_bad_member_is_explained_and_writes_nothing(
    chair, commune_committee, commune_member, officer, data, message
):
    ids = {"officer": officer.pk, "member": commune_member.pk}
    data = {k: ids.get(v, v) if k == "user" else v for k, v in data.items()}
    before = written()
    response = client_for(chair).post("/u/10402/steering/committee/members/create/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert written() == before


def test_seating_a_member_needs_a_committee(chair, commune_member):
    response = client_for(chair).post(
        "/u/10402/steering/committee/members/create/",
        {"user": commune_member.pk, "position": "head"},
    )
    assert response.status_code == 404 and not CommitteeMember.objects.exists()


# --- plans, teams and visits -------------------------------------------------------------------


def test_a_member_creates_a_plan_adds_a_team_and_schedules_a_visit(
    commune_committee, commune_member, second_member, checklist, village
):
    client = client_for(commune_member)
    form = client.get("/u/10402/steering/plans/create/")
    assert form.status_code == 200 and 'value="2026H2"' in form.content.decode()
    created = client.post("/u/10402/steering/plans/create/", _plan_form(checklist))
    plan = InspectionPlan.objects.get()
    assert created.status_code == 302 and created["Location"] == plan.get_absolute_url()
    assert (plan.title, plan.period, plan.starts_on, plan.ends_on, plan.checklist) == (
        "Kiểm tra quý IV",
        "2026Q4",
        D(2026, 10, 1),
        D(2026, 12, 31),
        checklist,
    )
    assert plan.created_by == commune_member

    team_url = f"/u/10402/steering/plans/{plan.pk}/teams/create/"
    assert client.get(team_url).status_code == 200
    added = client.post(
        team_url,
        {"name": "Đoàn số 1", "leader": commune_member.pk, "members": [second_member.pk]},
    )
    assert added.status_code == 302
    team = plan.teams.get()
    assert (team.name, team.leader, list(team.members.all())) == (
        "Đoàn số 1",
        commune_member,
        [second_member],
    )

    visit_url = f"/u/10402/steering/plans/{plan.pk}/visits/create/"
    page = client.get(visit_url).content.decode()
    assert f'<option value="{village.code}">' in page
    scheduled = client.post(
        visit_url, {"team": team.pk, "unit": village.code, "planned_on": "2026-12-02"}
    )
    assert scheduled.status_code == 302
    visit = plan.visits.get()
    assert (visit.team, visit.unit, visit.planned_on, visit.visited_on) == (
        team,
        village,
        D(2026, 12, 2),
        None,
    )
    actions = set(Event.objects.values_list("action", flat=True))
    assert {"steering.plan_created", "steering.team_added", "steering.visit_scheduled"} <= actions
    shown = client.get(plan.get_absolute_url()).content.decode()
    assert "Đoàn số 1" in shown and village.name in shown


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Cần nhập tên kế hoạch"),
        ({"starts_on": ""}, "Cần nhập ngày bắt đầu"),
        ({"ends_on": "2026-09-30"}, "Thời gian kế hoạch không hợp lệ"),
        ({"period": "2026H9"}, "không hợp lệ"),
        ({"starts_on": "31/12/2026"}, "Ngày không hợp lệ"),
        ({"checklist": "999999"}, "Bộ tiêu chí không hợp lệ"),
    ],
)
def test_a_bad_plan_is_explained_and_writes_nothing(
    commune_committee, commune_member, checklist, changes, message
):
    before = written()
    response = client_for(commune_member).post(
        "/u/10402/steering/plans/create/", _plan_form(checklist, **changes)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert written() == before


def test_a_plan_needs_the_units_own_committee(commune_member, checklist):
    response = client_for(commune_member).post(
        "/u/10402/steering/plans/create/", _plan_form(checklist)
    )
    assert response.status_code == 404 and not InspectionPlan.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "leader": "member"}, "Cần nhập tên đoàn"),
        ({"name": "Đoàn 2"}, "Cần chọn trưởng đoàn"),
        ({"name": "Đoàn 2", "leader": "officer"}, "chưa có vai trò thành viên Ban Chỉ đạo"),
        (
            {"name": "Đoàn 2", "leader": "member", "members": ["officer"]},
            "chưa có vai trò thành viên Ban Chỉ đạo",
        ),
        ({"name": "Đoàn số 1", "leader": "member"}, "đã có đoàn"),
    ],
)
def test_a_bad_team_is_explained_and_writes_nothing(
    plan, team, commune_member, officer, data, message
):
    ids = {"officer": officer.pk, "member": commune_member.pk}
    data = {
        k: [ids[x] for x in v] if isinstance(v, list) else ids.get(v, v) for k, v in data.items()
    }
    before = written()
    response = client_for(commune_member).post(
        f"/u/10402/steering/plans/{plan.pk}/teams/create/", data
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert written() == before


def test_the_service_refuses_a_leader_without_the_role(plan, officer, commune_member):
    with pytest.raises(services.ValidationError) as error:
        services.add_team(actor=commune_member, plan=plan, name="Đoàn 2", leader=officer)
    assert error.value.code == "not_a_steering_member"
    assert plan.teams.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"unit": "village", "planned_on": "2027-01-05"}, "trong thời gian của kế hoạch"),
        ({"unit": "village", "planned_on": "2026-09-30"}, "trong thời gian của kế hoạch"),
        ({"unit": "10405", "planned_on": "2026-12-01"}, "nằm ngoài địa bàn"),
        ({"unit": "01", "planned_on": "2026-12-01"}, "nằm ngoài địa bàn"),
        ({"unit": "khong-co", "planned_on": "2026-12-01"}, "Không tìm thấy đơn vị"),
        ({"unit": "", "planned_on": "2026-12-01"}, "Cần nhập đơn vị"),
        ({"unit": "village", "planned_on": ""}, "Cần nhập ngày dự kiến"),
        ({"unit": "village", "planned_on": "2026-12-01", "team": ""}, "Cần chọn đoàn"),
    ],
)
def test_a_bad_visit_is_explained_and_writes_nothing(
    plan, team, commune_member, village, other_commune, data, message
):
    data = {"team": team.pk} | data
    if data["unit"] == "village":
        data["unit"] = village.code
    before = written()
    response = client_for(commune_member).post(
        f"/u/10402/steering/plans/{plan.pk}/visits/create/", data
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert written() == before


def test_a_team_of_another_plan_is_refused(plan, team, commune_committee, checklist, village):
    other = services.create_plan(
        actor=SYSTEM,
        committee=commune_committee,
        title="Kế hoạch khác",
        period="2026Q4",
        checklist=checklist,
        starts_on=D(2026, 10, 1),
        ends_on=D(2026, 12, 31),
    )
    member = team.leader
    before = written()
    response = client_for(verified(member)).post(
        f"/u/10402/steering/plans/{other.pk}/visits/create/",
        {"team": team.pk, "unit": village.code, "planned_on": "2026-12-01"},
    )
    assert response.status_code == 422
    assert "Đoàn không thuộc kế hoạch này" in response.content.decode()
    assert written() == before


def test_a_visit_needs_a_team_first(plan, commune_member):
    page = client_for(commune_member).get(f"/u/10402/steering/plans/{plan.pk}/visits/create/")
    assert page.status_code == 200
    assert f"/u/10402/steering/plans/{plan.pk}/teams/create/" in page.content.decode()


# --- links -----------------------------------------------------------------------------------------


def test_links_are_shown_only_to_those_allowed(plan, commune_member, admin_user, member):
    admin_page = client_for(admin_user).get("/u/10402/steering/").content.decode()
    assert "/u/10402/steering/committee/" in admin_page
    assert "/u/10402/steering/plans/create/" in admin_page
    member_page = client_for(commune_member).get("/u/10402/steering/").content.decode()
    assert "/u/10402/steering/committee/" not in member_page
    assert "/u/10402/steering/plans/create/" in member_page
    plan_page = client_for(commune_member).get(plan.get_absolute_url()).content.decode()
    assert f"/steering/plans/{plan.pk}/teams/create/" in plan_page
    assert f"/steering/plans/{plan.pk}/visits/create/" in plan_page
    # A province member on the commune's dashboard: the plan is the commune committee's.
    province_page = client_for(member).get("/u/01/steering/").content.decode()
    assert "/steering/plans/create/" not in province_page


# --- who may: the web --------------------------------------------------------------------------

ORGANISE = {
    "anonymous": 302,
    "resident": 403,
    "village_head": 403,
    "officer": 403,
    "steering_member": 403,
    "chair": 200,
}
MANAGE = ORGANISE | {"steering_member": 200, "chair": 403}


@pytest.mark.parametrize(("persona", "status"), ORGANISE.items())
def test_committee_screens_permission_matrix(people, commune, commune_member, persona, status):
    client = client_for(people[persona])
    assert client.get("/u/10402/steering/committee/").status_code == status
    before = written()
    created = client.post("/u/10402/steering/committee/create/", {"name": "Ban Chỉ đạo xã"})
    expected = 302 if status == 200 else status
    assert created.status_code == expected
    if status == 403:
        assert "ngoài phạm vi Ban Chỉ đạo" in created.content.decode()
    if status != 200:
        assert written() == before
        services.create_committee(actor=SYSTEM, unit=commune, name="Ban Chỉ đạo xã")
    before = written()
    seated = client.post(
        "/u/10402/steering/committee/members/create/",
        {"user": commune_member.pk, "position": "head"},
    )
    assert seated.status_code == expected
    assert CommitteeMember.objects.filter(user=commune_member).exists() == (status == 200)
    if status != 200:
        assert written() == before


@pytest.mark.parametrize(("persona", "status"), MANAGE.items())
def test_inspection_screens_permission_matrix(
    people, plan, team, commune_member, checklist, village, persona, status
):
    client = client_for(people[persona])
    expected = 302 if status == 200 else status
    base = f"/u/10402/steering/plans/{plan.pk}"
    steps = [
        ("/u/10402/steering/plans/create/", _plan_form(checklist)),
        (f"{base}/teams/create/", {"name": "Đoàn số 2", "leader": commune_member.pk}),
        (
            f"{base}/visits/create/",
            {"team": team.pk, "unit": village.code, "planned_on": "2026-12-01"},
        ),
    ]
    for url, data in steps:
        assert client.get(url).status_code == status, url
        before = written()
        response = client.post(url, data)
        assert response.status_code == expected, url
        if status == 403:
            assert "ngoài phạm vi Ban Chỉ đạo" in response.content.decode()
        assert (written() == before) == (status != 200), url


def test_users_outside_the_unit_are_refused(
    outside_chair, outside_member, plan, team, commune_member, checklist, village
):
    before = written()
    chair = client_for(outside_chair)
    assert chair.get("/u/10402/steering/committee/").status_code == 403
    assert chair.post("/u/10402/steering/committee/create/", {"name": "Ban"}).status_code == 403
    member = client_for(outside_member)
    assert member.post("/u/10402/steering/plans/create/", _plan_form(checklist)).status_code == 403
    team_url = f"/u/10402/steering/plans/{plan.pk}/teams/create/"
    assert member.post(team_url, {"name": "Đoàn 9", "leader": commune_member.pk}).status_code == 403
    visit_url = f"/u/10402/steering/plans/{plan.pk}/visits/create/"
    response = member.post(
        visit_url, {"team": team.pk, "unit": village.code, "planned_on": "2026-12-01"}
    )
    assert response.status_code == 403 and "ngoài phạm vi" in response.content.decode()
    assert written() == before


# --- the API -------------------------------------------------------------------------------------


def test_api_sets_up_a_committee_and_an_inspection(
    chair, commune, commune_member, second_member, village, checklist
):
    blank = _post_json(chair, "/api/v1/steering/units/10402/committee", {"name": " "})
    assert blank.status_code == 422 and "Cần nhập tên Ban Chỉ đạo" in blank.json()["detail"]
    assert not Committee.objects.exists()
    created = _post_json(
        chair,
        "/api/v1/steering/units/10402/committee",
        {"name": "Ban Chỉ đạo xã Ứng Hòa", "decision_ref": "12/QĐ-UBND"},
    )
    assert created.status_code == 201
    assert created.json() | {"id": 0} == {
        "id": 0,
        "unit": "10402",
        "name": "Ban Chỉ đạo xã Ứng Hòa",
        "decision_ref": "12/QĐ-UBND",
        "established_on": None,
        "members": [],
    }
    seated = _post_json(
        chair,
        "/api/v1/steering/units/10402/committee/members",
        {"user": "uy_vien_xa", "position": "head", "since": "2026-11-01"},
    )
    assert seated.status_code == 201
    assert (seated.json()["user"], seated.json()["position"], seated.json()["since"]) == (
        "uy_vien_xa",
        "head",
        "2026-11-01",
    )

    plan = _post_json(
        commune_member,
        "/api/v1/steering/units/10402/plans",
        {
            "title": "Kiểm tra quý IV",
            "period": "2026Q4",
            "starts_on": "2026-10-01",
            "ends_on": "2026-12-31",
        },
    )
    assert plan.status_code == 201
    assert (plan.json()["period"], plan.json()["checklist"]) == ("2026Q4", checklist.name)
    plan_id = plan.json()["id"]
    team = _post_json(
        commune_member,
        f"/api/v1/steering/plans/{plan_id}/teams",
        {"name": "Đoàn số 1", "leader": "uy_vien_xa", "members": ["uy_vien_xa_2"]},
    )
    assert team.status_code == 201
    assert team.json() | {"id": 0} == {
        "id": 0,
        "plan": plan_id,
        "name": "Đoàn số 1",
        "leader": "uy_vien_xa",
        "members": ["uy_vien_xa_2"],
    }
    visit = _post_json(
        commune_member,
        f"/api/v1/steering/plans/{plan_id}/visits",
        {"team": team.json()["id"], "unit": village.code, "planned_on": "2026-11-20"},
    )
    assert visit.status_code == 201
    assert (visit.json()["unit"], visit.json()["planned_on"], visit.json()["visited_on"]) == (
        village.code,
        "2026-11-20",
        None,
    )
    url = f"/api/v1/steering/visits/{visit.json()['id']}/findings"
    early = _post_json(commune_member, url, {"text": "Chưa niêm yết", "severity": "medium"})
    assert (
        early.status_code == 422 and "Chỉ ghi phát hiện sau buổi kiểm tra" in early.json()["detail"]
    )
    recorded = Visit.objects.get(pk=visit.json()["id"])
    services.record_visit(
        actor=commune_member,
        visit=recorded,
        visited_on=D(2026, 11, 20),
        results={i.pk: ("met", "") for i in checklist.items.all()},
    )
    finding = _post_json(
        commune_member, url, {"text": "Chưa niêm yết", "severity": "medium", "item": 2}
    )
    assert finding.status_code == 201
    assert (finding.json()["text"], finding.json()["severity"], finding.json()["unit"]) == (
        "Chưa niêm yết",
        "medium",
        village.code,
    )
    assert Finding.objects.get().item.number == 2
    assert Event.objects.filter(action__startswith="steering.").count() == 7


@pytest.mark.parametrize(
    ("who", "url", "body", "message"),
    [
        ("chair", "units/10402/committee", {"name": "Ban mới"}, "đã có Ban Chỉ đạo"),
        ("chair", "units/10402/committee", {}, "invalid input"),
        ("chair", "units/VILLAGE/committee", {"name": "Ban"}, "cấp tỉnh hoặc cấp xã"),
        (
            "chair",
            "units/10402/committee/members",
            {"user": "can_bo_xa", "position": "member"},
            "chưa được giao vai trò thành viên Ban Chỉ đạo",
        ),
        (
            "chair",
            "units/10402/committee/members",
            {"user": "uy_vien_xa_2", "position": "head"},
            "đã có Trưởng ban",
        ),
        (
            "chair",
            "units/10402/committee/members",
            {"user": "khong_co", "position": "member"},
            "Không có người dùng khong_co",
        ),
        (
            "chair",
            "units/10402/committee/members",
            {"user": "uy_vien_xa_2", "position": "boss"},
            "Chức danh không hợp lệ",
        ),
        (
            "member",
            "units/10402/plans",
            {"title": "K", "period": "2026Q4", "starts_on": "2026-12-31", "ends_on": "2026-10-01"},
            "Thời gian kế hoạch không hợp lệ",
        ),
        (
            "member",
            "units/10402/plans",
            {"title": "K", "period": "2026Q9", "starts_on": "2026-10-01", "ends_on": "2026-12-31"},
            "Kỳ “2026Q9” không hợp lệ",
        ),
        (
            "member",
            "units/10402/plans",
            {
                "title": "K",
                "period": "2026Q4",
                "starts_on": "2026-10-01",
                "ends_on": "2026-12-31",
                "checklist": 999999,
            },
            "Không có bộ tiêu chí này",
        ),
        (
            "member",
            "plans/PLAN/teams",
            {"name": "Đoàn 2", "leader": "can_bo_xa"},
            "chưa được giao vai trò thành viên Ban Chỉ đạo",
        ),
        (
            "member",
            "plans/PLAN/teams",
            {"name": "Đoàn 2", "leader": "uy_vien_xa", "members": ["can_bo_xa"]},
            "chưa được giao vai trò thành viên Ban Chỉ đạo",
        ),
        (
            "member",
            "plans/PLAN/teams",
            {"name": "Đoàn số 1", "leader": "uy_vien_xa"},
            "Kế hoạch đã có đoàn “Đoàn số 1”",
        ),
        (
            "member",
            "plans/PLAN/visits",
            {"team": "TEAM", "unit": "VILLAGE", "planned_on": "2027-01-05"},
            "Ngày kiểm tra phải trong thời gian của kế hoạch",
        ),
        (
            "member",
            "plans/PLAN/visits",
            {"team": "TEAM", "unit": "10405", "planned_on": "2026-12-01"},
            "nằm ngoài địa bàn của Ban Chỉ đạo",
        ),
        (
            "member",
            "plans/PLAN/visits",
            {"team": "TEAM", "unit": "khong-co", "planned_on": "2026-12-01"},
            "Không tìm thấy đơn vị có mã khong-co",
        ),
        (
            "member",
            "plans/PLAN/visits",
            {"team": 999999, "unit": "VILLAGE", "planned_on": "2026-12-01"},
            "Đoàn không thuộc kế hoạch này",
        ),
        (
            "member",
            "visits/VISIT/findings",
            {"text": "X", "severity": "huge"},
            "Mức độ không hợp lệ",
        ),
        (
            "member",
            "visits/VISIT/findings",
            {"text": "X", "severity": "low", "item": 99},
            "Tiêu chí không thuộc bộ tiêu chí của kế hoạch",
        ),
    ],
)
def test_api_bad_input_is_explained_and_writes_nothing(
    chair,
    commune_member,
    second_member,
    officer,
    plan,
    team,
    village,
    other_commune,
    checklist,
    who,
    url,
    body,
    message,
):
    services.add_member(
        actor=SYSTEM, committee=plan.committee, user=commune_member, position="head"
    )
    visit = services.schedule_visit(
        actor=SYSTEM, plan=plan, team=team, unit=village, planned_on=D(2026, 11, 2)
    )
    services.record_visit(
        actor=SYSTEM,
        visit=visit,
        visited_on=D(2026, 11, 2),
        results={i.pk: ("met", "") for i in checklist.items.all()},
    )
    url = url.replace("PLAN", str(plan.pk)).replace("VISIT", str(visit.pk))
    url = url.replace("VILLAGE", village.code)
    body = {
        k: {"TEAM": team.pk, "VILLAGE": village.code}.get(v, v) if isinstance(v, str) else v
        for k, v in body.items()
    }
    actor = chair if who == "chair" else commune_member
    before = written()
    response = _post_json(actor, f"/api/v1/steering/{url}", body)
    assert response.status_code == 422, response.json()
    assert message in response.json()["detail"]
    assert written() == before


def test_api_unknown_records_are_404(commune_member, chair):
    assert (
        _post_json(chair, "/api/v1/steering/units/khong-co/committee", {"name": "B"}).status_code
        == 404
    )
    missing = _post_json(
        chair,
        "/api/v1/steering/units/10402/committee/members",
        {"user": "uy_vien_xa", "position": "head"},
    )
    assert missing.status_code == 404 and "chưa có Ban Chỉ đạo" in missing.json()["detail"]
    body = {"name": "Đoàn", "leader": "uy_vien_xa"}
    assert (
        _post_json(commune_member, "/api/v1/steering/plans/999999/teams", body).status_code == 404
    )
    finding = {"text": "X", "severity": "low"}
    assert (
        _post_json(commune_member, "/api/v1/steering/visits/999999/findings", finding).status_code
        == 404
    )
    assert not CommitteeMember.objects.exists()


API_ORGANISE = {
    "anonymous": 401,
    "resident": 403,
    "village_head": 403,
    "officer": 403,
    "steering_member": 403,
    "chair": 201,
}
API_MANAGE = API_ORGANISE | {"steering_member": 201, "chair": 403}


@pytest.mark.parametrize(("persona", "status"), API_ORGANISE.items())
def test_api_committee_permission_matrix(people, commune, persona, status):
    user = people[persona]
    before = written()
    created = _post_json(user, "/api/v1/steering/units/10402/committee", {"name": "Ban Chỉ đạo xã"})
    assert created.status_code == status
    if status != 201:
        assert written() == before
        services.create_committee(actor=SYSTEM, unit=commune, name="Ban Chỉ đạo xã")
    if status == 403:
        assert "ngoài phạm vi Ban Chỉ đạo" in created.json()["detail"]
    before = written()
    seated = _post_json(
        user,
        "/api/v1/steering/units/10402/committee/members",
        {"user": "uy_vien_xa", "position": "head"},
    )
    assert seated.status_code == status
    assert (written() == before) == (status != 201)


@pytest.mark.parametrize(("persona", "status"), API_MANAGE.items())
def test_api_inspection_permission_matrix(people, plan, team, village, checklist, persona, status):
    user = people[persona]
    done = services.schedule_visit(
        actor=SYSTEM, plan=plan, team=team, unit=plan.committee.unit, planned_on=D(2026, 11, 2)
    )
    services.record_visit(
        actor=SYSTEM,
        visit=done,
        visited_on=D(2026, 11, 2),
        results={i.pk: ("met", "") for i in checklist.items.all()},
    )
    steps = [
        (
            "units/10402/plans",
            {"title": "K", "period": "2026Q4", "starts_on": "2026-10-01", "ends_on": "2026-12-31"},
        ),
        (f"plans/{plan.pk}/teams", {"name": "Đoàn số 2", "leader": "uy_vien_xa"}),
        (
            f"plans/{plan.pk}/visits",
            {"team": team.pk, "unit": village.code, "planned_on": "2026-12-01"},
        ),
        (f"visits/{done.pk}/findings", {"text": "Chưa niêm yết", "severity": "low"}),
    ]
    for url, body in steps:
        before = written()
        response = _post_json(user, f"/api/v1/steering/{url}", body)
        assert response.status_code == status, (url, response.json())
        if status == 403:
            assert "ngoài phạm vi Ban Chỉ đạo" in response.json()["detail"]
        assert (written() == before) == (status != 201), url


def test_api_users_outside_the_unit_are_refused(outside_chair, outside_member, plan, team, village):
    before = written()
    assert (
        _post_json(
            outside_chair, "/api/v1/steering/units/10402/committee", {"name": "Ban"}
        ).status_code
        == 403
    )
    response = _post_json(
        outside_member,
        f"/api/v1/steering/plans/{plan.pk}/visits",
        {"team": team.pk, "unit": village.code, "planned_on": "2026-12-01"},
    )
    assert response.status_code == 403 and "ngoài phạm vi" in response.json()["detail"]
    assert written() == before


def test_the_new_endpoints_are_documented(member):
    spec = _api(member).get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/steering/units/{code}/committee",
        "/api/v1/steering/units/{code}/committee/members",
        "/api/v1/steering/units/{code}/plans",
        "/api/v1/steering/plans/{plan_id}/teams",
        "/api/v1/steering/plans/{plan_id}/visits",
        "/api/v1/steering/visits/{visit_id}/findings",
    ):
        assert spec[path]["post"]["summary"], path
