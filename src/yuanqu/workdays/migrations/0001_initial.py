# The working-day calendar moves here from the projects app, its tables and rows as they are (renamed by projects
# 0007; projects 0002 seeded them); its change-log entries follow through the content types.

from django.db import migrations, models

MODELS = ("calendarday", "calendaryear")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="workdays", model=model).exists():
            ContentType.objects.filter(app_label="projects", model=model).update(app_label="workdays")


def return_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="projects", model=model).exists():
            ContentType.objects.filter(app_label="workdays", model=model).update(app_label="projects")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("projects", "0007_calendar_and_target_tables"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarDay",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("date", models.DateField(unique=True, verbose_name="日期")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("holiday", "放假"), ("workday", "调休上班")],
                                max_length=10,
                                verbose_name="类型",
                            ),
                        ),
                        ("name", models.CharField(blank=True, max_length=100, verbose_name="名称")),
                        ("updated", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                    ],
                    options={
                        "verbose_name": "节假日与调休",
                        "verbose_name_plural": "节假日与调休",
                        "ordering": ["date"],
                    },
                ),
                migrations.CreateModel(
                    name="CalendarYear",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("year", models.PositiveSmallIntegerField(unique=True, verbose_name="年份")),
                        ("published", models.BooleanField(default=False, verbose_name="放假安排已公布")),
                        ("source", models.CharField(blank=True, max_length=100, verbose_name="来源")),
                        ("updated", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                    ],
                    options={
                        "verbose_name": "日历年份",
                        "verbose_name_plural": "日历年份",
                        "ordering": ["year"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, return_content_types),
    ]
