"""Demo data for the Ban Chỉ đạo of Hà Nội: the committee and its head, a six-month inspection
plan with three teams over twelve communes, Ứng Hòa's visit with findings and recommendations (one
answered, one overdue and escalated), and the hot spots of the current half-year.

Made through the steering services with dates relative to the day the demo runs.
Idempotent: nothing is added when the committee already exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.steering import services
from danchu.steering.models import Checklist, Committee
from danchu.steering.periods import current_half
from danchu.units.models import Unit

TEAMS = ["Đoàn kiểm tra số 1", "Đoàn kiểm tra số 2", "Đoàn kiểm tra số 3"]


def _days(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@transaction.atomic
def seed(commune: Unit, progress: Callable[[str], None]) -> int:
    province = commune.parent
    if province is None or Committee.objects.filter(unit=province).exists():
        return 0
    head = (
        get_user_model()
        .objects.filter(grants__role=Role.STEERING_MEMBER, grants__unit=province)
        .first()
    )
    if head is None:
        return 0
    if not head.email:
        head.email = f"{head.username}@hanoi.gov.vn"
        head.save(update_fields=["email"])
    committee = services.create_committee(
        actor=SYSTEM,
        unit=province,
        name="Ban Chỉ đạo xây dựng và thực hiện Quy chế dân chủ ở cơ sở Thành phố Hà Nội",
        decision_ref="1215/QĐ-UBND",
        established_on=dt.date(2025, 7, 15),
    )
    services.add_member(
        actor=SYSTEM,
        committee=committee,
        user=head,
        position="head",
        title="Phó Chủ tịch Ủy ban Mặt trận Tổ quốc Thành phố",
    )
    # The demo has one account per role: the head is the committee's only seated member.
    members = [head]
    progress(f"  {committee.name}: Trưởng ban {head}")
    visit = _plan(committee, commune, members)
    _findings(visit, head)
    period = current_half(timezone.localdate())
    flags = services.record_hot_spots(unit=province, period=period)
    progress(f"  Kế hoạch kiểm tra 3 đoàn, 12 xã; {len(flags)} điểm nóng kỳ {period.code}")
    return 1


def _plan(committee: Committee, commune: Unit, members):
    today = timezone.localdate()
    half = current_half(today)
    checklist = Checklist.objects.get(name="Kiểm tra thực hiện dân chủ ở cơ sở cấp xã")
    plan = services.create_plan(
        actor=SYSTEM,
        committee=committee,
        title=f"Kế hoạch kiểm tra thực hiện dân chủ ở cơ sở {half.label.lower()}",
        period=half.code,
        checklist=checklist,
        starts_on=half.start,
        ends_on=half.end,
    )
    teams = [
        services.add_team(
            actor=SYSTEM, plan=plan, name=name, leader=members[i % len(members)], members=members
        )
        for i, name in enumerate(TEAMS)
    ]
    others = list(
        Unit.objects.current()
        .filter(parent=committee.unit, kind=Unit.Kind.COMMUNE)
        .exclude(pk=commune.pk)
        .order_by("code")[:11]
    )
    first_day = max(half.start, _days(25))
    visit = services.schedule_visit(
        actor=SYSTEM, plan=plan, team=teams[0], unit=commune, planned_on=first_day
    )
    for index, unit in enumerate(others, start=1):
        planned = min(half.end, first_day + dt.timedelta(days=7 * index))
        services.schedule_visit(
            actor=SYSTEM, plan=plan, team=teams[index % 3], unit=unit, planned_on=planned
        )
    return visit


def _findings(visit, head) -> None:
    items = {i.number: i for i in visit.plan.checklist.items.all()}
    results = {i.pk: ("met", "") for i in items.values()}
    results[items[2].pk] = ("partly", "Thôn Cao Xá gỡ bảng niêm yết trước thời hạn")
    results[items[7].pk] = ("not_met", "Còn đơn về đất đai quá hạn trả lời")
    visit = services.record_visit(
        actor=SYSTEM,
        visit=visit,
        visited_on=visit.planned_on,
        results=results,
        summary="UBND xã Ứng Hòa cơ bản thực hiện tốt Luật Thực hiện dân chủ ở cơ sở; còn "
        "chậm trả lời một số kiến nghị về đất đai, giải phóng mặt bằng.",
    )
    land = services.add_finding(
        actor=SYSTEM,
        visit=visit,
        severity="high",
        item=items[7],
        text="Hai đơn phản ánh về bồi thường giải phóng mặt bằng đường trục xã quá hạn trả lời.",
    )
    posting = services.add_finding(
        actor=SYSTEM,
        visit=visit,
        severity="medium",
        item=items[2],
        text="Thông báo phương án bồi thường tại thôn Cao Xá bị gỡ trước 30 ngày.",
    )
    services.add_recommendation(
        actor=SYSTEM,
        finding=land,
        issued_on=visit.visited_on,
        working_days=10,
        text="Trả lời bằng văn bản hai đơn quá hạn, báo cáo Ban Chỉ đạo Thành phố.",
    )
    answered = services.add_recommendation(
        actor=SYSTEM,
        finding=posting,
        issued_on=visit.visited_on,
        working_days=5,
        text="Niêm yết lại thông báo tại nhà văn hóa thôn Cao Xá đủ 30 ngày.",
    )
    services.respond(
        actor=SYSTEM,
        recommendation=answered,
        responded_on=min(timezone.localdate(), visit.visited_on + dt.timedelta(3)),
        text="Đã niêm yết lại từ ngày kiểm tra; có ảnh chụp bảng tin kèm theo.",
    )
    services.sweep_recommendations()
