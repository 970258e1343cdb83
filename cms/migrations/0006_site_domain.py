"""Name the Django Site (used by sitemaps and Oscar's emails) after the shop.

The domain comes from SITE_DOMAIN at migrate time (default 127.0.0.1:8000) and
can be changed later in the Django admin under Sites.
"""

import os

from django.db import migrations


def name_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(
        pk=1, defaults={"domain": os.environ.get("SITE_DOMAIN", "127.0.0.1:8000"), "name": "OK OCE Mart"}
    )


class Migration(migrations.Migration):
    dependencies = [("cms", "0005_home_featured"), ("sites", "0002_alter_domain_unique")]
    operations = [migrations.RunPython(name_site, migrations.RunPython.noop)]
