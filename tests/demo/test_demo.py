"""The demo: Xã Ứng Hòa with its villages, households, merge history and one account per role.

Most tests seed the demo onto the small unit tree of tests/conftest.py; the `slow` ones run
the whole `demo` command, which loads all 3,321 communes first.
"""

import base64
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from danchu.accounts.models import Role, RoleGrant, User
from danchu.audit.models import Event
from danchu.audit.services import verify_chain
from danchu.demo import seeding
from danchu.demo.management.commands import demo as demo_command
from danchu.people.models import Household, Person
from danchu.units.models import Unit
from tests.conftest import client_for

VILLAGE_NAMES = {
    "Thôn Đông Lỗ",
    "Thôn Hòa Xá",
    "Thôn Cao Xá",
    "Thôn Vân Đình",
    "Thôn Phú Lương",
    "Thôn Thái Bình",
    "Thôn Đình Tổ",
    "Tổ dân phố Thao Chính",
}


def _snapshot() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "households": Household.objects.count(),
        "people": Person.objects.count(),
        "users": User.objects.count(),
        "grants": RoleGrant.objects.count(),
        "events": Event.objects.count(),
        "totp": TOTPDevice.objects.count(),
        "static": StaticDevice.objects.count(),
        "backup_codes": sum(d.token_set.count() for d in StaticDevice.objects.all()),
    }


def _run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_commune_has_eight_current_villages_and_one_merged(demo, commune):
    villages = Unit.objects.filter(parent=commune, kind=Unit.Kind.VILLAGE)
    assert {v.name for v in villages.current()} == VILLAGE_NAMES
    merged = villages.exclude(pk__in=villages.current()).get()
    assert (merged.code, merged.name) == ("10402-09", "Thôn Vĩnh Thịnh")
    assert merged.valid_to == dt.date(2025, 6, 30)
    assert merged.successor.name == "Thôn Vân Đình"
    assert Event.objects.filter(action="unit.merged", object_id=str(merged.pk)).count() == 1
    assert demo.villages == 8


def test_households_total_1500_and_the_merged_village_moved_into_van_dinh(demo, commune):
    assert demo.households == Household.objects.current().in_subtree(commune).count() == 1500
    van_dinh = Household.objects.filter(village__code="10402-04")
    assert van_dinh.count() == 246 + 41
    assert van_dinh.filter(code__startswith="VT-").count() == 41
    assert not Household.objects.filter(village__code="10402-09").exists()
    imports = Event.objects.filter(action="people.households_imported")
    assert sorted(e.payload["created"] for e in imports) == sorted(
        [spec.households for spec in seeding.VILLAGES] + [41]
    )
    household = Household.objects.select_related("representative").get(code="DL-0001")
    assert household.village.name == "Thôn Đông Lỗ"
    assert household.address.endswith("Thôn Đông Lỗ")
    assert household.representative.full_name.count(" ") >= 2
    assert 1 <= household.member_count <= 8


def test_household_files_are_the_same_bytes_on_every_run():
    spec = seeding.VILLAGES[0]
    first = seeding.households_csv(spec)
    assert first == seeding.households_csv(spec)
    lines = first.decode().splitlines()
    assert lines[0] == "ma_ho,chu_ho,dia_chi,so_dien_thoai,so_thanh_vien"
    assert len(lines) == 1 + spec.households and lines[1].startswith("DL-0001,")


def test_seeding_twice_changes_nothing(demo):
    before = _snapshot()
    again = seeding.seed_demo()
    assert _snapshot() == before
    assert again.accounts == demo.accounts
    assert verify_chain().ok and verify_chain().count == before["events"]


def test_every_role_has_one_demo_account_with_its_grant(demo):
    grants = RoleGrant.objects.active().select_related("user", "unit")
    assert sorted(g.role for g in grants) == sorted(Role.values)
    units = {g.role: g.unit.code for g in grants}
    assert units[Role.RESIDENT] == units[Role.VILLAGE_HEAD] == "10402-01"
    assert units[Role.COMMUNE_OFFICER] == units[Role.COMMUNE_CHAIR] == "10402"
    assert (units[Role.STEERING_MEMBER], units[Role.ADMIN]) == ("01", "VN")
    agency = Unit.objects.get(code=units[Role.AGENCY_HEAD])
    assert (agency.kind, agency.name, agency.parent.code) == (
        Unit.Kind.AGENCY,
        "Trường Tiểu học Ứng Hòa",
        "10402",
    )
    assert {a.username for a in demo.accounts} == {g.user.username for g in grants}
    assert all(g.user.full_name and g.user.check_password(seeding.PASSWORD) for g in grants)


def test_officers_have_confirmed_totp_and_backup_codes_and_residents_none(demo):
    for user in User.objects.all():
        officer = user.username != "cudan"
        assert TOTPDevice.objects.filter(user=user, confirmed=True).exists() is officer
        static = StaticDevice.objects.filter(user=user, confirmed=True).first()
        assert (static.token_set.count() if static else 0) == (5 if officer else 0)
    cards = {a.username: a for a in demo.accounts}
    assert (cards["cudan"].backup_code, cards["cudan"].totp_secret) == ("", "")
    assert len(cards["canbo"].totp_secret) == 32


def test_officer_signs_in_with_the_printed_backup_code(demo):
    card = next(a for a in demo.accounts if a.username == "canbo")
    client = client_for(None)
    response = client.post("/accounts/login/", {"username": "canbo", "password": card.password})
    assert response["Location"] == "/accounts/verify/"
    assert client.post("/accounts/verify/", {"token": card.backup_code}).status_code == 302
    assert client.get("/u/10402/manage/").status_code == 200


def test_officer_signs_in_with_a_code_from_the_printed_totp_secret(demo):
    card = next(a for a in demo.accounts if a.username == "chutich")
    code = f"{totp(base64.b32decode(card.totp_secret)):06d}"
    client = client_for(None)
    client.post("/accounts/login/", {"username": "chutich", "password": card.password})
    assert client.post("/accounts/verify/", {"token": code}).status_code == 302
    assert client.get("/u/10402/manage/").status_code == 200


def test_public_pages_show_the_merge(demo):
    commune_page = client_for(None).get("/u/10402/").content.decode()
    assert "đã sáp nhập" in commune_page and "Thôn Vĩnh Thịnh" in commune_page
    merged_page = client_for(None).get("/u/10402-09/").content.decode()
    assert "Đã hết hiệu lực" in merged_page and "Thôn Vân Đình" in merged_page


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_command_loads_units_seeds_the_commune_and_reruns_identically(monkeypatch):
    first = _run_demo("--no-serve")
    after_first = _snapshot()
    assert Unit.objects.filter(kind=Unit.Kind.PROVINCE).count() == 34
    assert Unit.objects.filter(kind=Unit.Kind.COMMUNE).count() == 3321
    assert Household.objects.current().in_subtree(Unit.objects.get(code="10402")).count() == 1500
    assert "Xã Ứng Hòa: 8 thôn, tổ dân phố, 1.500 hộ gia đình." in first
    assert all(f"\n{spec.username} " in first for spec in seeding.ACCOUNTS)

    second = _run_demo("--no-serve")
    assert _snapshot() == after_first
    assert _table(second) == _table(first)
    assert verify_chain().ok

    served = []
    real_call_command = demo_command.call_command

    def call_command_but_serve(name, *args, **kwargs):
        if name == "serve":  # serving replaces the process with gunicorn
            served.append(name)
            return None
        return real_call_command(name, *args, **kwargs)

    monkeypatch.setattr(demo_command, "call_command", call_command_but_serve)
    _run_demo()
    assert served == ["serve"] and _snapshot() == after_first


def _table(output: str) -> str:
    return output[output.index("Tên đăng nhập") : output.index("Xong sau")]
