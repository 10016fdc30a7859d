"""Re-fold unit names: punctuation now folds to a space ("Ia H'Drai" -> "ia h drai")."""

from django.db import migrations


def refold(apps, schema_editor):
    from danchu.core.vietnamese import fold

    Unit = apps.get_model("units", "Unit")
    changed = []
    for unit in Unit.objects.only("pk", "name", "name_folded").iterator(chunk_size=2000):
        folded = fold(unit.name)
        if folded != unit.name_folded:
            unit.name_folded = folded
            changed.append(unit)
    Unit.objects.bulk_update(changed, ["name_folded"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
