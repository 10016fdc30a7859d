"""danchu's addresses plus POST /bench/write/ (see _floor_settings); served only by the
benchmark's own server, in the benchmark's own database."""

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import path

from danchu.urls import urlpatterns as danchu_urlpatterns

TABLE = "bench_floor_write"


def create_table() -> None:
    """The table the endpoint writes to, in the benchmark's database (called once, before
    the server starts)."""
    key = "bigserial" if connection.vendor == "postgresql" else "integer"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {TABLE} (id {key} PRIMARY KEY, code text NOT NULL)")


def write(request: HttpRequest) -> HttpResponse:
    """One row written and committed, nothing read: what every vote does at the least."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (code) VALUES (%s)", [request.POST.get("code", "")])  # noqa: S608
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/write/", write), *danchu_urlpatterns]
