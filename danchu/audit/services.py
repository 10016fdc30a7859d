"""The audit log: every state change writes an Event in the same transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, models
from django.utils import timezone

from danchu.audit.models import Event

GENESIS = "0" * 64
# Any constant works; it names the one advisory lock that serialises appends on PostgreSQL.
_PG_LOCK_KEY = 0x64616E6368


def _canonical(event: Event) -> bytes:
    body = {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "unit": event.unit_id,
        "payload": event.payload,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: Event) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    unit=None,
    payload: dict | None = None,
) -> Event:
    """Append an Event. Must run inside the transaction of the change it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must be called inside transaction.atomic")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    last = Event.objects.order_by("-seq").only("seq", "hash").first()
    event = Event(
        seq=(last.seq + 1) if last else 1,
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        unit=unit,
        payload=json.loads(json.dumps(payload or {}, default=str)),
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    return event


@dataclass
class VerifyResult:
    ok: bool
    count: int
    broken_seq: int | None = None
    reason: str = ""
    head_hash: str = ""


def verify_chain(chunk_size: int = 5000, expect: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the chain in order and report the first event whose link is broken.

    The chain alone cannot show that its newest events were deleted: `expect` is a head
    recorded earlier (its seq and hash, as `danchu audit verify` prints them), which must
    still be there, unchanged."""
    prev_hash = GENESIS
    expected_seq = 1
    count = 0
    for event in Event.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if event.seq != expected_seq:
            return VerifyResult(False, count, event.seq, f"thiếu sự kiện #{expected_seq}")
        if event.prev_hash != prev_hash:
            return VerifyResult(False, count, event.seq, "prev_hash không khớp sự kiện trước")
        if compute_hash(event) != event.hash:
            return VerifyResult(False, count, event.seq, "nội dung đã bị sửa (hash sai)")
        if expect and event.seq == expect[0] and event.hash != expect[1]:
            return VerifyResult(False, count, event.seq, "khác đầu chuỗi đã ghi lại trước đó")
        prev_hash = event.hash
        expected_seq += 1
        count += 1
    if expect and count < expect[0]:
        return VerifyResult(
            False, count, count + 1, f"thiếu sự kiện #{count + 1}–#{expect[0]} (đã bị xóa)"
        )
    return VerifyResult(True, count, head_hash=prev_hash if count else "")
