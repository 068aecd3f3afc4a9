# The land an enterprise uses (EnterpriseLand) moves here from the enterprises app, its table and rows as they
# are (renamed by enterprises 0004); its change-log entries follow through its content type.

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="land", model="enterpriseland").exists():
        ContentType.objects.filter(app_label="enterprises", model="enterpriseland").update(app_label="land")


def return_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="enterprises", model="enterpriseland").exists():
        ContentType.objects.filter(app_label="land", model="enterpriseland").update(app_label="enterprises")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("enterprises", "0004_enterpriseland_table"),
        ("land", "0007_tile_scopes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EnterpriseLand",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "tenure",
                            models.CharField(
                                choices=[("own", "自有"), ("rented", "租用")],
                                default="own",
                                max_length=10,
                                verbose_name="权属",
                            ),
                        ),
                        ("area_mu", models.DecimalField(decimal_places=4, max_digits=14, verbose_name="使用面积（亩）")),
                        ("start_on", models.DateField(blank=True, null=True, verbose_name="起始日期")),
                        ("end_on", models.DateField(blank=True, null=True, verbose_name="终止日期")),
                        (
                            "enterprise",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="land",
                                to="enterprises.enterprise",
                                verbose_name="企业",
                            ),
                        ),
                        (
                            "parcel",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="enterprise_uses",
                                to="land.parcel",
                                verbose_name="地块",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "企业用地",
                        "verbose_name_plural": "企业用地",
                        "ordering": ["enterprise_id", "start_on"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("area_mu__gt", 0)), name="enterprise_land_positive_area"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("end_on__isnull", True),
                                    ("start_on__isnull", True),
                                    ("end_on__gte", models.F("start_on")),
                                    _connector="OR",
                                ),
                                name="enterprise_land_period_ordered",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, return_content_type),
    ]
