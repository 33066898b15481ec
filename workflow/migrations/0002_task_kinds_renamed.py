"""The receiving flow's nodes are named after the lifecycle's task kinds (the inbox's kinds),
so one name serves the flow, the inbox and the task screens."""

from django.db import migrations

RENAMED = {
    "receive": "acknowledge",
    "assign_handler": "assign",
    "handle": "complete",
}
PREFIX = "workflow/flows.IncomingFlow."


def rename(apps, schema_editor, mapping):
    Task = apps.get_model("viewflow", "Task")
    for old, new in mapping.items():
        Task.objects.filter(flow_task=PREFIX + old).update(flow_task=PREFIX + new)


def forwards(apps, schema_editor):
    rename(apps, schema_editor, RENAMED)


def backwards(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0001_notifications"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
