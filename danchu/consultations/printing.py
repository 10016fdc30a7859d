"""The printed synthesis of a consultation (Law 10/2022 Art 27–29): "BÁO CÁO TỔNG HỢP Ý KIẾN".

An A4 PDF for the notice board and for the report to the competent authority: what was
consulted on and when, how many opinions came through each channel, and each group of
opinions with the authority's answer — accepted, or not accepted with the reason. It is a
public document, so it names a resident only if they made their opinion public and chose to
show their name, and it quotes only opinions their authors made public. Always in
Vietnamese, whatever the interface language; rendered offline with the DejaVu fonts.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from danchu.consultations.models import (
    OPINION_CHANNELS,
    Channel,
    Consultation,
    Opinion,
    OpinionGroup,
)
from danchu.core.pdf import (
    in_sentence,
    official_date,
    qr_png_data_uri,
    render_pdf,
    without_prefix,
)
from danchu.units.models import Unit


def opinions_by_channel(consultation: Consultation) -> list[tuple[str, int]]:
    """(channel label, number of opinions) for each channel that brought any, in the order
    of Art 26. Opinions hidden by moderation are not part of the synthesis."""
    counts = dict(
        consultation.opinions.filter(hidden=False)
        .values_list("channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(label, counts[value]) for value, label in OPINION_CHANNELS if counts.get(value)]


def _leader(unit: Unit) -> str:
    """Who signs for a village: "Trưởng thôn", "Tổ trưởng tổ dân phố", "Trưởng bản"…"""
    kind = unit.division_type or "Thôn"
    if kind.lower() == "tổ dân phố":
        return "Tổ trưởng tổ dân phố"
    return f"Trưởng {kind.lower()}"


def first_of_each_group(opinions, limit: int) -> dict[int, list[Opinion]]:
    """{group id: its first `limit` opinions of `opinions`, oldest first}, in one query
    whatever the number of opinions (a window function ranks them within their group)."""
    ranked = opinions.filter(group__isnull=False).annotate(
        rank=Window(RowNumber(), partition_by=[F("group_id")], order_by=F("pk").asc())
    )
    result: dict[int, list[Opinion]] = {}
    for opinion in ranked.filter(rank__lte=limit).order_by("group_id", "pk"):
        result.setdefault(opinion.group_id, []).append(opinion)
    return result


def synthesis_groups(
    consultation: Consultation, quotes: int | None = None
) -> dict[str, list[OpinionGroup]]:
    """The groups of the synthesis, accepted and not accepted, each with the opinions that are
    not hidden: `count` of them, `public_opinions` (the first `quotes` public ones, quoted),
    `more_public` (the public ones not quoted) and `private_count`. Three queries, whatever
    the number of opinions: the synthesis summarises; every public opinion stays readable on
    its group's page."""
    limit = quotes or settings.CONSULTATION_SYNTHESIS_QUOTES
    visible = Q(opinions__hidden=False)
    groups = consultation.groups.annotate(
        count=Count("opinions", filter=visible),
        public_count=Count("opinions", filter=visible & Q(opinions__is_public=True)),
    )
    quoted = first_of_each_group(
        consultation.opinions.filter(hidden=False, is_public=True).select_related("section"),
        limit,
    )
    result: dict[str, list[OpinionGroup]] = {"accepted": [], "not_accepted": []}
    for group in groups:
        group.public_opinions = quoted.get(group.pk, [])
        group.more_public = group.public_count - len(group.public_opinions)
        group.private_count = group.count - group.public_count
        key = "accepted" if group.answer == OpinionGroup.Answer.ACCEPTED else "not_accepted"
        result[key].append(group)
    return result


def _context(consultation: Consultation) -> dict:
    unit = consultation.unit
    commune = unit.commune() or unit
    published = consultation.synthesis_published_at
    published_on = timezone.localtime(published).date() if published else None
    by_channel = opinions_by_channel(consultation)
    labels = dict(Channel.choices)
    return {
        "consultation": consultation,
        "unit": unit,
        "is_commune": unit.kind == Unit.Kind.COMMUNE,
        "commune": commune,
        "place": without_prefix(commune),
        "authority": (
            f"Ủy ban nhân dân {in_sentence(unit)}"
            if unit.kind == Unit.Kind.COMMUNE
            else in_sentence(unit)
        ),
        "leader": _leader(unit),
        "url": settings.SITE_URL + consultation.get_absolute_url(),
        "published_on": published_on,
        "dated": official_date(published_on) if published_on else None,
        "year": (published_on or timezone.localdate()).year,
        "forms_used": [str(labels[f]) for f in consultation.forms if f in labels],
        "by_channel": by_channel,
        "total": sum(n for _label, n in by_channel),
        "hidden_count": consultation.opinions.filter(hidden=True).count(),
        "groups": synthesis_groups(consultation),
    }


def synthesis_pdf(consultation: Consultation) -> bytes:
    """The synthesis of opinions as an A4 PDF (Art 27–29): accepted, not accepted with
    reasons, published on. Before publication it carries a "BẢN NHÁP" label."""
    return render_pdf("consultations/print/synthesis.html", _context(consultation), language="vi")


def household_codes_pdf(consultation: Consultation, *, village=None) -> bytes:
    """The sheet of household codes (A4, slips to cut and hand out): each slip names the
    village, the household and its representative, the consultation and its period, the page
    to open (with a QR code) and the household's code."""
    from django.urls import reverse

    from danchu.consultations import codes

    unit = consultation.unit
    url = settings.SITE_URL + reverse("consultations:household", args=[unit.code, consultation.pk])
    return render_pdf(
        "consultations/print/household_codes.html",
        {
            "consultation": consultation,
            "unit": unit,
            "url": url,
            "qr": qr_png_data_uri(url),
            "slips": codes.printed_codes(consultation, village=village),
        },
        language="vi",
    )
