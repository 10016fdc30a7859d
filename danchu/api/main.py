"""The JSON API at /api/v1/: one NinjaAPI, one router per app, errors as {"detail": ...}."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
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
        {
            "detail": first_message(exc),
            "code": getattr(exc, "code", None),
            "errors": exc.messages,
        },
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


# A request body Django refuses to read (ninja reads it while binding the parameters): left
# to Django, each of these would be an English HTML page.


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request, exc: MultiPartParserError):
    return api.create_response(
        request,
        {
            "detail": "Dữ liệu gửi lên (multipart/form-data) bị hỏng, hãy gửi lại tệp / "
            "malformed multipart body, send the file again."
        },
        status=400,
    )


def _security_log(exc: SuspiciousOperation) -> None:
    # What Django would have logged had it answered itself.
    logging.getLogger(f"django.security.{type(exc).__name__}").warning("%s", exc)


@api.exception_handler(RequestDataTooBig)
def on_body_too_big(request, exc: RequestDataTooBig):
    _security_log(exc)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    if limit >= 1024 * 1024:
        size = f" ({limit // (1024 * 1024)} MB)"
    else:
        size = f" ({max(1, limit // 1024)} KB)" if limit else ""
    return api.create_response(
        request,
        {
            "detail": f"Dữ liệu gửi lên vượt quá giới hạn{size} / "
            f"the request body is larger than the limit{size}."
        },
        status=413,
    )


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def on_too_many_parts(request, exc: SuspiciousOperation):
    _security_log(exc)
    return api.create_response(
        request,
        {
            "detail": "Dữ liệu gửi lên có quá nhiều trường hoặc tệp / "
            "the request has too many fields or files."
        },
        status=400,
    )


from danchu.api import consultations as consultations_routes  # noqa: E402
from danchu.api import decisions as decisions_routes  # noqa: E402
from danchu.api import disclosures as disclosures_routes  # noqa: E402
from danchu.api import elections as election_routes  # noqa: E402
from danchu.api import people as people_routes  # noqa: E402
from danchu.api import petitions as petitions_routes  # noqa: E402
from danchu.api import steering as steering_routes  # noqa: E402
from danchu.api import units as unit_routes  # noqa: E402

api.add_router("/units", unit_routes.router)
api.add_router("/", people_routes.router)
api.add_router("/", disclosures_routes.router)
api.add_router("/", decisions_routes.router)
api.add_router("/", election_routes.router)
api.add_router("/", consultations_routes.router)
api.add_router("/", petitions_routes.router)
api.add_router("/", steering_routes.router)
