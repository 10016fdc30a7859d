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
