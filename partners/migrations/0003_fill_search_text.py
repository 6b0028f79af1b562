from django.db import migrations

from accounts.text import fold


def fill(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    for partner in Partner.objects.all():
        partner.search_text = fold(
            f"{partner.name_vi} {partner.name_native} {partner.abbreviation}"
        )
        partner.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_partner_search_text")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
