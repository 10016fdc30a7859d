"""Sections that engines add to a unit's public page.

The ground apps (units, people, …) never import an engine. An engine registers a
section in its AppConfig.ready(); the unit page renders every registered section in
order. A section is a template plus a function that builds its context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class UnitSection:
    key: str
    template: str
    context: Callable[[HttpRequest, object], dict]
    order: int = 100


_SECTIONS: dict[str, UnitSection] = {}


def register_unit_section(section: UnitSection) -> None:
    _SECTIONS[section.key] = section


def unit_sections(request: HttpRequest, unit) -> list[dict]:
    """[{"key", "template", "context"}] for every registered section, in order."""
    return [
        {"key": s.key, "template": s.template, "context": s.context(request, unit)}
        for s in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
    ]
