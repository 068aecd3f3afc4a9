# The map's own models (the base maps and what the parcel tiles keep) move to the maps app, which sits above land:
# their tables take the maps app's names here, the maps app takes the models over (maps 0001), and this app lets
# them go (0010).

from django.db import migrations

MOVED = ("basemap", "parceltilerow", "parceltilesync", "tileblock", "tilescope")


class Migration(migrations.Migration):
    dependencies = [
        ("land", "0008_enterpriseland"),
    ]

    operations = [migrations.AlterModelTable(name=model, table=f"maps_{model}") for model in MOVED]
