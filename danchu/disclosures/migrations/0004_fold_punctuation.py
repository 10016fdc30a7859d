"""Re-fold the notices' search text: punctuation now folds to a space ("123/QĐ-UBND" ->
"123 qd ubnd"), the same as the query."""

from django.db import migrations


def refold(apps, schema_editor):
    from danchu.core.vietnamese import fold

    Notice = apps.get_model("disclosures", "Notice")
    changed = []
    fields = ("pk", "title", "document_number", "body", "search_text")
    for notice in Notice.objects.only(*fields).iterator(chunk_size=500):
        folded = fold(f"{notice.title} {notice.document_number} {notice.body}")
        if folded != notice.search_text:
            notice.search_text = folded
            changed.append(notice)
    Notice.objects.bulk_update(changed, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0003_notice_unit_page_index")]
    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
