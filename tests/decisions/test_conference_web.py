"""The yearly conference on the web: the village head plans it, records the plan sent and the
summons, the three bodies' agreements are recorded, the minutes are kept and print on A4."""

from __future__ import annotations

import io

from pypdf import PdfReader

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.decisions import elections
from danchu.decisions.models import Conference
from tests.conftest import client_for, make_user
from tests.decisions.conftest import TODAY
from tests.decisions.test_conference import REPORTS, days


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_village_head_runs_the_conference_from_plan_to_printed_minutes(
    village, village_head, resident
):
    head = client_for(village_head)
    base = f"/u/{village.code}/conferences/"
    assert "Lập kế hoạch hội nghị" in head.get(base).content.decode()
    assert "Lập kế hoạch hội nghị" not in client_for(resident).get(base).content.decode()
    response = head.post(
        base,
        {
            "year": 2026,
            "held_on": TODAY.isoformat(),
            "place": "Nhà văn hóa thôn Đông Lỗ",
            "plan": "8 giờ sáng; báo cáo năm 2026; bàn kế hoạch năm 2027.",
        },
    )
    assert response.status_code == 302
    conference = Conference.objects.get()
    url = f"{base}2026/"
    assert response["Location"] == url
    assert head.post(f"{url}plan-sent/", {"on": (TODAY - days(12)).isoformat()}).status_code == 302
    # The three bodies agree (the commune's own staff record theirs; see test_conference.py).
    for body in ("committee", "front", "inspection_board"):
        elections.record_conference_agreement(
            actor=SYSTEM, conference=conference, body=body, agreed_on=TODAY - days(10)
        )
    # A summons 3 days before is refused with the article, and nothing is recorded.
    late = head.post(
        f"{url}summons/",
        {"sent_on": (TODAY - days(3)).isoformat(), "channels": ["written"]},
        follow=True,
    )
    assert "05 ngày" in late.content.decode() and "Điều 11" in late.content.decode()
    conference.refresh_from_db()
    assert conference.summons_sent_on is None
    assert (
        head.post(
            f"{url}summons/",
            {"sent_on": (TODAY - days(7)).isoformat(), "channels": ["written", "radio"]},
        ).status_code
        == 302
    )
    incomplete = head.post(f"{url}held/", REPORTS | {"minutes": ""}, follow=True)
    assert "Biên bản" in incomplete.content.decode()
    conference.refresh_from_db()
    assert not conference.held
    assert head.post(f"{url}held/", REPORTS).status_code == 302
    conference.refresh_from_db()
    assert conference.held and conference.secretary_name == "Nguyễn Thị Lan"

    public = client_for(None)
    page = public.get(url).content.decode()
    assert REPORTS["front_report"] in page and "minutes.pdf" in page
    assert "<form" not in page.split("</article>")[1]
    pdf = public.get(f"{url}minutes.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(_pdf_text(pdf.content).split())
    assert "HỘI NGHỊ ĐỊNH KỲ" in text.upper() and "Nguyễn Thị Lan" in text
    assert "văn bản, hệ thống truyền thanh của thôn" in text
    assert "Tình hình thực hiện dân chủ ở thôn" in text


def test_others_cannot_plan_or_step_and_an_unheld_conference_prints_nothing(
    village, village_head, resident
):
    outsider = make_user("truong_thon_khac", Role.RESIDENT, village)
    base = f"/u/{village.code}/conferences/"
    data = {"year": 2026, "held_on": TODAY.isoformat(), "place": "Nhà văn hóa", "plan": "Kế hoạch"}
    assert client_for(resident).post(base, data).status_code == 403
    assert client_for(outsider).post(base, data).status_code == 403
    assert not Conference.objects.exists()
    head = client_for(village_head)
    bad = head.post(base, data | {"year": 2027})  # a conference in another year than its date
    assert bad.status_code == 422
    assert not Conference.objects.exists()
    head.post(base, data)
    assert (
        client_for(resident).post(f"{base}2026/plan-sent/", {"on": TODAY.isoformat()}).status_code
        == 403
    )
    assert Conference.objects.get().plan_sent_on is None
    assert client_for(None).get(f"{base}2026/minutes.pdf").status_code == 404
    assert client_for(None).get(f"/u/{village.parent.code}/conferences/").status_code == 404


def test_the_api_runs_the_same_steps_with_the_same_rules(village, village_head, resident):
    from danchu.accounts.services import create_token

    api = client_for(None)
    head = {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=village_head)}"}
    base = f"/api/v1/units/{village.code}/conferences"

    def post(path, data, headers=head):
        return api.post(path, data, content_type="application/json", **headers)

    plan = {"year": 2026, "held_on": TODAY.isoformat(), "place": "Nhà văn hóa", "plan": "8 giờ"}
    other = {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=resident)}"}
    assert post(base, plan, other).status_code == 403
    assert post(base, plan, {}).status_code == 401
    created = post(base, plan)
    assert created.status_code == 201 and created.json()["held"] is False
    again = post(base, plan)
    assert again.status_code == 422 and again.json()["code"]
    url = f"{base}/2026"
    assert post(f"{url}/plan-sent", {"on": (TODAY - days(12)).isoformat()}).status_code == 200
    conference = Conference.objects.get()
    for body in ("committee", "front", "inspection_board"):
        elections.record_conference_agreement(
            actor=SYSTEM, conference=conference, body=body, agreed_on=TODAY - days(10)
        )
    late = post(f"{url}/summons", {"sent_on": (TODAY - days(2)).isoformat(), "channels": ["radio"]})
    assert late.status_code == 422 and late.json()["code"] == "summons_too_late"
    summons = {"sent_on": (TODAY - days(6)).isoformat(), "channels": ["radio"]}
    assert post(f"{url}/summons", summons).status_code == 200
    held = post(f"{url}/held", REPORTS)
    assert held.status_code == 200 and held.json()["held"] is True
    listed = api.get(base).json()
    assert [(c["year"], c["summons_channels"]) for c in listed] == [(2026, ["radio"])]
    assert api.get(f"{base}/99999999999999").status_code == 404
    assert client_for(None).get(f"/u/{village.code}/conferences/99999999999999/").status_code == 404
