# Every target set before letters existed becomes a line of its zone's letter for its year (one letter per zone and
# year, unsigned); going back leaves the targets as they were.

from django.db import migrations


def into_letters(apps, schema_editor):
    Target = apps.get_model("targets", "Target")
    Letter = apps.get_model("targets", "ResponsibilityLetter")
    pairs = Target.objects.filter(letter__isnull=True).values_list("zone_id", "year").distinct()
    for zone_id, year in pairs:
        letter, _ = Letter.objects.get_or_create(zone_id=zone_id, year=year)
        Target.objects.filter(zone_id=zone_id, year=year, letter__isnull=True).update(letter=letter)


class Migration(migrations.Migration):
    dependencies = [("targets", "0002_letters_and_tasks")]

    operations = [migrations.RunPython(into_letters, migrations.RunPython.noop)]
