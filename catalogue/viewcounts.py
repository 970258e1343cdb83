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
the database write fails, so a view is counted once.
"""

import atexit
import logging
import threading
import time
import uuid
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.db.models import F
from oscar.core.loading import get_model

logger = logging.getLogger(__name__)

HASH = "okoce:product-views"
_lock = threading.Lock()
_pending = Counter()
_since = time.monotonic()


def _redis():
    """The raw Redis client when the default cache is django-redis, else None."""
    if not settings.CACHES["default"]["BACKEND"].startswith("django_redis"):
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _key(product_id, user_id=None):
    return f"{product_id}:{user_id or ''}"


def record(product, user=None):
    """Count one view of ``product`` (by ``user`` when signed in). No database write."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    client = _redis()
    if client is not None:
        try:
            client.hincrby(settings.CACHES["default"].get("KEY_PREFIX", "") + HASH, _key(product.pk, user_id), 1)
            return
        except Exception as exc:  # Redis down: count in this process instead, the page still answers
            logger.warning("Product view not counted in Redis (%s); counted in the process", exc)
    global _since
    with _lock:
        _pending[_key(product.pk, user_id)] += 1
        due = sum(_pending.values()) >= settings.VIEW_COUNT_BATCH or time.monotonic() - _since >= settings.VIEW_COUNT_SECONDS
    if due:
        flush()


def _take():
    """Remove and return the counted views as a Counter of "product:user" keys."""
    global _since
    counts = Counter()
    with _lock:
        counts.update(_pending)
        _pending.clear()
        _since = time.monotonic()
    client = _redis()
    if client is not None:
        name = settings.CACHES["default"].get("KEY_PREFIX", "") + HASH
        taken = f"{name}:flushing:{uuid.uuid4().hex}"
        try:
            client.rename(name, taken)
        except Exception as exc:  # the hash does not exist: nothing was viewed
            if "no such key" not in str(exc).lower():
                raise
        else:
            counts.update({k.decode(): int(v) for k, v in client.hgetall(taken).items()})
            client.delete(taken)
    return counts


def _give_back(counts):
    client = _redis()
    if client is not None:
        name = settings.CACHES["default"].get("KEY_PREFIX", "") + HASH
        for key, n in counts.items():
            client.hincrby(name, key, n)
        return
    with _lock:
        _pending.update(counts)


def flush():
    """Write the counted views to Oscar's analytics tables; returns how many views were written."""
    counts = _take()
    if not counts:
        return 0
    try:
        _write(counts)
    except Exception:
        logger.exception("Product view counts could not be written; kept for the next flush")
        _give_back(counts)
        raise
    return sum(counts.values())


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
            if not ProductRecord.objects.filter(product_id=product_id).update(num_views=F("num_views") + n):
                ProductRecord.objects.create(product_id=product_id, num_views=n)
        for user_id, n in per_user.items():
            if not UserRecord.objects.filter(user_id=user_id).update(num_product_views=F("num_product_views") + n):
                UserRecord.objects.create(user_id=user_id, num_product_views=n)
        UserProductView.objects.bulk_create(
            [UserProductView(product_id=p, user_id=u) for p, u in user_views if p in existing]
        )


def receive_product_view(sender, product, user, **kwargs):
    """Replaces ``oscar.apps.analytics.receivers.receive_product_view`` (see CatalogueConfig.ready)."""
    if kwargs.get("raw", False):
        return
    record(product, user)


def _flush_at_exit():
    if not any(_pending.values()):
        return
    try:
        flush()
    except Exception:  # noqa: BLE001 - the database (or the log's stream) may be gone at exit; nothing more to do
        pass


atexit.register(_flush_at_exit)
