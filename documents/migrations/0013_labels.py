# The issued state's label: numbered and waiting for release, no longer "Đã ban hành", which
# read like "Đã phát hành". Labels only; no row changes.

import django_fsm
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0012_document_can_cu"),
    ]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("draft", "Dự thảo"),
                    ("in_review", "Chờ duyệt nội dung"),
                    ("format_check", "Chờ kiểm tra thể thức"),
                    ("returned", "Bị trả lại"),
                    ("awaiting_signature", "Chờ ký"),
                    ("signed", "Đã ký"),
                    ("issued", "Đã cấp số, chờ phát hành"),
                    ("dispatched", "Đã phát hành"),
                    ("completed", "Hoàn thành"),
                    ("withdrawn", "Đã hủy"),
                    ("recalled", "Đã thu hồi"),
                ],
                default="draft",
                max_length=20,
                protected=True,
                verbose_name="trạng thái",
            ),
        ),
    ]
