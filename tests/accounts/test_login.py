import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from danchu.accounts.models import ApiToken, LoginFailure, Role, RoleGrant, User
from danchu.audit.models import Event
from tests.conftest import client_for, make_user

PASSWORD = "mat-khau-demo-2026"


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_officer_login_requires_the_totp_code(client, officer):
    response = client.post("/accounts/login/", {"username": "can_bo_xa", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/verify/"
    # Signed in with a password only: still no officer action.
    assert client.get("/u/10402/manage/").status_code == 403
    wrong = client.post("/accounts/verify/", {"token": "000000"})
    assert wrong.status_code == 422
    device = officer.totpdevice_set.get()
    device.throttle_reset()  # a wrong code locks the device for a moment (django-otp throttling)
    response = client.post("/accounts/verify/", {"token": _code(device)})
    assert response.status_code == 302
    assert client.get("/u/10402/manage/").status_code == 200


def test_officer_without_a_device_is_sent_to_set_one_up(client, commune):
    make_user("can_bo_moi", Role.COMMUNE_OFFICER, commune, with_device=False)
    response = client.post("/accounts/login/", {"username": "can_bo_moi", "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/"
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user__username="can_bo_moi", confirmed=False)
    assert client.post("/accounts/2fa/", {"token": "123"}).status_code == 422
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post("/accounts/2fa/", {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert Event.objects.filter(action="accounts.2fa_confirmed").count() == 1
    assert client.get("/u/10402/manage/").status_code == 200


def test_resident_signs_in_without_a_second_factor(client, resident):
    response = client.post("/accounts/login/", {"username": "cu_dan", "password": PASSWORD})
    assert response["Location"] == "/accounts/"
    page = client.get("/accounts/").content.decode()
    assert "Người dân" in page and "Thôn Đông Lỗ" in page


def test_wrong_password_is_422_and_login_is_throttled(client, resident, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "cu_dan", "password": "sai"})
        assert response.status_code == 422
        assert "không đúng" in response.content.decode()
    # Even the right password is refused while throttled.
    response = client.post("/accounts/login/", {"username": "cu_dan", "password": PASSWORD})
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()
    LoginFailure.objects.all().delete()
    response = client.post("/accounts/login/", {"username": "cu_dan", "password": PASSWORD})
    assert response.status_code == 302


def test_next_must_stay_on_this_site(client, resident):
    response = client.post(
        "/accounts/login/?next=https://evil.example/", {"username": "cu_dan", "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/"


def test_passwords_are_hashed_with_argon2(db):
    from django.contrib.auth.hashers import make_password
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
        assert make_password("mat-khau-dai-2026").startswith("argon2")
    from danchu import settings as real

    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_cli_user_add_and_token_create(nation, commune, capsys):
    call_command(
        "user",
        "add",
        "nguyenvanbinh",
        "--role",
        "commune_officer",
        "--unit",
        "10402",
        "--password",
        "mot-mat-khau-rat-dai",
        "--full-name",
        "Nguyễn Văn Bình",
    )
    user = User.objects.get(username="nguyenvanbinh")
    assert user.check_password("mot-mat-khau-rat-dai")
    assert RoleGrant.objects.filter(user=user, role="commune_officer", unit=commune).exists()
    call_command("token", "create", "nguyenvanbinh")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("dc_")
    assert ApiToken.objects.get(user=user).key_hash == ApiToken.hash_key(key)
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị"):
        call_command(
            "user",
            "add",
            "x_y_z",
            "--role",
            "resident",
            "--unit",
            "999",
            "--password",
            "mot-mat-khau-rat-dai",
        )
    with pytest.raises(CommandError, match="Tên đăng nhập"):
        call_command(
            "user",
            "add",
            "Ê",
            "--role",
            "resident",
            "--unit",
            "10402",
            "--password",
            "mot-mat-khau-rat-dai",
        )
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("token", "create", "khong_ton_tai")


def test_grants_hold_for_the_subtree_only(officer, village, other_commune):
    from danchu.accounts.permissions import can

    client_for(officer)  # the helper verifies the device in a session; services check roles
    officer.is_verified = lambda: True
    assert can(officer, "units.manage", village)
    assert can(officer, "people.manage", village)
    assert not can(officer, "units.manage", other_commune)
    assert not can(officer, "accounts.grant", village)


def test_revoked_grant_no_longer_holds(officer, commune):
    from danchu.accounts.permissions import SYSTEM, can
    from danchu.accounts.services import revoke_role

    officer.is_verified = lambda: True
    grant = officer.grants.get()
    revoke_role(actor=SYSTEM, grant=grant)
    assert not can(officer, "units.manage", commune)
    assert Event.objects.filter(action="accounts.role_revoked").count() == 1
