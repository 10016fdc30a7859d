"""Dân biết over the API: public notices (Law 10/2022 Art 11–13) and the officer's steps.

Reads use the web pages' access rule (views.get_notice_for: drafts only for those who may
manage them, the same 404 otherwise). Every write goes through disclosures.services, which
checks the role, validates and writes the audit Event.
"""

import datetime as dt
from typing import Annotated

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import AfterValidator

from danchu.accounts import permissions
from danchu.api.auth import BearerToken, OptionalBearer
from danchu.api.pagination import Pages
from danchu.core.errors import ValidationError
from danchu.disclosures import services
from danchu.disclosures.models import (
    Airing,
    Art11Item,
    Attachment,
    Forwarding,
    Notice,
    Posting,
)
from danchu.disclosures.views import get_notice_for
from danchu.units.models import Unit
from danchu.units.services import get_unit

router = Router(tags=["disclosures"])

# Art 11 item numbers fit a PositiveSmallIntegerField.
MAX_ITEM_NUMBER = 32767
COMPLIANCE_LIST_LIMIT = 200


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it here rather than fail in the database.
    if "\x00" in value:
        raise ValueError("ký tự NUL không hợp lệ / NUL character not allowed")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


# --- output -------------------------------------------------------------------------------


class Art11ItemOut(Schema):
    number: int
    title: str
    radio_required: bool = Field(..., description="also aired 3 consecutive days (Art 13(3))")
    recurring: bool = Field(..., description="published per quarter, half-year and year")


class AttachmentOut(Schema):
    id: int
    name: str = Field(..., alias="original_name")
    size: int
    content_type: str
    url: str

    @staticmethod
    def resolve_url(obj: Attachment) -> str:
        return reverse("disclosures:attachment", args=[obj.notice.unit.code, obj.notice_id, obj.pk])


class PostingOut(Schema):
    id: int
    notice: int = Field(..., alias="notice_id")
    place: str = Field(..., alias="place.name")
    started_on: dt.date
    required_until: dt.date = Field(..., description="must stay up until this day")
    ended_on: dt.date | None
    end_reason: str


class AiringOut(Schema):
    id: int
    notice: int = Field(..., alias="notice_id")
    aired_at: dt.datetime
    aired_on: dt.date
    station: str


class ForwardingOut(Schema):
    id: int
    notice: int = Field(..., alias="notice_id")
    village: str = Field(..., alias="village.code")
    village_name: str = Field(..., alias="village.name")
    forwarded_on: dt.date
    relay_method: str
    relayed_on: dt.date | None
    relay_note: str


class NoticeOut(Schema):
    """What the public notice page shows; `compliance` only for those who manage the unit."""

    id: int
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    item: int = Field(..., alias="item.number")
    item_title: str = Field(..., alias="item.title")
    title: str
    body: str
    document_number: str
    signed_on: dt.date | None
    period: str
    responsible_name: str
    status: str
    published_at: dt.datetime | None
    url: str
    attachments: list[AttachmentOut]
    compliance: list[str] | None = Field(
        None, description="officers only: late, period_late, taken_down_early, radio_incomplete"
    )

    @staticmethod
    def resolve_url(obj: Notice) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_attachments(obj: Notice) -> list[Attachment]:
        if hasattr(obj, "documents"):
            return obj.documents
        return list(obj.attachments.filter(posting__isnull=True, airing__isnull=True))

    @staticmethod
    def resolve_compliance(obj: Notice, context) -> list[str] | None:
        if not _manages(context["request"], obj.unit):
            return None
        return services.compliance(obj)


class NoticeDetailOut(NoticeOut):
    postings: list[PostingOut] | None = Field(None, description="officers only")
    airings: list[AiringOut] | None = Field(None, description="officers only")
    forwardings: list[ForwardingOut] | None = Field(None, description="officers only")

    @staticmethod
    def resolve_postings(obj: Notice, context) -> list[Posting] | None:
        if not _manages(context["request"], obj.unit):
            return None
        return list(obj.postings.select_related("place"))

    @staticmethod
    def resolve_airings(obj: Notice, context):
        if not _manages(context["request"], obj.unit):
            return None
        return list(obj.airings.all())

    @staticmethod
    def resolve_forwardings(obj: Notice, context):
        if not _manages(context["request"], obj.unit):
            return None
        return list(obj.forwardings.select_related("village"))


class FlaggedNoticeOut(Schema):
    id: int
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    item: int = Field(..., alias="item.number")
    title: str
    status: str
    signed_on: dt.date | None
    publish_due_on: dt.date | None
    published_on: dt.date | None
    period: str
    period_due_on: dt.date | None
    flags: list[str]
    url: str

    @staticmethod
    def resolve_flags(obj: Notice) -> list[str]:
        return services.compliance(obj)

    @staticmethod
    def resolve_url(obj: Notice) -> str:
        return obj.get_absolute_url()


class ComplianceOut(Schema):
    unit: str
    count: int = Field(..., description="non-compliant notices in the subtree")
    notices: list[FlaggedNoticeOut] = Field(
        ..., description=f"newest first, at most {COMPLIANCE_LIST_LIMIT}"
    )
    missing_periods: list[str] = Field(
        ..., description='recurring reports due and not published, as "item:period"'
    )


# --- input --------------------------------------------------------------------------------


class NoticeFilter(Schema):
    q: Text | None = Field(
        None, max_length=100, description="title, number, text; accents optional"
    )
    item: int | None = Field(None, ge=1, le=MAX_ITEM_NUMBER, description="Art 11 item number")


class NoticeIn(Schema):
    item: int = Field(..., ge=1, le=MAX_ITEM_NUMBER, description="Art 11 item number")
    title: Text
    body: Text
    document_number: Text = Field("", max_length=80)
    signed_on: dt.date | None = None
    period: Text = Field("", max_length=20, description="2026-Q3, 2026-H1 or 2026")
    responsible_name: Text = Field("", max_length=200)


class NoticePatch(Schema):
    item: int | None = Field(None, ge=1, le=MAX_ITEM_NUMBER, description="Art 11 item number")
    title: Text | None = None
    body: Text | None = None
    document_number: Text | None = Field(None, max_length=80)
    signed_on: dt.date | None = None
    period: Text | None = Field(None, max_length=20)
    responsible_name: Text | None = Field(None, max_length=200)


class PostingIn(Schema):
    place_name: Text = Field(..., max_length=200)
    started_on: dt.date


class TakeDownIn(Schema):
    ended_on: dt.date
    reason: Text = Field("", max_length=2000, description="required before the legal end")


class RepostIn(Schema):
    started_on: dt.date


class AiringIn(Schema):
    aired_at: dt.datetime
    station: Text = Field("", max_length=200)


class ForwardingIn(Schema):
    village: Text = Field(..., max_length=32, description="code of a village of the commune")
    forwarded_on: dt.date


class RelayIn(Schema):
    method: Forwarding.Method
    relayed_on: dt.date
    note: Text = Field("", max_length=300)


# --- access -------------------------------------------------------------------------------


def _caller(request):
    """The bearer token's user; without a token, anonymous (sessions don't count here)."""
    return request.auth if getattr(request.auth, "is_authenticated", False) else AnonymousUser()


def _manages(request, unit: Unit) -> bool:
    """May the caller manage the notices of `unit`? Remembered per request: a list holds
    notices of a handful of units."""
    known = request.__dict__.setdefault("_disclosures_manages", {})
    if unit.pk not in known:
        known[unit.pk] = permissions.can(_caller(request), "disclosures.manage", unit)
    return known[unit.pk]


def _unit(code: str) -> Unit:
    if "\x00" in code:
        raise Http404(_("Không tìm thấy đơn vị."))
    try:
        return get_unit(code)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from None


def _notice(request, notice_id: int) -> Notice:
    code = Notice.objects.filter(pk=notice_id).values_list("unit__code", flat=True).first()
    if code is None:
        raise Http404(_("Không tìm thấy thông báo."))
    return get_notice_for(_caller(request), code, notice_id)


def _posting(request, posting_id: int) -> Posting:
    posting = (
        Posting.objects.select_related("notice__unit", "place__unit").filter(pk=posting_id).first()
    )
    if posting is None:
        raise Http404(_("Không tìm thấy lần niêm yết."))
    get_notice_for(_caller(request), posting.notice.unit.code, posting.notice_id)
    return posting


def _airing(request, airing_id: int) -> Airing:
    airing = Airing.objects.select_related("notice__unit").filter(pk=airing_id).first()
    if airing is None:
        raise Http404(_("Không tìm thấy lần phát thanh."))
    get_notice_for(_caller(request), airing.notice.unit.code, airing.notice_id)
    return airing


def _forwarding(request, forwarding_id: int) -> Forwarding:
    forwarding = (
        Forwarding.objects.select_related("notice__unit", "village")
        .filter(pk=forwarding_id)
        .first()
    )
    if forwarding is None:
        raise Http404(_("Không tìm thấy lần gửi trưởng thôn."))
    get_notice_for(_caller(request), forwarding.notice.unit.code, forwarding.notice_id)
    return forwarding


def _item(number: int | None) -> Art11Item:
    item = Art11Item.objects.filter(number=number, active=True).first()
    if item is None:
        raise ValidationError(
            _(
                "Không có nội dung công khai khoản %(n)s (Điều 11 Luật 10/2022); "
                "xem danh sách tại /api/v1/art11-items."
            ),
            code="bad_item",
            params={"n": number},
        )
    return item


def _documents() -> Prefetch:
    """A notice's own documents; photos proving a posting or an airing are not listed."""
    return Prefetch(
        "attachments",
        queryset=Attachment.objects.filter(posting__isnull=True, airing__isnull=True),
        to_attr="documents",
    )


# --- public -------------------------------------------------------------------------------


@router.get(
    "/art11-items",
    response=list[Art11ItemOut],
    auth=OptionalBearer(),
    summary="The contents a commune must publicize (Law 10/2022 Art 11)",
)
def list_art11_items(request):
    return Art11Item.objects.filter(active=True)


@router.get(
    "/units/{code}/notices",
    response=list[NoticeOut],
    auth=OptionalBearer(),
    summary="Published notices of a unit and of the units above it, newest first",
)
@paginate(Pages, page_size=20)
def list_notices(request, code: str, filters: Query[NoticeFilter]):
    notices = Notice.objects.for_unit_page(_unit(code)).prefetch_related(_documents())
    if filters.q:
        notices = notices.search(filters.q)
    if filters.item:
        notices = notices.filter(item__number=filters.item)
    if _caller(request).is_authenticated:
        notices = notices.with_compliance(timezone.localdate())
    return notices


@router.get(
    "/notices/{notice_id}",
    response=NoticeDetailOut,
    auth=OptionalBearer(),
    summary="One notice (drafts only for officers who manage it)",
)
def get_notice(request, notice_id: int):
    return _notice(request, notice_id)


# --- officers: drafts ---------------------------------------------------------------------


@router.post(
    "/units/{code}/notices",
    response={201: NoticeDetailOut},
    auth=BearerToken(),
    summary="Draft a notice (private until published)",
)
def create_notice(request, code: str, payload: NoticeIn):
    unit = _unit(code)
    # The role first, so a caller without it gets 403 whatever the payload.
    permissions.require(request.auth, "disclosures.manage", unit)
    fields = payload.dict() | {"item": _item(payload.item)}
    return Status(201, services.create_notice(actor=request.auth, unit=unit, **fields))


@router.patch(
    "/notices/{notice_id}",
    response=NoticeDetailOut,
    auth=BearerToken(),
    summary="Edit a draft (only the fields sent)",
)
def update_draft(request, notice_id: int, payload: NoticePatch):
    notice = _notice(request, notice_id)
    permissions.require(request.auth, "disclosures.manage", notice.unit)
    changes = payload.dict(exclude_unset=True)
    if "item" in changes:
        changes["item"] = _item(changes["item"])
    return services.update_draft(actor=request.auth, notice=notice, **changes)


@router.post(
    "/notices/{notice_id}/publish",
    response=NoticeDetailOut,
    auth=BearerToken(),
    summary="Publish a draft",
)
def publish_notice(request, notice_id: int):
    notice = _notice(request, notice_id)
    return services.publish_notice(actor=request.auth, notice=notice)


@router.post(
    "/notices/{notice_id}/attachments",
    response={201: AttachmentOut},
    auth=BearerToken(),
    summary="Attach a PDF or image to a notice (checked by content)",
)
def attach_document(request, notice_id: int, file: File[UploadedFile]):
    notice = _notice(request, notice_id)
    # One byte past the limit is enough for the service to refuse an oversized file.
    data = file.read(settings.DISCLOSURE_ATTACHMENT_MAX_MB * 1024 * 1024 + 1)
    name = (file.name or "").replace("\x00", "")
    attachment = services.attach_document(actor=request.auth, notice=notice, name=name, data=data)
    return Status(201, attachment)


# --- officers: channels -------------------------------------------------------------------


@router.post(
    "/notices/{notice_id}/postings",
    response={201: PostingOut},
    auth=BearerToken(),
    summary="Record a notice put up on a board (Art 12(1)(i))",
)
def add_posting(request, notice_id: int, payload: PostingIn):
    notice = _notice(request, notice_id)
    posting = services.record_posting(
        actor=request.auth,
        notice=notice,
        place_name=payload.place_name,
        started_on=payload.started_on,
    )
    return Status(201, posting)


@router.post(
    "/postings/{posting_id}/take-down",
    response=PostingOut,
    auth=BearerToken(),
    summary="Record a notice taken down (a reason is required before the legal end)",
)
def take_down(request, posting_id: int, payload: TakeDownIn):
    posting = _posting(request, posting_id)
    return services.take_down(
        actor=request.auth, posting=posting, ended_on=payload.ended_on, reason=payload.reason
    )


@router.post(
    "/postings/{posting_id}/repost",
    response={201: PostingOut},
    auth=BearerToken(),
    summary="Put a taken-down notice up again at the same place",
)
def repost(request, posting_id: int, payload: RepostIn):
    posting = _posting(request, posting_id)
    # services.repost checks the dates before record_posting checks the role.
    permissions.require(request.auth, "disclosures.manage", posting.notice.unit)
    new = services.repost(actor=request.auth, posting=posting, started_on=payload.started_on)
    return Status(201, new)


@router.post(
    "/notices/{notice_id}/airings",
    response={201: AiringOut},
    auth=BearerToken(),
    summary="Record an airing on the commune radio (Art 12(1)(iii), 13(3))",
)
def add_airing(request, notice_id: int, payload: AiringIn):
    notice = _notice(request, notice_id)
    airing = services.record_airing(
        actor=request.auth, notice=notice, aired_at=payload.aired_at, station=payload.station
    )
    return Status(201, airing)


def _photo(file: UploadedFile) -> tuple[str, bytes]:
    # One byte past the limit is enough for the service to refuse an oversized file.
    data = file.read(settings.DISCLOSURE_ATTACHMENT_MAX_MB * 1024 * 1024 + 1)
    return (file.name or "").replace("\x00", ""), data


@router.post(
    "/postings/{posting_id}/photos",
    response={201: AttachmentOut},
    auth=BearerToken(),
    summary="Add a photo proving the notice was (still) up (JPG/PNG, checked by content)",
)
def add_posting_photo(request, posting_id: int, file: File[UploadedFile]):
    posting = _posting(request, posting_id)
    name, data = _photo(file)
    attachment = services.add_evidence_photo(
        actor=request.auth, posting=posting, name=name, data=data
    )
    return Status(201, attachment)


@router.post(
    "/airings/{airing_id}/photos",
    response={201: AttachmentOut},
    auth=BearerToken(),
    summary="Add a photo or scan proving an airing (JPG/PNG, checked by content)",
)
def add_airing_photo(request, airing_id: int, file: File[UploadedFile]):
    airing = _airing(request, airing_id)
    name, data = _photo(file)
    attachment = services.add_evidence_photo(
        actor=request.auth, airing=airing, name=name, data=data
    )
    return Status(201, attachment)


@router.post(
    "/notices/{notice_id}/forwardings",
    response={201: ForwardingOut},
    auth=BearerToken(),
    summary="Record the notice sent to a village head (Art 12(1)(iv))",
)
def add_forwarding(request, notice_id: int, payload: ForwardingIn):
    notice = _notice(request, notice_id)
    permissions.require(request.auth, "disclosures.manage", notice.unit)
    forwarding = services.forward_to_village(
        actor=request.auth,
        notice=notice,
        village=get_unit(payload.village),
        forwarded_on=payload.forwarded_on,
    )
    return Status(201, forwarding)


@router.post(
    "/forwardings/{forwarding_id}/relay",
    response=ForwardingOut,
    auth=BearerToken(),
    summary="Record how the village head passed the notice on (Art 13(4))",
)
def relay(request, forwarding_id: int, payload: RelayIn):
    forwarding = _forwarding(request, forwarding_id)
    return services.record_relay(
        actor=request.auth,
        forwarding=forwarding,
        method=str(payload.method),
        relayed_on=payload.relayed_on,
        note=payload.note,
    )


@router.get(
    "/units/{code}/notices/compliance",
    response=ComplianceOut,
    auth=BearerToken(),
    summary="Non-compliant notices of a unit's subtree and missing periodic reports",
)
def compliance_report(request, code: str):
    unit = _unit(code)
    permissions.require(request.auth, "disclosures.manage", unit)
    today = timezone.localdate()
    flagged = (
        Notice.objects.filter(unit__path__startswith=unit.path)
        .non_compliant(today)
        .select_related("unit", "item")
        .order_by("-created_at", "-pk")
    )
    return {
        "unit": unit.code,
        "count": flagged.count(),
        "notices": list(flagged[:COMPLIANCE_LIST_LIMIT]),
        "missing_periods": (
            services.missing_periods(unit, today) if unit.kind == Unit.Kind.COMMUNE else []
        ),
    }
