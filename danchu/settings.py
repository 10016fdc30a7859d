"""danchu settings: one file, driven by DANCHU_* environment variables.

Bad configuration fails at start-up with ImproperlyConfigured and a message that
names the variable. See README.md for the table of variables.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true/false (1/0, yes/no), got {raw!r}")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_secret(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path!r}: {exc}") from None
    return os.environ.get(name, default)


DEBUG = env_bool("DANCHU_DEBUG", False)
DATA_DIR = Path(os.environ.get("DANCHU_DATA_DIR") or REPO_DIR / "var").resolve()

SECRET_KEY = env_secret("DANCHU_SECRET_KEY")
if not SECRET_KEY:
    # A per-installation key kept in the data directory, so the demo and a
    # first install need no setup while production can pass its own.
    _key_file = DATA_DIR / "secret_key"
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        if not _key_file.exists():
            import secrets

            _key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
            _key_file.chmod(0o600)
        SECRET_KEY = _key_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"DANCHU_SECRET_KEY is not set and {_key_file} cannot be used: {exc}"
        ) from None
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("DANCHU_SECRET_KEY must be at least 32 characters long")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DANCHU_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
if not ALLOWED_HOSTS:
    # An empty list would answer every request with 400 Bad Request.
    raise ImproperlyConfigured(
        "DANCHU_ALLOWED_HOSTS names no host: give the site's host names, comma-separated"
    )
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DANCHU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]


def _site_url() -> str:
    """The address printed on ballots, QR codes and e-mails: http(s)://host[:port][/path]."""
    from urllib.parse import urlsplit

    raw = os.environ.get("DANCHU_SITE_URL", "http://127.0.0.1:8000").strip()
    try:
        parts = urlsplit(raw)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or not port_ok
        or parts.query
        or parts.fragment
        or any(c.isspace() for c in raw)
    ):
        raise ImproperlyConfigured(
            f"DANCHU_SITE_URL must be http(s)://host[:port][/path], got {raw!r}"
        )
    return raw.rstrip("/")


SITE_URL = _site_url()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "danchu.core",
    "danchu.audit",
    "danchu.workdays",
    "danchu.units",
    "danchu.accounts",
    "danchu.people",
    "danchu.notify",
    "danchu.disclosures",
    "danchu.decisions",
    "danchu.consultations",
    "danchu.petitions",
    "danchu.steering",
    "danchu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "danchu.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "danchu.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "danchu.urls"
WSGI_APPLICATION = "danchu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    }
]


def _database() -> dict:
    url = os.environ.get("DANCHU_DATABASE_URL", "").strip()
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "danchu.sqlite3",
            "OPTIONS": {
                # Writers queue instead of failing: BEGIN IMMEDIATE takes the write
                # lock up front, WAL lets readers go on while one writer works.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536;"
                ),
            },
        }
    import dj_database_url

    if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(
            "DANCHU_DATABASE_URL must start with postgres://, postgresql:// or sqlite://, "
            f"got {url.split(':', 1)[0]!r}"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DANCHU_DATABASE_URL is not a valid URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ImproperlyConfigured("DANCHU_DATABASE_URL must name a database (…/dbname)")
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:me"
LOGOUT_REDIRECT_URL = "home"

# Officer roles must confirm a TOTP device before any write (see accounts/permissions.py).
OFFICER_2FA_REQUIRED = env_bool("DANCHU_OFFICER_2FA", True)
OTP_TOTP_ISSUER = "danchu"
LOGIN_FAILURE_LIMIT = env_int("DANCHU_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("DANCHU_LOGIN_FAILURE_WINDOW_MINUTES", 15, minimum=1)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
FORMAT_MODULE_PATH = ["danchu.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]


def _time_zone() -> str:
    import zoneinfo

    name = os.environ.get("DANCHU_TIME_ZONE", "Asia/Ho_Chi_Minh")
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"DANCHU_TIME_ZONE must be an IANA time zone such as Asia/Ho_Chi_Minh, got {name!r}"
        ) from None
    return name


TIME_ZONE = _time_zone()
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Household files: the web form accepts up to this many megabytes.
IMPORT_MAX_UPLOAD_MB = env_int("DANCHU_IMPORT_MAX_UPLOAD_MB", 20, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DANCHU_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = os.environ.get(
    "DANCHU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DANCHU_FROM_EMAIL", "danchu@localhost")
EMAIL_HOST = os.environ.get("DANCHU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DANCHU_EMAIL_PORT", 25)
DANCHU_SMS_ADAPTER = os.environ.get(
    "DANCHU_SMS_ADAPTER", "danchu.notify.adapters.ConsoleSmsAdapter"
)
# Both are imported by the start-up checks (danchu.core.checks); here only their form.
for _name, _path in (
    ("DANCHU_EMAIL_BACKEND", EMAIL_BACKEND),
    ("DANCHU_SMS_ADAPTER", DANCHU_SMS_ADAPTER),
):
    if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", _path):
        raise ImproperlyConfigured(
            f"{_name} must be a dotted Python path such as package.module.Class, got {_path!r}"
        )
NOTIFY_MAX_ATTEMPTS = env_int("DANCHU_NOTIFY_MAX_ATTEMPTS", 5, minimum=1)

# Dân biết (Law 10/2022 Art 11–14). Figures the legal spec marks UNVERIFIED are settings with
# the spec's default; see docs/disclosures.md.
DISCLOSURE_PUBLISH_WITHIN_DAYS = env_int("DANCHU_DISCLOSURE_PUBLISH_WITHIN_DAYS", 2, minimum=0)
DISCLOSURE_PUBLISH_DAY_KIND = os.environ.get("DANCHU_DISCLOSURE_PUBLISH_DAY_KIND", "calendar")
if DISCLOSURE_PUBLISH_DAY_KIND not in ("calendar", "working"):
    raise ImproperlyConfigured("DANCHU_DISCLOSURE_PUBLISH_DAY_KIND must be calendar or working")
DISCLOSURE_POSTING_MIN_DAYS = env_int("DANCHU_DISCLOSURE_POSTING_MIN_DAYS", 30, minimum=1)
DISCLOSURE_RECURRING_DUE_DAYS = env_int("DANCHU_DISCLOSURE_RECURRING_DUE_DAYS", 15, minimum=0)
DISCLOSURE_ATTACHMENT_MAX_MB = env_int("DANCHU_DISCLOSURE_ATTACHMENT_MAX_MB", 10, minimum=1)

# Dân bàn, dân quyết (Law 10/2022 Art 15–23; NĐ 59/2023). UNVERIFIED figures are settings.
# R21: a village head needs more than half of ALL household representatives (not of those present).
DECISIONS_ELECTION_BASE = os.environ.get("DANCHU_DECISIONS_ELECTION_BASE", "roll")
if DECISIONS_ELECTION_BASE not in ("roll", "present"):
    raise ImproperlyConfigured("DANCHU_DECISIONS_ELECTION_BASE must be roll or present")
# R23: term of village heads (and of the commune People's Inspection Board), per province.
DECISIONS_DOCUMENT_MAX_MB = env_int("DANCHU_DECISIONS_DOCUMENT_MAX_MB", 10, minimum=1)
DECISIONS_TERM_MONTHS_DEFAULT = env_int("DANCHU_DECISIONS_TERM_MONTHS", 60, minimum=1)


def _cache() -> dict:
    """DANCHU_CACHE_URL: locmem:// (the default: one cache in each server process),
    redis://host:6379/0 (one cache shared by every process and app server), or dummy://."""
    url = os.environ.get("DANCHU_CACHE_URL", "").strip() or "locmem://"
    scheme = url.split("://", 1)[0]
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "danchu"}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if scheme in ("redis", "rediss"):
        import importlib.util

        if importlib.util.find_spec("redis") is None:
            raise ImproperlyConfigured("DANCHU_CACHE_URL is redis://… but redis is not installed")
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(
        f"DANCHU_CACHE_URL must start with locmem://, redis://, rediss:// or dummy://, got {scheme!r}"
    )


CACHES = {"default": _cache()}
# Anonymous visitors get a unit page (/u/<code>/) rendered at most this many seconds ago;
# signed-in users always get a fresh one. 0 turns the cache off.
UNIT_PAGE_CACHE_SECONDS = env_int("DANCHU_UNIT_PAGE_CACHE_SECONDS", 30, minimum=0)

# Dân tham gia ý kiến (Law 10/2022 Art 25–29). UNVERIFIED: the comment period is "reasonable";
# danchu asks for at least this many days so residents have time to read and answer.
CONSULTATION_MIN_DAYS = env_int("DANCHU_CONSULTATION_MIN_DAYS", 10, minimum=1)
CONSULTATION_OPINION_MAX_CHARS = env_int("DANCHU_CONSULTATION_OPINION_MAX_CHARS", 4000, minimum=100)
# How many public opinions the published synthesis (page and PDF) quotes under each group; the
# rest are counted, and every one of them is on the group's own page.
CONSULTATION_SYNTHESIS_QUOTES = env_int("DANCHU_CONSULTATION_SYNTHESIS_QUOTES", 10, minimum=1)

# Dân kiểm tra: petitions, feedback, complaints and denunciations (LAW.md §2.8). Verified periods
# are constants in danchu/petitions/services.py; these are the UNVERIFIED ones and local choices,
# documented in docs/petitions.md.


def _day_kind(name: str, default: str) -> str:
    value = os.environ.get(name, default)
    if value not in ("calendar", "working"):
        raise ImproperlyConfigured(f"{name} must be calendar or working")
    return value


# Whether the complaint periods of Luật Khiếu nại Art 27, 28, 37 count calendar or working days.
PETITION_COMPLAINT_DAY_KIND = _day_kind("DANCHU_PETITION_COMPLAINT_DAY_KIND", "calendar")
# Luật Tố cáo Art 30 periods (30 days, +30 once or twice).
PETITION_DENUNCIATION_DAY_KIND = _day_kind("DANCHU_PETITION_DENUNCIATION_DAY_KIND", "calendar")
# Accepting a denunciation: from memory 7 working days.
PETITION_DENUNCIATION_ACCEPT_DAYS = env_int(
    "DANCHU_PETITION_DENUNCIATION_ACCEPT_DAYS", 7, minimum=1
)
# Feedback and petitions: the law sets no answer period once accepted; a local regulation does.
PETITION_FEEDBACK_ANSWER_DAYS = env_int("DANCHU_PETITION_FEEDBACK_ANSWER_DAYS", 10, minimum=1)
# "Needs more time to verify before acceptance" (Luật TCD Art 28(1)(b)): how long at most.
PETITION_VERIFY_DAYS = env_int("DANCHU_PETITION_VERIFY_DAYS", 10, minimum=1)
# Escalation: working days past due before the commune chair, then the province, are told.
PETITION_ESCALATE_CHAIR_AFTER = env_int("DANCHU_PETITION_ESCALATE_CHAIR_AFTER", 3, minimum=0)
PETITION_ESCALATE_PROVINCE_AFTER = env_int("DANCHU_PETITION_ESCALATE_PROVINCE_AFTER", 10, minimum=1)
# After an answer: the filer may ask to reopen within this many days; "was it fixed?" is asked
# again after FOLLOWUP days.
PETITION_REOPEN_WINDOW_DAYS = env_int("DANCHU_PETITION_REOPEN_WINDOW_DAYS", 30, minimum=1)
PETITION_FOLLOWUP_DAYS = env_int("DANCHU_PETITION_FOLLOWUP_DAYS", 28, minimum=1)
PETITION_ATTACHMENT_MAX_MB = env_int("DANCHU_PETITION_ATTACHMENT_MAX_MB", 10, minimum=1)
PETITION_TEXT_MAX_CHARS = env_int("DANCHU_PETITION_TEXT_MAX_CHARS", 8000, minimum=200)
# Citizen reception (Luật TCD Art 15): bookings a reception day takes.
PETITION_RECEPTION_CAPACITY = env_int("DANCHU_PETITION_RECEPTION_CAPACITY", 20, minimum=1)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOG_LEVEL = os.environ.get("DANCHU_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(
        f"DANCHU_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {LOG_LEVEL!r}"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
