"""Default fields of cooperation and evaluation criteria; Sở Ngoại vụ edits them later."""

from django.db import migrations

FIELDS = [
    ("Kinh tế, thương mại, đầu tư", "Economy, trade, investment"),
    ("Du lịch", "Tourism"),
    ("Văn hóa, thể thao", "Culture, sport"),
    ("Giáo dục, đào tạo", "Education, training"),
    ("Nông nghiệp, lâm nghiệp", "Agriculture, forestry"),
    ("Y tế", "Health"),
    ("Khoa học, công nghệ", "Science, technology"),
    ("Lao động, dạy nghề", "Labour, vocational training"),
    ("Môi trường, biến đổi khí hậu", "Environment, climate change"),
    ("Quản lý biên giới", "Border management"),
    ("Giao lưu nhân dân", "People-to-people exchange"),
    ("Di sản, công viên địa chất", "Heritage, geoparks"),
]

CRITERIA = [
    ("Tiến độ thực hiện các sản phẩm đầu ra", "Progress of the agreed outputs", 5),
    ("Nguồn lực huy động được", "Resources mobilised (funding, experts, equipment)", 5),
    ("Mức độ tham gia của đối tác", "Partner engagement", 5),
    ("Hiệu quả, tác động đối với địa phương", "Effectiveness and impact for the province", 5),
]


def create(apps, schema_editor):
    Field = apps.get_model("agreements", "FieldOfCooperation")
    Criterion = apps.get_model("agreements", "EvaluationCriterion")
    for name, name_en in FIELDS:
        Field.objects.get_or_create(name=name, defaults={"name_en": name_en})
    for order, (name, description, max_score) in enumerate(CRITERIA, start=1):
        Criterion.objects.get_or_create(
            name=name, defaults={"description": description, "max_score": max_score, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_search_trigram_index")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
