"""Documents that came from outside become searchable by their sender, symbol and title."""

import unicodedata

from django.db import migrations, models


def fold(text: str) -> str:
    # A copy of documents.models.fold as it stands today: a migration must not change when
    # the model's code does.
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def fill(apps, schema_editor):
    Receipt = apps.get_model("documents", "Receipt")
    for receipt in Receipt.objects.filter(document__isnull=True).iterator(chunk_size=500):
        receipt.search_text = fold(
            f"{receipt.sender_name} {receipt.sender_symbol} {receipt.sender_title}"
        )
        receipt.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("documents", "0009_exchanged_documents")]

    operations = [
        migrations.AddField(
            model_name="receipt",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
