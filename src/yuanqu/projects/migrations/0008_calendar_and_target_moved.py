# The calendar now belongs to the workdays app (workdays 0001) and the targets to the targets app (targets 0001):
# this app forgets them without touching their tables.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0007_calendar_and_target_tables"),
        ("workdays", "0001_initial"),
        ("targets", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CalendarDay"),
                migrations.DeleteModel(name="CalendarYear"),
                migrations.DeleteModel(name="Target"),
            ],
            database_operations=[],
        ),
    ]
