"""Delivery adapters. Email goes through Django's mail backend; SMS through a pluggable class.

An SMS adapter is any class with `send(phone: str, text: str) -> None` that raises on
failure. Set DANCHU_SMS_ADAPTER to its dotted path (a carrier's HTTP API, a Zalo OA
bridge…). The default prints to the log.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("danchu.notify")


class SmsAdapter:
    def send(self, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSmsAdapter(SmsAdapter):
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def sms_adapter() -> SmsAdapter:
    return import_string(settings.DANCHU_SMS_ADAPTER)()


def deliver_email(recipient: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=False)


def deliver_sms(recipient: str, body: str) -> None:
    sms_adapter().send(recipient, body)
