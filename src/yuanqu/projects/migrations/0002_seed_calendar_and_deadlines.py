"""Seed the working-day calendar from the ``holidays`` package and the default stage deadline.

Runs on historical models (no change-log signals): the seed is the starting data, not an edit.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from yuanqu.analytics.workdays import WorkdayCalendar, package_notice_years

    CalendarDay = apps.get_model("projects", "CalendarDay")
    CalendarYear = apps.get_model("projects", "CalendarYear")
    StageDeadline = apps.get_model("projects", "StageDeadline")
    first, last = package_notice_years()
    seeded = WorkdayCalendar.from_holidays_package(range(first, last + 1))
    CalendarDay.objects.bulk_create(
        CalendarDay(date=row["date"], kind=row["kind"], name=str(row["name"])[:100]) for row in seeded.to_rows()
    )
    CalendarYear.objects.bulk_create(
        CalendarYear(year=year, published=True, source="holidays") for year in sorted(seeded.published_years)
    )
    # The year after the last notice exists but is unpublished, so deadlines reaching it say so.
    CalendarYear.objects.get_or_create(year=last + 1, defaults={"published": False, "source": ""})
    StageDeadline.objects.get_or_create(
        from_stage="signed",
        to_stage="started",
        defaults={"days": 60, "unit": "workdays", "label": "签约到开工"},
    )


def unseed(apps, schema_editor):
    apps.get_model("projects", "CalendarDay").objects.all().delete()
    apps.get_model("projects", "CalendarYear").objects.all().delete()
    apps.get_model("projects", "StageDeadline").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
