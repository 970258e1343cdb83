"""Product page views counted off the request, written to Oscar's analytics in batches.

Oscar's analytics receiver runs an ``UPDATE`` of ``ProductRecord.num_views`` (and, for a
signed-in shopper, ``UserRecord`` and a ``UserProductView`` row) on every product page view:
a write per page view, which serialises readers on SQLite under load. Here a view only adds
to a counter:

- with Redis as the cache (``REDIS_URL``), one ``HINCRBY`` on a hash shared by every worker;
  ``manage.py flush_view_counts`` (run by a scheduler, e.g. every minute) writes the counts;
- with the local-memory cache (development, tests), a counter in the process, written when it
  holds ``VIEW_COUNT_BATCH`` views or is ``VIEW_COUNT_SECONDS`` old, and when the process exits.

``flush()`` adds the counted views to the same rows Oscar's receiver would have written, so
the analytics figures (``num_views``, ``num_product_views``, the user's viewed products) are
the same after a flush. Counts are taken out of Redis atomically (``RENAME``) and put back if
the database write fails, so a view is counted once (``catalogue.batchcount``, shared with the basket
additions).
"""

from collections import Counter

from django.db import transaction
from oscar.core.loading import get_model

from catalogue.batchcount import BatchedCounter, add_to_row
from catalogue.batchcount import key as _key

HASH = "okoce:product-views"


def record(product, user=None):
    """Count one view of ``product`` (by ``user`` when signed in). No database write."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    counter.add(_key(product.pk, user_id))


def flush():
    """Write the counted views to Oscar's analytics tables; returns how many views were written."""
    return counter.flush()


def _write(counts):
    Product = get_model("catalogue", "Product")
    ProductRecord = get_model("analytics", "ProductRecord")
    UserRecord = get_model("analytics", "UserRecord")
    UserProductView = get_model("analytics", "UserProductView")
    per_product, per_user, user_views = Counter(), Counter(), []
    for key, n in counts.items():
        product_id, _, user_id = key.partition(":")
        per_product[int(product_id)] += n
        if user_id:
            per_user[int(user_id)] += n
            user_views += [(int(product_id), int(user_id))] * n
    with transaction.atomic():
        # Products deleted since they were viewed are left out.
        existing = set(Product.objects.filter(pk__in=per_product).values_list("pk", flat=True))
        for product_id, n in per_product.items():
            if product_id not in existing:
                continue
            add_to_row(ProductRecord, {"product_id": product_id}, "num_views", n)
        for user_id, n in per_user.items():
            add_to_row(UserRecord, {"user_id": user_id}, "num_product_views", n)
        UserProductView.objects.bulk_create(
            [UserProductView(product_id=p, user_id=u) for p, u in user_views if p in existing]
        )


def receive_product_view(sender, product, user, **kwargs):
    """Replaces ``oscar.apps.analytics.receivers.receive_product_view`` (see CatalogueConfig.ready)."""
    if kwargs.get("raw", False):
        return
    record(product, user)


counter = BatchedCounter(HASH, _write, "Product view counts")
_pending = counter.pending  # this process's counts (tests clear them)
