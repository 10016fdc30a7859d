from danchu.accounts.models import User
from tests.conftest import client_for


def test_admin_is_for_verified_superusers_only(db, officer):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert client_for(officer).get("/admin/").status_code == 302  # not staff
    root = User.objects.create_superuser("root", "root@example.vn", "mat-khau-quan-tri-2026")
    TOTPDevice.objects.create(user=root, name="root", confirmed=True)
    assert client_for(root, verified=False).get("/admin/units/unit/").status_code == 302
    client = client_for(root)
    for path in [
        "/admin/",
        "/admin/units/unit/",
        "/admin/audit/event/",
        "/admin/people/household/",
        "/admin/disclosures/art11item/",
        "/admin/accounts/rolegrant/",
    ]:
        assert client.get(path).status_code == 200, path
    assert client.get("/admin/audit/event/add/").status_code == 403
