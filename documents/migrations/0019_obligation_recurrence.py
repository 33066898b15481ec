"""Recurring obligations: each organisation owes one item a period, and a reply names the
period it answers. The items there are belong to one-off obligations: period 0, due when the
obligation is."""

from django.db import migrations, models


def items_due_with_their_obligation(apps, schema_editor):
    ObligationItem = apps.get_model("documents", "ObligationItem")
    Obligation = apps.get_model("documents", "Obligation")
    for pk, due in Obligation.objects.values_list("pk", "due").iterator():
        ObligationItem.objects.filter(obligation_id=pk).update(due=due)


class Migration(migrations.Migration):
    dependencies = [("documents", "0018_receipt_given_back")]

    operations = [
        migrations.AddField(
            model_name="obligation",
            name="recurrence",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Một lần"),
                    ("monthly", "Hằng tháng"),
                    ("quarterly", "Hằng quý"),
                    ("half_yearly", "6 tháng"),
                    ("yearly", "Hằng năm"),
                ],
                default="",
                max_length=12,
                verbose_name="định kỳ",
            ),
        ),
        migrations.AddField(
            model_name="obligation",
            name="until",
            field=models.DateField(blank=True, null=True, verbose_name="đến ngày"),
        ),
        migrations.AddField(
            model_name="obligationitem",
            name="period",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="kỳ báo cáo"),
        ),
        migrations.AddField(
            model_name="obligationitem",
            name="due",
            field=models.DateField(null=True, verbose_name="hạn nộp"),
        ),
        migrations.RunPython(items_due_with_their_obligation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="obligationitem",
            name="due",
            field=models.DateField(verbose_name="hạn nộp"),
        ),
        migrations.AddField(
            model_name="reply",
            name="periods",
            field=models.JSONField(blank=True, default=dict, verbose_name="kỳ báo cáo"),
        ),
        migrations.RemoveConstraint(model_name="obligationitem", name="obligation_item_once"),
        migrations.AddConstraint(
            model_name="obligationitem",
            constraint=models.UniqueConstraint(
                fields=("obligation", "organization", "period"),
                name="obligation_item_once_a_period",
            ),
        ),
    ]
