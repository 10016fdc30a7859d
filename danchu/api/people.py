from datetime import date

from django.http import Http404
from ninja import Field, File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from danchu.accounts import permissions
from danchu.api.auth import BearerToken
from danchu.api.pagination import Pages
from danchu.core.errors import ValidationError
from danchu.people import privacy, services
from danchu.people.models import DataRequest
from danchu.units.models import Unit
from danchu.units.services import get_unit

router = Router(tags=["people"], auth=BearerToken())


class GrantOut(Schema):
    role: str
    role_label: str = Field(..., alias="get_role_display")
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")


class MeOut(Schema):
    username: str
    full_name: str
    grants: list[GrantOut]


class HouseholdOut(Schema):
    code: str
    representative: str | None = Field(None, alias="representative.full_name")
    address: str
    phone: str | None = Field(None, alias="representative.phone")
    member_count: int


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int


class ImportErrorOut(Schema):
    detail: str
    errors: list[dict]


def _village(code: str) -> Unit:
    try:
        unit = get_unit(code)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from None
    if unit.kind != Unit.Kind.VILLAGE:
        raise Http404("Không phải thôn, tổ dân phố / not a village.")
    return unit


@router.get("/me", response=MeOut, summary="The token's user and their role grants")
def me(request):
    user = request.auth
    return {
        "username": user.username,
        "full_name": user.full_name,
        "grants": list(permissions.grants_of(user)),
    }


@router.get(
    "/units/{code}/households",
    response=list[HouseholdOut],
    summary="A village's household roll (officers only; personal data)",
)
@paginate(Pages, page_size=100)
def list_households(request, code: str):
    village = _village(code)
    permissions.require(request.auth, "people.view_roll", village)
    services.record_roll_viewed(actor=request.auth, village=village)
    return services.roll(village)


@router.post(
    "/units/{code}/households/import",
    response={200: ImportOut, 422: ImportErrorOut},
    summary="Import a CSV or XLSX household file into a village",
)
def import_households(request, code: str, file: File[UploadedFile]):
    village = _village(code)
    try:
        report = services.import_households(
            actor=request.auth, village=village, data=file.read(), filename=file.name or ""
        )
    except services.ImportRejected as exc:
        return Status(
            422,
            {
                "detail": f"Tệp có {len(exc.row_errors)} lỗi; không hộ nào được nhập.",
                "errors": [
                    {"line": e.line, "column": e.column, "message": e.message}
                    for e in exc.row_errors
                ],
            },
        )
    return report


# --- personal data (docs/personal-data.md) -----------------------------------------------------


class RecordsOut(Schema):
    key: str
    title: str
    rows: list[dict[str, str]]


class DataRequestOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    details: str
    unit: str = Field(..., alias="unit.code")
    received_on: date
    due_on: date
    status: str
    status_label: str = Field(..., alias="get_status_display")
    answer: str
    answered_on: date | None


class MyDataOut(Schema):
    sections: list[RecordsOut]
    requests: list[DataRequestOut]


class DataRequestIn(Schema):
    kind: str = Field(..., description="correction, deletion or restriction")
    details: str = Field(..., max_length=2000)


class DataAnswerIn(Schema):
    outcome: str = Field(..., description="done or refused")
    answer: str = Field(..., max_length=2000)


@router.get(
    "/me/data",
    response=MyDataOut,
    summary="Everything danchu holds about the token's user, and their data requests",
)
def my_data(request):
    data = privacy.gather(request.auth)
    return {"sections": data["sections"], "requests": data["requests"]}


@router.post(
    "/me/data-requests",
    response={201: DataRequestOut},
    summary="Ask for personal data to be corrected, deleted or no longer used (2 working days)",
)
def file_data_request(request, payload: DataRequestIn):
    return Status(
        201,
        privacy.file_request(user=request.auth, kind=payload.kind, details=payload.details),
    )


@router.get(
    "/units/{code}/data-requests",
    response=list[DataRequestOut],
    summary="Residents' data requests answered under a commune (open first, by due date)",
)
@paginate(Pages, page_size=50)
def list_data_requests(request, code: str):
    try:
        unit = get_unit(code)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from None
    permissions.require(request.auth, "people.manage", unit)
    return privacy.requests_under(unit)


@router.post(
    "/data-requests/{request_id}/answer",
    response=DataRequestOut,
    summary="Answer a resident's data request: done (what was done) or refused (why)",
)
def answer_data_request(request, request_id: int, payload: DataAnswerIn):
    data_request = DataRequest.objects.select_related("unit").filter(pk=request_id).first()
    if data_request is None:
        raise Http404("Không có yêu cầu này / no such request.")
    return privacy.answer_request(
        actor=request.auth, request=data_request, outcome=payload.outcome, answer=payload.answer
    )
