from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def _workers() -> int:
    raw = os.environ.get("WEB_CONCURRENCY", "3")
    if not raw.isdigit() or int(raw) < 1:
        raise CommandError(f"WEB_CONCURRENCY must be a whole number of at least 1, got {raw!r}")
    return int(raw)


class Command(BaseCommand):
    help = "Serve danchu with gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=f"127.0.0.1:{os.environ.get('PORT', '8000')}")
        parser.add_argument(
            "--workers", type=int, default=None, help="default: WEB_CONCURRENCY or 3"
        )
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, **options):
        workers = options["workers"] or _workers()
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"danchu: http://{options['bind']}/  (Ctrl+C để dừng)")
        sys.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "danchu.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            # No query strings in the log: a ballot code or a search must not be kept there.
            "--access-logformat",
            '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss',
            "--timeout",
            "120",
        ]
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "danchu.settings"),
        )
        if not settings.DEBUG:
            env.setdefault("DANCHU_DEBUG", "false")
        os.execve(sys.executable, argv, env)  # noqa: S606 - replace this process with gunicorn
