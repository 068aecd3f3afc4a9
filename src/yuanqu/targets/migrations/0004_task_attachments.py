"""A report back may carry several files: each its own row (name as uploaded, size), the one file a step had moved
into them before the step's own field goes."""

import posixpath

import django.db.models.deletion
from django.db import migrations, models


def move_attachments(apps, schema_editor):
    TaskStep = apps.get_model("targets", "TaskStep")
    TaskAttachment = apps.get_model("targets", "TaskAttachment")
    for step in TaskStep.objects.exclude(attachment="").exclude(attachment__isnull=True):
        try:
            size = step.attachment.size
        except (OSError, ValueError):
            size = 0  # the file is gone from the disk: keep the record of it
        TaskAttachment.objects.create(
            step=step, file=step.attachment.name, name=posixpath.basename(step.attachment.name)[:200], size=size
        )


def move_back(apps, schema_editor):
    TaskAttachment = apps.get_model("targets", "TaskAttachment")
    for attachment in TaskAttachment.objects.order_by("-pk"):
        step = attachment.step
        step.attachment = attachment.file.name
        step.save(update_fields=["attachment"])


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0003_targets_into_letters"),
    ]

    operations = [
        migrations.CreateModel(
            name="TaskAttachment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("file", models.FileField(upload_to="tasks/%Y/", verbose_name="附件")),
                ("name", models.CharField(max_length=200, verbose_name="文件名")),
                ("size", models.PositiveBigIntegerField(default=0, verbose_name="大小（字节）")),
                (
                    "step",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="targets.taskstep",
                        verbose_name="办理环节",
                    ),
                ),
            ],
            options={
                "verbose_name": "附件",
                "verbose_name_plural": "附件",
                "ordering": ["step_id", "pk"],
            },
        ),
        migrations.RunPython(move_attachments, move_back),
        migrations.RemoveField(
            model_name="taskstep",
            name="attachment",
        ),
    ]
