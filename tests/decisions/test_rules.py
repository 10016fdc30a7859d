import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from danchu.accounts.permissions import SYSTEM
from danchu.core.errors import ValidationError
from danchu.decisions import services
from danchu.decisions.models import Item, Matter
from tests.decisions.conftest import TODAY, add_households, open_matter


@pytest.mark.parametrize(
    "votes,roll,adopted",
    [
        (50, 100, False),
        (51, 100, True),
        (51, 101, True),
        (50, 101, False),
        (1, 1, True),
        (0, 1, False),
        (1, 2, False),
        (2, 3, True),
    ],
)
def test_more_than_half_of_the_whole_roll(votes, roll, adopted):
    assert services.more_than_half(votes, roll) is adopted


@settings(max_examples=200, deadline=None)
@given(roll=st.integers(1, 600), data=st.data())
def test_adoption_rule_matches_a_plain_recount(roll, data):
    """For random rolls and votes, the rule equals counting by hand: yes > roll / 2."""
    yes = data.draw(st.integers(0, roll))
    no = data.draw(st.integers(0, roll - yes))
    result = services.Result(
        roll_size=roll,
        present=yes + no,
        participated=yes + no,
        votes={1: yes, 2: no},
        labels={1: "Đồng ý", 2: "Không đồng ý"},
    )
    services._apply_rule(Matter(item=Item.OTHER, kind=Matter.Kind.DECISION), result)
    assert result.adopted == (2 * yes > roll)
    assert result.winner_id == (1 if 2 * yes > roll else None)
    # Never the share of votes cast: 3 of 4 votes cast is not enough on a roll of 10.
    if roll >= 10 and yes == 3 and no == 1:
        assert not result.adopted


@pytest.mark.parametrize("item", [3, 4, 5])
def test_items_three_to_five_cannot_open_as_a_ballot(village, item):
    add_households(village, 5)
    matter = services.create_matter(actor=SYSTEM, unit=village, item=item, title="Hương ước")
    with pytest.raises(ValidationError) as info:
        services.open_matter(actor=SYSTEM, matter=matter, form="ballot", collection_ends_on=TODAY)
    assert info.value.code == "meeting_only"
    assert "Điều 17" in info.value.messages[0]
    matter.refresh_from_db()
    assert matter.status == "draft" and matter.roll.count() == 0


def test_online_only_for_item_six_with_every_condition(village):
    add_households(village, 5)
    matter = services.create_matter(actor=SYSTEM, unit=village, item=1, title="Đóng góp")
    with pytest.raises(ValidationError) as info:
        services.open_matter(actor=SYSTEM, matter=matter, form="online", collection_ends_on=TODAY)
    assert info.value.code == "online_not_allowed"
    other = services.create_matter(actor=SYSTEM, unit=village, item=6, title="Giờ tắt loa")
    services.record_agreement(actor=SYSTEM, matter=other, who="head", on=TODAY)
    with pytest.raises(ValidationError) as info:
        services.open_matter(actor=SYSTEM, matter=other, form="online", collection_ends_on=TODAY)
    assert info.value.code == "online_conditions"
    assert "Trưởng ban công tác Mặt trận" in info.value.messages[0]
    for who in ("front", "community", "commune_report"):
        services.record_agreement(actor=SYSTEM, matter=other, who=who, on=TODAY)
    services.open_matter(actor=SYSTEM, matter=other, form="online", collection_ends_on=TODAY)


def test_ballot_for_item_six_needs_both_agreements(village):
    add_households(village, 5)
    matter = services.create_matter(actor=SYSTEM, unit=village, item=6, title="Quỹ khuyến học")
    with pytest.raises(ValidationError) as info:
        services.open_matter(actor=SYSTEM, matter=matter, form="ballot", collection_ends_on=TODAY)
    assert info.value.code == "ballot_not_allowed"
    services.record_agreement(actor=SYSTEM, matter=matter, who="head", on=TODAY)
    services.record_agreement(actor=SYSTEM, matter=matter, who="front", on=TODAY)
    opened = services.open_matter(
        actor=SYSTEM, matter=matter, form="ballot", collection_ends_on=TODAY
    )
    assert opened.form == "ballot"


def test_commune_wide_only_for_items_one_and_two(commune, village):
    add_households(village, 4)
    with pytest.raises(ValidationError) as info:
        services.create_matter(actor=SYSTEM, unit=commune, item=6, title="Việc chung")
    assert info.value.code == "item_not_commune_wide"
    matter = services.create_matter(
        actor=SYSTEM, unit=commune, item=1, title="Đóng góp xây trường mầm non"
    )
    opened = services.open_matter(
        actor=SYSTEM, matter=matter, form="ballot", collection_ends_on=TODAY
    )
    assert opened.roll_size == 4  # every household of every village of the commune


def test_opening_freezes_the_roll(village):
    matter = open_matter(village, households=10)
    assert matter.roll_size == 10
    add_households(village, 5, start=100)  # households arriving later
    matter.refresh_from_db()
    assert matter.roll_size == 10 and matter.roll.count() == 10
    result = services.tally(matter)
    assert result.roll_size == 10


def test_unknown_item_and_bad_options_are_refused(village):
    with pytest.raises(ValidationError):
        services.create_matter(actor=SYSTEM, unit=village, item=7, title="x")
    with pytest.raises(ValidationError) as info:
        services.create_matter(actor=SYSTEM, unit=village, item=6, title="x", options=["A", "A"])
    assert info.value.code == "bad_options"
    assert Matter.objects.count() == 0


def test_empty_roll_cannot_open(village):
    matter = services.create_matter(actor=SYSTEM, unit=village, item=6, title="x")
    with pytest.raises(ValidationError) as info:
        services.open_matter(actor=SYSTEM, matter=matter, form="meeting")
    assert info.value.code == "empty_roll"
