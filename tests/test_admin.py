from django.test import Client

from danchu.accounts.models import User


def test_admin_is_for_superusers_only(db, officer):
    from tests.conftest import client_for

    assert client_for(officer).get("/admin/").status_code == 302  # not staff
    root = User.objects.create_superuser("root", "root@example.vn", "mat-khau-quan-tri-2026")
    client = Client()
    client.force_login(root)
    for path in ["/admin/", "/admin/units/unit/", "/admin/audit/event/", "/admin/people/household/",
                 "/admin/disclosures/art11item/", "/admin/accounts/rolegrant/"]:
        assert client.get(path).status_code == 200, path
    assert client.get("/admin/audit/event/add/").status_code == 403
