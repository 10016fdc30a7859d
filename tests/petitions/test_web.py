"""The petitions pages: filing from a phone, the public status page, the officer's inbox."""

import datetime as dt
import re

import pytest

from danchu.audit.models import Event
from danchu.petitions import services
from danchu.petitions.models import Petition, ReceptionBooking
from tests.conftest import client_for

from .conftest import file_one

FILER = {"name": "Trần Thị Mai", "phone": "0912345678", "address": "Xóm 2, thôn Đông Lỗ"}


def _form(**extra):
    data = {
        "kind": "feedback",
        "category": "ha-tang",
        "title": "Đèn đường hỏng ở ngã ba Đông Lỗ",
        "text": "Ba bóng đèn đường ở ngã ba Đông Lỗ tắt đã hai tuần, buổi tối rất tối.",
        "address": "Ngã ba Đông Lỗ",
        "filer_name": FILER["name"],
        "filer_phone": FILER["phone"],
        "filer_address": FILER["address"],
        "is_public": "on",
    }
    data.update(extra)
    return data


def _assert_no_identity(html: str):
    for secret in FILER.values():
        assert secret not in html


def test_anonymous_resident_files_and_gets_code_and_secret(village, png):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(None)
    assert client.get(f"/u/{village.code}/petitions/new/").status_code == 200
    response = client.post(
        f"/u/{village.code}/petitions/new/",
        _form(photos=SimpleUploadedFile("den.png", png, content_type="image/png")),
    )
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/p/{petition.code}/filed/"
    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    assert petition.code in html
    secret = html.split('id="tracking-secret">')[1].split("<")[0]
    assert services.check_secret(petition, secret)
    # Shown once: a reload goes to the status page.
    assert client.get(f"/p/{petition.code}/filed/").status_code == 302
    assert petition.files.count() == 1


def test_bad_photo_is_refused_and_nothing_written(village):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(None).post(
        f"/u/{village.code}/petitions/new/",
        _form(photos=SimpleUploadedFile("den.png", b"not an image", content_type="image/png")),
    )
    assert response.status_code == 422
    assert "không đúng loại" in response.content.decode()
    assert not Petition.objects.exists()


def test_anonymous_complaint_is_refused_on_the_form(village):
    response = client_for(None).post(
        f"/u/{village.code}/petitions/new/",
        _form(kind="complaint", filer_name="", filer_phone="", filer_address=""),
    )
    assert response.status_code == 422
    assert "Khiếu nại, tố cáo phải ghi rõ họ tên" in response.content.decode()
    assert not Petition.objects.exists()


def test_unknown_unit_and_unknown_code_are_404(db):
    client = client_for(None)
    assert client.get("/u/99999/petitions/new/").status_code == 404
    assert client.get("/p/PAKN-20260101-9999/").status_code == 404


def test_public_pages_never_show_the_filer(village, commune, officer):
    petition = file_one(village, **{"filer_email": "mai@example.vn"}).petition
    services.accept(actor=officer, petition=petition)
    services.answer(actor=officer, petition=petition, text="Đã thay bóng đèn.", public=True)
    client = client_for(None)
    for url in (
        f"/p/{petition.code}/",
        f"/u/{village.code}/petitions/",
        f"/u/{commune.code}/petitions/",
        f"/u/{commune.code}/",
        f"/u/{village.code}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        _assert_no_identity(html)
        assert "mai@example.vn" not in html
    status = client.get(f"/p/{petition.code}/").content.decode()
    assert "Đã thay bóng đèn." in status
    assert petition.title in client.get(f"/u/{commune.code}/petitions/").content.decode()


def test_a_denunciation_has_no_public_page(village, commune, officer):
    filed = file_one(
        village, kind="denunciation", category="can-bo", title="Tố cáo cán bộ địa chính"
    )
    client = client_for(None)
    assert client.get(f"/p/{filed.petition.code}/").status_code == 404
    for url in (f"/u/{commune.code}/petitions/", f"/u/{commune.code}/"):
        assert "Tố cáo cán bộ địa chính" not in client.get(url).content.decode()
    # Its filer, proving the secret, sees it; so does the commune officer.
    client.post(f"/p/{filed.petition.code}/unlock/", {"secret": filed.secret})
    assert client.get(f"/p/{filed.petition.code}/").status_code == 200
    assert client_for(officer).get(f"/p/{filed.petition.code}/").status_code == 200


def test_private_text_is_hidden_from_the_public(village):
    petition = file_one(
        village, is_public=False, text="Nội dung riêng về hàng xóm lấn chiếm"
    ).petition
    html = client_for(None).get(f"/p/{petition.code}/").content.decode()
    assert "Nội dung riêng" not in html
    assert "không cho công khai" in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 403),
        ("resident", 403),
        ("other_village_head", 403),
        ("outside_officer", 403),
        ("officer", 200),
        ("admin", 200),
    ],
)
def test_inbox_permission_matrix(personas, persona, status, commune, village):
    file_one(village)
    response = client_for(personas[persona]).get(f"/u/{commune.code}/petitions/inbox/")
    assert response.status_code == status
    if status == 200:
        assert FILER["name"] not in response.content.decode() or persona in ("officer", "admin")


def test_inbox_is_ordered_by_due_date(village, commune, officer):
    late = file_one(village, title="Cống tắc ở xóm 3").petition
    soon = file_one(village, title="Rác tồn đọng bãi chợ").petition
    Petition.objects.filter(pk=late.pk).update(due_on=dt.date(2026, 11, 20))
    html = client_for(officer).get(f"/u/{commune.code}/petitions/inbox/").content.decode()
    assert html.index("Cống tắc ở xóm 3") < html.index("Rác tồn đọng bãi chợ")
    assert soon.code in html
    assert 'id="overdue-count">1<' in html


def test_officer_accepts_and_answers_then_filer_rates(village, commune, officer):
    filed = file_one(village)
    petition = filed.petition
    officer_client = client_for(officer)
    detail = f"/u/{commune.code}/petitions/{petition.pk}/"
    page = officer_client.get(detail)
    assert page.status_code == 200 and FILER["phone"] in page.content.decode()
    # Reading the filer's name and phone leaves a trace in the audit log.
    assert (
        Event.objects.filter(
            action="petitions.identity_viewed", actor=officer, unit=commune
        ).count()
        == 1
    )
    # Answering before accepting is refused with a message, nothing changes.
    response = officer_client.post(detail + "answer/", {"text": "Đã sửa"}, follow=True)
    assert "Phải thụ lý trước khi trả lời" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == "received"
    officer_client.post(detail + "accept/", {"note": ""})
    officer_client.post(detail + "answer/", {"text": "Đã thay ba bóng đèn.", "public": "on"})
    petition.refresh_from_db()
    assert petition.status == "answered" and petition.answer_public

    resident = client_for(None)
    assert (
        resident.post(f"/p/{petition.code}/rate/", {"rating": 5, "fixed": "yes"}).status_code == 404
    )
    bad = resident.post(f"/p/{petition.code}/unlock/", {"secret": "AAAA-BBBB"})
    assert bad.status_code == 303
    resident.post(f"/p/{petition.code}/unlock/", {"secret": filed.secret})
    page = resident.get(f"/p/{petition.code}/").content.decode()
    assert "Gửi đánh giá" in page
    resident.post(f"/p/{petition.code}/rate/", {"rating": 4, "fixed": "yes"})
    petition.refresh_from_db()
    assert (petition.rating, petition.fixed) == (4, True)


def test_officer_of_another_commune_cannot_act(village, commune, outside_officer):
    petition = file_one(village).petition
    response = client_for(outside_officer).post(
        f"/u/{commune.code}/petitions/{petition.pk}/accept/", {"note": ""}
    )
    assert response.status_code == 403
    petition.refresh_from_db()
    assert petition.status == "received"


def test_staff_entry_form(village, commune, officer):
    response = client_for(officer).post(
        f"/u/{commune.code}/petitions/enter/",
        _form(
            kind="complaint",
            category="dat-dai-gpmb",
            channel="letter",
            received_on="2026-11-25",
            complaint_round=1,
        ),
    )
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert petition.channel == "letter" and petition.received_on == dt.date(2026, 11, 25)
    assert petition.entered_by == officer


def test_reception_schedule_and_booking(commune, officer):
    client = client_for(officer)
    client.post(
        f"/u/{commune.code}/reception/day/",
        {
            "weekday": 2,
            "starts_at": "07:30",
            "ends_at": "11:30",
            "place": "Phòng tiếp công dân UBND xã",
            "host": "Chủ tịch UBND xã",
        },
    )
    page = client_for(None).get(f"/u/{commune.code}/reception/")
    html = page.content.decode()
    assert "Thứ Tư" in html and "02/12/2026" in html
    response = client_for(None).post(
        f"/u/{commune.code}/reception/",
        {
            "on": f"{commune.reception_days.get().pk}:2026-12-02",
            "name": "Lê Văn Bình",
            "phone": "0987654321",
            "topic": "Bồi thường đất nông nghiệp",
        },
    )
    assert response.status_code == 302
    assert ReceptionBooking.objects.get().name == "Lê Văn Bình"
    # The public page shows places left, not who booked.
    assert (
        "Lê Văn Bình" not in client_for(None).get(f"/u/{commune.code}/reception/").content.decode()
    )
    assert "Lê Văn Bình" in client.get(f"/u/{commune.code}/reception/").content.decode()


def test_overdue_view_for_the_province(village, province, officer, frozen_today):
    from danchu.accounts.models import Role
    from tests.conftest import make_user

    petition = file_one(village).petition
    frozen_today.move_to(dt.datetime(2027, 1, 15, 9, 0, tzinfo=dt.UTC))
    services.sweep()
    steering = make_user("bcd_tinh", Role.STEERING_MEMBER, province)
    html = client_for(steering).get(f"/u/{province.code}/petitions/overdue/").content.decode()
    assert petition.code in html
    assert FILER["name"] not in html
    assert client_for(None).get(f"/u/{province.code}/petitions/overdue/").status_code == 403


def test_an_item_received_at_the_reception_day_links_the_booking(commune, village, officer):
    day = services.set_reception_day(
        actor=officer,
        commune=commune,
        weekday=2,
        starts_at=dt.time(7, 30),
        ends_at=dt.time(11, 30),
        place="Phòng tiếp công dân UBND xã",
        host="Chủ tịch UBND xã",
    )
    booking = services.book_reception(
        day=day, on=dt.date(2026, 12, 2), name="Lê Văn Bình", phone="0987654321", topic="Đất"
    )
    client = client_for(officer)
    data = _form(channel="phone", received_on="2026-11-27", complaint_round=1)
    bad = client.post(f"/u/{village.code}/petitions/enter/", {**data, "booking": "TCD-0"})
    assert bad.status_code == 422 and "Không có đăng ký tiếp công dân mã" in bad.content.decode()
    assert not Petition.objects.exists()
    client.post(f"/u/{village.code}/petitions/enter/", {**data, "booking": booking.code.lower()})
    petition = Petition.objects.get()
    assert petition.reception == booking
    assert petition.channel == "reception"


def test_a_private_items_reopen_reason_and_officer_notes_stay_off_the_public_page(village, officer):
    filed = file_one(village, is_public=False, text="Nhà bên lấn sang lối đi chung")
    petition = filed.petition
    services.accept(actor=officer, petition=petition, note="Giao tổ địa chính, đo lại mốc giới")
    services.answer(actor=officer, petition=petition, text="Đã đo lại mốc giới.")
    services.rate(petition=petition, rating=1, fixed=False, secret=filed.secret)
    services.reopen(petition=petition, reason="Vẫn lấn, gọi tôi 0987654321", secret=filed.secret)
    public = client_for(None).get(f"/p/{petition.code}/").content.decode()
    api = client_for(None).get(f"/api/v1/petitions/{petition.code}").content.decode()
    for page in (public, api):
        assert "0987654321" not in page and "Vẫn lấn" not in page
        assert "đo lại mốc giới" not in page
    # The filer, with the secret, still reads their own reopening and the officers' notes.
    filer = client_for(None)
    filer.post(f"/p/{petition.code}/unlock/", {"secret": filed.secret})
    mine = filer.get(f"/p/{petition.code}/").content.decode()
    assert "Vẫn lấn, gọi tôi 0987654321" in mine and "đo lại mốc giới" in mine
    # On a public item the officers' notes are public; the filer's reason never is.
    open_item = file_one(village)
    services.accept(actor=officer, petition=open_item.petition, note="Giao tổ giao thông")
    assert (
        "Giao tổ giao thông"
        in client_for(None).get(f"/p/{open_item.petition.code}/").content.decode()
    )


def test_pages_offer_filing_and_the_reception_calendar_only_where_they_exist(
    province, commune, village, other_village, admin_user
):
    """A merged village's page points to its successor, not to a form that answers 404; a
    province's inbox has no reception calendar (communes keep one)."""
    from danchu.accounts.permissions import SYSTEM
    from danchu.units.services import merge_units

    merge_units(actor=SYSTEM, sources=[other_village], into=village, effective=dt.date(2026, 7, 1))
    anonymous = client_for(None)
    assert (
        f"/u/{village.code}/petitions/new/" in anonymous.get(f"/u/{village.code}/").content.decode()
    )
    merged = anonymous.get(f"/u/{other_village.code}/").content.decode()
    assert "/petitions/new/" not in merged
    assert anonymous.get(f"/u/{other_village.code}/petitions/new/").status_code == 404

    admin = client_for(admin_user)
    assert (
        f"/u/{commune.code}/reception/"
        in admin.get(f"/u/{commune.code}/petitions/inbox/").content.decode()
    )
    province_inbox = admin.get(f"/u/{province.code}/petitions/inbox/")
    assert province_inbox.status_code == 200
    assert "/reception/" not in province_inbox.content.decode()


def test_the_officers_page_labels_every_box_and_repeats_no_id(village, commune, officer):
    petition = file_one(village, kind="complaint").petition
    html = client_for(officer).get(f"/u/{commune.code}/petitions/{petition.pk}/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for box in re.finditer(r"<textarea[^>]*>", html):
        before = html[: box.start()]
        inside_label = before.rfind("<label") > before.rfind("</label>")
        has_id = re.search(r'id="([^"]+)"', box.group(0))
        labelled_for = has_id and f'for="{has_id.group(1)}"' in html
        assert inside_label or labelled_for, box.group(0)
