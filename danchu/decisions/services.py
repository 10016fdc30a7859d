"""Dân bàn và quyết định: each legal step of a community decision, with its article.

Law 10/2022/QH15 Art 15–23 and NĐ 59/2023/NĐ-CP Art 3–5. The household is the voting
unit (Art 18(2)); the denominator is every household on the roll frozen when the matter
opens (Art 21(1)); procedural votes at a meeting count those present (NĐ 59 Art 3(5)).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts import permissions
from danchu.accounts.permissions import SYSTEM
from danchu.audit.services import record
from danchu.core.errors import ValidationError, first_message
from danchu.core.uploads import DOCUMENT_TYPES, check_upload
from danchu.decisions.models import (
    BallotPrint,
    Choice,
    Form,
    Item,
    Matter,
    MatterDocument,
    MeetingSession,
    Option,
    Participation,
    ProceduralVote,
    RollEntry,
    SecretCount,
    SessionCount,
    VoteConflict,
)
from danchu.people.models import Household
from danchu.units.models import Unit
from danchu.workdays.services import add_working_days

# Art 17(2): items 3, 4 and 5 are decided at a meeting (ballot only as the Art 19(1)(b) fallback).
MEETING_ONLY_ITEMS = {Item.CONVENTION, Item.VILLAGE_HEAD, Item.BOARD_MEMBERS}
# Art 15: items 1 and 2 may be decided commune-wide; the rest within one village.
COMMUNE_WIDE_ITEMS = {Item.CONTRIBUTIONS, Item.FUNDS}
# Art 21(2): who recognises what.
RECOGNISED_BY_COMMITTEE = {Item.CONVENTION, Item.VILLAGE_HEAD}
RECOGNISED_BY_FRONT = {Item.BOARD_MEMBERS}
# Art 21(2); NĐ 59 Art 4(7): 05 working days.
RECOGNITION_WORKING_DAYS = 5
SEND_TO_COMMUNE_WORKING_DAYS = 5
# NĐ 59 Art 3(5): the counting board has 3 to 5 people.
COUNTING_BOARD_SIZE = (3, 5)
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
# Wrong ballot codes tolerated from one address in 15 minutes before it must wait.
BAD_CODE_LIMIT = 30

# Sent inside close_matter's transaction once the result is fixed: matter, result, actor.
matter_closed = Signal()


def more_than_half(votes: int, base: int) -> bool:
    """Strictly more than 50 %: 51 of 100 passes, 50 of 100 fails, 51 of 101 passes."""
    return base > 0 and votes * 2 > base


# --- preparing a matter --------------------------------------------------------------------


@transaction.atomic
def create_matter(
    *,
    actor,
    unit: Unit,
    item: int,
    title: str,
    description: str = "",
    options: list[str] | None = None,
    secret: bool = False,
    kind: str | None = None,
    scattered_dwellings: bool = False,
) -> Matter:
    """Prepare a matter; nothing is public or frozen until it opens.

    Items 4 and 5 are elections by default (candidates are added as options later); a
    dismissal (NĐ 59 Art 9) is an item 4/5 matter of kind "decision", adopted only by its
    first option ("Đồng ý").
    """
    permissions.require(actor, "decisions.manage", unit)
    if item not in Item.values:
        raise ValidationError(
            _("Nội dung %(item)s không thuộc Điều 15 (1–6)."),
            code="bad_item",
            params={"item": item},
        )
    if unit.kind == Unit.Kind.COMMUNE and item not in COMMUNE_WIDE_ITEMS:
        raise ValidationError(
            _(
                "Ở phạm vi xã chỉ quyết định nội dung khoản 1, 2 Điều 15; các nội dung khác do "
                "cộng đồng thôn, tổ dân phố quyết định."
            ),
            code="item_not_commune_wide",
        )
    if unit.kind not in (Unit.Kind.VILLAGE, Unit.Kind.COMMUNE) or not unit.is_current():
        raise ValidationError(
            _("Chỉ thôn, tổ dân phố (hoặc xã với khoản 1, 2) quyết định."), code="bad_unit"
        )
    title = " ".join((title or "").split())
    if not title or len(title) > 300:
        raise ValidationError(_("Tiêu đề phải có, tối đa 300 ký tự."), code="bad_title")
    is_office = item in (Item.VILLAGE_HEAD, Item.BOARD_MEMBERS)
    kind = kind or (Matter.Kind.ELECTION if is_office else Matter.Kind.DECISION)
    if kind not in Matter.Kind.values or (kind == Matter.Kind.ELECTION and not is_office):
        raise ValidationError(_("Chỉ khoản 4, 5 Điều 15 là bầu cử."), code="bad_kind")
    default = [] if kind == Matter.Kind.ELECTION else ["Đồng ý", "Không đồng ý"]
    labels = [" ".join(o.split()) for o in (default if options is None else options) if o.strip()]
    if len(set(labels)) != len(labels) or (kind == Matter.Kind.DECISION and len(labels) < 2):
        raise ValidationError(_("Cần ít nhất hai phương án khác nhau."), code="bad_options")
    matter = Matter.objects.create(
        unit=unit,
        item=item,
        kind=kind,
        title=title,
        description=(description or "").strip(),
        secret=secret,
        scattered_dwellings=scattered_dwellings,
        created_by=_user(actor),
    )
    Option.objects.bulk_create(
        [Option(matter=matter, label=label[:200], position=i) for i, label in enumerate(labels)]
    )
    record(
        actor=actor,
        action="decisions.matter_created",
        obj=matter,
        unit=unit,
        payload={
            "item": item,
            "title": title,
            "options": labels,
            **({"scattered_dwellings": True} if scattered_dwellings else {}),
        },
    )
    return matter


@transaction.atomic
def attach_document(*, actor, matter: Matter, title: str, name: str, data: bytes) -> MatterDocument:
    """Attach a document the households read before deciding (PDF or image, its content
    checked against its name). Allowed while the matter is being prepared or is open; once it
    is counted, what the households decided on stays as it was (a correction is a new
    matter), so nothing is added after the count."""
    permissions.require(actor, "decisions.manage", matter.unit)
    matter = _lock(matter)
    if matter.status == Matter.Status.CLOSED:
        raise ValidationError(
            _("Vấn đề đã kiểm phiếu: không thêm tài liệu được nữa."), code="matter_closed"
        )
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("Hãy nhập tên tài liệu."), code="title_required")
    if len(title) > 200:
        raise ValidationError(_("Tên tài liệu dài quá 200 ký tự."), code="title_too_long")
    checked = check_upload(
        name, data, allowed=DOCUMENT_TYPES, max_mb=settings.DECISIONS_DOCUMENT_MAX_MB
    )
    document = MatterDocument(
        matter=matter,
        title=title,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=_user(actor),
    )
    document.file.save(checked.name, ContentFile(checked.data), save=False)
    document.save()
    record(
        actor=actor,
        action="decisions.document_attached",
        obj=document,
        unit=matter.unit,
        payload={"matter": matter.pk, "title": title, "sha256": checked.sha256},
    )
    return document


@transaction.atomic
def record_agreement(*, actor, matter: Matter, who: str, on: dt.date) -> Matter:
    """The village head's or the Front committee head's agreement (NĐ 59 Art 4(1)(c), Art 5)."""
    matter = _lock(matter)
    if who == "head":
        permissions.require(actor, "decisions.manage", matter.unit)
        matter.head_agreed_on = on
    elif who == "front":
        permissions.require(actor, "decisions.front_agree", matter.unit)
        matter.front_agreed_on = on
    elif who == "community":  # NĐ 59 Art 5(2)(c): the community chose online voting unanimously
        permissions.require(actor, "decisions.manage", matter.unit)
        matter.unanimous_choice_on = on
    elif who == "commune_report":  # NĐ 59 Art 5: reported to UBND and UBMTTQ xã beforehand
        permissions.require(actor, "decisions.manage", matter.unit)
        matter.commune_reported_on = on
    else:
        raise ValidationError(_("Loại thỏa thuận không hợp lệ."), code="bad_agreement")
    matter.save()
    record(
        actor=actor,
        action="decisions.agreement",
        obj=matter,
        unit=matter.unit,
        payload={"who": who, "on": on},
    )
    return matter


def check_form_allowed(matter: Matter, form: str, *, fallback: bool = False) -> None:
    """Which form the law allows for which matter (Law Art 17, 19(1); NĐ 59 Art 4(1), 5)."""
    if form not in Form.values:
        raise ValidationError(_("Hình thức không hợp lệ."), code="bad_form")
    if form == Form.MEETING:
        return
    if form == Form.ONLINE:
        if matter.item != Item.OTHER:
            raise ValidationError(
                _(
                    "Biểu quyết trực tuyến chỉ áp dụng cho công việc tự quản khác (khoản 6 Điều 15) "
                    "— Điều 17 Luật 10/2022, Điều 5 Nghị định 59/2023."
                ),
                code="online_not_allowed",
            )
        missing = [
            label
            for value, label in (
                (matter.head_agreed_on, _("sự đồng ý của Trưởng thôn")),
                (matter.front_agreed_on, _("sự đồng ý của Trưởng ban công tác Mặt trận")),
                (
                    matter.unanimous_choice_on,
                    _("việc cộng đồng thống nhất chọn hình thức trực tuyến"),
                ),
                (matter.commune_reported_on, _("báo cáo UBND và UBMTTQ xã trước khi thực hiện")),
            )
            if value is None
        ]
        if missing:
            raise ValidationError(
                _(
                    "Chưa đủ điều kiện biểu quyết trực tuyến (Điều 5 Nghị định 59/2023): thiếu "
                    "%(missing)s."
                ),
                code="online_conditions",
                params={"missing": "; ".join(missing)},
            )
        return
    # Ballot (phát phiếu lấy ý kiến): only in the three cases of NĐ 59 Art 4(1).
    if fallback:
        return  # Art 4(1)(b): the meeting could not reach the rate.
    if matter.item in MEETING_ONLY_ITEMS:
        raise ValidationError(
            _(
                "Nội dung khoản 3, 4, 5 Điều 15 phải quyết định tại cuộc họp; chỉ phát phiếu khi cuộc "
                "họp không đủ số hộ tham dự — Điều 17, Điều 19 Luật 10/2022."
            ),
            code="meeting_only",
        )
    if matter.unit.kind == Unit.Kind.COMMUNE and matter.item in COMMUNE_WIDE_ITEMS:
        return  # Art 4(1)(a): the commune Chair chooses a ballot for a commune-wide matter.
    if matter.item == Item.OTHER and matter.head_agreed_on and matter.front_agreed_on:
        return  # Art 4(1)(c): village head and Front committee head agree.
    raise ValidationError(
        _(
            "Chỉ phát phiếu lấy ý kiến trong các trường hợp của Điều 4 khoản 1 Nghị định 59/2023: "
            "vấn đề phạm vi xã; cuộc họp không đủ số hộ; hoặc khoản 6 Điều 15 khi Trưởng thôn và "
            "Trưởng ban công tác Mặt trận thống nhất."
        ),
        code="ballot_not_allowed",
    )


def _households_of(unit: Unit):
    return Household.objects.current().in_subtree(unit).filter(village__valid_to__isnull=True)


@transaction.atomic
def open_matter(
    *, actor, matter: Matter, form: str, collection_ends_on: dt.date | None = None
) -> Matter:
    """Open the matter and freeze its roll: every household of the unit now, never changed after."""
    matter = _lock(matter)
    permissions.require(actor, "decisions.manage", matter.unit)
    if matter.status != Matter.Status.DRAFT:
        raise ValidationError(_("Vấn đề này đã được mở."), code="already_open")
    check_form_allowed(matter, form)
    if matter.kind == Matter.Kind.ELECTION:
        _check_election_ready(matter)
    if form != Form.MEETING:
        _check_collection_end(collection_ends_on)
    household_ids = list(_households_of(matter.unit).values_list("pk", flat=True))
    if not household_ids:
        raise ValidationError(
            _("%(unit)s chưa có danh sách hộ gia đình."),
            code="empty_roll",
            params={"unit": matter.unit.name},
        )
    RollEntry.objects.bulk_create(
        [RollEntry(matter=matter, household_id=pk) for pk in household_ids], batch_size=5000
    )
    matter.roll_size = len(household_ids)
    matter.form = form
    matter.status = Matter.Status.OPEN
    matter.opened_at = timezone.now()
    matter.collection_ends_on = collection_ends_on
    matter.save()
    if form != Form.MEETING:
        issue_codes(matter)
    record(
        actor=actor,
        action="decisions.matter_opened",
        obj=matter,
        unit=matter.unit,
        payload={"form": form, "roll_size": matter.roll_size},
    )
    return matter


def _check_election_ready(matter: Matter) -> None:
    """An election opens only with candidates, and a village head election only once its
    preparation under NĐ 59 Art 6 is complete (plan, election team, public announcement)."""
    from danchu.decisions.elections import preparation_missing

    missing = preparation_missing(matter)
    if missing:
        raise ValidationError(
            _("Chưa đủ điều kiện tổ chức bầu (Điều 6 Nghị định 59/2023): thiếu %(missing)s."),
            code="not_prepared",
            params={"missing": "; ".join(missing)},
        )


MAX_COLLECTION_DAYS = 366


def _check_collection_end(day: dt.date | None) -> None:
    if day is None:
        raise ValidationError(
            _("Hãy đặt hạn thu phiếu (kế hoạch phát phiếu, Điều 4 Nghị định 59/2023)."),
            code="collection_end_required",
        )
    if day < timezone.localdate():
        raise ValidationError(_("Hạn thu phiếu không được trước hôm nay."), code="collection_past")
    # The law sets no longest period; a ballot left open for more than a year is a typing
    # error, and a far date would also overflow the working-day clock that follows it.
    if day > timezone.localdate() + dt.timedelta(days=MAX_COLLECTION_DAYS):
        raise ValidationError(
            _("Hạn thu phiếu không được quá %(days)d ngày kể từ hôm nay."),
            code="collection_too_far",
            params={"days": MAX_COLLECTION_DAYS},
        )


# --- ballot codes ---------------------------------------------------------------------------


def ballot_code(matter_id: int, household_id: int) -> str:
    """The one-time code printed on a household's ballot: reproducible, never stored in clear."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"ballot:{matter_id}:{household_id}".encode(), hashlib.sha256
    ).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _i in range(10):
        number, index = divmod(number, 32)
        chars.append(CODE_ALPHABET[index])
    code = "".join(chars)
    return f"{code[:5]}-{code[5:]}"


def normalize_code(raw: str) -> str:
    text = (raw or "").upper().replace(" ", "").replace("-", "")
    text = text.replace("O", "0").replace("I", "1").replace("L", "1")
    return f"{text[:5]}-{text[5:]}" if len(text) == 10 else text


def code_hash(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def issue_codes(matter: Matter, *, only_not_participated: bool = False) -> int:
    """Give every household on the roll (or those that have not taken part) a ballot code."""
    entries = RollEntry.objects.filter(matter=matter)
    if only_not_participated:
        entries = entries.exclude(
            household_id__in=Participation.objects.filter(matter=matter).values("household_id")
        )
    entries = list(entries)
    for entry in entries:
        entry.code_hash = code_hash(ballot_code(matter.pk, entry.household_id))
    RollEntry.objects.bulk_update(entries, ["code_hash"], batch_size=5000)
    return len(entries)


# --- printed ballots (NĐ 59 Art 4: one ballot per household, with its one-time code) ----------

# Where the built ballots are stored: a random name under a private folder of the media storage.
BALLOTS_DIR = "private/ballots"
# A build still pending or running after this long is taken as lost (the worker stopped).
BALLOTS_BUILD_TIMEOUT = dt.timedelta(minutes=30)


def ballots_fingerprint(matter: Matter) -> str:
    """What the printed ballots say: the households with a code and their codes, the
    representatives' names, the options, the title, the collection period and the vote page.
    The same fingerprint means the same PDF, so a ready file is never built again."""
    digest = hashlib.sha256()
    options = list(matter.options.values_list("pk", "label", "candidate_id"))
    head = [
        matter.pk,
        matter.unit.name,
        matter.title,
        matter.secret,
        matter.form,
        str(matter.collection_ends_on),
        options,
        settings.SITE_URL,
    ]
    digest.update(json.dumps(head, ensure_ascii=False, default=str).encode())
    rows = (
        RollEntry.objects.filter(matter=matter, code_hash__isnull=False)
        .order_by("household_id")
        .values_list(
            "household_id", "code_hash", "household__code", "household__representative__full_name"
        )
    )
    for row in rows.iterator(chunk_size=5000):
        digest.update(("\n" + "\t".join(str(value or "") for value in row)).encode())
    return digest.hexdigest()


def ballots_with_code(matter: Matter) -> int:
    return RollEntry.objects.filter(matter=matter, code_hash__isnull=False).count()


def ballot_print(matter: Matter) -> BallotPrint | None:
    """The matter's ballots PDF with `current` set: whether it still prints today's roll."""
    found = BallotPrint.objects.filter(matter=matter).first()
    if found is not None:
        found.current = found.fingerprint == ballots_fingerprint(matter)
        found.lost = (
            found.in_progress and timezone.now() - found.requested_at > BALLOTS_BUILD_TIMEOUT
        )
    return found


@transaction.atomic
def request_ballots(*, actor, matter: Matter) -> BallotPrint:
    """Ask the worker to print one ballot per household holding a code (NĐ 59 Art 4). A file
    that is ready, or being built, from the same roll and codes is kept: nothing is rebuilt."""
    matter = _lock(matter)
    permissions.require(actor, "decisions.manage", matter.unit)
    if matter.status != Matter.Status.OPEN:
        raise ValidationError(_("Việc lấy ý kiến không còn mở; không in phiếu."), code="not_open")
    if not ballots_with_code(matter):
        raise ValidationError(
            _(
                "Chưa có hộ nào được cấp mã phiếu cho vấn đề này: phiếu chỉ phát khi lấy ý kiến "
                "bằng phiếu hoặc trực tuyến (Điều 4, 5 Nghị định 59/2023)."
            ),
            code="no_ballots",
        )
    fingerprint = ballots_fingerprint(matter)
    existing = BallotPrint.objects.select_for_update().filter(matter=matter).first()
    now = timezone.now()
    if (
        existing is not None
        and existing.fingerprint == fingerprint
        and (
            existing.status == BallotPrint.Status.READY
            or (existing.in_progress and now - existing.requested_at <= BALLOTS_BUILD_TIMEOUT)
        )
    ):
        return existing
    if existing is None:
        existing = BallotPrint.objects.create(
            matter=matter, fingerprint=fingerprint, requested_by=_user(actor), requested_at=now
        )
    else:
        existing.generation += 1
        existing.status = BallotPrint.Status.PENDING
        existing.fingerprint = fingerprint
        existing.error = ""
        existing.requested_by = _user(actor)
        existing.requested_at = now
        existing.finished_at = None
        existing.save()
    record(
        actor=actor,
        action="decisions.ballots_requested",
        obj=matter,
        unit=matter.unit,
        payload={"generation": existing.generation, "ballots": ballots_with_code(matter)},
    )
    from danchu.decisions.tasks import build_ballots

    print_id, generation = existing.pk, existing.generation
    transaction.on_commit(lambda: build_ballots.enqueue(print_id, generation))
    return existing


def render_ballots(print_id: int, generation: int) -> str:
    """The worker's side: print the ballots and store the file. Safe to run twice: only a
    pending build of the latest generation is claimed, and only the latest is kept."""
    from danchu.decisions import printing

    claimed = BallotPrint.objects.filter(
        pk=print_id, generation=generation, status=BallotPrint.Status.PENDING
    ).update(status=BallotPrint.Status.RUNNING)
    if claimed != 1:
        return "skipped"
    matter = Matter.objects.select_related("unit").get(ballot_print__pk=print_id)
    fingerprint = ballots_fingerprint(matter)
    count = ballots_with_code(matter)
    try:
        pdf = printing.ballots_pdf(matter)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and shown to the officer
        with transaction.atomic():
            failed = BallotPrint.objects.filter(pk=print_id, generation=generation).update(
                status=BallotPrint.Status.FAILED,
                error=f"{type(exc).__name__}: {exc}"[:2000],
                finished_at=timezone.now(),
            )
            if failed:
                record(
                    actor=SYSTEM,
                    action="decisions.ballots_failed",
                    obj=matter,
                    unit=matter.unit,
                    payload={"generation": generation, "error": type(exc).__name__},
                )
        return "failed"
    name = default_storage.save(
        f"{BALLOTS_DIR}/{matter.pk}/{secrets.token_urlsafe(18)}.pdf", ContentFile(pdf)
    )
    with transaction.atomic():
        built = BallotPrint.objects.select_for_update().get(pk=print_id)
        if built.generation != generation:
            transaction.on_commit(lambda: default_storage.delete(name))
            return "superseded"
        old = built.file.name
        built.file.name = name
        built.status = BallotPrint.Status.READY
        built.fingerprint = fingerprint
        built.ballots = count
        built.finished_at = timezone.now()
        built.save()
        record(
            actor=SYSTEM,
            action="decisions.ballots_built",
            obj=matter,
            unit=matter.unit,
            payload={"generation": generation, "ballots": count, "bytes": len(pdf)},
        )
        if old and old != name:
            transaction.on_commit(lambda: default_storage.delete(old))
    return "ready"


@transaction.atomic
def download_ballots(*, actor, matter: Matter) -> BallotPrint:
    """The printed ballots hold one-time codes, secrets that cast a household's vote: only
    those who manage the matter may take them, and each download is recorded."""
    permissions.require(actor, "decisions.manage", matter.unit)
    found = ballot_print(matter)
    if found is None or found.status != BallotPrint.Status.READY:
        raise ValidationError(
            _("Phiếu chưa được tạo xong; hãy chờ rồi tải lại trang."), code="ballots_not_ready"
        )
    if not found.current:
        raise ValidationError(
            _(
                "Danh sách hộ hoặc mã phiếu đã thay đổi sau khi tạo tệp; hãy tạo lại phiếu trước "
                "khi in."
            ),
            code="ballots_stale",
        )
    if not default_storage.exists(found.file.name):
        raise ValidationError(
            _("Không còn tệp phiếu đã tạo; hãy tạo lại phiếu."), code="ballots_missing"
        )
    record(
        actor=actor,
        action="decisions.ballots_downloaded",
        obj=matter,
        unit=matter.unit,
        payload={"generation": found.generation, "ballots": found.ballots},
    )
    return found


# --- meetings ---------------------------------------------------------------------------------


@transaction.atomic
def start_session(
    *, actor, matter: Matter, name: str, held_on: dt.date, chair_name: str
) -> MeetingSession:
    """A meeting, or a cluster meeting in a village of 200+ households or of scattered
    dwellings (Art 18(3))."""
    matter = _lock(matter)
    permissions.require(actor, "decisions.manage", matter.unit)
    _require_open(matter)
    if matter.form != Form.MEETING:
        raise ValidationError(_("Vấn đề này không lấy ý kiến bằng cuộc họp."), code="not_meeting")
    existing = matter.sessions.count()
    if existing and matter.roll_size < 200 and not matter.scattered_dwellings:
        # Law Art 18(3): clusters with 200 households or more, or scattered dwellings.
        raise ValidationError(
            _(
                "Chỉ họp theo cụm khi thôn có từ 200 hộ trở lên hoặc dân cư không tập trung "
                "(Điều 18 khoản 3 Luật 10/2022)."
            ),
            code="clusters_not_allowed",
        )
    name = " ".join((name or "").split()) or _("Cuộc họp toàn thôn")
    chair_name = " ".join((chair_name or "").split())
    if not chair_name:
        raise ValidationError(_("Hãy ghi người chủ trì."), code="chair_required")
    if MeetingSession.objects.filter(matter=matter, name=name).exists():
        raise ValidationError(
            _("Đã có cuộc họp tên “%(name)s”."), code="duplicate_session", params={"name": name}
        )
    try:
        with transaction.atomic():
            session = MeetingSession.objects.create(
                matter=matter, name=name[:120], held_on=held_on, chair_name=chair_name[:200]
            )
    except IntegrityError:  # the same name started at the same moment by another request
        raise ValidationError(
            _("Đã có cuộc họp tên “%(name)s”."), code="duplicate_session", params={"name": name}
        ) from None
    record(
        actor=actor,
        action="decisions.session_started",
        obj=session,
        unit=matter.unit,
        payload={"name": session.name, "held_on": held_on},
    )
    return session


@transaction.atomic
def record_attendance(*, actor, session: MeetingSession, household_ids: list[int]) -> int:
    """Households whose representative is present. A household takes part once (Art 18(2))."""
    session = MeetingSession.objects.select_related("matter__unit").get(pk=session.pk)
    matter = session.matter
    permissions.require(actor, "decisions.manage", matter.unit)
    _require_open(matter)
    if session.counted:
        raise ValidationError(_("Cuộc họp đã kiểm phiếu; không thêm người dự."), code="counted")
    on_roll = set(
        RollEntry.objects.filter(matter=matter, household_id__in=household_ids).values_list(
            "household_id", flat=True
        )
    )
    strangers = sorted(set(household_ids) - on_roll)
    if strangers:
        raise ValidationError(
            _("%(n)d hộ không có trong danh sách của vấn đề này."),
            code="not_on_roll",
            params={"n": len(strangers)},
        )
    taken = set(
        Participation.objects.filter(matter=matter, household_id__in=on_roll).values_list(
            "household_id", flat=True
        )
    )
    new = [pk for pk in household_ids if pk not in taken]
    Participation.objects.bulk_create(
        [
            Participation(
                matter=matter,
                household_id=pk,
                channel=Participation.Channel.MEETING,
                session=session,
                recorded_by=_user(actor),
            )
            for pk in dict.fromkeys(new)
        ]
    )
    record(
        actor=actor,
        action="decisions.attendance",
        obj=session,
        unit=matter.unit,
        payload={"added": len(set(new)), "present": session.attendance.count()},
    )
    return len(set(new))


def present_count(session: MeetingSession) -> int:
    return session.attendance.count()


@transaction.atomic
def record_procedural_vote(
    *, actor, session: MeetingSession, question: str, in_favour: int
) -> ProceduralVote:
    """Secretary, voting method, counting board: adopted by >50 % of those present (NĐ 59 Art 3(5))."""
    session = MeetingSession.objects.select_related("matter__unit").get(pk=session.pk)
    permissions.require(actor, "decisions.manage", session.matter.unit)
    _require_open(session.matter)
    if question not in ProceduralVote.Question.values:
        raise ValidationError(_("Nội dung biểu quyết thủ tục không hợp lệ."), code="bad_question")
    present = present_count(session)
    if not 0 <= in_favour <= present:
        raise ValidationError(
            _("Số hộ tán thành (%(n)d) phải từ 0 đến số hộ có mặt (%(p)d)."),
            code="bad_count",
            params={"n": in_favour, "p": present},
        )
    vote = ProceduralVote.objects.create(
        session=session,
        question=question,
        in_favour=in_favour,
        present=present,
        passed=more_than_half(in_favour, present),
    )
    record(
        actor=actor,
        action="decisions.procedural_vote",
        obj=session,
        unit=session.matter.unit,
        payload={
            "question": question,
            "in_favour": in_favour,
            "present": present,
            "passed": vote.passed,
        },
    )
    return vote


def _approved(session: MeetingSession, question: str) -> bool:
    last = (
        session.procedural_votes.filter(question=question).order_by("-recorded_at", "-pk").first()
    )
    return bool(last and last.passed)


@transaction.atomic
def set_session_details(
    *,
    actor,
    session: MeetingSession,
    secretary_name: str = "",
    method: str = "",
    counting_board: list[str] | None = None,
    minutes: str = "",
) -> MeetingSession:
    """Record what the meeting approved: secretary, method, counting board (NĐ 59 Art 3(5))."""
    session = (
        MeetingSession.objects.select_for_update().select_related("matter__unit").get(pk=session.pk)
    )
    permissions.require(actor, "decisions.manage", session.matter.unit)
    _require_open(session.matter)
    if secretary_name:
        if not _approved(session, ProceduralVote.Question.SECRETARY):
            raise ValidationError(
                _(
                    "Thư ký phải được quá nửa số hộ có mặt tán thành (Điều 3 khoản 5 "
                    "Nghị định 59/2023)."
                ),
                code="secretary_not_approved",
            )
        session.secretary_name = " ".join(secretary_name.split())[:200]
    if method:
        if method not in MeetingSession.Method.values:
            raise ValidationError(_("Cách biểu quyết không hợp lệ."), code="bad_method")
        if not _approved(session, ProceduralVote.Question.METHOD):
            raise ValidationError(
                _(
                    "Cách biểu quyết phải được quá nửa số hộ có mặt tán thành "
                    "(Điều 3 khoản 5 Nghị định 59/2023)."
                ),
                code="method_not_approved",
            )
        if session.matter.secret and method != MeetingSession.Method.SECRET:
            raise ValidationError(_("Vấn đề này biểu quyết kín."), code="must_be_secret")
        session.method = method
    if counting_board is not None:
        names = [" ".join(n.split()) for n in counting_board if n and n.strip()]
        low, high = COUNTING_BOARD_SIZE
        if not low <= len(names) <= high:
            raise ValidationError(
                _(
                    "Ban kiểm phiếu gồm từ 3 đến 5 người (Điều 3 khoản 5 Nghị định "
                    "59/2023); đã nhập %(n)d."
                ),
                code="board_size",
                params={"n": len(names)},
            )
        if not _approved(session, ProceduralVote.Question.COUNTING_BOARD):
            raise ValidationError(
                _("Ban kiểm phiếu phải được quá nửa số hộ có mặt tán thành."),
                code="board_not_approved",
            )
        session.counting_board = names
    if minutes:
        session.minutes = minutes.strip()[:20000]
    session.save()
    record(
        actor=actor,
        action="decisions.session_details",
        obj=session,
        unit=session.matter.unit,
        payload={
            "secretary": session.secretary_name,
            "method": session.method,
            "board": session.counting_board,
        },
    )
    return session


@transaction.atomic
def record_session_counts(
    *, actor, session: MeetingSession, counts: dict[int, int]
) -> MeetingSession:
    """Votes per option at this session: hands counted on the spot, or the counting board's tally."""
    session = (
        MeetingSession.objects.select_for_update().select_related("matter__unit").get(pk=session.pk)
    )
    matter = session.matter
    permissions.require(actor, "decisions.manage", matter.unit)
    _require_open(matter)
    if not session.method:
        raise ValidationError(_("Cuộc họp chưa chọn cách biểu quyết."), code="no_method")
    if session.method == MeetingSession.Method.SECRET and not session.counting_board:
        raise ValidationError(_("Bỏ phiếu kín cần Ban kiểm phiếu."), code="no_board")
    options = {o.pk: o for o in matter.options.all()}
    if set(counts) - set(options):
        raise ValidationError(_("Phương án không tồn tại."), code="bad_option")
    if any(v < 0 for v in counts.values()):
        raise ValidationError(_("Số phiếu không được âm."), code="negative")
    present = present_count(session)
    if sum(counts.values()) > present:
        raise ValidationError(
            _("Tổng số phiếu (%(total)d) vượt số hộ có mặt (%(present)d): mỗi hộ một phiếu."),
            code="more_votes_than_present",
            params={"total": sum(counts.values()), "present": present},
        )
    SessionCount.objects.filter(session=session).delete()
    SessionCount.objects.bulk_create(
        [SessionCount(session=session, option_id=pk, votes=n) for pk, n in counts.items()]
    )
    session.counted = True
    session.save(update_fields=["counted"])
    record(
        actor=actor,
        action="decisions.session_counted",
        obj=session,
        unit=matter.unit,
        payload={"counts": {options[k].label: v for k, v in counts.items()}, "present": present},
    )
    return session


# --- ballots and online votes ------------------------------------------------------------


@dataclass
class CastResult:
    matter: Matter
    option: Option
    channel: str


def check_code_attempts(address: str | None) -> None:
    """Refuse an address that has sent too many wrong codes (codes are guessable only by brute
    force; this makes brute force slow)."""
    from danchu.core.throttle import blocked

    if blocked("ballot-code", address, BAD_CODE_LIMIT):
        raise ValidationError(
            _("Nhập sai mã phiếu quá nhiều lần. Xin thử lại sau 15 phút."), code="too_many_attempts"
        )


def find_entry(code: str, address: str | None = None) -> RollEntry | None:
    """The roll entry a printed code belongs to, or None (counted against the address)."""
    from danchu.core.throttle import count_failure

    check_code_attempts(address)
    entry = (
        RollEntry.objects.select_related("matter__unit", "household")
        .filter(code_hash=code_hash(code))
        .first()
    )
    if entry is None:
        count_failure("ballot-code", address)
    return entry


def cast_with_code(
    *,
    code: str,
    option_id: int,
    channel: str = Participation.Channel.PAPER,
    actor=None,
    address: str | None = None,
) -> CastResult:
    """A household's vote by its one-time ballot code: on paper (entered by an officer) or
    online by the household itself, without an account.

    One household, one vote (Art 18(2)): the database refuses a second Participation; the
    attempt is kept as a VoteConflict for the village head, and the first vote stands.
    """
    entry = find_entry(code, address)
    if entry is None:
        raise ValidationError(
            _("Mã phiếu không đúng. Kiểm tra lại mã in trên phiếu."), code="bad_code"
        )
    matter = entry.matter
    if channel == Participation.Channel.PAPER:
        permissions.require(actor, "decisions.manage", matter.unit)
    # The code was found on the matter's frozen roll: the household is on it.
    return _cast(matter, entry.household, option_id, channel, actor, on_roll=True)


def cast_as_representative(*, user, matter: Matter, option_id: int) -> CastResult:
    """The household's representative votes online while signed in (three taps)."""
    household = representative_household(user, matter)
    return _cast(matter, household, option_id, Participation.Channel.ONLINE, user)


def representative_household(user, matter: Matter) -> Household:
    person = getattr(user, "person", None) if user.is_authenticated else None
    household = None
    if person is not None:
        household = Household.objects.filter(
            representative=person,
            dissolved_on__isnull=True,
            pk__in=RollEntry.objects.filter(matter=matter).values("household_id"),
        ).first()
    if household is None:
        raise ValidationError(
            _(
                "Tài khoản của bạn không phải đại diện một hộ trong danh sách "
                "của vấn đề này. Hãy dùng mã in trên phiếu."
            ),
            code="not_representative",
        )
    return household


def _cast(
    matter: Matter,
    household: Household,
    option_id: int,
    channel: str,
    actor,
    *,
    on_roll: bool = False,
) -> CastResult:
    if matter.status != Matter.Status.OPEN:
        raise ValidationError(_("Việc lấy ý kiến đã kết thúc hoặc chưa bắt đầu."), code="not_open")
    if matter.form == Form.MEETING and not matter.ballot_fallback:
        raise ValidationError(_("Vấn đề này biểu quyết tại cuộc họp."), code="meeting_form")
    if matter.collection_ends_on and timezone.localdate() > matter.collection_ends_on:
        raise ValidationError(
            _("Đã hết hạn thu phiếu (%(day)s)."),
            code="collection_closed",
            params={"day": matter.collection_ends_on.strftime("%d/%m/%Y")},
        )
    if channel == Participation.Channel.ONLINE:
        _check_online_casting(matter)
    option = Option.objects.filter(pk=option_id, matter=matter).first()
    if option is None:
        raise ValidationError(_("Phương án không tồn tại."), code="bad_option")
    if not on_roll and not RollEntry.objects.filter(matter=matter, household=household).exists():
        raise ValidationError(_("Hộ không có trong danh sách của vấn đề này."), code="not_on_roll")
    try:
        with transaction.atomic():
            Participation.objects.create(
                matter=matter, household=household, channel=channel, recorded_by=_user(actor)
            )
            if matter.secret:
                _add_to_secret_count(matter, option)
            else:
                Choice.objects.create(matter=matter, option=option, household=household)
            record(
                actor=actor,
                action="decisions.vote_cast",
                obj=matter,
                unit=matter.unit,
                payload={
                    "channel": channel,
                    **(
                        {}
                        if matter.secret
                        else {"household": household.code, "option": option.label}
                    ),
                },
            )
    except IntegrityError:
        _record_conflict(matter, household, channel, actor)
        raise ValidationError(
            _(
                "Hộ này đã biểu quyết cho vấn đề này; mỗi hộ chỉ một phiếu (Điều 18 Luật "
                "10/2022). Lần này không được tính và đã được ghi lại để Trưởng thôn xem xét."
            ),
            code="already_voted",
        ) from None
    return CastResult(matter=matter, option=option, channel=channel)


def online_casting_refusal(matter: Matter) -> str:
    """Why a household may not vote on `matter` over the internet, or "" if it may.

    A household votes over the internet (with its ballot code, or signed in as its
    representative) only where online voting is lawful: item 6 of Art 15, with the village
    head's and the Front committee head's agreement, the community's unanimous choice and the
    report to the commune beforehand (Law Art 17(2); NĐ 59 Art 5; LAW.md R9). Elsewhere the
    printed ballot is returned on paper and entered by whoever collects it (NĐ 59 Art 4)."""
    try:
        check_form_allowed(matter, Form.ONLINE)
    except ValidationError as exc:
        return _(
            "Vấn đề này không nhận biểu quyết qua mạng: hãy điền phiếu giấy và nộp cho người "
            "thu phiếu. %(reason)s"
        ) % {"reason": first_message(exc)}
    return ""


def _check_online_casting(matter: Matter) -> None:
    refusal = online_casting_refusal(matter)
    if refusal:
        raise ValidationError(refusal, code="online_not_allowed")


def _add_to_secret_count(matter: Matter, option: Option) -> None:
    """One more ballot for `option` in a secret vote's box (see SecretCount): an UPDATE of the
    option's counter, created at the first ballot for it."""
    counter = SecretCount.objects.filter(matter=matter, option=option)
    if counter.update(votes=F("votes") + 1):
        return
    try:
        with transaction.atomic():
            SecretCount.objects.create(matter=matter, option=option, votes=1)
    except IntegrityError:  # another ballot created it first
        counter.update(votes=F("votes") + 1)


def _record_conflict(matter, household, channel, actor) -> None:
    with transaction.atomic():
        first = Participation.objects.filter(matter=matter, household=household).first()
        VoteConflict.objects.create(
            matter=matter,
            household=household,
            first_channel=first.channel if first else channel,
            second_channel=channel,
            recorded_by=_user(actor),
        )
        record(
            actor=actor,
            action="decisions.vote_conflict",
            obj=matter,
            unit=matter.unit,
            payload={"household": household.code, "second_channel": channel},
        )


@transaction.atomic
def review_conflict(*, actor, conflict: VoteConflict, note: str) -> VoteConflict:
    conflict = VoteConflict.objects.select_related("matter__unit").get(pk=conflict.pk)
    permissions.require(actor, "decisions.manage", conflict.matter.unit)
    if not (note or "").strip():
        raise ValidationError(_("Hãy ghi kết quả xem xét."), code="note_required")
    conflict.reviewed_at = timezone.now()
    conflict.review_note = note.strip()[:2000]
    conflict.save(update_fields=["reviewed_at", "review_note"])
    record(
        actor=actor,
        action="decisions.conflict_reviewed",
        obj=conflict.matter,
        unit=conflict.matter.unit,
        payload={"household": conflict.household.code},
    )
    return conflict


# --- counting and the result --------------------------------------------------------------


@dataclass
class Result:
    roll_size: int
    present: int
    participated: int
    votes: dict[int, int] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    adopted: bool = False
    winner_id: int | None = None
    rule: str = ""
    article: str = ""
    attendance_ok: bool | None = None

    def as_dict(self) -> dict:
        return {
            "roll_size": self.roll_size,
            "present": self.present,
            "participated": self.participated,
            "votes": {self.labels[k]: v for k, v in self.votes.items()},
            "adopted": self.adopted,
            "winner": self.labels.get(self.winner_id) if self.winner_id else None,
            "rule": self.rule,
            "article": self.article,
            "attendance_ok": self.attendance_ok,
        }


def tally(matter: Matter) -> Result:
    """Count in SQL: meeting counts plus ballots and online votes, per option."""
    options = list(matter.options.all())
    votes = {o.pk: 0 for o in options}
    for row in (
        SessionCount.objects.filter(session__matter=matter)
        .values("option_id")
        .annotate(n=Sum("votes"))
    ):
        votes[row["option_id"]] += row["n"] or 0
    # COUNT(*) over the (matter, option) and (matter, channel) indexes: the database counts
    # index entries and never reads a row, as a raw GROUP BY would (bench/tally.py).
    for row in Choice.objects.filter(matter=matter).values("option_id").annotate(n=Count("*")):
        votes[row["option_id"]] += row["n"]
    if matter.secret:
        for option_id, n in SecretCount.objects.filter(matter=matter).values_list(
            "option_id", "votes"
        ):
            votes[option_id] += n
    participations = Participation.objects.filter(matter=matter)
    result = Result(
        roll_size=matter.roll_size or 0,
        present=participations.filter(_meeting_q()).count(),
        participated=participations.count(),
        votes=votes,
        labels={o.pk: o.label for o in options},
    )
    _apply_rule(matter, result)
    return result


def _meeting_q():
    from django.db.models import Q

    return Q(channel=Participation.Channel.MEETING)


def _apply_rule(matter: Matter, result: Result) -> None:
    base = result.roll_size
    result.rule = _("Quá 50%% tổng số hộ trong danh sách (%(n)d hộ) tán thành") % {"n": base}
    result.article = "Điều 21 khoản 1 Luật 10/2022/QH15"
    if matter.item == Item.CONVENTION:
        result.article = "Điều 10 Nghị định 61/2023/NĐ-CP"
        # NĐ 61 Art 10: a meeting must be attended by more than 50 % of all households;
        # a ballot is the fallback when it is not.
        result.attendance_ok = matter.ballot_fallback or more_than_half(result.present, base)
    if matter.kind == Matter.Kind.ELECTION and settings.DECISIONS_ELECTION_BASE == "present":
        base = result.present  # only if legal review finds NĐ 59 Art 7 counts those present
        # xgettext:no-python-format
        result.rule = _("Quá 50% số hộ có mặt tán thành")
    if matter.kind == Matter.Kind.ELECTION:
        # The base of the rate is a setting (DANCHU_DECISIONS_ELECTION_BASE; docs/decisions.md).
        result.article = "Điều 7 Nghị định 59/2023/NĐ-CP"
    ordered = list(result.labels)  # options in ballot order
    # A two-option decision ("Đồng ý" / "Không đồng ý") is adopted only by its first option.
    eligible = ordered[:1] if matter.kind == Matter.Kind.DECISION and len(ordered) == 2 else ordered
    winners = [pk for pk in eligible if more_than_half(result.votes[pk], base)]
    result.winner_id = winners[0] if winners else None
    result.adopted = result.winner_id is not None and result.attendance_ok is not False


def meeting_reached_rate(matter: Matter) -> bool:
    """Could the meeting's attendance reach the adoption rate at all (NĐ 59 Art 4(1)(b))?"""
    present = Participation.objects.filter(
        matter=matter, channel=Participation.Channel.MEETING
    ).count()
    return more_than_half(present, matter.roll_size or 0)


@transaction.atomic
def fall_back_to_ballot(*, actor, matter: Matter, collection_ends_on: dt.date) -> int:
    """Too few households attended (Law Art 19(1)(b); NĐ 59 Art 4(1)(b)): ballots go to the
    households that did not attend; those present keep the vote they gave at the meeting."""
    matter = _lock(matter)
    permissions.require(actor, "decisions.manage", matter.unit)
    _require_open(matter)
    if matter.form != Form.MEETING or matter.ballot_fallback:
        raise ValidationError(_("Chỉ chuyển sang phát phiếu từ một cuộc họp."), code="not_meeting")
    if not matter.sessions.exists():
        raise ValidationError(_("Chưa tổ chức cuộc họp."), code="no_meeting")
    if meeting_reached_rate(matter):
        raise ValidationError(
            _(
                "Cuộc họp đã có quá nửa số hộ tham dự: kết quả được quyết định tại cuộc họp, không "
                "phát phiếu (Điều 4 khoản 1 điểm b Nghị định 59/2023)."
            ),
            code="rate_reachable",
        )
    if matter.sessions.filter(counted=False).exists():
        # Those present keep the vote they gave at the meeting (they get no ballot): it must be
        # counted first, or their votes would be left out of the result.
        raise ValidationError(
            _("Kiểm phiếu cuộc họp trước khi phát phiếu cho các hộ vắng mặt."),
            code="sessions_uncounted",
        )
    _check_collection_end(collection_ends_on)
    matter.ballot_fallback = True
    matter.collection_ends_on = collection_ends_on
    matter.save(update_fields=["ballot_fallback", "collection_ends_on"])
    issued = issue_codes(matter, only_not_participated=True)
    record(
        actor=actor,
        action="decisions.ballot_fallback",
        obj=matter,
        unit=matter.unit,
        payload={"ballots": issued, "collection_ends_on": collection_ends_on},
    )
    return issued


@transaction.atomic
def close_matter(*, actor, matter: Matter) -> Result:
    """Close the count and fix the result (Mẫu 02/04 record it)."""
    matter = _lock(matter)
    permissions.require(actor, "decisions.manage", matter.unit)
    _require_open(matter)
    if matter.form == Form.MEETING and not matter.ballot_fallback:
        uncounted = matter.sessions.filter(counted=False).count()
        if not matter.sessions.exists() or uncounted:
            raise ValidationError(_("Còn cuộc họp chưa kiểm phiếu."), code="sessions_uncounted")
    result = tally(matter)
    matter.status = Matter.Status.CLOSED
    matter.closed_at = timezone.now()
    matter.adopted = result.adopted
    matter.winner_id = result.winner_id
    matter.result = result.as_dict()
    matter.save()
    record(
        actor=actor,
        action="decisions.matter_closed",
        obj=matter,
        unit=matter.unit,
        payload=matter.result,
    )
    # Another engine that put this matter to the community moves on in the same transaction
    # (a village convention is adopted or not, NĐ 61 Art 10); if it refuses, nothing closes.
    matter_closed.send(sender=Matter, matter=matter, result=result, actor=actor)
    return result


# --- after the decision: sending and recognition (Art 21(2), 23; NĐ 59 Art 4(7)) ------------


def send_due_on(matter: Matter) -> dt.date | None:
    """NĐ 59 Art 4(7): within 05 working days after the collection period ends."""
    if matter.form == Form.MEETING and not matter.ballot_fallback:
        return None
    if matter.collection_ends_on is None:
        return None
    return add_working_days(matter.collection_ends_on, SEND_TO_COMMUNE_WORKING_DAYS)


def send_late(matter: Matter, today: dt.date | None = None) -> bool:
    """NĐ 59 Art 4(7): the ballot's result reached the commune after its 05 working days, or
    has not reached it and the days are over."""
    due = send_due_on(matter)
    if due is None or matter.status != Matter.Status.CLOSED or not matter.adopted:
        return False  # only an adopted result is sent (see send_to_commune)
    return (matter.sent_to_commune_on or today or timezone.localdate()) > due


def recogniser(matter: Matter) -> str | None:
    """ "committee" (UBND xã), "front" (UBMTTQ xã), or None when effective on adoption."""
    if matter.item in RECOGNISED_BY_COMMITTEE:
        return "committee"
    if matter.item in RECOGNISED_BY_FRONT:
        return "front"
    if matter.item in COMMUNE_WIDE_ITEMS and matter.unit.kind == Unit.Kind.COMMUNE:
        return "committee"
    return None


def recognition_due_on(matter: Matter) -> dt.date | None:
    """Law Art 21(2): 05 working days from receipt."""
    if matter.received_on is None:
        return None
    return add_working_days(matter.received_on, RECOGNITION_WORKING_DAYS)


def _require_closed_adopted(matter: Matter) -> None:
    if matter.status != Matter.Status.CLOSED or not matter.adopted:
        raise ValidationError(
            _("Chỉ gửi và công nhận quyết định đã được thông qua."), code="not_adopted"
        )


@transaction.atomic
def send_to_commune(*, actor, matter: Matter, sent_on: dt.date) -> Matter:
    matter = _lock(matter)
    permissions.require(actor, "decisions.manage", matter.unit)
    _require_closed_adopted(matter)
    if sent_on > timezone.localdate():
        raise ValidationError(_("Ngày gửi không được sau hôm nay."), code="date_in_future")
    matter.sent_to_commune_on = sent_on
    matter.save(update_fields=["sent_to_commune_on"])
    record(
        actor=actor,
        action="decisions.sent_to_commune",
        obj=matter,
        unit=matter.unit,
        payload={"sent_on": sent_on, "due": send_due_on(matter)},
    )
    return matter


def _recognising_unit(matter: Matter) -> Unit:
    return matter.unit if matter.unit.kind == Unit.Kind.COMMUNE else matter.unit.parent


def _recognition_permission(matter: Matter) -> str:
    who = recogniser(matter)
    if who is None:
        raise ValidationError(
            _(
                "Quyết định này có hiệu lực từ ngày cộng đồng thông qua; không cần "
                "công nhận (Điều 21 khoản 2 Luật 10/2022)."
            ),
            code="no_recognition",
        )
    return "decisions.recognise_front" if who == "front" else "decisions.recognise_committee"


def may_recognise(user, matter: Matter) -> bool:
    """Whether `user` is the recognising body of this matter (Art 21(2))."""
    if recogniser(matter) is None:
        return False
    return permissions.can(user, _recognition_permission(matter), _recognising_unit(matter))


@dataclass(frozen=True)
class RecognitionRoute:
    """How the recognition of a matter goes when another engine owns its procedure: a village
    convention is recognised on a complete dossier (NĐ 61 Art 6, R14–R15), which only the
    conventions module checks. `receive(actor=, matter=, received_on=)` and
    `decide(actor=, matter=, recognise=, decided_on=, reason=, decision_number=)` return the
    matter; they record the engine's one recognition record through `record_receipt` and
    `record_recognition`."""

    receive: Callable[..., Matter]
    decide: Callable[..., Matter]


_recognition_routes: list[Callable[[Matter], RecognitionRoute | None]] = []


def register_recognition_route(finder: Callable[[Matter], RecognitionRoute | None]) -> None:
    """An engine tells which matters it owns the recognition of (called once at start-up)."""
    if finder not in _recognition_routes:
        _recognition_routes.append(finder)


def recognition_route(matter: Matter) -> RecognitionRoute | None:
    for finder in _recognition_routes:
        route = finder(matter)
        if route is not None:
            return route
    return None


def receive_for_recognition(*, actor, matter: Matter, received_on: dt.date) -> Matter:
    """The recognising body records receipt: the 05-working-day clock starts (Art 21(2)).
    A matter whose recognition another engine owns (a village convention) goes through it."""
    route = recognition_route(matter)
    if route is not None:
        return route.receive(actor=actor, matter=matter, received_on=received_on)
    return record_receipt(actor=actor, matter=matter, received_on=received_on)


def decide_recognition(
    *,
    actor,
    matter: Matter,
    recognise: bool,
    decided_on: dt.date,
    reason: str = "",
    decision_number: str = "",
) -> Matter:
    """Recognise, or refuse in writing with reasons (Art 21(2)); through the owning engine for
    a matter whose recognition another engine owns (a village convention)."""
    route = recognition_route(matter)
    if route is not None:
        return route.decide(
            actor=actor,
            matter=matter,
            recognise=recognise,
            decided_on=decided_on,
            reason=reason,
            decision_number=decision_number,
        )
    return record_recognition(
        actor=actor,
        matter=matter,
        recognise=recognise,
        decided_on=decided_on,
        reason=reason,
        decision_number=decision_number,
    )


@transaction.atomic
def record_receipt(*, actor, matter: Matter, received_on: dt.date) -> Matter:
    """The recognition record: the day the recognising body received the file (Art 21(2)).
    Called by `receive_for_recognition`, or by the engine that owns the matter's recognition."""
    matter = _lock(matter)
    permissions.require(actor, _recognition_permission(matter), _recognising_unit(matter))
    _require_closed_adopted(matter)
    if matter.received_on:
        raise ValidationError(_("Đã ghi nhận ngày nhận."), code="already_received")
    if received_on > timezone.localdate():
        raise ValidationError(_("Ngày nhận không được sau hôm nay."), code="date_in_future")
    # The file can reach the commune only once the result exists (and after it was sent).
    known = [matter.sent_to_commune_on]
    if matter.closed_at is not None:
        known.append(timezone.localdate(matter.closed_at))
    earliest = max([d for d in known if d is not None], default=dt.date.min)
    if received_on < earliest:
        raise ValidationError(
            _("Ngày nhận không được trước ngày có kết quả hoặc ngày gửi (%(day)s)."),
            code="received_too_early",
            params={"day": earliest.strftime("%d/%m/%Y")},
        )
    matter.received_on = received_on
    matter.save(update_fields=["received_on"])
    record(
        actor=actor,
        action="decisions.received",
        obj=matter,
        unit=matter.unit,
        payload={"received_on": received_on, "due": recognition_due_on(matter)},
    )
    return matter


@transaction.atomic
def record_recognition(
    *,
    actor,
    matter: Matter,
    recognise: bool,
    decided_on: dt.date,
    reason: str = "",
    decision_number: str = "",
) -> Matter:
    """The recognition record: recognised, or refused in writing with reasons (Art 21(2)).
    Until recognised, an elected village head or board member is not in office (NĐ 59
    Art 8). Called by `decide_recognition`, or by the engine that owns the recognition."""
    matter = _lock(matter)
    permissions.require(actor, _recognition_permission(matter), _recognising_unit(matter))
    if matter.received_on is None:
        raise ValidationError(_("Chưa ghi nhận ngày nhận hồ sơ."), code="not_received")
    if matter.recognised_on or matter.refused_on:
        raise ValidationError(_("Đã có quyết định công nhận hoặc từ chối."), code="already_decided")
    if decided_on < matter.received_on or decided_on > timezone.localdate():
        raise ValidationError(
            _("Ngày quyết định phải từ ngày nhận đến hôm nay."), code="bad_decision_date"
        )
    if recognise:
        matter.recognised_on = decided_on
    else:
        if not (reason or "").strip():
            raise ValidationError(
                _(
                    "Từ chối công nhận phải nêu rõ lý do bằng văn bản (Điều 21 "
                    "khoản 2 Luật 10/2022)."
                ),
                code="reason_required",
            )
        matter.refused_on = decided_on
        matter.refusal_reason = reason.strip()
    matter.recognised_by = _user(actor)
    matter.save()
    record(
        actor=actor,
        action="decisions.recognised" if recognise else "decisions.refused",
        obj=matter,
        unit=matter.unit,
        payload={
            "on": decided_on,
            "reason": matter.refusal_reason,
            "decision_number": " ".join((decision_number or "").split())[:50],
            "late": decided_on > recognition_due_on(matter),
        },
    )
    return matter


def overdue_recognitions(commune: Unit, today: dt.date | None = None) -> list[Matter]:
    """Matters received for recognition in the commune whose 05 working days have run out."""
    today = today or timezone.localdate()
    pending = Matter.objects.filter(
        unit__path__startswith=commune.path,
        received_on__isnull=False,
        recognised_on__isnull=True,
        refused_on__isnull=True,
    ).select_related("unit")
    return [m for m in pending if recognition_due_on(m) < today]


def is_effective(matter: Matter) -> bool:
    """Art 21(2): in force from adoption (items 1, 2, 6 in a village) or from recognition."""
    if not matter.adopted:
        return False
    return recogniser(matter) is None or matter.recognised_on is not None


# --- helpers ------------------------------------------------------------------------------------


def _lock(matter: Matter) -> Matter:
    return (
        Matter.objects.select_for_update(of=("self",))
        .select_related("unit__parent")
        .get(pk=matter.pk)
    )


def _require_open(matter: Matter) -> None:
    if matter.status != Matter.Status.OPEN:
        raise ValidationError(_("Vấn đề không ở trạng thái đang lấy ý kiến."), code="not_open")


def _user(actor):
    return actor if getattr(actor, "pk", None) else None
