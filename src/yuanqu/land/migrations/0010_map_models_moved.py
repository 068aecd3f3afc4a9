# The map's own models now belong to the maps app (maps 0001): this app forgets them without touching their tables.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("land", "0009_map_tables"),
        ("maps", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="parceltilerow", name="parcel"),
                migrations.RemoveField(model_name="parceltilerow", name="zone"),
                migrations.RemoveField(model_name="tilescope", name="user"),
                migrations.DeleteModel(name="BaseMap"),
                migrations.DeleteModel(name="ParcelTileRow"),
                migrations.DeleteModel(name="ParcelTileSync"),
                migrations.DeleteModel(name="TileBlock"),
                migrations.DeleteModel(name="TileScope"),
            ],
            database_operations=[],
        ),
    ]
