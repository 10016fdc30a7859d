"""Filing, routing, the officer's steps and the filer's steps, with bad input refused whole."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from danchu.accounts.models import Role
from danchu.audit.models import Event
from danchu.core.errors import ValidationError
from danchu.notify.models import Message
from danchu.petitions import services
from danchu.petitions.models import Category, Petition, PetitionFile, RoutingRule, Step
from danchu.units import services as unit_services
from tests.conftest import make_user

from .conftest import file_one


def test_filing_gives_a_tracking_code_a_secret_and_a_clock(village, commune):
    filed = file_one(village)
    petition = filed.petition
    assert petition.code == "PAKN-20261127-0001"
    assert file_one(village).petition.code == "PAKN-20261127-0002"
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", filed.secret)
    assert services.check_secret(petition, filed.secret)
    assert services.check_secret(petition, filed.secret.lower().replace("-", ""))
    assert not services.check_secret(petition, "AAAA-AAAA")
    assert petition.commune == commune
    assert petition.status == "received"
    assert petition.due_on == petition.notice_due_on == dt.date(2026, 12, 11)
    assert Step.objects.filter(petition=petition, action="filed").exists()
    assert Event.objects.filter(action="petitions.filed", object_id=str(petition.pk)).exists()
    # The filer hears the code by SMS through the outbox.
    sms = Message.objects.get(reference=f"petition:{petition.code}", channel="sms")
    assert petition.code in sms.body


def test_routing_rule_assigns_the_officer(village, commune, officer):
    RoutingRule.objects.create(
        commune=commune,
        category=Category.objects.get(code="ha-tang"),
        assignee=officer,
        department="Công chức Địa chính – Xây dựng",
    )
    petition = file_one(village).petition
    assert petition.assignee == officer
    assert petition.department == "Công chức Địa chính – Xây dựng"
    other = file_one(village, category="moi-truong").petition
    assert other.assignee is None


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kind": "complaint", "filer_name": ""}, "identity_required"),
        ({"kind": "denunciation", "filer_name": "", "filer_phone": ""}, "identity_required"),
        # A phone number is not the address the law asks for (Luật KN Art 8(2)).
        ({"kind": "complaint", "filer_address": ""}, "identity_required"),
        ({"category": "khong-co"}, "unknown_category"),
        ({"kind": "rumour"}, "unknown_kind"),
        ({"title": "   "}, "required"),
        ({"text": "x" * 9000}, "too_long"),
        ({"filer_phone": "12ab"}, "bad_phone"),
        ({"filer_email": "khong-phai-email"}, "bad_email"),
        ({"latitude": "91", "longitude": "105"}, "bad_location"),
        ({"latitude": "21.0"}, "bad_location"),
        ({"latitude": "NaN", "longitude": "105"}, "bad_location"),
        ({"files": [("anh.png", b"GIF89a not a png")]}, "bad_file_type"),
        (
            {"files": [("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * (11 * 1024 * 1024))]},
            "file_too_large",
        ),
        ({"files": [("a.png", b"\x89PNG\r\n\x1a\n")] * 6}, "too_many_files"),
        ({"text": "có ký tự \x00 lạ"}, "bad_text"),
    ],
)
def test_bad_filings_are_refused_and_write_nothing(village, changes, code):
    kind = changes.pop("kind", "feedback")
    category = changes.pop("category", "ha-tang")
    with pytest.raises(ValidationError) as err:
        file_one(village, kind=kind, category=category, **changes)
    assert err.value.code == code
    if not code.startswith("file") and code != "bad_file_type":
        # Vietnamese, with its English in the catalog (the template is the msgid)
        with translation.override("en"):
            assert translation.gettext(err.value.message) != err.value.message
    assert not Petition.objects.exists()
    assert not PetitionFile.objects.exists()


def test_anonymous_feedback_is_allowed_but_a_complaint_needs_a_person(village):
    anonymous = file_one(village, filer_name="", filer_phone="", filer_address="").petition
    assert anonymous.filer_name == ""
    complaint = file_one(village, kind="complaint", category="dat-dai-gpmb").petition
    assert complaint.filer_name == "Trần Thị Mai"


def test_a_unit_above_the_commune_or_a_merged_village_is_refused(province, commune, village):
    with pytest.raises(ValidationError) as err:
        file_one(province)
    assert err.value.code == "unit_not_local"
    other = unit_services.create_village(
        actor=services.permissions.SYSTEM, commune=commune, name="Thôn Cao Xá"
    )
    unit_services.merge_units(
        actor=services.permissions.SYSTEM,
        sources=[village, other],
        new_name="Thôn Cao Xá Đông",
        effective=dt.date(2026, 11, 1),
    )
    village.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        file_one(village)
    assert err.value.code == "unit_gone"


def test_a_denunciation_is_never_public(village):
    petition = file_one(village, kind="denunciation", category="can-bo", is_public=True).petition
    assert petition.is_public is False


def test_photos_are_stored_with_their_checksum(village, png):
    petition = file_one(village, files=[("o-ga.png", png)]).petition
    stored = petition.files.get()
    assert stored.content_type == "image/png"
    assert stored.size == len(png)
    assert stored.file.read() == png


def test_staff_entry_needs_a_role_on_the_commune(village, resident, outside_officer, village_head):
    for actor in (resident, outside_officer, None):
        with pytest.raises(PermissionDenied):
            file_one(village, actor=actor, channel="phone")
    entered = file_one(
        village,
        actor=village_head,
        channel="letter",
        received_on=dt.date(2026, 11, 20),
    ).petition
    assert entered.channel == "letter"
    assert entered.entered_by == village_head
    assert entered.filer is None
    assert entered.received_on == dt.date(2026, 11, 20)
    assert entered.code == "PAKN-20261120-0001"
    with pytest.raises(ValidationError) as err:
        file_one(village, actor=village_head, channel="letter", received_on=dt.date(2026, 12, 1))
    assert err.value.code == "future_date"


def test_online_filing_by_a_signed_in_resident_links_the_account(village, resident):
    petition = file_one(village, actor=resident, filer_name="").petition
    assert petition.filer == resident
    assert petition.filer_name == resident.full_name
    assert services.is_filer(petition, resident)


def test_answering_before_accepting_is_refused(village, officer):
    petition = file_one(village).petition
    with pytest.raises(ValidationError) as err:
        services.answer(actor=officer, petition=petition, text="Đã xử lý")
    assert err.value.code == "not_accepted"
    petition.refresh_from_db()
    assert petition.status == "received" and petition.answer == ""


def test_accepting_twice_or_refusing_after_acceptance_is_refused(village, officer):
    petition = file_one(village).petition
    services.accept(actor=officer, petition=petition)
    for step in (
        lambda: services.accept(actor=officer, petition=petition),
        lambda: services.refuse(actor=officer, petition=petition, reason="Không thuộc thẩm quyền"),
        lambda: services.mark_verifying(actor=officer, petition=petition, note="Xác minh"),
    ):
        with pytest.raises(ValidationError) as err:
            step()
        assert err.value.code == "bad_step"


def test_refusal_needs_a_reason(village, officer):
    petition = file_one(village).petition
    with pytest.raises(ValidationError):
        services.refuse(actor=officer, petition=petition, reason=" ")
    refused = services.refuse(
        actor=officer, petition=petition, reason="Nội dung đã được giải quyết tại văn bản số 12"
    )
    assert refused.status == "refused" and refused.due_on is None


def test_officers_act_only_in_their_units(village, outside_officer, resident, officer):
    petition = file_one(village).petition
    for actor in (outside_officer, resident, None):
        with pytest.raises(PermissionDenied):
            services.accept(actor=actor, petition=petition)
    petition.refresh_from_db()
    assert petition.status == "received"
    services.accept(actor=officer, petition=petition)


def test_forwarding_to_another_commune_restarts_the_clock(
    village, officer, other_commune, frozen_today
):
    petition = file_one(village).petition
    frozen_today.move_to(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC))
    forwarded = services.forward(
        actor=officer,
        petition=petition,
        to_commune=other_commune,
        reason="Đoạn đường thuộc địa bàn xã Đại Xuyên",
    )
    assert forwarded.commune == other_commune
    assert forwarded.status == "received"
    assert forwarded.received_on == dt.date(2026, 12, 2)
    assert forwarded.due_on == dt.date(2026, 12, 16)
    assert forwarded.code == petition.code  # the filer keeps tracking the same code
    step = forwarded.steps.get(action="forwarded")
    assert "Xã Đại Xuyên" in step.note and step.public
    # The first commune no longer acts on it.
    with pytest.raises(PermissionDenied):
        services.accept(actor=officer, petition=forwarded)


def test_forwarding_outside_stops_the_clock(village, officer):
    petition = file_one(village, kind="complaint", category="dat-dai-gpmb").petition
    with pytest.raises(ValidationError) as err:
        services.forward(actor=officer, petition=petition, reason="Không thuộc thẩm quyền")
    assert err.value.code == "forward_target"
    forwarded = services.forward(
        actor=officer,
        petition=petition,
        to_body="Văn phòng Đăng ký đất đai Hà Nội",
        reason="Thuộc thẩm quyền giải quyết của Văn phòng Đăng ký đất đai",
    )
    assert forwarded.status == "forwarded"
    assert forwarded.due_on is None
    assert forwarded.forwarded_to == "Văn phòng Đăng ký đất đai Hà Nội"


def test_withdrawal_by_the_filer_at_any_open_step(village, officer):
    filed = file_one(village, kind="complaint", category="dat-dai-gpmb")
    services.accept(actor=officer, petition=filed.petition)
    with pytest.raises(ValidationError) as err:
        services.withdraw(petition=filed.petition, reason="", secret="SAI0-SAI0")
    assert err.value.code == "bad_secret"
    withdrawn = services.withdraw(
        petition=filed.petition, reason="Hai bên đã thỏa thuận", secret=filed.secret
    )
    assert withdrawn.status == "withdrawn" and withdrawn.due_on is None
    with pytest.raises(ValidationError) as err:
        services.withdraw(petition=withdrawn, reason="", secret=filed.secret)
    assert err.value.code == "bad_step"


def test_staff_record_a_written_withdrawal(village, officer):
    petition = file_one(village).petition
    withdrawn = services.withdraw(petition=petition, reason="Đơn xin rút ngày 27/11", actor=officer)
    assert withdrawn.status == "withdrawn"


def test_rating_and_reopening(village, officer, frozen_today):
    filed = file_one(village)
    petition = filed.petition
    services.accept(actor=officer, petition=petition)
    with pytest.raises(ValidationError) as err:
        services.rate(petition=petition, rating=4, fixed=True, secret=filed.secret)
    assert err.value.code == "not_answered"
    services.answer(actor=officer, petition=petition, text="Đã vá ổ gà.", public=True)
    with pytest.raises(ValidationError) as err:
        services.rate(petition=petition, rating=6, fixed=True, secret=filed.secret)
    assert err.value.code == "bad_rating"
    with pytest.raises(ValidationError):
        services.rate(petition=petition, rating=1, fixed=False, secret="")
    rated = services.rate(petition=petition, rating=1, fixed=False, secret=filed.secret)
    assert rated.rating == 1 and rated.fixed is False
    with pytest.raises(ValidationError) as err:
        services.rate(petition=petition, rating=5, fixed=True, secret=filed.secret)
    assert err.value.code == "already_rated"
    assert services.can_reopen(rated)
    reopened = services.reopen(
        petition=petition, reason="Ổ gà vẫn còn sau trận mưa", secret=filed.secret
    )
    assert reopened.status == "accepted"
    assert reopened.reopened == 1
    assert reopened.due_on == reopened.resolve_due_on > dt.date(2026, 11, 27)
    assert reopened.rating is None


def test_reopening_needs_a_bad_rating_within_the_window(village, officer, frozen_today):
    filed = file_one(village)
    services.accept(actor=officer, petition=filed.petition)
    services.answer(actor=officer, petition=filed.petition, text="Đã xử lý.")
    services.rate(petition=filed.petition, rating=5, fixed=True, secret=filed.secret)
    with pytest.raises(ValidationError) as err:
        services.reopen(petition=filed.petition, reason="Muốn mở lại", secret=filed.secret)
    assert err.value.code == "reopen_closed"

    second = file_one(village)
    services.accept(actor=officer, petition=second.petition)
    services.answer(actor=officer, petition=second.petition, text="Đã xử lý.")
    services.rate(petition=second.petition, rating=2, fixed=False, secret=second.secret)
    frozen_today.move_to(dt.datetime(2027, 1, 5, 9, 0, tzinfo=dt.UTC))
    with pytest.raises(ValidationError) as err:
        services.reopen(petition=second.petition, reason="Vẫn chưa sửa", secret=second.secret)
    assert err.value.code == "reopen_closed"


def test_followup_after_four_weeks(village, officer, frozen_today):
    filed = file_one(village)
    services.accept(actor=officer, petition=filed.petition)
    services.answer(actor=officer, petition=filed.petition, text="Đã xử lý.")
    with pytest.raises(ValidationError) as err:
        services.answer_followup(petition=filed.petition, fixed=True, secret=filed.secret)
    assert err.value.code == "followup_not_open"
    assert services.sweep().followups == 0
    frozen_today.move_to(dt.datetime(2026, 12, 25, 9, 0, tzinfo=dt.UTC))
    assert services.sweep().followups == 1
    assert services.sweep().followups == 0  # asked once
    messages = Message.objects.filter(reference=f"petition:{filed.petition.code}")
    assert any("4 tuần" in m.body for m in messages)
    done = services.answer_followup(petition=filed.petition, fixed=True, secret=filed.secret)
    assert done.followup_fixed is True


def test_assignment_only_to_someone_serving_the_commune(village, officer, outside_officer, commune):
    petition = file_one(village).petition
    with pytest.raises(ValidationError) as err:
        services.assign(actor=officer, petition=petition, assignee=outside_officer)
    assert err.value.code == "bad_assignee"
    colleague = make_user("cong_chuc_dia_chinh", Role.COMMUNE_OFFICER, commune)
    services.assign(actor=officer, petition=petition, assignee=colleague, department="Địa chính")
    petition.refresh_from_db()
    assert petition.assignee == colleague
