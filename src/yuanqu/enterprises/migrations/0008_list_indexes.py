"""Indexes of the enterprise list: names in order, each year's rows by enterprise with the figures the list shows
(read from the index alone), and each year's rows by tax."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0007_merge_flags_and_products"),
        ("zones", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(fields=["name", "id"], name="enterprise_name_idx"),
        ),
        migrations.AddIndex(
            model_name="enterpriseyear",
            index=models.Index(
                fields=["year", "enterprise", "tax", "land_mu", "above_scale"], name="enterprise_year_firms_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="enterpriseyear",
            index=models.Index(fields=["year", "-tax", "enterprise"], name="enterprise_year_tax_idx"),
        ),
        # The year index above leads with the year: it serves every lookup the year-only index served.
        migrations.RemoveIndex(
            model_name="enterpriseyear",
            name="enterprise_year_year_idx",
        ),
    ]
