"""The printed forms of a community decision (NĐ 59/2023 Mẫu 01–05) and household ballots,
read back from the PDF: the text a resident or an officer sees, the codes, the QR codes."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.test import override_settings
from pypdf import PdfReader

from danchu.accounts.permissions import SYSTEM
from danchu.core.errors import ValidationError
from danchu.decisions import elections, printing, services
from danchu.decisions.models import Election, ElectionTeamMember
from danchu.people.models import Person
from tests.decisions.conftest import TODAY, add_households, codes_of, open_matter

A4_POINTS = (595.28, 841.89)
BOARD = ["Trần Văn An", "Phạm Thị Bình", "Đỗ Văn Cường"]


def pages_of(pdf: bytes) -> list[str]:
    """Each page's text with runs of white space made single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def text_of(pdf: bytes) -> str:
    return " ".join(pages_of(pdf))


def assert_a4(pdf: bytes) -> None:
    for page in PdfReader(io.BytesIO(pdf)).pages:
        box = page.mediabox
        assert (round(float(box.width), 1), round(float(box.height), 1)) == pytest.approx(
            A4_POINTS, abs=0.5
        )


def yes_no(matter):
    return [o.pk for o in matter.options.all()]


def held_meeting(village, *, households=20, present=15, yes=12, no=3, close=True):
    """A meeting at the cultural house: secret ballot counted by a board of three."""
    matter = open_matter(village, households=households)
    ids = list(matter.roll.order_by("household__code").values_list("household_id", flat=True))
    session = services.start_session(
        actor=SYSTEM,
        matter=matter,
        name="Nhà văn hóa thôn Đông Lỗ",
        held_on=TODAY,
        chair_name="Nguyễn Văn Thành",
    )
    services.record_attendance(actor=SYSTEM, session=session, household_ids=ids[:present])
    for question in ("secretary", "method", "counting_board"):
        services.record_procedural_vote(
            actor=SYSTEM, session=session, question=question, in_favour=present // 2 + 1
        )
    services.set_session_details(
        actor=SYSTEM,
        session=session,
        secretary_name="Lê Thị Hoa",
        method="secret",
        counting_board=BOARD,
        minutes="Bà con thống nhất đổ bê tông mặt đường rộng 3 m.",
    )
    option_yes, option_no = yes_no(matter)
    services.record_session_counts(
        actor=SYSTEM, session=session, counts={option_yes: yes, option_no: no}
    )
    if close:
        services.close_matter(actor=SYSTEM, matter=matter)
    matter.refresh_from_db()
    return matter, session


def ballot_matter(village, *, households=10, secret=False, online=4, paper=2, close=True):
    matter = open_matter(village, form="ballot", households=households, agreed=True, secret=secret)
    option_yes, option_no = yes_no(matter)
    codes = list(codes_of(matter).values())
    for code in codes[:online]:
        services.cast_with_code(code=code, option_id=option_yes, channel="online")
    for code in codes[online : online + paper]:
        services.cast_with_code(code=code, option_id=option_no, channel="paper", actor=SYSTEM)
    if close:
        services.close_matter(actor=SYSTEM, matter=matter)
    matter.refresh_from_db()
    return matter


# --- Mẫu 01 ---------------------------------------------------------------------------------


def test_invitation_names_time_place_content_and_convenor(village):
    matter, session = held_meeting(village, close=False)
    pdf = printing.invitation_pdf(matter, session)
    text = text_of(pdf)
    assert_a4(pdf)
    for expected in (
        "Mẫu số 01",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "THÔN ĐÔNG LỖ",
        "GIẤY MỜI",
        "Họp cộng đồng dân cư thôn Đông Lỗ",
        "ngày 27 tháng 11 năm 2026",
        "Nhà văn hóa thôn Đông Lỗ",
        "Làm đường bê tông xóm 3",
        "TRƯỞNG THÔN",
        "Nguyễn Văn Thành",
    ):
        assert expected in text, expected


# --- Mẫu 02 ---------------------------------------------------------------------------------


def test_minutes_record_the_meeting_the_totals_the_rule_and_the_outcome(village):
    matter, _session = held_meeting(village)
    pdf = printing.minutes_pdf(matter)
    text = text_of(pdf)
    assert_a4(pdf)
    for expected in (
        "Mẫu số 02",
        "BIÊN BẢN",
        "Về việc: Làm đường bê tông xóm 3",
        "Tổng số hộ gia đình trong danh sách (chốt khi bắt đầu lấy ý kiến): 20 hộ",
        "Số hộ có đại diện dự họp: 15 hộ (75,0%)",
        "Chủ trì: Nguyễn Văn Thành",
        "Thư ký: Lê Thị Hoa",
        "Hình thức biểu quyết: Bỏ phiếu kín",
        "Trần Văn An (Trưởng ban); Phạm Thị Bình; Đỗ Văn Cường",
        "bầu thư ký: 8/15 hộ (53,3%) — thông qua",
        "Bà con thống nhất đổ bê tông",
        "1 Đồng ý 12 60,0%",
        "2 Không đồng ý 3 15,0%",
        "Quá 50% tổng số hộ trong danh sách (20 hộ) tán thành — Điều 21 khoản 1 Luật 10/2022/QH15",
        "Kết quả: Nội dung được thông qua.",
        "THƯ KÝ",
        "CHỦ TRÌ",
        "BAN KIỂM PHIẾU",
        "Danh sách hộ gia đình có đại diện dự họp",
        "H0001 — Nguyễn Văn Hộ 1",
    ):
        assert expected in text, expected
    assert "H0016" not in text  # the 16th household did not attend
    assert "TẠM TÍNH" not in text


def test_minutes_of_an_open_count_are_marked_provisional(village):
    matter, _session = held_meeting(village, yes=10, no=5, close=False)
    text = text_of(printing.minutes_pdf(matter, with_attendance=False))
    assert "KẾT QUẢ TẠM TÍNH" in text
    assert "1 Đồng ý 10 50,0%" in text
    assert "Kết quả: Nội dung không được thông qua." in text  # 10 of 20 is not more than half
    assert "Danh sách hộ gia đình" not in text


def test_minutes_of_cluster_meetings_add_the_clusters_up(village):
    matter = open_matter(village, item=1, households=240)
    option_yes, option_no = yes_no(matter)
    ids = list(matter.roll.order_by("household__code").values_list("household_id", flat=True))
    for name, present, counts in (
        ("Cụm 1", ids[:100], {option_yes: 70, option_no: 30}),
        ("Cụm 2", ids[100:190], {option_yes: 51, option_no: 39}),
    ):
        session = services.start_session(
            actor=SYSTEM, matter=matter, name=name, held_on=TODAY, chair_name=f"Chủ trì {name}"
        )
        services.record_attendance(actor=SYSTEM, session=session, household_ids=present)
        services.record_procedural_vote(
            actor=SYSTEM, session=session, question="method", in_favour=len(present)
        )
        services.set_session_details(actor=SYSTEM, session=session, method="hands")
        services.record_session_counts(actor=SYSTEM, session=session, counts=counts)
    services.close_matter(actor=SYSTEM, matter=matter)
    matter.refresh_from_db()
    text = text_of(printing.minutes_pdf(matter, with_attendance=False))
    assert "1. Cụm 1 — ngày 27/11/2026" in text
    assert "2. Cụm 2 — ngày 27/11/2026" in text
    assert "1 Đồng ý 121 50,4%" in text  # 70 + 51 of 240 households
    assert "Số hộ có đại diện dự họp: 190 hộ (79,2%)" in text
    assert "Tổng hợp kết quả các cụm" in text


# --- Mẫu 03 ---------------------------------------------------------------------------------


def test_decision_states_what_was_adopted_and_when_it_takes_effect(village):
    matter, _session = held_meeting(village)
    pdf = printing.decision_pdf(matter)
    text = text_of(pdf)
    assert_a4(pdf)
    for expected in (
        "Mẫu số 03",
        "NGHỊ QUYẾT",
        "Của cộng đồng dân cư thôn Đông Lỗ",
        "CỘNG ĐỒNG DÂN CƯ THÔN ĐÔNG LỖ QUYẾT NGHỊ:",
        "Điều 1. Thông qua nội dung: Làm đường bê tông xóm 3",
        "15/20 hộ gia đình tham gia biểu quyết, 12/20 hộ (60,0%) tán thành",
        "có hiệu lực kể từ ngày cộng đồng dân cư biểu quyết thông qua",
        "Ủy ban nhân dân xã Ứng Hòa",
        "ngày 27 tháng 11 năm 2026",
    ):
        assert expected in text, expected
    agreement = text_of(printing.decision_pdf(matter, document="agreement"))
    assert "BẢN THỎA THUẬN" in agreement
    assert "THỐNG NHẤT:" in agreement
    with pytest.raises(ValidationError) as info:
        printing.decision_pdf(matter, document="letter")
    assert info.value.code == "bad_document"


def test_a_convention_takes_effect_on_recognition(village):
    matter = open_matter(village, item=3, households=4)
    ids = list(matter.roll.values_list("household_id", flat=True))
    session = services.start_session(
        actor=SYSTEM,
        matter=matter,
        name="Nhà văn hóa",
        held_on=TODAY,
        chair_name="Nguyễn Văn Thành",
    )
    services.record_attendance(actor=SYSTEM, session=session, household_ids=ids)
    services.record_procedural_vote(actor=SYSTEM, session=session, question="method", in_favour=4)
    services.set_session_details(actor=SYSTEM, session=session, method="hands")
    option_yes, _no = yes_no(matter)
    services.record_session_counts(actor=SYSTEM, session=session, counts={option_yes: 4})
    services.close_matter(actor=SYSTEM, matter=matter)
    matter.refresh_from_db()
    text = text_of(printing.decision_pdf(matter))
    assert "Nghị định số 61/2023/NĐ-CP" in text
    assert "kể từ ngày Ủy ban nhân dân xã Ứng Hòa ra quyết định công nhận" in text


# --- Mẫu 04 ---------------------------------------------------------------------------------


def test_ballot_tally_counts_issued_and_returned_ballots_and_the_due_date(village):
    matter = ballot_matter(village, households=10, online=4, paper=2)
    pdf = printing.ballot_tally_pdf(matter)
    text = text_of(pdf)
    assert_a4(pdf)
    due = services.send_due_on(matter)
    assert due == dt.date(2026, 12, 11)  # 05 working days after 04/12/2026
    for expected in (
        "Mẫu số 04",
        "Kiểm phiếu lấy ý kiến hộ gia đình thôn Đông Lỗ",
        "Về việc: Làm đường bê tông xóm 3",
        "Thời gian thu phiếu: từ ngày 27/11/2026 đến hết ngày 04/12/2026",
        "Tổng số hộ gia đình trong danh sách (chốt khi bắt đầu lấy ý kiến): 10",
        "Số phiếu phát ra: 10",
        "Số phiếu thu về: 6",
        "– phiếu giấy: 2",
        "– biểu quyết trực tuyến bằng mã phiếu: 4",
        "Số phiếu không thu về: 4",
        "1 Đồng ý 4 4 40,0%",
        "2 Không đồng ý 2 2 20,0%",
        "Điều 21 khoản 1 Luật 10/2022/QH15",
        "Kết quả: Nội dung không được thông qua.",
        "chậm nhất ngày 11/12/2026",
        "Điều 4 khoản 7 Nghị định 59/2023/NĐ-CP",
    ):
        assert expected in text, expected


def test_ballot_tally_of_a_fallback_issues_ballots_to_households_not_at_the_meeting(village):
    matter, _session = held_meeting(village, households=10, present=3, yes=3, no=0, close=False)
    services.fall_back_to_ballot(
        actor=SYSTEM, matter=matter, collection_ends_on=TODAY + dt.timedelta(days=5)
    )
    option_yes, _no = yes_no(matter)
    codes = [
        code for pk, code in codes_of(matter).items() if matter.roll.get(household_id=pk).code_hash
    ]
    for code in codes[:4]:  # item 3–5 ballots come back on paper (NĐ 59 Art 4–5)
        services.cast_with_code(code=code, option_id=option_yes, channel="paper", actor=SYSTEM)
    services.close_matter(actor=SYSTEM, matter=matter)
    matter.refresh_from_db()
    text = text_of(printing.ballot_tally_pdf(matter))
    assert "Số hộ đã biểu quyết tại cuộc họp: 3" in text
    assert "Số phiếu phát ra: 7" in text
    assert "Số phiếu thu về: 4" in text
    assert "1 Đồng ý 4 3 7 70,0%" in text  # 4 ballots + 3 at the meeting, of 10 households
    assert "Kết quả: Nội dung được thông qua." in text
    minutes = text_of(printing.minutes_pdf(matter, with_attendance=False))
    assert "đã phát phiếu lấy ý kiến cho 7 hộ không dự họp" in minutes
    assert "1 Đồng ý 3 4 7 70,0%" in minutes


# --- Mẫu 05 ---------------------------------------------------------------------------------


def prepared_election(village, *, households=6) -> Election:
    """A village-head election prepared under NĐ 59 Art 6, meeting today, then opened."""
    add_households(village, households)
    days = dt.timedelta
    election = elections.create_election(
        actor=SYSTEM,
        village=village,
        item=4,
        meeting_on=TODAY,
        decided_on=TODAY - days(20),
        secret=True,
    )
    elections.appoint_election_team(
        actor=SYSTEM,
        election=election,
        decided_on=TODAY - days(10),
        members=[
            elections.TeamMemberInput(
                "Lê Thị Mai",
                role=ElectionTeamMember.Role.LEADER,
                representing="Ban công tác Mặt trận",
            )
        ],
    )
    elections.announce_election(
        actor=SYSTEM, election=election, announced_on=TODAY - days(7), how="Niêm yết, loa"
    )
    elections.record_candidate_list(
        actor=SYSTEM,
        election=election,
        met_on=TODAY - days(5),
        minutes="Chi bộ và Ban công tác Mặt trận thống nhất giới thiệu hai người.",
    )
    for name, year in (("Nguyễn Thị Hương", 1978), ("Hoàng Văn Đức", 1985)):
        candidate = Person.objects.create(full_name=name, birth_year=year)
        elections.add_candidate(actor=SYSTEM, election=election, person=candidate)
    return election


def test_candidate_list_names_each_candidate_in_ballot_order(village):
    election = prepared_election(village)
    pdf = printing.candidates_pdf(election.matter)
    text = text_of(pdf)
    assert_a4(pdf)
    for expected in (
        "Mẫu số 05",
        "Ứng Hòa, ngày 22 tháng 11 năm 2026",
        "Hội nghị giới thiệu người ứng cử Trưởng thôn Đông Lỗ",
        "Về việc: Bầu Trưởng thôn Đông Lỗ",
        "Chi bộ và Ban công tác Mặt trận thống nhất giới thiệu hai người.",
        "Danh sách người ứng cử (2 người)",
        "1 Nguyễn Thị Hương 1978 Ban công tác Mặt trận giới thiệu",
        "2 Hoàng Văn Đức 1985 Ban công tác Mặt trận giới thiệu",
        "TM. TỔ BẦU CỬ",
        "Lê Thị Mai",
    ):
        assert expected in text, expected
    dismissal = open_matter(village, item=4, households=0)  # kind "decision": not an election
    with pytest.raises(ValidationError) as info:
        printing.candidates_pdf(dismissal)
    assert info.value.code == "not_election"


def test_an_election_is_convened_by_the_election_team(village):
    election = elections.open_election(actor=SYSTEM, election=prepared_election(village))
    session = services.start_session(
        actor=SYSTEM,
        matter=election.matter,
        name="Hội trường",
        held_on=TODAY,
        chair_name="Lê Thị Mai",
    )
    text = text_of(printing.invitation_pdf(election.matter, session))
    assert "TM. TỔ BẦU CỬ" in text
    assert "Lê Thị Mai" in text


# --- ballots --------------------------------------------------------------------------------


def test_one_ballot_per_household_two_to_a_page_each_code_once(village):
    matter = ballot_matter(village, households=7, online=0, paper=0, close=False)
    pdf = printing.ballots_pdf(matter)
    pages = pages_of(pdf)
    text = " ".join(pages)
    assert_a4(pdf)
    assert len(pages) == 4  # 7 ballots, two to a page
    codes = codes_of(matter).values()
    assert len(codes) == 7
    for code in codes:
        assert text.count(code) == 1, code
    assert text.count("PHIẾU LẤY Ý KIẾN HỘ GIA ĐÌNH") == 7
    assert text.count("cắt theo đường này") == 3  # between the two halves of each full page
    for i in range(1, 8):
        assert f"Hộ gia đình: H{i:04d} — Đại diện hộ: Nguyễn Văn Hộ {i}" in text
    assert "Đánh dấu ✓ vào một ô trước phương án hộ gia đình chọn" in text
    assert "nộp phiếu trước hết ngày 04/12/2026" in text
    assert "Hoặc quét mã QR để biểu quyết trực tuyến; mỗi hộ chỉ một phiếu" in text


def test_secret_ballots_carry_the_code_but_no_name(village):
    matter = ballot_matter(village, households=4, secret=True, online=0, paper=0, close=False)
    text = text_of(printing.ballots_pdf(matter))
    assert text.count("PHIẾU KÍN — không ghi tên, không ký vào phiếu") == 4
    assert "Nguyễn Văn Hộ" not in text
    assert not re.search(r"H\d{4}", text)
    for code in codes_of(matter).values():
        assert text.count(code) == 1


def test_a_fallback_prints_ballots_only_for_households_not_at_the_meeting(village):
    matter, _session = held_meeting(village, households=10, present=3, yes=3, no=0, close=False)
    services.fall_back_to_ballot(
        actor=SYSTEM, matter=matter, collection_ends_on=TODAY + dt.timedelta(days=5)
    )
    text = text_of(printing.ballots_pdf(matter))
    assert text.count("PHIẾU LẤY Ý KIẾN HỘ GIA ĐÌNH") == 7
    for i in range(1, 4):
        assert f"H{i:04d}" not in text  # present at the meeting: voted there
    assert "H0004" in text


def test_a_lost_ballot_is_reprinted_alone(village):
    matter = ballot_matter(village, households=5, online=0, paper=0, close=False)
    household_id, code = sorted(codes_of(matter).items())[2]
    text = text_of(printing.ballots_pdf(matter, household_ids=[household_id]))
    assert text.count("PHIẾU LẤY Ý KIẾN HỘ GIA ĐÌNH") == 1
    assert text.count(code) == 1


def test_a_secret_election_ballot_lists_the_candidates_but_no_household(village):
    election = elections.open_election(actor=SYSTEM, election=prepared_election(village))
    matter = election.matter
    ids = list(matter.roll.values_list("household_id", flat=True))
    session = services.start_session(
        actor=SYSTEM, matter=matter, name="Hội trường", held_on=TODAY, chair_name="Lê Thị Mai"
    )
    services.record_attendance(actor=SYSTEM, session=session, household_ids=ids[:2])
    for question in ("method", "counting_board"):
        services.record_procedural_vote(
            actor=SYSTEM, session=session, question=question, in_favour=2
        )
    services.set_session_details(
        actor=SYSTEM,
        session=session,
        method="secret",
        counting_board=["Đỗ Văn Kiểm", "Lê Thị Phiếu", "Trần Văn Đếm"],
    )
    first = matter.options.first()
    services.record_session_counts(actor=SYSTEM, session=session, counts={first.pk: 2})
    services.fall_back_to_ballot(
        actor=SYSTEM, matter=matter, collection_ends_on=TODAY + dt.timedelta(days=3)
    )
    matter.refresh_from_db()
    pdf = printing.ballots_pdf(matter)
    text = text_of(pdf)
    assert len(pages_of(pdf)) == 2  # 4 households not at the meeting, two to a page
    assert text.count("PHIẾU BẦU") == 4
    assert text.count("Nguyễn Thị Hương") == 4
    assert text.count("Hoàng Văn Đức") == 4
    assert (
        text.count(
            "Đánh dấu ✓ vào một ô trước họ tên người được bầu, nộp phiếu trước hết ngày 30/11/2026"
        )
        == 4
    )
    assert "Nguyễn Văn Hộ" not in text


def test_a_meeting_has_no_ballots_to_print(village):
    matter, _session = held_meeting(village, close=False)
    with pytest.raises(ValidationError) as info:
        printing.ballots_pdf(matter)
    assert info.value.code == "no_ballots"


@override_settings(SITE_URL="https://danchu.example.vn")
def test_the_qr_code_opens_the_vote_page_with_the_code(village):
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    matter = ballot_matter(village, households=2, online=0, paper=0, close=False)
    pdf = printing.ballots_pdf(matter)
    image = pdfium.PdfDocument(pdf)[0].render(scale=200 / 72).to_pil()
    found = sorted(barcode.text for barcode in zxingcpp.read_barcodes(image))
    expected = sorted(
        f"https://danchu.example.vn/b/?code={code}" for code in codes_of(matter).values()
    )
    assert found == expected
    assert settings.SITE_URL + printing.BALLOT_PATH == "https://danchu.example.vn/b/"
