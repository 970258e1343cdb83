"""Basket additions counted off the request, written to Oscar's analytics in batches.

Oscar's analytics receiver of ``basket_addition`` runs an ``UPDATE`` (or an ``INSERT``) of
``ProductRecord.num_basket_additions`` (and, for a signed-in shopper, of
``UserRecord.num_basket_additions``) on every add: a write per add, on the row every shopper
adding that product shares. Here an add only adds to a counter, as product page views do
(``catalogue.viewcounts``):

- with Redis as the cache (``REDIS_URL``), one ``HINCRBY`` on a hash shared by every worker;
  ``manage.py flush_basket_additions`` (celery beat runs it every minute) writes the counts;
- with the local-memory cache (development, tests), a counter in the process, written when it
  holds ``VIEW_COUNT_BATCH`` additions or is ``VIEW_COUNT_SECONDS`` old, and when the process exits.

``flush()`` adds the counted additions to the same rows Oscar's receiver would have written, so
the analytics figures are the same after a flush. Counts are taken out of Redis atomically
(``RENAME``) and put back if the database write fails, so an addition is counted once
(``catalogue.batchcount``, shared with product views).
Oscar's ``basket_addition`` signal is still sent for every add: only Oscar's own analytics
receiver is replaced (``connect``).
"""

from collections import Counter

from django.db import transaction
from oscar.core.loading import get_model

from catalogue.batchcount import BatchedCounter, add_to_row
from catalogue.batchcount import key as _key

HASH = "okoce:basket-additions"


def record(product, user=None):
    """Count one addition of ``product`` to a basket (by ``user`` when signed in). No database write; a
    batch due in this process is written after the add's own transaction (a failing flush must not undo
    the shopper's basket)."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    counter.add(_key(product.pk, user_id))


def flush():
    """Write the counted additions to Oscar's analytics tables; returns how many were written."""
    return counter.flush()


def _write(counts):
    Product = get_model("catalogue", "Product")
    ProductRecord = get_model("analytics", "ProductRecord")
    UserRecord = get_model("analytics", "UserRecord")
    per_product, per_user = Counter(), Counter()
    for key, n in counts.items():
        product_id, _, user_id = key.partition(":")
        per_product[int(product_id)] += n
        if user_id:
            per_user[int(user_id)] += n
    with transaction.atomic():
        # Products deleted since they were added are left out.
        existing = set(Product.objects.filter(pk__in=per_product).values_list("pk", flat=True))
        for product_id, n in per_product.items():
            if product_id not in existing:
                continue
            add_to_row(ProductRecord, {"product_id": product_id}, "num_basket_additions", n)
        User = UserRecord._meta.get_field("user").related_model
        users = set(User.objects.filter(pk__in=per_user).values_list("pk", flat=True))
        for user_id, n in per_user.items():
            if user_id not in users:
                continue
            add_to_row(UserRecord, {"user_id": user_id}, "num_basket_additions", n)


def receive_basket_addition(sender, product, user, **kwargs):
    """Replaces ``oscar.apps.analytics.receivers.receive_basket_addition`` (``connect``)."""
    if kwargs.get("raw", False):
        return
    record(product, user)


def connect():
    """Count additions here instead of Oscar's per-add write; other receivers of the signal still run.

    Called when ``basket.views`` is imported (before any add can be made). Importing Oscar's
    receivers module connects them (AnalyticsConfig.ready imports it too, once), so the order
    of the apps' ``ready()`` does not matter."""
    from oscar.apps.analytics import receivers as analytics
    from oscar.apps.basket.signals import basket_addition

    basket_addition.disconnect(analytics.receive_basket_addition)
    basket_addition.connect(receive_basket_addition, dispatch_uid="okoce-basket-addition-count")


def _forget_on_new_cache(setting, **kwargs):
    """Counts belong to the cache (and the database) they were counted with: tests give each test a cache
    of its own, so one test's additions are not written into the next test's products."""
    if setting == "CACHES":
        counter.forget()


counter = BatchedCounter(HASH, _write, "Basket addition counts", flush_after_commit=True)
_pending = counter.pending

from django.test.signals import setting_changed  # noqa: E402

setting_changed.connect(_forget_on_new_cache, dispatch_uid="okoce-basket-additions-cache")
