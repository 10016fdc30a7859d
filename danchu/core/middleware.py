"""Requests carrying a NUL character are refused up front.

PostgreSQL cannot store or compare text containing NUL, so such input would otherwise
surface as a server error deep inside a query. No legitimate form or API call sends it.
"""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

MESSAGE = "Dữ liệu chứa ký tự không hợp lệ (NUL). / The request contains an invalid NUL character."
TOO_BIG = "Dữ liệu gửi lên quá lớn. / The request body is too large."


def refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """A refusal in the form the caller reads: JSON for the API, Open311's error list for
    GeoReport clients (XML when the path asks for it), plain text for pages."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    if request.path.startswith("/open311/"):
        if request.path.endswith(".xml"):
            body = (
                '<?xml version="1.0" encoding="utf-8"?>\n<errors><error>'
                f"<code>{status}</code><description>{message}</description></error></errors>"
            )
            return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
        body = json.dumps([{"code": status, "description": message}], ensure_ascii=False)
        return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            has_nul = self._has_nul(request)
        except RequestDataTooBig:
            # Larger than DATA_UPLOAD_MAX_MEMORY_SIZE: refused before anything reads it.
            return refuse(request, TOO_BIG, 413)
        if has_nul:
            return refuse(request, MESSAGE, 400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and not content_type.startswith("multipart/"):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body or b"%00" in body
        return False


class LanguageMiddleware:
    """Vietnamese unless the person chose otherwise.

    Web pages follow only the language chosen with the language button (a cookie), not the
    browser's Accept-Language: many phones in Vietnam are set to English, and their owners
    still expect danchu in Vietnamese. API clients may ask for English with Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        available = {code for code, _name in settings.LANGUAGES}
        if chosen not in available:
            chosen = settings.LANGUAGE_CODE
            if request.path.startswith("/api/"):
                chosen = translation.get_language_from_request(request) or chosen
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch = response.get("Vary", "")
        if "Cookie" not in patch:
            response["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        return response
