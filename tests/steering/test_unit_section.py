"""The steering links on a unit's page: each person sees the ones their role opens, residents
and anonymous visitors none."""

import pytest

from tests.conftest import client_for

DASHBOARD = "Bảng theo dõi, điểm nóng, kiểm tra"
COMMITTEE = "Thành lập Ban Chỉ đạo, cử thành viên"
FINDINGS = "Kết luận kiểm tra và kiến nghị đối với đơn vị"


def page(user, unit) -> str:
    response = client_for(user).get(f"/u/{unit.code}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("persona", "unit", "expected"),
    [
        (None, "commune", set()),
        ("resident", "village", set()),
        ("commune_member", "commune", {DASHBOARD}),
        ("member", "province", {DASHBOARD}),
        ("chair", "commune", {COMMITTEE, FINDINGS}),
        ("officer", "commune", {FINDINGS}),
        ("village_head", "village", {FINDINGS}),
    ],
)
def test_each_role_sees_its_own_links(request, persona, unit, expected):
    user = request.getfixturevalue(persona) if persona else None
    html = page(user, request.getfixturevalue(unit))
    shown = {text for text in (DASHBOARD, COMMITTEE, FINDINGS) if text in html}
    assert shown == expected
    assert ('id="steering"' in html) == bool(expected)


def test_the_links_lead_to_pages_the_user_may_open(chair, commune_member, commune):
    assert client_for(chair).get(f"/u/{commune.code}/steering/committee/").status_code == 200
    assert client_for(commune_member).get(f"/u/{commune.code}/steering/").status_code == 200
