"""The starting list of categories (data: an admin edits, adds or retires them)."""

from django.db import migrations

CATEGORIES = [
    # (code, name, English name, group, keywords)
    ("dat-dai-gpmb", "Đất đai, bồi thường, giải phóng mặt bằng",
     "Land, compensation and site clearance", "Đất đai", "đất, GPMB, bồi thường, tái định cư"),
    ("moi-truong", "Môi trường, rác thải, vệ sinh", "Environment, waste and sanitation",
     "Môi trường", "rác, nước thải, ô nhiễm, mùi"),
    ("ha-tang", "Hạ tầng: đường, điện, nước, chiếu sáng", "Infrastructure: roads, power, water, lighting",
     "Hạ tầng", "đường, ổ gà, đèn, điện, nước sạch, cống"),
    ("trat-tu-xay-dung", "Trật tự xây dựng, lấn chiếm", "Building control and encroachment",
     "Hạ tầng", "xây dựng trái phép, lấn chiếm, vỉa hè"),
    ("chinh-sach-xa-hoi", "Chính sách xã hội, an sinh", "Social policy and welfare",
     "Xã hội", "trợ cấp, hộ nghèo, người có công, bảo hiểm"),
    ("y-te-giao-duc", "Y tế, giáo dục", "Health and education", "Xã hội", "trạm y tế, trường học"),
    ("an-ninh-trat-tu", "An ninh, trật tự, an toàn giao thông", "Public order and road safety",
     "An ninh", "trộm cắp, tiếng ồn, giao thông"),
    ("can-bo", "Thái độ, hành vi của cán bộ, công chức", "Conduct of officials",
     "Cán bộ", "nhũng nhiễu, thái độ, trách nhiệm"),
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính", "Administrative procedures",
     "Hành chính", "hồ sơ, giấy tờ, chậm trả kết quả"),
    ("dan-chu-co-so", "Thực hiện dân chủ ở cơ sở", "Grassroots democracy (Law 10/2022 Art 5(3))",
     "Dân chủ", "công khai, họp thôn, đóng góp, biểu quyết"),
    ("khac", "Lĩnh vực khác", "Other", "Khác", ""),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("petitions", "Category")
    for order, (code, name, name_en, group, keywords) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "group": group,
                "keywords": keywords,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
