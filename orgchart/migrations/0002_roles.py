from django.db import migrations

ROLES = ["drafter", "reviewer", "clerk", "signer", "leader", "auditor"]


def create_roles(apps, schema_editor):
    Role = apps.get_model("orgchart", "Role")
    for code in ROLES:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("orgchart", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
