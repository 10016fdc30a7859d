"""The contents a commune must publicize (Law 10/2022/QH15 Art 11), as editable data.

Items 1–3 were read in a published copy of the law; items 4–14 are from memory and
flagged `verified=False` for legal review (see docs/disclosures.md).
"""

from django.db import migrations

ITEMS = [
    (1, "Kế hoạch phát triển kinh tế - xã hội hằng năm, phương án chuyển dịch cơ cấu kinh tế "
        "và kết quả thực hiện", False, False, True),
    (2, "Dự toán, quyết toán ngân sách; tình hình thực hiện ngân sách quý, 6 tháng, năm; "
        "kết quả thực hiện kiến nghị của Kiểm toán nhà nước", False, True, True),
    (3, "Dự án, công trình đầu tư và tiến độ; phương án bồi thường, hỗ trợ, tái định cư; "
        "quy hoạch xây dựng, sử dụng đất", False, False, True),
    (4, "Quy chế làm việc, quy chế thực hiện dân chủ của chính quyền cấp xã", False, False, False),
    (5, "Thủ tục hành chính và việc giải quyết thủ tục hành chính", False, False, False),
    (6, "Các khoản phí, lệ phí và các khoản đóng góp của Nhân dân", False, False, False),
    (7, "Việc quản lý, sử dụng các loại quỹ, khoản đầu tư, tài trợ", True, False, False),
    (8, "Đối tượng, mức hưởng chính sách xã hội (hộ nghèo, cận nghèo, bảo trợ xã hội…)",
        True, False, False),
    (9, "Kết quả thanh tra, kiểm tra, giải quyết vụ việc tham nhũng, tiêu cực", True, False, False),
    (10, "Kết quả lấy phiếu tín nhiệm", True, False, False),
    (11, "Đề án thành lập, nhập, chia, điều chỉnh địa giới đơn vị hành chính", True, False, False),
    (12, "Kết quả tiếp nhận, giải quyết kiến nghị, phản ánh của Nhân dân", True, False, False),
    (13, "Thông tin về thôn, tổ dân phố", False, False, False),
    (14, "Các nội dung khác theo quy định của pháp luật", False, False, False),
]


def load(apps, schema_editor):
    Item = apps.get_model("disclosures", "Art11Item")
    for number, title, radio, recurring, verified in ITEMS:
        Item.objects.update_or_create(
            number=number,
            defaults={"title": title, "radio_required": radio, "recurring": recurring,
                      "verified": verified},
        )


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
