"""Load the 44 kecamatan of DKI Jakarta from places/data/jakarta_kecamatan.csv."""

import csv
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "jakarta_kecamatan.csv"


def load(apps, schema_editor):
    Kecamatan = apps.get_model("places", "Kecamatan")
    with CSV_PATH.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Kecamatan.objects.update_or_create(
                slug=row["slug"],
                defaults={
                    "name": row["name"],
                    "kota": row["kota"],
                    "kemendagri_code": row["kemendagri_code"],
                    "lat": row["lat"],
                    "lon": row["lon"],
                    "alt_names": row["alt_names"],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
