import pytest
from django.core import mail
from django.db import transaction

from danchu.core.errors import ValidationError
from danchu.notify.models import Message
from danchu.notify.services import deliver, queue_message


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_by_the_worker_after_commit():
    with transaction.atomic():
        message = queue_message(
            channel="email",
            recipient="truongthon@example.vn",
            subject="Thông báo họp thôn",
            body="Mời ông bà dự họp.",
        )
        assert len(mail.outbox) == 0  # nothing leaves before commit
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 1
    assert mail.outbox[0].subject == "Thông báo họp thôn"
    assert mail.outbox[0].to == ["truongthon@example.vn"]


class _Broken:
    def send(self, phone, text):
        raise ConnectionError("nhà mạng không phản hồi")


@pytest.mark.django_db(transaction=True)
def test_failed_sms_is_kept_and_retried_until_the_limit(settings):
    settings.DANCHU_SMS_ADAPTER = "tests.notify.test_outbox._Broken"
    settings.NOTIFY_MAX_ATTEMPTS = 2
    message = queue_message(channel="sms", recipient="+84 912 345 678", body="Họp thôn 19h")
    message.refresh_from_db()
    assert message.recipient == "0912345678"
    assert (message.status, message.attempts) == (Message.Status.QUEUED, 1)
    assert "nhà mạng" in message.last_error
    assert deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.FAILED, 2)
    assert deliver(message.pk) == "skipped"  # a failed message is not claimed again


@pytest.mark.django_db
def test_bad_recipient_is_refused_and_nothing_queued():
    with pytest.raises(ValidationError):
        queue_message(channel="sms", recipient="12345", body="x")
    with pytest.raises(ValidationError):
        queue_message(channel="email", recipient="khong-phai-email", body="x")
    assert Message.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_worker_command_delivers_queued_messages_from_the_database_queue(settings):
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        message = queue_message(channel="email", recipient="canbo@ungho.vn", body="Nhắc việc")
        message.refresh_from_db()
        assert message.status == Message.Status.QUEUED  # waiting for the worker
        call_command("worker", "--batch")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert mail.outbox[-1].to == ["canbo@ungho.vn"]
