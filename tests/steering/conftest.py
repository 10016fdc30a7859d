"""Fixtures for the steering committee: hand-built records of every engine.

The steering app only reads the engines' records, so these helpers write the rows in the
exact state a test needs to count by hand (a notice published on a given day, a matter
closed with 40 of 100 households); the engines' own tests cover how those states arise.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.consultations.models import (
    Art25Item,
    Consultation,
    Convention,
    ConventionReview,
    ConventionVersion,
    Opinion,
    OpinionGroup,
)
from danchu.decisions.models import Matter
from danchu.disclosures.models import Art11Item, Notice, Posting, PostingPlace
from danchu.petitions.models import Category, Petition
from danchu.steering import services
from danchu.steering.models import Checklist
from danchu.units import services as unit_services
from tests.conftest import make_user

TODAY = dt.date(2026, 11, 27)  # a Friday
_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


def verified(user):
    user.is_verified = lambda: True
    return user


@pytest.fixture
def member(province):
    user = make_user("uy_vien_bcd", Role.STEERING_MEMBER, province)
    user.email = "uyvien@hanoi.gov.vn"
    user.save()
    return verified(user)


@pytest.fixture
def commune_member(commune):
    return verified(make_user("uy_vien_xa", Role.STEERING_MEMBER, commune))


@pytest.fixture
def chair(commune):
    user = make_user("chu_tich_xa", Role.COMMUNE_CHAIR, commune)
    user.email = "chutich@unghoa.gov.vn"
    user.save()
    return verified(user)


@pytest.fixture
def committee(province, member):
    committee = services.create_committee(
        actor=SYSTEM,
        unit=province,
        name="Ban Chỉ đạo thực hiện dân chủ ở cơ sở Thành phố",
        decision_ref="125/QĐ-UBND",
        established_on=dt.date(2025, 8, 1),
    )
    services.add_member(actor=SYSTEM, committee=committee, user=member, position="head")
    return committee


@pytest.fixture
def checklist(db):
    return Checklist.objects.get(name="Kiểm tra thực hiện dân chủ ở cơ sở cấp xã")


@pytest.fixture
def second_village(commune):
    return unit_services.create_village(actor=SYSTEM, commune=commune, name="Thôn Cao Xá")


# --- engine records in a known state ----------------------------------------------------------


def notice(unit, published_on, *, late=False, item_number=3):
    """A published notice; `late` publishes it after its publication deadline."""
    item = Art11Item.objects.get(number=item_number)
    n = Notice.objects.create(
        unit=unit,
        item=item,
        title=f"Thông báo {next(_counter)}",
        body="Nội dung",
        status=Notice.Status.PUBLISHED,
        published_on=published_on,
        published_at=timezone.make_aware(dt.datetime.combine(published_on, dt.time(8))),
        signed_on=published_on - dt.timedelta(days=5 if late else 0),
        publish_due_on=published_on - dt.timedelta(days=3) if late else published_on,
    )
    place, _ = PostingPlace.objects.get_or_create(unit=unit, name="Bảng tin nhà văn hóa")
    Posting.objects.create(
        notice=n,
        place=place,
        started_on=published_on,
        required_until=published_on + dt.timedelta(days=30),
    )
    return n


def matter(
    unit,
    closed_on,
    *,
    roll=100,
    took_part=60,
    adopted=True,
    item=6,
    received_on=None,
    recognised_on=None,
    refused_on=None,
):
    return Matter.objects.create(
        unit=unit,
        item=item,
        title=f"Làm đường bê tông xóm {next(_counter)}",
        status=Matter.Status.CLOSED,
        form="meeting",
        roll_size=roll,
        adopted=adopted,
        closed_at=timezone.make_aware(dt.datetime.combine(closed_on, dt.time(20))),
        result={"roll_size": roll, "participated": took_part, "present": took_part},
        received_on=received_on,
        recognised_on=recognised_on,
        refused_on=refused_on,
    )


def consultation(unit, closes_on, *, answered=False, opinions=0, answered_opinions=0):
    c = Consultation.objects.create(
        unit=unit,
        item=Art25Item.objects.get(number=5),
        title=f"Dự thảo {next(_counter)}",
        forms=["portal"],
        opens_on=closes_on - dt.timedelta(days=14),
        closes_on=closes_on,
        status=Consultation.Status.ANSWERED if answered else Consultation.Status.CLOSED,
    )
    group = OpinionGroup.objects.create(consultation=c, title="Nhóm ý kiến", answer="accepted")
    for i in range(opinions):
        Opinion.objects.create(
            consultation=c,
            channel="portal",
            text=f"Ý kiến {i}",
            original_text=f"Ý kiến {i}",
            group=group if i < answered_opinions else None,
        )
    return c


def convention(village, *, recognised_on, reviewed_on=None):
    c = Convention.objects.create(village=village, title="huong_uoc", status="in_force")
    version = ConventionVersion.objects.create(
        convention=c, number=1, text="Hương ước", stage="recognised", recognised_on=recognised_on
    )
    if reviewed_on:
        ConventionReview.objects.create(
            convention=c,
            version=version,
            year=reviewed_on.year,
            reviewed_on=reviewed_on,
            form="meeting",
            chair_name="Trần Văn Hùng",
            front_head_name="Đỗ Thị Hạnh",
            findings="Phù hợp",
            outcome="keep",
        )
    return c


def petition(
    unit,
    received_on,
    *,
    status="answered",
    late=False,
    due_on=None,
    rating=None,
    category="ha-tang",
    days=None,
):
    commune = unit if unit.kind == "commune" else unit.parent
    number = next(_counter)
    return Petition.objects.create(
        code=f"PA-{number:06d}",
        kind="feedback",
        channel="online",
        category=Category.objects.get(code=category),
        unit=unit,
        commune=commune,
        title=f"Phản ánh {number}",
        text="Nội dung phản ánh",
        status=status,
        received_on=received_on,
        notice_due_on=received_on,
        due_on=due_on,
        answered_on=received_on + dt.timedelta(days=5) if status == "answered" else None,
        answered_late=late if status == "answered" else None,
        answer_working_days=days,
        rating=rating,
    )
