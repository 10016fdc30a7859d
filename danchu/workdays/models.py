from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayOverride(models.Model):
    """A day the government swaps: a Saturday made a working day, or an extra day off.

    Overrides win over the `holidays` package, which cannot know a swap until the
    Prime Minister's decision is published.
    """

    date = models.DateField(unique=True)
    is_working_day = models.BooleanField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày điều chỉnh")
        verbose_name_plural = _("ngày điều chỉnh")

    def __str__(self) -> str:
        kind = "làm việc" if self.is_working_day else "nghỉ"
        return f"{self.date:%d/%m/%Y} ({kind}): {self.reason}"
