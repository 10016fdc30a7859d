"""Accounts: users, role grants, API tokens, sign-in throttling, two-factor set-up."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts import permissions
from danchu.accounts.models import ApiToken, LoginFailure, Role, RoleGrant, User
from danchu.audit.services import record
from danchu.core.errors import ValidationError
from danchu.units.models import Unit

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,149}$")


@transaction.atomic
def add_user(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    unit: Unit,
    full_name: str = "",
    email: str = "",
) -> tuple[User, bool]:
    """Create the user if new, then grant `role` on `unit`."""
    permissions.require(actor, "accounts.grant", unit)
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise ValidationError(
            _("Tên đăng nhập gồm 3–150 ký tự: chữ thường không dấu, số, dấu . _ -"),
            code="bad_username",
        )
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username, full_name=full_name.strip(), email=email.strip())
        validate_password(password, user)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        record(
            actor=actor,
            action="accounts.user_created",
            obj=user,
            unit=unit,
            payload={"username": username},
        )
    grant_role(actor=actor, user=user, role=role, unit=unit)
    return user, created


@transaction.atomic
def grant_role(*, actor, user: User, role: str, unit: Unit) -> RoleGrant:
    permissions.require(actor, "accounts.grant", unit)
    if role not in Role.values:
        raise ValidationError(
            _("Vai trò “%(role)s” không tồn tại."), code="bad_role", params={"role": role}
        )
    grant = RoleGrant.objects.active().filter(user=user, role=role, unit=unit).first()
    if grant:
        return grant
    grant = RoleGrant.objects.create(
        user=user, role=role, unit=unit, granted_by=actor if getattr(actor, "pk", None) else None
    )
    record(
        actor=actor,
        action="accounts.role_granted",
        obj=grant,
        unit=unit,
        payload={"user": user.username, "role": role},
    )
    return grant


@transaction.atomic
def revoke_role(*, actor, grant: RoleGrant) -> None:
    permissions.require(actor, "accounts.grant", grant.unit)
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action="accounts.role_revoked",
        obj=grant,
        unit=grant.unit,
        payload={"user": grant.user.username, "role": grant.role},
    )


@transaction.atomic
def create_token(*, user: User, name: str = "") -> str:
    """Return a new bearer key; only its hash is stored."""
    key = "dc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=key[:8], key_hash=ApiToken.hash_key(key)
    )
    record(
        actor=user,
        action="accounts.token_created",
        obj=token,
        payload={"prefix": token.prefix, "name": name[:100]},
    )
    return key


def user_for_token(key: str) -> User | None:
    if not key or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- sign-in throttling -------------------------------------------------------------


def _window_start():
    return timezone.now() - dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def login_allowed(username: str, ip_address: str | None) -> bool:
    """Refuse after LOGIN_FAILURE_LIMIT failures for the username, or 4× that for one address."""
    recent = LoginFailure.objects.filter(created_at__gte=_window_start())
    limit = settings.LOGIN_FAILURE_LIMIT
    if recent.filter(username=username.lower()[:150]).count() >= limit:
        return False
    return not (ip_address and recent.filter(ip_address=ip_address).count() >= limit * 4)


def record_login_failure(username: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip_address=ip_address or None)


def clear_login_failures(username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()[:150]).delete()


# --- two-factor -------------------------------------------------------------------


def start_totp_setup(user: User):
    """An unconfirmed TOTP device for the user (reused until confirmed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="danchu", confirmed=False)
    return device


@transaction.atomic
def confirm_totp(*, user: User, device, token: str) -> bool:
    if not device.verify_token((token or "").strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(actor=user, action="accounts.2fa_confirmed", obj=user, payload={})
    return True


def has_confirmed_device(user: User) -> bool:
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))
