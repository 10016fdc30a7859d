"""What every printed document of danchu shares: rendering a Django template to an A4 PDF
offline, QR codes, and the date and the unit's name as Vietnamese administrative documents
write them (Decree 30/2020/NĐ-CP, Annex I).

WeasyPrint renders with the system's fonts (DejaVu); every URL but `data:` is refused, so a
document never touches the network while it is printed.
"""

from __future__ import annotations

import datetime as dt

import segno
from django.template.loader import render_to_string
from django.utils import translation

from danchu.units.models import Unit


def offline_url_fetcher():
    """Refuse every URL except data: ones, so rendering never touches the network."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before URLFetcher took plain functions.
        from weasyprint import default_url_fetcher

        def fetch(url, *args, **kwargs):
            if not url.startswith("data:"):
                raise ValueError(f"Refusing to fetch {url}")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)


def html_to_pdf(page: str) -> bytes:
    """An HTML page, already rendered, as PDF bytes."""
    from weasyprint import HTML

    return HTML(string=page, url_fetcher=offline_url_fetcher()).write_pdf()


def render_pdf(template: str, context: dict, *, language: str | None = None) -> bytes:
    """Render a template to PDF bytes. Legal forms pass `language="vi"`: they are printed in
    Vietnamese whatever the reader's interface language."""
    if language is None:
        page = render_to_string(template, context)
    else:
        with translation.override(language):
            page = render_to_string(template, context)
    return html_to_pdf(page)


def qr_svg(url: str) -> str:
    """The QR code as inline SVG: no file, no network; sized by the stylesheet."""
    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(border=2, omitsize=True, dark="#000", light="#fff")


def qr_png_data_uri(url: str) -> str:
    """The QR code as a PNG data URI, one pixel per module; the stylesheet scales it up
    without smoothing. A PNG lays out faster than an SVG path in WeasyPrint, which counts
    when a village prints 500 ballots."""
    return segno.make(url, error="m", micro=False).png_data_uri(scale=1, border=2)


def official_date(day: dt.date) -> tuple[str, str, str]:
    """Day, month, year as administrative documents write them (Decree 30/2020, Annex I):
    a zero before days under 10 and before months 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}", month, str(day.year)


def without_prefix(unit: Unit) -> str:
    """ "Xã Ứng Hòa" -> "Ứng Hòa": the place in the date line."""
    prefix = unit.division_type
    if prefix and unit.name.startswith(prefix + " "):
        return unit.name[len(prefix) + 1 :]
    return unit.name


def in_sentence(unit: Unit) -> str:
    """The unit as it reads inside a sentence: "xã Ứng Hòa", "thôn Đông Lỗ"."""
    prefix = unit.division_type
    if prefix and unit.name.startswith(prefix + " "):
        return prefix.lower() + unit.name[len(prefix) :]
    return unit.name
