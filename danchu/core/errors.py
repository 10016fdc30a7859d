"""Domain errors raised by services and turned into 422 responses by views and the API."""

from __future__ import annotations

from django.core.exceptions import ValidationError

__all__ = ["ValidationError", "first_message", "in_both_languages"]


def first_message(error: ValidationError) -> str:
    """One readable sentence from a ValidationError, for flash messages and JSON."""
    if hasattr(error, "message_dict"):
        for field, messages in error.message_dict.items():
            if messages:
                return messages[0] if field == "__all__" else f"{field}: {messages[0]}"
    return "; ".join(error.messages)


def in_both_languages(error: ValidationError, fallback: str = "") -> str:
    """The message in Vietnamese, then " / " and its English from the catalog, for API
    clients and their developers (a rule's template is its Vietnamese msgid). A message
    already in both, or read in another language, is returned as it is; without an English
    translation, `fallback` (or nothing) stands in for it."""
    from django.utils import translation

    message = first_message(error)
    if " / " in message or (translation.get_language() or "vi").split("-")[0] != "vi":
        return message
    template = getattr(error, "message", None)
    english = ""
    if isinstance(template, str):
        with translation.override("en"):
            english = translation.gettext(template)
        if english == template:
            english = ""
        elif error.params:
            try:
                english = english % error.params
            except (KeyError, TypeError, ValueError):
                english = ""
    english = english or fallback
    return f"{message} / {english}" if english else message
