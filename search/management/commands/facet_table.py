"""Refill the database engine's facet table (``search.models.ProductFacet``) from the stock records.

    manage.py facet_table                rewrite every listed product's rows (progress bar)
    manage.py facet_table --no-progress

The table is kept current on every change (``search.facettable``) and filled after bulk loads
(``search_index --rebuild``, ``load_demo``); run this after changing ``search.facets.PRICE_RANGES``,
or after writing stock or businesses outside the ORM's signals. Listings keep counting while it runs.
"""

import time

from django.core.management.base import BaseCommand
from oscar.core.loading import get_model
from tqdm import tqdm

from search import facettable
from search.models import ProductFacet

Product = get_model("catalogue", "Product")


class Command(BaseCommand):
    help = "Rewrite the facet table (kecamatan and price counts of the database search engine)."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (logs, CI).")

    def handle(self, *args, no_progress=False, **options):
        total = Product.objects.browsable().count()
        started = time.monotonic()
        with tqdm(total=total, desc="Facet table", unit=" products", disable=no_progress, file=self.stderr._out) as bar:
            facettable.refresh(progress=bar.update)
        self.stdout.write(self.style.SUCCESS(
            f"Facet table rewritten for {total} products: {ProductFacet.objects.count()} rows "
            f"in {time.monotonic() - started:.1f} s."
        ))
