"""The matters on which citizens give opinions (Law 10/2022/QH15 Art 25), as editable data.

Items 1–8 were read in published sources; item 9's wording is from memory (`verified=False`).
"""

from django.db import migrations

ITEMS = [
    (1, "Dự thảo kế hoạch phát triển kinh tế - xã hội, phương án chuyển dịch cơ cấu kinh tế "
        "của cấp xã", True),
    (2, "Dự thảo quy hoạch, kế hoạch sử dụng đất; việc quản lý, sử dụng quỹ đất giao cho xã", True),
    (3, "Chủ trương, chính sách đầu tư, đất đai, bồi thường, tái định cư của dự án có tác động "
        "trực tiếp tại địa phương", True),
    (4, "Đề án thành lập, nhập, chia, đổi tên đơn vị hành chính; thành lập, nhập, đổi tên thôn, "
        "tổ dân phố", True),
    (5, "Dự thảo quyết định hành chính của UBND cấp xã có ảnh hưởng đến lợi ích cộng đồng", True),
    (6, "Dự thảo quy hoạch xây dựng, quy hoạch đô thị, nông thôn", True),
    (7, "Dự thảo quy chế thực hiện dân chủ ở cấp xã", True),
    (8, "Dự thảo quyết định hành chính làm phát sinh nghĩa vụ hoặc hạn chế quyền của công dân "
        "trên địa bàn", True),
    (9, "Nội dung khác theo quy định của pháp luật hoặc yêu cầu của cơ quan có thẩm quyền", False),
]


def load(apps, schema_editor):
    Item = apps.get_model("consultations", "Art25Item")
    for number, title, verified in ITEMS:
        Item.objects.update_or_create(number=number,
                                      defaults={"title": title, "verified": verified})


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
