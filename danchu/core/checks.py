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
    problems.extend(_delivery_classes())
    return problems


def _delivery_classes():
    """The e-mail backend and SMS adapter must import, or every message would fail later."""
    from django.utils.module_loading import import_string

    for setting, env, must_have in (
        ("EMAIL_BACKEND", "DANCHU_EMAIL_BACKEND", "send_messages"),
        ("DANCHU_SMS_ADAPTER", "DANCHU_SMS_ADAPTER", "send"),
    ):
        path = getattr(settings, setting)
        try:
            target = import_string(path)
        except ImportError as exc:
            yield Error(f"{env}={path!r} cannot be imported: {exc}", id="danchu.E002")
            continue
        if not isinstance(target, type) or not callable(getattr(target, must_have, None)):
            yield Error(
                f"{env}={path!r} is not a class with a {must_have}() method", id="danchu.E003"
            )
