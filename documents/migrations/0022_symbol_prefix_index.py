"""Search ranks first what the số, ký hiệu starts with the query (``symbol__istartswith``, on
PostgreSQL ``UPPER(symbol) LIKE 'PREFIX%'``): a btree on the same expression with
``text_pattern_ops`` answers the prefix as a range, where otherwise the rank was found by
reading every document whose text matched. PostgreSQL only, as the trigram indexes of 0015:
SQLite has neither the operator class nor the need."""

from django.db import migrations


def symbol_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS document_symbol_prefix "
        "ON documents_document (UPPER(symbol) text_pattern_ops)"
    )


def drop_symbol_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS document_symbol_prefix")


class Migration(migrations.Migration):
    dependencies = [("documents", "0021_lists_newest_first")]

    operations = [migrations.RunPython(symbol_prefix_index, drop_symbol_prefix_index)]
