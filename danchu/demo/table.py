"""A plain text table for the terminal, aligned on Vietnamese text."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def _width(text: str) -> int:
    # Combining marks take no column; NFC keeps most Vietnamese letters to one code point.
    return sum(not unicodedata.combining(ch) for ch in unicodedata.normalize("NFC", text))


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [
        max(_width(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)
    ]

    def line(cells: Sequence[str]) -> str:
        return " │ ".join(_pad(str(c), w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = "─┼─".join("─" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])
