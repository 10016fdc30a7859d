"""`danchu steering-sweep`: escalate overdue recommendations and record hot spots (daily)."""

from __future__ import annotations

from danchu.core.management.base import DanchuCommand
from danchu.steering.services import sweep


class Command(DanchuCommand):
    help = "Escalate overdue inspection recommendations and record hot spots; run daily."

    def handle(self, *args, **options):
        result = sweep()
        self.stdout.write(
            f"Kiến nghị chuyển cấp: {result['escalated']}; điểm nóng mới: {result['hot_spots']}"
        )
