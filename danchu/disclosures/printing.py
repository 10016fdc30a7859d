"""Printed and spoken forms of a notice: the A4 PDF for the notice board, the loudspeaker text."""

from __future__ import annotations


def notice_pdf(notice, request=None) -> bytes:  # pragma: no cover - replaced below
    raise NotImplementedError


def loudspeaker_text(notice) -> str:  # pragma: no cover - replaced below
    raise NotImplementedError
