import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from danchu.api.auth import BearerToken, OptionalBearer
from danchu.api.pagination import Pages
from danchu.core.errors import ValidationError
from danchu.people.models import Household
from danchu.units import services
from danchu.units.models import Unit

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    division_type: str
    parent: str | None = Field(None, alias="parent.code")
    valid_from: dt.date | None
    valid_to: dt.date | None
    successor: str | None = Field(None, alias="successor.code")
    url: str

    @staticmethod
    def resolve_url(obj: Unit) -> str:
        return obj.get_absolute_url()


class UnitDetailOut(UnitOut):
    household_count: int
    people_count: int
    child_count: int


class UnitFilter(Schema):
    kind: Unit.Kind | None = None
    parent: str | None = Field(None, max_length=32, description="code of the parent unit")
    q: str | None = Field(None, max_length=100, description="name, accents optional")
    current: bool = Field(True, description="only units in force today")


class VillageIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    division_type: str = "Thôn"
    code: str = Field("", max_length=32)


class RenameIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    decision: str = Field("", max_length=120)


class MergeIn(Schema):
    sources: list[str] = Field(..., min_length=1, max_length=50, description="village codes")
    into: str | None = Field(None, max_length=32, description="an existing village, or none")
    new_name: str = Field("", max_length=200, description="the new village's name, without into")
    effective: dt.date
    decision: str = Field("", max_length=120, description="the HĐND resolution, e.g. NQ 12")


def _unit(code: str) -> Unit:
    try:
        return services.get_unit(code)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from None


@router.get("", response=list[UnitOut], auth=OptionalBearer(), summary="List and search units")
@paginate(Pages, page_size=50)
def list_units(request, filters: Query[UnitFilter]):
    units = Unit.objects.select_related("parent", "successor").exclude(kind=Unit.Kind.NATION)
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.parent:
        units = units.filter(parent=_unit(filters.parent))
    if filters.q:
        units = units.search(filters.q)
    if filters.current:
        units = units.current()
    return units.order_by("depth", "sort_key", "pk")


@router.get("/{code}", response=UnitDetailOut, auth=OptionalBearer(), summary="One unit")
def get_unit(request, code: str):
    unit = _unit(code)
    totals = Household.objects.current().in_subtree(unit).totals()
    unit.household_count = totals["households"]
    unit.people_count = totals["people"]
    unit.child_count = unit.children.current().count()
    return unit


@router.post(
    "/{code}/villages",
    response={201: UnitOut},
    auth=BearerToken(),
    summary="Create a village or residential group in a commune",
)
def create_village(request, code: str, payload: VillageIn):
    village = services.create_village(
        actor=request.auth,
        commune=_unit(code),
        name=payload.name,
        division_type=payload.division_type,
        code=payload.code,
    )
    return Status(201, village)


@router.post("/{code}/rename", response=UnitOut, auth=BearerToken(), summary="Rename a village")
def rename_unit(request, code: str, payload: RenameIn):
    unit = _unit(code)
    return services.rename_unit(
        actor=request.auth, unit=unit, name=payload.name, decision=payload.decision
    )


@router.post(
    "/{code}/merge",
    response=UnitOut,
    auth=BearerToken(),
    summary="Merge villages of a commune into one of them or into a new village",
)
def merge_units(request, code: str, payload: MergeIn):
    commune = _unit(code)
    sources = [_unit(source) for source in payload.sources]
    into = _unit(payload.into) if payload.into else None
    if any(u.parent_id != commune.pk for u in [*sources, *([into] if into else [])]):
        raise ValidationError(
            "Chỉ sáp nhập các thôn, tổ dân phố của %(commune)s / only villages of this commune.",
            code="different_communes",
            params={"commune": commune.name},
        )
    return services.merge_units(
        actor=request.auth,
        sources=sources,
        into=into,
        new_name=payload.new_name,
        effective=payload.effective,
        decision=payload.decision,
    )
