# The land an enterprise uses (EnterpriseLand) moves to the land app, which sits above enterprises: its table
# takes the land app's name here, the land app takes the model over (land 0008), and this app lets it go (0005).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_drop_redundant_indexes"),
    ]

    operations = [
        migrations.AlterModelTable(name="enterpriseland", table="land_enterpriseland"),
    ]
