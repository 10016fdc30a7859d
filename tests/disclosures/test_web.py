import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danchu.accounts.models import Role
from danchu.accounts.permissions import SYSTEM
from danchu.audit.models import Event
from danchu.core.errors import ValidationError
from danchu.disclosures import services
from danchu.disclosures.models import Acknowledgment, Attachment, Notice, Posting
from tests.conftest import client_for, make_user
from tests.disclosures.conftest import TODAY, make_notice

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _form(art_item, **extra):
    return {
        "item": art_item.pk,
        "title": "Kế hoạch sử dụng đất năm 2027",
        "body": "Nội dung kế hoạch sử dụng đất của xã.",
        "signed_on": "2026-11-26",
        **extra,
    }


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
def test_permission_matrix_for_drafting_a_notice(personas, persona, allowed, commune, item):
    before = (Notice.objects.count(), Event.objects.count())
    response = client_for(personas[persona]).post(f"/u/{commune.code}/notices/create/", _form(item))
    if allowed:
        notice = Notice.objects.get()
        assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()
        assert notice.status == Notice.Status.DRAFT
    else:
        assert response.status_code in (302, 403)
        assert (Notice.objects.count(), Event.objects.count()) == before


@pytest.mark.parametrize(
    "persona,allowed",
    [
        ("resident", False),
        ("other_village_head", False),
        ("outside_officer", False),
        ("officer", True),
        ("admin", True),
    ],
)
def test_permission_matrix_for_publishing_and_posting(personas, persona, allowed, commune, item):
    notice = make_notice(commune, item, publish=False)
    client = client_for(personas[persona])
    before = Event.objects.count()
    response = client.post(f"/u/{commune.code}/notices/{notice.pk}/publish/")
    notice.refresh_from_db()
    if allowed:
        assert notice.status == Notice.Status.PUBLISHED
    else:
        assert response.status_code in (403, 404)
        assert notice.status == Notice.Status.DRAFT and Event.objects.count() == before
        services.publish_notice(actor=SYSTEM, notice=notice)
        before = Event.objects.count()
        response = client.post(
            f"/u/{commune.code}/notices/{notice.pk}/postings/",
            {"place_name": "Bảng tin xã", "started_on": "2026-11-27"},
        )
        assert response.status_code == 403
        assert Posting.objects.count() == 0 and Event.objects.count() == before


def test_unknown_item_and_empty_title_are_422_and_write_nothing(officer, commune, item):
    client = client_for(officer)
    response = client.post(f"/u/{commune.code}/notices/create/", _form(item, item=999))
    assert response.status_code == 422
    assert "không tồn tại" in response.content.decode()
    response = client.post(f"/u/{commune.code}/notices/create/", _form(item, title=""))
    assert response.status_code == 422
    assert Notice.objects.count() == 0


def test_unknown_unit_is_404(officer, db):
    assert client_for(officer).get("/u/00000/notices/create/").status_code == 404
    assert client_for(None).get("/u/00000/notices.atom").status_code == 404


def test_a_posting_or_a_signing_before_2000_is_refused(commune, item):
    notice = make_notice(commune, item, signed_on=None)
    with pytest.raises(ValidationError) as info:
        services.record_posting(
            actor=SYSTEM, notice=notice, started_on=dt.date(1999, 1, 1), place_name="Chợ"
        )
    assert info.value.code == "date_too_early"
    assert not notice.postings.exists()
    with pytest.raises(ValidationError) as info:
        make_notice(commune, item, signed_on=dt.date(1, 1, 1), publish=False)
    assert info.value.code == "signed_too_early"


def test_posting_that_ends_before_it_starts_is_refused_with_a_message(officer, commune, item):
    notice = make_notice(commune, item)
    posting = services.record_posting(
        actor=SYSTEM, notice=notice, started_on=TODAY, place_name="Nhà văn hóa thôn"
    )
    client = client_for(officer)
    response = client.post(
        f"/u/{commune.code}/postings/{posting.pk}/take-down/",
        {"ended_on": "2026-11-20", "reason": "nhầm"},
        follow=True,
    )
    assert "Ngày gỡ không được trước ngày niêm yết (27/11/2026)" in response.content.decode()
    posting.refresh_from_db()
    assert posting.ended_on is None


def test_take_down_before_publishing_is_refused(commune, item):
    draft = make_notice(commune, item, publish=False)
    with pytest.raises(ValidationError) as info:
        services.record_posting(actor=SYSTEM, notice=draft, started_on=TODAY, place_name="Bảng")
    assert info.value.code == "not_published"


@pytest.mark.parametrize(
    "name,data,code",
    [
        ("quyet-dinh.pdf", PNG, "bad_file_type"),  # an image pretending to be a PDF
        ("anh.png", PDF, "bad_file_type"),
        ("virus.exe", b"MZ\x90\x00", "bad_file_type"),
        ("trong.pdf", b"", "empty_file"),
    ],
)
def test_attachments_are_checked_by_content(commune, item, name, data, code):
    notice = make_notice(commune, item, publish=False)
    with pytest.raises(ValidationError) as info:
        services.attach_document(actor=SYSTEM, notice=notice, name=name, data=data)
    assert info.value.code == code
    assert Attachment.objects.count() == 0


def test_a_published_notice_takes_no_new_document(commune, item):
    notice = make_notice(commune, item)
    with pytest.raises(ValidationError) as info:
        services.attach_document(actor=SYSTEM, notice=notice, name="bo-sung.pdf", data=PDF)
    assert info.value.code == "not_draft"
    assert Attachment.objects.count() == 0


def test_oversized_attachment_is_refused(commune, item, settings):
    settings.DISCLOSURE_ATTACHMENT_MAX_MB = 1
    notice = make_notice(commune, item, publish=False)
    with pytest.raises(ValidationError) as info:
        services.attach_document(
            actor=SYSTEM, notice=notice, name="lon.pdf", data=PDF + b"0" * (1024 * 1024)
        )
    assert info.value.code == "file_too_large"


def test_attachment_is_public_once_published(officer, commune, item):
    notice = make_notice(commune, item, publish=False)
    client = client_for(officer)
    upload = SimpleUploadedFile("quyet-dinh-125.pdf", PDF, content_type="application/pdf")
    client.post(f"/u/{commune.code}/notices/{notice.pk}/attach/", {"file": upload})
    attachment = Attachment.objects.get()
    url = f"/u/{commune.code}/notices/{notice.pk}/files/{attachment.pk}/"
    assert client_for(None).get(url).status_code == 404  # still a draft
    services.publish_notice(actor=SYSTEM, notice=notice)
    response = client_for(None).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_unit_page_lists_own_and_ancestor_notices_newest_first(
    commune, village, other_village, item
):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        older = make_notice(commune, item, title="Quy hoạch khu dân cư Đồng Mạ")
    village_notice = make_notice(village, item, title="Họp thôn Đông Lỗ về đường làng")
    other = make_notice(other_village, item, title="Thông báo riêng của thôn Hòa Xá")
    page = client_for(None).get(f"/u/{village.code}/").content.decode()
    assert page.index(village_notice.title) < page.index(older.title)
    assert other.title not in page


def test_search_without_diacritics_and_item_filter(commune, item, radio_item):
    make_notice(commune, item, title="Phương án bồi thường đường liên thôn")
    make_notice(commune, radio_item, title="Danh sách hộ nghèo năm 2026")
    client = client_for(None)
    page = client.get(f"/u/{commune.code}/", {"q": "duong lien thon"}).content.decode()
    assert "Phương án bồi thường" in page and "Danh sách hộ nghèo" not in page
    page = client.get(f"/u/{commune.code}/", {"item": radio_item.pk}).content.decode()
    assert "Danh sách hộ nghèo" in page and "Phương án bồi thường" not in page


def test_search_by_document_number_with_or_without_its_punctuation(commune, item):
    make_notice(commune, item, title="Phương án bồi thường đường liên thôn")
    client = client_for(None)
    for query in ("125/QĐ-UBND", "125 qd ubnd", "qđ-ubnd"):
        page = client.get(f"/u/{commune.code}/", {"q": query}).content.decode()
        assert "Phương án bồi thường" in page, query
    page = client.get(f"/u/{commune.code}/", {"q": "126/QĐ-UBND"}).content.decode()
    assert "Phương án bồi thường" not in page


def test_drafts_are_never_public(commune, item):
    draft = make_notice(commune, item, publish=False, title="Bản nháp bí mật")
    client = client_for(None)
    assert "Bản nháp bí mật" not in client.get(f"/u/{commune.code}/").content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert (
        b"B\xe1\xba\xa3n nh\xc3\xa1p b\xc3\xad m\xe1\xba\xadt"
        not in client.get(f"/u/{commune.code}/notices.atom").content
    )


def test_atom_feed_parses_and_lists_published_notices(commune, village, item):
    make_notice(commune, item, title="Kế hoạch phát triển kinh tế - xã hội 2027")
    response = client_for(None).get(f"/u/{village.code}/notices.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.find("a:title", ns).text == "Thông báo công khai — Thôn Đông Lỗ"
    titles = [e.find("a:title", ns).text for e in root.findall("a:entry", ns)]
    assert titles == ["Kế hoạch phát triển kinh tế - xã hội 2027"]


def test_acknowledgments_are_counted_per_village(commune, village, other_village, item):
    notice = make_notice(commune, item)
    a = make_user("cu_dan_a", Role.RESIDENT, village)
    b = make_user("cu_dan_b", Role.RESIDENT, village)
    c = make_user("cu_dan_c", Role.RESIDENT, other_village)
    for user in (a, b, c, a):
        client_for(user).post(f"/u/{commune.code}/notices/{notice.pk}/read/")
    assert Acknowledgment.objects.count() == 3
    assert services.acknowledgments_by_village(notice) == [
        {"village__name": "Thôn Đông Lỗ", "village__code": village.code, "count": 2},
        {"village__name": "Thôn Hòa Xá", "village__code": other_village.code, "count": 1},
    ]
    response = client_for(None).post(f"/u/{commune.code}/notices/{notice.pk}/read/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_village_head_records_how_the_notice_was_passed_on(
    commune, village, village_head, other_village_head, item
):
    notice = make_notice(commune, item)
    forwarding = services.forward_to_village(
        actor=SYSTEM, notice=notice, village=village, forwarded_on=TODAY
    )
    url = f"/u/{commune.code}/forwardings/{forwarding.pk}/relay/"
    data = {"method": "group", "relayed_on": "2026-11-27", "note": "Nhóm Zalo thôn"}
    client_for(other_village_head).post(url, data)
    forwarding.refresh_from_db()
    assert forwarding.relay_method == ""
    client_for(village_head).post(url, data)
    forwarding.refresh_from_db()
    assert (forwarding.relay_method, forwarding.relayed_on) == ("group", TODAY)


def test_forwarding_outside_the_commune_is_refused(commune, other_commune, item):
    from danchu.units.services import create_village

    notice = make_notice(commune, item)
    elsewhere = create_village(actor=SYSTEM, commune=other_commune, name="Thôn Khác")
    with pytest.raises(ValidationError) as info:
        services.forward_to_village(
            actor=SYSTEM, notice=notice, village=elsewhere, forwarded_on=TODAY
        )
    assert info.value.code == "village_outside"


def test_officer_dashboard_lists_non_compliant_notices(officer, commune, item, radio_item):
    make_notice(commune, radio_item, title="Kết quả thanh tra năm 2026")
    make_notice(commune, item, title="Thông báo đúng hạn")
    page = client_for(officer).get(f"/u/{commune.code}/notices/manage/").content.decode()
    assert "Kết quả thanh tra năm 2026" in page
    assert "Chưa đủ 3 ngày phát thanh liên tục" in page


def test_unit_page_query_count_does_not_grow_with_notices(
    commune, item, django_assert_max_num_queries
):
    client = client_for(None)
    for n in range(3):
        make_notice(commune, item, title=f"Thông báo số {n}")
    # A fixed number per section: the unit and its neighbours (4), notices (3), decisions (2),
    # consultations (2), petitions (2: headline figures, recent items), households (1).
    with django_assert_max_num_queries(14) as few:
        client.get(f"/u/{commune.code}/")
    for n in range(30):
        make_notice(commune, item, title=f"Thông báo thêm {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/u/{commune.code}/")


def test_an_unknown_item_filter_keeps_the_search_and_says_so(commune, item):
    make_notice(commune, item, title="Kế hoạch lắp đèn đường")
    make_notice(commune, item, title="Lịch tiêm chủng")
    page = client_for(None).get(f"/u/{commune.code}/", {"q": "den duong", "item": "999"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kế hoạch lắp đèn đường" in html and "Lịch tiêm chủng" not in html
    assert "Không có nội dung công khai (Điều 11) này" in html


def test_reporting_periods_read_as_words_not_codes(officer, commune, budget_item):
    from danchu.disclosures.models import Notice

    commune.valid_from = dt.date(2026, 1, 1)
    commune.save()
    notice = make_notice(commune, budget_item, period="2026-Q1")
    page = client_for(officer).get(f"/u/{commune.code}/notices/manage/").content.decode()
    assert "Khoản 2 Điều 11 — quý III năm 2026" in page and "2:2026-Q3" not in page
    assert Notice.objects.get(pk=notice.pk).period_words == "quý I năm 2026"
    detail = client_for(None).get(notice.get_absolute_url()).content.decode()
    assert "quý I năm 2026" in detail and "2026-Q1" not in detail
