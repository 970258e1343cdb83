"""Name the Django Site (sitemaps, Oscar's emails) and Wagtail's Site after the shop.

The domain comes from SITE_DOMAIN at migrate time (default 127.0.0.1:8000) and
can be changed later in the Django admin under Sites.
"""

import os

from django.db import migrations


def name_site(apps, schema_editor):
    domain = os.environ.get("SITE_DOMAIN", "127.0.0.1:8000")
    apps.get_model("sites", "Site").objects.update_or_create(pk=1, defaults={"domain": domain, "name": "OK OCE Mart"})
    # Wagtail's Site builds page URLs (sitemap, share links): the same host.
    host, _, port = domain.partition(":")
    apps.get_model("wagtailcore", "Site").objects.filter(is_default_site=True).update(
        hostname=host, port=int(port or 80), site_name="OK OCE Mart"
    )


class Migration(migrations.Migration):
    dependencies = [("cms", "0005_home_featured"), ("sites", "0002_alter_domain_unique"), ("wagtailcore", "0098_apitoken")]
    operations = [migrations.RunPython(name_site, migrations.RunPython.noop)]
