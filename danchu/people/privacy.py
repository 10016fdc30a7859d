"""A resident's rights over their personal data: see it, export it, ask for it to be corrected,
deleted or no longer used — and the commune's answer within 2 working days.

Sources: DESIGN.md (personal data); Law 91/2025/QH15 on personal data protection; NĐ 356/2025
(LAW.md R45, verified). What danchu holds about a person is gathered from every app through
`danchu.core.personal`; this module never reads an engine's tables itself.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import transaction
from django.db.models import Case, When
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts import permissions
from danchu.accounts.models import Role, RoleGrant
from danchu.audit.services import record
from danchu.core.errors import ValidationError
from danchu.core.personal import personal_records
from danchu.notify.models import Message
from danchu.notify.services import queue_message
from danchu.people.models import DataRequest
from danchu.units.models import Unit
from danchu.workdays.services import add_working_days

# NĐ 356/2025 (LAW.md R45): a data subject's request is answered within 2 working days.
ANSWER_WORKING_DAYS = 2
DETAILS_MAX = 2000


def person_of(user):
    return getattr(user, "person", None) if user.is_authenticated else None


def answering_unit(user) -> Unit | None:
    """The village whose commune answers the user's requests: the one keeping their
    household, else the village of their resident grant."""
    person = person_of(user)
    if person is not None and person.household_id:
        return person.household.village
    grant = (
        RoleGrant.objects.active()
        .filter(user=user, role=Role.RESIDENT)
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    return grant.unit if grant else None


def gather(user) -> dict:
    """Everything danchu holds about the user, section by section, and their requests."""
    person = person_of(user)
    return {
        "person": person,
        "sections": personal_records(user, person),
        "requests": list(DataRequest.objects.filter(user=user).select_related("unit")),
    }


def export(user) -> bytes:
    """The same as a JSON file the resident downloads (the export is audited)."""
    data = gather(user)
    body = {
        "exported_at": timezone.now().isoformat(),
        "account": user.get_username(),
        "sections": [{"title": s["title"], "records": s["rows"]} for s in data["sections"]],
        "requests": [
            {
                "kind": r.get_kind_display(),
                "details": r.details,
                "received_on": r.received_on.isoformat(),
                "due_on": r.due_on.isoformat(),
                "status": r.get_status_display(),
                "answer": r.answer,
                "answered_on": r.answered_on.isoformat() if r.answered_on else None,
            }
            for r in data["requests"]
        ],
    }
    with transaction.atomic():
        record(
            actor=user,
            action="people.data_exported",
            object_type="accounts.user",
            object_id=user.pk,
            unit=answering_unit(user),
        )
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


def file_request(*, user, kind: str, details: str, today: dt.date | None = None) -> DataRequest:
    """Record a resident's request and tell the commune; the clock runs from today."""
    today = today or timezone.localdate()
    details = (details or "").strip()
    if kind not in DataRequest.Kind.values:
        raise ValidationError(_("Loại yêu cầu không hợp lệ."), code="bad_kind")
    if not details:
        raise ValidationError(
            _("Hãy ghi rõ dữ liệu nào cần sửa, xóa hoặc ngừng xử lý, và vì sao."),
            code="no_details",
        )
    if len(details) > DETAILS_MAX:
        raise ValidationError(
            _("Nội dung yêu cầu dài quá %(max)d ký tự."),
            code="too_long",
            params={"max": DETAILS_MAX},
        )
    unit = answering_unit(user)
    if unit is None:
        raise ValidationError(
            _(
                "Tài khoản chưa gắn với hộ gia đình hay thôn nào, nên chưa biết xã nào trả lời. "
                "Hãy liên hệ UBND xã nơi cư trú."
            ),
            code="no_unit",
        )
    with transaction.atomic():
        request = DataRequest.objects.create(
            user=user,
            person=person_of(user),
            unit=unit,
            kind=kind,
            details=details,
            received_on=today,
            # NĐ 356/2025 (LAW.md R45): answered within 2 working days of receipt.
            due_on=add_working_days(today, ANSWER_WORKING_DAYS),
        )
        record(
            actor=user,
            action="people.data_request_filed",
            obj=request,
            unit=unit,
            payload={"kind": kind, "due_on": request.due_on.isoformat()},
        )
        _tell_commune(request)
    return request


def answer_request(
    *, actor, request: DataRequest, outcome: str, answer: str, today: dt.date | None = None
) -> DataRequest:
    """The commune answers: done (with what was done) or refused (with the reason)."""
    today = today or timezone.localdate()
    permissions.require(actor, "people.manage", request.unit)
    answer = (answer or "").strip()
    if outcome not in (DataRequest.Status.DONE, DataRequest.Status.REFUSED):
        raise ValidationError(_("Kết quả trả lời không hợp lệ."), code="bad_outcome")
    if not answer:
        raise ValidationError(
            _("Hãy ghi nội dung trả lời: đã làm gì, hoặc lý do từ chối."), code="no_answer"
        )
    if len(answer) > DETAILS_MAX:
        raise ValidationError(
            _("Nội dung trả lời dài quá %(max)d ký tự."),
            code="too_long",
            params={"max": DETAILS_MAX},
        )
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != DataRequest.Status.OPEN:
            raise ValidationError(_("Yêu cầu này đã được trả lời."), code="answered")
        locked.status, locked.answer = outcome, answer
        locked.answered_on = today
        locked.answered_by = actor if getattr(actor, "pk", None) else None
        locked.save(update_fields=["status", "answer", "answered_on", "answered_by"])
        record(
            actor=actor,
            action="people.data_request_answered",
            obj=locked,
            unit=locked.unit,
            payload={"outcome": outcome, "late": today > locked.due_on},
        )
        if locked.user.email:
            queue_message(
                channel=Message.Channel.EMAIL,
                recipient=locked.user.email,
                subject=_("Trả lời yêu cầu về dữ liệu cá nhân"),
                body=f"{locked.get_status_display()}: {answer}",
                reference=f"data-request:{locked.pk}",
            )
    return locked


def requests_under(unit: Unit):
    """Requests answered by communes in `unit`'s subtree: open ones first, by due date."""
    still_open = Case(When(status=DataRequest.Status.OPEN, then=0), default=1)
    return (
        DataRequest.objects.filter(unit__path__startswith=unit.path)
        .select_related("unit", "user", "person")
        .order_by(still_open, "due_on", "pk")
    )


def waiting(unit: Unit, today: dt.date | None = None) -> tuple[int, int]:
    """(open, of which overdue) requests under `unit`: the figure on the commune's page."""
    today = today or timezone.localdate()
    still_open = DataRequest.objects.filter(
        unit__path__startswith=unit.path, status=DataRequest.Status.OPEN
    )
    return still_open.count(), still_open.filter(due_on__lt=today).count()


def _tell_commune(request: DataRequest) -> None:
    officers = permissions.holders(
        "people.manage", request.unit, roles={Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR}
    ).exclude(email="")
    body = _("%(kind)s từ %(user)s (%(unit)s), hạn trả lời %(due)s:\n%(details)s") % {
        "kind": request.get_kind_display(),
        "user": request.person or request.user,
        "unit": request.unit.name,
        "due": request.due_on.strftime("%d/%m/%Y"),
        "details": request.details,
    }
    for officer in officers:
        queue_message(
            channel=Message.Channel.EMAIL,
            recipient=officer.email,
            subject=_("Yêu cầu mới về dữ liệu cá nhân"),
            body=body,
            reference=f"data-request:{request.pk}",
        )
