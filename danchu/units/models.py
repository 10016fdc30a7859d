from __future__ import annotations

import datetime as dt

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danchu.core.vietnamese import collation_key, fold


class UnitQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None):
        """Units in force on a date (today by default): not yet ended."""
        on = on or dt.date.today()
        return self.filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on)).filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on)
        )

    def subtree(self, unit: Unit):
        return self.filter(path__startswith=unit.path)

    def search(self, text: str):
        """Accent-insensitive: "ung hoa" finds "Ứng Hòa"."""
        folded = fold(text)
        return self.filter(name_folded__contains=folded) if folded else self


class Unit(models.Model):
    """A node of the administrative tree, or an agency or enterprise under one.

    Units are never deleted or moved: a merge ends the old unit (`valid_to`) and
    points it at its `successor`, so history stays readable under the old name.
    """

    class Kind(models.TextChoices):
        NATION = "nation", _("Quốc gia")
        PROVINCE = "province", _("Tỉnh, thành phố")
        DISTRICT = "district", _("Huyện (trước 1/7/2025)")
        COMMUNE = "commune", _("Xã, phường, đặc khu")
        VILLAGE = "village", _("Thôn, tổ dân phố")
        AGENCY = "agency", _("Cơ quan, đơn vị")
        ENTERPRISE = "enterprise", _("Doanh nghiệp")

    kind = models.CharField(max_length=12, choices=Kind.choices, db_index=True)
    # The local word for the unit: "Xã", "Phường", "Thôn", "Tổ dân phố", "Ấp", "Bản"…
    division_type = models.CharField(max_length=40, blank=True)
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    sort_key = models.CharField(max_length=600, db_index=True, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "/<pk>/<pk>/…/": the unit and its ancestors, so a subtree is one prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            )
        ]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        self.sort_key = collation_key(self.name)
        super().save(*args, **kwargs)
        expected = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        if self.path != expected:
            self.path = expected
            self.depth = expected.count("/") - 2
            type(self).objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)

    def get_absolute_url(self) -> str:
        return reverse("units:detail", args=[self.code])

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or dt.date.today()
        return (self.valid_to is None or self.valid_to >= on) and (
            self.valid_from is None or self.valid_from <= on
        )

    def contains(self, other: Unit) -> bool:
        return other.path.startswith(self.path)

    def ancestors(self) -> models.QuerySet[Unit]:
        ids = [int(p) for p in self.path.strip("/").split("/") if p]
        return Unit.objects.filter(pk__in=ids).order_by("depth")

    def current_successor(self) -> Unit | None:
        """Follow successor links to the unit that now carries this one's duties."""
        seen = {self.pk}
        unit = self.successor
        while unit is not None and unit.successor_id and unit.successor_id not in seen:
            seen.add(unit.pk)
            unit = unit.successor
        return unit

    def commune(self) -> Unit | None:
        if self.kind == self.Kind.COMMUNE:
            return self
        return self.ancestors().filter(kind=self.Kind.COMMUNE).last()
