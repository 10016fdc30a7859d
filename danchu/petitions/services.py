"""Dân kiểm tra: the legal steps of a petition, feedback, complaint or denunciation.

Sources (LAW.md §2.8, R39–R43): Luật Tiếp công dân 2013 (TCD) Art 15, 28; Luật Khiếu nại 2011
(KN) Art 8, 10, 27, 28, 37; Luật Tố cáo 2018 (TC) Art 23, 30. Verified periods are constants
here; UNVERIFIED figures and day kinds are settings (PETITION_*), see docs/petitions.md.

Every step checks the actor through accounts.permissions, validates, writes and records an
audit Event in one transaction, and keeps `due_on` equal to the deadline of the step the item
waits for — the escalation sweep reads nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danchu.accounts import permissions
from danchu.accounts.models import Role, RoleGrant
from danchu.audit.services import record
from danchu.core.errors import ValidationError
from danchu.core.uploads import DOCUMENT_TYPES, check_upload
from danchu.notify.models import Message
from danchu.notify.services import queue_message
from danchu.people.models import PHONE_RE, normalize_phone
from danchu.petitions.models import (
    OPEN_STATUSES,
    Category,
    CodeCounter,
    Petition,
    PetitionFile,
    ReceptionBooking,
    ReceptionDay,
    RemoteArea,
    RoutingRule,
    Step,
)
from danchu.units.models import Unit
from danchu.workdays.services import add_working_days, is_working_day, working_days_between

Kind = Petition.Kind
Status = Petition.Status

# Luật TCD Art 28(1): the receiving officer says within 10 working days whether the item was
# accepted, needs verifying first, refused with reasons, or forwarded.
NOTICE_WORKING_DAYS = 10
# Luật KN Art 27: a first complaint is accepted (or refused with reasons) within 10 days.
COMPLAINT_ACCEPT_DAYS = 10
# Luật KN Art 28 (first complaint) and Art 37 (second complaint): days from acceptance,
# [round][remote area] -> (ordinary, complex).
COMPLAINT_RESOLVE_DAYS = {
    1: {False: (30, 45), True: (45, 60)},
    2: {False: (45, 60), True: (60, 70)},
}
# Luật TC Art 30: 30 days from acceptance; a complex case once +30, a very complex one twice.
DENUNCIATION_RESOLVE_DAYS = 30
DENUNCIATION_EXTENSION_DAYS = 30
DENUNCIATION_MAX_EXTENSIONS = 2
MAX_FILES = 5
# Past this, an entered receipt date is a typing mistake, not an old letter.
MAX_BACKDATE_DAYS = 366
SECRET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 - an alphabet
ANSWERABLE = (Status.ACCEPTED,)
# Identified filers: a complaint needs the complainant's name and address (Luật KN Art 8(2)),
# a denunciation the denouncer's (Luật TC Art 23(1)).
IDENTIFIED_KINDS = (Kind.COMPLAINT, Kind.DENUNCIATION)


# --- clocks -------------------------------------------------------------------------------


def _add(start: dt.date, days: int, day_kind: str) -> dt.date:
    if day_kind == "working":
        return add_working_days(start, days)
    return start + dt.timedelta(days=days)


def is_remote(commune: Unit) -> bool:
    return RemoteArea.objects.filter(commune=commune).exists()


def notice_due_on(kind: str, received_on: dt.date) -> dt.date:
    """When the filer must hear whether the item was accepted, refused or forwarded."""
    # Luật TCD Art 28(1): 10 working days for every kind received.
    due = add_working_days(received_on, NOTICE_WORKING_DAYS)
    if kind == Kind.COMPLAINT:
        # Luật KN Art 27: 10 days [day kind UNVERIFIED: PETITION_COMPLAINT_DAY_KIND].
        due = min(
            due, _add(received_on, COMPLAINT_ACCEPT_DAYS, settings.PETITION_COMPLAINT_DAY_KIND)
        )
    elif kind == Kind.DENUNCIATION:
        # UNVERIFIED (LAW.md §2.8): PETITION_DENUNCIATION_ACCEPT_DAYS working days.
        due = min(due, add_working_days(received_on, settings.PETITION_DENUNCIATION_ACCEPT_DAYS))
    return due


def resolve_due_on(petition: Petition, accepted_on: dt.date) -> dt.date:
    """The deadline to answer once accepted, for the item's kind, round, area and extensions."""
    if petition.kind == Kind.COMPLAINT:
        # Luật KN Art 28 (first) and Art 37 (second); remote areas get the longer periods.
        ordinary, complex_ = COMPLAINT_RESOLVE_DAYS[petition.complaint_round][
            is_remote(petition.commune)
        ]
        days = complex_ if petition.is_complex else ordinary
        return _add(accepted_on, days, settings.PETITION_COMPLAINT_DAY_KIND)
    if petition.kind == Kind.DENUNCIATION:
        # Luật TC Art 30: 30 days, each extension +30.
        days = DENUNCIATION_RESOLVE_DAYS + DENUNCIATION_EXTENSION_DAYS * petition.extensions
        return _add(accepted_on, days, settings.PETITION_DENUNCIATION_DAY_KIND)
    # Feedback and petitions: the law sets no period; the local one is a setting (ADR 0008).
    return add_working_days(accepted_on, settings.PETITION_FEEDBACK_ANSWER_DAYS)


def state_against_due(petition: Petition, today: dt.date | None = None) -> str:
    """on_time / due_today / overdue while owed; answered_on_time / answered_late after."""
    today = today or timezone.localdate()
    if petition.status == Status.ANSWERED:
        return "answered_late" if petition.answered_late else "answered_on_time"
    if petition.due_on is None:
        return "closed"
    if petition.due_on < today:
        return "overdue"
    if petition.due_on == today:
        return "due_today"
    return "on_time"


# Lazy: read in the language of each request, not the one active at import.
STATE_LABELS = {
    "on_time": gettext_lazy("Trong hạn"),
    "due_today": gettext_lazy("Đến hạn hôm nay"),
    "overdue": gettext_lazy("Quá hạn"),
    "answered_on_time": gettext_lazy("Trả lời đúng hạn"),
    "answered_late": gettext_lazy("Trả lời trễ hạn"),
    "closed": gettext_lazy("Đã kết thúc"),
}


# --- codes and secrets --------------------------------------------------------------------


def _next_number(prefix: str, day: dt.date) -> int:
    """The next number of the day for `prefix`, serialised by the counter row."""
    updated = CodeCounter.objects.filter(prefix=prefix, day=day).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                CodeCounter.objects.create(prefix=prefix, day=day, last=1)
                return 1
        except IntegrityError:
            CodeCounter.objects.filter(prefix=prefix, day=day).update(last=F("last") + 1)
    return CodeCounter.objects.get(prefix=prefix, day=day).last


def new_code(prefix: str, day: dt.date) -> str:
    return f"{prefix}-{day:%Y%m%d}-{_next_number(prefix, day):04d}"


def _secret_hash(code: str, secret: str) -> str:
    normalized = secret.strip().upper().replace("-", "").replace(" ", "")
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{code}:{normalized}".encode(), hashlib.sha256
    ).hexdigest()


def _new_secret() -> str:
    raw = "".join(secrets.choice(SECRET_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def check_secret(petition: Petition, secret: str) -> bool:
    if not petition.secret_hash or not secret:
        return False
    return hmac.compare_digest(petition.secret_hash, _secret_hash(petition.code, secret))


def is_filer(petition: Petition, user=None, secret: str = "") -> bool:
    if secret and check_secret(petition, secret):
        return True
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and petition.filer_id
        and petition.filer_id == user.pk
    )


# --- validation helpers -------------------------------------------------------------------


def commune_of(unit: Unit) -> Unit:
    """The commune that receives what concerns `unit` (the unit itself, or its commune)."""
    if unit.kind == Unit.Kind.COMMUNE:
        return unit
    ancestor_ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    commune = (
        Unit.objects.filter(pk__in=ancestor_ids, kind=Unit.Kind.COMMUNE).order_by("-path").first()
    )
    if commune is None:
        raise ValidationError(
            _("Hãy chọn xã, phường hoặc thôn, tổ dân phố nơi xảy ra sự việc."),
            code="unit_not_local",
        )
    return commune


def accepts_filings(unit: Unit) -> bool:
    """Petitions are filed to a current commune or village; a merged unit's page points to its
    successor instead (file_petition refuses it with the successor's name)."""
    return unit.kind in (Unit.Kind.COMMUNE, Unit.Kind.VILLAGE) and unit.valid_to is None


def _check_unit(unit: Unit) -> Unit:
    if unit.valid_to is not None:
        successor = f" — {unit.successor.name}" if unit.successor_id else ""
        raise ValidationError(
            _("%(unit)s không còn tồn tại%(successor)s."),
            code="unit_gone",
            params={"unit": unit.name, "successor": successor},
        )
    return commune_of(unit)


def get_category(code: str) -> Category:
    category = Category.objects.filter(code=code, active=True).first()
    if category is None:
        raise ValidationError(
            _("Lĩnh vực “%(code)s” không có trong danh mục."),
            code="unknown_category",
            params={"code": str(code)[:60]},
        )
    return category


def _text(value: str, *, field: str, label: str, max_chars: int, required: bool = True) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError(
            _("%(label)s chứa ký tự không hợp lệ."),
            code="bad_text",
            params={"label": label},
        )
    if required and not value:
        raise ValidationError(
            _("Cần nhập %(label)s."),
            code="required",
            params={"label": label, "field": field},
        )
    if len(value) > max_chars:
        raise ValidationError(
            _("%(label)s dài quá %(max)d ký tự."),
            code="too_long",
            params={"label": label, "field": field, "max": max_chars},
        )
    return value


def _coordinate(value, low: int, high: int, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not (low <= number <= high):
        raise ValidationError(
            _("Tọa độ %(name)s không hợp lệ."),
            code="bad_location",
            params={"name": name},
        )
    return number


def _phone(value: str) -> str:
    value = normalize_phone((value or "").strip())
    if value and not PHONE_RE.match(value):
        raise ValidationError(_("Số điện thoại không hợp lệ."), code="bad_phone")
    return value


def _email(value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except Exception as exc:  # noqa: BLE001 - Django's own ValidationError
            raise ValidationError(_("Địa chỉ thư điện tử không hợp lệ."), code="bad_email") from exc
    return value


def _day(value: dt.date | None, *, not_before: dt.date | None = None, what: str) -> dt.date:
    today = timezone.localdate()
    if value is None:
        return today
    if value > today:
        raise ValidationError(
            _("Ngày %(what)s không thể ở tương lai."),
            code="future_date",
            params={"what": what},
        )
    if not_before is not None and value < not_before:
        raise ValidationError(
            _("Ngày %(what)s không thể trước ngày tiếp nhận, thụ lý."),
            code="date_before_receipt",
            params={"what": what},
        )
    if value < today - dt.timedelta(days=MAX_BACKDATE_DAYS):
        raise ValidationError(
            _("Ngày %(what)s quá xa trong quá khứ."),
            code="date_too_old",
            params={"what": what},
        )
    return value


def _check_files(files) -> list:
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationError(
            _("Gửi tối đa %(n)d tệp."),
            code="too_many_files",
            params={"n": MAX_FILES},
        )
    return [
        check_upload(name, data, allowed=DOCUMENT_TYPES, max_mb=settings.PETITION_ATTACHMENT_MAX_MB)
        for name, data in files
    ]


def _store_files(petition: Petition, checked: list, purpose: str) -> None:
    for item in checked:
        stored = PetitionFile(
            petition=petition,
            purpose=purpose,
            name=item.name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
        )
        stored.file.save(item.name, ContentFile(item.data), save=False)
        stored.save()


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


# Steps the filer took: the filer sees them on the status page even when they are not public.
FILER_STEPS = (
    Step.Action.WITHDRAWN,
    Step.Action.RATED,
    Step.Action.FOLLOWUP,
    Step.Action.REOPENED,
)


def visible_steps(petition: Petition, *, officer: bool, filer: bool):
    """The steps a viewer may read: all for officers; the public ones and the filer's own for
    the filer; the public ones for everyone else."""
    if officer:
        return petition.steps.all()
    if filer:
        return petition.steps.filter(Q(public=True) | Q(action__in=FILER_STEPS))
    return petition.steps.filter(public=True)


def _step(petition, action, actor=None, note="", *, public=True, level=None, at=None) -> Step:
    at = at or timezone.now()
    return Step.objects.create(
        petition=petition,
        action=action,
        at=at,
        on=timezone.localdate(at),
        actor=_user(actor),
        note=note,
        public=public,
        level=level,
    )


def _audit(actor, petition: Petition, action: str, **payload) -> None:
    record(
        actor=actor,
        action=f"petitions.{action}",
        obj=petition,
        unit=petition.commune,
        payload={"code": petition.code, "status": petition.status, **payload},
    )


def _tell_filer(petition: Petition, body: str) -> None:
    """A message to the filer through the outbox, if they left a way to reach them."""
    reference = f"petition:{petition.code}"
    if petition.filer_phone:
        queue_message(
            channel=Message.Channel.SMS,
            recipient=petition.filer_phone,
            body=body,
            reference=reference,
        )
    email = petition.filer_email or (petition.filer.email if petition.filer_id else "")
    if email:
        queue_message(
            channel=Message.Channel.EMAIL,
            recipient=email,
            subject=f"{petition.code}",
            body=body,
            reference=reference,
        )


def _status_sentence(petition: Petition) -> str:
    return _("%(code)s: %(status)s. Tra cứu: /p/%(code)s/") % {
        "code": petition.code,
        "status": petition.get_status_display(),
    }


# --- filing -------------------------------------------------------------------------------


@dataclass
class Filed:
    petition: Petition
    secret: str


def _route(petition: Petition) -> None:
    rule = (
        RoutingRule.objects.filter(commune=petition.commune, category=petition.category)
        .select_related("assignee")
        .first()
    )
    if rule is not None:
        petition.assignee = rule.assignee
        petition.department = rule.department


@transaction.atomic
def file_petition(
    *,
    actor,
    kind: str,
    category: Category | str,
    unit: Unit,
    title: str,
    text: str,
    channel: str = Petition.Channel.ONLINE,
    filer_name: str = "",
    filer_phone: str = "",
    filer_email: str = "",
    filer_address: str = "",
    is_public: bool = False,
    address: str = "",
    latitude=None,
    longitude=None,
    files=None,
    received_on: dt.date | None = None,
    complaint_round: int = 1,
    reception: ReceptionBooking | None = None,
) -> Filed:
    """Receive an item. Online filing is open to anyone; other channels are entered by staff."""
    if kind not in Kind.values:
        raise ValidationError(
            _("Loại đơn không hợp lệ."),
            code="unknown_kind",
            params={"kind": str(kind)[:40]},
        )
    if channel not in Petition.Channel.values:
        raise ValidationError(_("Kênh tiếp nhận không hợp lệ."), code="unknown_channel")
    if isinstance(category, str):
        category = get_category(category)
    elif not category.active:
        category = get_category(category.code)
    commune = _check_unit(unit)
    user = _user(actor)
    if reception is not None:
        # Received at the commune chair's reception day (Luật Tiếp công dân Art 15).
        if reception.day.commune_id != commune_of(unit).pk:
            raise ValidationError(
                _("Đăng ký tiếp công dân thuộc xã khác."),
                code="unknown_booking",
            )
        channel = Petition.Channel.RECEPTION
    staff_entry = channel not in (Petition.Channel.ONLINE, Petition.Channel.OPEN311)
    if staff_entry:
        # Entered by staff on behalf of the filer, for a unit they serve.
        permissions.require(actor, "petitions.enter", unit)
    title = _text(title, field="title", label=_("tiêu đề"), max_chars=200)
    text = _text(
        text, field="text", label=_("nội dung"), max_chars=settings.PETITION_TEXT_MAX_CHARS
    )
    filer_name = _text(filer_name, field="name", label=_("họ tên"), max_chars=200, required=False)
    filer_address = _text(
        filer_address, field="filer_address", label=_("địa chỉ"), max_chars=300, required=False
    )
    address = _text(address, field="address", label=_("địa điểm"), max_chars=300, required=False)
    filer_phone = _phone(filer_phone)
    filer_email = _email(filer_email)
    filer = user if (user is not None and not staff_entry) else None
    if filer is not None and not filer_name:
        filer_name = filer.full_name or filer.get_full_name() or ""
    # Luật KN Art 8(2), Luật TC Art 23(1): no anonymous complaints or denunciations.
    # The law names both: a phone number or an account alone is not the filer's address.
    identified = bool(filer_name and filer_address)
    if kind in IDENTIFIED_KINDS and not identified:
        raise ValidationError(
            _(
                "Khiếu nại, tố cáo phải ghi rõ họ tên và địa chỉ của người gửi (Luật Khiếu nại "
                "Điều 8, Luật Tố cáo Điều 23)."
            ),
            code="identity_required",
        )
    if kind == Kind.COMPLAINT and complaint_round not in (1, 2):
        raise ValidationError(
            _("Lần khiếu nại chỉ là 1 hoặc 2."),
            code="bad_round",
        )
    if kind != Kind.COMPLAINT:
        complaint_round = 1
    if kind == Kind.DENUNCIATION:
        # A denunciation is never public, nor is its denouncer (Luật TC Art 47).
        is_public = False

    latitude = _coordinate(latitude, -90, 90, "latitude")
    longitude = _coordinate(longitude, -180, 180, "longitude")
    if (latitude is None) != (longitude is None):
        raise ValidationError(
            _("Cần cả vĩ độ và kinh độ."),
            code="bad_location",
        )
    checked = _check_files(files)
    received_on = _day(received_on if staff_entry else None, what=_("tiếp nhận"))
    petition = Petition(
        code=new_code("PAKN", received_on),
        kind=kind,
        complaint_round=complaint_round,
        category=category,
        unit=unit,
        commune=commune,
        title=title,
        text=text,
        address=address,
        latitude=latitude,
        longitude=longitude,
        channel=channel,
        is_public=bool(is_public),
        filer=filer,
        filer_name=filer_name,
        filer_phone=filer_phone,
        filer_email=filer_email,
        filer_address=filer_address,
        entered_by=user if staff_entry else None,
        reception=reception,
        received_on=received_on,
    )
    secret = _new_secret()
    petition.secret_hash = _secret_hash(petition.code, secret)
    petition.notice_due_on = notice_due_on(kind, received_on)
    petition.due_on = petition.notice_due_on
    _route(petition)
    petition.save()
    _store_files(petition, checked, PetitionFile.Purpose.FILING)
    _step(
        petition,
        Step.Action.FILED,
        actor,
        _("Tiếp nhận qua kênh: %(channel)s") % {"channel": petition.get_channel_display()},
    )
    if petition.assignee_id or petition.department:
        _step(
            petition,
            Step.Action.ASSIGNED,
            actor,
            petition.department or str(petition.assignee),
            public=False,
        )
    # The filer's choice to publish the text is kept in the hash-chained log: consent is
    # explicit, per purpose and provable (PDP Law Art 9; NĐ 356/2025; LAW.md R46).
    _audit(
        actor,
        petition,
        "filed",
        kind=kind,
        channel=channel,
        category=category.code,
        text_public=petition.is_public,
    )
    if petition.assignee_id and petition.assignee.email:
        queue_message(
            channel=Message.Channel.EMAIL,
            recipient=petition.assignee.email,
            subject=_("Đơn mới %(code)s") % {"code": petition.code},
            body=_("%(code)s — %(title)s. Hạn thông báo thụ lý: %(due)s.")
            % {"code": petition.code, "title": title, "due": petition.notice_due_on},
            reference=f"petition:{petition.code}",
        )
    _tell_filer(
        petition,
        _("Đã tiếp nhận %(code)s. Hạn thông báo kết quả xử lý: %(due)s.")
        % {"code": petition.code, "due": petition.notice_due_on.strftime("%d/%m/%Y")},
    )
    return Filed(petition, secret)


# --- officer steps ------------------------------------------------------------------------


def _lock(petition: Petition) -> Petition:
    return Petition.objects.select_for_update().select_related("commune").get(pk=petition.pk)


def _require_status(petition: Petition, allowed, *, message: str, code: str) -> None:
    if petition.status not in allowed:
        raise ValidationError(message, code=code, params={"status": petition.get_status_display()})


def _set_due(petition: Petition, due: dt.date | None) -> None:
    petition.due_on = due
    petition.escalation_level = 0
    petition.escalated_at = None


@transaction.atomic
def mark_verifying(*, actor, petition: Petition, note: str, on: dt.date | None = None) -> Petition:
    """Luật TCD Art 28(1)(b): it needs more time to verify before it can be accepted."""
    petition = _lock(petition)
    permissions.require(actor, "petitions.manage", petition.commune)
    _require_status(
        petition,
        (Status.RECEIVED,),
        message=_("Chỉ đơn mới tiếp nhận mới chuyển sang xác minh (hiện: %(status)s)."),
        code="bad_step",
    )
    note = _text(note, field="note", label=_("lý do cần xác minh"), max_chars=2000)
    on = _day(on, not_before=petition.received_on, what=_("thông báo"))
    petition.status = Status.VERIFYING
    petition.notified_on = on
    _set_due(petition, add_working_days(on, settings.PETITION_VERIFY_DAYS))
    petition.save()
    _step(petition, Step.Action.VERIFYING, actor, note)
    _audit(actor, petition, "verifying")
    _tell_filer(petition, _status_sentence(petition))
    return petition


@transaction.atomic
def accept(
    *, actor, petition: Petition, note: str = "", is_complex: bool = False, on=None
) -> Petition:
    """Thụ lý: Luật TCD Art 28(1)(a); KN Art 27; the resolution clock starts (KN 28, TC 30)."""
    petition = _lock(petition)
    permissions.require(actor, "petitions.manage", petition.commune)
    _require_status(
        petition,
        (Status.RECEIVED, Status.VERIFYING),
        message=_("Không thể thụ lý đơn ở trạng thái “%(status)s”."),
        code="bad_step",
    )
    on = _day(on, not_before=petition.received_on, what=_("thụ lý"))
    note = _text(note, field="note", label=_("ghi chú"), max_chars=2000, required=False)
    petition.status = Status.ACCEPTED
    petition.accepted_on = on
    petition.notified_on = petition.notified_on or on
    petition.is_complex = bool(is_complex) and petition.kind == Kind.COMPLAINT
    petition.resolve_due_on = resolve_due_on(petition, on)
    _set_due(petition, petition.resolve_due_on)
    petition.save()
    _step(petition, Step.Action.ACCEPTED, actor, note)
    _audit(actor, petition, "accepted", resolve_due_on=petition.resolve_due_on)
    _tell_filer(
        petition,
        _("%(code)s đã được thụ lý. Hạn giải quyết: %(due)s.")
        % {"code": petition.code, "due": petition.resolve_due_on.strftime("%d/%m/%Y")},
    )
    return petition


@transaction.atomic
def refuse(*, actor, petition: Petition, reason: str) -> Petition:
    """Luật TCD Art 28(1)(c), KN Art 27: a refusal is in writing with its reasons."""
    petition = _lock(petition)
    permissions.require(actor, "petitions.manage", petition.commune)
    _require_status(
        petition,
        (Status.RECEIVED, Status.VERIFYING),
        message=_("Không thể từ chối đơn ở trạng thái “%(status)s”."),
        code="bad_step",
    )
    reason = _text(reason, field="reason", label=_("lý do không thụ lý"), max_chars=4000)
    petition.status = Status.REFUSED
    petition.refusal_reason = reason
    petition.notified_on = petition.notified_on or timezone.localdate()
    _set_due(petition, None)
    petition.save()
    _step(petition, Step.Action.REFUSED, actor, reason)
    _audit(actor, petition, "refused")
    _tell_filer(petition, _status_sentence(petition) + " " + reason[:300])
    return petition


@transaction.atomic
def forward(
    *,
    actor,
    petition: Petition,
    reason: str,
    to_body: str = "",
    to_commune: Unit | None = None,
) -> Petition:
    """Luật TCD Art 28(1)(d): send it to the competent body, with the reason.

    To another commune in danchu: that commune receives it today and the clocks start again
    there. To a body outside: this commune's clocks stop and the filer is told where it went.
    """
    petition = _lock(petition)
    permissions.require(actor, "petitions.manage", petition.commune)
    _require_status(
        petition,
        OPEN_STATUSES,
        message=_("Không thể chuyển đơn ở trạng thái “%(status)s”."),
        code="bad_step",
    )
    reason = _text(reason, field="reason", label=_("lý do chuyển"), max_chars=2000)
    to_body = _text(to_body, field="to", label=_("nơi nhận"), max_chars=200, required=False)
    if (to_commune is None) == (not to_body):
        raise ValidationError(
            _("Chọn một xã trong hệ thống hoặc ghi tên cơ quan nhận."),
            code="forward_target",
        )
    today = timezone.localdate()
    if to_commune is not None:
        target = _check_unit(to_commune)
        if target.pk != to_commune.pk or target.pk == petition.commune_id:
            raise ValidationError(
                _("Nơi nhận phải là một xã, phường khác."),
                code="forward_target",
            )
        source = petition.commune
        petition.commune = target
        petition.unit = target if not petition.unit.path.startswith(target.path) else petition.unit
        petition.status = Status.RECEIVED
        petition.received_on = today
        petition.notice_due_on = notice_due_on(petition.kind, today)
        petition.notified_on = None
        petition.accepted_on = None
        petition.resolve_due_on = None
        petition.assignee = None
        petition.department = ""
        petition.forwarded_to = target.name
        petition.forward_reason = reason
        _route(petition)
        _set_due(petition, petition.notice_due_on)
        petition.save()
        note = _("Chuyển từ %(source)s đến %(target)s: %(reason)s") % {
            "source": source.name,
            "target": target.name,
            "reason": reason,
        }
        record(
            actor=actor,
            action="petitions.forwarded",
            obj=petition,
            unit=source,
            payload={"code": petition.code, "to": target.code},
        )
    else:
        petition.status = Status.FORWARDED
        petition.forwarded_to = to_body
        petition.forward_reason = reason
        petition.notified_on = petition.notified_on or today
        _set_due(petition, None)
        petition.save()
        note = _("Chuyển đến %(target)s: %(reason)s") % {"target": to_body, "reason": reason}
        _audit(actor, petition, "forwarded", to=to_body)
    _step(petition, Step.Action.FORWARDED, actor, note)
    _tell_filer(petition, _status_sentence(petition) + " → " + petition.forwarded_to)
    return petition


@transaction.atomic
def extend(*, actor, petition: Petition, reason: str) -> Petition:
    """Luật TC Art 30: a denunciation's period may be extended by 30 days, at most twice."""
    petition = _lock(petition)
    permissions.require(actor, "petitions.manage", petition.commune)
    if petition.kind != Kind.DENUNCIATION:
        raise ValidationError(
            _(
                "Chỉ tố cáo mới được gia hạn (Luật Tố cáo Điều 30); khiếu nại phức tạp thì đánh "
                "dấu “vụ việc phức tạp” (Luật Khiếu nại Điều 28)."
            ),
            code="no_extension",
        )
    _require_status(
        petition,
        (Status.ACCEPTED,),
        message=_("Chỉ gia hạn khi đơn đang được giải quyết (hiện: %(status)s)."),
        code="bad_step",
    )
    if petition.extensions >= DENUNCIATION_MAX_EXTENSIONS:
        raise ValidationError(
            _("Đã gia hạn %(n)d lần — tối đa theo Luật Tố cáo Điều 30."),
            code="too_many_extensions",
            params={"n": petition.extensions},
        )
    reason = _text(reason, field="reason", label=_("lý do gia hạn"), max_chars=2000)
    petition.extensions += 1
    petition.resolve_due_on = resolve_due_on(petition, petition.accepted_on)
    _set_due(petition, petition.resolve_due_on)
    petition.save()
    _step(petition, Step.Action.EXTENDED, actor, reason)
    _audit(actor, petition, "extended", extensions=petition.extensions)
    _tell_filer(
        petition,
        _("%(code)s được gia hạn giải quyết đến %(due)s.")
        % {"code": petition.code, "due": petition.resolve_due_on.strftime("%d/%m/%Y")},
    )
    return petition


@transaction.atomic
def mark_complex(*, actor, petition: Petition, reason: str) -> Petition:
    """Luật KN Art 28, 37: a complex complaint has the longer period from its acceptance."""
    petition = _lock(petition)
    permissions.require(actor, "petitions.manage", petition.commune)
    if petition.kind != Kind.COMPLAINT:
        raise ValidationError(
            _("Chỉ khiếu nại mới có thời hạn cho vụ việc phức tạp."),
            code="not_complaint",
        )
    _require_status(
        petition,
        (Status.ACCEPTED,),
        message=_("Chỉ áp dụng khi khiếu nại đang được giải quyết (hiện: %(status)s)."),
        code="bad_step",
    )
    if petition.is_complex:
        raise ValidationError(
            _("Khiếu nại đã được xác định là phức tạp."),
            code="already_complex",
        )
    reason = _text(reason, field="reason", label=_("lý do"), max_chars=2000)
    petition.is_complex = True
    petition.resolve_due_on = resolve_due_on(petition, petition.accepted_on)
    _set_due(petition, petition.resolve_due_on)
    petition.save()
    _step(petition, Step.Action.EXTENDED, actor, reason)
    _audit(actor, petition, "complex")
    return petition


@transaction.atomic
def assign(*, actor, petition: Petition, assignee=None, department: str = "") -> Petition:
    petition = _lock(petition)
    permissions.require(actor, "petitions.manage", petition.commune)
    department = _text(
        department, field="department", label=_("bộ phận"), max_chars=160, required=False
    )
    # The assignee's roles, not their second factor: they are not the one acting now.
    serves = assignee is not None and (
        assignee.is_superuser
        or permissions.roles_on(assignee, petition.commune)
        & permissions.PERMISSIONS["petitions.manage"]
    )
    if assignee is not None and not serves:
        raise ValidationError(
            _("Người được giao không phụ trách xã này."),
            code="bad_assignee",
        )
    petition.assignee = assignee
    petition.department = department
    petition.save(update_fields=["assignee", "department", "updated_at"])
    _step(petition, Step.Action.ASSIGNED, actor, department or str(assignee or ""), public=False)
    _audit(actor, petition, "assigned", assignee=getattr(assignee, "pk", None))
    return petition


@transaction.atomic
def answer(
    *,
    actor,
    petition: Petition,
    text: str,
    public: bool = False,
    files=None,
    on: dt.date | None = None,
) -> Petition:
    """The answer or resolution. Only an accepted item is answered (Luật TCD Art 28(1)(a))."""
    petition = _lock(petition)
    permissions.require(actor, "petitions.manage", petition.commune)
    if petition.status in (Status.RECEIVED, Status.VERIFYING):
        raise ValidationError(
            _("Phải thụ lý trước khi trả lời."),
            code="not_accepted",
        )
    _require_status(
        petition,
        ANSWERABLE,
        message=_("Không thể trả lời đơn ở trạng thái “%(status)s”."),
        code="bad_step",
    )
    text = _text(text, field="text", label=_("nội dung trả lời"), max_chars=20000)
    on = _day(on, not_before=petition.accepted_on, what=_("trả lời"))
    if petition.kind == Kind.DENUNCIATION and public:
        raise ValidationError(
            _("Không công khai nội dung tố cáo."),
            code="denunciation_private",
        )
    checked = _check_files(files)
    petition.status = Status.ANSWERED
    petition.answer = text
    petition.answer_public = bool(public)
    petition.answered_on = on
    petition.answered_late = on > petition.resolve_due_on
    petition.answer_working_days = max(0, working_days_between(petition.received_on, on))
    petition.followup_due_on = on + dt.timedelta(days=settings.PETITION_FOLLOWUP_DAYS)
    petition.followup_sent_at = None
    _set_due(petition, None)
    petition.save()
    _store_files(petition, checked, PetitionFile.Purpose.ANSWER)
    _step(
        petition,
        Step.Action.ANSWERED,
        actor,
        text if public else _("Đã gửi câu trả lời đến người gửi."),
    )
    _audit(actor, petition, "answered", late=petition.answered_late)
    _tell_filer(
        petition,
        _("%(code)s đã có trả lời. Xem và đánh giá tại /p/%(code)s/") % {"code": petition.code},
    )
    return petition


def record_identity_viewed(*, actor, petition: Petition) -> None:
    """Officers reading a filer's name and phone leave a trace (DESIGN: personal data)."""
    with transaction.atomic():
        record(
            actor=actor,
            action="petitions.identity_viewed",
            obj=petition,
            unit=petition.commune,
            payload={"code": petition.code},
        )


# --- the filer's steps --------------------------------------------------------------------


def _require_filer(petition: Petition, user, secret: str) -> None:
    if not is_filer(petition, user, secret):
        raise ValidationError(
            _("Mã bí mật không đúng."),
            code="bad_secret",
        )


@transaction.atomic
def withdraw(*, petition: Petition, reason: str, user=None, secret: str = "", actor=None):
    """Luật KN Art 10: the filer may withdraw at any time. Staff record a written withdrawal."""
    petition = _lock(petition)
    if actor is not None:
        permissions.require(actor, "petitions.manage", petition.commune)
    else:
        _require_filer(petition, user, secret)
        actor = user if getattr(user, "pk", None) else None
    _require_status(
        petition,
        OPEN_STATUSES,
        message=_("Đơn ở trạng thái “%(status)s” không thể rút."),
        code="bad_step",
    )
    reason = _text(reason, field="reason", label=_("lý do rút"), max_chars=2000, required=False)
    petition.status = Status.WITHDRAWN
    petition.withdrawn_on = timezone.localdate()
    petition.withdraw_reason = reason
    _set_due(petition, None)
    petition.save()
    _step(petition, Step.Action.WITHDRAWN, actor, reason, public=False)
    _audit(actor, petition, "withdrawn")
    return petition


@transaction.atomic
def rate(*, petition: Petition, rating: int, fixed: bool | None, user=None, secret: str = ""):
    """The filer rates the answer (1–5) and says whether the problem was fixed."""
    petition = _lock(petition)
    _require_filer(petition, user, secret)
    if petition.status != Status.ANSWERED:
        raise ValidationError(
            _("Chỉ đánh giá khi đã có câu trả lời."),
            code="not_answered",
        )
    if petition.rated_at is not None:
        raise ValidationError(_("Bạn đã đánh giá câu trả lời này."), code="already_rated")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationError(_("Điểm đánh giá từ 1 đến 5."), code="bad_rating")
    petition.rating = rating
    petition.fixed = fixed
    petition.rated_at = timezone.now()
    petition.save(update_fields=["rating", "fixed", "rated_at", "updated_at"])
    _step(petition, Step.Action.RATED, user, f"{rating}/5", public=False)
    _audit(user, petition, "rated", rating=rating, fixed=fixed)
    return petition


@transaction.atomic
def answer_followup(*, petition: Petition, fixed: bool, user=None, secret: str = ""):
    """Four weeks after the answer: is the problem fixed now?"""
    petition = _lock(petition)
    _require_filer(petition, user, secret)
    if petition.status != Status.ANSWERED or petition.followup_due_on is None:
        raise ValidationError(
            _("Chỉ trả lời khi đơn đã có câu trả lời."),
            code="not_answered",
        )
    if timezone.localdate() < petition.followup_due_on:
        raise ValidationError(
            _("Câu hỏi lại được gửi từ ngày %(day)s."),
            code="followup_not_open",
            params={"day": petition.followup_due_on.strftime("%d/%m/%Y")},
        )
    petition.followup_fixed = bool(fixed)
    petition.followup_sent_at = petition.followup_sent_at or timezone.now()
    petition.save(update_fields=["followup_fixed", "followup_sent_at", "updated_at"])
    _step(petition, Step.Action.FOLLOWUP, user, "fixed" if fixed else "not fixed", public=False)
    _audit(user, petition, "followup", fixed=bool(fixed))
    return petition


def can_reopen(petition: Petition, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    bad = (petition.rating is not None and petition.rating <= 2) or petition.fixed is False
    bad = bad or petition.followup_fixed is False
    return (
        petition.status == Status.ANSWERED
        and petition.answered_on is not None
        and bad
        and today <= petition.answered_on + dt.timedelta(days=settings.PETITION_REOPEN_WINDOW_DAYS)
    )


@transaction.atomic
def reopen(*, petition: Petition, reason: str, user=None, secret: str = ""):
    """A bad rating within the window reopens the item with a new resolution period."""
    petition = _lock(petition)
    _require_filer(petition, user, secret)
    if petition.status != Status.ANSWERED:
        raise ValidationError(
            _("Chỉ mở lại đơn đã có câu trả lời."),
            code="not_answered",
        )
    if not can_reopen(petition):
        raise ValidationError(
            _(
                "Chỉ mở lại được trong %(days)d ngày sau khi trả lời và khi bạn đánh giá chưa "
                "hài lòng."
            ),
            code="reopen_closed",
            params={"days": settings.PETITION_REOPEN_WINDOW_DAYS},
        )
    reason = _text(reason, field="reason", label=_("lý do mở lại"), max_chars=2000)
    today = timezone.localdate()
    petition.status = Status.ACCEPTED
    petition.reopened += 1
    petition.accepted_on = today
    petition.resolve_due_on = resolve_due_on(petition, today)
    petition.answered_on = None
    petition.answered_late = None
    petition.answer_working_days = None
    petition.followup_due_on = None
    petition.rating = None
    petition.fixed = None
    petition.rated_at = None
    petition.followup_fixed = None
    _set_due(petition, petition.resolve_due_on)
    petition.save()
    # The filer's own words: shown to the filer and the officers, never on the public page.
    _step(petition, Step.Action.REOPENED, user, reason, public=False)
    _audit(user, petition, "reopened")
    return petition


# --- escalation ---------------------------------------------------------------------------


@dataclass
class SweepResult:
    examined: int = 0
    escalated: int = 0
    followups: int = 0


def _ancestor_ids(unit: Unit) -> list[int]:
    return [int(p) for p in unit.path.strip("/").split("/") if p]


def _recipients(commune: Unit, level: int, assignee=None) -> list:
    """Who is told at each level: the officer, then the commune chair, then the province."""
    grants = RoleGrant.objects.active().select_related("user")
    if level == 1:
        if assignee is not None:
            return [assignee]
        grants = grants.filter(role=Role.COMMUNE_OFFICER, unit_id__in=_ancestor_ids(commune))
    elif level == 2:
        grants = grants.filter(role=Role.COMMUNE_CHAIR, unit_id__in=_ancestor_ids(commune))
    else:
        grants = grants.filter(
            role=Role.STEERING_MEMBER,
            unit_id__in=_ancestor_ids(commune),
            unit__kind=Unit.Kind.PROVINCE,
        )
    return [grant.user for grant in grants]


# Lazy: read in the language of each request, not the one active at import.
LEVEL_LABELS = {
    1: gettext_lazy("cán bộ phụ trách"),
    2: gettext_lazy("Chủ tịch UBND xã"),
    3: gettext_lazy("Ban Chỉ đạo cấp tỉnh"),
}


def level_thresholds(today: dt.date) -> dict[int, dt.date]:
    """The latest due date that has reached each escalation level by `today`.

    Level 1: past due. Level 2: at least PETITION_ESCALATE_CHAIR_AFTER working days past due;
    level 3: at least PETITION_ESCALATE_PROVINCE_AFTER. Working days late grow as the due date
    moves back, so each level is a date bound — and the sweep a range read of one index.
    """
    thresholds = {1: today - dt.timedelta(days=1)}
    for level, days in (
        (2, settings.PETITION_ESCALATE_CHAIR_AFTER),
        (3, settings.PETITION_ESCALATE_PROVINCE_AFTER),
    ):
        day = today - dt.timedelta(days=1)
        while working_days_between(day, today) < days:
            day -= dt.timedelta(days=1)
        thresholds[level] = day
    return thresholds


def target_level(due_on: dt.date, today: dt.date, thresholds=None) -> int:
    """Escalation level an item past `due_on` should have reached by `today`."""
    thresholds = thresholds or level_thresholds(today)
    for level in (3, 2, 1):
        if due_on <= thresholds[level]:
            return level
    return 0


def overdue_queryset(today: dt.date):
    """Owed, past due and not yet at the top: a range read of the partial index."""
    return Petition.objects.filter(due_on__isnull=False, escalation_level__lt=3, due_on__lt=today)


def needing_escalation(today: dt.date, thresholds=None):
    """Only the overdue rows whose level must rise today."""
    thresholds = thresholds or level_thresholds(today)
    need = Q()
    for level, bound in thresholds.items():
        need |= Q(due_on__lte=bound, escalation_level__lt=level)
    return overdue_queryset(today).filter(need)


def sweep(today: dt.date | None = None) -> SweepResult:
    """Escalate what is overdue and ask filers again four weeks after the answer.

    Run daily (`danchu petitions-sweep`); it reads only the rows whose level must rise, and
    running it twice the same day changes nothing. Each officer gets one message per run
    listing their items, not one per item.
    """
    today = today or timezone.localdate()
    result = SweepResult()
    thresholds = level_thresholds(today)
    with transaction.atomic():
        rows = list(
            needing_escalation(today, thresholds)
            .select_for_update(of=("self",))
            .select_related("commune", "assignee")
            .order_by("due_on", "pk")
        )
        result.examined = len(rows)
        now = timezone.now()
        steps: list[Step] = []
        groups: dict[tuple, list[Petition]] = {}
        by_level: dict[int, list[int]] = {}
        late_days: dict[dt.date, int] = {}  # one calendar read per distinct due date
        for petition in rows:
            level = target_level(petition.due_on, today, thresholds)
            if petition.due_on not in late_days:
                late_days[petition.due_on] = max(0, working_days_between(petition.due_on, today))
            for step_level in range(petition.escalation_level + 1, level + 1):
                steps.append(
                    Step(
                        petition=petition,
                        action=Step.Action.ESCALATED,
                        at=now,
                        on=today,
                        note=_("Quá hạn %(due)s (%(days)d ngày làm việc) — báo %(who)s")
                        % {
                            "due": petition.due_on.strftime("%d/%m/%Y"),
                            "days": late_days[petition.due_on],
                            "who": LEVEL_LABELS[step_level],
                        },
                        level=step_level,
                        public=False,
                    )
                )
                assignee = petition.assignee if step_level == 1 else None
                key = (petition.commune_id, step_level, getattr(assignee, "pk", None))
                groups.setdefault(key, []).append(petition)
            by_level.setdefault(level, []).append(petition.pk)
        for level, ids in by_level.items():
            Petition.objects.filter(pk__in=ids).update(escalation_level=level, escalated_at=now)
        Step.objects.bulk_create(steps, batch_size=1000)
        for (_commune_id, level, _assignee_id), items in groups.items():
            _escalate(items, level)
        result.escalated = len(rows)
    result.followups = _followups(today)
    return result


def _escalate(items: list[Petition], level: int) -> None:
    """Tell this level's people about these items (one message each) and record it."""
    commune = items[0].commune
    assignee = items[0].assignee if level == 1 else None
    recipients = [user for user in _recipients(commune, level, assignee) if user.email]
    codes = [petition.code for petition in items]
    record(
        actor=permissions.SYSTEM,
        action="petitions.escalated",
        object_type="petitions.petition",
        object_id=items[0].pk if len(items) == 1 else "",
        unit=commune,
        payload={"level": level, "codes": codes, "recipients": [u.pk for u in recipients]},
    )
    lines = "\n".join(f"{p.code} — {p.title} ({_('hạn')} {p.due_on:%d/%m/%Y})" for p in items[:50])
    more = len(items) - 50
    if more > 0:
        lines += "\n" + _("… và %(n)d đơn khác") % {"n": more}
    for user in recipients:
        queue_message(
            channel=Message.Channel.EMAIL,
            recipient=user.email,
            subject=_("%(n)d đơn quá hạn tại %(commune)s — báo %(who)s")
            % {"n": len(items), "commune": commune.name, "who": LEVEL_LABELS[level]},
            body=lines,
            reference=f"petitions:escalation:{commune.code}:level{level}",
        )


def _followups(today: dt.date) -> int:
    """Four weeks after an answer, ask the filer whether the problem is fixed."""
    with transaction.atomic():
        rows = list(
            Petition.objects.select_for_update()
            .filter(
                followup_due_on__isnull=False,
                followup_sent_at__isnull=True,
                followup_due_on__lte=today,
                status=Status.ANSWERED,
            )
            .order_by("pk")
        )
        now = timezone.now()
        for petition in rows:
            petition.followup_sent_at = now
            _tell_filer(
                petition,
                _(
                    "%(code)s: đã 4 tuần từ khi trả lời — vấn đề đã được khắc phục chưa? "
                    "Trả lời tại /p/%(code)s/"
                )
                % {"code": petition.code},
            )
        Petition.objects.bulk_update(rows, ["followup_sent_at"], batch_size=500)
        Step.objects.bulk_create(
            [
                Step(petition=p, action=Step.Action.FOLLOWUP, at=now, on=today, public=False)
                for p in rows
            ]
        )
    return len(rows)


# --- statistics ---------------------------------------------------------------------------


def in_subtree(unit: Unit):
    """Petitions received by communes in `unit`'s subtree (or by the commune above a village)."""
    if unit.kind == Unit.Kind.VILLAGE:
        return Petition.objects.filter(unit__path__startswith=unit.path)
    return Petition.objects.filter(commune__path__startswith=unit.path)


def statistics(
    unit: Unit,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
    *,
    breakdown: bool = True,
) -> dict:
    """Public figures for items received in [start, end] in `unit`'s subtree.

    One aggregate query for the headline figures; `breakdown` adds two more (by kind and
    by category) for the statistics page.
    """
    today = today or timezone.localdate()
    rows = in_subtree(unit).filter(received_on__gte=start, received_on__lte=end)
    figures = rows.aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(status=Status.ANSWERED)),
        answered_on_time=Count("pk", filter=Q(status=Status.ANSWERED, answered_late=False)),
        answered_late=Count("pk", filter=Q(status=Status.ANSWERED, answered_late=True)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue_open=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
        refused=Count("pk", filter=Q(status=Status.REFUSED)),
        forwarded=Count("pk", filter=Q(status=Status.FORWARDED)),
        withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
        average_working_days=Avg("answer_working_days"),
        rated=Count("pk", filter=Q(rating__isnull=False)),
        average_rating=Avg("rating"),
        satisfied=Count("pk", filter=Q(rating__gte=4)),
        fixed=Count("pk", filter=Q(fixed=True) | Q(followup_fixed=True)),
    )
    answered = figures["answered"]
    figures["on_time_share"] = (figures["answered_on_time"] / answered) if answered else None
    figures["satisfied_share"] = (
        (figures["satisfied"] / figures["rated"]) if figures["rated"] else None
    )
    for key in ("average_working_days", "average_rating"):
        if figures[key] is not None:
            figures[key] = round(float(figures[key]), 1)
    figures["start"], figures["end"] = start, end
    if not breakdown:
        return figures
    figures["by_kind"] = {
        row["kind"]: row["n"] for row in rows.values("kind").annotate(n=Count("pk")).order_by()
    }
    figures["by_category"] = [
        {"code": row["category__code"], "name": row["category__name"], "count": row["n"]}
        for row in rows.values("category__code", "category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__name")
    ]
    return figures


def statistics_by_commune(unit: Unit, start: dt.date, end: dt.date, today=None) -> list[dict]:
    """One row per receiving commune in the subtree: the same figures, in one query."""
    today = today or timezone.localdate()
    rows = (
        in_subtree(unit)
        .filter(received_on__gte=start, received_on__lte=end)
        .values("commune_id", "commune__code", "commune__name")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(status=Status.ANSWERED)),
            answered_on_time=Count("pk", filter=Q(status=Status.ANSWERED, answered_late=False)),
            answered_late=Count("pk", filter=Q(status=Status.ANSWERED, answered_late=True)),
            overdue_open=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
            average_working_days=Avg("answer_working_days"),
            average_rating=Avg("rating"),
        )
        .order_by("commune__name")
    )
    result = []
    for row in rows:
        row["on_time_share"] = (
            row["answered_on_time"] / row["answered"] if row["answered"] else None
        )
        for key in ("average_working_days", "average_rating"):
            if row[key] is not None:
                row[key] = round(float(row[key]), 1)
        result.append(row)
    return result


def rising_categories(unit: Unit, today: dt.date | None = None, window_days: int = 90):
    """Categories whose count in the last window grew by half or more over the window before.

    Flagged only from 3 items up, so one letter does not make a trend.
    """
    today = today or timezone.localdate()
    current_start = today - dt.timedelta(days=window_days - 1)
    previous_start = current_start - dt.timedelta(days=window_days)
    rows = (
        in_subtree(unit)
        .filter(received_on__gte=previous_start, received_on__lte=today)
        .values("category__code", "category__name")
        .annotate(
            current=Count("pk", filter=Q(received_on__gte=current_start)),
            previous=Count("pk", filter=Q(received_on__lt=current_start)),
        )
    )
    rising = [
        {
            "code": row["category__code"],
            "name": row["category__name"],
            "current": row["current"],
            "previous": row["previous"],
        }
        for row in rows
        if row["current"] >= 3
        and row["current"] * 2 >= row["previous"] * 3
        and row["current"] > row["previous"]
    ]
    return sorted(rising, key=lambda r: (-(r["current"] - r["previous"]), r["name"]))


# --- citizen reception --------------------------------------------------------------------


def reception_dates(day: ReceptionDay, start: dt.date, count: int = 4) -> list[dt.date]:
    """The next `count` working dates of a weekly reception day from `start`."""
    dates = []
    current = start + dt.timedelta(days=(day.weekday - start.weekday()) % 7)
    guard = 0
    while len(dates) < count and guard < 60:
        if is_working_day(current):
            dates.append(current)
        current += dt.timedelta(days=7)
        guard += 1
    return dates


@transaction.atomic
def set_reception_day(*, actor, commune: Unit, weekday: int, starts_at, ends_at, place, host):
    """Luật TCD Art 15(2)(d): the commune chair receives citizens at least one day a week."""
    permissions.require(actor, "petitions.manage", commune)
    if commune.kind != Unit.Kind.COMMUNE:
        raise ValidationError(
            _("Lịch tiếp công dân đặt cho xã, phường."),
            code="not_commune",
        )
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValidationError(_("Thứ trong tuần không hợp lệ."), code="bad_day")
    if getattr(starts_at, "tzinfo", None) or getattr(ends_at, "tzinfo", None):
        raise ValidationError(
            _("Giờ tiếp ghi theo giờ địa phương, không kèm múi giờ."),
            code="bad_time",
        )
    if starts_at >= ends_at:
        raise ValidationError(
            _("Giờ kết thúc phải sau giờ bắt đầu."),
            code="bad_time",
        )
    place = _text(place, field="place", label=_("địa điểm"), max_chars=200)
    host = _text(host, field="host", label=_("người tiếp"), max_chars=200)
    day, _created = ReceptionDay.objects.update_or_create(
        commune=commune,
        weekday=weekday,
        active=True,
        defaults={
            "starts_at": starts_at,
            "ends_at": ends_at,
            "place": place,
            "host": host,
            "capacity": settings.PETITION_RECEPTION_CAPACITY,
        },
    )
    record(actor=actor, action="petitions.reception_day", obj=day, unit=commune)
    return day


def find_booking(commune: Unit, code: str) -> ReceptionBooking | None:
    """The booking an item received at the reception day came from (empty code: none)."""
    code = (code or "").strip().upper()
    if not code:
        return None
    booking = ReceptionBooking.objects.filter(code=code, day__commune=commune).first()
    if booking is None:
        raise ValidationError(
            _("Không có đăng ký tiếp công dân mã “%(code)s” tại xã này."),
            code="unknown_booking",
            params={"code": code[:24]},
        )
    return booking


@transaction.atomic
def book_reception(
    *, day: ReceptionDay, on: dt.date, name: str, phone: str, topic: str, user=None
) -> ReceptionBooking:
    day = ReceptionDay.objects.select_for_update().select_related("commune").get(pk=day.pk)
    today = timezone.localdate()
    if not day.active:
        raise ValidationError(_("Lịch này không còn."), code="bad_day")
    if on < today or on.weekday() != day.weekday or not is_working_day(on):
        raise ValidationError(
            _("Ngày %(day)s không có buổi tiếp công dân."),
            code="bad_day",
            params={"day": on.strftime("%d/%m/%Y")},
        )
    if on > today + dt.timedelta(days=60):
        raise ValidationError(_("Chỉ đăng ký trong 60 ngày tới."), code="bad_day")
    name = _text(name, field="name", label=_("họ tên"), max_chars=200)
    phone = _phone(phone)
    if not phone:
        raise ValidationError(_("Cần số điện thoại để xã báo lại."), code="bad_phone")
    topic = _text(topic, field="topic", label=_("nội dung"), max_chars=500)
    taken = ReceptionBooking.objects.filter(day=day, on=on, cancelled=False).count()
    if taken >= day.capacity:
        raise ValidationError(
            _("Buổi tiếp ngày %(day)s đã đủ lượt."),
            code="reception_full",
            params={"day": on.strftime("%d/%m/%Y")},
        )
    booking = ReceptionBooking.objects.create(
        day=day,
        on=on,
        code=new_code("TCD", on),
        name=name,
        phone=phone,
        topic=topic,
        user=user if getattr(user, "pk", None) else None,
    )
    record(
        actor=user,
        action="petitions.reception_booked",
        obj=booking,
        unit=day.commune,
        payload={"code": booking.code, "on": on},
    )
    queue_message(
        channel=Message.Channel.SMS,
        recipient=phone,
        body=_("Đã đăng ký tiếp công dân %(day)s, %(start)s tại %(place)s. Mã: %(code)s")
        % {
            "day": on.strftime("%d/%m/%Y"),
            "start": day.starts_at.strftime("%H:%M"),
            "place": day.place,
            "code": booking.code,
        },
        reference=f"reception:{booking.code}",
    )
    return booking
