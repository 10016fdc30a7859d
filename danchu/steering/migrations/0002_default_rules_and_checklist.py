"""The starting hot-spot rules and inspection checklist (data: an admin edits or retires them).

Thresholds are a starting point chosen for the demo and for review by each province's
committee; no text fixes them (docs/adr/0011).
"""

from decimal import Decimal

from django.db import migrations

RULES = [
    # code, name, indicator, compare, threshold, minimum base, categories, level, basis
    ("dat-dai-tang", "Phản ánh về đất đai, giải phóng mặt bằng tăng", "petitions_received",
     "rise", Decimal("50"), 3, ["dat-dai-gpmb"], "commune",
     "Số đơn lĩnh vực đất đai, GPMB trong kỳ tăng từ 50% so với kỳ trước (từ 3 đơn)."),
    ("qua-han-tra-loi", "Tỷ lệ đơn quá hạn cao", "petitions_overdue_share", "gte",
     Decimal("0.2"), 5, [], "commune",
     "Từ 20% số đơn tiếp nhận trong kỳ trả lời quá hạn hoặc quá hạn chưa trả lời (từ 5 đơn)."),
    ("cong-nhan-qua-han", "Quyết định chưa được công nhận quá hạn", "recognitions_overdue",
     "gte", Decimal("1"), 1, [], "commune",
     "Có hồ sơ đề nghị công nhận quá 05 ngày làm việc chưa quyết định (Điều 21 khoản 2)."),
    ("cong-khai-chua-dung", "Thông báo công khai chưa đúng quy định", "notices_compliance",
     "lte", Decimal("0.8"), 3, [], "commune",
     "Dưới hoặc bằng 80% thông báo công khai trong kỳ đúng quy định (từ 3 thông báo)."),
    ("tham-gia-thap", "Tỷ lệ hộ tham gia biểu quyết thấp", "turnout", "lte",
     Decimal("0.5"), 30, [], "village",
     "Tổng số hộ tham gia dưới hoặc bằng 50% số hộ trong danh sách (từ 30 lượt hộ)."),
]

CHECKLIST = (
    "Kiểm tra thực hiện dân chủ ở cơ sở cấp xã",
    [
        ("Công khai đủ các nội dung theo Điều 11, đúng hình thức và thời hạn", "Điều 11–13 Luật 10/2022", "disclosures"),
        ("Niêm yết đủ thời gian, phát thanh đủ 3 ngày liên tục với khoản 7–12", "Điều 13 Luật 10/2022", "disclosures"),
        ("Tổ chức để Nhân dân bàn và quyết định đúng nội dung, hình thức", "Điều 15–17 Luật 10/2022", "decisions"),
        ("Công nhận hoặc trả lời quyết định của cộng đồng trong 05 ngày làm việc", "Điều 21 khoản 2 Luật 10/2022", "decisions"),
        ("Lấy ý kiến Nhân dân trước khi quyết định; tổng hợp, tiếp thu, giải trình", "Điều 25–29 Luật 10/2022", "consultations"),
        ("Hương ước, quy ước được công nhận và rà soát hằng năm", "NĐ 61/2023/NĐ-CP", "conventions"),
        ("Tiếp công dân định kỳ; trả lời phản ánh, kiến nghị đúng hạn", "Luật Tiếp công dân 2013", "petitions"),
        ("Ban Thanh tra nhân dân được kiện toàn và hoạt động theo kế hoạch", "Điều 36–39 Luật 10/2022", "inspections"),
    ],
)


def add_defaults(apps, schema_editor):
    Rule = apps.get_model("steering", "HotSpotRule")
    for code, name, indicator, compare, threshold, minimum, categories, level, basis in RULES:
        Rule.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "indicator": indicator, "compare": compare,
                "threshold": threshold, "minimum_base": minimum, "categories": categories,
                "level": level, "basis": basis,
            },
        )
    Checklist = apps.get_model("steering", "Checklist")
    Item = apps.get_model("steering", "ChecklistItem")
    checklist, _created = Checklist.objects.get_or_create(name=CHECKLIST[0])
    for number, (text, basis, engine) in enumerate(CHECKLIST[1], start=1):
        Item.objects.update_or_create(
            checklist=checklist, number=number,
            defaults={"text": text, "basis": basis, "engine": engine},
        )


class Migration(migrations.Migration):
    dependencies = [("steering", "0001_committees_inspections_hot_spots_reports")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
