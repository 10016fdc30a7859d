"""Dân kiểm tra over the API: feedback (phản ánh), petitions (kiến nghị), complaints (khiếu nại)
and denunciations (tố cáo) — LAW.md §2.8; Luật Tiếp công dân Art 15, 28; Luật Khiếu nại;
Luật Tố cáo.

Privacy is decided in one place, `_viewer` and `_detail`: the public never sees who filed
(name, phone, e-mail, address, account), nor the text of an item its filer kept private; a
denunciation does not exist for anyone but its filer (who proves the secret) and those who
handle it — the same 404 as an unknown code. Officers who read filers' identities leave an
audit trace. Every write goes through petitions.services, which checks the role, validates,
writes and records the audit Event; this layer only shapes input and output.
"""

import datetime as dt
import functools
import hashlib
import json
from typing import Annotated, Literal

import pydantic
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.pagination import paginate
from pydantic import AfterValidator

from danchu.accounts import permissions
from danchu.api.auth import BearerToken, OptionalBearer
from danchu.api.pagination import Pages
from danchu.audit.services import record
from danchu.core import throttle
from danchu.core.errors import ValidationError, first_message, in_both_languages
from danchu.petitions import services
from danchu.petitions.models import (
    OPEN_STATUSES,
    Category,
    Petition,
    PetitionFile,
    ReceptionBooking,
    ReceptionDay,
    Step,
)
from danchu.units.models import Unit

router = Router(tags=["petitions"])

MANAGE = "petitions.manage"
Kind = Petition.Kind
PStatus = Petition.Status

# Online filings without an account per address per window (shared with the web form).
FILINGS_PER_WINDOW = 20
FILE_SCOPE = "petition-file"
# Wrong secrets per address and tracking code, and per address over all codes.
SECRET_ATTEMPTS = 10
SECRET_ATTEMPTS_PER_ADDRESS = 50
SECRET_SCOPE = "petition-secret-api"  # noqa: S105 - a throttle scope
# Reception bookings without an account per address per window.
BOOKINGS_PER_WINDOW = 10
BOOKING_SCOPE = "reception-book"
# The widest statistics window, in days.
MAX_STATISTICS_DAYS = 3660
MAX_ID = 2**63 - 1
STAFF_CHANNELS = ("phone", "letter", "in_person", "reception", "front")

THROTTLED = (
    "Bạn đã gửi quá nhiều lần, vui lòng thử lại sau 15 phút / "
    "too many attempts from this address, try again in 15 minutes."
)
NOT_FOUND = "Không tìm thấy mã theo dõi này / no item with this tracking code."

# English for service messages written in Vietnamese only (by their code).
ENGLISH = {
    "empty_file": "the file is empty.",
    "file_too_large": "the file is too large.",
    "bad_file_type": "only JPEG, PNG or PDF files whose content matches their extension.",
    "bad_step": "this step is not allowed in the item's current status.",
    "bad_day": "there is no reception on that day.",
    "unknown_unit": "unknown unit.",
}


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it here rather than fail in the database.
    if "\x00" in value:
        raise ValueError("ký tự NUL không hợp lệ / NUL character not allowed")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


def _local_time(value: dt.time) -> dt.time:
    # Reception hours are local times of day; the database keeps no offset with them.
    if value.tzinfo is not None:
        raise ValueError("giờ trong ngày không kèm múi giờ / a time of day without a time zone")
    return value


LocalTime = Annotated[dt.time, AfterValidator(_local_time)]


# --- errors: Vietnamese first, then English -----------------------------------------------


def _bilingual(func):
    """Give every refusal an English half where the message has only the Vietnamese one."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            message = first_message(exc)
            if " / " in message:
                raise
            fallback = ENGLISH.get(getattr(exc, "code", None) or "", "invalid input.")
            raise ValidationError(in_both_languages(exc, fallback), code=exc.code) from None
        except PermissionDenied as exc:
            message = str(exc) or "Không có quyền"
            if " / " in message:
                raise
            raise PermissionDenied(
                f"{message} / you are not allowed to do this for this unit."
            ) from None

    return wrapper


class ErrorOut(Schema):
    detail: str = Field(..., description="Vietnamese first, then English after ' / '")
    code: str | None = Field(None, description="machine-readable reason, where there is one")


ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    413: ErrorOut,
    415: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


def _responses(ok: dict, *codes: int) -> dict:
    return {**ok, **{code: ERRORS[code] for code in codes}}


# --- output -------------------------------------------------------------------------------


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    description: str
    group: str
    keywords: str


class NamedOut(Schema):
    code: str
    name: str


class StepOut(Schema):
    action: str
    label: str
    on: dt.date
    note: str
    public: bool = Field(..., description="shown on the public status page")


class FileOut(Schema):
    id: int
    name: str
    purpose: str = Field(..., description="filing (sent with the item) or answer")
    content_type: str
    size: int
    url: str = Field(..., description="the web download address (signed-in session)")


class FilerOut(Schema):
    """Who filed: private — only for those who handle the item."""

    name: str
    phone: str
    email: str
    address: str
    account: str | None = Field(..., description="user name, when filed from an account")


class OfficerInfoOut(Schema):
    filer: FilerOut
    entered_by: str | None = Field(..., description="the officer who entered a staff channel")
    assignee: str | None
    department: str
    escalation_level: int = Field(..., description="0 none, 1 officer, 2 chair, 3 province")
    is_public: bool
    answer_public: bool
    is_complex: bool
    extensions: int
    complaint_round: int
    forward_reason: str
    withdraw_reason: str
    fixed: bool | None
    followup_fixed: bool | None
    reopened: int


class FilerActionsOut(Schema):
    can_rate: bool
    can_reopen: bool
    can_withdraw: bool
    followup_open: bool


class PetitionOut(Schema):
    """The status page (trang theo dõi). `viewer` says what the caller is allowed to see."""

    code: str = Field(..., description="tracking code (mã theo dõi) PAKN-YYYYMMDD-NNNN")
    kind: str = Field(..., description="feedback, petition, complaint or denunciation")
    kind_label: str
    category: NamedOut
    unit: NamedOut = Field(..., description="where it happened")
    commune: NamedOut = Field(..., description="the commune that receives it")
    title: str
    text: str | None = Field(..., description="null when the filer kept it private")
    text_public: bool
    address: str | None
    latitude: float | None
    longitude: float | None
    channel: str
    channel_label: str
    status: str
    status_label: str
    state: str = Field(
        ..., description="on_time, due_today, overdue, answered_on_time, answered_late, closed"
    )
    state_label: str
    received_on: dt.date
    due_on: dt.date | None = Field(..., description="deadline of the step it waits for")
    notice_due_on: dt.date
    resolve_due_on: dt.date | None
    answered_on: dt.date | None
    refusal_reason: str | None
    forwarded_to: str | None
    answer: str | None = Field(..., description="only when published, or to filer and officers")
    rating: int | None
    files: list[FileOut]
    steps: list[StepOut]
    url: str
    viewer: Literal["public", "filer", "officer"]
    filer_actions: FilerActionsOut | None = Field(..., description="only for the filer")
    officer: OfficerInfoOut | None = Field(..., description="only for those who handle it")


class FiledOut(Schema):
    code: str
    secret: str = Field(
        ..., description="mã bí mật: shown once; keep it to rate, withdraw or reopen"
    )
    status_url: str
    notice_due_on: dt.date
    petition: PetitionOut


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


class PetitionSummaryOut(Schema):
    """One line of a public list: never the filer, never a private text."""

    code: str
    kind: str
    kind_label: str
    category: str = Field(..., alias="category.code")
    category_name: str = Field(..., alias="category.name")
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    commune: str = Field(..., alias="commune.code")
    commune_name: str = Field(..., alias="commune.name")
    title: str
    text_public: bool = Field(..., alias="is_public")
    status: str
    status_label: str
    state: str
    state_label: str
    received_on: dt.date
    due_on: dt.date | None
    answered_on: dt.date | None
    url: str

    @staticmethod
    def resolve_kind_label(obj: Petition) -> str:
        return _label(Kind, obj.kind)

    @staticmethod
    def resolve_status_label(obj: Petition) -> str:
        return _label(PStatus, obj.status)

    @staticmethod
    def resolve_state(obj: Petition) -> str:
        return services.state_against_due(obj)

    @staticmethod
    def resolve_state_label(obj: Petition) -> str:
        return str(services.STATE_LABELS[services.state_against_due(obj)])

    @staticmethod
    def resolve_url(obj: Petition) -> str:
        return reverse("tracking:status", args=[obj.code])


class InboxItemOut(PetitionSummaryOut):
    """The officer's inbox line: with the filer's identity (read access is audited)."""

    channel: str
    filer: FilerOut
    assignee: str | None
    department: str
    escalation_level: int

    @staticmethod
    def resolve_filer(obj: Petition) -> dict:
        return _filer(obj)

    @staticmethod
    def resolve_assignee(obj: Petition) -> str | None:
        return obj.assignee.username if obj.assignee_id else None


class FreeDateOut(Schema):
    on: dt.date
    free: int = Field(..., description="places still free")


class ReceptionDayOut(Schema):
    id: int
    weekday: int = Field(..., description="0 Monday … 6 Sunday")
    weekday_label: str
    starts_at: dt.time
    ends_at: dt.time
    place: str
    host: str
    capacity: int
    dates: list[FreeDateOut] = Field(..., description="the next working dates")


class ReceptionOut(Schema):
    commune: NamedOut
    days: list[ReceptionDayOut]


class BookingOut(Schema):
    code: str = Field(..., description="the booking code to show at reception")
    on: dt.date
    day: int = Field(..., alias="day_id")
    starts_at: dt.time = Field(..., alias="day.starts_at")
    place: str = Field(..., alias="day.place")
    host: str = Field(..., alias="day.host")


class OfficerBookingOut(BookingOut):
    name: str
    phone: str
    topic: str
    cancelled: bool


class CategoryCountOut(Schema):
    code: str
    name: str
    count: int


class RisingOut(Schema):
    code: str
    name: str
    current: int = Field(..., description="items in the last 90 days")
    previous: int = Field(..., description="items in the 90 days before")


class CommuneFiguresOut(Schema):
    commune: str = Field(..., alias="commune__code")
    commune_name: str = Field(..., alias="commune__name")
    received: int
    answered: int
    answered_on_time: int
    answered_late: int
    overdue_open: int
    on_time_share: float | None
    average_working_days: float | None
    average_rating: float | None


class StatisticsOut(Schema):
    start: dt.date
    end: dt.date
    received: int
    answered: int
    answered_on_time: int
    answered_late: int
    open: int
    overdue_open: int
    refused: int
    forwarded: int
    withdrawn: int
    average_working_days: float | None = Field(..., description="receipt to answer")
    rated: int
    average_rating: float | None
    satisfied: int = Field(..., description="rated 4 or 5")
    fixed: int
    on_time_share: float | None
    satisfied_share: float | None
    by_kind: dict[str, int]
    by_category: list[CategoryCountOut]
    by_commune: list[CommuneFiguresOut]
    rising: list[RisingOut] = Field(..., description="categories with rising counts")


# --- input --------------------------------------------------------------------------------

KindIn = Literal["feedback", "petition", "complaint", "denunciation"]
ChannelIn = Literal["online", "phone", "letter", "in_person", "reception", "front"]


class PetitionIn(Schema):
    kind: KindIn = Field(
        "feedback",
        description="feedback (phản ánh), petition (kiến nghị), complaint (khiếu nại) or "
        "denunciation (tố cáo); complaints and denunciations need the filer's name and address",
    )
    category: Text = Field(..., max_length=100, description="a category code")
    unit: Text = Field(..., max_length=40, description="code of the commune or village concerned")
    title: Text = Field(..., max_length=1000)
    text: Text = Field(..., max_length=100_000)
    channel: ChannelIn = Field(
        "online", description="online, or a staff channel entered on behalf of a filer"
    )
    received_on: dt.date | None = Field(None, description="staff channels: the day received")
    filer_name: Text = Field("", max_length=1000, description="private")
    filer_phone: Text = Field("", max_length=100, description="private")
    filer_email: Text = Field("", max_length=1000, description="private")
    filer_address: Text = Field("", max_length=1000, description="private")
    is_public: bool = Field(
        False, description="let the public read the text (explicit consent: false unless sent)"
    )
    address: Text = Field("", max_length=1000, description="where it happened")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    complaint_round: int = Field(1, ge=1, le=2, description="complaints: first or second")
    reception_booking: Text | None = Field(
        None, max_length=40, description="channel reception: the booking code"
    )


class SecretIn(Schema):
    secret: Text = Field(
        "", max_length=100, description="the secret given at filing (or sign in as the filer)"
    )


class RateIn(SecretIn):
    rating: int = Field(..., ge=1, le=5)
    fixed: bool | None = Field(None, description="was the problem fixed")


class ReasonIn(SecretIn):
    reason: Text = Field("", max_length=10_000)


class FollowupIn(SecretIn):
    fixed: bool


class NoteIn(Schema):
    note: Text = Field("", max_length=10_000)
    is_complex: bool = Field(False, description="accept: a complex complaint (Luật KN Art 28)")
    on: dt.date | None = Field(None, description="the day of the step; today if empty")


class OfficerReasonIn(Schema):
    reason: Text = Field(..., max_length=10_000)


class ForwardIn(Schema):
    reason: Text = Field(..., max_length=10_000)
    to_body: Text = Field("", max_length=1000, description="a body outside danchu")
    to_commune: Text | None = Field(None, max_length=40, description="a commune code in danchu")


class AnswerIn(Schema):
    text: Text = Field(..., max_length=100_000)
    public: bool = Field(False, description="publish the answer (never for a denunciation)")
    on: dt.date | None = None


class AssignIn(Schema):
    assignee: Text | None = Field(None, max_length=150, description="user name; null: nobody")
    department: Text = Field("", max_length=1000)


class BookingIn(Schema):
    day: int = Field(..., ge=1, le=MAX_ID, description="id of a reception day of this commune")
    on: dt.date
    name: Text = Field(..., max_length=1000)
    phone: Text = Field(..., max_length=100)
    topic: Text = Field(..., max_length=5000)


class ReceptionDayIn(Schema):
    weekday: int = Field(..., ge=0, le=6, description="0 Monday … 6 Sunday")
    starts_at: LocalTime
    ends_at: LocalTime
    place: Text = Field(..., max_length=1000)
    host: Text = Field(..., max_length=1000)


PublicKind = Literal["feedback", "petition", "complaint"]
StatusFilter = Literal[
    "open", "closed", "received", "verifying", "accepted", "refused", "forwarded", "answered",
    "withdrawn",
]  # fmt: skip


class PublicFilter(Schema):
    status: StatusFilter | None = Field(None, description="open, closed, or one status")
    kind: PublicKind | None = None
    category: Text | None = Field(None, max_length=100, description="a category code")


class InboxFilter(Schema):
    show: Literal["open", "mine", "all"] = Field("open", description="mine: assigned to me")
    status: StatusFilter | None = None
    kind: KindIn | None = None
    category: Text | None = Field(None, max_length=100)


class StatisticsFilter(Schema):
    start: dt.date | None = Field(None, description="first day received; a year ago by default")
    end: dt.date | None = Field(None, description="last day received; today by default")


# --- helpers ------------------------------------------------------------------------------


def _caller(request):
    """The bearer token's user; without a token, anonymous (sessions don't count here)."""
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else AnonymousUser()


def _signed_in(request):
    user = _caller(request)
    return user if user.is_authenticated else None


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _unit(code: str) -> Unit:
    unit = (
        Unit.objects.select_related("parent", "successor").filter(code=code).first()
        if "\x00" not in code and len(code) <= 40
        else None
    )
    if unit is None:
        raise Http404("Không tìm thấy đơn vị / unit not found.")
    return unit


def _unit_in_body(code: str, field: str = "unit") -> Unit:
    unit = Unit.objects.select_related("parent", "successor").filter(code=code).first()
    if unit is None:
        raise ValidationError(
            _("Không tìm thấy đơn vị có mã “%(code)s”."),
            code="unknown_unit",
            params={"code": code[:40], "field": field},
        )
    return unit


def _category(code: str | None) -> Category | None:
    return services.get_category(code) if code else None


def _find(code: str) -> Petition | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 40 or "\x00" in code:
        return None
    return (
        Petition.objects.select_related("category", "unit", "commune", "filer", "assignee")
        .filter(code=code)
        .first()
    )


def _per_code(address: str, code: str) -> str:
    # Any text may come as a code: the cache key holds only its digest.
    return f"{address}:{hashlib.sha256(code.encode()).hexdigest()[:32]}"


def _throttle_secret(request, code: str) -> None:
    address = _address(request)
    if throttle.blocked(
        SECRET_SCOPE, _per_code(address, code), SECRET_ATTEMPTS
    ) or throttle.blocked(SECRET_SCOPE, address, SECRET_ATTEMPTS_PER_ADDRESS):
        raise HttpError(429, THROTTLED)


def _count_wrong_secret(request, code: str) -> None:
    address = _address(request)
    throttle.count_failure(SECRET_SCOPE, _per_code(address, code))
    throttle.count_failure(SECRET_SCOPE, address)


def _viewer(request, petition: Petition, secret: str = "") -> str:
    user = _caller(request)
    if permissions.can(user, MANAGE, petition.commune):
        return "officer"
    if services.is_filer(petition, user, secret):
        return "filer"
    return "public"


def _visible(request, code: str, secret: str = "") -> tuple[Petition, str]:
    """The petition and how the caller sees it; 404 for a denunciation they may not see."""
    petition = _find(code)
    if petition is None:
        raise Http404(NOT_FOUND)
    if secret:
        _throttle_secret(request, petition.code)
    viewer = _viewer(request, petition, secret)
    if secret and viewer == "public":
        _count_wrong_secret(request, petition.code)
    if petition.kind == Kind.DENUNCIATION and viewer == "public":
        # A denunciation is never public: its code alone shows nothing (Luật Tố cáo Art 47).
        raise Http404(NOT_FOUND)
    return petition, viewer


def _filer(petition: Petition) -> dict:
    return {
        "name": petition.filer_name,
        "phone": petition.filer_phone,
        "email": petition.filer_email or (petition.filer.email if petition.filer_id else ""),
        "address": petition.filer_address,
        "account": petition.filer.username if petition.filer_id else None,
    }


def _identity_read(user, unit: Unit, **payload) -> None:
    """Officers reading filers' names and phones leave a trace (DESIGN: personal data)."""
    with transaction.atomic():
        record(actor=user, action="petitions.identity_viewed", unit=unit, payload=payload)


def _file(stored: PetitionFile, code: str) -> dict:
    return {
        "id": stored.pk,
        "name": stored.name,
        "purpose": stored.purpose,
        "content_type": stored.content_type,
        "size": stored.size,
        "url": reverse("tracking:file", args=[code, stored.pk]),
    }


def _float(value) -> float | None:
    return float(value) if value is not None else None


def _detail(petition: Petition, viewer: str) -> dict:
    """Everything the status page shows this viewer — and nothing more."""
    officer, filer = viewer == "officer", viewer == "filer"
    show_text = petition.is_public or officer or filer
    answered = petition.status == PStatus.ANSWERED
    show_answer = answered and (petition.answer_public or officer or filer)
    steps = services.visible_steps(petition, officer=officer, filer=filer)
    files = []
    for stored in petition.files.all():
        if officer or filer or (stored.purpose == PetitionFile.Purpose.ANSWER and show_answer):
            files.append(_file(stored, petition.code))
    state = services.state_against_due(petition)
    data = {
        "code": petition.code,
        "kind": petition.kind,
        "kind_label": _label(Kind, petition.kind),
        "category": {"code": petition.category.code, "name": petition.category.name},
        "unit": {"code": petition.unit.code, "name": petition.unit.name},
        "commune": {"code": petition.commune.code, "name": petition.commune.name},
        "title": petition.title,
        "text": petition.text if show_text else None,
        "text_public": petition.is_public,
        "address": petition.address if show_text else None,
        "latitude": _float(petition.latitude) if show_text else None,
        "longitude": _float(petition.longitude) if show_text else None,
        "channel": petition.channel,
        "channel_label": _label(Petition.Channel, petition.channel),
        "status": petition.status,
        "status_label": _label(PStatus, petition.status),
        "state": state,
        "state_label": str(services.STATE_LABELS[state]),
        "received_on": petition.received_on,
        "due_on": petition.due_on,
        "notice_due_on": petition.notice_due_on,
        "resolve_due_on": petition.resolve_due_on,
        "answered_on": petition.answered_on,
        "refusal_reason": (petition.refusal_reason or None) if show_text else None,
        "forwarded_to": petition.forwarded_to or None,
        "answer": petition.answer if show_answer else None,
        "rating": petition.rating if show_answer else None,
        "files": files,
        "steps": [
            {
                "action": step.action,
                "label": _label(Step.Action, step.action),
                "on": step.on,
                # The answer's own step carries the answer text: only where the answer shows;
                # officers' notes on an item its filer kept private only where its text shows.
                "note": step.note
                if show_text and (officer or step.action != Step.Action.ANSWERED or show_answer)
                else "",
                "public": step.public,
            }
            for step in steps
        ],
        "url": reverse("tracking:status", args=[petition.code]),
        "viewer": viewer,
        "filer_actions": None,
        "officer": None,
    }
    if filer:
        today = timezone.localdate()
        data["filer_actions"] = {
            "can_rate": answered and petition.rated_at is None,
            "can_reopen": services.can_reopen(petition, today),
            "can_withdraw": petition.status in OPEN_STATUSES,
            "followup_open": answered
            and petition.followup_due_on is not None
            and petition.followup_due_on <= today
            and petition.followup_fixed is None,
        }
    if officer:
        data["officer"] = {
            "filer": _filer(petition),
            "entered_by": petition.entered_by.username if petition.entered_by_id else None,
            "assignee": petition.assignee.username if petition.assignee_id else None,
            "department": petition.department,
            "escalation_level": petition.escalation_level,
            "is_public": petition.is_public,
            "answer_public": petition.answer_public,
            "is_complex": petition.is_complex,
            "extensions": petition.extensions,
            "complaint_round": petition.complaint_round,
            "forward_reason": petition.forward_reason,
            "withdraw_reason": petition.withdraw_reason,
            "fixed": petition.fixed,
            "followup_fixed": petition.followup_fixed,
            "reopened": petition.reopened,
        }
    return data


def _show(request, petition: Petition, secret: str = "") -> dict:
    """A fresh copy after a write, as this caller sees it."""
    petition = (
        Petition.objects.select_related("category", "unit", "commune", "filer", "assignee")
        .filter(pk=petition.pk)
        .first()
    )
    viewer = _viewer(request, petition, secret)
    if viewer == "officer":
        _identity_read(_caller(request), petition.commune, codes=[petition.code])
    return _detail(petition, viewer)


def _body(request, schema: type[Schema], *, files_field: str | None = None):
    """The body as `schema`: JSON, or (for uploads) multipart/form-data or url-encoded."""
    content_type = (request.content_type or "").lower()
    uploads = []
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        data = {}
        for key in request.POST:
            if key == files_field:
                continue
            value = request.POST.get(key)
            # An empty form field is a field not sent.
            if value != "":
                data[key] = value
        if files_field:
            # One more than the service accepts is enough for it to refuse with its message.
            uploads = request.FILES.getlist(files_field)[: services.MAX_FILES + 1]
    elif content_type in ("application/json", "") or content_type.endswith("+json"):
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise HttpError(
                400, "Nội dung JSON không đọc được / the request body is not valid JSON."
            ) from None
        if not isinstance(data, dict):
            raise HttpError(
                422, "Dữ liệu không hợp lệ / invalid input: the body must be a JSON object."
            )
    else:
        raise HttpError(
            415,
            "Hãy gửi application/json hoặc multipart/form-data / "
            "send application/json or multipart/form-data.",
        )
    try:
        payload = schema.model_validate(data)
    except pydantic.ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        raise SchemaError(
            [{**error, "loc": ("body", *error.get("loc", ()))} for error in errors]
        ) from None
    limit = settings.PETITION_ATTACHMENT_MAX_MB * 1024 * 1024
    files = [
        ((upload.name or "").replace("\x00", ""), upload.read(limit + 1)) for upload in uploads
    ]
    return payload, files


def _request_body(schema: type[Schema], files_field: str | None, description: str) -> dict:
    """The OpenAPI requestBody of an operation that reads its body itself (JSON or upload)."""
    json_schema = schema.model_json_schema()
    content = {"application/json": {"schema": json_schema}}
    if files_field:
        form_schema = json.loads(json.dumps(json_schema))
        form_schema["properties"][files_field] = {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "description": f"JPEG, PNG or PDF, at most {services.MAX_FILES} files",
        }
        content["multipart/form-data"] = {"schema": form_schema}
    return {"requestBody": {"required": True, "description": description, "content": content}}


# --- public -------------------------------------------------------------------------------


@router.get(
    "/petitions/categories",
    response=list[CategoryOut],
    auth=OptionalBearer(),
    summary="Categories (lĩnh vực) of feedback and petitions",
    description="The active categories a filing names by `code`; also the Open311 service list.",
)
def list_categories(request):
    return Category.objects.filter(active=True)


@router.get(
    "/units/{code}/petitions",
    response=_responses({200: list[PetitionSummaryOut]}, 404, 422),
    auth=OptionalBearer(),
    summary="Public list of feedback and petitions (phản ánh, kiến nghị) of a unit's subtree",
    description="Newest first. Never a denunciation (tố cáo), never who filed; the text of "
    "an item its filer kept private is not in the list (only its title).",
)
@paginate(Pages, page_size=20)
@_bilingual
def list_petitions(request, code: str, filters: Query[PublicFilter]):
    unit = _unit(code)
    rows = (
        services.in_subtree(unit)
        .exclude(kind=Kind.DENUNCIATION)
        .select_related("category", "unit", "commune")
        .order_by("-received_on", "-id")
    )
    return _filtered(rows, filters)


def _filtered(rows, filters):
    if filters.status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif filters.status == "closed":
        rows = rows.exclude(status__in=OPEN_STATUSES)
    elif filters.status:
        rows = rows.filter(status=filters.status)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    category = _category(filters.category)
    if category is not None:
        rows = rows.filter(category=category)
    return rows


@router.get(
    "/units/{code}/petitions/statistics",
    response=_responses({200: StatisticsOut}, 404, 422),
    auth=OptionalBearer(),
    summary="Public statistics (thống kê) of a unit's subtree: received, answered on time, "
    "late, average working days, satisfaction, per commune, rising categories",
    description="Items received between `start` and `end` (a year to today by default). "
    "Counts include denunciations; nothing names a filer.",
)
@_bilingual
def petition_statistics(request, code: str, filters: Query[StatisticsFilter]):
    unit = _unit(code)
    today = timezone.localdate()
    end = filters.end or today
    start = filters.start or (end - dt.timedelta(days=364) if end.year > 1 else end)
    if start > end:
        raise ValidationError(
            _("Ngày bắt đầu phải trước ngày kết thúc."),
            code="bad_range",
        )
    if (end - start).days > MAX_STATISTICS_DAYS:
        raise ValidationError(
            _("Khoảng thời gian tối đa %(days)d ngày."),
            code="bad_range",
            params={"days": MAX_STATISTICS_DAYS},
        )
    figures = services.statistics(unit, start, end, today)
    figures["by_commune"] = services.statistics_by_commune(unit, start, end, today)
    figures["rising"] = services.rising_categories(unit, today)
    return figures


@router.get(
    "/petitions/{tracking_code}",
    response=_responses({200: PetitionOut}, 404, 429),
    auth=OptionalBearer(),
    summary="Status page of one item by its tracking code (mã theo dõi)",
    description="Public: kind, category, unit, status, due date and state against it, the "
    "public steps, the answer if published; never who filed, and no text the filer kept "
    "private. A denunciation (tố cáo) is 404 except to its filer (send the secret in "
    "`X-Petition-Secret`, or sign in as the filer) and to those who handle it, who also see "
    "the filer (their reading is audited). Wrong secrets are throttled per address and code.",
)
@_bilingual
def get_petition(
    request,
    tracking_code: str,
    secret: str | None = Header(
        None,
        alias="X-Petition-Secret",
        max_length=100,
        description="the filer's secret (mã bí mật), to see what only the filer sees",
    ),
):
    secret = (secret or "").replace("\x00", "")
    petition, viewer = _visible(request, tracking_code, secret)
    if viewer == "officer":
        _identity_read(_caller(request), petition.commune, codes=[petition.code])
    return _detail(petition, viewer)


# --- filing -------------------------------------------------------------------------------


@router.post(
    "/petitions",
    response=_responses({201: FiledOut}, 400, 401, 403, 413, 415, 422, 429),
    auth=OptionalBearer(),
    summary="File feedback, a petition, a complaint or a denunciation (gửi phản ánh, kiến "
    "nghị, khiếu nại, tố cáo)",
    description="JSON, or multipart/form-data with `photos` (JPEG, PNG or PDF, checked by "
    "content). Anyone may file feedback or a petition without an account (throttled per "
    "address: 429); a complaint or denunciation needs the filer's name and address. Officers "
    "enter items received by phone, letter, in person, at a reception or through the Front "
    "with that `channel` and `received_on`. The response carries the tracking code and the "
    "secret (mã bí mật), shown only this once.",
    openapi_extra=_request_body(PetitionIn, "photos", "the item; photos only in multipart"),
)
@_bilingual
def file_petition(request):
    payload, files = _body(request, PetitionIn, files_field="photos")
    user = _signed_in(request)
    staff = payload.channel != Petition.Channel.ONLINE
    if staff and user is None:
        raise AuthenticationError()
    address = _address(request)
    if user is None and throttle.blocked(FILE_SCOPE, address, FILINGS_PER_WINDOW):
        raise HttpError(429, THROTTLED)
    unit = _unit_in_body(payload.unit)
    category = services.get_category(payload.category)
    reception = None
    if payload.reception_booking:
        reception = (
            ReceptionBooking.objects.select_related("day__commune")
            .filter(code=payload.reception_booking.strip().upper())
            .first()
        )
        if reception is None or not unit.path.startswith(reception.day.commune.path):
            raise ValidationError(
                _("Không có lượt đăng ký tiếp công dân này."),
                code="unknown_booking",
            )
    filed = services.file_petition(
        actor=user,
        kind=payload.kind,
        category=category,
        unit=unit,
        title=payload.title,
        text=payload.text,
        channel=payload.channel,
        filer_name=payload.filer_name,
        filer_phone=payload.filer_phone,
        filer_email=payload.filer_email,
        filer_address=payload.filer_address,
        is_public=payload.is_public,
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
        files=files,
        received_on=payload.received_on if staff else None,
        complaint_round=payload.complaint_round,
        reception=reception,
    )
    if user is None:
        throttle.count_failure(FILE_SCOPE, address)
    petition = filed.petition
    return Status(
        201,
        {
            "code": petition.code,
            "secret": filed.secret,
            "status_url": reverse("tracking:status", args=[petition.code]),
            "notice_due_on": petition.notice_due_on,
            "petition": _detail(_find(petition.code), "filer"),
        },
    )


# --- the filer's steps --------------------------------------------------------------------


def _as_filer(request, code: str, secret: str) -> Petition:
    """The petition, if the caller is its filer (by the secret or the account)."""
    petition = _find(code)
    _throttle_secret(request, petition.code if petition else (code or "")[:40].upper())
    user = _signed_in(request)
    if petition is None or not services.is_filer(petition, user, secret):
        _count_wrong_secret(request, petition.code if petition else (code or "")[:40].upper())
        if petition is None or (
            petition.kind == Kind.DENUNCIATION
            and not permissions.can(user, MANAGE, petition.commune)
        ):
            raise Http404(NOT_FOUND)
        raise PermissionDenied("Mã bí mật không đúng / the secret code does not match this item.")
    return petition


FILER_DESCRIPTION = (
    "For the filer: send the `secret` given at filing, or sign in with the filer's account. "
    "A wrong secret is 403 (404 for a denunciation); repeated wrong secrets from one address "
    "are refused with 429."
)


@router.post(
    "/petitions/{tracking_code}/rate",
    response=_responses({200: PetitionOut}, 403, 404, 422, 429),
    auth=OptionalBearer(),
    summary="The filer rates the answer 1–5 (đánh giá) and says whether it was fixed",
    description=FILER_DESCRIPTION,
)
@_bilingual
def rate(request, tracking_code: str, payload: RateIn):
    petition = _as_filer(request, tracking_code, payload.secret)
    services.rate(
        petition=petition,
        rating=payload.rating,
        fixed=payload.fixed,
        user=_signed_in(request),
        secret=payload.secret,
    )
    return _show(request, petition, payload.secret)


@router.post(
    "/petitions/{tracking_code}/withdraw",
    response=_responses({200: PetitionOut}, 403, 404, 422, 429),
    auth=OptionalBearer(),
    summary="Withdraw an item (rút đơn, Luật Khiếu nại Art 10)",
    description=FILER_DESCRIPTION + " An officer who handles the item records a written "
    "withdrawal with a bearer token and no secret.",
)
@_bilingual
def withdraw(request, tracking_code: str, payload: ReasonIn):
    user = _signed_in(request)
    if not payload.secret and user is not None:
        petition = _find(tracking_code)
        if (
            petition is not None
            and not services.is_filer(petition, user)
            and permissions.can(user, MANAGE, petition.commune)
        ):
            services.withdraw(petition=petition, reason=payload.reason, actor=user)
            return _show(request, petition)
    petition = _as_filer(request, tracking_code, payload.secret)
    services.withdraw(petition=petition, reason=payload.reason, user=user, secret=payload.secret)
    return _show(request, petition, payload.secret)


@router.post(
    "/petitions/{tracking_code}/reopen",
    response=_responses({200: PetitionOut}, 403, 404, 422, 429),
    auth=OptionalBearer(),
    summary="Reopen an answered item after a bad rating (mở lại), within the window",
    description=FILER_DESCRIPTION,
)
@_bilingual
def reopen(request, tracking_code: str, payload: ReasonIn):
    petition = _as_filer(request, tracking_code, payload.secret)
    services.reopen(
        petition=petition, reason=payload.reason, user=_signed_in(request), secret=payload.secret
    )
    return _show(request, petition, payload.secret)


@router.post(
    "/petitions/{tracking_code}/followup",
    response=_responses({200: PetitionOut}, 403, 404, 422, 429),
    auth=OptionalBearer(),
    summary="Four weeks after the answer: is the problem fixed now? (hỏi lại sau 4 tuần)",
    description=FILER_DESCRIPTION,
)
@_bilingual
def followup(request, tracking_code: str, payload: FollowupIn):
    petition = _as_filer(request, tracking_code, payload.secret)
    services.answer_followup(
        petition=petition, fixed=payload.fixed, user=_signed_in(request), secret=payload.secret
    )
    return _show(request, petition, payload.secret)


# --- officers -----------------------------------------------------------------------------


@router.get(
    "/units/{code}/petitions/inbox",
    response=_responses({200: list[InboxItemOut]}, 401, 403, 404, 422),
    auth=BearerToken(),
    summary="The officer's inbox (hộp đơn): by due date, overdue first, with who filed",
    description="For those who handle petitions of the unit (petitions.manage). Includes "
    "denunciations and the filers' identities; each read is written to the audit log.",
)
@paginate(Pages, page_size=50)
@_bilingual
def inbox(request, code: str, filters: Query[InboxFilter]):
    unit = _unit(code)
    permissions.require(request.auth, MANAGE, unit)
    rows = services.in_subtree(unit).select_related(
        "category", "unit", "commune", "filer", "assignee"
    )
    if filters.show == "open" and not filters.status:
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif filters.show == "mine":
        rows = rows.filter(assignee=request.auth)
        if not filters.status:
            rows = rows.filter(status__in=OPEN_STATUSES)
    rows = _filtered(rows, filters).order_by(F("due_on").asc(nulls_last=True), "received_on", "id")
    _identity_read(
        request.auth,
        unit,
        view="inbox",
        filters=filters.model_dump(exclude_none=True),
    )
    return rows


def _handled(request, code: str) -> Petition:
    """The item for an officer's step: 404 if unknown, or a denunciation they may not handle.

    Whether the caller may act is the service's to say (403)."""
    petition = _find(code)
    if petition is None or (
        petition.kind == Kind.DENUNCIATION
        and not permissions.can(request.auth, MANAGE, petition.commune)
    ):
        raise Http404(NOT_FOUND)
    return petition


OFFICER_ERRORS = (401, 403, 404, 422)
OFFICER_DESCRIPTION = (
    "For the officers of the receiving commune (petitions.manage, bearer token). A step the "
    "item's status does not allow is 422 with the reason; nothing is written."
)


@router.post(
    "/petitions/{tracking_code}/accept",
    response=_responses({200: PetitionOut}, *OFFICER_ERRORS),
    auth=BearerToken(),
    summary="Accept for resolution (thụ lý): Luật TCD Art 28(1)(a), Luật KN Art 27",
    description=OFFICER_DESCRIPTION + " The resolution clock starts on `on` (today by "
    "default); `is_complex` gives a complaint the longer period.",
)
@_bilingual
def accept(request, tracking_code: str, payload: NoteIn):
    petition = services.accept(
        actor=request.auth,
        petition=_handled(request, tracking_code),
        note=payload.note,
        is_complex=payload.is_complex,
        on=payload.on,
    )
    return _show(request, petition)


@router.post(
    "/petitions/{tracking_code}/verify",
    response=_responses({200: PetitionOut}, *OFFICER_ERRORS),
    auth=BearerToken(),
    summary="Needs verifying before acceptance (cần xác minh): Luật TCD Art 28(1)(b)",
    description=OFFICER_DESCRIPTION + " `note` (required) says what must be verified.",
)
@_bilingual
def verify(request, tracking_code: str, payload: NoteIn):
    petition = services.mark_verifying(
        actor=request.auth,
        petition=_handled(request, tracking_code),
        note=payload.note,
        on=payload.on,
    )
    return _show(request, petition)


@router.post(
    "/petitions/{tracking_code}/refuse",
    response=_responses({200: PetitionOut}, *OFFICER_ERRORS),
    auth=BearerToken(),
    summary="Refuse, with reasons (không thụ lý): Luật TCD Art 28(1)(c), Luật KN Art 27",
    description=OFFICER_DESCRIPTION,
)
@_bilingual
def refuse(request, tracking_code: str, payload: OfficerReasonIn):
    petition = services.refuse(
        actor=request.auth, petition=_handled(request, tracking_code), reason=payload.reason
    )
    return _show(request, petition)


@router.post(
    "/petitions/{tracking_code}/forward",
    response=_responses({200: PetitionOut}, *OFFICER_ERRORS),
    auth=BearerToken(),
    summary="Forward to the competent body (chuyển đơn): Luật TCD Art 28(1)(d)",
    description=OFFICER_DESCRIPTION + " Either `to_commune` (a commune in danchu: it receives "
    "the item today and the clocks start again there) or `to_body` (a body outside: this "
    "commune's clocks stop), with the reason.",
)
@_bilingual
def forward(request, tracking_code: str, payload: ForwardIn):
    petition = _handled(request, tracking_code)
    target = _unit_in_body(payload.to_commune.strip(), "to_commune") if payload.to_commune else None
    petition = services.forward(
        actor=request.auth,
        petition=petition,
        reason=payload.reason,
        to_body=payload.to_body,
        to_commune=target,
    )
    # Forwarded to another commune, the caller may no longer see it as its handler.
    return _show(request, petition)


@router.post(
    "/petitions/{tracking_code}/extend",
    response=_responses({200: PetitionOut}, *OFFICER_ERRORS),
    auth=BearerToken(),
    summary="Extend a denunciation's period by 30 days (gia hạn), at most twice: Luật TC Art 30",
    description=OFFICER_DESCRIPTION + " A third extension is refused.",
)
@_bilingual
def extend(request, tracking_code: str, payload: OfficerReasonIn):
    petition = services.extend(
        actor=request.auth, petition=_handled(request, tracking_code), reason=payload.reason
    )
    return _show(request, petition)


@router.post(
    "/petitions/{tracking_code}/complex",
    response=_responses({200: PetitionOut}, *OFFICER_ERRORS),
    auth=BearerToken(),
    summary="Mark a complaint complex (vụ việc phức tạp): the longer period, Luật KN Art 28, 37",
    description=OFFICER_DESCRIPTION,
)
@_bilingual
def mark_complex(request, tracking_code: str, payload: OfficerReasonIn):
    petition = services.mark_complex(
        actor=request.auth, petition=_handled(request, tracking_code), reason=payload.reason
    )
    return _show(request, petition)


@router.post(
    "/petitions/{tracking_code}/answer",
    response=_responses({200: PetitionOut}, 400, 413, 415, *OFFICER_ERRORS),
    auth=BearerToken(),
    summary="Answer or resolve an accepted item (trả lời, giải quyết)",
    description=OFFICER_DESCRIPTION + " Only an accepted item is answered. JSON, or "
    "multipart/form-data with `files` (JPEG, PNG or PDF). `public` publishes the answer "
    "(never for a denunciation).",
    openapi_extra=_request_body(AnswerIn, "files", "the answer; documents only in multipart"),
)
@_bilingual
def answer(request, tracking_code: str):
    petition = _handled(request, tracking_code)
    payload, files = _body(request, AnswerIn, files_field="files")
    petition = services.answer(
        actor=request.auth,
        petition=petition,
        text=payload.text,
        public=payload.public,
        files=files,
        on=payload.on,
    )
    return _show(request, petition)


@router.post(
    "/petitions/{tracking_code}/assign",
    response=_responses({200: PetitionOut}, *OFFICER_ERRORS),
    auth=BearerToken(),
    summary="Assign to an officer or a department (giao xử lý)",
    description=OFFICER_DESCRIPTION + " The assignee must handle petitions of the commune.",
)
@_bilingual
def assign(request, tracking_code: str, payload: AssignIn):
    petition = _handled(request, tracking_code)
    assignee = None
    if payload.assignee:
        assignee = get_user_model().objects.filter(username=payload.assignee).first()
        if assignee is None:
            raise ValidationError(
                _("Không có tài khoản “%(name)s”."),
                code="bad_assignee",
                params={"name": payload.assignee[:150]},
            )
    petition = services.assign(
        actor=request.auth, petition=petition, assignee=assignee, department=payload.department
    )
    return _show(request, petition)


# --- citizen reception (Luật Tiếp công dân Art 15) ------------------------------------------


def _reception_commune(code: str) -> Unit:
    unit = _unit(code)
    if unit.kind == Unit.Kind.VILLAGE:
        return services.commune_of(unit)
    if unit.kind != Unit.Kind.COMMUNE:
        raise Http404("Lịch tiếp công dân thuộc xã, phường / reception days belong to a commune.")
    return unit


def _day(day: ReceptionDay, today: dt.date) -> dict:
    dates = services.reception_dates(day, today, count=4)
    taken = dict(
        day.bookings.filter(on__in=dates, cancelled=False)
        .values_list("on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "id": day.pk,
        "weekday": day.weekday,
        "weekday_label": _label(ReceptionDay.Weekday, day.weekday),
        "starts_at": day.starts_at,
        "ends_at": day.ends_at,
        "place": day.place,
        "host": day.host,
        "capacity": day.capacity,
        "dates": [{"on": on, "free": max(0, day.capacity - taken.get(on, 0))} for on in dates],
    }


@router.get(
    "/units/{code}/reception",
    response=_responses({200: ReceptionOut}, 404),
    auth=OptionalBearer(),
    summary="Citizen reception days (lịch tiếp công dân) of a commune, with free places",
    description="The commune chair receives citizens at least one day a week (Luật TCD Art "
    "15(2)(d)). For a village, its commune's schedule; the next four working dates of each day.",
)
@_bilingual
def reception(request, code: str):
    commune = _reception_commune(code)
    today = timezone.localdate()
    days = [_day(day, today) for day in ReceptionDay.objects.filter(commune=commune, active=True)]
    return {"commune": {"code": commune.code, "name": commune.name}, "days": days}


@router.post(
    "/units/{code}/reception/bookings",
    response=_responses({201: BookingOut}, 404, 422, 429),
    auth=OptionalBearer(),
    summary="Book a place at a citizen reception day (đăng ký tiếp công dân)",
    description="Name and phone are private (the commune calls back); the booking code is "
    "shown at reception. Without an account, bookings are throttled per address.",
)
@_bilingual
def book(request, code: str, payload: BookingIn):
    commune = _reception_commune(code)
    user = _signed_in(request)
    address = _address(request)
    if user is None and throttle.blocked(BOOKING_SCOPE, address, BOOKINGS_PER_WINDOW):
        raise HttpError(429, THROTTLED)
    day = ReceptionDay.objects.filter(pk=payload.day, commune=commune).first()
    if day is None:
        raise ValidationError(
            _("Lịch tiếp không có ở xã này."),
            code="bad_day",
        )
    booking = services.book_reception(
        day=day,
        on=payload.on,
        name=payload.name,
        phone=payload.phone,
        topic=payload.topic,
        user=user,
    )
    if user is None:
        throttle.count_failure(BOOKING_SCOPE, address)
    return Status(201, ReceptionBooking.objects.select_related("day").get(pk=booking.pk))


@router.get(
    "/units/{code}/reception/bookings",
    response=_responses({200: list[OfficerBookingOut]}, 401, 403, 404, 422),
    auth=BearerToken(),
    summary="Bookings of the coming reception days, with names and phones (officers)",
    description="For those who handle petitions of the commune; each read is audited.",
)
@paginate(Pages, page_size=50)
@_bilingual
def list_bookings(request, code: str):
    commune = _reception_commune(code)
    permissions.require(request.auth, MANAGE, commune)
    _identity_read(request.auth, commune, view="reception_bookings")
    return (
        ReceptionBooking.objects.filter(
            day__commune=commune, on__gte=timezone.localdate(), cancelled=False
        )
        .select_related("day")
        .order_by("on", "id")
    )


@router.post(
    "/units/{code}/reception/days",
    response=_responses({201: ReceptionDayOut}, 401, 403, 404, 422),
    auth=BearerToken(),
    summary="Set the commune's weekly reception day (lịch tiếp công dân), Luật TCD Art 15",
    description="Officers of the commune; one active schedule per weekday (replaced if set).",
)
@_bilingual
def set_reception_day(request, code: str, payload: ReceptionDayIn):
    commune = _reception_commune(code)
    permissions.require(request.auth, MANAGE, commune)
    day = services.set_reception_day(
        actor=request.auth,
        commune=commune,
        weekday=payload.weekday,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        place=payload.place,
        host=payload.host,
    )
    return Status(201, _day(day, timezone.localdate()))
