"""Demo data for Dân kiểm tra: six months of feedback, complaints and a denunciation in Ứng Hòa.

Items are entered the way the commune receives them (online, at the reception day, by phone,
by letter) with their real dates, then accepted, answered, rated and swept, so every clock and
every page has something true to show.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from danchu.accounts.models import User
from danchu.accounts.permissions import SYSTEM
from danchu.petitions import services
from danchu.petitions.models import Category, Petition, RoutingRule, Step
from danchu.units.models import Unit

SEED = "danchu-petitions-demo"

# (village code suffix, kind, category, title, text, address)
ITEMS = [
    (
        "01",
        "feedback",
        "ha-tang",
        "Ổ gà lớn trên đường trục thôn Đông Lỗ",
        "Đoạn đường trục thôn trước nhà văn hóa có nhiều ổ gà sâu, trời mưa đọng nước, "
        "học sinh đi xe đạp rất nguy hiểm. Đề nghị xã cho vá sớm.",
        "Trước nhà văn hóa thôn Đông Lỗ",
    ),
    (
        "01",
        "feedback",
        "moi-truong",
        "Rác thải tồn đọng ở điểm tập kết cạnh cầu Đông Lỗ",
        "Điểm tập kết rác cạnh cầu đã ba ngày không được thu gom, bốc mùi ra cả đường.",
        "Chân cầu Đông Lỗ",
    ),
    (
        "02",
        "feedback",
        "ha-tang",
        "Đèn đường ngã ba Hòa Xá tắt nhiều ngày",
        "Ba bóng đèn chiếu sáng ở ngã ba Hòa Xá tắt đã hai tuần, buổi tối rất tối.",
        "Ngã ba Hòa Xá",
    ),
    (
        "03",
        "complaint",
        "dat-dai-gpmb",
        "Khiếu nại mức bồi thường đất nông nghiệp đường trục xã",
        "Gia đình tôi có 520 m² đất nông nghiệp bị thu hồi để mở rộng đường trục xã đoạn qua "
        "thôn Cao Xá. Đơn giá bồi thường trong phương án thấp hơn đơn giá các hộ liền kề. Đề "
        "nghị xem xét lại.",
        "Xứ đồng Cửa Đình, thôn Cao Xá",
    ),
    (
        "03",
        "complaint",
        "dat-dai-gpmb",
        "Khiếu nại việc không được hỗ trợ chuyển đổi nghề",
        "Hộ tôi bị thu hồi trên 30% diện tích đất nông nghiệp nhưng không có tên trong danh "
        "sách hỗ trợ chuyển đổi nghề.",
        "Thôn Cao Xá",
    ),
    (
        "03",
        "petition",
        "dat-dai-gpmb",
        "Kiến nghị công khai bản đồ mốc giới giải phóng mặt bằng",
        "Đề nghị xã niêm yết bản đồ cắm mốc giới đường trục xã tại nhà văn hóa thôn để các hộ "
        "tự kiểm tra.",
        "Nhà văn hóa thôn Cao Xá",
    ),
    (
        "03",
        "feedback",
        "dat-dai-gpmb",
        "Thi công lấn vào phần đất chưa bồi thường",
        "Đơn vị thi công đổ đất lấn sang thửa ruộng nhà tôi khi chưa nhận tiền bồi thường.",
        "Xứ đồng Cửa Đình",
    ),
    (
        "04",
        "feedback",
        "trat-tu-xay-dung",
        "Xây dựng lấn chiếm hành lang kênh tiêu",
        "Một hộ đang xây tường rào lấn ra hành lang kênh tiêu nội đồng, gây cản trở dòng chảy.",
        "Kênh tiêu xóm Chợ, thôn Vân Đình",
    ),
    (
        "04",
        "petition",
        "chinh-sach-xa-hoi",
        "Kiến nghị xét lại danh sách hộ cận nghèo",
        "Đề nghị thôn họp xét lại danh sách hộ cận nghèo năm 2026 vì có hộ khó khăn chưa được "
        "đưa vào.",
        "",
    ),
    (
        "05",
        "feedback",
        "an-ninh-trat-tu",
        "Xe tải chở vật liệu chạy tốc độ cao qua trường học",
        "Giờ tan học, xe tải chở cát chạy nhanh qua cổng trường tiểu học Phú Lương.",
        "Cổng trường tiểu học Phú Lương",
    ),
    (
        "05",
        "feedback",
        "moi-truong",
        "Nước thải chăn nuôi chảy ra mương chung",
        "Trang trại lợn đầu xóm xả nước thải ra mương tưới, mùi hôi và cá chết.",
        "Mương tưới xóm Đầu, thôn Phú Lương",
    ),
    (
        "06",
        "feedback",
        "thu-tuc-hanh-chinh",
        "Chậm trả kết quả chứng thực hợp đồng",
        "Hồ sơ chứng thực hợp đồng tặng cho nộp đã 7 ngày chưa có kết quả.",
        "",
    ),
    (
        "06",
        "petition",
        "y-te-giao-duc",
        "Kiến nghị sửa mái phòng học mẫu giáo bị dột",
        "Phòng học lớp mẫu giáo điểm Thái Bình bị dột khi mưa to.",
        "Điểm mẫu giáo Thái Bình",
    ),
    (
        "07",
        "feedback",
        "ha-tang",
        "Cống qua đường bị tắc gây ngập",
        "Cống ngang đường liên thôn đoạn xóm 4 bị tắc, mưa là ngập cả đoạn đường.",
        "Xóm 4, thôn Đình Tổ",
    ),
    (
        "07",
        "petition",
        "dan-chu-co-so",
        "Kiến nghị công khai thu chi quỹ làm đường",
        "Đề nghị ban phát triển thôn công khai thu chi khoản đóng góp làm đường bê tông năm "
        "2026 tại nhà văn hóa.",
        "",
    ),
    (
        "08",
        "feedback",
        "moi-truong",
        "Tiếng ồn từ xưởng mộc sau 22 giờ",
        "Xưởng mộc trong tổ dân phố chạy máy đến khuya.",
        "Ngõ 3, tổ dân phố Thao Chính",
    ),
    (
        "08",
        "feedback",
        "ha-tang",
        "Vỉa hè sụt lún trước chợ Thao Chính",
        "Vỉa hè trước cổng chợ sụt lún, người già đi chợ đã bị ngã.",
        "Cổng chợ Thao Chính",
    ),
    (
        "02",
        "feedback",
        "an-ninh-trat-tu",
        "Trộm chó xảy ra nhiều đêm",
        "Tuần qua xóm 2 bị mất ba con chó, đề nghị công an xã tăng tuần tra ban đêm.",
        "",
    ),
    (
        "04",
        "denunciation",
        "can-bo",
        "Tố cáo việc thu tiền ngoài quy định khi cấp giấy tờ",
        "Tôi tố cáo việc một cán bộ yêu cầu nộp thêm tiền ngoài lệ phí khi làm thủ tục.",
        "",
    ),
    (
        "01",
        "feedback",
        "chinh-sach-xa-hoi",
        "Chưa nhận trợ cấp người cao tuổi tháng này",
        "Mẹ tôi 82 tuổi chưa nhận được trợ cấp tháng 10.",
        "",
    ),
]
FILERS = [
    ("Nguyễn Văn Thắng", "0912 345 118"),
    ("Trần Thị Hoa", "0983 221 407"),
    ("Lê Văn Toàn", "0904 556 213"),
    ("Phạm Thị Nga", "0868 119 530"),
    ("Đỗ Văn Khải", "0977 308 642"),
    ("Vũ Thị Thanh", "0936 472 085"),
    ("Bùi Văn Đức", "0915 630 271"),
    ("Hoàng Thị Yến", "0389 554 116"),
]
ANSWERS = {
    "ha-tang": "UBND xã đã giao Tổ quản lý đường giao thông khắc phục; đã xong ngày {day}.",
    "moi-truong": "Đã làm việc với Hợp tác xã vệ sinh môi trường; thu gom xong ngày {day} và "
    "yêu cầu thu gom đúng lịch hai ngày một lần.",
    "trat-tu-xay-dung": "Đã lập biên bản, yêu cầu hộ vi phạm tháo dỡ phần lấn chiếm.",
    "an-ninh-trat-tu": "Công an xã đã tăng cường tuần tra và đặt biển hạn chế tốc độ.",
    "thu-tuc-hanh-chinh": "Bộ phận một cửa đã trả kết quả, xin lỗi ông/bà vì sự chậm trễ.",
    "chinh-sach-xa-hoi": "Đã rà soát, bổ sung vào danh sách chi trả từ tháng sau.",
    "y-te-giao-duc": "Đã bố trí kinh phí sửa mái trong kỳ nghỉ Tết.",
    "dan-chu-co-so": "Ban phát triển thôn đã niêm yết bảng thu chi tại nhà văn hóa ngày {day}.",
    "dat-dai-gpmb": "Hội đồng bồi thường đã kiểm tra lại; trả lời chi tiết bằng văn bản gửi hộ gia "
    "đình ngày {day}.",
}
CHANNELS = ["online", "online", "phone", "in_person", "reception", "letter"]


def _redate(petition: Petition, action: str, day: dt.date) -> None:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    Step.objects.filter(petition=petition, action=action).update(at=at, on=day)


def seed(commune: Unit, progress: Callable[[str], None]) -> int:
    if Petition.objects.filter(commune=commune).exists():
        progress("  (đã có dữ liệu phản ánh, bỏ qua)")
        return 0
    rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not secrets
    today = timezone.localdate()
    officer = User.objects.filter(username="canbo").first()
    with transaction.atomic():
        if officer is not None:
            for code, department in (
                ("ha-tang", "Công chức Địa chính – Xây dựng"),
                ("dat-dai-gpmb", "Hội đồng bồi thường, hỗ trợ GPMB xã"),
                ("moi-truong", "Công chức Địa chính – Môi trường"),
            ):
                RoutingRule.objects.get_or_create(
                    commune=commune,
                    category=Category.objects.get(code=code),
                    defaults={"assignee": officer, "department": department},
                )
        services.set_reception_day(
            actor=SYSTEM,
            commune=commune,
            weekday=2,
            starts_at=dt.time(7, 30),
            ends_at=dt.time(11, 30),
            place="Phòng tiếp công dân, trụ sở UBND xã Ứng Hòa",
            host="Chủ tịch UBND xã Phạm Quang Minh",
        )
    count = 0
    for index, (suffix, kind, category, title, text, address) in enumerate(ITEMS):
        unit = Unit.objects.get(code=f"{commune.code}-{suffix}")
        name, phone = FILERS[index % len(FILERS)]
        received = today - dt.timedelta(days=rng.randint(2, 170) if index > 2 else index + 1)
        with transaction.atomic():
            filed = services.file_petition(
                actor=SYSTEM,
                kind=kind,
                category=category,
                unit=unit,
                title=title,
                text=text,
                address=address,
                # Entered with its real date; online ones are marked so afterwards.
                channel="phone"
                if CHANNELS[index % len(CHANNELS)] == "online"
                else (CHANNELS[index % len(CHANNELS)]),
                received_on=received,
                filer_name=name,
                filer_phone=phone,
                filer_address=unit.name,
                is_public=kind not in ("denunciation", "complaint"),
            )
            petition = filed.petition
            if CHANNELS[index % len(CHANNELS)] == "online":
                Petition.objects.filter(pk=petition.pk).update(channel="online", entered_by=None)
            _redate(petition, "filed", received)
            _redate(petition, "assigned", received)
            _progress(petition, filed.secret, received, today, rng)
        count += 1
    result = services.sweep(today)
    progress(
        f"  {count} phản ánh, kiến nghị, khiếu nại, tố cáo; "
        f"{result.escalated} đơn quá hạn đã báo lên"
    )
    return count


def _progress(petition: Petition, secret: str, received: dt.date, today, rng) -> None:
    """Move an item on as a commune would: most on time, some late, a few still open."""
    age = (today - received).days
    if age < 6:
        return  # still waiting for its notice of acceptance
    roll = rng.random()
    if petition.kind == "petition" and roll < 0.15:
        services.refuse(
            actor=SYSTEM,
            petition=petition,
            reason="Nội dung đã được trả lời tại Văn bản số 86/UBND-VP ngày 02/6/2026.",
        )
        _redate(petition, "refused", received + dt.timedelta(days=4))
        return
    accepted = received + dt.timedelta(days=min(age - 1, rng.randint(2, 9)))
    services.accept(actor=SYSTEM, petition=petition, on=accepted)
    _redate(petition, "accepted", accepted)
    if roll > 0.8 and age < 60:
        return  # being resolved
    if petition.kind == "denunciation":
        services.extend(
            actor=SYSTEM, petition=petition, reason="Cần xác minh thêm tại bộ phận một cửa"
        )
        return
    petition.refresh_from_db()
    late = roll > 0.7
    answer_day = (
        petition.resolve_due_on + dt.timedelta(days=rng.randint(2, 8))
        if late
        else (accepted + dt.timedelta(days=rng.randint(1, 8)))
    )
    answer_day = min(answer_day, today)
    text = ANSWERS[petition.category.code].format(day=answer_day.strftime("%d/%m/%Y"))
    services.answer(
        actor=SYSTEM,
        petition=petition,
        text=text,
        public=petition.kind in ("feedback", "petition"),
        on=answer_day,
    )
    _redate(petition, "answered", answer_day)
    if rng.random() < 0.7:
        rating = rng.choice([5, 5, 4, 4, 4, 3, 2])
        services.rate(petition=petition, rating=rating, fixed=rating >= 4, secret=secret)
