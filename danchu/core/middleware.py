"""Requests carrying a NUL character are refused up front.

PostgreSQL cannot store or compare text containing NUL, so such input would otherwise
surface as a server error deep inside a query. No legitimate form or API call sends it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

MESSAGE = "Dữ liệu chứa ký tự không hợp lệ (NUL). / The request contains an invalid NUL character."


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE}, status=400)
            return HttpResponse(MESSAGE, status=400, content_type="text/plain; charset=utf-8")
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
