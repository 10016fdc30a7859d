"""Shared pieces of the permission matrices: the personas, where each holds its role, and how
each signs in on the web or through the API."""

from __future__ import annotations

from django.test import Client

from danchu.accounts.models import Role
from danchu.accounts.services import create_token
from tests.conftest import client_for, make_user

# name -> (role, the key of the unit in the `matrix_units` fixture the role is held on)
ROLES = {
    "resident": (Role.RESIDENT, "village"),
    "village_head": (Role.VILLAGE_HEAD, "village"),
    "other_village_head": (Role.VILLAGE_HEAD, "other_village"),
    "officer": (Role.COMMUNE_OFFICER, "commune"),
    "outside_officer": (Role.COMMUNE_OFFICER, "other_commune"),
    "commune_chair": (Role.COMMUNE_CHAIR, "commune"),
    "front_member": (Role.FRONT_COMMITTEE, "commune"),
    "admin": (Role.ADMIN, "nation"),
}
# On the web, an officer signed in without passing the second factor holds no officer right
# (through the API the token stands in for it).
UNVERIFIED = "officer_without_2fa"


def persona(name: str, units: dict):
    """The user of a persona (None for anonymous), with its one role grant."""
    if name == "anonymous":
        return None
    role, where = ROLES["officer" if name == UNVERIFIED else name]
    return make_user(name, role, units[where])


def web(user) -> Client:
    return client_for(user, verified=getattr(user, "username", "") != UNVERIFIED)


def api_headers(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user)}"} if user else {}
