"""The steering committee's links on a unit's page, for the people who work with it.

Residents and anonymous visitors see nothing here (and cost no query): the dashboard is for
committee members, the committee screen for the commune chair who sets it up, the findings for
the inspected unit's officers.
"""

from __future__ import annotations

from django.http import HttpRequest

from danchu.accounts import permissions
from danchu.units.models import Unit

KINDS = (Unit.Kind.PROVINCE, Unit.Kind.COMMUNE, Unit.Kind.VILLAGE)


def unit_section(request: HttpRequest, unit: Unit) -> dict:
    user = request.user
    if unit.kind not in KINDS or not user.is_authenticated:
        return {"steering_links": False}
    if permissions.needs_second_factor(user):
        return {"steering_links": False}
    roles = permissions.roles_on(user, unit)  # one query for the three links

    def allowed(permission: str) -> bool:
        return user.is_superuser or bool(roles & permissions.PERMISSIONS[permission])

    links = {
        "view": allowed("steering.view"),
        "organise": unit.kind != Unit.Kind.VILLAGE and allowed("steering.organise"),
        "respond": allowed("steering.respond"),
    }
    return {"steering_links": any(links.values()), **{f"steering_{k}": v for k, v in links.items()}}
