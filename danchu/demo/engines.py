"""Demo records for each engine, made through the engines' own services.

Dates are relative to the day the demo runs, so every clock shows something real:
notices on time and late, a radio item with and without its three days, a posting
taken down early; a meeting decided, a ballot still open, a convention waiting for
the commune's recognition. Idempotent: a record whose title exists is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from danchu.accounts.permissions import SYSTEM
from danchu.decisions import services as decisions
from danchu.decisions.models import Matter
from danchu.disclosures import services as disclosures
from danchu.disclosures.models import Art11Item, Notice
from danchu.units.models import Unit

Progress = Callable[[str], None]


def _days(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


NOTICES = [
    # (unit code, item, title, body, document number, signed days ago, period)
    (
        "10402",
        3,
        "Phương án bồi thường, hỗ trợ giải phóng mặt bằng mở rộng đường trục xã "
        "đoạn qua thôn Cao Xá",
        "Ủy ban nhân dân xã Ứng Hòa công khai phương án bồi thường, hỗ trợ giải phóng mặt bằng "
        "dự án mở rộng đường trục xã (đoạn từ cầu Cao Xá đến ngã ba Đông Lỗ), gồm 37 hộ có đất "
        "bị thu hồi. Tổng diện tích thu hồi 4.215 m2; đơn giá bồi thường đất nông nghiệp "
        "theo bảng giá đất của Thành phố.\n\nCác hộ có ý kiến gửi về bộ phận tiếp nhận và trả kết "
        "quả của UBND xã hoặc Trưởng thôn Cao Xá trong thời gian niêm yết.",
        "215/QĐ-UBND",
        1,
        "",
    ),
    (
        "10402",
        8,
        "Danh sách hộ nghèo, hộ cận nghèo năm 2026 (kết quả rà soát)",
        "Kết quả rà soát hộ nghèo, hộ cận nghèo năm 2026 trên địa bàn xã: 46 hộ nghèo, 83 hộ cận "
        "nghèo. Danh sách chi tiết theo từng thôn được niêm yết tại nhà văn hóa các thôn. Người dân "
        "có ý kiến về danh sách gửi về UBND xã trước khi Chủ tịch UBND xã ban hành quyết định công "
        "nhận.",
        "TB-87/UBND",
        2,
        "",
    ),
    (
        "10402",
        12,
        "Kết quả tiếp nhận, giải quyết kiến nghị của cử tri quý III năm 2026",
        "Trong quý III năm 2026, UBND xã tiếp nhận 58 kiến nghị, phản ánh của Nhân dân; đã giải "
        "quyết 51 kiến nghị (87,9%), đang giải quyết 7 kiến nghị liên quan đến đất đai và môi "
        "trường.",
        "TB-92/UBND",
        2,
        "",
    ),
    (
        "10402",
        2,
        "Tình hình thực hiện dự toán ngân sách xã quý III năm 2026",
        "Tổng thu ngân sách xã 9 tháng đạt 12,4 tỷ đồng (78% dự toán); tổng chi 10,9 tỷ đồng "
        "(71% dự toán). Chi tiết theo biểu đính kèm.",
        "35/BC-UBND",
        40,
        "2026-Q3",
    ),
    (
        "10402",
        6,
        "Mức thu Quỹ phòng, chống thiên tai năm 2026",
        "Mức đóng góp Quỹ phòng, chống thiên tai năm 2026: người lao động 15.000 đồng/người. "
        "Các đối tượng được miễn, giảm theo quy định.",
        "TB-80/UBND",
        9,
        "",
    ),
    (
        "10402-01",
        13,
        "Lịch thu gom rác thải sinh hoạt thôn Đông Lỗ từ tháng 12/2026",
        "Tổ vệ sinh môi trường thu gom rác vào sáng thứ Ba, thứ Năm và thứ Bảy hằng tuần, từ 6 giờ "
        "đến 8 giờ. Đề nghị các hộ để rác đúng nơi quy định.",
        "",
        1,
        "",
    ),
]


def seed_notices(commune: Unit, progress: Progress) -> int:
    """Notices of the commune and one village, each with its channels."""
    created = 0
    for code, number, title, body, document, signed_days_ago, period in NOTICES:
        unit = Unit.objects.get(code=code)
        if Notice.objects.filter(unit=unit, title=title).exists():
            continue
        with transaction.atomic():
            notice = disclosures.create_notice(
                actor=SYSTEM,
                unit=unit,
                item=Art11Item.objects.get(number=number),
                title=title,
                body=body,
                document_number=document,
                signed_on=_days(signed_days_ago),
                period=period,
                responsible_name="Phạm Quang Minh",
            )
            notice = disclosures.publish_notice(actor=SYSTEM, notice=notice)
            _channels(notice, commune)
        created += 1
    progress(
        f"  {Notice.objects.filter(unit__path__startswith=commune.path).count()} thông báo "
        f"công khai (thêm {created})"
    )
    return created


def _channels(notice: Notice, commune: Unit) -> None:
    board = (
        "Bảng tin trụ sở UBND xã" if notice.unit == commune else f"Nhà văn hóa {notice.unit.name}"
    )
    started = notice.signed_on
    posting = disclosures.record_posting(
        actor=SYSTEM, notice=notice, place_name=board, started_on=started
    )
    if notice.item.number == 6:  # a board damaged by a storm: taken down early, on record
        disclosures.take_down(
            actor=SYSTEM,
            posting=posting,
            ended_on=_days(2),
            reason="Bảng tin bị hư hỏng do mưa bão, chờ sửa chữa",
        )
    if notice.item.radio_required:
        days = 3 if notice.item.number == 8 else 2  # item 12: one day short of the law
        now = timezone.localtime()
        for back in range(days):
            morning = timezone.make_aware(dt.datetime.combine(notice.signed_on, dt.time(6, 15)))
            aired = min(morning + dt.timedelta(days=back), now - dt.timedelta(minutes=5))
            disclosures.record_airing(
                actor=SYSTEM, notice=notice, aired_at=aired, station="Đài truyền thanh xã Ứng Hòa"
            )
    if notice.unit == commune and notice.item.number in (3, 8):
        for village in Unit.objects.current().filter(parent=commune, kind=Unit.Kind.VILLAGE):
            forwarding = disclosures.forward_to_village(
                actor=SYSTEM, notice=notice, village=village, forwarded_on=started
            )
            if village.code == "10402-01":
                disclosures.record_relay(
                    actor=SYSTEM,
                    forwarding=forwarding,
                    method="group",
                    relayed_on=started,
                    note="Nhóm Zalo thôn Đông Lỗ",
                )


# --- decisions ---------------------------------------------------------------------------


def seed_matters(commune: Unit, progress: Progress) -> int:
    rng = random.Random(2026)
    created = 0
    for seed in (_road_contribution, _loudspeaker_ballot, _convention):
        title, village_code = seed.title, seed.village
        village = Unit.objects.get(code=village_code)
        if Matter.objects.filter(unit=village, title=title).exists():
            continue
        with transaction.atomic():
            seed(village, rng)
        created += 1
    _sample_code(progress)
    progress(
        f"  {Matter.objects.filter(unit__path__startswith=commune.path).count()} vấn đề "
        f"cộng đồng bàn và quyết định (thêm {created})"
    )
    _conference(Unit.objects.get(code=CONFERENCE_VILLAGE), progress)
    return created


CONFERENCE_VILLAGE = "10402-01"


def _conference(village: Unit, progress: Progress) -> None:
    """Thôn Đông Lỗ's yearly conference (Law Art 33; NĐ 59 Art 10–11), held three weeks ago
    with every step in order: plan sent, agreed by the three bodies, summons, the reports."""
    from danchu.decisions import elections
    from danchu.decisions.models import Conference

    held_on = _days(21)
    if Conference.objects.filter(village=village, year=held_on.year).exists():
        return
    with transaction.atomic():
        conference = elections.plan_conference(
            actor=SYSTEM,
            village=village,
            year=held_on.year,
            held_on=held_on,
            place="Nhà văn hóa thôn Đông Lỗ",
            plan="Từ 7 giờ 30: Trưởng thôn báo cáo tình hình thôn và việc thực hiện các quyết "
            "định của cộng đồng; Ban công tác Mặt trận báo cáo việc thực hiện dân chủ ở thôn; "
            "thành viên Ban Thanh tra nhân dân báo cáo kết quả giám sát; bà con thảo luận.",
        )
        elections.send_conference_plan(actor=SYSTEM, conference=conference, sent_on=_days(35))
        for body in ("committee", "front", "inspection_board"):
            elections.record_conference_agreement(
                actor=SYSTEM, conference=conference, body=body, agreed_on=_days(31)
            )
        elections.send_summons(
            actor=SYSTEM, conference=conference, sent_on=_days(28), channels=["written", "radio"]
        )
        elections.hold_conference(
            actor=SYSTEM,
            conference=conference,
            secretary_name="Phạm Thị Thu",
            head_report="Năm nay thôn hoàn thành bê tông hóa 1,2 km đường ngõ xóm 3 với 231 hộ "
            "đóng góp; 96% hộ đạt danh hiệu gia đình văn hóa; thu quỹ khuyến học đạt 100%.",
            front_report="Các hộ được thông báo đầy đủ các nội dung công khai; hương ước được "
            "thực hiện nghiêm; hai kiến nghị về đèn chiếu sáng đã được xã trả lời.",
            inspection_report="Ban Thanh tra nhân dân giám sát việc thu, chi quỹ làm đường: "
            "số thu, số chi khớp sổ sách, đã công khai tại nhà văn hóa.",
            minutes="Hội nghị có 198/231 hộ dự. Bà con thống nhất với các báo cáo; đề nghị năm "
            "tới làm rãnh thoát nước xóm 2 và lắp thêm 12 bóng đèn đường.",
        )
    progress(f"  Hội nghị định kỳ năm {held_on.year} của {village.name}: đã tổ chức")


def _sample_code(progress: Progress) -> None:
    """Print one unused ballot code of the open ballot, to try voting at /b/."""
    matter = Matter.objects.filter(title=_loudspeaker_ballot.title, status="open").first()
    if matter is None:
        return
    entry = (
        matter.roll.exclude(household_id__in=matter.participations.values("household_id"))
        .order_by("pk")
        .first()
    )
    if entry is not None:
        code = decisions.ballot_code(matter.pk, entry.household_id)
        progress(
            f"  Thử biểu quyết: mở /b/ và nhập mã phiếu {code} (hộ {entry.household.code}, "
            f"{matter.unit.name})"
        )


def _meeting(matter: Matter, rng: random.Random, share_present: float, share_yes: float) -> None:
    ids = list(matter.roll.values_list("household_id", flat=True))
    rng.shuffle(ids)
    present = ids[: int(len(ids) * share_present)]
    session = decisions.start_session(
        actor=SYSTEM,
        matter=matter,
        name="Cuộc họp toàn thôn",
        held_on=timezone.localdate(),
        chair_name="Trần Văn Hùng",
    )
    decisions.record_attendance(actor=SYSTEM, session=session, household_ids=present)
    for question in ("secretary", "method"):
        decisions.record_procedural_vote(
            actor=SYSTEM, session=session, question=question, in_favour=len(present) - 3
        )
    decisions.set_session_details(
        actor=SYSTEM,
        session=session,
        secretary_name="Nguyễn Thị Lan",
        method="hands",
        minutes="Các hộ thống nhất cao; một số ý kiến đề nghị giảm mức đóng góp cho hộ nghèo.",
    )
    yes_option, no_option = matter.options.all()[:2]
    yes = int(len(present) * share_yes)
    decisions.record_session_counts(
        actor=SYSTEM, session=session, counts={yes_option.pk: yes, no_option.pk: len(present) - yes}
    )


def _road_contribution(village: Unit, rng: random.Random) -> None:
    matter = decisions.create_matter(
        actor=SYSTEM,
        unit=village,
        item=1,
        title=_road_contribution.title,
        description="Làm đường bê tông ngõ xóm 3 dài 420 m, rộng 3 m. Nhà nước hỗ trợ xi măng; "
        "mỗi hộ đóng góp 500.000 đồng và 2 ngày công; hộ nghèo được miễn.",
    )
    matter = decisions.open_matter(actor=SYSTEM, matter=matter, form="meeting")
    _meeting(matter, rng, share_present=0.82, share_yes=0.9)
    decisions.close_matter(actor=SYSTEM, matter=matter)


_road_contribution.title = "Đóng góp xây dựng đường bê tông ngõ xóm 3"
_road_contribution.village = "10402-01"


def _loudspeaker_ballot(village: Unit, rng: random.Random) -> None:
    matter = decisions.create_matter(
        actor=SYSTEM,
        unit=village,
        item=6,
        title=_loudspeaker_ballot.title,
        description="Đề xuất phát bản tin của thôn từ 5 giờ 30 đến 6 giờ sáng thay vì 6 giờ đến "
        "6 giờ 30 như hiện nay.",
    )
    # Households may also vote over the internet with their code: item 6, with the four
    # conditions of NĐ 59 Art 5 recorded beforehand.
    for who in ("head", "front", "community", "commune_report"):
        decisions.record_agreement(actor=SYSTEM, matter=matter, who=who, on=_days(3))
    matter = decisions.open_matter(
        actor=SYSTEM,
        matter=matter,
        form="ballot",
        collection_ends_on=timezone.localdate() + dt.timedelta(days=7),
    )
    options = list(matter.options.all())
    for entry in list(matter.roll.all())[:61]:
        code = decisions.ballot_code(matter.pk, entry.household_id)
        option = options[0] if rng.random() < 0.7 else options[1]
        decisions.cast_with_code(code=code, option_id=option.pk, channel="online")


_loudspeaker_ballot.title = "Thay đổi giờ phát loa truyền thanh buổi sáng"
_loudspeaker_ballot.village = "10402-02"


CONVENTION_2018 = """Chương I. Những quy định chung
Điều 1. Mục đích
Hương ước thôn Cao Xá giữ gìn thuần phong mỹ tục, tình làng nghĩa xóm, xây dựng thôn văn hóa.

Chương II. Nội dung cụ thể
Điều 2. Giữ gìn vệ sinh môi trường
Mỗi hộ quét dọn đường ngõ trước nhà vào sáng Chủ nhật; không vứt rác xuống kênh mương.

Điều 3. Việc cưới
Tổ chức trang trọng, tiết kiệm; không mời cỗ quá hai ngày.

Điều 4. Việc tang
Tổ chức chu đáo, văn minh; không để loa đài quá 22 giờ.
"""

CONVENTION_2026 = CONVENTION_2018.replace(
    "không vứt rác xuống kênh mương.",
    "phân loại rác tại nguồn; không vứt rác xuống kênh mương; không đốt rơm rạ trên đồng.",
).replace("không mời cỗ quá hai ngày.", "không mời cỗ quá một ngày; khuyến khích cưới không rượu.")

CONVENTION_OPINIONS = [
    (
        "meeting",
        3,
        "Đề nghị ghi rõ nơi tập kết rơm rạ để bà con mang về làm phân.",
        "Ông Đỗ Văn Hải",
    ),
    ("box", 3, "Nên cho các hộ ba tháng để chuẩn bị thùng phân loại rác.", ""),
    ("front", 4, "Cưới không rượu khó thực hiện ngay, đề nghị chỉ khuyến khích.", "Chi hội Phụ nữ"),
]


def _convention(village: Unit, rng: random.Random) -> None:
    """Cao Xá's convention recognised in 2018 stays in force (NĐ 61/2023, transition) while its
    2026 amendment goes the whole NĐ 61 way: posted 30 days with comments answered, adopted at
    the village meeting through the decisions engine, the dossier sent and received by the
    commune, whose recognition clock is now running."""
    from danchu.consultations import conventions
    from danchu.consultations import services as consultations
    from danchu.consultations.models import Convention, OpinionGroup

    today = timezone.localdate()
    convention = conventions.enter_recognised_convention(
        actor=SYSTEM,
        village=village,
        title=Convention.Title.HUONG_UOC,
        text=CONVENTION_2018,
        recognised_on=dt.date(2018, 11, 30),
        decision_number="215/QĐ-UBND",
        recognised_by_body="Ủy ban nhân dân huyện Ứng Hòa",
    )
    version = conventions.amend_convention(
        actor=SYSTEM,
        convention=convention,
        text=CONVENTION_2026,
        note="Bổ sung quy định phân loại rác, không đốt rơm rạ; việc cưới tiết kiệm hơn.",
    )
    consultation = conventions.post_draft(
        actor=SYSTEM, version=version, posted_on=today, place="Nhà văn hóa thôn Cao Xá"
    )
    opinions = [
        consultations.enter_opinion(
            actor=SYSTEM,
            consultation=consultation,
            text=text,
            channel=channel,
            author_name=name,
            section_number=section,
        )
        for channel, section, text, name in CONVENTION_OPINIONS
    ]
    # The draft was posted forty days ago; its thirty days are over.
    posted_on = today - dt.timedelta(days=40)
    type(version).objects.filter(pk=version.pk).update(posted_on=posted_on)
    type(consultation).objects.filter(pk=consultation.pk).update(
        opens_on=posted_on, closes_on=posted_on + dt.timedelta(days=30)
    )
    version.refresh_from_db()
    consultation.refresh_from_db()
    for title, ids, answer, reason in (
        (
            "Rơm rạ và rác thải",
            [opinions[0].pk, opinions[1].pk],
            OpinionGroup.Answer.ACCEPTED,
            "Bổ sung điểm tập kết rơm rạ tại bãi Đồng Giữa; quy định phân loại rác áp dụng từ "
            "ngày 01/3/2027.",
        ),
        (
            "Cưới không rượu",
            [opinions[2].pk],
            OpinionGroup.Answer.ACCEPTED,
            "Giữ là khuyến khích, không bắt buộc, như dự thảo.",
        ),
    ):
        group = consultations.create_group(
            actor=SYSTEM, consultation=consultation, title=title, opinion_ids=ids
        )
        consultations.answer_group(actor=SYSTEM, group=group, answer=answer, reason=reason)
    consultations.publish_synthesis(
        actor=SYSTEM, consultation=consultation, reported_to="Trưởng thôn Cao Xá"
    )
    matter = conventions.put_to_vote(actor=SYSTEM, version=version, title=_convention.title)
    matter = decisions.open_matter(actor=SYSTEM, matter=matter, form="meeting")
    _meeting(matter, rng, share_present=0.74, share_yes=0.93)
    decisions.close_matter(actor=SYSTEM, matter=matter)  # concludes the vote: adopted
    version.refresh_from_db()
    conventions.submit_dossier(
        actor=SYSTEM,
        version=version,
        request_dated=today,
        request_number="05/TTr-TCX",
        request_text="Thôn Cao Xá đề nghị Ủy ban nhân dân xã Ứng Hòa công nhận hương ước sửa đổi.",
        village_head=conventions.Signature("Trần Văn Hùng", today),
        front_head=conventions.Signature("Nguyễn Thị Thu", today),
        household_representatives=[
            conventions.Signature("Đỗ Văn Hải", today),
            conventions.Signature("Lê Thị Mận", today),
        ],
        sent_on=today,
    )
    conventions.receive_dossier(actor=SYSTEM, version=version, received_on=today)


_convention.title = "Sửa đổi, bổ sung hương ước thôn Cao Xá năm 2026"
_convention.village = "10402-03"
