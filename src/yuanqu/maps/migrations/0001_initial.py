# The map's own models move here from the land app, their tables and rows as they are (renamed by land 0009); the
# base maps' change-log entries (and every model's permissions) follow through their content types.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("basemap", "parceltilerow", "parceltilesync", "tileblock", "tilescope")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="maps", model=model).exists():
            ContentType.objects.filter(app_label="land", model=model).update(app_label="maps")


def return_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="land", model=model).exists():
            ContentType.objects.filter(app_label="maps", model=model).update(app_label="land")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("land", "0009_map_tables"),
        ("zones", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="BaseMap",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("name", models.CharField(max_length=100, unique=True, verbose_name="名称")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("xyz", "XYZ 瓦片"), ("wmts", "WMTS 瓦片")],
                                default="xyz",
                                max_length=10,
                                verbose_name="类型",
                            ),
                        ),
                        (
                            "url",
                            models.CharField(
                                help_text="含 {z}/{x}/{y}（WMTS 也可用 {TileMatrix}/{TileCol}/{TileRow}），Web 墨卡托切片",
                                max_length=1000,
                                verbose_name="瓦片地址模板",
                            ),
                        ),
                        (
                            "crs",
                            models.CharField(
                                choices=[("wgs84", "WGS 84 / CGCS2000（天地图等）"), ("gcj02", "GCJ-02（高德、腾讯等）")],
                                default="wgs84",
                                max_length=10,
                                verbose_name="底图坐标系",
                            ),
                        ),
                        ("attribution", models.CharField(blank=True, max_length=300, verbose_name="版权说明")),
                        ("min_zoom", models.PositiveSmallIntegerField(default=0, verbose_name="最小级别")),
                        ("max_zoom", models.PositiveSmallIntegerField(default=18, verbose_name="最大级别")),
                        ("active", models.BooleanField(default=False, verbose_name="启用")),
                        ("updated", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                    ],
                    options={
                        "verbose_name": "底图",
                        "verbose_name_plural": "底图",
                        "ordering": ["name"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("active", True)), fields=("active",), name="one_active_base_map"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("min_zoom__lte", models.F("max_zoom")), ("max_zoom__lte", 24)),
                                name="base_map_zoom_range",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ParcelTileSync",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("last_entry", models.BigIntegerField(default=0, verbose_name="最新变更记录编号")),
                        (
                            "epoch",
                            models.CharField(blank=True, max_length=40, verbose_name="全部瓦片失效时的数据版本"),
                        ),
                        ("updated", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                    ],
                    options={
                        "verbose_name": "地图瓦片同步",
                        "verbose_name_plural": "地图瓦片同步",
                    },
                ),
                migrations.CreateModel(
                    name="TileBlock",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("x", models.IntegerField(verbose_name="列")),
                        ("y", models.IntegerField(verbose_name="行")),
                        ("entry", models.BigIntegerField(default=0, verbose_name="最新变更记录编号")),
                    ],
                    options={
                        "verbose_name": "地图瓦片块",
                        "verbose_name_plural": "地图瓦片块",
                        "constraints": [models.UniqueConstraint(fields=("x", "y"), name="tile_block_unique")],
                    },
                ),
                migrations.CreateModel(
                    name="ParcelTileRow",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("as_of", models.DateField(verbose_name="截至日期")),
                        ("scope", models.CharField(max_length=16, verbose_name="可见范围")),
                        ("status", models.CharField(max_length=30, verbose_name="状态")),
                        ("enterprise_ref", models.BigIntegerField(default=0, verbose_name="企业编号")),
                        ("enterprise", models.CharField(blank=True, max_length=200, verbose_name="企业")),
                        ("grade", models.CharField(blank=True, max_length=10, verbose_name="评价等级")),
                        ("project_ref", models.BigIntegerField(default=0, verbose_name="项目编号")),
                        ("project", models.CharField(blank=True, max_length=200, verbose_name="项目")),
                        ("stage", models.CharField(blank=True, max_length=30, verbose_name="项目阶段")),
                        (
                            "parcel",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="tile_rows",
                                to="land.parcel",
                                verbose_name="地块",
                            ),
                        ),
                        (
                            "zone",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="zones.zone",
                                verbose_name="园区",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "地图瓦片地块属性",
                        "verbose_name_plural": "地图瓦片地块属性",
                        "ordering": ["as_of", "scope", "parcel_id"],
                        "constraints": [
                            models.UniqueConstraint(fields=("as_of", "scope", "parcel"), name="parcel_tile_row_unique")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TileScope",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("scope", models.CharField(max_length=16, verbose_name="可见范围")),
                        ("as_of", models.DateField(verbose_name="截至日期")),
                        ("used", models.DateTimeField(auto_now=True, verbose_name="最近使用时间")),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="用户",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "地图瓦片范围",
                        "verbose_name_plural": "地图瓦片范围",
                        "constraints": [models.UniqueConstraint(fields=("scope", "as_of"), name="tile_scope_unique")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, return_content_types),
    ]
