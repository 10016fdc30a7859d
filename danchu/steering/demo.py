"""Demo data for this engine, seeded by `danchu demo` after the other engines."""

from __future__ import annotations

from collections.abc import Callable

from danchu.units.models import Unit


def seed(commune: Unit, progress: Callable[[str], None]) -> int:
    return 0
