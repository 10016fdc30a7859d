"""Dân bàn và quyết định over the API: community decisions by household (Law 10/2022
Art 15–23; NĐ 59/2023 Art 3–5).

Reads are public for matters that have opened; a draft is seen only by those who manage its
unit (the same 404 otherwise). Every write goes through decisions.services, which checks the
role, enforces the law and writes the audit Event. A household votes without an account with
the one-time code printed on its ballot.

Errors the services raise come back as 422 {"detail", "code", "errors"}: clients branch on
`code` ("already_voted", "meeting_only", ...), people read `detail`. No response ever names
a household of a secret matter, and none carries a household's phone or representative.
"""

import datetime as dt
import functools
from enum import StrEnum
from typing import Annotated

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja import Form as FormField
from ninja.pagination import paginate

from danchu.accounts import permissions
from danchu.api.auth import BearerToken, OptionalBearer
from danchu.api.pagination import Pages
from danchu.core.errors import ValidationError, first_message
from danchu.decisions import elections, services
from danchu.decisions.models import (
    Conference,
    Form,
    Item,
    Matter,
    MeetingSession,
    Participation,
    ProceduralVote,
    RollEntry,
    VoteConflict,
)
from danchu.units.models import Unit
from danchu.units.services import get_unit

router = Router(tags=["decisions"])

# Primary keys are 64-bit; anything larger names nothing.
MAX_ID = 2**63 - 1
MAX_ATTENDANCE_CODES = 20000
UNKNOWN_CODES_IN_DETAIL = 20

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Label = Annotated[str, Field(min_length=1, max_length=200)]
Name = Annotated[str, Field(max_length=200)]
HouseholdCode = Annotated[str, Field(min_length=1, max_length=32)]


# --- errors -------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str
    code: str | None = Field(None, description="machine-readable reason, e.g. already_voted")
    errors: list[str] = []


class AttendanceErrorOut(ErrorOut):
    unknown_codes: list[str] = Field(
        [], description="household codes not on the matter's frozen roll"
    )


def _error(exc: ValidationError) -> dict:
    """The 422 body: the service's message (which never names a household) and its code."""
    return {
        "detail": first_message(exc),
        "code": getattr(exc, "code", None),
        "errors": exc.messages,
    }


def coded(view):
    """Turn a service's ValidationError into 422 with its `code` (main.py's handler drops it)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ValidationError as exc:
            return Status(422, _error(exc))

    return wrapper


# --- output -------------------------------------------------------------------------------


class OptionOut(Schema):
    id: int
    label: str
    position: int


class MatterOut(Schema):
    id: int
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    item: int = Field(..., description="Law 10/2022 Art 15 item, 1–6")
    item_label: str
    kind: str
    title: str
    form: str = Field(..., description="meeting, ballot or online; empty for a draft")
    status: str
    secret: bool
    roll_size: int | None = Field(..., description="households on the roll frozen at opening")
    opened_at: dt.datetime | None
    collection_ends_on: dt.date | None
    closed_at: dt.datetime | None
    adopted: bool | None

    @staticmethod
    def resolve_item_label(obj: Matter) -> str:
        return str(Item(obj.item).label)


class RecognitionOut(Schema):
    by: str | None = Field(
        ..., description="committee (UBND xã), front (UBMTTQ xã), or null: effective on adoption"
    )
    received_on: dt.date | None
    due_on: dt.date | None = Field(..., description="05 working days after receipt (Art 21(2))")
    recognised_on: dt.date | None
    refused_on: dt.date | None
    refusal_reason: str
    effective: bool


class DocumentOut(Schema):
    id: int
    title: str
    name: str = Field(..., alias="original_name")
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    url: str = Field(..., description="public download, like the matter itself")

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class MatterDetailOut(MatterOut):
    description: str
    options: list[OptionOut]
    documents: list[DocumentOut] = Field(
        ..., description="documents put before the households (plans, estimates, maps)"
    )
    ballot_fallback: bool
    head_agreed_on: dt.date | None
    front_agreed_on: dt.date | None
    unanimous_choice_on: dt.date | None
    commune_reported_on: dt.date | None
    participation: int | None = Field(
        None, description="open matters: households that have taken part so far"
    )
    result: dict | None = Field(
        None, description="closed matters: the result fixed at closing, with its rule and article"
    )
    send_due_on: dt.date | None = Field(
        ..., description="a ballot's decision goes to UBND and UBMTTQ xã by then (NĐ 59 Art 4(7))"
    )
    sent_to_commune_on: dt.date | None
    recognition: RecognitionOut

    @staticmethod
    def resolve_options(obj: Matter):
        return list(obj.options.all())

    @staticmethod
    def resolve_documents(obj: Matter):
        return list(obj.attachments.all())

    @staticmethod
    def resolve_participation(obj: Matter) -> int | None:
        if obj.status != Matter.Status.OPEN:
            return None
        return Participation.objects.filter(matter=obj).count()

    @staticmethod
    def resolve_result(obj: Matter) -> dict | None:
        return obj.result if obj.status == Matter.Status.CLOSED else None

    @staticmethod
    def resolve_send_due_on(obj: Matter) -> dt.date | None:
        return services.send_due_on(obj)

    @staticmethod
    def resolve_recognition(obj: Matter) -> dict:
        return {
            "by": services.recogniser(obj),
            "received_on": obj.received_on,
            "due_on": services.recognition_due_on(obj),
            "recognised_on": obj.recognised_on,
            "refused_on": obj.refused_on,
            "refusal_reason": obj.refusal_reason,
            "effective": services.is_effective(obj),
        }


class OverdueOut(Schema):
    id: int
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    item: int
    title: str
    recogniser: str | None
    received_on: dt.date
    due_on: dt.date

    @staticmethod
    def resolve_recogniser(obj: Matter) -> str | None:
        return services.recogniser(obj)

    @staticmethod
    def resolve_due_on(obj: Matter) -> dt.date:
        return services.recognition_due_on(obj)


class ProceduralVoteOut(Schema):
    id: int
    question: str
    in_favour: int
    present: int
    passed: bool
    recorded_at: dt.datetime


class SessionOut(Schema):
    id: int
    matter: int = Field(..., alias="matter_id")
    name: str
    held_on: dt.date
    chair_name: str
    secretary_name: str
    method: str
    counting_board: list[str]
    minutes: str
    present: int
    procedural_votes: list[ProceduralVoteOut]
    counted: bool
    counts: dict[int, int] = Field(..., description="{option_id: votes}")

    @staticmethod
    def resolve_present(obj: MeetingSession) -> int:
        return services.present_count(obj)

    @staticmethod
    def resolve_procedural_votes(obj: MeetingSession):
        return list(obj.procedural_votes.all())

    @staticmethod
    def resolve_counts(obj: MeetingSession) -> dict[int, int]:
        return dict(obj.counts.values_list("option_id", "votes"))


class AttendanceOut(Schema):
    added: int = Field(..., description="households newly recorded as present")
    present: int


class VoteOut(Schema):
    matter: int
    title: str
    option: str
    channel: str


class FallbackOut(Schema):
    ballots_issued: int = Field(..., description="households that did not attend get a ballot")
    collection_ends_on: dt.date


class ConflictOut(Schema):
    id: int
    matter: int = Field(..., alias="matter_id")
    household: str | None = Field(..., description="household code; null for a secret matter")
    first_channel: str
    second_channel: str
    created_at: dt.datetime
    reviewed_at: dt.datetime | None
    review_note: str

    @staticmethod
    def resolve_household(obj: VoteConflict) -> str | None:
        return None if obj.matter.secret else obj.household.code


# --- input --------------------------------------------------------------------------------


class PublicStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Agreement(StrEnum):
    HEAD = "head"
    FRONT = "front"
    COMMUNITY = "community"
    COMMUNE_REPORT = "commune_report"


class MatterFilter(Schema):
    status: PublicStatus | None = None
    item: int | None = Field(None, ge=1, le=6, description="Law 10/2022 Art 15 item")


class MatterIn(Schema):
    item: int = Field(..., description="Law 10/2022 Art 15 item, 1–6")
    title: str = Field(..., max_length=1000)
    description: str = Field("", max_length=20000)
    options: list[Label] | None = Field(
        None, max_length=50, description='default: ["Đồng ý", "Không đồng ý"]'
    )
    secret: bool = False
    scattered_dwellings: bool = Field(
        False, description="scattered dwellings: cluster meetings under 200 households (Art 18(3))"
    )
    kind: Matter.Kind | None = Field(
        None,
        description="items 4, 5: election (default; candidates come with its preparation, "
        "NĐ 59 Art 6) or decision (a dismissal, NĐ 59 Art 9)",
    )


class AgreementIn(Schema):
    who: Agreement = Field(
        ...,
        description="head, front (Ban CTMT), community (chose online unanimously), "
        "commune_report (reported to UBND and UBMTTQ xã)",
    )
    on: dt.date


class OpenIn(Schema):
    form: Form
    collection_ends_on: dt.date | None = Field(None, description="ballot and online only")


class SessionIn(Schema):
    name: str = Field("", max_length=120, description="a cluster's name; default: whole village")
    held_on: dt.date
    chair_name: Name


class AttendanceIn(Schema):
    household_codes: list[HouseholdCode] = Field(..., min_length=1, max_length=MAX_ATTENDANCE_CODES)


class ProceduralVoteIn(Schema):
    question: ProceduralVote.Question
    in_favour: int


class SessionDetailsIn(Schema):
    secretary_name: Name = ""
    method: MeetingSession.Method | None = None
    counting_board: list[Name] | None = Field(None, max_length=50)
    minutes: str = Field("", max_length=20000)


class CountsIn(Schema):
    counts: dict[Id, int] = Field(..., description="{option_id: votes}")


class BallotIn(Schema):
    code: str = Field(..., min_length=1, max_length=64, description="printed on the ballot")
    option_id: Id


class FallbackIn(Schema):
    collection_ends_on: dt.date


class SentIn(Schema):
    sent_on: dt.date


class ReceivedIn(Schema):
    received_on: dt.date


class RecognitionIn(Schema):
    recognise: bool
    decided_on: dt.date
    reason: str = Field("", max_length=5000, description="required for a refusal")
    decision_number: str = Field(
        "", max_length=50, description="number of the commune's written decision, e.g. 125/QĐ-UBND"
    )


class ReviewIn(Schema):
    note: str = Field(..., max_length=2000)


# --- access -------------------------------------------------------------------------------


def _caller(request):
    """The bearer token's user; without a token, anonymous (sessions don't count here)."""
    return request.auth if getattr(request.auth, "is_authenticated", False) else AnonymousUser()


def _unit(code: str) -> Unit:
    try:
        return get_unit(code)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from None


def _matter(matter_id: int) -> Matter:
    """For writes: the services check the role (403), so a missing matter is the only 404."""
    matter = (
        Matter.objects.select_related("unit__parent").filter(pk=matter_id).first()
        if 0 < matter_id <= MAX_ID
        else None
    )
    if matter is None:
        raise Http404(_("Không tìm thấy vấn đề."))
    return matter


def _visible_matter(request, matter_id: int) -> Matter:
    """For reads: a draft exists only for those who manage its unit (STYLE.md §7)."""
    matter = _matter(matter_id)
    if matter.status == Matter.Status.DRAFT and not permissions.can(
        _caller(request), "decisions.manage", matter.unit
    ):
        raise Http404(_("Không tìm thấy vấn đề."))
    return matter


def _session(session_id: int) -> MeetingSession:
    session = (
        MeetingSession.objects.select_related("matter__unit").filter(pk=session_id).first()
        if 0 < session_id <= MAX_ID
        else None
    )
    if session is None:
        raise Http404(_("Không tìm thấy cuộc họp."))
    return session


def _conflict(conflict_id: int) -> VoteConflict:
    conflict = (
        VoteConflict.objects.select_related("matter__unit", "household")
        .filter(pk=conflict_id)
        .first()
        if 0 < conflict_id <= MAX_ID
        else None
    )
    if conflict is None:
        raise Http404(_("Không tìm thấy trường hợp biểu quyết trùng."))
    return conflict


def _vote_out(cast: services.CastResult) -> dict:
    return {
        "matter": cast.matter.pk,
        "title": cast.matter.title,
        "option": cast.option.label,
        "channel": cast.channel,
    }


# --- public -------------------------------------------------------------------------------


@router.get(
    "/units/{code}/matters",
    response=list[MatterOut],
    auth=OptionalBearer(),
    summary="Matters decided by a unit (a commune: and by its villages), newest first",
)
@paginate(Pages, page_size=20)
def list_matters(request, code: str, filters: Query[MatterFilter]):
    unit = _unit(code)
    where = Q(unit=unit)
    if unit.kind == Unit.Kind.COMMUNE:
        where |= Q(unit__parent=unit)
    matters = Matter.objects.filter(where).exclude(status=Matter.Status.DRAFT)
    if filters.status:
        matters = matters.filter(status=filters.status.value)
    if filters.item:
        matters = matters.filter(item=filters.item)
    return matters.select_related("unit")


@router.get(
    "/matters/{matter_id}",
    response=MatterDetailOut,
    auth=OptionalBearer(),
    summary="One matter: options, participation so far or the fixed result, recognition",
)
def get_matter(request, matter_id: int):
    return _visible_matter(request, matter_id)


@router.post(
    "/ballots/vote",
    response={201: VoteOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="A household votes online with the one-time code printed on its ballot",
)
def vote_with_code(request, payload: BallotIn):
    try:
        cast = services.cast_with_code(
            code=payload.code,
            option_id=payload.option_id,
            channel=Participation.Channel.ONLINE,
            address=request.META.get("REMOTE_ADDR"),
        )
    except ValidationError as exc:
        return Status(429 if exc.code == "too_many_attempts" else 422, _error(exc))
    return Status(201, _vote_out(cast))


# --- officers: preparing and opening ------------------------------------------------------


@router.post(
    "/units/{code}/matters",
    response={201: MatterDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Prepare a matter for the community to decide (a draft until it opens)",
)
@coded
def create_matter(request, code: str, payload: MatterIn):
    matter = services.create_matter(
        actor=request.auth,
        unit=_unit(code),
        item=payload.item,
        title=payload.title,
        description=payload.description,
        options=payload.options,
        secret=payload.secret,
        kind=str(payload.kind) if payload.kind else None,
        scattered_dwellings=payload.scattered_dwellings,
    )
    return Status(201, matter)


@router.post(
    "/matters/{matter_id}/documents",
    response={201: DocumentOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Attach a document (PDF, JPG, PNG; checked by content) while the matter is a draft "
    "or open",
)
@coded
def attach_document(request, matter_id: int, title: FormField[str], file: File[UploadedFile]):
    # One byte past the limit is enough for the service to refuse an oversized file.
    data = file.read(settings.DECISIONS_DOCUMENT_MAX_MB * 1024 * 1024 + 1)
    document = services.attach_document(
        actor=request.auth,
        matter=_matter(matter_id),
        title=title,
        name=(file.name or "").replace("\x00", ""),
        data=data,
    )
    return Status(201, document)


@router.post(
    "/matters/{matter_id}/agreements",
    response={200: MatterDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Record an agreement a ballot or online vote needs (NĐ 59 Art 4(1)(c), Art 5)",
)
@coded
def record_agreement(request, matter_id: int, payload: AgreementIn):
    return services.record_agreement(
        actor=request.auth, matter=_matter(matter_id), who=payload.who.value, on=payload.on
    )


@router.post(
    "/matters/{matter_id}/open",
    response={200: MatterDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Open a matter in a form the law allows and freeze its household roll",
)
@coded
def open_matter(request, matter_id: int, payload: OpenIn):
    return services.open_matter(
        actor=request.auth,
        matter=_matter(matter_id),
        form=str(payload.form),
        collection_ends_on=payload.collection_ends_on,
    )


# --- officers: meetings -------------------------------------------------------------------


@router.post(
    "/matters/{matter_id}/sessions",
    response={201: SessionOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Start a meeting, or a cluster meeting of a village of 200+ households (Art 18(3))",
)
@coded
def start_session(request, matter_id: int, payload: SessionIn):
    session = services.start_session(
        actor=request.auth,
        matter=_matter(matter_id),
        name=payload.name,
        held_on=payload.held_on,
        chair_name=payload.chair_name,
    )
    return Status(201, session)


@router.get(
    "/sessions/{session_id}",
    response=SessionOut,
    auth=BearerToken(),
    summary="One meeting: attendance, procedural votes, method, counting board, counts",
)
def get_session(request, session_id: int):
    session = _session(session_id)
    permissions.require(request.auth, "decisions.manage", session.matter.unit)
    return session


@router.post(
    "/sessions/{session_id}/attendance",
    response={200: AttendanceOut, 422: AttendanceErrorOut},
    auth=BearerToken(),
    summary="Record the households present, by household code (one household, one vote)",
)
@coded
def record_attendance(request, session_id: int, payload: AttendanceIn):
    session = _session(session_id)
    # The role first: the answer below says which codes are on the roll.
    permissions.require(request.auth, "decisions.manage", session.matter.unit)
    codes = list(dict.fromkeys(code.strip() for code in payload.household_codes))
    found: dict[str, list[int]] = {}
    for household_id, code in RollEntry.objects.filter(
        matter=session.matter, household__code__in=codes
    ).values_list("household_id", "household__code"):
        found.setdefault(code, []).append(household_id)
    unknown = [code for code in codes if code not in found]
    if unknown:
        return Status(422, _unknown_households(unknown))
    ambiguous = sorted(code for code, ids in found.items() if len(ids) > 1)
    if ambiguous:
        raise ValidationError(
            _("Mã hộ trùng giữa các thôn, không xác định được hộ: %(codes)s."),
            code="ambiguous_households",
            params={"codes": ", ".join(ambiguous[:UNKNOWN_CODES_IN_DETAIL])},
        )
    added = services.record_attendance(
        actor=request.auth, session=session, household_ids=[found[code][0] for code in codes]
    )
    return {"added": added, "present": services.present_count(session)}


def _unknown_households(codes: list[str]) -> dict:
    shown = ", ".join(codes[:UNKNOWN_CODES_IN_DETAIL])
    if len(codes) > UNKNOWN_CODES_IN_DETAIL:
        shown += ", …"
    detail = _(
        "%(n)d mã hộ không có trong danh sách hộ của vấn đề này (chốt khi mở): %(codes)s. "
        "Không hộ nào được ghi nhận."
    ) % {"n": len(codes), "codes": shown}
    return {
        "detail": detail,
        "code": "unknown_households",
        "errors": [detail],
        "unknown_codes": codes,
    }


@router.post(
    "/sessions/{session_id}/procedural-votes",
    response={201: ProceduralVoteOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="A show of hands on secretary, method or counting board (>50% present, NĐ 59 Art 3(5))",
)
@coded
def record_procedural_vote(request, session_id: int, payload: ProceduralVoteIn):
    vote = services.record_procedural_vote(
        actor=request.auth,
        session=_session(session_id),
        question=str(payload.question),
        in_favour=payload.in_favour,
    )
    return Status(201, vote)


@router.post(
    "/sessions/{session_id}/details",
    response={200: SessionOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Record what the meeting approved: secretary, method, counting board of 3–5",
)
@coded
def set_session_details(request, session_id: int, payload: SessionDetailsIn):
    return services.set_session_details(
        actor=request.auth,
        session=_session(session_id),
        secretary_name=payload.secretary_name,
        method=str(payload.method) if payload.method else "",
        counting_board=payload.counting_board,
        minutes=payload.minutes,
    )


@router.post(
    "/sessions/{session_id}/counts",
    response={200: SessionOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Votes per option at a meeting: hands counted or the counting board's tally",
)
@coded
def record_counts(request, session_id: int, payload: CountsIn):
    return services.record_session_counts(
        actor=request.auth, session=_session(session_id), counts=payload.counts
    )


@router.post(
    "/matters/{matter_id}/fallback-to-ballot",
    response={200: FallbackOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Too few households attended: ballots to those absent (NĐ 59 Art 4(1)(b))",
)
@coded
def fall_back_to_ballot(request, matter_id: int, payload: FallbackIn):
    issued = services.fall_back_to_ballot(
        actor=request.auth,
        matter=_matter(matter_id),
        collection_ends_on=payload.collection_ends_on,
    )
    return {"ballots_issued": issued, "collection_ends_on": payload.collection_ends_on}


# --- officers: ballots, conflicts, closing ------------------------------------------------


@router.post(
    "/matters/{matter_id}/paper-ballots",
    response={201: VoteOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Enter a paper ballot collected from a household, by its printed code",
)
@coded
def enter_paper_ballot(request, matter_id: int, payload: BallotIn):
    matter = _matter(matter_id)
    permissions.require(request.auth, "decisions.manage", matter.unit)
    code_hash = services.code_hash(payload.code)
    if not RollEntry.objects.filter(matter=matter, code_hash=code_hash).exists():
        raise ValidationError(
            _("Mã phiếu không thuộc vấn đề này. Kiểm tra lại mã in trên phiếu."), code="bad_code"
        )
    try:
        cast = services.cast_with_code(
            code=payload.code,
            option_id=payload.option_id,
            channel=Participation.Channel.PAPER,
            actor=request.auth,
        )
    except ValidationError as exc:
        # Whoever enters a secret ballot sees its choice: it must not learn whose it is.
        return Status(422, _error(exc))
    return Status(201, _vote_out(cast))


@router.get(
    "/matters/{matter_id}/conflicts",
    response=list[ConflictOut],
    auth=BearerToken(),
    summary="Second attempts to vote for a household, refused and kept for review",
)
def list_conflicts(request, matter_id: int):
    matter = _matter(matter_id)
    permissions.require(request.auth, "decisions.manage", matter.unit)
    return matter.conflicts.select_related("matter", "household").order_by("created_at", "pk")


@router.post(
    "/conflicts/{conflict_id}/review",
    response={200: ConflictOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Record the village head's review of a second attempt to vote",
)
@coded
def review_conflict(request, conflict_id: int, payload: ReviewIn):
    return services.review_conflict(
        actor=request.auth, conflict=_conflict(conflict_id), note=payload.note
    )


@router.post(
    "/matters/{matter_id}/close",
    response={200: MatterDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Close the count and fix the result (>50% of the whole frozen roll, Art 21(1))",
)
@coded
def close_matter(request, matter_id: int):
    matter = _matter(matter_id)
    services.close_matter(actor=request.auth, matter=matter)
    return _matter(matter_id)


# --- after the decision -------------------------------------------------------------------


@router.post(
    "/matters/{matter_id}/send-to-commune",
    response={200: MatterDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Record the decision sent to UBND and UBMTTQ xã (NĐ 59 Art 4(7))",
)
@coded
def send_to_commune(request, matter_id: int, payload: SentIn):
    return services.send_to_commune(
        actor=request.auth, matter=_matter(matter_id), sent_on=payload.sent_on
    )


@router.post(
    "/matters/{matter_id}/receive-for-recognition",
    response={200: MatterDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="The recognising body records receipt: 05 working days start (Art 21(2))",
)
@coded
def receive_for_recognition(request, matter_id: int, payload: ReceivedIn):
    return services.receive_for_recognition(
        actor=request.auth, matter=_matter(matter_id), received_on=payload.received_on
    )


@router.post(
    "/matters/{matter_id}/recognition",
    response={200: MatterDetailOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Recognise the decision, or refuse it in writing with reasons (Art 21(2))",
)
@coded
def decide_recognition(request, matter_id: int, payload: RecognitionIn):
    return services.decide_recognition(
        actor=request.auth,
        matter=_matter(matter_id),
        recognise=payload.recognise,
        decided_on=payload.decided_on,
        reason=payload.reason,
        decision_number=payload.decision_number,
    )


@router.get(
    "/units/{code}/recognitions/overdue",
    response=list[OverdueOut],
    auth=BearerToken(),
    summary="Decisions of a commune whose 05 working days for recognition have run out",
)
def overdue_recognitions(request, code: str):
    commune = _unit(code)
    if commune.kind != Unit.Kind.COMMUNE:
        raise Http404(_("Không phải xã, phường."))
    allowed = ("decisions.manage", "decisions.recognise_committee", "decisions.recognise_front")
    if not any(permissions.can(request.auth, name, commune) for name in allowed):
        permissions.require(request.auth, "decisions.manage", commune)  # raises with its message
    return services.overdue_recognitions(commune)


# --- the yearly community conference (Law Art 33; NĐ 59 Art 10–11) ----------------------------


class ConferenceOut(Schema):
    village: str = Field(..., alias="village.code")
    year: int
    held_on: dt.date
    place: str
    plan: str
    plan_sent_on: dt.date | None
    committee_agreed_on: dt.date | None = Field(..., description="UBND xã")
    front_agreed_on: dt.date | None = Field(..., description="UBMTTQ xã")
    inspection_board_agreed_on: dt.date | None = Field(..., description="Ban Thanh tra nhân dân")
    summons_sent_on: dt.date | None
    summons_channels: list[str]
    held: bool
    secretary_name: str
    head_report: str
    front_report: str
    inspection_report: str
    minutes: str


class ConferencePlanIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    held_on: dt.date
    place: str = Field(..., max_length=300)
    plan: str = Field(..., max_length=20000)


class ConferenceDateIn(Schema):
    on: dt.date


class ConferenceAgreementIn(Schema):
    body: str = Field(..., description="committee (UBND xã), front (UBMTTQ xã), inspection_board")
    agreed_on: dt.date


class SummonsIn(Schema):
    sent_on: dt.date
    channels: list[str] = Field(..., description="written, radio, social_group", max_length=3)


class ConferenceHeldIn(Schema):
    secretary_name: str = Field(..., max_length=200)
    head_report: str = Field(..., max_length=50000)
    front_report: str = Field(..., max_length=50000)
    inspection_report: str = Field(..., max_length=50000)
    minutes: str = Field(..., max_length=50000)


def _village(code: str) -> Unit:
    unit = _unit(code)
    if unit.kind != Unit.Kind.VILLAGE:
        raise Http404(_("Hội nghị định kỳ là của thôn, tổ dân phố."))
    return unit


def _conference(code: str, year: int) -> Conference:
    in_range = 2000 <= year <= 2100  # the column is a small integer
    item = Conference.objects.filter(village__code=code, year=year).first() if in_range else None
    if item is None:
        raise Http404(_("Không tìm thấy hội nghị."))
    return item


@router.get(
    "/units/{code}/conferences",
    response=list[ConferenceOut],
    summary="A village's yearly community conferences (Law Art 33), newest first",
)
def list_conferences(request, code: str):
    return list(Conference.objects.filter(village=_village(code)).select_related("village"))


@router.post(
    "/units/{code}/conferences",
    response={201: ConferenceOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Plan the year's conference (one per village per year; NĐ 59 Art 10–11)",
)
@coded
def plan_conference(request, code: str, payload: ConferencePlanIn):
    conference = elections.plan_conference(
        actor=request.auth, village=_village(code), **payload.dict()
    )
    return Status(201, conference)


@router.get(
    "/units/{code}/conferences/{year}",
    response=ConferenceOut,
    summary="One conference, with its agreements, summons, reports and minutes",
)
def get_conference(request, code: str, year: int):
    return _conference(code, year)


@router.post(
    "/units/{code}/conferences/{year}/plan-sent",
    response={200: ConferenceOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Record the plan sent to UBND, UBMTTQ xã and the Ban TTND",
)
@coded
def conference_plan_sent(request, code: str, year: int, payload: ConferenceDateIn):
    return elections.send_conference_plan(
        actor=request.auth, conference=_conference(code, year), sent_on=payload.on
    )


@router.post(
    "/units/{code}/conferences/{year}/agreements",
    response={200: ConferenceOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Record one body's agreement to the plan (NĐ 59 Art 11)",
)
@coded
def conference_agreement(request, code: str, year: int, payload: ConferenceAgreementIn):
    return elections.record_conference_agreement(
        actor=request.auth, conference=_conference(code, year), **payload.dict()
    )


@router.post(
    "/units/{code}/conferences/{year}/summons",
    response={200: ConferenceOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Record the summons, at least 05 days before (NĐ 59 Art 11)",
)
@coded
def conference_summons(request, code: str, year: int, payload: SummonsIn):
    return elections.send_summons(
        actor=request.auth, conference=_conference(code, year), **payload.dict()
    )


@router.post(
    "/units/{code}/conferences/{year}/held",
    response={200: ConferenceOut, 422: ErrorOut},
    auth=BearerToken(),
    summary="Record the conference: the three reports, the secretary and the minutes (Art 33)",
)
@coded
def conference_held(request, code: str, year: int, payload: ConferenceHeldIn):
    return elections.hold_conference(
        actor=request.auth, conference=_conference(code, year), **payload.dict()
    )
