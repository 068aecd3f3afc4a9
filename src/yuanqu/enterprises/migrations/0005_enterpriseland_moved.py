# EnterpriseLand now belongs to the land app (land 0008): this app forgets it without touching its table.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0004_enterpriseland_table"),
        ("land", "0008_enterpriseland"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="EnterpriseLand")],
            database_operations=[],
        ),
    ]
