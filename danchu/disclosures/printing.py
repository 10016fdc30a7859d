"""Printed and spoken forms of a notice (Law 10/2022 Art 12(1)(i) and (iii)).

`notice_pdf` is the A4 sheet for the notice board, laid out like a Vietnamese administrative
notice; `loudspeaker_text` is the script the commune radio or village loudspeaker reads out.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import textwrap

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from danchu.core.pdf import in_sentence, official_date, qr_svg, render_pdf, without_prefix
from danchu.core.pdf import offline_url_fetcher as offline_url_fetcher  # other engines use it
from danchu.disclosures.models import Notice
from danchu.disclosures.services import posting_required_until
from danchu.units.models import Unit

# Read out in full on the loudspeaker; listeners cannot see the letters.
ABBREVIATIONS = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "UBMTTQ": "Ủy ban Mặt trận Tổ quốc",
    "MTTQ": "Mặt trận Tổ quốc",
    "QĐ": "Quyết định",
    "NQ": "Nghị quyết",
    "KH": "Kế hoạch",
    "TB": "Thông báo",
    "TDP": "tổ dân phố",
    "GPMB": "giải phóng mặt bằng",
}
SPEECH_WIDTH = 70
ROMAN_QUARTERS = {"Q1": "I", "Q2": "II", "Q3": "III", "Q4": "IV"}

_WORD = r"(?<!\w){}(?!\w)"
_ABBREVIATION_RE = re.compile(
    "|".join(_WORD.format(re.escape(a)) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
)
# "125/QĐ-UBND", "12/2026/NQ-HĐND": number, optional year, document type, issuer.
_DOCUMENT_NUMBER_RE = re.compile(
    r"(?<![\w/])(?:số\s+)?(\d+)(?:/(\d{4}))?/([A-ZĐ]+)((?:-[A-ZĐ]+)*)(?![\w/])"
)
_DATE_RE = re.compile(r"(?<![\w/])(?:([Nn]gày)\s+)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\w/])")
_DAY_MONTH_RE = re.compile(r"(?<!\w)ngày\s+(\d{1,2})/(\d{1,2})(?![\w/])")
_MONTH_YEAR_RE = re.compile(r"(?<!\w)tháng\s+(\d{1,2})/(\d{4})(?![\w/])")
_TIME_RE = re.compile(r"(?<![\w:])([01]?\d|2[0-3])(?:h|:)([0-5]\d)(?![\w:])")
_HOUR_RE = re.compile(r"(?<![\w:])([01]?\d|2[0-3])h(?!\w)")
# A unit written after a number: "1.200 m2", "15%", "2,5 ha", "500.000đ".
_MEASURES = {
    "%": "phần trăm",
    "m2": "mét vuông",
    "m²": "mét vuông",
    "km": "ki-lô-mét",
    "ha": "héc-ta",
    "đ": "đồng",
    "VNĐ": "đồng",
    "VND": "đồng",
}
_MEASURE_RE = re.compile(
    r"(\d)\s*(" + "|".join(re.escape(m) for m in sorted(_MEASURES, key=len, reverse=True)) + r")"
    r"(?!\w)"
)
_BULLET_RE = re.compile(r"^\s*(?:[-*+•–]|\d+[.)])\s+")


# --- shared wording ----------------------------------------------------------------------


_issuer = in_sentence


def _place_name(unit: Unit) -> str:
    """The place in the date line: the commune's name without "Xã"/"Phường"."""
    return without_prefix(unit.commune() or unit)


def _authority(unit: Unit) -> str:
    """Who speaks: the commune People's Committee, or the village itself."""
    if unit.kind == Unit.Kind.COMMUNE:
        return f"{ABBREVIATIONS['UBND']} {_issuer(unit)}"
    return _issuer(unit)


def period_label(period: str) -> str:
    """A reporting period in words: "2026-Q3" -> "quý III năm 2026"."""
    if not period:
        return ""
    year, _sep, part = period.partition("-")
    if part in ROMAN_QUARTERS:
        return f"quý {ROMAN_QUARTERS[part]} năm {year}"
    if part == "H1":
        return f"6 tháng đầu năm {year}"
    if part == "H2":
        return f"6 tháng cuối năm {year}"
    return f"năm {year}"


def spoken_date(day: dt.date) -> str:
    return f"ngày {day.day} tháng {day.month} năm {day.year}"


def _first_posting_day(notice: Notice) -> dt.date | None:
    return notice.postings.order_by("started_on").values_list("started_on", flat=True).first()


# --- PDF ---------------------------------------------------------------------------------


def public_url(notice: Notice, request=None) -> str:
    path = notice.get_absolute_url()
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path


def _print_context(notice: Notice, request=None) -> dict:
    unit = notice.unit
    url = public_url(notice, request)
    posted_on = _first_posting_day(notice)
    return {
        "notice": notice,
        "unit": unit,
        "is_commune": unit.kind == Unit.Kind.COMMUNE,
        "commune": unit.commune() or unit,
        "place": _place_name(unit),
        "dated": official_date(notice.published_on) if notice.published_on else None,
        "year": (notice.published_on or timezone.localdate()).year,
        "period": period_label(notice.period),
        "posted_on": posted_on,
        "posted_until": posting_required_until(posted_on) if posted_on else None,
        "posting_days": settings.DISCLOSURE_POSTING_MIN_DAYS,
        "url": url,
        "qr": mark_safe(qr_svg(url)),  # noqa: S308 - segno's SVG is path data only, no input text
        "is_draft": not notice.is_published,
    }


def notice_pdf(notice: Notice, request=None) -> bytes:
    """The notice as an A4 PDF for the notice board (Art 12(1)(i)), with a QR code to its page.

    A draft carries a "BẢN NHÁP" label and watermark so a review copy is never posted."""
    return render_pdf("disclosures/print/notice.html", _print_context(notice, request))


# --- loudspeaker -------------------------------------------------------------------------


def _spoken_document_number(match: re.Match) -> str:
    number, year, kind, issuer = match.groups()
    kind_words = ABBREVIATIONS.get(kind, kind)
    before = match.string[: match.start()].rstrip().lower()
    repeated = before.endswith((kind_words.lower(), kind.lower()))
    words = [] if repeated else [kind_words]
    words.append(f"số {number}")
    if year:
        words.append(f"năm {year}")
    issuers = [ABBREVIATIONS.get(part, part) for part in issuer.split("-") if part]
    # "…/QĐ-UBND ngày 20/11/2026 của UBND xã": the sentence names the issuer itself.
    named_after = "của" in match.string[match.end() : match.end() + 40]
    if issuers and not named_after:
        words.append("của " + " ".join(issuers))
    return " ".join(words)


def _spoken_date(match: re.Match) -> str:
    word, *numbers = match.groups()
    day, month, year = (int(n) for n in numbers)
    try:
        spoken = spoken_date(dt.date(year, month, day))
    except ValueError:
        return match.group(0)
    return (word or "ngày") + spoken.removeprefix("ngày")


def _spoken_day_month(match: re.Match) -> str:
    day, month = (int(g) for g in match.groups())
    if 1 <= day <= 31 and 1 <= month <= 12:
        return f"ngày {day} tháng {month}"
    return match.group(0)


def speakable(text: str) -> str:
    """Plain words a reader can say: no markup, no abbreviations, dates and times in words."""
    # Unescaping can reveal tags ("&lt;b&gt;"), so strip again after it.
    text = strip_tags(html.unescape(strip_tags(text))).replace("**", "").replace("__", "")
    text = _DOCUMENT_NUMBER_RE.sub(_spoken_document_number, text)
    text = _DATE_RE.sub(_spoken_date, text)
    text = _DAY_MONTH_RE.sub(_spoken_day_month, text)
    text = _MONTH_YEAR_RE.sub(lambda m: f"tháng {int(m[1])} năm {m[2]}", text)
    text = _TIME_RE.sub(lambda m: f"{int(m[1])} giờ {int(m[2])} phút", text)
    text = _HOUR_RE.sub(lambda m: f"{int(m[1])} giờ", text)
    text = _MEASURE_RE.sub(lambda m: f"{m[1]} {_MEASURES[m[2]]}", text)
    return _ABBREVIATION_RE.sub(lambda m: ABBREVIATIONS[m.group(0)], text)


def _paragraphs(body: str) -> list[str]:
    """Body lines without list markers; blank lines and list items start a new paragraph."""
    paragraphs, current = [], []
    for line in speakable(body).splitlines():
        stripped = line.strip()
        if not stripped or _BULLET_RE.match(line):
            if current:
                paragraphs.append(" ".join(current))
            current = []
        if stripped:
            current.append(_BULLET_RE.sub("", line).strip())
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _wrap(paragraph: str) -> str:
    return textwrap.fill(
        " ".join(paragraph.split()),
        width=SPEECH_WIDTH,
        break_on_hyphens=False,
        break_long_words=True,
    )


def _opening(notice: Notice) -> list[str]:
    authority = _authority(notice.unit)
    title = speakable(notice.title).rstrip(" .;:!?")
    lines = [
        f"Kính thưa bà con nhân dân {_issuer(notice.unit)}!",
        f"Sau đây, {authority} xin thông báo: {title}.",
    ]
    source = []
    if notice.document_number:
        source.append(speakable(notice.document_number))
    if notice.signed_on:
        source.append(f"ký {spoken_date(notice.signed_on)}")
    if source:
        lines.append("Căn cứ " + ", ".join(source) + ".")
    subject = f"khoản {notice.item.number} Điều 11 Luật Thực hiện dân chủ ở cơ sở"
    period = f", {period_label(notice.period)}" if notice.period else ""
    lines.append(f"Nội dung công khai theo {subject}: {speakable(notice.item.title)}{period}.")
    return lines


def _closing(notice: Notice) -> list[str]:
    authority = _authority(notice.unit)
    posted_on = _first_posting_day(notice) or notice.published_on
    since = f" từ {spoken_date(posted_on)}," if posted_on else ""
    days = settings.DISCLOSURE_POSTING_MIN_DAYS
    lines = (
        [f"Người chịu trách nhiệm: {notice.responsible_name}."] if notice.responsible_name else []
    )
    return [
        *lines,
        f"Thông báo được niêm yết công khai{since} trong thời gian ít nhất {days} ngày.",
        f"Trên đây là thông báo của {authority}, đề nghị bà con nhân dân được biết, "
        "theo dõi và thực hiện. Xin cảm ơn bà con đã chú ý lắng nghe!",
    ]


def loudspeaker_text(notice: Notice) -> str:
    """The notice as read on the commune radio or village loudspeaker (Art 12(1)(iii)):
    plain text, abbreviations and dates spelled out, lines of about 70 characters."""
    paragraphs = [*_opening(notice), *_paragraphs(notice.body), *_closing(notice)]
    return "\n\n".join(_wrap(p) for p in paragraphs) + "\n"
