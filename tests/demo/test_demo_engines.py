"""Every engine shows something real after the demo: notices in every compliance state,
a decided meeting, an open ballot and a convention waiting for recognition."""

import datetime as dt

from django.utils import timezone

from danchu.consultations.models import Convention
from danchu.decisions import services as decisions
from danchu.decisions.models import Matter
from danchu.disclosures.models import Notice
from danchu.disclosures.services import compliance
from tests.conftest import client_for


def test_demo_notices_cover_every_compliance_state(demo):
    notices = {n.title: n for n in Notice.objects.with_compliance()}
    flags = {title: compliance(n) for title, n in notices.items()}
    assert len(notices) == 6
    assert flags["Danh sách hộ nghèo, hộ cận nghèo năm 2026 (kết quả rà soát)"] == ["on_time"]
    assert (
        "radio_incomplete"
        in flags["Kết quả tiếp nhận, giải quyết kiến nghị của cử tri quý III năm 2026"]
    )
    assert "late" in flags["Mức thu Quỹ phòng, chống thiên tai năm 2026"]
    assert "taken_down_early" in flags["Mức thu Quỹ phòng, chống thiên tai năm 2026"]
    assert "period_late" in flags["Tình hình thực hiện dự toán ngân sách xã quý III năm 2026"]
    page = client_for(None).get("/u/10402-03/").content.decode()
    assert "Phương án bồi thường, hỗ trợ giải phóng mặt bằng" in page


def test_demo_matters_show_a_result_an_open_ballot_and_a_recognition_clock(demo):
    road = Matter.objects.get(title="Đóng góp xây dựng đường bê tông ngõ xóm 3")
    assert road.status == "closed" and road.adopted is True
    assert road.result["roll_size"] == 231
    ballot = Matter.objects.get(title="Thay đổi giờ phát loa truyền thanh buổi sáng")
    assert ballot.is_open and ballot.participations.count() == 61
    convention = Matter.objects.get(title="Sửa đổi, bổ sung hương ước thôn Cao Xá năm 2026")
    assert convention.adopted and convention.received_on is not None
    assert not decisions.is_effective(convention)  # waiting for the commune's recognition
    # Behind the matter, the convention itself: the 2018 text in force, the amendment adopted,
    # its comments answered, its dossier received.
    from danchu.consultations import conventions

    cao_xa = Convention.objects.get(village__code="10402-03")
    amendment = cao_xa.versions.get(matter=convention)
    assert conventions.version_in_force(cao_xa).decision_number == "215/QĐ-UBND"
    assert amendment.stage == "submitted" and amendment.consultation.status == "answered"
    assert amendment.consultation.opinions.count() == 3
    assert conventions.recognition_due_on(amendment) == decisions.recognition_due_on(convention)
    page = client_for(None).get("/u/10402-03/convention/").content.decode()
    assert "215/QĐ-UBND" in page and "phân loại rác tại nguồn" in page
    page = client_for(None).get("/u/10402-02/").content.decode()
    assert "Thay đổi giờ phát loa truyền thanh buổi sáng" in page
    # Thôn Đông Lỗ's yearly conference, held with every step, its minutes printed.
    from danchu.decisions.models import Conference

    conference = Conference.objects.get(village__code="10402-01")
    assert conference.held and conference.summons_channels == ["written", "radio"]
    url = f"/u/10402-01/conferences/{conference.year}/"
    assert "Ban Thanh tra nhân dân giám sát" in client_for(None).get(url).content.decode()
    assert client_for(None).get(f"{url}minutes.pdf")["Content-Type"] == "application/pdf"


def test_demo_petitions_show_answers_ratings_clocks_and_a_reception_day(demo):
    from danchu.petitions import services as petitions
    from danchu.petitions.models import Petition, ReceptionDay

    rows = Petition.objects.filter(commune__code="10402")
    assert rows.count() == 20
    assert rows.filter(status="answered").exists()
    assert rows.filter(status__in=["received", "accepted"]).exists()
    assert rows.filter(rating__isnull=False).exists()
    assert rows.filter(kind="complaint", category__code="dat-dai-gpmb").count() == 2
    assert ReceptionDay.objects.filter(commune__code="10402", weekday=2).exists()
    today = timezone.localdate()
    stats = petitions.statistics(demo.commune, today - dt.timedelta(days=365), today)
    assert stats["received"] == 20 and stats["answered"] >= 5
    page = client_for(None).get("/u/10402/petitions/").content.decode()
    assert "Đèn đường ngã ba Hòa Xá tắt nhiều ngày" in page
    assert "Tố cáo việc thu tiền" not in page
    assert "Nguyễn Văn Thắng" not in page


def test_demo_consultations_one_open_and_one_answered(demo):
    from danchu.consultations.models import Consultation
    from danchu.consultations.services import is_accepting, unanswered

    open_one = Consultation.objects.get(title="Dự thảo Quy chế thực hiện dân chủ ở xã Ứng Hòa")
    assert is_accepting(open_one)
    assert open_one.sections.count() == 6
    assert open_one.opinions.count() == 6
    # Every household holds a printed code, and one has commented with it.
    from danchu.consultations import codes

    assert open_one.household_codes.count() == 1500
    by_code = open_one.opinions.get(channel="code")
    assert by_code.household is not None and by_code.section.number == 2
    household, code = codes.printed_codes(open_one)[1]
    client = client_for(None)
    page = client.post(f"{open_one.get_absolute_url()}household/", {"code": code}, follow=True)
    assert household.code in page.content.decode()
    answered = Consultation.objects.get(
        title="Chủ trương mở rộng đường trục xã đoạn qua thôn Cao Xá"
    )
    assert answered.synthesis_published_at is not None
    assert not unanswered(answered).exists()
    assert answered.groups.filter(answer="not_accepted").exclude(reason="").count() == 1
    page = client_for(None).get("/u/10402/").content.decode()
    assert "Dự thảo Quy chế thực hiện dân chủ ở xã Ứng Hòa" in page


def test_demo_village_heads_one_elected_one_in_preparation_one_acting(demo):
    from danchu.decisions import elections
    from danchu.decisions.models import Election, Term
    from danchu.units.models import Unit

    dong_lo = Unit.objects.get(code="10402-01")
    head = elections.current_head(dong_lo)
    assert head.person.full_name == "Trần Văn Hùng" and not head.acting
    term = Term.objects.get(village=dong_lo, office="village_head")
    assert term.months == 60 and term.election.matter.recognised_on == term.started_on
    van_dinh = Election.objects.get(matter__unit__code="10402-04")
    assert van_dinh.matter.status == "draft" and van_dinh.announced_on is not None
    assert elections.preparation_missing(van_dinh.matter) == []
    assert van_dinh.candidacies.count() == 2
    assert elections.current_head(Unit.objects.get(code="10402-02")).acting
    # Every other village's head was elected on paper and is recorded with its decision.
    for code in ("10402-03", "10402-05", "10402-06", "10402-07", "10402-08"):
        head = elections.current_head(Unit.objects.get(code=code))
        assert head is not None and not head.acting and head.term.basis.startswith("Quyết định")
    ending = elections.current_head(Unit.objects.get(code="10402-04"))
    assert ending.until > van_dinh.meeting_on  # the election comes before the term ends
    client = client_for(None)
    overview = client.get("/u/10402/elections/").content.decode()
    assert "Trần Văn Hùng" in overview and "Ngô Văn Thành" in overview and "lâm thời" in overview
    assert "trống" not in overview and "sắp hết" in overview
    page = client.get(f"/u/10402-04/elections/{van_dinh.pk}/").content.decode()
    assert "Hoàng Văn Long" in page and "Bùi Thị Hương" in page and "Lê Thị Mai" in page
