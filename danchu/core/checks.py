"""Start-up checks of the configuration (`danchu check`, and every command)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def danchu_settings(app_configs, **kwargs):
    problems = []
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        problems.append(
            Error(
                "danchu supports SQLite and PostgreSQL only.",
                hint="Set DANCHU_DATABASE_URL to postgres://…",
                id="danchu.E001",
            )
        )
    if (
        not settings.DEBUG
        and settings.SITE_URL.startswith("http://")
        and settings.SESSION_COOKIE_SECURE
    ):
        problems.append(
            Warning("DANCHU_SECURE_COOKIES is on but DANCHU_SITE_URL is http://", id="danchu.W001")
        )
    return problems
