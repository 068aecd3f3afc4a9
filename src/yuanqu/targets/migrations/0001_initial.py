# The yearly targets move here from the projects app, their table and rows as they are (renamed by projects 0007);
# their change-log entries follow through the content type. An indicator is now the key of a measure an app
# registers (yuanqu.core.registry.measures), checked when a target is saved: the field lists no choices.

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="targets", model="target").exists():
        ContentType.objects.filter(app_label="projects", model="target").update(app_label="targets")


def return_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="projects", model="target").exists():
        ContentType.objects.filter(app_label="targets", model="target").update(app_label="projects")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("projects", "0007_calendar_and_target_tables"),
        ("zones", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Target",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("year", models.PositiveSmallIntegerField(verbose_name="年度")),
                        ("indicator", models.CharField(max_length=30, verbose_name="指标")),
                        ("value", models.DecimalField(decimal_places=4, max_digits=18, verbose_name="目标值")),
                        (
                            "zone",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="targets",
                                to="zones.zone",
                                verbose_name="所属园区",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "目标",
                        "verbose_name_plural": "目标",
                        "ordering": ["zone_id", "year", "indicator"],
                        "constraints": [
                            models.UniqueConstraint(fields=("zone", "year", "indicator"), name="target_unique")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, return_content_type),
    ]
