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
    is_public: bool = Field(True, description="false: only those who answer it read it")
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
