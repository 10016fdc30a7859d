"""The JSON API at /api/v1/: one NinjaAPI, one router per app, errors as {"detail": ...}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from danchu.core.errors import first_message

api = NinjaAPI(
    title="danchu API",
    version="1",
    description="Dân Chủ Cơ Sở — units, households and the grassroots-democracy engines. "
    "Authenticate with `Authorization: Bearer <token>` (`danchu token create USERNAME`).",
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    return api.create_response(
        request,
        {"detail": first_message(exc), "code": getattr(exc, "code", None), "errors": exc.messages},
        status=422,
    )


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc: NinjaValidationError):
    details = []
    for error in exc.errors:
        # The first element says where the value came from (body, query, path): drop only it.
        where = ".".join(str(p) for p in list(error.get("loc", []))[1:])
        details.append(f"{where}: {error.get('msg', '')}" if where else error.get("msg", ""))
    return api.create_response(
        request,
        {
            "detail": "Dữ liệu không hợp lệ / invalid input: " + "; ".join(details),
            "errors": exc.errors,
        },
        status=422,
    )


@api.exception_handler(PermissionDenied)
def on_denied(request, exc: PermissionDenied):
    message = str(exc) or "Không có quyền / permission denied."
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc: Http404):
    return api.create_response(
        request, {"detail": str(exc) or "Không tìm thấy / not found."}, status=404
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request,
        {
            "detail": "Cần mã truy cập hợp lệ (Authorization: Bearer …) / "
            "a valid bearer token is required."
        },
        status=401,
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


from danchu.api import consultations as consultations_routes  # noqa: E402
from danchu.api import decisions as decisions_routes  # noqa: E402
from danchu.api import disclosures as disclosures_routes  # noqa: E402
from danchu.api import people as people_routes  # noqa: E402
from danchu.api import petitions as petitions_routes  # noqa: E402
from danchu.api import steering as steering_routes  # noqa: E402
from danchu.api import units as unit_routes  # noqa: E402

api.add_router("/units", unit_routes.router)
api.add_router("/", people_routes.router)
api.add_router("/", disclosures_routes.router)
api.add_router("/", decisions_routes.router)
api.add_router("/", consultations_routes.router)
api.add_router("/", petitions_routes.router)
api.add_router("/", steering_routes.router)
