import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.core.errors import ValidationError
from danchu.people.models import Household
from danchu.people.services import import_households
from danchu.units import services
from danchu.units.models import Unit
from tests.conftest import client_for


def _households(village, *codes):
    body = "ma_ho,chu_ho,so_thanh_vien\n" + "".join(f"{c},Nguyễn Văn An,3\n" for c in codes)
    import_households(actor=SYSTEM, village=village, data=body.encode(), filename="h.csv")


def test_village_codes_are_generated_under_the_commune(commune):
    a = services.create_village(actor=SYSTEM, commune=commune, name="Thôn Đông Lỗ")
    b = services.create_village(
        actor=SYSTEM, commune=commune, name="Tổ dân phố Số 1", division_type="Tổ dân phố"
    )
    assert (a.code, b.code) == ("10402-01", "10402-02")
    assert a.path == f"{commune.path}{a.pk}/"
    assert list(Unit.objects.subtree(commune).order_by("pk")) == [commune, a, b]


def test_create_village_refuses_bad_input_and_writes_nothing(commune, village, province):
    before = (Unit.objects.count(), Event.objects.count())
    for kwargs, code in [
        ({"commune": commune, "name": "  "}, "name_required"),
        ({"commune": commune, "name": "thôn đông lỗ"}, "duplicate_name"),
        ({"commune": province, "name": "Thôn Mới"}, "parent_not_commune"),
        (
            {"commune": commune, "name": "Thôn Mới", "division_type": "Làng xóm"},
            "bad_division_type",
        ),
        ({"commune": commune, "name": "Thôn Mới", "code": village.code}, "duplicate_code"),
        ({"commune": commune, "name": "Thôn Mới", "code": "có dấu"}, "bad_code"),
    ]:
        with pytest.raises(ValidationError) as info:
            services.create_village(actor=SYSTEM, **kwargs)
        assert info.value.code == code
    assert (Unit.objects.count(), Event.objects.count()) == before


def test_merge_keeps_history_readable_under_the_old_name(commune, village, other_village):
    _households(village, "A1", "A2")
    _households(other_village, "A1", "B2")
    new = services.merge_units(
        actor=SYSTEM,
        sources=[village, other_village],
        new_name="Thôn Đông Hòa",
        effective=dt.date(2025, 7, 1),
        decision="NQ 12/NQ-HĐND",
    )
    village.refresh_from_db()
    other_village.refresh_from_db()
    assert village.name == "Thôn Đông Lỗ"  # the old name stays
    assert village.valid_to == dt.date(2025, 6, 30)
    assert village.successor == new and other_village.successor == new
    assert not village.is_current(dt.date(2025, 7, 1))
    assert village.is_current(dt.date(2025, 6, 30))
    assert new.valid_from == dt.date(2025, 7, 1)
    codes = sorted(Household.objects.filter(village=new).values_list("code", flat=True))
    assert codes == ["10402-02/A1", "A1", "A2", "B2"]
    assert set(Unit.objects.current().filter(parent=commune)) == {new}
    assert Event.objects.filter(action="unit.merged").count() == 2
    page = client_for(None).get(f"/u/{village.code}/").content.decode()
    assert "Thôn Đông Lỗ" in page and "Thôn Đông Hòa" in page and "30/06/2025" in page


def test_merge_into_an_existing_village_and_its_refusals(
    commune, village, other_village, other_commune
):
    services.merge_units(
        actor=SYSTEM, sources=[village], into=other_village, effective=dt.date(2026, 1, 1)
    )
    village.refresh_from_db()
    assert village.successor == other_village
    assert village.valid_to == dt.date(2025, 12, 31)
    with pytest.raises(ValidationError) as info:
        services.merge_units(
            actor=SYSTEM, sources=[village], into=other_village, effective=dt.date(2026, 2, 1)
        )
    assert info.value.code == "unit_ended"
    elsewhere = services.create_village(actor=SYSTEM, commune=other_commune, name="Thôn Khác")
    with pytest.raises(ValidationError) as info:
        services.merge_units(
            actor=SYSTEM, sources=[elsewhere], into=other_village, effective=dt.date(2026, 2, 1)
        )
    assert info.value.code == "different_communes"


def test_rename_records_old_and_new_names(village):
    services.rename_unit(actor=SYSTEM, unit=village, name="Thôn Đông Lỗ Mới", decision="NQ 3")
    event = Event.objects.get(action="unit.renamed")
    assert event.payload == {"old": "Thôn Đông Lỗ", "new": "Thôn Đông Lỗ Mới", "decision": "NQ 3"}
    with pytest.raises(ValidationError):
        services.rename_unit(actor=SYSTEM, unit=village.parent, name="Xã Khác")


def test_accent_insensitive_search(commune, village):
    assert list(Unit.objects.search("ung hoa")) == [commune]
    assert list(Unit.objects.search("UNG HÒA")) == [commune]
    assert list(Unit.objects.search("dong lo")) == [village]
    response = client_for(None).get("/u/", {"q": "ung hoa"})
    assert "Xã Ứng Hòa" in response.content.decode()


def test_search_folds_punctuation_on_both_sides(commune, village):
    assert list(Unit.objects.search("Ung-Hoa")) == [commune]
    assert list(Unit.objects.search("ứng.hòa")) == [commune]
    highland = services.create_village(actor=SYSTEM, commune=commune, name="Làng Ia H'Drai")
    for query in ("ia h'drai", "ia h drai", "IA H’DRAI", "h-drai"):
        assert list(Unit.objects.search(query)) == [highland], query
    # Names differing only by punctuation are the same name to a reader.
    with pytest.raises(ValidationError):
        services.create_village(actor=SYSTEM, commune=commune, name="Làng Ia H-Drai")


@pytest.mark.parametrize(
    "persona,allowed",
    [
        ("anonymous", False),
        ("resident", False),
        ("other_village_head", False),
        ("outside_officer", False),
        ("officer", True),
        ("admin", True),
    ],
)
def test_permission_matrix_for_creating_a_village(personas, persona, allowed, commune):
    user = personas[persona]
    before = (Unit.objects.count(), Event.objects.count())
    response = client_for(user).post(
        f"/u/{commune.code}/villages/create/", {"name": "Thôn Thanh Âm", "division_type": "Thôn"}
    )
    if allowed:
        assert response.status_code == 302
        assert Unit.objects.filter(name="Thôn Thanh Âm", parent=commune).exists()
    else:
        assert response.status_code in (302, 403)
        if user is None:
            assert "/accounts/login/" in response["Location"]
        assert (Unit.objects.count(), Event.objects.count()) == before


def test_service_denies_officer_of_another_commune(outside_officer, commune):
    with pytest.raises(PermissionDenied):
        services.create_village(actor=outside_officer, commune=commune, name="Thôn X")


def test_unverified_officer_cannot_act(officer, commune):
    client = client_for(officer, verified=False)
    response = client.post(f"/u/{commune.code}/villages/create/", {"name": "Thôn Y"})
    assert response.status_code == 403
    assert "2FA" in response.content.decode()
    assert not Unit.objects.filter(name="Thôn Y").exists()


def test_manage_form_errors_are_422_with_a_message(officer, commune, village):
    response = client_for(officer).post(
        f"/u/{commune.code}/villages/create/", {"name": "Thôn Đông Lỗ", "division_type": "Thôn"}
    )
    assert response.status_code == 422
    assert "đã có đơn vị tên" in response.content.decode()


def test_unknown_unit_page_is_404(db):
    assert client_for(None).get("/u/khong-co/").status_code == 404


@pytest.mark.django_db
def test_seed_units_loads_the_official_list_idempotently():
    call_command("seed_units", "--quiet")
    assert Unit.objects.filter(kind=Unit.Kind.PROVINCE).count() == 34
    assert Unit.objects.filter(kind=Unit.Kind.COMMUNE).count() == 3321
    ung_hoa = Unit.objects.get(code="10402")
    assert (ung_hoa.name, ung_hoa.parent.code, ung_hoa.division_type) == ("Xã Ứng Hòa", "01", "Xã")
    call_command("seed_units", "--quiet")
    assert Unit.objects.count() == 1 + 34 + 3321


@pytest.mark.parametrize(
    ("effective", "code"),
    [
        (dt.date(1, 1, 1), "bad_effective_date"),
        (dt.date(9999, 12, 31), "bad_effective_date"),
    ],
)
def test_a_merge_date_out_of_range_is_refused_and_nothing_moves(
    village, other_village, effective, code
):
    _households(village, "A1")
    before = Event.objects.count()
    with pytest.raises(ValidationError) as info:
        services.merge_units(
            actor=SYSTEM, sources=[village], into=other_village, effective=effective
        )
    assert info.value.code == code
    village.refresh_from_db()
    assert village.valid_to is None and Household.objects.get().village == village
    assert Event.objects.count() == before


def test_a_village_made_by_a_merge_cannot_be_merged_again_from_the_same_day(
    commune, village, other_village
):
    day = dt.date(2026, 7, 1)
    new = services.merge_units(
        actor=SYSTEM, sources=[village, other_village], new_name="Thôn Đông Hòa", effective=day
    )
    third = services.create_village(actor=SYSTEM, commune=commune, name="Thôn Cao Xá")
    with pytest.raises(ValidationError) as info:
        services.merge_units(actor=SYSTEM, sources=[new], into=third, effective=day)
    assert info.value.code == "before_unit_began"
    with pytest.raises(ValidationError) as info:
        services.merge_units(
            actor=SYSTEM, sources=[third], into=commune, effective=dt.date(2026, 8, 1)
        )
    assert info.value.code in ("different_communes", "bad_into")


def test_a_village_named_twice_in_one_merge_is_refused(village, other_village):
    before = Event.objects.count()
    with pytest.raises(ValidationError) as info:
        services.merge_units(
            actor=SYSTEM,
            sources=[village, village],
            into=other_village,
            effective=dt.date(2026, 8, 1),
        )
    assert info.value.code == "duplicate_sources"
    village.refresh_from_db()
    assert village.valid_to is None and Event.objects.count() == before


def test_rename_refuses_a_name_another_village_has(village, other_village):
    with pytest.raises(ValidationError) as info:
        services.rename_unit(actor=SYSTEM, unit=village, name=other_village.name.upper())
    assert info.value.code == "duplicate_name"
    village.refresh_from_db()
    assert village.name == "Thôn Đông Lỗ"


def test_the_manage_link_appears_only_where_it_leads_somewhere(commune, village, province):
    from danchu.accounts.models import Role
    from tests.conftest import make_user

    agency = Unit.objects.create(
        kind=Unit.Kind.AGENCY, code="10402-TH01", name="Trường Tiểu học Ứng Hòa", parent=commune
    )
    officer = make_user("can_bo", Role.COMMUNE_OFFICER, commune)
    front = make_user("mat_tran", Role.FRONT_COMMITTEE, commune)
    head = make_user("hieu_truong", Role.AGENCY_HEAD, agency)
    admin = make_user("quan_tri", Role.ADMIN, province)
    manage = "/manage/"
    me = client_for(officer).get("/accounts/").content.decode()
    assert f"/u/{commune.code}{manage}" in me
    for user in (front, head):
        page = client_for(user).get("/accounts/").content.decode()
        assert manage not in page, user
    assert manage not in client_for(admin).get("/accounts/").content.decode()  # a province
    admin_client = client_for(admin)
    for unit, shown in ((province, False), (commune, True), (village, True), (agency, False)):
        page = admin_client.get(f"/u/{unit.code}/").content.decode()
        assert (f"/u/{unit.code}{manage}" in page) is shown, unit
        if shown:
            assert admin_client.get(f"/u/{unit.code}{manage}").status_code in (200, 302)


def test_unit_page_groups_thousands_in_the_reader_language(commune, village):
    body = "ma_ho,chu_ho,so_thanh_vien\n" + "".join(
        f"H{n:04d},Nguyễn Văn An,3\n" for n in range(1, 1201)
    )
    import_households(actor=SYSTEM, village=village, data=body.encode(), filename="h.csv")
    client = client_for(None)
    page = client.get(f"/u/{commune.code}/").content.decode()
    assert '<div class="stat">1.200</div>' in page and '<div class="stat">3.600</div>' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/u/{commune.code}/").content.decode()
    assert '<div class="stat">1,200</div>' in page


def test_a_commune_page_lists_its_villages_apart_from_its_agencies(commune, village, other_village):
    from danchu.units.models import Unit

    school = Unit(
        kind=Unit.Kind.AGENCY, code="10402-CQ1", name="Trường Tiểu học Ứng Hòa", parent=commune
    )
    school.save()
    page = client_for(None).get(f"/u/{commune.code}/").content.decode()
    villages = page.split("Thôn, tổ dân phố (2)")[1].split("</ul>")[0]
    assert "Thôn Đông Lỗ" in villages and "Trường Tiểu học" not in villages
    assert "Cơ quan, đơn vị, doanh nghiệp (1)" in page and "Trường Tiểu học Ứng Hòa" in page
