"""On PostgreSQL, the database itself refuses to change or remove an audit event, whatever
code or person tries. TRUNCATE (used only by test teardown and a full reset) is not a row
change and stays possible for the owner."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION documents_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'documents_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS documents_auditevent_append_only ON documents_auditevent;
CREATE TRIGGER documents_auditevent_append_only
    BEFORE UPDATE OR DELETE ON documents_auditevent
    FOR EACH ROW EXECUTE FUNCTION documents_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS documents_auditevent_append_only ON documents_auditevent;
DROP FUNCTION IF EXISTS documents_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
