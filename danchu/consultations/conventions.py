"""Hương ước, quy ước: a village convention from its draft to the text in force (NĐ 61/2023/NĐ-CP).

Every version of a convention goes through one cycle:

1. drafted — `create_convention`, or `amend_convention` for a later version;
2. posted for comment for at least 30 days, or the longer period the community set (Art 9(1),
   R13), through a consultation of the Law Art 25–29 engine; every opinion is answered before
   the vote (`post_draft`, `finalise_draft`);
3. decided by the community as an item-3 matter of the decisions engine (Law Art 15(3),
   17(2); NĐ 61 Art 10, R2–R3): the meeting quorum of more than half of all households, the
   adoption by more than half of all households and the ballot fallback are that engine's
   rules — this module only reads `matter.adopted` (`put_to_vote`, `conclude_vote`);
4. the dossier — request (Mẫu 01), minutes (Mẫu 02, from the matter), the adopted text and the
   four signatures of Art 6 — goes to the commune UBND within 05 working days after the
   meeting or the ballot (R14; `submit_dossier`);
5. the commune UBND recognises it, or refuses in writing with reasons, within 05 working days
   of the complete dossier (R15; Law Art 21(2)). The recognition record is the matter's, kept
   by the decisions engine; the convention is in force only from it (`receive_dossier`,
   `decide_recognition`);
6. the text in force is reviewed every year, on 18 November or a day the community chose
   (R16; `record_review`); an amendment starts a new version and a new cycle.

A convention recognised before 16-8-2023 stays valid until amended or replaced (NĐ 61,
transitional provision) and is entered as in force with its recognition date and decision
number (`enter_recognised_convention`).

Periods: the posting period is in calendar days, counted as the Civil Code counts them (the
posting day itself is not counted, ADR 4); the dossier and recognition clocks are working days.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts import permissions
from danchu.audit.services import record
from danchu.consultations import services as consultations
from danchu.consultations.models import (
    Art25Item,
    Channel,
    Consultation,
    Convention,
    ConventionDossier,
    ConventionReview,
    ConventionSignature,
    ConventionVersion,
)
from danchu.core.errors import ValidationError
from danchu.decisions import services as decisions
from danchu.decisions.models import Form, Item, Matter
from danchu.units.models import Unit
from danchu.workdays.services import add_working_days

ARTICLE = "Nghị định 61/2023/NĐ-CP"
# NĐ 61 Art 9(1), R13: the draft stays posted at least 30 days from posting.
POSTING_MIN_DAYS = 30
# R14: the dossier reaches the commune UBND within 05 working days after the meeting or ballot.
DOSSIER_WORKING_DAYS = 5
# R16: the yearly review falls on 18 November (National Great Unity Day) unless chosen otherwise.
DEFAULT_REVIEW_DAY = (11, 18)
# Conventions recognised before NĐ 61 took effect stay valid until amended or replaced.
TRANSITION_DATE = dt.date(2023, 8, 16)
# NĐ 61 is a "matter required by law" of Law Art 25 (item 9).
COMMENT_ITEM = 9
DEFAULT_COMMENT_FORMS = [Channel.BOX, Channel.MEETING, Channel.FRONT]
HOUSEHOLD_SIGNATURES = 2

Stage = ConventionVersion.Stage
# A version in one of these stages is a cycle still running: no second amendment meanwhile.
IN_PROGRESS = {Stage.DRAFT, Stage.POSTED, Stage.VOTING, Stage.ADOPTED, Stage.SUBMITTED}


@dataclass(frozen=True)
class Signature:
    """A signature on the convention: the signer's name and the day they signed."""

    name: str
    signed_on: dt.date | None


# --- small helpers --------------------------------------------------------------------------


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _clean(text: str, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


def _text(text: str) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _not_future(day: dt.date, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(
            _("%(what)s không được sau hôm nay."), code="date_in_future", params={"what": what}
        )


def _village(unit: Unit) -> Unit:
    if unit.kind != Unit.Kind.VILLAGE or not unit.is_current():
        raise ValidationError(
            _("Hương ước, quy ước là của thôn, tổ dân phố đang tồn tại (Điều 2 %(article)s)."),
            code="bad_unit",
            params={"article": ARTICLE},
        )
    return unit


def _lock(version: ConventionVersion) -> ConventionVersion:
    return (
        ConventionVersion.objects.select_for_update(of=("self",))
        .select_related("convention__village__parent", "matter", "consultation")
        .get(pk=version.pk)
    )


def _lock_convention(convention: Convention) -> Convention:
    return (
        Convention.objects.select_for_update(of=("self",))
        .select_related("village__parent")
        .get(pk=convention.pk)
    )


def _require_stage(version: ConventionVersion, *stages: str) -> None:
    if version.stage not in stages:
        raise ValidationError(
            _("Bản %(n)d đang ở bước “%(stage)s”; không thực hiện được thao tác này."),
            code="wrong_stage",
            params={"n": version.number, "stage": version.get_stage_display()},
        )


def _check_title(title: str) -> None:
    if title not in Convention.Title.values:
        raise ValidationError(
            _("Tên gọi là “Hương ước” hoặc “Quy ước” (Điều 6 %(article)s)."),
            code="bad_title",
            params={"article": ARTICLE},
        )


def _check_text(text: str) -> str:
    text = _text(text)
    if not text:
        raise ValidationError(_("Toàn văn không được để trống."), code="empty_text")
    return text


def _check_no_convention(village: Unit) -> None:
    existing = Convention.objects.filter(village=village).first()
    if existing is not None:
        raise ValidationError(
            _("%(village)s đã có %(title)s; mọi thay đổi là một lần sửa đổi của văn bản đó."),
            code="convention_exists",
            params={"village": village.name, "title": existing.get_title_display().lower()},
        )


# --- drafting and amending --------------------------------------------------------------------


@transaction.atomic
def create_convention(*, actor, village: Unit, title: str, text: str, note: str = "") -> Convention:
    """A village's first convention, as a draft (NĐ 61/2023 Art 2, 6: titled "Hương ước" or
    "Quy ước" as the community chooses, written in Vietnamese)."""
    permissions.require(actor, "consultations.manage", village)
    _village(village)
    _check_title(title)
    text = _check_text(text)
    _check_no_convention(village)
    convention = Convention.objects.create(village=village, title=title, created_by=_user(actor))
    version = ConventionVersion.objects.create(
        convention=convention, number=1, text=text, note=_clean(note, 300), created_by=_user(actor)
    )
    record(
        actor=actor,
        action="consultations.convention_created",
        obj=convention,
        unit=village,
        payload={"title": title, "version": version.number},
    )
    return convention


def current_cycle(convention: Convention) -> ConventionVersion | None:
    """The version whose cycle is still running (drafted, posted, voted on, awaiting
    recognition), if any."""
    return convention.versions.filter(stage__in=IN_PROGRESS).order_by("-number").first()


@transaction.atomic
def amend_convention(*, actor, convention: Convention, text: str, note: str) -> ConventionVersion:
    """Amend or replace a convention: a new version that goes through the whole cycle again
    (posting, vote, dossier, recognition). The text in force stays in force until the new
    version is recognised. Also used to start again after a draft was not adopted or refused."""
    convention = _lock_convention(convention)
    permissions.require(actor, "consultations.manage", convention.village)
    running = current_cycle(convention)
    if running is not None:
        raise ValidationError(
            _(
                "Bản %(n)d đang trong quá trình xây dựng, thông qua hoặc công nhận; hoàn tất hoặc "
                "rút bản đó trước khi sửa đổi tiếp."
            ),
            code="cycle_in_progress",
            params={"n": running.number},
        )
    text = _check_text(text)
    note = _clean(note, 300)
    if not note:
        raise ValidationError(
            _("Hãy ghi nội dung sửa đổi, bổ sung và lý do."), code="note_required"
        )
    base = version_in_force(convention) or convention.versions.order_by("-number").first()
    if base is not None and base.text == text:
        raise ValidationError(
            _("Toàn văn giống hệt bản %(n)d; không có gì để sửa đổi."),
            code="no_change",
            params={"n": base.number},
        )
    number = (convention.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ConventionVersion.objects.create(
        convention=convention,
        number=number,
        text=text,
        note=note,
        revises=base,
        created_by=_user(actor),
    )
    record(
        actor=actor,
        action="consultations.convention_amended",
        obj=version,
        unit=convention.village,
        payload={"version": number, "revises": base.number if base else None, "note": note},
    )
    return version


@transaction.atomic
def withdraw_version(*, actor, version: ConventionVersion, reason: str) -> ConventionVersion:
    """Abandon a draft before the community votes on it. A posted draft can be withdrawn only
    once its comment period is over, so no one comments on a text that no longer exists."""
    version = _lock(version)
    permissions.require(actor, "consultations.manage", version.convention.village)
    _require_stage(version, Stage.DRAFT, Stage.POSTED)
    if version.stage == Stage.POSTED and consultations.is_accepting(version.consultation):
        raise ValidationError(
            _("Dự thảo đang lấy ý kiến đến hết ngày %(day)s; chưa rút được."),
            code="still_posted",
            params={"day": _fmt(posted_until(version))},
        )
    reason = _clean(reason, 300)
    if not reason:
        raise ValidationError(_("Hãy ghi lý do rút dự thảo."), code="reason_required")
    version.stage = Stage.WITHDRAWN
    version.save(update_fields=["stage"])
    record(
        actor=actor,
        action="consultations.convention_withdrawn",
        obj=version,
        unit=version.convention.village,
        payload={"version": version.number, "reason": reason},
    )
    return version


@transaction.atomic
def record_community_choice(
    *,
    actor,
    convention: Convention,
    decided_on: dt.date,
    posting_days: int | None = None,
    review_month: int | None = None,
    review_day: int | None = None,
) -> Convention:
    """What the community chose for its convention: a posting period longer than 30 days
    (NĐ 61 Art 9(1)) and a yearly review day other than 18 November (R16)."""
    convention = _lock_convention(convention)
    permissions.require(actor, "consultations.manage", convention.village)
    _not_future(decided_on, _("Ngày cộng đồng quyết định"))
    changes: dict[str, int] = {}
    if posting_days is not None:
        if posting_days < POSTING_MIN_DAYS:
            raise ValidationError(
                _(
                    "Thời gian niêm yết dự thảo không ít hơn %(min)d ngày (Điều 9 khoản 1 "
                    "%(article)s); cộng đồng chỉ có thể chọn dài hơn."
                ),
                code="posting_too_short",
                params={"min": POSTING_MIN_DAYS, "article": ARTICLE},
            )
        changes["posting_days"] = posting_days
    if review_month is not None or review_day is not None:
        month = review_month or convention.review_month
        day = review_day or convention.review_day
        try:
            dt.date(2024, month, day)  # a leap year, so 29 February is a valid choice
        except (TypeError, ValueError):
            raise ValidationError(_("Ngày rà soát không hợp lệ."), code="bad_review_day") from None
        changes |= {"review_month": month, "review_day": day}
    if not changes:
        raise ValidationError(_("Không có lựa chọn nào để ghi."), code="nothing_chosen")
    for name, value in changes.items():
        setattr(convention, name, value)
    convention.save(update_fields=list(changes))
    record(
        actor=actor,
        action="consultations.convention_choice",
        obj=convention,
        unit=convention.village,
        payload={**changes, "decided_on": decided_on},
    )
    return convention


# --- posting the draft for comment (NĐ 61 Art 9) ------------------------------------------------


def minimum_posting_days(convention: Convention) -> int:
    return max(POSTING_MIN_DAYS, convention.posting_days)


def posted_until(version: ConventionVersion) -> dt.date | None:
    """The last day of the posting: the posting day is not counted (BLDS 2015 Art 147, ADR 4),
    so a draft posted on 1 November for 30 days stays up through 1 December."""
    if version.posted_on is None or version.posting_days is None:
        return None
    return version.posted_on + dt.timedelta(days=version.posting_days)


def _comment_item() -> Art25Item | None:
    return Art25Item.objects.filter(number=COMMENT_ITEM).first()


def _check_posting_days(convention: Convention, posting_days: int | None) -> int:
    minimum = minimum_posting_days(convention)
    days = minimum if posting_days is None else posting_days
    if days < minimum:
        raise ValidationError(
            _(
                "Dự thảo phải niêm yết ít nhất %(min)d ngày kể từ ngày niêm yết (Điều 9 khoản 1 "
                "%(article)s, hoặc thời gian dài hơn do cộng đồng quyết định); đã chọn %(n)d ngày."
            ),
            code="posting_too_short",
            params={"min": minimum, "n": days, "article": ARTICLE},
        )
    return days


def _open_comment(
    actor, version: ConventionVersion, posted_on: dt.date, days: int, place: str, forms
) -> Consultation:
    """The consultation residents comment through, open for the whole posting period."""
    convention = version.convention
    village = convention.village
    consultation = consultations.create_consultation(
        actor=actor,
        unit=village,
        item=_comment_item(),
        title=_("Dự thảo %(title)s %(village)s (bản %(n)d)")
        % {
            "title": convention.get_title_display().lower(),
            "village": village.name,
            "n": version.number,
        },
        draft_text=version.text,
        opens_on=posted_on,
        closes_on=posted_on + dt.timedelta(days=days),
        forms=list(forms or DEFAULT_COMMENT_FORMS),
        summary=_("Niêm yết tại %(place)s theo Điều 9 %(article)s.")
        % {"place": place, "article": ARTICLE},
    )
    return consultations.open_consultation(actor=actor, consultation=consultation)


@transaction.atomic
def post_draft(
    *,
    actor,
    version: ConventionVersion,
    posted_on: dt.date,
    place: str,
    posting_days: int | None = None,
    forms: list[str] | None = None,
) -> Consultation:
    """Post the draft for comment at the cultural house or another convenient place for at
    least 30 days from posting, or the longer period the community set (NĐ 61 Art 9(1), R13);
    comments come in through a consultation (Law Art 25–29) with the chosen forms (Art 9(2))."""
    version = _lock(version)
    convention = version.convention
    village = convention.village
    permissions.require(actor, "consultations.manage", village)
    _require_stage(version, Stage.DRAFT)
    days = _check_posting_days(convention, posting_days)
    place = _clean(place, 300)
    if not place:
        raise ValidationError(
            _("Hãy ghi nơi niêm yết dự thảo (nhà văn hóa, bảng tin…)."), code="place_required"
        )
    consultation = _open_comment(actor, version, posted_on, days, place, forms)
    version.consultation = consultation
    version.posted_on = posted_on
    version.posting_days = days
    version.posting_place = place
    version.stage = Stage.POSTED
    version.save(
        update_fields=["consultation", "posted_on", "posting_days", "posting_place", "stage"]
    )
    record(
        actor=actor,
        action="consultations.convention_posted",
        obj=version,
        unit=village,
        payload={
            "version": version.number,
            "consultation": consultation.pk,
            "posted_on": posted_on,
            "until": posted_until(version),
            "place": place,
        },
    )
    return consultation


def _require_posting_over(version: ConventionVersion) -> None:
    until = posted_until(version)
    if until is None or timezone.localdate() <= until:
        raise ValidationError(
            _("Dự thảo còn niêm yết lấy ý kiến đến hết ngày %(day)s (Điều 9 khoản 1 %(article)s)."),
            code="posting_not_over",
            params={"day": _fmt(until) if until else "?", "article": ARTICLE},
        )


@transaction.atomic
def finalise_draft(
    *, actor, version: ConventionVersion, text: str, note: str = ""
) -> ConventionVersion:
    """After the comment period the village head, with the Ban CTMT, completes the draft from
    the comments received (NĐ 61 Art 9): a new version, put to the community in place of the
    posted one; it keeps the posting, and `diff_versions` shows what the comments changed."""
    version = _lock(version)
    convention = version.convention
    permissions.require(actor, "consultations.manage", convention.village)
    _require_stage(version, Stage.POSTED)
    _require_posting_over(version)
    text = _check_text(text)
    if text == version.text:
        raise ValidationError(
            _("Toàn văn không thay đổi so với bản %(n)d."),
            code="no_change",
            params={"n": version.number},
        )
    number = (convention.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    final = ConventionVersion.objects.create(
        convention=convention,
        number=number,
        text=text,
        note=_clean(note, 300) or _("Hoàn thiện sau khi lấy ý kiến"),
        revises=version,
        stage=Stage.POSTED,
        consultation=version.consultation,
        posting_place=version.posting_place,
        posted_on=version.posted_on,
        posting_days=version.posting_days,
        created_by=_user(actor),
    )
    version.stage = Stage.REVISED
    version.save(update_fields=["stage"])
    record(
        actor=actor,
        action="consultations.convention_finalised",
        obj=final,
        unit=convention.village,
        payload={"version": number, "revises": version.number},
    )
    return final


# --- the community decides (Law Art 15(3), 17(2); NĐ 61 Art 10) ---------------------------------


@transaction.atomic
def put_to_vote(*, actor, version: ConventionVersion, title: str = "") -> Matter:
    """Put the posted (or finalised) draft to the community as an item-3 matter of the decisions
    engine, once the posting period is over and every comment has been answered and the
    synthesis published (Law Art 25–29). The engine then holds the meeting, applies the quorum
    and the adoption rate of NĐ 61 Art 10 and falls back to household ballots."""
    version = _lock(version)
    convention = version.convention
    village = convention.village
    permissions.require(actor, "consultations.manage", village)
    _require_stage(version, Stage.POSTED)
    _require_posting_over(version)
    if version.consultation.status != Consultation.Status.ANSWERED:
        raise ValidationError(
            _(
                "Chưa công bố kết quả tổng hợp ý kiến về dự thảo; mọi ý kiến phải được tiếp thu "
                "hoặc giải trình trước khi cộng đồng biểu quyết."
            ),
            code="synthesis_not_published",
        )
    matter = decisions.create_matter(
        actor=actor,
        unit=village,
        item=Item.CONVENTION,
        title=_clean(title, 300)
        or _("Thông qua %(title)s %(village)s (bản %(n)d)")
        % {
            "title": convention.get_title_display().lower(),
            "village": village.name,
            "n": version.number,
        },
        description=version.text,
        kind=Matter.Kind.DECISION,
    )
    version.matter = matter
    version.stage = Stage.VOTING
    version.save(update_fields=["matter", "stage"])
    record(
        actor=actor,
        action="consultations.convention_put_to_vote",
        obj=version,
        unit=village,
        payload={"version": version.number, "matter": matter.pk},
    )
    return matter


def vote_day(matter: Matter) -> dt.date | None:
    """The day the community's decision was taken: the end of the ballot period after a
    fallback (or a ballot), otherwise the (last) meeting day."""
    if matter.ballot_fallback or matter.form != Form.MEETING:
        return matter.collection_ends_on
    last = matter.sessions.order_by("-held_on").values_list("held_on", flat=True).first()
    return last or (timezone.localdate(matter.closed_at) if matter.closed_at else None)


def _apply_vote(version: ConventionVersion) -> bool:
    """Copy the engine's closed result onto the version; True when something changed."""
    matter = version.matter
    if version.stage != Stage.VOTING or matter is None or matter.status != Matter.Status.CLOSED:
        return False
    version.stage = Stage.ADOPTED if matter.adopted else Stage.NOT_ADOPTED
    version.voted_on = vote_day(matter)
    version.save(update_fields=["stage", "voted_on"])
    return True


@transaction.atomic
def conclude_vote(*, actor, version: ConventionVersion) -> ConventionVersion:
    """Record the community's decision once the decisions engine closed the count: adopted, or
    not adopted (NĐ 61 Art 10; R2–R3 applied by the engine). Not adopted ends the cycle.

    Closing the matter concludes the vote by itself (`on_matter_closed`); calling this again
    afterwards returns the version as it stands."""
    version = _lock(version)
    permissions.require(actor, "consultations.manage", version.convention.village)
    if version.stage in (Stage.ADOPTED, Stage.NOT_ADOPTED) and version.voted_on is not None:
        return version
    _require_stage(version, Stage.VOTING)
    return _conclude(actor, version)


def _conclude(actor, version: ConventionVersion) -> ConventionVersion:
    """Copy the closed count onto a locked version in the voting stage, and record it."""
    if not _apply_vote(version):
        raise ValidationError(
            _("Cộng đồng chưa biểu quyết xong (chưa kết thúc kiểm phiếu)."), code="vote_not_closed"
        )
    record(
        actor=actor,
        action="consultations.convention_vote",
        obj=version,
        unit=version.convention.village,
        payload={
            "version": version.number,
            "adopted": version.stage == Stage.ADOPTED,
            "voted_on": version.voted_on,
            "result": version.matter.result,
        },
    )
    return version


def on_matter_closed(sender, *, matter: Matter, actor, **kwargs) -> None:
    """The decisions engine closed the count of a convention's matter: the version moves to
    adopted or not adopted at once, in the same transaction (NĐ 61 Art 10). The one who
    closed the count (the village head, who runs the village's convention too) is the actor."""
    if matter.item != Item.CONVENTION:
        return
    version = ConventionVersion.objects.filter(matter=matter).first()
    if version is None:
        return
    version = _lock(version)
    if version.stage == Stage.VOTING:
        _conclude(actor, version)


def _require_adopted(version: ConventionVersion) -> None:
    _apply_vote(version)
    matter = version.matter
    if matter is None or matter.status != Matter.Status.CLOSED or not matter.adopted:
        raise ValidationError(
            _(
                "Bản %(n)d chưa được cộng đồng thông qua (quá 50%% tổng số hộ tán thành, Điều 10 "
                "%(article)s); không gửi hồ sơ, không công nhận."
            ),
            code="not_adopted",
            params={"n": version.number, "article": ARTICLE},
        )


# --- the dossier to the commune UBND (R14; NĐ 61 Art 6) ----------------------------------------


def dossier_due_on(version: ConventionVersion) -> dt.date | None:
    """R14: 05 working days after the meeting or after the ballot period ends."""
    if version.voted_on is None:
        return None
    return add_working_days(version.voted_on, DOSSIER_WORKING_DAYS)


def _missing_documents(
    version: ConventionVersion, request_dated: dt.date | None, request_text: str
) -> list[str]:
    missing = []
    if request_dated is None or not request_text:
        missing.append(_("văn bản đề nghị công nhận (Mẫu 01)"))
    sessions = list(version.matter.sessions.all())
    if not sessions or any(not s.secretary_name for s in sessions):
        missing.append(_("biên bản cuộc họp thông qua có chủ trì và thư ký (Mẫu 02)"))
    if not version.text.strip():
        missing.append(_("toàn văn đã được thông qua"))
    return missing


def _missing_signatures(
    village_head: Signature | None,
    front_head: Signature | None,
    households: list[Signature],
) -> list[str]:
    def signed(signature: Signature | None) -> bool:
        return bool(signature and _clean(signature.name, 200) and signature.signed_on)

    missing = []
    if not signed(village_head):
        missing.append(_("Trưởng thôn, Tổ trưởng tổ dân phố"))
    if not signed(front_head):
        missing.append(_("Trưởng ban công tác Mặt trận"))
    names = {_clean(s.name, 200).lower() for s in households if signed(s)}
    if len(households) != HOUSEHOLD_SIGNATURES or len(names) != HOUSEHOLD_SIGNATURES:
        missing.append(_("02 đại diện hộ gia đình (hai người khác nhau)"))
    return missing


def _check_signature_dates(version: ConventionVersion, signatures, sent_on: dt.date) -> None:
    for signature in signatures:
        if not version.voted_on <= signature.signed_on <= sent_on:
            raise ValidationError(
                _(
                    "Ngày ký của %(name)s phải từ ngày thông qua %(voted)s đến ngày gửi hồ sơ "
                    "%(sent)s: chữ ký xác nhận văn bản đã được thông qua."
                ),
                code="bad_signature_date",
                params={
                    "name": _clean(signature.name, 200),
                    "voted": _fmt(version.voted_on),
                    "sent": _fmt(sent_on),
                },
            )


def _check_dossier(
    version: ConventionVersion,
    request_dated: dt.date | None,
    request_text: str,
    village_head: Signature | None,
    front_head: Signature | None,
    households: list[Signature],
    sent_on: dt.date,
) -> list[tuple[str, Signature]]:
    """Every document and signature is there and dated in order; the signature rows to store."""
    documents = _missing_documents(version, request_dated, request_text)
    if documents:
        raise ValidationError(
            _("Hồ sơ đề nghị công nhận còn thiếu: %(missing)s (%(article)s)."),
            code="documents_missing",
            params={"missing": "; ".join(documents), "article": ARTICLE},
        )
    signatures = _missing_signatures(village_head, front_head, households)
    if signatures:
        raise ValidationError(
            _(
                "Hương ước, quy ước phải có chữ ký (họ tên, ngày ký) của Trưởng thôn, Trưởng ban "
                "công tác Mặt trận và 02 đại diện hộ gia đình (Điều 6 %(article)s); còn thiếu: "
                "%(missing)s."
            ),
            code="signatures_missing",
            params={"missing": "; ".join(signatures), "article": ARTICLE},
        )
    _not_future(sent_on, _("Ngày gửi hồ sơ"))
    if sent_on < version.voted_on or request_dated > sent_on:
        raise ValidationError(
            _("Hồ sơ gửi sau ngày thông qua %(day)s; văn bản đề nghị lập trước ngày gửi."),
            code="bad_dates",
            params={"day": _fmt(version.voted_on)},
        )
    rows = [
        (ConventionSignature.Role.VILLAGE_HEAD, village_head),
        (ConventionSignature.Role.FRONT_HEAD, front_head),
        *((ConventionSignature.Role.HOUSEHOLD, s) for s in households),
    ]
    _check_signature_dates(version, [s for _role, s in rows], sent_on)
    return rows


@transaction.atomic
def submit_dossier(
    *,
    actor,
    version: ConventionVersion,
    request_dated: dt.date | None,
    request_text: str,
    village_head: Signature | None,
    front_head: Signature | None,
    household_representatives: list[Signature],
    sent_on: dt.date,
    request_number: str = "",
) -> ConventionDossier:
    """The village head sends the dossier to the commune UBND no later than 05 working days
    after the meeting or the end of the ballot (R14): the request (Mẫu 01), the minutes of
    adoption (Mẫu 02, printed from the matter) and the adopted text, signed by the village
    head, the head of the Ban CTMT and 02 household representatives (NĐ 61 Art 6). A dossier
    missing a document or a signature is refused; a late one is accepted and flagged."""
    version = _lock(version)
    village = version.convention.village
    permissions.require(actor, "consultations.manage", village)
    _require_adopted(version)
    _require_stage(version, Stage.ADOPTED)
    request_text = _text(request_text)
    rows = _check_dossier(
        version,
        request_dated,
        request_text,
        village_head,
        front_head,
        list(household_representatives or []),
        sent_on,
    )
    dossier = ConventionDossier.objects.create(
        version=version,
        request_number=_clean(request_number, 50),
        request_dated=request_dated,
        request_text=request_text[:20000],
        sent_on=sent_on,
        due_on=dossier_due_on(version),
        sent_by=_user(actor),
    )
    ConventionSignature.objects.bulk_create(
        [
            ConventionSignature(
                dossier=dossier,
                role=role,
                name=_clean(s.name, 200),
                signed_on=s.signed_on,
                position=i,
            )
            for i, (role, s) in enumerate(rows)
        ]
    )
    version.stage = Stage.SUBMITTED
    version.save(update_fields=["stage"])
    record(
        actor=actor,
        action="consultations.convention_dossier_sent",
        obj=version,
        unit=village,
        payload={
            "version": version.number,
            "sent_on": sent_on,
            "due": dossier.due_on,
            "late": dossier.is_late,
        },
    )
    return dossier


def overdue_dossiers(commune: Unit, today: dt.date | None = None) -> list[ConventionVersion]:
    """Adopted versions in the commune whose dossier has not been sent within 05 working days."""
    today = today or timezone.localdate()
    adopted = ConventionVersion.objects.filter(
        convention__village__path__startswith=commune.path, stage=Stage.ADOPTED
    ).select_related("convention__village")
    return [v for v in adopted if (due := dossier_due_on(v)) is not None and due < today]


# --- recognition by the commune UBND (R15; Law Art 21(2)) ----------------------------------------


def _commune_of(version: ConventionVersion) -> Unit:
    return version.convention.village.parent


def _require_dossier(version: ConventionVersion) -> ConventionDossier:
    dossier = ConventionDossier.objects.filter(version=version).first()
    if dossier is None:
        raise ValidationError(
            _(
                "Chưa nhận được hồ sơ đầy đủ (văn bản đề nghị, biên bản, toàn văn và chữ ký); "
                "thời hạn công nhận chỉ tính từ khi nhận đủ hồ sơ."
            ),
            code="dossier_missing",
        )
    return dossier


@transaction.atomic
def receive_dossier(*, actor, version: ConventionVersion, received_on: dt.date) -> Matter:
    """The commune UBND records the day it received the complete dossier: the 05-working-day
    recognition clock starts (R15), on the matter's one recognition record."""
    version = _lock(version)
    permissions.require(actor, "decisions.recognise_committee", _commune_of(version))
    _require_adopted(version)
    dossier = _require_dossier(version)
    if received_on < dossier.sent_on:
        raise ValidationError(
            _("Ngày nhận không được trước ngày gửi hồ sơ %(day)s."),
            code="received_before_sent",
            params={"day": _fmt(dossier.sent_on)},
        )
    matter = decisions.record_receipt(actor=actor, matter=version.matter, received_on=received_on)
    record(
        actor=actor,
        action="consultations.convention_received",
        obj=version,
        unit=version.convention.village,
        payload={
            "version": version.number,
            "received_on": received_on,
            "due": decisions.recognition_due_on(matter),
        },
    )
    return matter


def recognition_due_on(version: ConventionVersion) -> dt.date | None:
    """R15: 05 working days from receipt of the complete dossier (the decisions engine's clock)."""
    return decisions.recognition_due_on(version.matter) if version.matter_id else None


@transaction.atomic
def decide_recognition(
    *,
    actor,
    version: ConventionVersion,
    recognise: bool,
    decided_on: dt.date,
    decision_number: str = "",
    reason: str = "",
) -> ConventionVersion:
    """The commune UBND recognises the adopted convention by a decision, or refuses in writing
    with reasons (R15; Law Art 21(2)). The convention is in force from the recognition; a
    recognised amendment replaces the text in force. A convention the community did not
    adopt cannot be recognised (NĐ 61 Art 10)."""
    version = _lock(version)
    convention = version.convention
    permissions.require(actor, "decisions.recognise_committee", _commune_of(version))
    _require_adopted(version)
    _require_dossier(version)
    decision_number = _clean(decision_number, 50)
    if recognise and not decision_number:
        raise ValidationError(
            _("Hãy ghi số quyết định công nhận của UBND xã."), code="decision_number_required"
        )
    matter = decisions.record_recognition(
        actor=actor,
        matter=version.matter,
        recognise=recognise,
        decided_on=decided_on,
        reason=reason,
        decision_number=decision_number,
    )
    version.decision_number = decision_number
    if recognise:
        version.stage = Stage.RECOGNISED
        version.recognised_on = matter.recognised_on
        version.recognised_by_body = _("UBND %(commune)s") % {"commune": _commune_of(version).name}
        convention = _lock_convention(convention)
        convention.status = Convention.Status.IN_FORCE
        convention.save(update_fields=["status"])
    else:
        version.stage = Stage.REFUSED
    version.save(update_fields=["stage", "recognised_on", "decision_number", "recognised_by_body"])
    record(
        actor=actor,
        action="consultations.convention_recognised"
        if recognise
        else "consultations.convention_refused",
        obj=version,
        unit=convention.village,
        payload={
            "version": version.number,
            "on": decided_on,
            "decision_number": decision_number,
            "reason": matter.refusal_reason,
            "late": decided_on > decisions.recognition_due_on(matter),
        },
    )
    return version


def recognition_route(matter: Matter) -> decisions.RecognitionRoute | None:
    """The commune's recognition of a matter that put a convention to the vote goes through the
    convention's dossier (R14–R15): whoever records it — on the matter's page, through the
    API — gets the same checks as `receive_dossier` and `decide_recognition`."""
    if matter.item != Item.CONVENTION:
        return None
    version = ConventionVersion.objects.filter(matter=matter).first()
    if version is None:
        return None

    def receive(*, actor, matter, received_on):
        return receive_dossier(actor=actor, version=version, received_on=received_on)

    def decide(*, actor, matter, recognise, decided_on, reason="", decision_number=""):
        decided = decide_recognition(
            actor=actor,
            version=version,
            recognise=recognise,
            decided_on=decided_on,
            decision_number=decision_number,
            reason=reason,
        )
        return Matter.objects.select_related("unit__parent").get(pk=decided.matter_id)

    return decisions.RecognitionRoute(receive=receive, decide=decide)


# --- the text in force ------------------------------------------------------------------------------


def _recognised_versions(convention: Convention):
    """Versions with a recognition record: on the matter (NĐ 61) or entered under the transition."""
    return convention.versions.annotate(
        recognition=Coalesce("recognised_on", "matter__recognised_on")
    ).filter(
        Q(legacy=True, recognised_on__isnull=False)
        | Q(matter__adopted=True, matter__recognised_on__isnull=False)
    )


def version_in_force(convention: Convention, on: dt.date | None = None) -> ConventionVersion | None:
    """The last version recognised on or before `on` (today by default). Nothing is in force
    before a recognition record exists (LAW.md §3, hard invariants)."""
    on = on or timezone.localdate()
    return (
        _recognised_versions(convention)
        .filter(recognition__lte=on)
        .order_by("-recognition", "-number")
        .first()
    )


def text_in_force(convention: Convention, on: dt.date | None = None) -> str | None:
    version = version_in_force(convention, on)
    return version.text if version else None


def is_in_force(convention: Convention, on: dt.date | None = None) -> bool:
    return version_in_force(convention, on) is not None


def in_force_since(convention: Convention) -> dt.date | None:
    """The first recognition: the convention has been in force since then."""
    first = _recognised_versions(convention).order_by("recognition").first()
    return first.recognition if first else None


def diff_versions(
    old: ConventionVersion | str, new: ConventionVersion | str
) -> list[tuple[str, str]]:
    """A readable line-by-line diff for templates: ("equal" | "delete" | "insert", line)."""
    old_lines = (old if isinstance(old, str) else old.text).splitlines()
    new_lines = (new if isinstance(new, str) else new.text).splitlines()
    rows: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend(("equal", line) for line in old_lines[a1:a2])
            continue
        rows.extend(("delete", line) for line in old_lines[a1:a2])
        rows.extend(("insert", line) for line in new_lines[b1:b2])
    return rows


# --- the yearly review (R16) ------------------------------------------------------------------------


def review_date(convention: Convention, year: int) -> dt.date:
    """The community's review day in `year`; a chosen 29 February falls on the 28th otherwise."""
    last = calendar.monthrange(year, convention.review_month)[1]
    return dt.date(year, convention.review_month, min(convention.review_day, last))


def review_due(convention: Convention, year: int) -> dt.date | None:
    """The day the review of `year` is due, or None when no review is owed that year because
    the convention was not yet in force on its review day (R16)."""
    day = review_date(convention, year)
    since = in_force_since(convention)
    return day if since is not None and since <= day else None


def _last_due_year(convention: Convention, today: dt.date) -> int:
    return today.year if review_date(convention, today.year) < today else today.year - 1


def is_review_overdue(convention: Convention, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    year = _last_due_year(convention, today)
    return (
        review_due(convention, year) is not None
        and not convention.reviews.filter(year=year).exists()
    )


def villages_overdue_for_review(commune: Unit, today: dt.date | None = None) -> list[Convention]:
    """Conventions in force in the commune whose last review day has passed with no review
    recorded for that year (R16). Each carries `overdue_year` and `overdue_since`."""
    today = today or timezone.localdate()
    conventions = (
        Convention.objects.filter(village__path__startswith=commune.path)
        .annotate(
            first_recognition=Min(
                Coalesce("versions__recognised_on", "versions__matter__recognised_on")
            )
        )
        .select_related("village")
        .order_by("village__sort_key", "pk")
    )
    reviewed = set(
        ConventionReview.objects.filter(
            convention__village__path__startswith=commune.path,
            year__in=[today.year - 1, today.year],
        ).values_list("convention_id", "year")
    )
    overdue = []
    for convention in conventions:
        year = _last_due_year(convention, today)
        due = review_date(convention, year)
        since = convention.first_recognition
        if since is None or since > due or (convention.pk, year) in reviewed:
            continue
        convention.overdue_year, convention.overdue_since = year, due
        overdue.append(convention)
    return overdue


def _check_review_record(
    form: str, outcome: str, chair_name: str, front_head_name: str, findings: str
) -> None:
    if form not in ConventionReview.Form.values or outcome not in ConventionReview.Outcome.values:
        raise ValidationError(_("Hình thức hoặc kết luận rà soát không hợp lệ."), code="bad_choice")
    if not (chair_name and front_head_name and findings):
        raise ValidationError(
            _(
                "Cần ghi người chủ trì (Trưởng thôn), Trưởng ban công tác Mặt trận và kết quả rà "
                "soát, đánh giá."
            ),
            code="record_incomplete",
        )


@transaction.atomic
def record_review(
    *,
    actor,
    convention: Convention,
    year: int,
    reviewed_on: dt.date,
    form: str,
    chair_name: str,
    front_head_name: str,
    findings: str,
    outcome: str,
) -> ConventionReview:
    """The yearly review of the text in force, at a community meeting or inside the community
    conference, chaired by the village head with the head of the Ban CTMT (R16). A conclusion
    to amend or replace is followed by `amend_convention`, which starts a new cycle."""
    convention = _lock_convention(convention)
    village = convention.village
    permissions.require(actor, "consultations.manage", village)
    _not_future(reviewed_on, _("Ngày rà soát"))
    version = version_in_force(convention, reviewed_on)
    if version is None or review_due(convention, year) is None:
        raise ValidationError(
            _("%(convention)s chưa có hiệu lực vào ngày rà soát năm %(year)d."),
            code="not_in_force",
            params={"convention": str(convention), "year": year},
        )
    if reviewed_on.year < year:
        raise ValidationError(
            _("Rà soát năm %(year)d không thể diễn ra trước năm đó."),
            code="bad_year",
            params={"year": year},
        )
    chair_name, front_head_name = _clean(chair_name, 200), _clean(front_head_name, 200)
    findings = _text(findings)
    _check_review_record(form, outcome, chair_name, front_head_name, findings)
    duplicate = ValidationError(
        _("%(convention)s đã được rà soát năm %(year)d."),
        code="already_reviewed",
        params={"convention": str(convention), "year": year},
    )
    if convention.reviews.filter(year=year).exists():
        raise duplicate
    try:
        with transaction.atomic():
            review = ConventionReview.objects.create(
                convention=convention,
                version=version,
                year=year,
                reviewed_on=reviewed_on,
                form=form,
                chair_name=chair_name,
                front_head_name=front_head_name,
                findings=findings[:20000],
                outcome=outcome,
                recorded_by=_user(actor),
            )
    except IntegrityError:
        raise duplicate from None
    record(
        actor=actor,
        action="consultations.convention_reviewed",
        obj=review,
        unit=village,
        payload={
            "year": year,
            "reviewed_on": reviewed_on,
            "version": version.number,
            "outcome": outcome,
            "late": reviewed_on > review_date(convention, year),
        },
    )
    return review


# --- transition: conventions recognised before 16-8-2023 ----------------------------------------


@transaction.atomic
def enter_recognised_convention(
    *,
    actor,
    village: Unit,
    title: str,
    text: str,
    recognised_on: dt.date,
    decision_number: str,
    recognised_by_body: str = "",
) -> Convention:
    """Enter a convention recognised before 16-8-2023: it stays valid until amended or replaced
    (NĐ 61/2023, transitional provision), so it is entered as in force with its recognition
    date and decision number. Later conventions go through the NĐ 61 cycle."""
    permissions.require(actor, "consultations.manage", village)
    _village(village)
    _check_title(title)
    text = _check_text(text)
    if recognised_on >= TRANSITION_DATE:
        raise ValidationError(
            _(
                "Chỉ nhập trực tiếp hương ước, quy ước được công nhận trước ngày 16/8/2023; văn "
                "bản công nhận từ ngày đó phải qua trình tự của %(article)s."
            ),
            code="after_transition",
            params={"article": ARTICLE},
        )
    decision_number = _clean(decision_number, 50)
    if not decision_number:
        raise ValidationError(
            _("Hãy ghi số quyết định công nhận."), code="decision_number_required"
        )
    _check_no_convention(village)
    convention = Convention.objects.create(
        village=village, title=title, status=Convention.Status.IN_FORCE, created_by=_user(actor)
    )
    ConventionVersion.objects.create(
        convention=convention,
        number=1,
        text=text,
        note=_("Đã được công nhận trước ngày 16/8/2023"),
        stage=Stage.RECOGNISED,
        recognised_on=recognised_on,
        decision_number=decision_number,
        recognised_by_body=_clean(recognised_by_body, 200),
        legacy=True,
        created_by=_user(actor),
    )
    record(
        actor=actor,
        action="consultations.convention_entered",
        obj=convention,
        unit=village,
        payload={
            "title": title,
            "recognised_on": recognised_on,
            "decision_number": decision_number,
        },
    )
    return convention
