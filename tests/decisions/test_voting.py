import datetime as dt

import pytest
import time_machine

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.core.errors import ValidationError
from danchu.decisions import services
from danchu.decisions.models import Choice, Participation, SecretCount, VoteConflict
from tests.conftest import client_for, make_user
from tests.decisions.conftest import TODAY, codes_of, open_matter


def _yes_no(matter):
    options = list(matter.options.all())
    return options[0].pk, options[1].pk


def test_each_household_votes_once_with_its_code(village):
    matter = open_matter(village, form="ballot", households=4, agreed=True)
    yes, no = _yes_no(matter)
    codes = list(codes_of(matter).values())
    services.cast_with_code(code=codes[0], option_id=yes, channel="online")
    services.cast_with_code(
        code=codes[1].lower().replace("-", " "), option_id=yes, channel="online"
    )
    with pytest.raises(ValidationError) as info:
        services.cast_with_code(code=codes[0], option_id=no, channel="paper", actor=SYSTEM)
    assert info.value.code == "already_voted"
    assert Participation.objects.filter(matter=matter).count() == 2
    conflict = VoteConflict.objects.get()
    assert (conflict.first_channel, conflict.second_channel) == ("online", "paper")
    result = services.tally(matter)
    assert result.votes == {yes: 2, no: 0}


def test_wrong_code_option_and_closed_vote_are_refused(village, other_village):
    matter = open_matter(village, form="ballot", households=3, agreed=True)
    yes, _no = _yes_no(matter)
    code = next(iter(codes_of(matter).values()))
    with pytest.raises(ValidationError) as info:
        services.cast_with_code(code="ABCDE-FGHJK", option_id=yes, channel="online")
    assert info.value.code == "bad_code"
    with pytest.raises(ValidationError) as info:
        services.cast_with_code(code=code, option_id=999999, channel="online")
    assert info.value.code == "bad_option"
    services.close_matter(actor=SYSTEM, matter=matter)
    with pytest.raises(ValidationError) as info:
        services.cast_with_code(code=code, option_id=yes, channel="online")
    assert info.value.code == "not_open"
    assert Participation.objects.count() == 0


def test_votes_after_the_collection_period_are_refused(village, frozen_today):
    import time_machine

    matter = open_matter(
        village,
        form="ballot",
        households=2,
        agreed=True,
        collection_ends_on=TODAY + dt.timedelta(days=2),
    )
    yes, _ = _yes_no(matter)
    code = next(iter(codes_of(matter).values()))
    with (
        time_machine.travel(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC), tick=False),
        pytest.raises(ValidationError) as info,
    ):
        services.cast_with_code(code=code, option_id=yes, channel="online")
    assert info.value.code == "collection_closed"


def test_paper_entry_needs_an_officer(village, resident):
    matter = open_matter(village, form="ballot", households=2, agreed=True)
    yes, _ = _yes_no(matter)
    code = next(iter(codes_of(matter).values()))
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.cast_with_code(code=code, option_id=yes, channel="paper", actor=resident)
    assert Participation.objects.count() == 0


def test_secret_ballot_choices_cannot_be_joined_to_households(village):
    matter = open_matter(village, form="ballot", households=3, agreed=True, secret=True)
    yes, no = _yes_no(matter)
    codes = list(codes_of(matter).values())
    services.cast_with_code(code=codes[0], option_id=yes, channel="online")
    services.cast_with_code(code=codes[1], option_id=no, channel="online")
    services.cast_with_code(code=codes[2], option_id=yes, channel="online")
    # No row per ballot, so nothing whose storage order could be joined to Participation:
    # only a counter per option (SecretCount).
    assert not Choice.objects.filter(matter=matter).exists()
    counts = dict(SecretCount.objects.filter(matter=matter).values_list("option_id", "votes"))
    assert counts == {yes: 2, no: 1}
    field_names = {f.name for f in SecretCount._meta.get_fields()}
    assert field_names == {"id", "matter", "option", "votes"}
    result = services.tally(matter)
    assert result.votes == {yes: 2, no: 1} and result.participated == 3
    # The audit log of a secret vote does not say what was chosen.
    from danchu.audit.models import Event

    payloads = [e.payload for e in Event.objects.filter(action="decisions.vote_cast")]
    assert payloads == [{"channel": "online"}] * 3


def test_representative_votes_online_when_signed_in(village):
    matter = open_matter(village, form="online", households=3, agreed=True)
    yes, _ = _yes_no(matter)
    household = matter.roll.first().household
    user = make_user("dai_dien_ho", Role.RESIDENT, village)
    with pytest.raises(ValidationError) as info:
        services.cast_as_representative(user=user, matter=matter, option_id=yes)
    assert info.value.code == "not_representative"
    household.representative.user = user
    household.representative.save()
    services.cast_as_representative(user=user, matter=matter, option_id=yes)
    assert Participation.objects.get().household == household


def test_online_casting_only_where_online_voting_is_lawful(village, commune):
    """LAW.md R9 (Law Art 17(2); NĐ 59 Art 5): over the internet only for item 6, with the four
    conditions recorded. Elsewhere the printed ballot comes back on paper and the collector
    enters it; nothing is written by a refused attempt."""
    from tests.decisions.conftest import add_households

    def ballot(unit, item, agreements):
        matter = services.create_matter(
            actor=SYSTEM, unit=unit, item=item, title="Làm đường liên thôn", kind="decision"
        )
        for who in agreements:
            services.record_agreement(actor=SYSTEM, matter=matter, who=who, on=TODAY)
        return services.open_matter(
            actor=SYSTEM, matter=matter, form="ballot", collection_ends_on=TODAY + dt.timedelta(7)
        )

    add_households(village, 3)
    # Item 6 with the two agreements of NĐ 59 Art 4(1)(c): a paper ballot, not an online one.
    matter = ballot(village, 6, ("head", "front"))
    yes, _no = _yes_no(matter)
    codes = list(codes_of(matter).values())
    with pytest.raises(ValidationError) as info:
        services.cast_with_code(code=codes[0], option_id=yes, channel="online")
    assert info.value.code == "online_not_allowed"
    assert "phiếu giấy" in info.value.messages[0]
    assert "Điều 5 Nghị định 59/2023" in info.value.messages[0]
    household = matter.roll.first().household
    user = make_user("dai_dien", Role.RESIDENT, village)
    household.representative.user = user
    household.representative.save()
    with pytest.raises(ValidationError) as info:
        services.cast_as_representative(user=user, matter=matter, option_id=yes)
    assert info.value.code == "online_not_allowed"
    assert not Participation.objects.filter(matter=matter).exists()
    services.cast_with_code(code=codes[0], option_id=yes, channel="paper", actor=SYSTEM)
    for who in ("community", "commune_report"):
        services.record_agreement(actor=SYSTEM, matter=matter, who=who, on=TODAY)
    services.cast_with_code(code=codes[1], option_id=yes, channel="online")
    assert Participation.objects.filter(matter=matter).count() == 2

    # Item 1 decided by a commune-wide ballot (NĐ 59 Art 4(1)(a)): never online.
    contributions = ballot(commune, 1, ("head", "front", "community", "commune_report"))
    first_yes, _ = _yes_no(contributions)
    code = next(iter(codes_of(contributions).values()))
    with pytest.raises(ValidationError) as info:
        services.cast_with_code(code=code, option_id=first_yes, channel="online")
    assert info.value.code == "online_not_allowed"
    assert "khoản 6 Điều 15" in info.value.messages[0]
    client = client_for(None)
    page = client.post("/b/", {"code": code}).content.decode()  # the code typed, no option yet
    assert "phiếu giấy" in page and 'name="option"' not in page
    response = client.post("/b/", {"code": code, "option": first_yes})
    assert response.status_code == 422 and response.content.decode().count("phiếu giấy") == 1
    assert not Participation.objects.filter(matter=contributions).exists()


def test_ballot_result_uses_the_whole_roll_and_the_send_clock(village):
    matter = open_matter(
        village, form="ballot", households=5, agreed=True, collection_ends_on=TODAY
    )
    yes, no = _yes_no(matter)
    codes = list(codes_of(matter).values())
    for code in codes[:2]:
        services.cast_with_code(code=code, option_id=yes, channel="online")
    result = services.close_matter(actor=SYSTEM, matter=matter)
    assert (result.votes[yes], result.roll_size, result.adopted) == (2, 5, False)
    assert result.as_dict()["rule"].startswith("Quá 50% tổng số hộ")
    # NĐ 59 Art 4(7): 5 working days after Fri 27 Nov 2026 -> Fri 4 Dec.
    assert services.send_due_on(matter) == dt.date(2026, 12, 4)
    matter.refresh_from_db()
    assert not services.send_late(matter, dt.date(2026, 12, 7))  # not adopted: nothing to send


def test_a_result_sent_after_its_five_working_days_stays_marked_late(village, officer):
    matter = open_matter(
        village, form="ballot", households=3, agreed=True, collection_ends_on=TODAY
    )
    yes, _no = _yes_no(matter)
    for code in list(codes_of(matter).values()):
        services.cast_with_code(code=code, option_id=yes, channel="online")
    services.close_matter(actor=SYSTEM, matter=matter)
    matter.refresh_from_db()
    assert not services.send_late(matter, dt.date(2026, 12, 4))
    assert services.send_late(matter, dt.date(2026, 12, 7))  # Monday: the clock has run out
    with time_machine.travel(dt.datetime(2026, 12, 8, 2, tzinfo=dt.UTC), tick=False):
        overview = client_for(officer).get(f"/u/{village.parent.code}/matters/").content.decode()
        assert "Quá hạn gửi kết quả lấy ý kiến về xã" in overview
        services.send_to_commune(actor=SYSTEM, matter=matter, sent_on=dt.date(2026, 12, 8))
        matter.refresh_from_db()
        assert services.send_late(matter)
        page = client_for(officer).get(matter.get_absolute_url()).content.decode()
        assert "gửi chậm" in page
        overview = client_for(officer).get(f"/u/{village.parent.code}/matters/").content.decode()
        assert "Quá hạn gửi kết quả lấy ý kiến về xã" not in overview


def test_the_matter_page_offers_online_voting_only_where_it_is_lawful(village):
    from tests.decisions.conftest import add_households

    add_households(village, 2)
    matter = services.create_matter(
        actor=SYSTEM, unit=village, item=6, title="Thay giờ phát loa", kind="decision"
    )
    for who in ("head", "front"):
        services.record_agreement(actor=SYSTEM, matter=matter, who=who, on=TODAY)
    matter = services.open_matter(
        actor=SYSTEM, matter=matter, form="ballot", collection_ends_on=TODAY + dt.timedelta(7)
    )
    user = make_user("dai_dien", Role.RESIDENT, village)
    household = matter.roll.first().household
    household.representative.user = user
    household.representative.save()
    page = client_for(user).get(matter.get_absolute_url()).content.decode()
    assert "phiếu giấy" in page and 'name="option"' not in page and "/b/" not in page
    for who in ("community", "commune_report"):
        services.record_agreement(actor=SYSTEM, matter=matter, who=who, on=TODAY)
    page = client_for(user).get(matter.get_absolute_url()).content.decode()
    assert 'name="option"' in page and "phiếu giấy" not in page
