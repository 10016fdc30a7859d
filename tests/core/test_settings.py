import os
import subprocess
import sys

import pytest

CASES = [
    ({"DANCHU_DEBUG": "maybe"}, "DANCHU_DEBUG must be true/false"),
    ({"DANCHU_DATABASE_URL": "mysql://root@localhost/x"}, "DANCHU_DATABASE_URL must start with"),
    ({"DANCHU_SECRET_KEY": "short"}, "at least 32 characters"),
    ({"DANCHU_LOGIN_FAILURE_LIMIT": "many"}, "must be a whole number"),
    ({"DANCHU_SECRET_KEY_FILE": "/nonexistent/secret"}, "cannot read"),
    ({"DANCHU_LOG_LEVEL": "LOUD"}, "DANCHU_LOG_LEVEL must be DEBUG, INFO"),
    ({"DANCHU_TIME_ZONE": "Mars/Base"}, "DANCHU_TIME_ZONE must be an IANA time zone"),
    ({"DANCHU_ALLOWED_HOSTS": ","}, "DANCHU_ALLOWED_HOSTS names no host"),
    ({"DANCHU_SITE_URL": "xa-ung-hoa.gov.vn"}, "DANCHU_SITE_URL must be http(s)://"),
    ({"DANCHU_SITE_URL": "https://"}, "DANCHU_SITE_URL must be http(s)://"),
    ({"DANCHU_SITE_URL": "https://dan chu.vn"}, "DANCHU_SITE_URL must be http(s)://"),
    ({"DANCHU_SITE_URL": "http://danchu.vn:99999"}, "DANCHU_SITE_URL must be http(s)://"),
    ({"DANCHU_EMAIL_BACKEND": "smtp"}, "DANCHU_EMAIL_BACKEND must be a dotted Python path"),
    ({"DANCHU_SMS_ADAPTER": "viettel sms"}, "DANCHU_SMS_ADAPTER must be a dotted Python path"),
    (
        {"DANCHU_EMAIL_BACKEND": "django.core.mail.backends.smtpx.EmailBackend"},
        "DANCHU_EMAIL_BACKEND='django.core.mail.backends.smtpx.EmailBackend' cannot be imported",
    ),
    (
        {"DANCHU_SMS_ADAPTER": "danchu.notify.adapters.ViettelSmsAdapter"},
        "DANCHU_SMS_ADAPTER='danchu.notify.adapters.ViettelSmsAdapter' cannot be imported",
    ),
    (
        {"DANCHU_SMS_ADAPTER": "danchu.notify.adapters.deliver_sms"},
        "is not a class with a send() method",
    ),
]


@pytest.mark.parametrize("env,message", CASES)
def test_bad_configuration_fails_at_start_with_a_clear_message(env, message, tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DANCHU_")}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "danchu.settings",
        "DANCHU_DATA_DIR": str(tmp_path),
    } | env
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "danchu.cli", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr  # one line for the operator, not a stack


def test_default_configuration_uses_sqlite_with_wal_and_immediate(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DANCHU_")}
    environment |= {"DJANGO_SETTINGS_MODULE": "danchu.settings", "DANCHU_DATA_DIR": str(tmp_path)}
    code = (
        "import django; django.setup();"
        "from django.db import connection; c = connection.cursor();"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0],"
        " connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["wal", "IMMEDIATE"]
    assert (tmp_path / "danchu.sqlite3").exists()
