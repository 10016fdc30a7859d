"""Commenting with a household code, without an account (Law Art 26(e): opinions through the
portal, open to every household, not only to those with an account).

The village prints a sheet of codes, one per household of the consultation's unit. A code is
the decisions engine's kind of code — ten characters of Crockford base32 (50 bits) from an
HMAC of the secret key, written and compared the same way (`decisions.services.normalize_code`,
`code_hash`) — but computed over "consultation:<id>:<household>", so it can never be the code of
a ballot, nor of another consultation, nor of another household. Only its hash is stored.
Guessing is slowed per address (`danchu.core.throttle`), as on the ballot page.

An opinion sent with a code is recorded for that household, with the channel "online with
household code"; the household's representative is its author, and their name is public only
if they chose so.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from danchu.accounts import permissions
from danchu.audit.services import record
from danchu.consultations.models import HOUSEHOLD_CODE, Consultation, HouseholdCode, Opinion
from danchu.consultations.services import _check_opinion
from danchu.core import throttle
from danchu.core.errors import ValidationError
from danchu.decisions.services import CODE_ALPHABET, code_hash, normalize_code
from danchu.people.models import Household
from danchu.units.models import Unit

# Wrong household codes tolerated from one address in 15 minutes before it must wait.
BAD_CODE_LIMIT = 30
THROTTLE_SCOPE = "consultation-code"


def household_code(consultation_id: int, household_id: int) -> str:
    """The code printed for a household: reproducible from the secret key, never stored."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"consultation:{consultation_id}:{household_id}".encode(),
        hashlib.sha256,
    ).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _i in range(10):
        number, index = divmod(number, 32)
        chars.append(CODE_ALPHABET[index])
    code = "".join(chars)
    return f"{code[:5]}-{code[5:]}"


def households_of(consultation: Consultation):
    """The current households of the consultation's village, or of every village of its
    commune."""
    unit = consultation.unit
    households = Household.objects.current()
    if unit.kind == Unit.Kind.VILLAGE:
        return households.filter(village=unit)
    return households.in_subtree(unit)


@transaction.atomic
def issue_codes(*, actor, consultation: Consultation) -> int:
    """Give every current household of the unit a code for this consultation (those that have
    one keep it: the printed sheet stays valid). Returns how many were added."""
    permissions.require(actor, "consultations.manage", consultation.unit)
    if consultation.status == Consultation.Status.ANSWERED:
        raise ValidationError(
            _("Kết quả tổng hợp đã công bố; không cấp mã góp ý nữa."), code="answered"
        )
    have = set(consultation.household_codes.values_list("household_id", flat=True))
    new = [
        HouseholdCode(
            consultation=consultation,
            household_id=pk,
            code_hash=code_hash(household_code(consultation.pk, pk)),
        )
        for pk in households_of(consultation).values_list("pk", flat=True)
        if pk not in have
    ]
    if not new and not have:
        raise ValidationError(
            _("Đơn vị chưa có danh sách hộ gia đình; hãy nhập danh sách hộ trước khi in mã."),
            code="no_households",
        )
    HouseholdCode.objects.bulk_create(new, batch_size=2000)
    if new:
        record(
            actor=actor,
            action="consultations.codes_issued",
            obj=consultation,
            unit=consultation.unit,
            payload={"added": len(new), "total": len(have) + len(new)},
        )
    return len(new)


def printed_codes(consultation: Consultation, village=None) -> list[tuple[Household, str]]:
    """(household, code) for every household holding a code (of one village if given), in
    the roll's order."""
    issued = HouseholdCode.objects.filter(consultation=consultation)
    if village is not None:
        issued = issued.filter(household__village=village)
    issued = issued.values("household_id")
    households = (
        Household.objects.filter(pk__in=issued)
        .select_related("village", "representative")
        .order_by("village__name", "representative_sort_key", "code")
    )
    return [(h, household_code(consultation.pk, h.pk)) for h in households]


def find_household(consultation: Consultation, code: str, address: str | None) -> Household:
    """The household a code belongs to, for this consultation; a wrong code counts against the
    address, and too many wrong codes make it wait."""
    if throttle.blocked(THROTTLE_SCOPE, address, BAD_CODE_LIMIT):
        raise ValidationError(
            _("Nhập sai mã hộ quá nhiều lần. Xin thử lại sau 15 phút."), code="too_many_attempts"
        )
    entry = (
        HouseholdCode.objects.select_related("household__representative")
        .filter(consultation=consultation, code_hash=code_hash(code or ""))
        .first()
    )
    if entry is None or entry.household.dissolved_on is not None:
        throttle.count_failure(THROTTLE_SCOPE, address)
        raise ValidationError(
            _("Mã hộ không đúng. Kiểm tra lại mã in trên phiếu của đợt lấy ý kiến này."),
            code="bad_code",
        )
    return entry.household


@transaction.atomic
def submit_with_code(
    *,
    consultation: Consultation,
    code: str,
    text: str,
    section_number: int | None = None,
    is_public: bool = False,
    show_name: bool = False,
    address: str | None = None,
) -> Opinion:
    """An opinion sent online with a household's printed code (no account). The same rules as
    on the portal: only while the consultation accepts opinions, an existing section, not
    empty, not too long."""
    household = find_household(consultation, code, address)
    text, section = _check_opinion(consultation, text, section_number)
    representative = household.representative
    opinion = Opinion.objects.create(
        consultation=consultation,
        section=section,
        channel=HOUSEHOLD_CODE,
        text=text,
        original_text=text,
        household=household,
        author_name=representative.full_name if representative else "",
        is_public=is_public,
        show_name=show_name and is_public,
    )
    record(
        actor=None,
        action="consultations.opinion_with_code",
        obj=opinion,
        unit=consultation.unit,
        # The household's choices are kept in the hash-chained log: consent to publish is
        # explicit, per purpose and provable (PDP Law Art 9; NĐ 356/2025; LAW.md R46).
        payload={
            "consultation": consultation.pk,
            "section": section_number,
            "household": household.pk,
            "public": opinion.is_public,
            "show_name": opinion.show_name,
        },
    )
    return opinion


def household_opinions(consultation: Consultation, household: Household):
    """What a household sent with its code, with the answers once published."""
    return (
        consultation.opinions.filter(household=household, channel=HOUSEHOLD_CODE)
        .select_related("section", "group")
        .order_by("pk")
    )


__all__ = ["household_code", "issue_codes", "normalize_code", "submit_with_code"]
