"""Shared pieces of danchu's management commands."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from danchu.core.errors import first_message


class DanchuCommand(BaseCommand):
    def get_unit(self, code: str):
        from danchu.units.services import get_unit

        try:
            return get_unit(code)
        except ValidationError as exc:
            raise CommandError(first_message(exc)) from None
