"""The printed household ballots of a matter, built in the background and kept as a file.

A village of 500 households takes about twenty seconds of CPU to print, so the PDF is built
by the worker once and served again until the roll, the codes or the ballot's wording change
(`fingerprint`). The file holds one-time ballot codes: only those who manage the matter may
download it, and every download is recorded in the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BallotPrint(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ tạo")
        RUNNING = "running", _("Đang tạo")
        READY = "ready", _("Đã tạo xong")
        FAILED = "failed", _("Tạo không thành công")

    matter = models.OneToOneField(
        "decisions.Matter", on_delete=models.CASCADE, related_name="ballot_print"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # Each request that (re)builds the file raises the generation; a worker writes its file
    # only while its generation is still the latest, so an older build never wins.
    generation = models.PositiveIntegerField(default=1)
    # sha256 of what the ballots print: codes, households, options, title, period.
    fingerprint = models.CharField(max_length=64)
    file = models.FileField(max_length=200, blank=True)
    ballots = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phiếu in của hộ gia đình")
        verbose_name_plural = _("phiếu in của hộ gia đình")

    def __str__(self) -> str:
        return f"{self.matter} — {self.get_status_display()}"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)
