"""What the decisions engine holds about a person: their household's votes (the choice only
where the vote was open, never for a secret ballot), their candidacies and terms in office."""

from __future__ import annotations

from django.utils.translation import gettext as _

from danchu.core.personal import text
from danchu.decisions.models import Candidacy, Choice, Participation, Term


def household_votes(user, person) -> list[dict[str, str]]:
    if person is None or person.household_id is None:
        return []
    chosen = {
        c.matter_id: c.option.label
        for c in Choice.objects.filter(household_id=person.household_id).select_related("option")
    }
    participations = Participation.objects.filter(household_id=person.household_id)
    return [
        {
            _("Vấn đề"): p.matter.title,
            _("Ngày"): text(p.created_at),
            _("Hình thức"): p.get_channel_display(),
            _("Phương án đã chọn"): (
                _("bỏ phiếu kín: không lưu") if p.matter.secret else text(chosen.get(p.matter_id))
            ),
        }
        for p in participations.select_related("matter").order_by("created_at", "pk")
    ]


def candidacies_and_terms(user, person) -> list[dict[str, str]]:
    if person is None:
        return []
    rows = [
        {
            _("Ứng cử"): c.option.matter.title,
            _("Nguồn"): c.get_source_display(),
            _("Ngày"): text(c.option.matter.created_at),
        }
        for c in Candidacy.objects.filter(person=person)
        .select_related("option__matter")
        .order_by("pk")
    ]
    rows += [
        {
            _("Nhiệm kỳ"): f"{t.get_office_display()} — {t.village.name}",
            _("Từ ngày"): text(t.started_on),
            _("Đến ngày"): text(t.ended_on or t.ends_on),
        }
        for t in Term.objects.filter(person=person).select_related("village").order_by("started_on")
    ]
    return rows
