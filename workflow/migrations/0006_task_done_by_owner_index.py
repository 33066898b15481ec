"""The done tab reads a person's completed tasks newest first, a batch at a time
(workflow.views.inbox.archive_tasks). viewflow indexes the owner alone, so every batch sorted
all of the person's tasks (10,390 for the city's clerk at 50,000 documents); this index hands
them over in order. viewflow's table is not ours to declare a Meta index on, hence SQL, which
SQLite and PostgreSQL both take."""

from django.db import migrations

NAME = "workflow_task_done_by_owner"


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0005_notification_kinds_obligations"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {NAME} "
            "ON viewflow_task (owner_id, status, finished DESC, id DESC)",
            f"DROP INDEX IF EXISTS {NAME}",
        ),
    ]
