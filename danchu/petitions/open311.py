"""Open311 GeoReport v2 over petitions, at /open311/v2/ (http://wiki.open311.org/GeoReport_v2).

- `services.{json,xml}`: the active categories (service_code = Category.code).
- `services/{service_code}.{json,xml}`: a service definition, no extra attributes.
- `requests.{json,xml}`: GET lists public requests; POST (form-encoded) files feedback
  (phản ánh) through the channel "open311". `jurisdiction_id` is a danchu unit code.
- `requests/{service_request_id}.{json,xml}`: one request (a tracking code).
- `discovery.{json,xml}`: the service discovery document.

What leaves here is what the public status page shows: never who filed, never a
denunciation (tố cáo), no description or location of an item its filer kept private. Status:
open = received, verifying, accepted; closed = refused, forwarded, answered, withdrawn; the
Vietnamese status and a published answer go in `status_notes`. Datetimes carry the
Asia/Ho_Chi_Minh offset. Errors are `[{"code": …, "description": "Vietnamese / English"}]`
with HTTP 400, 403, 404 or 429 — never an HTML page. The secret the filer keeps to rate or
withdraw is given once, in the POST response's `service_notice`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.validators import URLValidator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import re_path
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from danchu.accounts.services import user_for_token
from danchu.core import throttle
from danchu.core.errors import ValidationError, in_both_languages
from danchu.petitions import services
from danchu.petitions.models import OPEN_STATUSES, Category, Petition
from danchu.units.models import Unit

app_name = "open311"

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-27T00:00:00+07:00"
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
# GeoReport v2: a range of at most 90 days, the most recent 90 by default, 1000 requests.
MAX_RANGE = dt.timedelta(days=90)
MAX_REQUESTS = 1000
MAX_IDS = 200
# Online filings without an account per address per window (shared with the web and API).
FILINGS_PER_WINDOW = 20
FILE_SCOPE = "petition-file"
TITLE_CHARS = 120
# XML element of one item of each list.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# --- output -------------------------------------------------------------------------------


# Characters XML 1.0 cannot carry at all, even escaped (control characters, lone surrogates,
# U+FFFE/U+FFFF). Text echoed from a request may hold them; they are dropped from XML output.
XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value) -> str:
    return XML_INVALID.sub("", str(value))


def _xml_value(parent: ET.Element, name: str, value) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(element, key, inner)
    elif isinstance(value, list):
        for inner in value:
            _xml_value(element, ITEMS.get(name, "item"), inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _xml_text(value)


def _xml(root: str, data) -> bytes:
    element = ET.Element(root)
    if isinstance(data, list):
        for item in data:
            _xml_value(element, ITEMS.get(root, "item"), item)
    else:
        for key, value in data.items():
            _xml_value(element, key, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")


def _respond(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    # Element names are fixed here; "service_definition" and "discovery" are objects.
    content = _xml(root, data) if fmt == "xml" else json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _respond(fmt, "errors", [{"code": status, "description": description}], status)


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _requested(petition: Petition) -> dt.datetime:
    """When it was made: the moment it was filed, or the day received for one entered later."""
    if timezone.localdate(petition.created_at) == petition.received_on:
        return petition.created_at
    return _day_start(petition.received_on)


def _expected(petition: Petition) -> dt.datetime | None:
    if petition.due_on is None:
        return None
    return timezone.make_aware(dt.datetime.combine(petition.due_on, dt.time(23, 59, 59)))


def _status_notes(petition: Petition) -> str:
    notes = petition.get_status_display()
    if petition.status == Petition.Status.ANSWERED and petition.answer_public:
        notes = f"{notes}: {petition.answer}"
    elif (
        petition.status == Petition.Status.REFUSED
        and petition.refusal_reason
        and petition.is_public
    ):
        notes = f"{notes}: {petition.refusal_reason}"
    elif petition.status == Petition.Status.FORWARDED and petition.forwarded_to:
        notes = f"{notes}: {petition.forwarded_to}"
    return str(notes)


def _agency(petition: Petition) -> str:
    if petition.status == Petition.Status.FORWARDED and petition.forwarded_to:
        return petition.forwarded_to
    if petition.department:
        return f"{petition.department}, {petition.commune.name}"
    return petition.commune.name


def _notice(petition: Petition) -> str:
    state = services.state_against_due(petition)
    label = str(services.STATE_LABELS[state])
    if petition.due_on is not None:
        return f"{label} — hạn {petition.due_on:%d/%m/%Y} / due {petition.due_on.isoformat()}"
    return label


def _float(value) -> float | None:
    return float(value) if value is not None else None


def service_request(petition: Petition) -> dict:
    """One request, with exactly the GeoReport v2 fields; nothing that names the filer."""
    public = petition.is_public and petition.kind != Petition.Kind.DENUNCIATION
    return {
        "service_request_id": petition.code,
        "status": "open" if petition.status in OPEN_STATUSES else "closed",
        "status_notes": _status_notes(petition),
        "service_name": petition.category.name,
        "service_code": petition.category.code,
        "description": petition.text if public else None,
        "agency_responsible": _agency(petition),
        "service_notice": _notice(petition),
        "requested_datetime": _iso(_requested(petition)),
        "updated_datetime": _iso(petition.updated_at),
        "expected_datetime": _iso(_expected(petition)),
        "address": (petition.address or None) if public else None,
        "address_id": None,
        "zipcode": None,
        "lat": _float(petition.latitude) if public else None,
        "long": _float(petition.longitude) if public else None,
        "media_url": None,
    }


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or category.name_en,
        "metadata": False,
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
    }


# --- input --------------------------------------------------------------------------------


def _param(data, name: str, max_chars: int = 1000) -> str:
    value = (data.get(name) or "").strip()
    if len(value) > max_chars:
        raise Open311Error(
            400, f"Tham số {name} quá dài / the parameter {name} is too long ({max_chars})."
        )
    return value


def _jurisdiction(data, *, required: bool) -> Unit | None:
    code = _param(data, "jurisdiction_id", 40)
    if not code:
        if required:
            raise Open311Error(
                400,
                "Cần jurisdiction_id: mã xã, phường hoặc thôn, tổ dân phố / "
                "jurisdiction_id (a commune or village code) was not provided.",
            )
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Open311Error(
            404,
            f"Không tìm thấy đơn vị “{code}” / jurisdiction_id {code} was not found.",
        )
    return unit


def _category(code: str) -> Category:
    category = Category.objects.filter(code=code, active=True).first()
    if category is None:
        raise Open311Error(404, f"Không có lĩnh vực “{code}” / service_code {code} was not found.")
    return category


def _moment(value: str, name: str) -> dt.datetime | None:
    """A W3C datetime (a date alone is its first moment), in Vietnam's time."""
    if not value:
        return None
    bad = Open311Error(
        400,
        f"{name} không đúng định dạng W3C, ví dụ 2026-11-27T00:00:00+07:00 / "
        f"{name} must be a W3C datetime, e.g. 2026-11-27T00:00:00+07:00.",
    )
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise bad
            moment = dt.datetime.combine(day, dt.time.min)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        local = timezone.localtime(moment)
        # Both ends of the range must stay representable once moved by 90 days.
        if not dt.date(1901, 1, 1) <= local.date() <= dt.date(9000, 1, 1):
            raise bad
        return local
    except (ValueError, OverflowError):
        raise bad from None


def _requested_from(start: dt.datetime) -> Q:
    """requested_datetime >= start (see `_requested`), as a query."""
    day = start.date()
    begin, end = _day_start(day), _day_start(day + dt.timedelta(days=1))
    same_day = Q(created_at__gte=begin, created_at__lt=end)
    boundary = same_day & Q(created_at__gte=start)
    if start == begin:
        boundary |= ~same_day
    return Q(received_on__gt=day) | (Q(received_on=day) & boundary)


def _requested_until(stop: dt.datetime) -> Q:
    """requested_datetime <= stop (see `_requested`), as a query."""
    day = stop.date()
    begin, end = _day_start(day), _day_start(day + dt.timedelta(days=1))
    same_day = Q(created_at__gte=begin, created_at__lt=end)
    boundary = (same_day & Q(created_at__lte=stop)) | ~same_day
    return Q(received_on__lt=day) | (Q(received_on=day) & boundary)


def _public_requests():
    """What anyone may read: never a denunciation."""
    return Petition.objects.exclude(kind=Petition.Kind.DENUNCIATION).select_related(
        "category", "commune"
    )


# --- views --------------------------------------------------------------------------------


def _endpoint(*methods: str):
    """A GeoReport endpoint: its methods, its format, and errors as GeoReport errors."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, fmt: str = "json", **kwargs):
            if request.method not in methods:
                response = _error(
                    fmt,
                    405,
                    f"Phương thức {request.method[:10]} không được hỗ trợ / "
                    f"method not allowed here (use {', '.join(methods)}).",
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return _error(fmt, exc.status, exc.description)
            except ValidationError as exc:
                return _error(fmt, 400, in_both_languages(exc, fallback="invalid input."))
            except PermissionDenied:
                return _error(fmt, 403, "Không có quyền / permission denied.")
            except Http404:
                return _error(fmt, 404, "Không tìm thấy / not found.")
            except RequestDataTooBig:
                return _error(fmt, 413, "Dữ liệu gửi lên quá lớn / the request body is too large.")
            except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent, SuspiciousOperation):
                return _error(
                    fmt, 400, "Dữ liệu gửi lên không đọc được / the request body is malformed."
                )

        return wrapper

    return decorate


@_endpoint("GET")
def discovery(request, fmt: str):
    url = f"{settings.SITE_URL}/open311/v2"
    return _respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": settings.SITE_URL,
            "key_service": f"{settings.SITE_URL}/accounts/",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": url,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
    )


@_endpoint("GET")
def service_list(request, fmt: str):
    _jurisdiction(request.GET, required=False)
    return _respond(fmt, "services", [_service(c) for c in Category.objects.filter(active=True)])


@_endpoint("GET")
def service_definition(request, service_code: str, fmt: str):
    _jurisdiction(request.GET, required=False)
    category = _category(service_code[:100])
    return _respond(fmt, "service_definition", {"service_code": category.code, "attributes": []})


@_endpoint("GET", "POST")
def requests(request, fmt: str):
    if request.method == "POST":
        return _create(request, fmt)
    data = request.GET
    ids = _param(data, "service_request_id", 10_000)
    rows = _public_requests()
    if ids:
        # "This overrides all other arguments."
        codes = [code.strip().upper() for code in ids.split(",") if code.strip()]
        if len(codes) > MAX_IDS:
            raise Open311Error(
                400,
                f"Tối đa {MAX_IDS} service_request_id / at most {MAX_IDS} service_request_id.",
            )
        order = {code: n for n, code in enumerate(codes)}
        found = sorted(rows.filter(code__in=codes[:MAX_IDS]), key=lambda p: order[p.code])
        return _respond(fmt, "service_requests", [service_request(p) for p in found])
    unit = _jurisdiction(data, required=False)
    if unit is not None:
        rows = rows.filter(pk__in=services.in_subtree(unit).values("pk"))
    codes = [c.strip() for c in _param(data, "service_code").split(",") if c.strip()]
    if codes:
        rows = rows.filter(category__in=[_category(code) for code in codes])
    statuses = {s.strip().lower() for s in _param(data, "status").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status chỉ nhận open hoặc closed / status must be open or closed.")
    if statuses == {"open"}:
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        rows = rows.exclude(status__in=OPEN_STATUSES)
    start = _moment(_param(data, "start_date", 40), "start_date")
    end = _moment(_param(data, "end_date", 40), "end_date")
    if start is None and end is None:
        end = timezone.localtime()
    if start is None:
        start = end - MAX_RANGE
    elif end is None:
        end = start + MAX_RANGE
    if start > end:
        raise Open311Error(
            400, "start_date phải trước end_date / start_date must be before end_date."
        )
    if end - start > MAX_RANGE:
        raise Open311Error(
            400,
            "Khoảng thời gian tối đa 90 ngày / the range may not span more than 90 days.",
        )
    rows = rows.filter(_requested_from(start) & _requested_until(end))
    rows = rows.order_by("-received_on", "-created_at", "-id")[:MAX_REQUESTS]
    return _respond(fmt, "service_requests", [service_request(p) for p in rows])


@_endpoint("GET")
def request_detail(request, service_request_id: str, fmt: str):
    code = service_request_id.strip().upper()[:40]
    petition = _public_requests().filter(code=code).first()
    if petition is None:
        raise Open311Error(
            404,
            f"Không tìm thấy yêu cầu “{code}” / service_request_id {code} was not found.",
        )
    return _respond(fmt, "service_requests", [service_request(petition)])


def _filer(request, data):
    """The account of a valid api_key; None without one; 403 for a wrong one."""
    key = _param(data, "api_key", 200)
    if not key:
        return None
    user = user_for_token(key)
    if user is None:
        raise Open311Error(
            403, "api_key không hợp lệ / invalid api_key received, the request was not filed."
        )
    user.api_token_verified = True
    return user


def _title(description: str, category: Category) -> str:
    first = next((line.strip() for line in description.splitlines() if line.strip()), "")
    first = first or category.name
    if len(first) > TITLE_CHARS:
        first = first[: TITLE_CHARS - 1].rstrip() + "…"
    return first


def _create(request, fmt: str) -> HttpResponse:
    data = request.POST
    user = _filer(request, data)
    address = request.META.get("REMOTE_ADDR") or "unknown"
    if user is None and throttle.blocked(FILE_SCOPE, address, FILINGS_PER_WINDOW):
        raise Open311Error(
            429,
            "Bạn đã gửi quá nhiều lần, vui lòng thử lại sau 15 phút / "
            "too many requests from this address, try again in 15 minutes.",
        )
    unit = _jurisdiction(data, required=True)
    code = _param(data, "service_code", 100)
    if not code:
        raise Open311Error(400, "Cần service_code / service_code was not provided.")
    category = _category(code)
    lat, long = _param(data, "lat", 40), _param(data, "long", 40)
    address_string = _param(data, "address_string", 300)
    address_id = _param(data, "address_id", 100)
    if not ((lat and long) or address_string or address_id):
        raise Open311Error(
            400,
            "Cần vị trí: lat và long, hoặc address_string / "
            "a location is required: lat and long, or address_string (or address_id).",
        )
    description = _param(data, "description", settings.PETITION_TEXT_MAX_CHARS)
    if not description:
        raise Open311Error(400, "Cần mô tả sự việc (description) / description is required.")
    media_url = _param(data, "media_url", 1000)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except Exception:  # noqa: BLE001 - Django's own ValidationError
            raise Open311Error(
                400, "media_url không phải địa chỉ http(s) / media_url must be an http(s) URL."
            ) from None
        description = f"{description}\n\nẢnh, tư liệu: {media_url}"
    name = " ".join(
        part for part in (_param(data, "last_name", 100), _param(data, "first_name", 100)) if part
    )
    filed = services.file_petition(
        actor=user,
        kind=Petition.Kind.FEEDBACK,
        category=category,
        unit=unit,
        title=_title(description, category),
        text=description,
        channel=Petition.Channel.OPEN311,
        filer_name=name,
        filer_phone=_param(data, "phone", 40),
        filer_email=_param(data, "email", 254),
        address=address_string or (f"Mã địa chỉ {address_id}" if address_id else ""),
        latitude=lat or None,
        longitude=long or None,
    )
    if user is None:
        throttle.count_failure(FILE_SCOPE, address)
    petition = filed.petition
    due = petition.notice_due_on
    notice = (
        f"Đã tiếp nhận {petition.code}. {petition.commune.name} thông báo thụ lý hay không "
        f"trước ngày {due:%d/%m/%Y}. Mã bí mật để theo dõi, đánh giá hoặc rút đơn: "
        f"{filed.secret} (chỉ hiện một lần, hãy lưu lại). Tra cứu: "
        f"{settings.SITE_URL}/p/{petition.code}/ / Received {petition.code}; the commune says "
        f"by {due.isoformat()} whether it is accepted. Secret to follow, rate or withdraw it: "
        f"{filed.secret} (shown only once, keep it)."
    )
    return _respond(
        fmt,
        "service_requests",
        [{"service_request_id": petition.code, "service_notice": notice, "account_id": None}],
    )


@_endpoint("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
def not_found(request, fmt: str = "json", rest: str = ""):
    fmt = "xml" if rest.endswith(".xml") else "json"
    return _error(fmt, 404, "Không có tài nguyên này / no such GeoReport v2 resource.")


FORMAT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^discovery" + FORMAT, discovery, name="discovery"),
    re_path(r"^services" + FORMAT, service_list, name="services"),
    re_path(r"^services/(?P<service_code>[^/]+)" + FORMAT, service_definition, name="service"),
    re_path(r"^requests" + FORMAT, requests, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]+)" + FORMAT, request_detail, name="request"),
    re_path(r"^(?P<rest>.*)$", not_found, name="not_found"),
]
