"""The commune's dialogue conference with residents (Luật Tổ chức chính quyền địa phương
2025, Art 43; R44), one of the forms of giving opinions (Law 10/2022 Art 26(a)).

The commune People's Committee holds one at least once a year, when at least 10 % of the
commune's voters ask for it, or when needed; in person, online or over a legal social network.
Time, place, content and how to attend are announced at least 07 days before; the results are
announced, posted at the commune office and sent to the village heads within 10 days after.
All periods are calendar days ("ngày").

No voter roll exists yet, and the household roll records how many people a household has but
not how many are adults, so the 10 % trigger is counted against a voters figure the commune
enters for the year (`set_voter_count`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts import permissions
from danchu.accounts.models import Role, RoleGrant
from danchu.audit.services import record
from danchu.consultations.models import DialogueConference, DialogueRequest, VoterCount
from danchu.core.errors import ValidationError
from danchu.people.models import Person
from danchu.units.models import Unit

ARTICLE = "Điều 43 Luật Tổ chức chính quyền địa phương 2025"
# Art 43: a conference is due when at least 10 % of the commune's voters request it.
REQUEST_SHARE_PERCENT = 10
# Art 43: announced at least 07 days before; results out within 10 days after.
NOTICE_MIN_DAYS = 7
RESULTS_WITHIN_DAYS = 10
VOTING_AGE = 18


@dataclass(frozen=True)
class RequestTally:
    """Voters' requests for a dialogue conference in one commune and year, against the trigger."""

    year: int
    requests: int
    voters: int | None
    needed: int | None
    reached: bool
    article: str = ARTICLE


# --- small helpers --------------------------------------------------------------------------


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _clean(text: str, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _not_future(day: dt.date, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(
            _("%(what)s không được sau hôm nay."), code="date_in_future", params={"what": what}
        )


def _commune(unit: Unit) -> Unit:
    if unit.kind != Unit.Kind.COMMUNE or not unit.is_current():
        raise ValidationError(
            _("Hội nghị đối thoại do UBND xã, phường, đặc khu đang tồn tại tổ chức."),
            code="bad_unit",
        )
    return unit


def _lock(conference: DialogueConference) -> DialogueConference:
    return (
        DialogueConference.objects.select_for_update(of=("self",))
        .select_related("commune")
        .get(pk=conference.pk)
    )


# --- voters and their requests ------------------------------------------------------------------


def needed_requests(voters: int) -> int:
    """The fewest requests that make at least 10 % of `voters` (1,000 voters: 100; 1,005: 101)."""
    return -(-voters * REQUEST_SHARE_PERCENT // 100)


def request_tally(commune: Unit, year: int) -> RequestTally:
    """How many voters asked for a dialogue conference this year, and whether that reaches 10 %
    of the voters figure the commune entered (Art 43). No figure, no trigger."""
    requests = DialogueRequest.objects.filter(commune=commune, year=year).count()
    count = VoterCount.objects.filter(commune=commune, year=year).first()
    if count is None:
        return RequestTally(year=year, requests=requests, voters=None, needed=None, reached=False)
    needed = needed_requests(count.voters)
    return RequestTally(
        year=year,
        requests=requests,
        voters=count.voters,
        needed=needed,
        reached=requests >= needed,
    )


def _record_trigger(actor, commune: Unit, before: RequestTally, after: RequestTally) -> None:
    """One Event the moment the requests reach 10 % of the voters."""
    if after.reached and not before.reached:
        record(
            actor=actor,
            action="consultations.dialogue_triggered",
            obj=commune,
            unit=commune,
            payload={"year": after.year, "requests": after.requests, "voters": after.voters},
        )


def _lock_year(commune: Unit, year: int) -> None:
    # Serialises requests of one commune and year, so the trigger fires exactly once.
    list(VoterCount.objects.select_for_update().filter(commune=commune, year=year))


@transaction.atomic
def set_voter_count(
    *, actor, commune: Unit, year: int, voters: int, source: str = ""
) -> VoterCount:
    """The commune enters its number of voters for the year (for instance from the latest
    voter list): the base of the 10 % trigger of Art 43."""
    permissions.require(actor, "consultations.manage", commune)
    _commune(commune)
    if not isinstance(voters, int) or voters < 1:
        raise ValidationError(_("Số cử tri phải là số nguyên dương."), code="bad_voters")
    _lock_year(commune, year)
    before = request_tally(commune, year)
    count, _created = VoterCount.objects.update_or_create(
        commune=commune,
        year=year,
        defaults={"voters": voters, "source": _clean(source, 300), "entered_by": _user(actor)},
    )
    record(
        actor=actor,
        action="consultations.voter_count",
        obj=count,
        unit=commune,
        payload={"year": year, "voters": voters, "source": count.source},
    )
    _record_trigger(actor, commune, before, request_tally(commune, year))
    return count


def _lives_in(commune: Unit, person: Person | None, user=None) -> bool:
    if person is not None and person.household_id:
        return person.household.village.path.startswith(commune.path)
    if user is None:
        return False
    return (
        RoleGrant.objects.active()
        .filter(user=user, role=Role.RESIDENT, unit__path__startswith=commune.path)
        .exists()
    )


def _check_voter(commune: Unit, person: Person | None, year: int, user=None) -> None:
    if not _lives_in(commune, person, user):
        raise ValidationError(
            _("Chỉ cử tri cư trú tại %(commune)s đề nghị tổ chức hội nghị đối thoại của xã."),
            code="not_a_resident",
            params={"commune": commune.name},
        )
    if person is not None and person.birth_year and year - person.birth_year < VOTING_AGE:
        raise ValidationError(_("Người chưa đủ 18 tuổi chưa là cử tri."), code="not_a_voter")


def _create_request(actor, commune: Unit, year: int, **who) -> DialogueRequest:
    duplicate = ValidationError(
        _(
            "Cử tri này đã đề nghị tổ chức hội nghị đối thoại năm %(year)d; mỗi người một đề nghị "
            "mỗi năm."
        ),
        code="already_requested",
        params={"year": year},
    )
    _lock_year(commune, year)
    for field in ("person", "user"):
        if (
            who.get(field) is not None
            and DialogueRequest.objects.filter(year=year, **{field: who[field]}).exists()
        ):
            raise duplicate
    before = request_tally(commune, year)
    try:
        with transaction.atomic():
            request = DialogueRequest.objects.create(commune=commune, year=year, **who)
    except IntegrityError:  # the same person asking twice at the same moment
        raise duplicate from None
    after = request_tally(commune, year)
    record(
        actor=actor,
        action="consultations.dialogue_requested",
        obj=request,
        unit=commune,
        payload={"year": year, "requests": after.requests, "entered": bool(who.get("entered_by"))},
    )
    _record_trigger(actor, commune, before, after)
    return request


@transaction.atomic
def request_dialogue(*, actor, commune: Unit) -> DialogueRequest:
    """A signed-in voter of the commune asks for a dialogue conference (Art 43); counted by the
    system, one request per person per year."""
    if actor is None or not actor.is_authenticated or getattr(actor, "pk", None) is None:
        raise ValidationError(_("Hãy đăng nhập để gửi đề nghị."), code="login_required")
    _commune(commune)
    year = timezone.localdate().year
    person = getattr(actor, "person", None)
    _check_voter(commune, person, year, actor)
    return _create_request(actor, commune, year, person=person, user=actor)


@transaction.atomic
def enter_dialogue_request(
    *, actor, commune: Unit, person: Person, received_on: dt.date | None = None
) -> DialogueRequest:
    """An officer enters a voter's signed paper request (Art 43); the person must live in the
    commune, and counts once a year whichever way they asked."""
    permissions.require(actor, "consultations.manage", commune)
    _commune(commune)
    received_on = received_on or timezone.localdate()
    _not_future(received_on, _("Ngày nhận đề nghị"))
    _check_voter(commune, person, received_on.year)
    return _create_request(
        actor, commune, received_on.year, person=person, user=person.user, entered_by=_user(actor)
    )


# --- the conference -------------------------------------------------------------------------------


def _check_reason(commune: Unit, reason: str, held_on: dt.date) -> None:
    if reason not in DialogueConference.Reason.values:
        raise ValidationError(_("Lý do tổ chức không hợp lệ."), code="bad_reason")
    if reason != DialogueConference.Reason.REQUEST:
        return
    # Requests late in a year may lead to a conference early the next year.
    if not any(request_tally(commune, y).reached for y in (held_on.year, held_on.year - 1)):
        tally = request_tally(commune, held_on.year)
        raise ValidationError(
            _(
                "Chưa đủ 10%% cử tri của xã đề nghị (%(requests)d đề nghị, cần %(needed)s) — "
                "%(article)s; hãy chọn lý do định kỳ hoặc khi cần thiết."
            ),
            code="requests_below_threshold",
            params={
                "requests": tally.requests,
                "needed": tally.needed if tally.needed is not None else "?",
                "article": ARTICLE,
            },
        )


@transaction.atomic
def plan_dialogue(
    *,
    actor,
    commune: Unit,
    held_on: dt.date,
    place: str,
    reason: str,
    content: str,
    how_to_attend: str,
    forms: list[str],
) -> DialogueConference:
    """The commune UBND plans a dialogue conference: yearly, on the voters' request (≥ 10 %),
    or when needed; in person, online or over a legal social network (Art 43)."""
    permissions.require(actor, "consultations.manage", commune)
    _commune(commune)
    _check_reason(commune, reason, held_on)
    forms = list(dict.fromkeys(forms or []))
    if not forms or set(forms) - set(DialogueConference.Form.values):
        raise ValidationError(
            _("Chọn hình thức: trực tiếp, trực tuyến hoặc qua mạng xã hội (%(article)s)."),
            code="bad_forms",
            params={"article": ARTICLE},
        )
    place, content, how_to_attend = (
        _clean(place, 300),
        (content or "").strip(),
        (how_to_attend or "").strip(),
    )
    if not (place and content and how_to_attend):
        raise ValidationError(
            _(
                "Thông báo hội nghị đối thoại phải có thời gian, địa điểm, nội dung và cách thức "
                "tham dự (%(article)s)."
            ),
            code="notice_incomplete",
            params={"article": ARTICLE},
        )
    conference = DialogueConference.objects.create(
        commune=commune,
        year=held_on.year,
        held_on=held_on,
        place=place,
        reason=reason,
        forms=forms,
        content=content[:20000],
        how_to_attend=how_to_attend[:5000],
        created_by=_user(actor),
    )
    record(
        actor=actor,
        action="consultations.dialogue_planned",
        obj=conference,
        unit=commune,
        payload={"held_on": held_on, "reason": reason, "forms": forms, "place": place},
    )
    return conference


def _require_not_held(conference: DialogueConference) -> None:
    if conference.held:
        raise ValidationError(_("Hội nghị đối thoại đã được tổ chức."), code="already_held")


@transaction.atomic
def announce_dialogue(
    *, actor, conference: DialogueConference, announced_on: dt.date
) -> DialogueConference:
    """Time, place, content and how to attend are announced at least 07 days before the
    conference (Art 43): announced on the 1st for the 8th is on time, on the 2nd is not."""
    conference = _lock(conference)
    permissions.require(actor, "consultations.manage", conference.commune)
    _require_not_held(conference)
    _not_future(announced_on, _("Ngày thông báo"))
    days = (conference.held_on - announced_on).days
    if days < NOTICE_MIN_DAYS:
        raise ValidationError(
            _(
                "Hội nghị đối thoại phải được thông báo chậm nhất 07 ngày trước ngày tổ chức "
                "%(held)s (%(article)s); ngày %(day)s chỉ trước %(n)d ngày."
            ),
            code="notice_too_late",
            params={
                "held": _fmt(conference.held_on),
                "day": _fmt(announced_on),
                "n": days,
                "article": ARTICLE,
            },
        )
    conference.announced_on = announced_on
    conference.save(update_fields=["announced_on"])
    record(
        actor=actor,
        action="consultations.dialogue_announced",
        obj=conference,
        unit=conference.commune,
        payload={"announced_on": announced_on, "held_on": conference.held_on, "days": days},
    )
    return conference


@transaction.atomic
def hold_dialogue(*, actor, conference: DialogueConference, minutes: str) -> DialogueConference:
    """The conference took place as announced; its minutes are recorded."""
    conference = _lock(conference)
    permissions.require(actor, "consultations.manage", conference.commune)
    _require_not_held(conference)
    if conference.announced_on is None:
        raise ValidationError(
            _("Hội nghị chưa được thông báo trước 07 ngày (%(article)s)."),
            code="not_announced",
            params={"article": ARTICLE},
        )
    if conference.held_on > timezone.localdate():
        raise ValidationError(_("Chưa đến ngày tổ chức hội nghị."), code="not_yet")
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError(_("Hãy ghi biên bản hội nghị đối thoại."), code="minutes_required")
    conference.held = True
    conference.minutes = minutes[:50000]
    conference.save(update_fields=["held", "minutes"])
    record(
        actor=actor,
        action="consultations.dialogue_held",
        obj=conference,
        unit=conference.commune,
        payload={"held_on": conference.held_on, "reason": conference.reason},
    )
    return conference


def results_due_on(conference: DialogueConference) -> dt.date:
    """Art 43: within 10 days after the conference (held on the 1st: due by the 11th)."""
    return conference.held_on + dt.timedelta(days=RESULTS_WITHIN_DAYS)


def results_late(conference: DialogueConference, today: dt.date | None = None) -> bool:
    """Results announced or sent after the 10 days, or still missing once they have run out."""
    due = results_due_on(conference)
    if conference.results_published_on and conference.results_sent_on:
        return max(conference.results_published_on, conference.results_sent_on) > due
    return (today or timezone.localdate()) > due


@transaction.atomic
def publish_dialogue_results(
    *,
    actor,
    conference: DialogueConference,
    results: str,
    published_on: dt.date,
    sent_to_village_heads_on: dt.date,
) -> DialogueConference:
    """The results are announced, posted at the commune office and sent to the village heads
    within 10 days after the conference (Art 43). Later results are accepted and flagged late."""
    conference = _lock(conference)
    permissions.require(actor, "consultations.manage", conference.commune)
    if not conference.held:
        raise ValidationError(_("Hội nghị đối thoại chưa được tổ chức."), code="not_held")
    if conference.results_published_on is not None:
        raise ValidationError(_("Kết quả đã được công bố."), code="already_published")
    results = (results or "").strip()
    if not results:
        raise ValidationError(_("Hãy ghi kết quả hội nghị đối thoại."), code="results_required")
    for day in (published_on, sent_to_village_heads_on):
        _not_future(day, _("Ngày công bố, gửi kết quả"))
        if day < conference.held_on:
            raise ValidationError(
                _("Kết quả công bố, gửi sau ngày hội nghị %(day)s."),
                code="before_conference",
                params={"day": _fmt(conference.held_on)},
            )
    conference.results = results[:50000]
    conference.results_published_on = published_on
    conference.results_sent_on = sent_to_village_heads_on
    conference.save(update_fields=["results", "results_published_on", "results_sent_on"])
    record(
        actor=actor,
        action="consultations.dialogue_results",
        obj=conference,
        unit=conference.commune,
        payload={
            "published_on": published_on,
            "sent_on": sent_to_village_heads_on,
            "due": results_due_on(conference),
            "late": results_late(conference),
        },
    )
    return conference


# --- overviews ------------------------------------------------------------------------------------


def overdue_results(within: Unit | None = None, today: dt.date | None = None):
    """Conferences held whose results are not out (announced and sent) after 10 days."""
    today = today or timezone.localdate()
    held = DialogueConference.objects.filter(held=True).select_related("commune")
    if within is not None:
        held = held.filter(commune__path__startswith=within.path)
    return [
        c
        for c in held.filter(held_on__lt=today - dt.timedelta(days=RESULTS_WITHIN_DAYS))
        if c.results_published_on is None or c.results_sent_on is None
    ]


def communes_without_dialogue(year: int, within: Unit | None = None):
    """Communes that have held no dialogue conference in `year` (Art 43: at least once a year).
    During the year this is the list of those that still have to hold one."""
    on = min(dt.date(year, 12, 31), timezone.localdate())
    held = DialogueConference.objects.filter(commune=OuterRef("pk"), year=year, held=True)
    communes = Unit.objects.current(on).filter(kind=Unit.Kind.COMMUNE).exclude(Exists(held))
    if within is not None:
        communes = communes.filter(path__startswith=within.path)
    return communes.order_by("sort_key")


def owes_requested_dialogue(commune: Unit, year: int) -> bool:
    """The voters' requests reached 10 % this year and no conference on request was planned."""
    return (
        request_tally(commune, year).reached
        and not DialogueConference.objects.filter(
            commune=commune,
            reason=DialogueConference.Reason.REQUEST,
            year__in=[year, year + 1],
        ).exists()
    )
