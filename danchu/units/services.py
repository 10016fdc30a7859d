"""Legal steps on the unit tree: seed the official list; create, rename, merge villages.

Since 1 July 2025 (Luật Tổ chức chính quyền địa phương 72/2025/QH15) the commune
HĐND creates, merges and renames villages and residential groups; danchu records the
decision. Nothing is deleted: a merged unit ends (`valid_to`) and names its successor.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts import permissions
from danchu.audit.services import record
from danchu.core.errors import ValidationError
from danchu.core.vietnamese import fold
from danchu.units.models import Unit

NATION_CODE = "VN"
# The day the two-tier local government took effect (NQ 202/2025/QH15).
TWO_TIER_START = dt.date(2025, 7, 1)
VILLAGE_DIVISION_TYPES = [
    "Thôn",
    "Tổ dân phố",
    "Làng",
    "Ấp",
    "Bản",
    "Buôn",
    "Bon",
    "Phum",
    "Sóc",
    "Khu phố",
    "Khối phố",
    "Tiểu khu",
    "Xóm",
]
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


def get_unit(code: str) -> Unit:
    try:
        return Unit.objects.select_related("parent", "successor").get(code=code)
    except Unit.DoesNotExist:
        raise ValidationError(
            _("Không tìm thấy đơn vị có mã %(code)s."), code="unknown_unit", params={"code": code}
        ) from None


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Tên đơn vị không được để trống."), code="name_required")
    if len(name) > 200:
        raise ValidationError(_("Tên đơn vị dài quá 200 ký tự."), code="name_too_long")
    return name


def next_village_code(commune: Unit) -> str:
    existing = set(
        Unit.objects.filter(parent=commune, kind=Unit.Kind.VILLAGE).values_list("code", flat=True)
    )
    n = len(existing) + 1
    while f"{commune.code}-{n:02d}" in existing:
        n += 1
    return f"{commune.code}-{n:02d}"


@transaction.atomic
def create_village(
    *,
    actor,
    commune: Unit,
    name: str,
    division_type: str = "Thôn",
    code: str = "",
    valid_from: dt.date | None = None,
) -> Unit:
    """Record a village or residential group created by the commune (Luật 72/2025)."""
    permissions.require(actor, "units.manage", commune)
    if commune.kind != Unit.Kind.COMMUNE:
        raise ValidationError(
            _("Thôn, tổ dân phố chỉ được tạo trong một xã, phường hoặc đặc khu."),
            code="parent_not_commune",
        )
    if not commune.is_current():
        raise ValidationError(
            _("%(name)s đã hết hiệu lực; hãy tạo thôn ở đơn vị kế thừa."),
            code="commune_ended",
            params={"name": commune.name},
        )
    name = _clean_name(name)
    if division_type not in VILLAGE_DIVISION_TYPES:
        raise ValidationError(
            _("Loại đơn vị “%(value)s” không hợp lệ."),
            code="bad_division_type",
            params={"value": division_type},
        )
    code = (code or "").strip() or next_village_code(commune)
    if not _CODE_RE.match(code):
        raise ValidationError(
            _("Mã đơn vị chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang (tối đa 32 ký tự)."),
            code="bad_code",
        )
    if Unit.objects.filter(code=code).exists():
        raise ValidationError(
            _("Mã %(code)s đã được dùng."), code="duplicate_code", params={"code": code}
        )
    if Unit.objects.current().filter(parent=commune, name_folded=fold(name)).exists():
        raise ValidationError(
            _("%(commune)s đã có đơn vị tên “%(name)s”."),
            code="duplicate_name",
            params={"commune": commune.name, "name": name},
        )
    village = Unit(
        kind=Unit.Kind.VILLAGE,
        division_type=division_type,
        code=code,
        name=name,
        parent=commune,
        valid_from=valid_from,
    )
    village.full_clean(exclude=["path"])
    village.save()
    record(actor=actor, action="unit.created", obj=village, unit=village, payload={"name": name})
    return village


@transaction.atomic
def rename_unit(*, actor, unit: Unit, name: str, decision: str = "") -> Unit:
    """Rename a village (e.g. for duplicate names after a merge, 4168/BNV-CQĐP)."""
    parent = unit.parent or unit
    permissions.require(actor, "units.manage", parent)
    if unit.kind not in (Unit.Kind.VILLAGE, Unit.Kind.AGENCY, Unit.Kind.ENTERPRISE):
        raise ValidationError(
            _(
                "Chỉ đổi tên được thôn, tổ dân phố, cơ quan hoặc doanh nghiệp; "
                "tên xã, tỉnh lấy theo danh mục chính thức."
            ),
            code="rename_official",
        )
    if not unit.is_current():
        raise ValidationError(_("Đơn vị đã hết hiệu lực."), code="unit_ended")
    name = _clean_name(name)
    old = unit.name
    if name == old:
        raise ValidationError(_("Tên mới trùng tên hiện tại."), code="same_name")
    if (
        unit.parent_id
        and Unit.objects.current()
        .filter(parent_id=unit.parent_id, name_folded=fold(name))
        .exclude(pk=unit.pk)
        .exists()
    ):
        raise ValidationError(
            _("%(commune)s đã có đơn vị tên “%(name)s”."),
            code="duplicate_name",
            params={"commune": parent.name, "name": name},
        )
    unit.name = name
    unit.save()
    record(
        actor=actor,
        action="unit.renamed",
        obj=unit,
        unit=unit,
        payload={"old": old, "new": name, "decision": decision},
    )
    return unit


MERGE_MAX_DAYS_AHEAD = 366


@transaction.atomic
def merge_units(
    *,
    actor,
    sources: list[Unit],
    into: Unit | None = None,
    new_name: str = "",
    effective: dt.date,
    decision: str = "",
) -> Unit:
    """Merge villages: each source ends the day before `effective` and points at the successor.

    The successor is either an existing village (`into`) or a new one named `new_name`.
    Households move to the successor; their history under the old unit stays in the audit
    log, and the old unit keeps its name, code and page.
    """
    if not sources:
        raise ValidationError(_("Chọn ít nhất một đơn vị để sáp nhập."), code="no_sources")
    if len({s.pk for s in sources}) != len(sources):
        raise ValidationError(
            _("Một đơn vị được chọn hai lần để sáp nhập."), code="duplicate_sources"
        )
    communes = {s.parent_id for s in sources} | ({into.parent_id} if into else set())
    if len(communes) != 1:
        raise ValidationError(
            _("Chỉ sáp nhập được các thôn, tổ dân phố trong cùng một xã, phường."),
            code="different_communes",
        )
    commune = sources[0].parent
    permissions.require(actor, "units.manage", commune)
    today = timezone.localdate()
    # A merge takes effect from its decision: not before a unit it joins existed, and not
    # years ahead (households move at once).
    latest = today + dt.timedelta(days=MERGE_MAX_DAYS_AHEAD)
    if not dt.date(2000, 1, 1) < effective <= latest:
        raise ValidationError(
            _("Ngày sáp nhập phải sau 01/01/2000 và không quá %(day)s."),
            code="bad_effective_date",
            params={"day": latest.strftime("%d/%m/%Y")},
        )
    for unit in [*sources, *([into] if into else [])]:
        if unit.valid_from and effective <= unit.valid_from:
            raise ValidationError(
                _("Ngày sáp nhập phải sau ngày %(name)s bắt đầu có hiệu lực (%(day)s)."),
                code="before_unit_began",
                params={"name": unit.name, "day": unit.valid_from.strftime("%d/%m/%Y")},
            )
    if into is not None and (into.kind != Unit.Kind.VILLAGE or not into.is_current(effective)):
        raise ValidationError(
            _("%(name)s không phải thôn, tổ dân phố đang có hiệu lực."),
            code="bad_into",
            params={"name": into.name},
        )
    for source in sources:
        if source.kind != Unit.Kind.VILLAGE:
            raise ValidationError(
                _("%(name)s không phải thôn, tổ dân phố."),
                code="not_village",
                params={"name": source.name},
            )
        if not source.is_current(effective):
            raise ValidationError(
                _("%(name)s đã hết hiệu lực."), code="unit_ended", params={"name": source.name}
            )
    if into is not None and into in sources:
        raise ValidationError(
            _("Đơn vị nhận không được nằm trong danh sách bị sáp nhập."), code="into_in_sources"
        )
    if into is None and len(sources) < 2:
        raise ValidationError(
            _("Sáp nhập thành đơn vị mới cần ít nhất hai đơn vị."), code="too_few_sources"
        )
    if into is None:
        into = create_village(
            actor=actor,
            commune=commune,
            name=new_name,
            division_type=sources[0].division_type or "Thôn",
            valid_from=effective,
        )
    from danchu.people.services import move_households

    ended = effective - dt.timedelta(days=1)
    for source in sources:
        source.valid_to = ended
        source.successor = into
        source.save(update_fields=["valid_to", "successor"])
        moved = move_households(source=source, target=into)
        record(
            actor=actor,
            action="unit.merged",
            obj=source,
            unit=source,
            payload={
                "into": into.code,
                "effective": effective,
                "decision": decision,
                "households_moved": moved,
            },
        )
    return into


def seed_units(*, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Load the nation, 34 provinces and 3,321 communes from `vietnam-provinces`.

    Idempotent: a unit whose code exists is updated in place (name, type), never duplicated.
    Official codes: provinces 2 digits ("01"), communes 5 digits ("10402").
    """
    from vietnam_provinces import Province, Ward

    created = updated = 0
    with transaction.atomic():
        nation, was_created = Unit.objects.get_or_create(
            code=NATION_CODE,
            defaults={"kind": Unit.Kind.NATION, "name": "Việt Nam", "division_type": "Quốc gia"},
        )
        created += was_created
        existing = {u.code: u for u in Unit.objects.filter(kind__in=["province", "commune"])}
        provinces = {}
        for province in Province.iter_all():
            code = f"{int(province.code):02d}"
            provinces[int(province.code)], c, u = _upsert(
                existing,
                code,
                Unit.Kind.PROVINCE,
                province.name,
                _division_label(province.division_type.value),
                nation,
                TWO_TIER_START,
            )
            created += c
            updated += u
            if progress:
                progress(1)
        for ward in Ward.iter_all():
            code = f"{int(ward.code):05d}"
            _unit, c, u = _upsert(
                existing,
                code,
                Unit.Kind.COMMUNE,
                ward.name,
                _division_label(ward.division_type.value),
                provinces[int(ward.province_code)],
                TWO_TIER_START,
            )
            created += c
            updated += u
            if progress:
                progress(1)
    return {"created": created, "updated": updated, "total": Unit.objects.count()}


def _division_label(value: str) -> str:
    return value[:1].upper() + value[1:]


def _upsert(existing, code, kind, name, division_type, parent, valid_from):
    unit = existing.get(code)
    if unit is None:
        unit = Unit(
            kind=kind,
            code=code,
            name=name,
            division_type=division_type,
            parent=parent,
            valid_from=valid_from,
        )
        unit.save()
        existing[code] = unit
        return unit, 1, 0
    if (unit.name, unit.division_type, unit.parent_id) != (name, division_type, parent.pk):
        unit.name, unit.division_type, unit.parent = name, division_type, parent
        unit.save()
        return unit, 0, 1
    return unit, 0, 0
