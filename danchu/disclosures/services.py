"""Dân biết: legal steps of publicizing information (Law 10/2022/QH15 Art 11–14).

Every step checks the actor through accounts.permissions, validates, writes, and records
an audit Event in one transaction. Figures LAW.md marks UNVERIFIED are settings
(DISCLOSURE_*); verified ones are constants here or in models.py with their article.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danchu.accounts import permissions
from danchu.audit.services import record
from danchu.core.errors import ValidationError
from danchu.core.uploads import DOCUMENT_TYPES, IMAGE_TYPES, check_upload
from danchu.disclosures.models import (
    RADIO_MIN_CONSECUTIVE_DAYS,
    Acknowledgment,
    Airing,
    Art11Item,
    Attachment,
    Forwarding,
    Notice,
    Posting,
    PostingPlace,
)
from danchu.units.models import Unit
from danchu.workdays.services import add_working_days

PERIOD_RE = re.compile(r"^(?P<year>20\d\d)(?:-(?P<part>Q[1-4]|H[12]))?$")
EDITABLE_FIELDS = (
    "item",
    "title",
    "body",
    "document_number",
    "signed_on",
    "period",
    "responsible_name",
)


# --- deadlines --------------------------------------------------------------------------


def publish_due_on(signed_on: dt.date | None) -> dt.date | None:
    """Art 12(2) [UNVERIFIED: 02 days, calendar or working days — settings]."""
    if signed_on is None:
        return None
    days = settings.DISCLOSURE_PUBLISH_WITHIN_DAYS
    if settings.DISCLOSURE_PUBLISH_DAY_KIND == "working":
        return add_working_days(signed_on, days)
    return signed_on + dt.timedelta(days=days)


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """ "2026-Q3" -> (1 Jul, 30 Sep); "2026-H1" -> (1 Jan, 30 Jun); "2026" -> the year."""
    match = PERIOD_RE.match(period or "")
    if not match:
        raise ValidationError(
            _(
                "Kỳ “%(period)s” không hợp lệ: dùng dạng 2026-Q1 … 2026-Q4, 2026-H1, 2026-H2 hoặc 2026."
            ),
            code="bad_period",
            params={"period": period},
        )
    year, part = int(match["year"]), match["part"]
    if part is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if part.startswith("H"):
        half = int(part[1])
        return (
            (dt.date(year, 1, 1), dt.date(year, 6, 30))
            if half == 1
            else (dt.date(year, 7, 1), dt.date(year, 12, 31))
        )
    quarter = int(part[1])
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def period_due_on(period: str) -> dt.date | None:
    """Art 11(2) [verified: quarterly, six-monthly, yearly]; the due lag is UNVERIFIED (setting)."""
    if not period:
        return None
    _start, end = period_bounds(period)
    return end + dt.timedelta(days=settings.DISCLOSURE_RECURRING_DUE_DAYS)


def posting_required_until(started_on: dt.date) -> dt.date:
    """Art 13(1) [UNVERIFIED: 30 days]. Counted as the Civil Code counts a period in days
    (BLDS 2015 Art 147: the posting day itself is not counted), so a notice put up on
    1 November must stay up through 1 December. See docs/adr/0004."""
    return started_on + dt.timedelta(days=settings.DISCLOSURE_POSTING_MIN_DAYS)


def has_consecutive_airings(days: set[dt.date]) -> bool:
    """Art 13(3) [verified]: at least 03 consecutive days on the commune radio."""
    return any(
        all(day + dt.timedelta(days=k) in days for k in range(RADIO_MIN_CONSECUTIVE_DAYS))
        for day in days
    )


# --- compliance --------------------------------------------------------------------------

# Lazy: read in the language of each request, not the one active at import.
STATUS_LABELS = {
    "draft": gettext_lazy("Bản nháp"),
    "on_time": gettext_lazy("Đúng hạn"),
    "late": gettext_lazy("Công khai chậm"),
    "period_late": gettext_lazy("Báo cáo định kỳ quá hạn"),
    "taken_down_early": gettext_lazy("Gỡ trước thời hạn"),
    "radio_incomplete": gettext_lazy("Chưa đủ 3 ngày phát thanh liên tục"),
}


def compliance(notice: Notice, today: dt.date | None = None) -> list[str]:
    """The notice's compliance flags, from an annotated notice (NoticeQuerySet.with_compliance)."""
    if not hasattr(notice, "is_late"):
        notice = Notice.objects.with_compliance(today).get(pk=notice.pk)
    flags = [
        flag
        for flag, attribute in (
            ("late", "is_late"),
            ("period_late", "is_period_late"),
            ("taken_down_early", "is_taken_down_early"),
            ("radio_incomplete", "is_radio_incomplete"),
        )
        if getattr(notice, attribute)
    ]
    if flags:
        return flags
    return ["draft"] if notice.status == Notice.Status.DRAFT else ["on_time"]


def missing_periods(unit: Unit, today: dt.date | None = None, years: int = 2) -> list[str]:
    """Recurring periods (budget execution, Art 11(2)) already due with no published notice."""
    today = today or dt.date.today()
    items = list(Art11Item.objects.filter(recurring=True, active=True))
    if not items:
        return []
    published = set(
        Notice.objects.published()
        .filter(unit=unit, item__in=items)
        .values_list("item_id", "period")
    )
    missing = []
    for item in items:
        for year in range(today.year - years + 1, today.year + 1):
            for period in [f"{year}-Q{q}" for q in range(1, 5)] + [
                f"{year}-H1",
                f"{year}-H2",
                str(year),
            ]:
                due = period_due_on(period)
                if (
                    due < today
                    and (item.pk, period) not in published
                    and (unit.valid_from is None or period_bounds(period)[0] >= unit.valid_from)
                ):
                    missing.append(f"{item.number}:{period}")
    return missing


# --- drafts ---------------------------------------------------------------------------


def _check_unit(unit: Unit) -> None:
    if unit.kind not in (Unit.Kind.COMMUNE, Unit.Kind.VILLAGE):
        raise ValidationError(
            _("Chỉ xã, phường hoặc thôn, tổ dân phố đăng thông báo công khai."), code="bad_unit"
        )
    if not unit.is_current():
        raise ValidationError(
            _("%(name)s đã hết hiệu lực."), code="unit_ended", params={"name": unit.name}
        )


def _check_fields(fields: dict) -> dict:
    item = fields.get("item")
    if not isinstance(item, Art11Item) or not item.active:
        raise ValidationError(_("Nội dung công khai (Điều 11) không tồn tại."), code="bad_item")
    title = " ".join((fields.get("title") or "").split())
    if not title:
        raise ValidationError(_("Tiêu đề không được để trống."), code="title_required")
    if len(title) > 300:
        raise ValidationError(_("Tiêu đề dài quá 300 ký tự."), code="title_too_long")
    body = (fields.get("body") or "").strip()
    if not body:
        raise ValidationError(_("Nội dung không được để trống."), code="body_required")
    signed_on = fields.get("signed_on")
    if signed_on and signed_on > timezone.localdate():
        raise ValidationError(_("Ngày ký không được sau hôm nay."), code="signed_in_future")
    if signed_on and signed_on < EARLIEST_DAY:
        raise ValidationError(
            _("Ngày ký không được trước ngày 01/01/2000."), code="signed_too_early"
        )
    period = (fields.get("period") or "").strip().upper()
    if item.recurring and not period:
        raise ValidationError(
            _("Nội dung định kỳ cần ghi kỳ báo cáo (ví dụ 2026-Q3, 2026-H1, 2026)."),
            code="period_required",
        )
    if period:
        period_bounds(period)
    return {
        **fields,
        "title": title,
        "body": body,
        "period": period,
        "document_number": (fields.get("document_number") or "").strip()[:80],
        "responsible_name": " ".join((fields.get("responsible_name") or "").split())[:200],
    }


@transaction.atomic
def create_notice(*, actor, unit: Unit, **fields) -> Notice:
    """A private draft. Nothing is public until publish_notice."""
    permissions.require(actor, "disclosures.manage", unit)
    _check_unit(unit)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Trường không hợp lệ: %(f)s"),
            code="bad_field",
            params={"f": ", ".join(sorted(unknown))},
        )
    data = _check_fields(fields)
    notice = Notice(unit=unit, created_by=_user(actor), **data)
    notice.publish_due_on = publish_due_on(notice.signed_on)
    notice.period_due_on = period_due_on(notice.period)
    notice.save()
    record(
        actor=actor,
        action="disclosures.notice_created",
        obj=notice,
        unit=unit,
        payload={"title": notice.title, "item": notice.item.number},
    )
    return notice


@transaction.atomic
def update_draft(*, actor, notice: Notice, **changes) -> Notice:
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    permissions.require(actor, "disclosures.manage", notice.unit)
    if notice.status != Notice.Status.DRAFT:
        raise ValidationError(
            _("Thông báo đã công khai không sửa được; hãy đăng thông báo đính chính."),
            code="not_draft",
        )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Trường không hợp lệ: %(f)s"),
            code="bad_field",
            params={"f": ", ".join(sorted(unknown))},
        )
    current = {f: getattr(notice, f) for f in EDITABLE_FIELDS}
    data = _check_fields({**current, **changes})
    for field, value in data.items():
        setattr(notice, field, value)
    notice.publish_due_on = publish_due_on(notice.signed_on)
    notice.period_due_on = period_due_on(notice.period)
    notice.save()
    record(
        actor=actor,
        action="disclosures.draft_updated",
        obj=notice,
        unit=notice.unit,
        payload={"fields": sorted(changes)},
    )
    return notice


@transaction.atomic
def attach_document(*, actor, notice: Notice, name: str, data: bytes) -> Attachment:
    """Attach a PDF or image to a draft notice; its content must match its name (checked).
    What was published stays as it was published (photos of a posting or an airing are
    evidence, attached to those records instead)."""
    permissions.require(actor, "disclosures.manage", notice.unit)
    if notice.status != Notice.Status.DRAFT:
        raise ValidationError(
            _("Thông báo đã công khai không thêm tài liệu được; hãy đăng thông báo đính chính."),
            code="not_draft",
        )
    checked = check_upload(
        name, data, allowed=DOCUMENT_TYPES, max_mb=settings.DISCLOSURE_ATTACHMENT_MAX_MB
    )
    return _store(actor, notice, checked)


def _store(actor, notice: Notice, checked, *, posting=None, airing=None) -> Attachment:
    attachment = Attachment(
        notice=notice,
        posting=posting,
        airing=airing,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=_user(actor),
    )
    attachment.file.save(checked.name, ContentFile(checked.data), save=False)
    attachment.save()
    record(
        actor=actor,
        action="disclosures.file_attached",
        obj=attachment,
        unit=notice.unit,
        payload={"notice": notice.pk, "name": checked.name, "sha256": checked.sha256},
    )
    return attachment


@transaction.atomic
def publish_notice(*, actor, notice: Notice) -> Notice:
    """Make the notice public: danchu's own public page is the portal form (Art 12(1)(ii))."""
    notice = Notice.objects.select_for_update().select_related("unit").get(pk=notice.pk)
    permissions.require(actor, "disclosures.manage", notice.unit)
    if notice.status != Notice.Status.DRAFT:
        raise ValidationError(_("Thông báo đã được công khai."), code="already_published")
    now = timezone.now()
    notice.status = Notice.Status.PUBLISHED
    notice.published_at = now
    notice.published_on = timezone.localdate(now)
    notice.published_by = _user(actor)
    notice.save(
        update_fields=[
            "status",
            "published_at",
            "published_on",
            "published_by",
            "search_text",
            "updated_at",
        ]
    )
    record(
        actor=actor,
        action="disclosures.notice_published",
        obj=notice,
        unit=notice.unit,
        payload={"title": notice.title, "due": notice.publish_due_on},
    )
    return notice


# --- channels ---------------------------------------------------------------------------


def _require_published(notice: Notice) -> None:
    if notice.status != Notice.Status.PUBLISHED:
        raise ValidationError(_("Thông báo chưa được công khai."), code="not_published")


# No record of this system predates 2000; an earlier date is a typing error, and one far in
# the past could make a posting look complete before the notice existed.
EARLIEST_DAY = dt.date(2000, 1, 1)


def _not_future(day: dt.date, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(
            _("%(what)s không được sau hôm nay."), code="date_in_future", params={"what": what}
        )
    if day < EARLIEST_DAY:
        raise ValidationError(
            _("%(what)s không được trước ngày 01/01/2000."),
            code="date_too_early",
            params={"what": what},
        )


def get_or_create_place(*, unit: Unit, name: str) -> PostingPlace:
    name = " ".join((name or "").split())[:200]
    if not name:
        raise ValidationError(_("Hãy ghi nơi niêm yết."), code="place_required")
    place, _created = PostingPlace.objects.get_or_create(unit=unit, name=name)
    return place


@transaction.atomic
def record_posting(
    *,
    actor,
    notice: Notice,
    place_name: str,
    started_on: dt.date,
    place_unit: Unit | None = None,
    photo: tuple[str, bytes] | None = None,
) -> Posting:
    """A notice put up on a board (Art 12(1)(i)); the minimum period runs from started_on."""
    permissions.require(actor, "disclosures.manage", notice.unit)
    _require_published(notice)
    place_unit = place_unit or notice.unit
    if not notice.unit.contains(place_unit):
        raise ValidationError(
            _("Nơi niêm yết phải thuộc %(unit)s."),
            code="place_outside",
            params={"unit": notice.unit.name},
        )
    _not_future(started_on, _("Ngày niêm yết"))
    if notice.signed_on and started_on < notice.signed_on:
        raise ValidationError(
            _("Ngày niêm yết không được trước ngày ký văn bản (%(day)s)."),
            code="posting_before_signing",
            params={"day": notice.signed_on.strftime("%d/%m/%Y")},
        )
    place = get_or_create_place(unit=place_unit, name=place_name)
    if Posting.objects.filter(notice=notice, place=place, ended_on__isnull=True).exists():
        raise ValidationError(
            _("Thông báo đang được niêm yết tại %(place)s."),
            code="already_posted",
            params={"place": place.name},
        )
    posting = Posting.objects.create(
        notice=notice,
        place=place,
        started_on=started_on,
        required_until=posting_required_until(started_on),
        recorded_by=_user(actor),
    )
    if photo:
        _store_photo(actor, notice, photo, posting=posting)
    record(
        actor=actor,
        action="disclosures.posted",
        obj=posting,
        unit=notice.unit,
        payload={"notice": notice.pk, "place": place.name, "started_on": started_on},
    )
    return posting


@transaction.atomic
def add_evidence_photo(
    *, actor, name: str, data: bytes, posting: Posting | None = None, airing=None
) -> Attachment:
    """A photo proving a posting stayed up or an airing went out (Art 12(1)), added after the
    record was made — the board photographed on day 30, say. Images only, checked by content."""
    record_ = posting or airing
    if record_ is None or (posting is not None and airing is not None):
        raise ValueError("one of posting or airing")
    notice = record_.notice
    permissions.require(actor, "disclosures.manage", notice.unit)
    attachment = _store_photo(actor, notice, (name, data), posting=posting, airing=airing)
    record(
        actor=actor,
        action="disclosures.evidence_added",
        obj=notice,
        unit=notice.unit,
        payload={
            "posting": posting.pk if posting else None,
            "airing": airing.pk if airing else None,
        },
    )
    return attachment


def _store_photo(actor, notice, photo, **target) -> Attachment:
    name, data = photo
    checked = check_upload(
        name, data, allowed=IMAGE_TYPES, max_mb=settings.DISCLOSURE_ATTACHMENT_MAX_MB
    )
    return _store(actor, notice, checked, **target)


@transaction.atomic
def take_down(*, actor, posting: Posting, ended_on: dt.date, reason: str = "") -> Posting:
    """Record that a notice came down. Before the legal end a reason is required, and the
    notice is flagged "taken down early" until it is posted again there."""
    posting = Posting.objects.select_for_update().select_related("notice__unit").get(pk=posting.pk)
    permissions.require(actor, "disclosures.manage", posting.notice.unit)
    if posting.ended_on is not None:
        raise ValidationError(_("Lần niêm yết này đã được gỡ."), code="already_ended")
    if ended_on < posting.started_on:
        raise ValidationError(
            _("Ngày gỡ không được trước ngày niêm yết (%(day)s)."),
            code="ends_before_start",
            params={"day": posting.started_on.strftime("%d/%m/%Y")},
        )
    _not_future(ended_on, _("Ngày gỡ"))
    reason = (reason or "").strip()
    early = ended_on < posting.required_until
    if early and not reason:
        raise ValidationError(
            _("Gỡ trước %(day)s (chưa đủ %(n)d ngày) phải ghi lý do."),
            code="reason_required",
            params={
                "day": posting.required_until.strftime("%d/%m/%Y"),
                "n": settings.DISCLOSURE_POSTING_MIN_DAYS,
            },
        )
    posting.ended_on = ended_on
    posting.end_reason = reason[:2000]
    posting.save(update_fields=["ended_on", "end_reason"])
    record(
        actor=actor,
        action="disclosures.taken_down",
        obj=posting,
        unit=posting.notice.unit,
        payload={
            "notice": posting.notice_id,
            "ended_on": ended_on,
            "early": early,
            "reason": reason[:500],
        },
    )
    return posting


@transaction.atomic
def repost(*, actor, posting: Posting, started_on: dt.date) -> Posting:
    """Put a taken-down notice up again at the same place; the minimum period restarts."""
    # The role first: a refused person learns nothing of the posting's state from the rules.
    permissions.require(actor, "disclosures.manage", posting.notice.unit)
    if posting.ended_on is None:
        raise ValidationError(_("Thông báo vẫn đang được niêm yết tại đây."), code="still_posted")
    if started_on < posting.ended_on:
        raise ValidationError(
            _("Ngày niêm yết lại không được trước ngày gỡ."), code="repost_before_end"
        )
    return record_posting(
        actor=actor,
        notice=posting.notice,
        place_name=posting.place.name,
        place_unit=posting.place.unit,
        started_on=started_on,
    )


@transaction.atomic
def record_airing(
    *,
    actor,
    notice: Notice,
    aired_at: dt.datetime,
    station: str = "",
    photo: tuple[str, bytes] | None = None,
) -> Airing:
    """One airing on the commune radio or loudspeakers (Art 12(1)(iii), 13(3))."""
    permissions.require(actor, "disclosures.manage", notice.unit)
    _require_published(notice)
    if timezone.is_naive(aired_at):
        aired_at = timezone.make_aware(aired_at)
    # Checked before any conversion: near datetime.min, moving the time to the local zone or
    # to UTC (the database does) overflows. No notice of this system was aired before 2000.
    earliest = timezone.make_aware(dt.datetime(2000, 1, 1))
    if aired_at < earliest:
        raise ValidationError(
            _("Thời điểm phát không được trước năm %(year)d."),
            code="date_too_early",
            params={"year": earliest.year},
        )
    if aired_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(
            _("Thời điểm phát không được sau hiện tại."),
            code="date_in_future",
        )
    aired_on = timezone.localdate(aired_at)
    try:
        with transaction.atomic():
            airing = Airing.objects.create(
                notice=notice,
                aired_at=aired_at,
                aired_on=aired_on,
                day_number=aired_on.toordinal(),
                station=(station or "").strip()[:200],
                recorded_by=_user(actor),
            )
    except IntegrityError:
        raise ValidationError(_("Lần phát này đã được ghi."), code="duplicate_airing") from None
    if photo:
        _store_photo(actor, notice, photo, airing=airing)
    record(
        actor=actor,
        action="disclosures.aired",
        obj=airing,
        unit=notice.unit,
        payload={"notice": notice.pk, "aired_at": aired_at},
    )
    return airing


@transaction.atomic
def forward_to_village(
    *, actor, notice: Notice, village: Unit, forwarded_on: dt.date
) -> Forwarding:
    """The commune sends the notice to a village head (Art 12(1)(iv), 13(4))."""
    permissions.require(actor, "disclosures.manage", notice.unit)
    _require_published(notice)
    if (
        village.kind != Unit.Kind.VILLAGE
        or not notice.unit.contains(village)
        or village == notice.unit
    ):
        raise ValidationError(
            _("%(name)s không phải thôn, tổ dân phố của %(unit)s."),
            code="village_outside",
            params={"name": village.name, "unit": notice.unit.name},
        )
    _not_future(forwarded_on, _("Ngày gửi"))
    forwarding, created = Forwarding.objects.get_or_create(
        notice=notice,
        village=village,
        defaults={"forwarded_on": forwarded_on, "recorded_by": _user(actor)},
    )
    if not created:
        raise ValidationError(
            _("Đã gửi thông báo này cho %(name)s."),
            code="already_forwarded",
            params={"name": village.name},
        )
    record(
        actor=actor,
        action="disclosures.forwarded",
        obj=forwarding,
        unit=village,
        payload={"notice": notice.pk, "forwarded_on": forwarded_on},
    )
    return forwarding


@transaction.atomic
def record_relay(
    *, actor, forwarding: Forwarding, method: str, relayed_on: dt.date, note: str = ""
) -> Forwarding:
    """How the village head passed the notice on (Art 13(4)): meeting, households, SMS, group…"""
    forwarding = (
        Forwarding.objects.select_for_update().select_related("village").get(pk=forwarding.pk)
    )
    permissions.require(actor, "disclosures.relay", forwarding.village)
    if method not in Forwarding.Method.values:
        raise ValidationError(_("Hình thức truyền đạt không hợp lệ."), code="bad_method")
    if relayed_on < forwarding.forwarded_on:
        raise ValidationError(
            _("Ngày truyền đạt không được trước ngày nhận (%(day)s)."),
            code="relay_before_forward",
            params={"day": forwarding.forwarded_on.strftime("%d/%m/%Y")},
        )
    _not_future(relayed_on, _("Ngày truyền đạt"))
    forwarding.relay_method = method
    forwarding.relayed_on = relayed_on
    forwarding.relay_note = (note or "").strip()[:300]
    forwarding.save(update_fields=["relay_method", "relayed_on", "relay_note"])
    record(
        actor=actor,
        action="disclosures.relayed",
        obj=forwarding,
        unit=forwarding.village,
        payload={"method": method, "relayed_on": relayed_on},
    )
    return forwarding


# --- residents -----------------------------------------------------------------------------


def resident_village(user) -> Unit | None:
    """The village a signed-in resident belongs to: their household's, else their grant's."""
    person = getattr(user, "person", None) if user.is_authenticated else None
    if person is not None and person.household_id:
        return person.household.village
    grant = (
        permissions.grants_of(user).filter(unit__kind=Unit.Kind.VILLAGE).first()
        if user.is_authenticated
        else None
    )
    return grant.unit if grant else None


@transaction.atomic
def acknowledge(*, user, notice: Notice) -> tuple[Acknowledgment, bool]:
    """A resident's optional "I have read this" (once per person)."""
    if not user.is_authenticated:
        raise ValidationError(_("Hãy đăng nhập để xác nhận đã đọc."), code="login_required")
    _require_published(notice)
    acknowledgment, created = Acknowledgment.objects.get_or_create(
        notice=notice, user=user, defaults={"village": resident_village(user)}
    )
    if created:
        record(actor=user, action="disclosures.acknowledged", obj=notice, unit=notice.unit)
    return acknowledgment, created


def acknowledgments_by_village(notice: Notice) -> list[dict]:
    from django.db.models import Count

    return list(
        notice.acknowledgments.values("village__name", "village__code")
        .annotate(count=Count("id"))
        .order_by("village__sort_key")
    )


def _user(actor):
    return actor if getattr(actor, "pk", None) else None
