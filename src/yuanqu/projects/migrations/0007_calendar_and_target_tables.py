# The working-day calendar moves to the workdays app and the yearly targets to the targets app, both below this
# one: their tables take the new apps' names here, the new apps take the models over (workdays 0001, targets 0001)
# and this app lets them go (0008). The rows stay where they are.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_screening"),
    ]

    operations = [
        migrations.AlterModelTable(name="calendarday", table="workdays_calendarday"),
        migrations.AlterModelTable(name="calendaryear", table="workdays_calendaryear"),
        migrations.AlterModelTable(name="target", table="targets_target"),
    ]
