"""The outbox: engines queue messages here; the worker delivers them after commit."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.core.errors import ValidationError
from danchu.notify import adapters
from danchu.notify.models import Message
from danchu.people.models import PHONE_RE, normalize_phone


def queue_message(
    *, channel: str, recipient: str, body: str, subject: str = "", reference: str = ""
) -> Message:
    """Queue a message; it is handed to the worker only once the transaction commits."""
    if channel == Message.Channel.EMAIL:
        validate_email(recipient)
    elif channel == Message.Channel.SMS:
        recipient = normalize_phone(recipient)
        if not PHONE_RE.match(recipient):
            raise ValidationError(_("Số điện thoại nhận tin không hợp lệ."), code="bad_phone")
    else:
        raise ValidationError(_("Kênh gửi không hợp lệ."), code="bad_channel")
    if not body.strip():
        raise ValidationError(_("Nội dung tin nhắn trống."), code="empty_body")
    message = Message.objects.create(
        channel=channel,
        recipient=recipient,
        subject=subject[:200],
        body=body,
        reference=reference[:120],
    )
    from danchu.notify.tasks import deliver_message

    transaction.on_commit(lambda: deliver_message.enqueue(message.pk))
    return message


def deliver(message_id: int) -> str:
    """Send one message. Safe to run twice: only a queued message is claimed."""
    claimed = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED).update(
        status=Message.Status.SENDING
    )
    if claimed != 1:
        return "skipped"
    message = Message.objects.get(pk=message_id)
    try:
        if message.channel == Message.Channel.EMAIL:
            adapters.deliver_email(message.recipient, message.subject, message.body)
        else:
            adapters.deliver_sms(message.recipient, message.body)
    except Exception as exc:  # noqa: BLE001 - any adapter failure is recorded, not raised
        message.attempts += 1
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        give_up = message.attempts >= settings.NOTIFY_MAX_ATTEMPTS
        message.status = Message.Status.FAILED if give_up else Message.Status.QUEUED
        message.save(update_fields=["attempts", "last_error", "status"])
        return "failed"
    message.attempts += 1
    message.status = Message.Status.SENT
    message.sent_at = timezone.now()
    message.save(update_fields=["attempts", "status", "sent_at"])
    return "sent"


def retry_queued() -> int:
    """Re-enqueue messages left queued (after a failure or a worker restart)."""
    from danchu.notify.tasks import deliver_message

    ids = list(Message.objects.filter(status=Message.Status.QUEUED).values_list("pk", flat=True))
    for pk in ids:
        deliver_message.enqueue(pk)
    return len(ids)
