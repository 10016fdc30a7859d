"""Charts as inline SVG: drawn on the server, no JavaScript, printed as vectors by WeasyPrint."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f5f8b", "#c0392b", "#2e8b57", "#d68910", "#7d3c98", "#566573", "#117a65")
FONT = 'font-family="DejaVu Sans, sans-serif"'


def _label(text: str, limit: int = 26) -> str:
    text = str(text)
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def _number(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def bar_chart(
    rows: list[tuple[str, float | None]],
    *,
    percent: bool = True,
    width: int = 640,
    title: str = "",
) -> SafeString:
    """Horizontal bars, one per row; a row without a figure says so instead of a zero bar."""
    bar, gap, left, top = 14, 6, 190, 22 if title else 4
    height = top + len(rows) * (bar + gap) + 6
    top_value = max([v for _l, v in rows if v is not None] + [1.0 if percent else 1])
    scale = (width - left - 60) / top_value
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" {FONT} font-size="10">'
    ]
    if title:
        parts.append(f'<text x="0" y="12" font-size="11" font-weight="bold">{escape(title)}</text>')
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar + gap)
        parts.append(
            f'<text x="{left - 6}" y="{y + bar - 3}" text-anchor="end">{_label(label)}</text>'
        )
        if value is None:
            parts.append(f'<text x="{left}" y="{y + bar - 3}" fill="#777">chưa ghi nhận</text>')
            continue
        length = max(1.0, value * scale)
        parts.append(
            f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar}" fill="{PALETTE[0]}"/>'
        )
        parts.append(
            f'<text x="{left + length + 4:.1f}" y="{y + bar - 3}">{_number(value, percent)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def grouped_columns(
    labels: list[str],
    series: list[tuple[str, list[float]]],
    *,
    width: int = 640,
    height: int = 220,
    title: str = "",
) -> SafeString:
    """Columns per label (e.g. a month), one colour per series (e.g. a category), with a legend."""
    left, bottom, top = 36, 30, 24 if title else 8
    legend_height = 14 * ((len(series) + 2) // 3)
    plot_height = height - bottom - top - legend_height
    values = [v for _n, vs in series for v in vs] or [0]
    top_value = max(max(values), 1)
    slot = (width - left - 10) / max(1, len(labels))
    column = max(2.0, (slot - 8) / max(1, len(series)))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" {FONT} font-size="10">'
    ]
    if title:
        parts.append(f'<text x="0" y="12" font-size="11" font-weight="bold">{escape(title)}</text>')
    base_y = top + plot_height
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{width - 10}" y2="{base_y}" stroke="#333"/>')
    for tick in (0, top_value / 2, top_value):
        y = base_y - tick * plot_height / top_value
        parts.append(f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{tick:.0f}</text>')
    for li, label in enumerate(labels):
        x0 = left + li * slot + 4
        for si, (_name, vs) in enumerate(series):
            h = vs[li] * plot_height / top_value
            parts.append(
                f'<rect x="{x0 + si * column:.1f}" y="{base_y - h:.1f}" width="{column:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[si % len(PALETTE)]}"/>'
            )
        parts.append(
            f'<text x="{x0 + slot / 2 - 4:.1f}" y="{base_y + 13}" text-anchor="middle">'
            f"{_label(label, 12)}</text>"
        )
    for si, (name, _vs) in enumerate(series):
        x = (si % 3) * (width / 3)
        y = height - legend_height + (si // 3) * 14 + 4
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="9" height="9" fill="{PALETTE[si % len(PALETTE)]}"/>'
            f'<text x="{x + 13:.1f}" y="{y + 8}">{_label(name, 34)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
