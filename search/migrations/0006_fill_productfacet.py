"""Fill the facet table for an existing catalogue (a new one is filled as it is loaded).

As ``search.facettable.refresh()``, written out with the historical models so later changes to the
app's code cannot break it: one row per distinct (browsable product, kecamatan, price band) of the
stock of the product or its public variants held by an active member business. Prints its progress
(about 5 s per 100,000 products on SQLite); ``manage.py facet_table`` does the same later.
"""

import sys
import time
from decimal import Decimal

from django.db import migrations

BATCH = 1000
# search.facets.PRICE_RANGES's bounds when this migration was written: (low, high), low <= price < high.
BANDS = [
    (None, Decimal("50000")),
    (Decimal("50000"), Decimal("100000")),
    (Decimal("100000"), Decimal("250000")),
    (Decimal("250000"), Decimal("500000")),
    (Decimal("500000"), None),
]


def band_of(price):
    if price is None:
        return None
    for band, (low, high) in enumerate(BANDS):
        if (low is None or price >= low) and (high is None or price < high):
            return band
    return None


def fill(apps, schema_editor):
    Product = apps.get_model("catalogue", "Product")
    StockRecord = apps.get_model("partner", "StockRecord")
    Partner = apps.get_model("partner", "Partner")
    ProductFacet = apps.get_model("search", "ProductFacet")
    ids = list(Product.objects.filter(parent=None, is_public=True).order_by("pk").values_list("pk", flat=True))
    if not ids:
        return
    stock = StockRecord.objects.filter(partner__in=Partner.objects.filter(status="active").values("pk"))
    out = sys.stdout
    out.write(f"\n  Filling the facet table for {len(ids):,} products…\n")
    started = time.monotonic()
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        low, high = chunk[0], chunk[-1]
        own = stock.filter(
            product_id__gte=low, product_id__lte=high, product__parent=None, product__is_public=True
        ).values_list("product_id", "partner__kecamatan_id", "price")
        variants = stock.filter(
            product__parent_id__gte=low, product__parent_id__lte=high, product__is_public=True,
            product__parent__parent=None, product__parent__is_public=True,
        ).values_list("product__parent_id", "partner__kecamatan_id", "price")
        rows = {(p, k, band_of(price)) for query in (own, variants) for p, k, price in query}
        ProductFacet.objects.filter(product_id__gte=low, product_id__lte=high).delete()
        ProductFacet.objects.bulk_create(
            [ProductFacet(product_id=p, kecamatan_id=k, price_band=b) for p, k, b in rows], batch_size=500
        )
        done += len(chunk)
        if done % (BATCH * 10) == 0 or done == len(ids):
            out.write(f"  facet table: {done:,} / {len(ids):,} products ({time.monotonic() - started:.0f} s)\n")
            out.flush()


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0005_productfacet"),
        ("partner", "0013_merge_delivered_courier_list"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
