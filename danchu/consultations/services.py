"""Dân tham gia ý kiến: citizens give opinions before the authority decides (Law 10/2022
Art 25–29). The authority must synthesise every opinion, say which it accepts and explain
those it does not, and publish the result. Art 27–29 were not read in a published copy
(LAW.md §2.6): the duties below follow the remembered text and protect residents' right to
an answer — a synthesis cannot be published while any opinion is unanswered.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts import permissions
from danchu.audit.services import record
from danchu.consultations.models import (
    Art25Item,
    Channel,
    Consultation,
    Opinion,
    OpinionGroup,
    Section,
)
from danchu.core.errors import ValidationError
from danchu.units.models import Unit

SECTION_RE = re.compile(
    r"^\s*(?:Điều|Mục|Phần|Chương|Khoản)\s+(\d+|[IVXLC]+)\b[.:]?\s*(.*)$", re.IGNORECASE
)


# A numbered paragraph ("1. …", "2) …"): how drafts without articles are divided.
NUMBERED_RE = re.compile(r"^\s*\d{1,3}[.)]\s+\S")


def split_into_sections(text: str) -> list[tuple[str, str]]:
    """Split a pasted draft into (heading, text) at "Điều 1.", "Mục 2", "Chương III"… lines;
    a draft without such headings is split at numbered paragraphs ("1.", "2)"), and one
    without those at blank-line paragraphs."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    sections = _split_at(lines, SECTION_RE)
    if len(sections) <= 1:
        numbered = _split_at(lines, NUMBERED_RE)
        if sum(1 for heading, _body in numbered if heading) >= 2:
            # The paragraph reads as a whole: its number stays at the head of its text.
            return [("", f"{h}\n{b}".strip()) for h, b in numbered]
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
        return [("", p) for p in paragraphs]
    return sections


def _split_at(lines: list[str], pattern: re.Pattern) -> list[tuple[str, str]]:
    """(heading, text) at each line matching `pattern`; the lines before the first heading
    are a section without a heading."""
    sections: list[tuple[str, list[str]]] = []
    for line in lines:
        if pattern.match(line):
            sections.append((line.strip(), []))
        elif sections:
            sections[-1][1].append(line)
        elif line.strip():
            sections.append(("", [line]))
    return [
        (heading, "\n".join(body).strip())
        for heading, body in sections
        if heading or "\n".join(body).strip()
    ]


@transaction.atomic
def create_consultation(
    *,
    actor,
    unit: Unit,
    item: Art25Item,
    title: str,
    draft_text: str,
    opens_on: dt.date,
    closes_on: dt.date,
    forms: list[str],
    summary: str = "",
) -> Consultation:
    """Prepare a consultation with its draft split into numbered sections."""
    permissions.require(actor, "consultations.manage", unit)
    if unit.kind not in (Unit.Kind.COMMUNE, Unit.Kind.VILLAGE) or not unit.is_current():
        raise ValidationError(
            _("Chỉ xã, phường hoặc thôn, tổ dân phố lấy ý kiến."), code="bad_unit"
        )
    if not isinstance(item, Art25Item) or not item.active:
        raise ValidationError(_("Nội dung lấy ý kiến (Điều 25) không tồn tại."), code="bad_item")
    title = " ".join((title or "").split())
    if not title or len(title) > 300:
        raise ValidationError(_("Tiêu đề phải có, tối đa 300 ký tự."), code="bad_title")
    bad_forms = [f for f in forms if f not in Channel.values]
    if not forms or bad_forms:
        raise ValidationError(
            _("Chọn ít nhất một hình thức lấy ý kiến của Điều 26."), code="bad_forms"
        )
    _check_period(opens_on, closes_on)
    sections = split_into_sections(draft_text)
    if not sections:
        raise ValidationError(_("Dự thảo không được để trống."), code="empty_draft")
    consultation = Consultation.objects.create(
        unit=unit,
        item=item,
        title=title,
        summary=(summary or "").strip(),
        forms=list(dict.fromkeys(forms)),
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=_user(actor),
    )
    Section.objects.bulk_create(
        [
            Section(consultation=consultation, number=n, heading=heading[:300], text=body)
            for n, (heading, body) in enumerate(sections, start=1)
        ]
    )
    record(
        actor=actor,
        action="consultations.created",
        obj=consultation,
        unit=unit,
        payload={"title": title, "sections": len(sections), "closes_on": closes_on},
    )
    return consultation


def _check_period(opens_on: dt.date, closes_on: dt.date) -> None:
    if closes_on < opens_on:
        raise ValidationError(
            _("Ngày kết thúc không được trước ngày bắt đầu."), code="ends_before_start"
        )
    minimum = settings.CONSULTATION_MIN_DAYS
    if (closes_on - opens_on).days < minimum:
        raise ValidationError(
            _("Thời gian lấy ý kiến phải ít nhất %(n)d ngày để người dân kịp đọc và góp ý."),
            code="period_too_short",
            params={"n": minimum},
        )


@transaction.atomic
def open_consultation(*, actor, consultation: Consultation) -> Consultation:
    consultation = _lock(consultation)
    permissions.require(actor, "consultations.manage", consultation.unit)
    if consultation.status != Consultation.Status.DRAFT:
        raise ValidationError(_("Đã mở lấy ý kiến."), code="already_open")
    if consultation.closes_on < timezone.localdate():
        raise ValidationError(_("Ngày kết thúc đã qua."), code="closes_in_past")
    consultation.status = Consultation.Status.OPEN
    consultation.save(update_fields=["status"])
    record(actor=actor, action="consultations.opened", obj=consultation, unit=consultation.unit)
    return consultation


def status_on(consultation: Consultation, on: dt.date | None = None) -> str:
    """The consultation's status on a day. Nothing writes "closed": an open consultation is
    closed from the day after its closing day (Art 27–29: the time set for comments is over).
    Pages, the rules below and `Consultation.current_status` all read it the same way."""
    return consultation.status_on(on)


def is_accepting(consultation: Consultation, on: dt.date | None = None) -> bool:
    """Open, and within its period (the closing day included)."""
    on = on or timezone.localdate()
    return consultation.status_on(on) == Consultation.Status.OPEN and consultation.opens_on <= on


def _require_accepting(consultation: Consultation) -> None:
    """Opinions are taken only while the consultation is open and within its period; each
    other case says why, with the dates."""
    on = timezone.localdate()
    if is_accepting(consultation, on):
        return
    status = consultation.status_on(on)
    days = {
        "start": consultation.opens_on.strftime("%d/%m/%Y"),
        "day": consultation.closes_on.strftime("%d/%m/%Y"),
    }
    if status == Consultation.Status.DRAFT:
        message = _("Đợt lấy ý kiến chưa mở; chưa nhận ý kiến.")
    elif status == Consultation.Status.ANSWERED:
        message = _(
            "Đợt lấy ý kiến đã kết thúc (đến hết ngày %(day)s) và đã công bố kết quả tổng hợp; "
            "không nhận thêm ý kiến."
        )
    elif status == Consultation.Status.CLOSED:
        message = _(
            "Đã hết thời gian góp ý (đến hết ngày %(day)s): đợt lấy ý kiến đã kết thúc, không "
            "nhận thêm ý kiến."
        )
    else:
        message = _("Chưa đến thời gian góp ý: nhận ý kiến từ ngày %(start)s đến hết ngày %(day)s.")
    raise ValidationError(message, code="not_accepting", params=days)


def _check_opinion(
    consultation: Consultation, text: str, section_number: int | None
) -> tuple[str, Section | None]:
    consultation.refresh_from_db(fields=["status", "opens_on", "closes_on"])  # as it is now
    _require_accepting(consultation)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Ý kiến không được để trống."), code="empty_opinion")
    limit = settings.CONSULTATION_OPINION_MAX_CHARS
    if len(text) > limit:
        raise ValidationError(
            _("Ý kiến dài quá %(n)d ký tự."), code="opinion_too_long", params={"n": limit}
        )
    section = None
    if section_number is not None:
        section = consultation.sections.filter(number=section_number).first()
        if section is None:
            raise ValidationError(
                _("Dự thảo không có mục %(n)s."), code="bad_section", params={"n": section_number}
            )
    return text, section


@transaction.atomic
def submit_opinion(
    *,
    user,
    consultation: Consultation,
    text: str,
    section_number: int | None = None,
    is_public: bool = False,
    show_name: bool = False,
) -> Opinion:
    """A signed-in resident's opinion on the portal (Art 26(e))."""
    if not user.is_authenticated:
        raise ValidationError(_("Hãy đăng nhập để góp ý."), code="login_required")
    text, section = _check_opinion(consultation, text, section_number)
    opinion = Opinion.objects.create(
        consultation=consultation,
        section=section,
        channel=Channel.PORTAL,
        text=text,
        original_text=text,
        author=user,
        author_name=str(user),
        is_public=is_public,
        show_name=show_name and is_public,
    )
    record(
        actor=user,
        action="consultations.opinion",
        obj=opinion,
        unit=consultation.unit,
        # The resident's choices are kept in the hash-chained log: consent to publish is
        # explicit, per purpose and provable (PDP Law Art 9; NĐ 356/2025; LAW.md R46).
        payload={
            "consultation": consultation.pk,
            "section": section_number,
            "public": opinion.is_public,
            "show_name": opinion.show_name,
        },
    )
    return opinion


@transaction.atomic
def enter_opinion(
    *,
    actor,
    consultation: Consultation,
    text: str,
    channel: str,
    author_name: str = "",
    section_number: int | None = None,
    household=None,
) -> Opinion:
    """An opinion received on paper, at a meeting, through the Front committee… entered by an
    officer with its channel. Entered opinions are never named publicly."""
    permissions.require(actor, "consultations.manage", consultation.unit)
    if channel not in Channel.values or channel == Channel.PORTAL:
        raise ValidationError(_("Kênh tiếp nhận ý kiến không hợp lệ."), code="bad_channel")
    text, section = _check_opinion(consultation, text, section_number)
    opinion = Opinion.objects.create(
        consultation=consultation,
        section=section,
        channel=channel,
        text=text,
        original_text=text,
        author_name=" ".join((author_name or "").split())[:200],
        household=household,
        is_public=True,
        show_name=False,
        entered_by=_user(actor),
    )
    record(
        actor=actor,
        action="consultations.opinion_entered",
        obj=opinion,
        unit=consultation.unit,
        payload={"channel": channel, "section": section_number},
    )
    return opinion


@transaction.atomic
def moderate_opinion(
    *, actor, opinion: Opinion, hidden: bool, note: str, text: str | None = None
) -> Opinion:
    """Hide or shorten an opinion on public pages; the original text is always kept. Once the
    synthesis is published it is a public record (Art 27–29): no opinion changes after it."""
    opinion = Opinion.objects.select_related("consultation__unit").get(pk=opinion.pk)
    permissions.require(actor, "consultations.manage", opinion.consultation.unit)
    consultation = _lock(opinion.consultation)  # not while the synthesis is being published
    if consultation.status == Consultation.Status.ANSWERED:
        raise ValidationError(
            _(
                "Kết quả tổng hợp đã công bố ngày %(day)s; không kiểm duyệt, sửa hay ẩn ý kiến "
                "được nữa."
            ),
            code="answered",
            params={
                "day": timezone.localdate(consultation.synthesis_published_at).strftime("%d/%m/%Y")
            },
        )
    if not (note or "").strip():
        raise ValidationError(_("Hãy ghi lý do kiểm duyệt."), code="note_required")
    opinion.hidden = hidden
    opinion.moderation_note = note.strip()[:300]
    if text is not None and text.strip():
        opinion.text = text.strip()
    opinion.save(update_fields=["hidden", "moderation_note", "text"])
    record(
        actor=actor,
        action="consultations.moderated",
        obj=opinion,
        unit=opinion.consultation.unit,
        payload={"hidden": hidden, "note": note[:300]},
    )
    return opinion


# --- synthesis ----------------------------------------------------------------------------


@transaction.atomic
def create_group(
    *, actor, consultation: Consultation, title: str, opinion_ids: list[int]
) -> OpinionGroup:
    permissions.require(actor, "consultations.manage", consultation.unit)
    _require_not_answered(consultation)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("Hãy tóm tắt nội dung nhóm ý kiến."), code="title_required")
    group = OpinionGroup.objects.create(
        consultation=consultation, title=title[:300], position=consultation.groups.count()
    )
    assign(actor=actor, group=group, opinion_ids=opinion_ids)
    return group


@transaction.atomic
def assign(*, actor, group: OpinionGroup, opinion_ids: list[int]) -> int:
    """Put opinions into a group. The group's answer was given to the opinions it held: when
    another opinion joins it, the answer is reopened, and every opinion of the group is
    unanswered again until the group is answered anew (Art 27–29: each opinion answered)."""
    group = OpinionGroup.objects.select_for_update().get(pk=group.pk)
    consultation = _lock(group.consultation)
    permissions.require(actor, "consultations.manage", consultation.unit)
    _require_not_answered(consultation)
    found = Opinion.objects.filter(consultation=consultation, pk__in=opinion_ids)
    if found.count() != len(set(opinion_ids)):
        raise ValidationError(_("Có ý kiến không thuộc đợt lấy ý kiến này."), code="bad_opinions")
    joining = found.exclude(group=group)
    updated = joining.update(group=group)
    reopened = bool(updated and group.answer)
    if reopened:
        group.answer, group.reason = "", ""
        group.save(update_fields=["answer", "reason"])
    record(
        actor=actor,
        action="consultations.grouped",
        obj=group,
        unit=consultation.unit,
        payload={"opinions": sorted(set(opinion_ids)), "moved": updated, "reopened": reopened},
    )
    return updated


@transaction.atomic
def answer_group(*, actor, group: OpinionGroup, answer: str, reason: str) -> OpinionGroup:
    """Accept a group of opinions, or explain why not (Art 27–29)."""
    group = OpinionGroup.objects.select_related("consultation__unit").get(pk=group.pk)
    permissions.require(actor, "consultations.manage", group.consultation.unit)
    _require_not_answered(group.consultation)
    if answer not in OpinionGroup.Answer.values:
        raise ValidationError(_("Chọn tiếp thu hoặc không tiếp thu."), code="bad_answer")
    reason = (reason or "").strip()
    if answer == OpinionGroup.Answer.NOT_ACCEPTED and not reason:
        raise ValidationError(
            _("Ý kiến không tiếp thu phải được giải trình lý do."), code="reason_required"
        )
    group.answer, group.reason = answer, reason
    group.save(update_fields=["answer", "reason"])
    record(
        actor=actor,
        action="consultations.answered",
        obj=group,
        unit=group.consultation.unit,
        payload={"answer": answer},
    )
    return group


def unanswered(consultation: Consultation):
    """Opinions with no group, or in a group without an answer."""
    return consultation.opinions.filter(hidden=False).exclude(
        group__answer__in=[OpinionGroup.Answer.ACCEPTED, OpinionGroup.Answer.NOT_ACCEPTED]
    )


@transaction.atomic
def publish_synthesis(*, actor, consultation: Consultation, reported_to: str = "") -> Consultation:
    """Publish the synthesis: accepted, not accepted with reasons, published on (Art 27–29).
    Refused while any opinion is unanswered."""
    consultation = _lock(consultation)
    permissions.require(actor, "consultations.manage", consultation.unit)
    _require_not_answered(consultation)
    status = consultation.status_on()
    if status == Consultation.Status.DRAFT:
        raise ValidationError(_("Chưa mở lấy ý kiến."), code="not_opened")
    if status != Consultation.Status.CLOSED:
        raise ValidationError(
            _("Chưa hết thời gian góp ý (đến hết ngày %(day)s)."),
            code="still_open",
            params={"day": consultation.closes_on.strftime("%d/%m/%Y")},
        )
    left = unanswered(consultation).count()
    if left:
        raise ValidationError(
            _(
                "Còn %(n)d ý kiến chưa được trả lời; mọi ý kiến phải được tiếp thu hoặc giải trình "
                "trước khi công bố."
            ),
            code="unanswered",
            params={"n": left},
        )
    consultation.status = Consultation.Status.ANSWERED
    consultation.synthesis_published_at = timezone.now()
    consultation.reported_to = (reported_to or "").strip()[:300]
    consultation.save(update_fields=["status", "synthesis_published_at", "reported_to"])
    record(
        actor=actor,
        action="consultations.synthesis_published",
        obj=consultation,
        unit=consultation.unit,
        payload={"opinions": consultation.opinions.count()},
    )
    return consultation


def _require_not_answered(consultation: Consultation) -> None:
    if consultation.status == Consultation.Status.ANSWERED:
        raise ValidationError(_("Tổng hợp đã công bố; không sửa được."), code="answered")


def _lock(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=consultation.pk)
    )


def _user(actor):
    return actor if getattr(actor, "pk", None) else None
