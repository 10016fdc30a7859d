"""`danchu steering-summary`: rebuild the monthly summary behind the steering figures."""

from __future__ import annotations

import time

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from danchu.core.management.base import DanchuCommand
from danchu.steering import summary


class Command(DanchuCommand):
    help = (
        "Rebuild the monthly summary of the steering indicators (notices, matters, "
        "consultations, opinions, petitions); run nightly. Figures stay equal to the records "
        "between runs: changed units are counted live until the next one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", action="append", choices=sorted(summary.PLANS), help="only this source"
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            written = summary.refresh(options["source"])
        except summary.SummaryUnavailable as exc:
            raise CommandError(str(exc)) from None
        for source, rows in written.items():
            self.stdout.write(
                _("Tổng hợp %(source)s: %(rows)s dòng") % {"source": source, "rows": rows}
            )
        self.stdout.write(
            _("Xong trong %(seconds).1f giây") % {"seconds": time.monotonic() - started}
        )
