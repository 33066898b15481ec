"""Search reads bodies and attachments and ranks by the trích yếu: a title column beside the
search text, each attachment's extracted text, and on PostgreSQL trigram indexes so that a
``LIKE '%word%'`` on the folded text stays fast at a million rows.

The text is folded in Python before it is stored (accents removed, lower case,
documents/searchtext.py), so the index needs ``pg_trgm`` only: ``unaccent`` would have nothing
left to remove, and leaving it out keeps the same query on SQLite and PostgreSQL.

Existing rows get their title and body here, in batches; the text of files already stored is
extracted by ``manage.py reindex_search`` (it reads every file, which a migration should not)."""

import unicodedata

from django.db import migrations, models

INDEXES = (
    ("documents_document", "document_search_trgm"),
    ("documents_receipt", "receipt_search_trgm"),
)

# A copy of documents.searchtext.fold as it stands today: a migration must not change when
# the model's code does.
def fold(text):
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def fill(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    Receipt = apps.get_model("documents", "Receipt")
    batch = []
    rows = Document.objects.select_related("issuer").order_by("pk")
    for doc in rows.iterator(chunk_size=500):
        # The stored search text is the folded type, trích yếu and số, ký hiệu so far.
        doc.title_text = " ".join(p for p in (doc.search_text, fold(doc.issuer.name)) if p)
        body = fold(" ".join(doc.body.split()))[:200_000]
        doc.search_text = "\n".join(p for p in (doc.title_text, body) if p)
        batch.append(doc)
        if len(batch) == 500:
            Document.objects.bulk_update(batch, ["title_text", "search_text"])
            batch = []
    Document.objects.bulk_update(batch, ["title_text", "search_text"])
    batch = []
    for receipt in Receipt.objects.filter(document__isnull=True).order_by("pk").iterator(500):
        receipt.title_text = receipt.search_text
        batch.append(receipt)
        if len(batch) == 500:
            Receipt.objects.bulk_update(batch, ["title_text"])
            batch = []
    Receipt.objects.bulk_update(batch, ["title_text"])


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("documents", "0014_assignments")]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="document",
            name="title_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="receipt",
            name="title_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
