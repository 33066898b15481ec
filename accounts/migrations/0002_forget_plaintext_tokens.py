"""API tokens used to be DRF's, stored in plain text in ``authtoken_token``. They stop working
with knox's digests (clients sign in again for a new token); this removes the old table so the
old tokens are not left readable in the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
