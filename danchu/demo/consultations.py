"""Demo data for Dân tham gia ý kiến: one draft open for comment, one answered with its synthesis.

Opinions are entered the ways they reach the commune (a meeting, the comment box, the Front
committee, the portal), grouped and answered through the consultations services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from danchu.accounts.models import User
from danchu.accounts.permissions import SYSTEM
from danchu.consultations import codes, services
from danchu.consultations.models import Art25Item, Consultation, OpinionGroup
from danchu.units.models import Unit

REGULATION = """Điều 1. Phạm vi điều chỉnh
Quy chế này quy định nội dung, hình thức, trình tự thực hiện dân chủ ở xã Ứng Hòa: những việc
Nhân dân được biết, được bàn và quyết định, được tham gia ý kiến, được kiểm tra, giám sát.

Điều 2. Công khai thông tin
Ủy ban nhân dân xã niêm yết tại trụ sở và nhà văn hóa các thôn, đăng trên trang thông tin của
xã và đọc trên hệ thống loa truyền thanh các nội dung phải công khai theo Điều 11 Luật Thực hiện
dân chủ ở cơ sở. Thời gian niêm yết ít nhất 30 ngày.

Điều 3. Hội nghị thôn, tổ dân phố
Trưởng thôn triệu tập hội nghị ít nhất mỗi năm một lần vào cuối năm; giấy mời gửi trước ít
nhất 05 ngày. Nơi có từ 200 hộ trở lên có thể họp theo cụm dân cư.

Điều 4. Tiếp nhận phản ánh, kiến nghị
Chủ tịch Ủy ban nhân dân xã tiếp công dân định kỳ vào sáng thứ Tư hằng tuần. Phản ánh gửi qua
trang danchu được trả lời trong 10 ngày làm việc.

Điều 5. Ban Thanh tra nhân dân
Ban Thanh tra nhân dân xã có 9 thành viên, mỗi thôn, tổ dân phố một người, hoạt động theo
chương trình được Ban Thường trực Ủy ban Mặt trận Tổ quốc xã thông qua.

Điều 6. Tổ chức thực hiện
Quy chế có hiệu lực từ ngày 01/01/2027. Trong quá trình thực hiện, nếu có vướng mắc, các thôn,
tổ dân phố phản ánh về Ủy ban nhân dân xã để sửa đổi, bổ sung."""

ROAD = """Điều 1. Mục tiêu
Mở rộng đường trục xã đoạn từ cầu Cao Xá đến ngã ba Đông Lỗ từ 5 m lên 9 m, có vỉa hè và rãnh
thoát nước hai bên, phục vụ đi lại và vận chuyển nông sản.

Điều 2. Phạm vi thu hồi đất
Khoảng 1,2 ha, chủ yếu là đất nông nghiệp của 37 hộ thôn Cao Xá và 12 hộ thôn Đông Lỗ.

Điều 3. Bồi thường, hỗ trợ
Bồi thường theo bảng giá đất của Thành phố; hỗ trợ chuyển đổi nghề cho hộ bị thu hồi trên 30%
diện tích đất nông nghiệp đang sử dụng.

Điều 4. Tiến độ
Khởi công quý II năm 2027, hoàn thành trong 10 tháng; thi công từng nửa đường để giữ lối đi."""

OPEN_OPINIONS = [
    (
        "meeting",
        2,
        "Đề nghị ghi rõ niêm yết ở cả nhà văn hóa thôn, không chỉ ở trụ sở xã.",
        "Trần Văn Nam",
    ),
    ("box", 3, "Nên cho phép họp theo cụm ở thôn dưới 200 hộ nhưng nhà ở phân tán.", ""),
    (
        "front",
        4,
        "Ban công tác Mặt trận thôn Cao Xá đề nghị thêm buổi tiếp công dân chiều thứ "
        "Sáu cho người đi làm.",
        "Ban công tác Mặt trận thôn Cao Xá",
    ),
    ("meeting", None, "Dự thảo dễ hiểu, đồng ý với nội dung.", "Nguyễn Thị Hạnh"),
]
ROAD_OPINIONS = [
    (
        "meeting",
        3,
        "Đơn giá bồi thường đất nông nghiệp thấp hơn đơn giá đoạn đã làm năm 2024.",
        "Lê Văn Toàn",
    ),
    (
        "meeting",
        3,
        "Đề nghị hỗ trợ chuyển đổi nghề cả cho hộ bị thu hồi từ 20% diện tích.",
        "Phạm Thị Nga",
    ),
    ("box", 4, "Thi công từng nửa đường là hợp lý, đề nghị có người điều tiết giờ tan học.", ""),
    (
        "front",
        1,
        "Hội Nông dân xã đề nghị làm cống qua đường cho mương tưới xứ đồng Cửa Đình.",
        "Hội Nông dân xã",
    ),
    (
        "affected",
        2,
        "Gia đình tôi đề nghị đo đạc lại diện tích thửa 215 trước khi lập phương án.",
        "Đỗ Văn Khải",
    ),
]
ROAD_GROUPS = [
    (
        "Đơn giá bồi thường và hỗ trợ chuyển đổi nghề",
        [0, 1],
        OpinionGroup.Answer.NOT_ACCEPTED,
        "Đơn giá theo bảng giá đất của Thành phố năm 2026, xã không có thẩm quyền thay đổi; "
        "mức hỗ trợ chuyển đổi nghề theo quy định hiện hành áp dụng từ 30% diện tích. Xã đã "
        "kiến nghị Thành phố xem xét.",
    ),
    (
        "Tổ chức thi công và giao thông giờ học sinh",
        [2],
        OpinionGroup.Answer.ACCEPTED,
        "Bổ sung vào phương án thi công: bố trí người điều tiết giao thông 6h30–7h15 và "
        "16h30–17h15 trước trường tiểu học.",
    ),
    (
        "Cống qua đường và đo đạc lại thửa đất",
        [3, 4],
        OpinionGroup.Answer.ACCEPTED,
        "Bổ sung cống hộp qua đường tại xứ đồng Cửa Đình; đo đạc lại thửa 215 cùng hộ gia đình "
        "trước khi lập phương án chi tiết.",
    ),
]


def seed_consultations(commune: Unit, progress: Callable[[str], None]) -> int:
    if Consultation.objects.filter(unit=commune).exists():
        progress("  (đã có dữ liệu lấy ý kiến, bỏ qua)")
        return 0
    today = timezone.localdate()
    with transaction.atomic():
        regulation = services.create_consultation(
            actor=SYSTEM,
            unit=commune,
            item=Art25Item.objects.get(number=7),
            title="Dự thảo Quy chế thực hiện dân chủ ở xã Ứng Hòa",
            summary="Quy chế thay thế quy chế năm 2023, theo Luật Thực hiện dân chủ ở cơ sở.",
            draft_text=REGULATION,
            opens_on=today - dt.timedelta(days=6),
            closes_on=today + dt.timedelta(days=14),
            forms=["portal", "meeting", "box", "front"],
        )
        regulation = services.open_consultation(actor=SYSTEM, consultation=regulation)
        for channel, section, text, name in OPEN_OPINIONS:
            services.enter_opinion(
                actor=SYSTEM,
                consultation=regulation,
                text=text,
                channel=channel,
                author_name=name,
                section_number=section,
            )
        resident = User.objects.filter(username="cudan").first()
        if resident is not None:
            services.submit_opinion(
                user=resident,
                consultation=regulation,
                text="Đề nghị quy định rõ thời hạn xã trả lời ý kiến góp ý của người dân.",
                section_number=4,
                is_public=True,
            )
        # Every household got a printed code; one has already commented with it.
        codes.issue_codes(actor=SYSTEM, consultation=regulation)
        (household, code), *_rest = codes.printed_codes(regulation)
        codes.submit_with_code(
            consultation=regulation,
            code=code,
            text="Hộ chúng tôi đề nghị niêm yết dự thảo cả ở nhà văn hóa thôn, vì người cao "
            "tuổi không dùng điện thoại thông minh.",
            section_number=2,
            is_public=True,
        )

        road = services.create_consultation(
            actor=SYSTEM,
            unit=commune,
            item=Art25Item.objects.get(number=3),
            title="Chủ trương mở rộng đường trục xã đoạn qua thôn Cao Xá",
            summary="Lấy ý kiến Nhân dân về chủ trương đầu tư, bồi thường và tiến độ.",
            draft_text=ROAD,
            opens_on=today - dt.timedelta(days=40),
            closes_on=today + dt.timedelta(days=1),
            forms=["meeting", "box", "front", "affected"],
        )
        road = services.open_consultation(actor=SYSTEM, consultation=road)
        opinions = [
            services.enter_opinion(
                actor=SYSTEM,
                consultation=road,
                text=text,
                channel=channel,
                author_name=name,
                section_number=section,
            )
            for channel, section, text, name in ROAD_OPINIONS
        ]
        # The comment period ended twenty days ago; the commune then answered every opinion.
        Consultation.objects.filter(pk=road.pk).update(closes_on=today - dt.timedelta(days=20))
        road.refresh_from_db()
        for title, indexes, answer, reason in ROAD_GROUPS:
            group = services.create_group(
                actor=SYSTEM,
                consultation=road,
                title=title,
                opinion_ids=[opinions[i].pk for i in indexes],
            )
            services.answer_group(actor=SYSTEM, group=group, answer=answer, reason=reason)
        services.publish_synthesis(
            actor=SYSTEM,
            consultation=road,
            reported_to="Ủy ban nhân dân xã Ứng Hòa; Ban Thường trực Ủy ban MTTQ xã",
        )
    progress("  2 đợt lấy ý kiến: một đang mở, một đã công bố kết quả tổng hợp")
    household, code = codes.printed_codes(regulation)[1]
    progress(
        f"  Thử góp ý bằng mã hộ: mở {regulation.get_absolute_url()}household/ và nhập mã "
        f"{code} (hộ {household.code}, {household.village.name})"
    )
    return 2
