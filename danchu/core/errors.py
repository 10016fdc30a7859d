"""Domain errors raised by services and turned into 422 responses by views and the API."""

from __future__ import annotations

from django.core.exceptions import ValidationError

__all__ = ["ValidationError", "first_message"]


def first_message(error: ValidationError) -> str:
    """One readable sentence from a ValidationError, for flash messages and JSON."""
    if hasattr(error, "message_dict"):
        for field, messages in error.message_dict.items():
            if messages:
                return messages[0] if field == "__all__" else f"{field}: {messages[0]}"
    return "; ".join(error.messages)
