"""The one place that decides who may do what, where.

Every view, API endpoint and service asks `can()` / `require()` here; nothing else
reads RoleGrant to make a decision. A grant on a unit holds for its whole subtree
(Unit.path prefix). Officer roles must have confirmed a TOTP device (2FA) before
they act; reading public pages needs no grant at all.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from danchu.accounts.models import Role, RoleGrant
from danchu.units.models import Unit

OFFICER_ROLES = frozenset(Role.values) - {Role.RESIDENT}


class _System:
    """The actor for the command line and the worker: the operator of the machine."""

    pk = None
    id = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    username = "system"

    def __str__(self) -> str:
        return "system"


SYSTEM = _System()

# permission -> roles that hold it (on the granted unit's subtree).
PERMISSIONS: dict[str, frozenset[str]] = {
    # Create, rename and merge villages and residential groups (HĐND/UBND cấp xã decide;
    # commune officers record it).
    "units.manage": frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR, Role.ADMIN}),
    # Read the household roll with personal data (names, phones).
    "people.view_roll": frozenset(
        {Role.VILLAGE_HEAD, Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR, Role.ADMIN}
    ),
    # Import households from a file, edit households.
    "people.manage": frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR, Role.ADMIN}),
    # Grant roles below oneself.
    "accounts.grant": frozenset({Role.ADMIN}),
    # Dân biết: draft, publish and record the posting of notices (Law 10/2022 Art 11–13).
    "disclosures.manage": frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR, Role.ADMIN}),
    # Record how a notice forwarded to the village was passed on (Art 13(4)).
    "disclosures.relay": frozenset(
        {Role.VILLAGE_HEAD, Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR, Role.ADMIN}
    ),
    # Dân bàn: prepare matters, run meetings and ballots, close the count (Law Art 18(1):
    # the village head convenes; the commune for commune-wide matters).
    "decisions.manage": frozenset(
        {Role.VILLAGE_HEAD, Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR, Role.ADMIN}
    ),
    # The Front committee's agreements (Ban CTMT: ballot for item 6, online voting).
    "decisions.front_agree": frozenset({Role.FRONT_COMMITTEE, Role.ADMIN}),
    # Recognition by the commune People's Committee (Art 21(2): items 1–2 commune-wide, 3, 4).
    "decisions.recognise_committee": frozenset({Role.COMMUNE_CHAIR, Role.ADMIN}),
    # Recognition by the commune Fatherland Front committee (Art 21(2): item 5).
    "decisions.recognise_front": frozenset({Role.FRONT_COMMITTEE, Role.ADMIN}),
    # Dân tham gia ý kiến: prepare consultations, enter opinions received on paper, answer them.
    "consultations.manage": frozenset(
        {Role.VILLAGE_HEAD, Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR, Role.ADMIN}
    ),
    # Dân kiểm tra: accept, refuse, forward, answer petitions and complaints; read the filer's
    # identity (Luật Tiếp công dân Art 28; Luật Khiếu nại; Luật Tố cáo).
    "petitions.manage": frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR, Role.ADMIN}),
    # Enter a petition received in person, by phone, by letter or through the Front.
    "petitions.enter": frozenset(
        {
            Role.VILLAGE_HEAD,
            Role.FRONT_COMMITTEE,
            Role.COMMUNE_OFFICER,
            Role.COMMUNE_CHAIR,
            Role.ADMIN,
        }
    ),
    # Overdue items escalated to the province (Ban Chỉ đạo).
    "petitions.oversee": frozenset({Role.STEERING_MEMBER, Role.COMMUNE_CHAIR, Role.ADMIN}),
    # Ban Chỉ đạo: read the indicators, hot spots, inspections and reports of a subtree.
    "steering.view": frozenset({Role.STEERING_MEMBER, Role.ADMIN}),
    # Ban Chỉ đạo: plan and record inspections, set hot-spot rules, build reports.
    "steering.manage": frozenset({Role.STEERING_MEMBER, Role.ADMIN}),
    # Set up a steering committee and seat its members.
    "steering.organise": frozenset({Role.COMMUNE_CHAIR, Role.ADMIN}),
    # An inspected unit reads its own findings and answers the recommendations.
    "steering.respond": frozenset(
        {Role.VILLAGE_HEAD, Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR, Role.ADMIN}
    ),
    # Read the audit log of a subtree.
    "audit.view": frozenset({Role.COMMUNE_CHAIR, Role.ADMIN, Role.STEERING_MEMBER}),
}


def _active_grants(user) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.active().filter(user=user).select_related("unit")


def needs_second_factor(user) -> bool:
    """True when the user holds an officer role but has not verified a 2FA device."""
    if user is SYSTEM or not settings.OFFICER_2FA_REQUIRED or not user.is_authenticated:
        return False
    if getattr(user, "api_token_verified", False):
        return False
    has_officer_role = user.is_superuser or (
        _active_grants(user).filter(role__in=OFFICER_ROLES).exists()
    )
    is_verified = getattr(user, "is_verified", None)
    return has_officer_role and not (callable(is_verified) and is_verified())


def roles_on(user, unit: Unit) -> set[str]:
    """Roles the user holds on `unit` through a grant on it or on an ancestor."""
    if not user or not user.is_authenticated or user is SYSTEM:
        return set()
    ancestor_ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    return set(
        RoleGrant.objects.active()
        .filter(user=user, unit_id__in=ancestor_ids)
        .values_list("role", flat=True)
    )


def holders(permission: str, unit: Unit, *, roles: set[str] | None = None):
    """The active users granted `permission` on `unit` (on it or an ancestor), optionally
    only through the given roles: who to tell about work waiting for them."""
    from django.contrib.auth import get_user_model

    allowed = PERMISSIONS[permission] & roles if roles is not None else PERMISSIONS[permission]
    ancestor_ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    granted = RoleGrant.objects.active().filter(unit_id__in=ancestor_ids, role__in=allowed)
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=granted.values("user_id"))
        .order_by("pk")
    )


def can(user, permission: str, unit: Unit) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if user is SYSTEM:
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if needs_second_factor(user):
        return False
    if user.is_superuser:
        return True
    return bool(roles_on(user, unit) & PERMISSIONS[permission])


def require(user, permission: str, unit: Unit) -> None:
    """Raise PermissionDenied with a message a person can act on."""
    if user is not None and user.is_authenticated and needs_second_factor(user):
        raise PermissionDenied(
            _("Cần thiết lập và xác minh xác thực hai lớp (2FA) trước khi thao tác.")
        )
    if not can(user, permission, unit):
        raise PermissionDenied(
            _("Bạn không có quyền thực hiện thao tác này tại %(unit)s.") % {"unit": unit.name}
        )


def can_open_manage_page(user, unit: Unit) -> bool:
    """Whether a "Quản lý" link to /u/<code>/manage/ leads somewhere for this user: a commune's
    villages (units.manage) or a village's household roll (people.view_roll). Provinces,
    agencies and enterprises have no such page."""
    if unit.kind == Unit.Kind.COMMUNE:
        return can(user, "units.manage", unit)
    if unit.kind == Unit.Kind.VILLAGE:
        return can(user, "people.view_roll", unit)
    return False


def units_where(user, permission: str) -> QuerySet[Unit]:
    """Every unit on which the user holds `permission`: the subtrees of matching grants."""
    if user is None or not user.is_authenticated or needs_second_factor(user):
        return Unit.objects.none()
    if user is SYSTEM or user.is_superuser:
        return Unit.objects.all()
    paths = list(
        _active_grants(user)
        .filter(role__in=PERMISSIONS[permission])
        .values_list("unit__path", flat=True)
    )
    if not paths:
        return Unit.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Unit.objects.filter(condition)


def grants_of(user) -> QuerySet[RoleGrant]:
    return _active_grants(user).order_by("unit__path", "role")
