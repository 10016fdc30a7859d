import datetime as dt

import pytest
import time_machine

from danchu.accounts.permissions import SYSTEM
from danchu.decisions import services
from danchu.people.models import Household, Person

TODAY = dt.date(2026, 11, 27)  # a Friday


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


def add_households(village, n: int, start: int = 1) -> list[Household]:
    """n households, each with a representative, the way an import leaves them."""
    people = Person.objects.bulk_create(
        [
            Person(full_name=f"Nguyễn Văn Hộ {i}", sort_key=f"{i:06d}")
            for i in range(start, start + n)
        ]
    )
    households = Household.objects.bulk_create(
        [
            Household(village=village, code=f"H{i:04d}", representative=p, member_count=3)
            for i, p in zip(range(start, start + n), people, strict=True)
        ]
    )
    for person, household in zip(people, households, strict=True):
        person.household = household
    Person.objects.bulk_update(people, ["household"])
    return households


def open_matter(
    village,
    *,
    item=6,
    form="meeting",
    options=None,
    secret=False,
    households=10,
    collection_ends_on=None,
    agreed=False,
):
    if households:
        add_households(village, households, start=Household.objects.count() + 1)
    matter = services.create_matter(
        actor=SYSTEM,
        unit=village,
        item=item,
        title="Làm đường bê tông xóm 3",
        options=options,
        secret=secret,
        # Items 4 and 5 here are dismissal votes (kind "decision"); elections need their
        # NĐ 59 Art 6 preparation, covered by tests/decisions/test_elections.py.
        kind="decision",
    )
    if agreed:
        for who in ("head", "front", "community", "commune_report"):
            services.record_agreement(actor=SYSTEM, matter=matter, who=who, on=TODAY)
    if form != "meeting" and collection_ends_on is None:
        collection_ends_on = TODAY + dt.timedelta(days=7)
    return services.open_matter(
        actor=SYSTEM, matter=matter, form=form, collection_ends_on=collection_ends_on
    )


def codes_of(matter):
    return {
        entry.household_id: services.ballot_code(matter.pk, entry.household_id)
        for entry in matter.roll.all()
    }
