"""Shared fixtures: a small unit tree and personas for the permission matrix.

Personas (STYLE.md §18): anonymous, resident, the village head of another village,
a commune officer above, and an admin. Officers are signed in with a verified TOTP
device, as the real login flow leaves them.
"""

from __future__ import annotations

import pytest
from django.test import Client

from danchu.accounts.models import Role, RoleGrant, User
from danchu.accounts.permissions import SYSTEM
from danchu.units import services as unit_services
from danchu.units.models import Unit


@pytest.fixture(autouse=True)
def vietnamese_by_default():
    """Each test starts in Vietnamese, whatever language an earlier test's request (the
    language switch, an English Accept-Language) left active in this thread."""
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.activate("vi")


def _unit(kind, code, name, parent=None, division_type=""):
    unit = Unit(kind=kind, code=code, name=name, parent=parent, division_type=division_type)
    unit.save()
    return unit


@pytest.fixture
def nation(db):
    return _unit(Unit.Kind.NATION, "VN", "Việt Nam")


@pytest.fixture
def province(nation):
    return _unit(Unit.Kind.PROVINCE, "01", "Thành phố Hà Nội", nation, "Thành phố trung ương")


@pytest.fixture
def commune(province):
    return _unit(Unit.Kind.COMMUNE, "10402", "Xã Ứng Hòa", province, "Xã")


@pytest.fixture
def other_commune(province):
    return _unit(Unit.Kind.COMMUNE, "10405", "Xã Đại Xuyên", province, "Xã")


@pytest.fixture
def village(commune):
    return unit_services.create_village(actor=SYSTEM, commune=commune, name="Thôn Đông Lỗ")


@pytest.fixture
def other_village(commune):
    return unit_services.create_village(actor=SYSTEM, commune=commune, name="Thôn Hòa Xá")


def make_user(
    username: str, role: str | None = None, unit: Unit | None = None, *, with_device: bool = True
) -> User:
    user = User.objects.create_user(
        username=username,
        password="mat-khau-demo-2026",
        full_name=username.replace("_", " ").title(),
    )
    if role:
        RoleGrant.objects.create(user=user, role=role, unit=unit)
    if with_device and role and role != Role.RESIDENT:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def client_for(user: User | None, *, verified: bool = True) -> Client:
    """A test client signed in as `user` (None: anonymous), with its 2FA device verified."""
    client = Client()
    if user is None:
        return client
    client.force_login(user)
    device = user.totpdevice_set.filter(confirmed=True).first()
    if device is not None and verified:
        from django_otp import DEVICE_ID_SESSION_KEY

        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def resident(village):
    return make_user("cu_dan", Role.RESIDENT, village)


@pytest.fixture
def village_head(village):
    return make_user("truong_thon", Role.VILLAGE_HEAD, village)


@pytest.fixture
def other_village_head(other_village):
    return make_user("truong_thon_khac", Role.VILLAGE_HEAD, other_village)


@pytest.fixture
def officer(commune):
    return make_user("can_bo_xa", Role.COMMUNE_OFFICER, commune)


@pytest.fixture
def outside_officer(other_commune):
    return make_user("can_bo_xa_khac", Role.COMMUNE_OFFICER, other_commune)


@pytest.fixture
def admin_user(nation):
    return make_user("quan_tri", Role.ADMIN, nation)


@pytest.fixture
def matrix_units(nation, commune, other_commune, village, other_village):
    """The units the personas of tests/matrix.py hold their roles on."""
    return {
        "nation": nation,
        "commune": commune,
        "other_commune": other_commune,
        "village": village,
        "other_village": other_village,
    }


@pytest.fixture
def personas(resident, other_village_head, officer, outside_officer, admin_user):
    """name -> user (None for anonymous), for permission matrices."""
    return {
        "anonymous": None,
        "resident": resident,
        "other_village_head": other_village_head,
        "outside_officer": outside_officer,
        "officer": officer,
        "admin": admin_user,
    }
