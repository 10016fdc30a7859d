"""Dân tham gia ý kiến over the API: consultations on drafts before the authority decides
(Law 10/2022 Art 25–29).

Reads are public once a consultation has opened; a draft is seen only by those who manage its
unit (the same 404 otherwise, for reads and writes alike). Every write goes through
consultations.services, which checks the role, validates and writes the audit Event.

No response names a commenter who did not choose to show their name (officers' responses
included), and none carries an author's account, household or phone. Hidden opinions are
never public; opinions their authors kept private are read only by those who answer them.
"""

import datetime as dt
from dataclasses import asdict
from enum import StrEnum
from typing import Annotated

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator

from danchu.accounts import permissions
from danchu.api.auth import BearerToken, OptionalBearer
from danchu.api.pagination import Pages
from danchu.consultations import services
from danchu.consultations.models import (
    Art25Item,
    Channel,
    Consultation,
    Opinion,
    OpinionGroup,
)
from danchu.core.errors import ValidationError
from danchu.units.models import Unit
from danchu.units.services import get_unit

router = Router(tags=["consultations"])

# Primary keys are 64-bit; anything larger names nothing.
MAX_ID = 2**63 - 1
# Art 25 item and section numbers fit a PositiveSmallIntegerField.
MAX_SMALL = 32767
MAX_GROUP_OPINIONS = 10000


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it here rather than fail in the database.
    if "\x00" in value:
        raise ValueError("ký tự NUL không hợp lệ / NUL character not allowed")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# --- output -------------------------------------------------------------------------------


class Art25ItemOut(Schema):
    number: int
    title: str
    verified: bool = Field(..., description="wording checked against a published copy of the law")


class ChannelOut(Schema):
    code: str
    label: str


class SectionOut(Schema):
    number: int
    heading: str
    text: str
    opinion_count: int = Field(..., description="opinions on this section (hidden ones aside)")


class PublicOpinionOut(Schema):
    """An opinion as the public sees it: never its author, unless they chose to be named."""

    id: int
    section: int | None = Field(..., description="section number; null: the whole draft")
    channel: str
    text: str = Field(..., description="as published (a moderator may have shortened it)")
    author_name: str | None = Field(..., description="only when the author chose to show it")
    created_at: dt.datetime

    @staticmethod
    def resolve_section(obj: Opinion) -> int | None:
        return obj.section.number if obj.section_id else None

    @staticmethod
    def resolve_author_name(obj: Opinion) -> str | None:
        return obj.public_name or None


class GroupPublicOut(Schema):
    title: str
    answer: str = Field(..., description="accepted or not_accepted")
    answer_label: str
    reason: str = Field(..., description="how it was taken in, or why not")
    opinion_count: int = Field(..., description="opinions answered by this group, private too")
    opinions: list[PublicOpinionOut] = Field(..., description="its public opinions")

    @staticmethod
    def resolve_answer_label(obj: OpinionGroup) -> str:
        return _answer_label(obj.answer)

    @staticmethod
    def resolve_opinions(obj: OpinionGroup) -> list[Opinion]:
        return obj.public_opinions


class SynthesisOut(Schema):
    published_at: dt.datetime
    reported_to: str
    groups: list[GroupPublicOut]


class ConsultationOut(Schema):
    id: int
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    item: int = Field(..., alias="item.number", description="Law 10/2022 Art 25 item")
    item_title: str = Field(..., alias="item.title")
    title: str
    summary: str
    forms: list[ChannelOut] = Field(..., description="forms of giving opinions (Art 26)")
    opens_on: dt.date
    closes_on: dt.date
    status: str = Field(
        ..., description="draft, open, closed (the period is over) or answered (synthesis out)"
    )
    accepting: bool = Field(..., description="opinions are taken today")
    synthesis_published_at: dt.datetime | None

    @staticmethod
    def resolve_forms(obj: Consultation) -> list[dict]:
        return [_channel(code) for code in obj.forms]

    @staticmethod
    def resolve_status(obj: Consultation) -> str:
        return obj.current_status

    @staticmethod
    def resolve_accepting(obj: Consultation) -> bool:
        return services.is_accepting(obj)


class ConsultationDetailOut(ConsultationOut):
    sections: list[SectionOut]
    opinion_count: int = Field(..., description="all opinions, hidden ones aside")
    whole_draft_opinion_count: int = Field(..., description="opinions on the draft as a whole")
    synthesis: SynthesisOut | None = Field(
        ..., description="once published: every group of opinions with its answer and reason"
    )

    @staticmethod
    def resolve_sections(obj: Consultation) -> list[dict]:
        counts = _opinion_counts(obj)
        return [
            {
                "number": section.number,
                "heading": section.heading,
                "text": section.text,
                "opinion_count": counts.get(section.pk, 0),
            }
            for section in obj.sections.all()
        ]

    @staticmethod
    def resolve_opinion_count(obj: Consultation) -> int:
        return sum(_opinion_counts(obj).values())

    @staticmethod
    def resolve_whole_draft_opinion_count(obj: Consultation) -> int:
        return _opinion_counts(obj).get(None, 0)

    @staticmethod
    def resolve_synthesis(obj: Consultation) -> dict | None:
        if obj.status != Consultation.Status.ANSWERED:
            return None
        public = (
            Opinion.objects.filter(is_public=True, hidden=False)
            .select_related("section")
            .order_by("created_at", "pk")
        )
        groups = obj.groups.annotate(
            opinion_count=Count("opinions", filter=Q(opinions__hidden=False))
        ).prefetch_related(Prefetch("opinions", queryset=public, to_attr="public_opinions"))
        return {
            "published_at": obj.synthesis_published_at,
            "reported_to": obj.reported_to,
            "groups": list(groups),
        }


class AnswerOut(Schema):
    group: str = Field(..., description="the group of opinions yours was answered with")
    answer: str = Field(..., description="accepted or not_accepted")
    answer_label: str
    reason: str
    published_at: dt.datetime


class MyOpinionOut(Schema):
    id: int
    consultation: int = Field(..., alias="consultation_id")
    consultation_title: str = Field(..., alias="consultation.title")
    unit: str = Field(..., alias="consultation.unit.code")
    section: int | None = Field(..., description="section number; null: the whole draft")
    text: str = Field(..., description="as published")
    original_text: str = Field(..., description="as you wrote it")
    is_public: bool
    show_name: bool
    hidden: bool
    moderation_note: str
    created_at: dt.datetime
    answer: AnswerOut | None = Field(..., description="once the synthesis is published")

    @staticmethod
    def resolve_section(obj: Opinion) -> int | None:
        return obj.section.number if obj.section_id else None

    @staticmethod
    def resolve_answer(obj: Opinion) -> dict | None:
        consultation, group = obj.consultation, obj.group
        if consultation.status != Consultation.Status.ANSWERED or not group or not group.answer:
            return None
        return {
            "group": group.title,
            "answer": group.answer,
            "answer_label": _answer_label(group.answer),
            "reason": group.reason,
            "published_at": consultation.synthesis_published_at,
        }


class OfficerOpinionOut(PublicOpinionOut):
    """An opinion as those who answer it see it: private and hidden ones too, still unnamed."""

    original_text: str
    is_public: bool
    hidden: bool
    moderation_note: str
    group: int | None = Field(..., alias="group_id")
    entered: bool = Field(..., description="received on paper, at a meeting… and entered")

    @staticmethod
    def resolve_entered(obj: Opinion) -> bool:
        return obj.channel != Channel.PORTAL


class GroupOut(Schema):
    id: int
    consultation: int = Field(..., alias="consultation_id")
    title: str
    answer: str = Field(..., description="accepted, not_accepted or empty: not yet answered")
    reason: str
    position: int
    opinions: list[int] = Field(..., description="ids of its opinions")

    @staticmethod
    def resolve_opinions(obj: OpinionGroup) -> list[int]:
        return list(obj.opinions.order_by("pk").values_list("pk", flat=True))


# --- input --------------------------------------------------------------------------------


class PublicStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    ANSWERED = "answered"


class ConsultationFilter(Schema):
    status: PublicStatus | None = Field(None, description="closed: the period is over")
    item: int | None = Field(None, ge=1, le=MAX_SMALL, description="Law 10/2022 Art 25 item")


class OpinionFilter(Schema):
    section: int | None = Field(
        None, ge=0, le=MAX_SMALL, description="a section number; 0: the whole draft"
    )


class ConsultationIn(Schema):
    item: int = Field(..., ge=1, le=MAX_SMALL, description="Law 10/2022 Art 25 item")
    title: Text = Field(..., max_length=1000)
    draft_text: Text = Field(
        ..., max_length=500_000, description='split into sections at "Điều 1.", "Mục 2"…'
    )
    summary: Text = Field("", max_length=20_000)
    opens_on: dt.date
    closes_on: dt.date
    forms: list[Text] = Field(
        ..., max_length=20, description="Art 26 forms: " + ", ".join(Channel.values)
    )


class OpinionIn(Schema):
    text: Text
    section: int | None = Field(None, description="section number; null: the whole draft")
    is_public: bool = Field(
        False, description="true: the public reads it (explicit consent: false unless sent)"
    )
    show_name: bool = Field(False, description="show my name with a public opinion")


class EnteredOpinionIn(Schema):
    channel: Text = Field(..., max_length=20, description="how it was received (Art 26)")
    text: Text
    section: int | None = Field(None, description="section number; null: the whole draft")
    author_name: Text = Field("", max_length=1000, description="kept, never published")


class ModerationIn(Schema):
    hidden: bool = Field(..., description="true: off the public pages")
    note: Text = Field(..., max_length=2000, description="why (required)")
    text: Text | None = Field(None, description="a shortened public text; the original is kept")


class GroupIn(Schema):
    title: Text = Field(..., max_length=1000, description="what these opinions say")
    opinion_ids: list[Id] = Field([], max_length=MAX_GROUP_OPINIONS)


class AssignIn(Schema):
    opinion_ids: list[Id] = Field(..., max_length=MAX_GROUP_OPINIONS)


class AnswerIn(Schema):
    answer: Text = Field(..., max_length=20, description="accepted or not_accepted")
    reason: Text = Field("", max_length=20_000, description="required when not accepted")


class PublishIn(Schema):
    reported_to: Text = Field("", max_length=1000, description="the authority reported to")


# --- helpers ------------------------------------------------------------------------------


def _channel(code: str) -> dict:
    label = Channel(code).label if code in Channel.values else code
    return {"code": code, "label": str(label)}


def _answer_label(answer: str) -> str:
    return str(OpinionGroup.Answer(answer).label) if answer in OpinionGroup.Answer.values else ""


def _opinion_counts(consultation: Consultation) -> dict[int | None, int]:
    """{section id or None (whole draft): opinions}, hidden ones aside; one query per object."""
    if not hasattr(consultation, "_opinion_counts"):
        rows = (
            Opinion.objects.filter(consultation=consultation, hidden=False)
            .values("section_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        consultation._opinion_counts = {row["section_id"]: row["n"] for row in rows}
    return consultation._opinion_counts


# --- access -------------------------------------------------------------------------------


def _caller(request):
    """The bearer token's user; without a token, anonymous (sessions don't count here)."""
    return request.auth if getattr(request.auth, "is_authenticated", False) else AnonymousUser()


def _unit(code: str) -> Unit:
    if "\x00" in code:
        raise Http404(_("Không tìm thấy đơn vị."))
    try:
        return get_unit(code)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from None


def _consultation_for(request, consultation_id: int) -> Consultation:
    """The consultation, or 404: for unknown ids, and for drafts to those who may not manage
    them (STYLE.md §7). The services check the role of every write (403)."""
    consultation = (
        Consultation.objects.select_related("unit", "item").filter(pk=consultation_id).first()
        if 0 < consultation_id <= MAX_ID
        else None
    )
    if consultation is None or (
        consultation.status == Consultation.Status.DRAFT
        and not permissions.can(_caller(request), "consultations.manage", consultation.unit)
    ):
        raise Http404(_("Không tìm thấy đợt lấy ý kiến."))
    return consultation


def _opinion_for(request, opinion_id: int) -> Opinion:
    opinion = (
        Opinion.objects.select_related("consultation", "section").filter(pk=opinion_id).first()
        if 0 < opinion_id <= MAX_ID
        else None
    )
    if opinion is None:
        raise Http404(_("Không tìm thấy ý kiến."))
    _consultation_for(request, opinion.consultation_id)
    return opinion


def _group_for(request, group_id: int) -> OpinionGroup:
    group = (
        OpinionGroup.objects.select_related("consultation__unit").filter(pk=group_id).first()
        if 0 < group_id <= MAX_ID
        else None
    )
    if group is None:
        raise Http404(_("Không tìm thấy nhóm ý kiến."))
    _consultation_for(request, group.consultation_id)
    return group


def _detail(consultation_id: int) -> Consultation:
    """A fresh copy after a write, for the detail response."""
    return Consultation.objects.select_related("unit", "item").get(pk=consultation_id)


def _officer_opinions():
    return Opinion.objects.select_related("section")


# --- public -------------------------------------------------------------------------------


@router.get(
    "/art25-items",
    response=list[Art25ItemOut],
    auth=OptionalBearer(),
    summary="The matters on which citizens give opinions (Law 10/2022 Art 25)",
)
def list_art25_items(request):
    return Art25Item.objects.filter(active=True)


@router.get(
    "/units/{code}/consultations",
    response=list[ConsultationOut],
    auth=OptionalBearer(),
    summary="Consultations of a unit and of the units above it, newest first (no drafts)",
)
@paginate(Pages)
def list_consultations(request, code: str, filters: Query[ConsultationFilter]):
    unit = _unit(code)
    consultations = (
        Consultation.objects.filter(unit__in=unit.ancestors())
        .exclude(status=Consultation.Status.DRAFT)
        .select_related("unit", "item")
        .order_by("-opens_on", "-pk")
    )
    today = timezone.localdate()
    past = Q(status=Consultation.Status.OPEN, closes_on__lt=today)
    if filters.status == PublicStatus.OPEN:
        consultations = consultations.filter(status=Consultation.Status.OPEN).exclude(past)
    elif filters.status == PublicStatus.CLOSED:
        consultations = consultations.filter(Q(status=Consultation.Status.CLOSED) | past)
    elif filters.status == PublicStatus.ANSWERED:
        consultations = consultations.filter(status=Consultation.Status.ANSWERED)
    if filters.item:
        consultations = consultations.filter(item__number=filters.item)
    return consultations


@router.get(
    "/consultations/{consultation_id}",
    response=ConsultationDetailOut,
    auth=OptionalBearer(),
    summary="One consultation: the draft by section, opinion counts, and the synthesis once out",
)
def get_consultation(request, consultation_id: int):
    return _consultation_for(request, consultation_id)


@router.get(
    "/consultations/{consultation_id}/opinions",
    response=list[PublicOpinionOut],
    auth=OptionalBearer(),
    summary="Public opinions, oldest first; named only when their author chose so",
)
@paginate(Pages)
def list_opinions(request, consultation_id: int, filters: Query[OpinionFilter]):
    consultation = _consultation_for(request, consultation_id)
    opinions = consultation.opinions.filter(is_public=True, hidden=False).select_related("section")
    if filters.section == 0:
        opinions = opinions.filter(section__isnull=True)
    elif filters.section is not None:
        opinions = opinions.filter(section__number=filters.section)
    return opinions.order_by("created_at", "pk")


# --- residents ----------------------------------------------------------------------------


@router.post(
    "/consultations/{consultation_id}/opinions",
    response={201: MyOpinionOut},
    auth=BearerToken(),
    summary="Give an opinion on a section or on the whole draft (Art 26)",
)
def submit_opinion(request, consultation_id: int, payload: OpinionIn):
    opinion = services.submit_opinion(
        user=request.auth,
        consultation=_consultation_for(request, consultation_id),
        text=payload.text,
        section_number=payload.section,
        is_public=payload.is_public,
        show_name=payload.show_name,
    )
    return Status(201, opinion)


@router.get(
    "/me/opinions",
    response=list[MyOpinionOut],
    auth=BearerToken(),
    summary="My opinions, newest first, and how each was answered",
)
@paginate(Pages)
def my_opinions(request):
    return (
        Opinion.objects.filter(author=request.auth)
        .select_related("consultation__unit", "section", "group")
        .order_by("-created_at", "-pk")
    )


# --- officers: preparing and receiving ----------------------------------------------------


@router.post(
    "/units/{code}/consultations",
    response={201: ConsultationDetailOut},
    auth=BearerToken(),
    summary="Prepare a consultation; the draft is split into numbered sections",
)
def create_consultation(request, code: str, payload: ConsultationIn):
    unit = _unit(code)
    # The role first, so a caller without it gets 403 whatever the payload.
    permissions.require(request.auth, "consultations.manage", unit)
    consultation = services.create_consultation(
        actor=request.auth,
        unit=unit,
        item=Art25Item.objects.filter(number=payload.item).first(),
        title=payload.title,
        draft_text=payload.draft_text,
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
        forms=payload.forms,
        summary=payload.summary,
    )
    return Status(201, _detail(consultation.pk))


@router.post(
    "/consultations/{consultation_id}/open",
    response=ConsultationDetailOut,
    auth=BearerToken(),
    summary="Open a prepared consultation to opinions",
)
def open_consultation(request, consultation_id: int):
    consultation = _consultation_for(request, consultation_id)
    services.open_consultation(actor=request.auth, consultation=consultation)
    return _detail(consultation.pk)


@router.post(
    "/consultations/{consultation_id}/entered-opinions",
    response={201: OfficerOpinionOut},
    auth=BearerToken(),
    summary="Enter an opinion received on paper, at a meeting, through the Front… (Art 26)",
)
def enter_opinion(request, consultation_id: int, payload: EnteredOpinionIn):
    opinion = services.enter_opinion(
        actor=request.auth,
        consultation=_consultation_for(request, consultation_id),
        text=payload.text,
        channel=payload.channel,
        author_name=payload.author_name,
        section_number=payload.section,
    )
    return Status(201, opinion)


@router.post(
    "/opinions/{opinion_id}/moderate",
    response=OfficerOpinionOut,
    auth=BearerToken(),
    summary="Hide an opinion or shorten its public text; the original is kept",
)
def moderate_opinion(request, opinion_id: int, payload: ModerationIn):
    opinion = services.moderate_opinion(
        actor=request.auth,
        opinion=_opinion_for(request, opinion_id),
        hidden=payload.hidden,
        note=payload.note,
        text=payload.text,
    )
    return _officer_opinions().get(pk=opinion.pk)


# --- officers: the synthesis --------------------------------------------------------------


@router.get(
    "/consultations/{consultation_id}/unanswered",
    response=list[OfficerOpinionOut],
    auth=BearerToken(),
    summary="Opinions not yet in a group that has an answer (all must be, to publish)",
)
def list_unanswered(request, consultation_id: int):
    consultation = _consultation_for(request, consultation_id)
    permissions.require(request.auth, "consultations.manage", consultation.unit)
    return services.unanswered(consultation).select_related("section").order_by("created_at", "pk")


@router.post(
    "/consultations/{consultation_id}/groups",
    response={201: GroupOut},
    auth=BearerToken(),
    summary="Group like opinions under one summary, to answer them together",
)
def create_group(request, consultation_id: int, payload: GroupIn):
    group = services.create_group(
        actor=request.auth,
        consultation=_consultation_for(request, consultation_id),
        title=payload.title,
        opinion_ids=payload.opinion_ids,
    )
    return Status(201, group)


@router.post(
    "/opinion-groups/{group_id}/assign",
    response=GroupOut,
    auth=BearerToken(),
    summary="Move opinions into a group",
)
def assign_opinions(request, group_id: int, payload: AssignIn):
    group = _group_for(request, group_id)
    services.assign(actor=request.auth, group=group, opinion_ids=payload.opinion_ids)
    return group


@router.post(
    "/opinion-groups/{group_id}/answer",
    response=GroupOut,
    auth=BearerToken(),
    summary="Accept a group of opinions, or explain why not (Art 27–29)",
)
def answer_group(request, group_id: int, payload: AnswerIn):
    return services.answer_group(
        actor=request.auth,
        group=_group_for(request, group_id),
        answer=payload.answer,
        reason=payload.reason,
    )


@router.post(
    "/consultations/{consultation_id}/publish",
    response=ConsultationDetailOut,
    auth=BearerToken(),
    summary="Publish the synthesis once the period is over and every opinion is answered",
)
def publish_synthesis(request, consultation_id: int, payload: PublishIn):
    consultation = _consultation_for(request, consultation_id)
    services.publish_synthesis(
        actor=request.auth, consultation=consultation, reported_to=payload.reported_to
    )
    return _detail(consultation.pk)


# --- households with a printed code -------------------------------------------------------


class CodeOpinionIn(OpinionIn):
    code: Text = Field(..., max_length=20, description="the household's printed code")


class CodeOpinionOut(Schema):
    id: int
    section: int | None
    channel: ChannelOut
    is_public: bool
    show_name: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_section(obj: Opinion) -> int | None:
        return obj.section.number if obj.section_id else None

    @staticmethod
    def resolve_channel(obj: Opinion) -> dict:
        return _channel(obj.channel)


@router.post(
    "/consultations/{consultation_id}/household-opinions",
    response={201: CodeOpinionOut},
    summary="Give an opinion with a household's printed code, without an account",
    description="The opinion is recorded for the household the code was printed for, on the "
    "channel 'online with household code'; the name is public only with show_name. Wrong codes "
    "are throttled per address (422, then 422 too_many_attempts for 15 minutes).",
)
def household_opinion(request, consultation_id: int, payload: CodeOpinionIn):
    from danchu.consultations import codes

    opinion = codes.submit_with_code(
        consultation=_consultation_for(request, consultation_id),
        code=payload.code,
        text=payload.text,
        section_number=payload.section,
        is_public=payload.is_public,
        show_name=payload.show_name,
        address=request.META.get("REMOTE_ADDR"),
    )
    return Status(201, opinion)


@router.post(
    "/consultations/{consultation_id}/household-codes",
    response={200: dict},
    auth=BearerToken(),
    summary="Give every household of the unit a code for this consultation",
    description="Returns how many codes were added; the printed sheet is "
    "/u/{unit}/consultations/{id}/codes.pdf on the web.",
)
def issue_household_codes(request, consultation_id: int):
    from danchu.consultations import codes

    consultation = _consultation_for(request, consultation_id)
    added = codes.issue_codes(actor=request.auth, consultation=consultation)
    return {"added": added, "total": consultation.household_codes.count()}


# --- village conventions (NĐ 61/2023) ------------------------------------------------------


class ConventionVersionOut(Schema):
    number: int
    stage: str
    stage_label: str
    note: str
    legacy: bool
    posted_on: dt.date | None
    posted_until: dt.date | None
    consultation_id: int | None
    matter_id: int | None
    recognised_on: dt.date | None
    decision_number: str

    @staticmethod
    def resolve_stage_label(obj) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_posted_until(obj) -> dt.date | None:
        from danchu.consultations import conventions

        return conventions.posted_until(obj)

    @staticmethod
    def resolve_note(obj) -> str:
        return getattr(obj, "note", "") or ""

    @staticmethod
    def resolve_recognised_on(obj) -> dt.date | None:
        return obj.recognised_on or (obj.matter.recognised_on if obj.matter_id else None)

    @staticmethod
    def resolve_decision_number(obj) -> str:
        return getattr(obj, "decision_number", "") or ""


class ConventionOut(Schema):
    village: str
    title: str
    title_label: str
    status: str
    posting_days: int
    text_in_force: str | None
    version_in_force: int | None
    current_cycle: ConventionVersionOut | None
    versions: list[ConventionVersionOut]


def _convention_out(request, village: Unit) -> dict:
    from danchu.consultations import conventions
    from danchu.consultations.models import Convention
    from danchu.consultations.views import PUBLIC_STAGES

    convention = Convention.objects.filter(village=village).first()
    if convention is None:
        raise Http404(_("Thôn, tổ dân phố này chưa có hương ước, quy ước trên hệ thống."))
    manager = permissions.can(_caller(request), "consultations.manage", village)
    versions = [
        v
        for v in convention.versions.select_related("matter").order_by("-number")
        if manager or v.legacy or v.stage in PUBLIC_STAGES
    ]
    in_force = conventions.version_in_force(convention)
    cycle = conventions.current_cycle(convention)
    if cycle is not None and not manager and cycle.stage not in PUBLIC_STAGES:
        cycle = None
    return {
        "village": village.code,
        "title": convention.title,
        "title_label": str(convention.get_title_display()),
        "status": convention.status,
        "posting_days": conventions.minimum_posting_days(convention),
        "text_in_force": in_force.text if in_force else None,
        "version_in_force": in_force.number if in_force else None,
        "current_cycle": cycle,
        "versions": versions,
    }


def _village(code: str) -> Unit:
    unit = _unit(code)
    if unit.kind != Unit.Kind.VILLAGE:
        raise Http404(_("Chỉ thôn, tổ dân phố có hương ước, quy ước."))
    return unit


class ConventionCreateIn(Schema):
    title: Text = Field(..., max_length=20, description="huong_uoc or quy_uoc (NĐ 61 Art 6)")
    text: Text = Field(..., max_length=500_000)
    note: Text = Field("", max_length=20_000)


class LegacyConventionIn(Schema):
    title: Text = Field(..., max_length=20, description="huong_uoc or quy_uoc")
    text: Text = Field(..., max_length=500_000)
    recognised_on: dt.date = Field(..., description="before 16 August 2023")
    decision_number: Text = Field(..., max_length=100)
    recognised_by_body: Text = Field("", max_length=200)


class CommunityChoiceIn(Schema):
    decided_on: dt.date
    posting_days: int | None = Field(None, ge=1, le=3650, description="at least 30")
    review_month: int | None = Field(None, ge=1, le=12)
    review_day: int | None = Field(None, ge=1, le=31)


class AmendIn(Schema):
    text: Text = Field(..., max_length=500_000)
    note: Text = Field(..., max_length=20_000, description="what changes and why")


class WithdrawIn(Schema):
    reason: Text = Field(..., max_length=20_000)


class PostIn(Schema):
    posted_on: dt.date
    place: Text = Field(..., max_length=300)
    posting_days: int | None = Field(
        None, ge=1, le=3650, description="at least 30 (NĐ 61 Art 9(1)), or the community's"
    )


class FinaliseIn(Schema):
    text: Text = Field(..., max_length=500_000)
    note: Text = Field("", max_length=20_000)


class VoteIn(Schema):
    title: Text = Field("", max_length=300)


class SignatureIn(Schema):
    name: Text = Field(..., max_length=200)
    signed_on: dt.date | None = None


class DossierIn(Schema):
    request_number: Text = Field("", max_length=50)
    request_dated: dt.date | None = None
    request_text: Text = Field(..., max_length=20_000, description="Mẫu 01")
    village_head: SignatureIn | None = None
    front_head: SignatureIn | None = None
    household_representatives: list[SignatureIn] = Field([], max_length=10)
    sent_on: dt.date


class ReceiveIn(Schema):
    received_on: dt.date


class RecognitionIn(Schema):
    recognise: bool
    decided_on: dt.date
    decision_number: Text = Field("", max_length=100, description="required to recognise")
    reason: Text = Field("", max_length=20_000, description="required to refuse")


class ReviewIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    reviewed_on: dt.date
    form: Text = Field(..., max_length=20, description="meeting or conference")
    chair_name: Text = Field(..., max_length=200)
    front_head_name: Text = Field(..., max_length=200)
    findings: Text = Field(..., max_length=20_000)
    outcome: Text = Field(..., max_length=20, description="keep, amend or replace")


def _convention_of(village: Unit):
    from danchu.consultations.models import Convention

    convention = Convention.objects.filter(village=village).first()
    if convention is None:
        raise ValidationError(
            _("Thôn, tổ dân phố này chưa có hương ước, quy ước trên hệ thống."),
            code="no_convention",
        )
    return convention


def _cycle_of(village: Unit):
    from danchu.consultations.workflow import _cycle

    return _cycle(_convention_of(village))


def _convention_write(request, code: str, permission: str = "consultations.manage") -> Unit:
    village = _village(code)
    permissions.require(request.auth, permission, village)
    return village


@router.get(
    "/units/{code}/convention",
    response=ConventionOut,
    auth=OptionalBearer(),
    summary="The village's convention: the text in force and the version in its cycle",
)
def get_convention(request, code: str):
    return _convention_out(request, _village(code))


@router.post(
    "/units/{code}/convention",
    response={201: ConventionOut},
    auth=BearerToken(),
    summary="Record the first draft of a village's convention (NĐ 61)",
)
def create_convention(request, code: str, payload: ConventionCreateIn):
    from danchu.consultations import conventions

    village = _convention_write(request, code)
    conventions.create_convention(actor=request.auth, village=village, **payload.model_dump())
    return Status(201, _convention_out(request, village))


@router.post(
    "/units/{code}/convention/legacy",
    response={201: ConventionOut},
    auth=BearerToken(),
    summary="Enter a convention recognised before 16 August 2023 as in force",
)
def enter_legacy_convention(request, code: str, payload: LegacyConventionIn):
    from danchu.consultations import conventions

    village = _convention_write(request, code)
    conventions.enter_recognised_convention(
        actor=request.auth, village=village, **payload.model_dump()
    )
    return Status(201, _convention_out(request, village))


@router.post(
    "/units/{code}/convention/community-choice",
    response=ConventionOut,
    auth=BearerToken(),
    summary="Record a longer posting period or another yearly review day",
)
def convention_choice(request, code: str, payload: CommunityChoiceIn):
    from danchu.consultations import conventions

    village = _convention_write(request, code)
    conventions.record_community_choice(
        actor=request.auth, convention=_convention_of(village), **payload.model_dump()
    )
    return _convention_out(request, village)


@router.post(
    "/units/{code}/convention/amendments",
    response={201: ConventionOut},
    auth=BearerToken(),
    summary="Start an amendment: a new version and a new cycle",
)
def amend_convention(request, code: str, payload: AmendIn):
    from danchu.consultations import conventions

    village = _convention_write(request, code)
    conventions.amend_convention(
        actor=request.auth, convention=_convention_of(village), **payload.model_dump()
    )
    return Status(201, _convention_out(request, village))


def _cycle_step(request, code: str, call, permission: str = "consultations.manage"):
    village = _convention_write(request, code, permission)
    call(_cycle_of(village))
    return _convention_out(request, village)


@router.post(
    "/units/{code}/convention/posting",
    response=ConventionOut,
    auth=BearerToken(),
    summary="Post the draft for comment: at least 30 days (NĐ 61 Art 9(1))",
)
def post_convention(request, code: str, payload: PostIn):
    from danchu.consultations import conventions

    return _cycle_step(
        request,
        code,
        lambda v: conventions.post_draft(actor=request.auth, version=v, **payload.model_dump()),
    )


@router.post(
    "/units/{code}/convention/finalise",
    response=ConventionOut,
    auth=BearerToken(),
    summary="Complete the posted draft from the comments (after the posting period)",
)
def finalise_convention(request, code: str, payload: FinaliseIn):
    from danchu.consultations import conventions

    return _cycle_step(
        request,
        code,
        lambda v: conventions.finalise_draft(actor=request.auth, version=v, **payload.model_dump()),
    )


@router.post(
    "/units/{code}/convention/vote",
    response=ConventionOut,
    auth=BearerToken(),
    summary="Put the draft to the households through the decisions engine (item 3)",
    description="Creates the decisions matter; the vote itself runs through the decisions "
    "endpoints (meeting, ballot fallback, close), whose closing concludes the version.",
)
def vote_convention(request, code: str, payload: VoteIn):
    from danchu.consultations import conventions

    return _cycle_step(
        request,
        code,
        lambda v: conventions.put_to_vote(actor=request.auth, version=v, **payload.model_dump()),
    )


@router.post(
    "/units/{code}/convention/withdraw",
    response=ConventionOut,
    auth=BearerToken(),
    summary="Withdraw the draft in its cycle (a posted one only after its period)",
)
def withdraw_convention(request, code: str, payload: WithdrawIn):
    from danchu.consultations import conventions

    return _cycle_step(
        request,
        code,
        lambda v: conventions.withdraw_version(
            actor=request.auth, version=v, **payload.model_dump()
        ),
    )


@router.post(
    "/units/{code}/convention/dossier",
    response=ConventionOut,
    auth=BearerToken(),
    summary="Send the dossier to the commune: Mẫu 01, Mẫu 02, the text, four signatures",
)
def convention_dossier(request, code: str, payload: DossierIn):
    from danchu.consultations import conventions

    def sign(s):
        return conventions.Signature(s.name, s.signed_on) if s else None

    return _cycle_step(
        request,
        code,
        lambda v: conventions.submit_dossier(
            actor=request.auth,
            version=v,
            request_number=payload.request_number,
            request_dated=payload.request_dated,
            request_text=payload.request_text,
            village_head=sign(payload.village_head),
            front_head=sign(payload.front_head),
            household_representatives=[sign(s) for s in payload.household_representatives],
            sent_on=payload.sent_on,
        ),
    )


@router.post(
    "/units/{code}/convention/receipt",
    response=ConventionOut,
    auth=BearerToken(),
    summary="The commune records the day the complete dossier was received",
)
def receive_convention(request, code: str, payload: ReceiveIn):
    from danchu.consultations import conventions

    return _cycle_step(
        request,
        code,
        lambda v: conventions.receive_dossier(
            actor=request.auth, version=v, **payload.model_dump()
        ),
        "decisions.recognise_committee",
    )


@router.post(
    "/units/{code}/convention/recognition",
    response=ConventionOut,
    auth=BearerToken(),
    summary="The commune recognises the convention, or refuses with reasons",
)
def recognise_convention(request, code: str, payload: RecognitionIn):
    from danchu.consultations import conventions

    return _cycle_step(
        request,
        code,
        lambda v: conventions.decide_recognition(
            actor=request.auth, version=v, **payload.model_dump()
        ),
        "decisions.recognise_committee",
    )


@router.post(
    "/units/{code}/convention/reviews",
    response={201: ConventionOut},
    auth=BearerToken(),
    summary="Record the yearly review of the text in force (default 18 November)",
)
def review_convention(request, code: str, payload: ReviewIn):
    from danchu.consultations import conventions

    village = _convention_write(request, code)
    conventions.record_review(
        actor=request.auth, convention=_convention_of(village), **payload.model_dump()
    )
    return Status(201, _convention_out(request, village))


# --- dialogue conference (Local Government Law 2025 Art 43) ---------------------------------


class TallyOut(Schema):
    year: int
    requests: int
    voters: int | None
    needed: int | None
    reached: bool


class ConferenceOut(Schema):
    id: int
    held_on: dt.date
    place: str
    reason: str
    forms: list[str]
    content: str
    how_to_attend: str
    announced_on: dt.date | None
    held: bool
    results: str
    results_published_on: dt.date | None
    results_due_on: dt.date

    @staticmethod
    def resolve_results_due_on(obj) -> dt.date:
        from danchu.consultations import dialogue

        return dialogue.results_due_on(obj)


class DialogueOut(Schema):
    commune: str
    tally: TallyOut
    conferences: list[ConferenceOut]


class VotersIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    voters: int = Field(..., ge=1, le=10_000_000)
    source: Text = Field("", max_length=200)


class PaperRequestIn(Schema):
    person_id: Id
    received_on: dt.date | None = None


class PlanIn(Schema):
    held_on: dt.date
    place: Text = Field(..., max_length=300)
    reason: Text = Field(..., max_length=10, description="yearly, request or needed")
    content: Text = Field(..., max_length=20_000)
    how_to_attend: Text = Field(..., max_length=20_000)
    forms: list[Text] = Field(..., max_length=3, description="in_person, online, social_network")


class AnnounceIn(Schema):
    announced_on: dt.date = Field(..., description="at least 7 days before")


class HoldIn(Schema):
    minutes: Text = Field(..., max_length=100_000)


class ResultsIn(Schema):
    results: Text = Field(..., max_length=100_000)
    published_on: dt.date
    sent_to_village_heads_on: dt.date = Field(..., description="within 10 days after")


def _commune_unit(code: str) -> Unit:
    unit = _unit(code)
    if unit.kind != Unit.Kind.COMMUNE:
        raise Http404(_("Hội nghị đối thoại do UBND xã, phường tổ chức."))
    return unit


def _dialogue_out(request, commune: Unit, year: int | None = None) -> dict:
    from danchu.consultations import dialogue
    from danchu.consultations.models import DialogueConference

    year = year or timezone.localdate().year
    manager = permissions.can(_caller(request), "consultations.manage", commune)
    conferences = DialogueConference.objects.filter(commune=commune).order_by("-held_on", "-pk")
    if not manager:
        conferences = conferences.filter(announced_on__isnull=False)
    return {
        "commune": commune.code,
        "tally": asdict(dialogue.request_tally(commune, year)),
        "conferences": list(conferences),
    }


def _conference(commune: Unit, conference_id: int):
    from danchu.consultations.models import DialogueConference

    conference = (
        DialogueConference.objects.filter(pk=conference_id, commune=commune).first()
        if 0 < conference_id <= MAX_ID
        else None
    )
    if conference is None:
        raise Http404(_("Không tìm thấy hội nghị đối thoại."))
    return conference


def _dialogue_write(request, code: str) -> Unit:
    commune = _commune_unit(code)
    permissions.require(request.auth, "consultations.manage", commune)
    return commune


@router.get(
    "/units/{code}/dialogue",
    response=DialogueOut,
    auth=OptionalBearer(),
    summary="The commune's dialogue conferences and this year's count of voters' requests",
)
def get_dialogue(request, code: str, year: int | None = Query(None, ge=2000, le=2100)):
    return _dialogue_out(request, _commune_unit(code), year)


@router.post(
    "/units/{code}/dialogue/voters",
    response=DialogueOut,
    auth=BearerToken(),
    summary="Enter the commune's number of voters for a year (the 10 % base)",
)
def dialogue_voters(request, code: str, payload: VotersIn):
    from danchu.consultations import dialogue

    commune = _dialogue_write(request, code)
    dialogue.set_voter_count(actor=request.auth, commune=commune, **payload.model_dump())
    return _dialogue_out(request, commune, payload.year)


@router.post(
    "/units/{code}/dialogue/requests",
    response={201: TallyOut},
    auth=BearerToken(),
    summary="A resident asks for a dialogue conference (one request a year)",
)
def dialogue_request(request, code: str):
    from danchu.consultations import dialogue

    commune = _commune_unit(code)
    made = dialogue.request_dialogue(actor=request.auth, commune=commune)
    return Status(201, asdict(dialogue.request_tally(commune, made.year)))


@router.post(
    "/units/{code}/dialogue/paper-requests",
    response={201: TallyOut},
    auth=BearerToken(),
    summary="An officer enters a signed paper request for a resident of the commune",
)
def dialogue_paper_request(request, code: str, payload: PaperRequestIn):
    from danchu.consultations import dialogue
    from danchu.people.models import Person

    commune = _dialogue_write(request, code)
    person = Person.objects.filter(pk=payload.person_id).first()
    if person is None:
        raise ValidationError(_("Không tìm thấy người này."), code="person_not_found")
    made = dialogue.enter_dialogue_request(
        actor=request.auth, commune=commune, person=person, received_on=payload.received_on
    )
    return Status(201, asdict(dialogue.request_tally(commune, made.year)))


@router.post(
    "/units/{code}/dialogue/conferences",
    response={201: ConferenceOut},
    auth=BearerToken(),
    summary="Plan a dialogue conference",
)
def plan_conference(request, code: str, payload: PlanIn):
    from danchu.consultations import dialogue

    commune = _dialogue_write(request, code)
    conference = dialogue.plan_dialogue(actor=request.auth, commune=commune, **payload.model_dump())
    return Status(201, conference)


@router.post(
    "/units/{code}/dialogue/conferences/{conference_id}/announce",
    response=ConferenceOut,
    auth=BearerToken(),
    summary="Announce the conference: at least 7 days before",
)
def announce_conference(request, code: str, conference_id: int, payload: AnnounceIn):
    from danchu.consultations import dialogue

    commune = _dialogue_write(request, code)
    return dialogue.announce_dialogue(
        actor=request.auth,
        conference=_conference(commune, conference_id),
        announced_on=payload.announced_on,
    )


@router.post(
    "/units/{code}/dialogue/conferences/{conference_id}/hold",
    response=ConferenceOut,
    auth=BearerToken(),
    summary="Record that the conference was held, with its minutes",
)
def hold_conference(request, code: str, conference_id: int, payload: HoldIn):
    from danchu.consultations import dialogue

    commune = _dialogue_write(request, code)
    return dialogue.hold_dialogue(
        actor=request.auth, conference=_conference(commune, conference_id), minutes=payload.minutes
    )


@router.post(
    "/units/{code}/dialogue/conferences/{conference_id}/results",
    response=ConferenceOut,
    auth=BearerToken(),
    summary="Publish the results and send them to the village heads (within 10 days)",
)
def conference_results(request, code: str, conference_id: int, payload: ResultsIn):
    from danchu.consultations import dialogue

    commune = _dialogue_write(request, code)
    return dialogue.publish_dialogue_results(
        actor=request.auth, conference=_conference(commune, conference_id), **payload.model_dump()
    )
