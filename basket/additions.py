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
(``RENAME``) and put back if the database write fails, so an addition is counted once.
Oscar's ``basket_addition`` signal is still sent for every add: only Oscar's own analytics
receiver is replaced (``connect``).
"""

import atexit
import logging
import threading
import time
import uuid
from collections import Counter

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from oscar.core.loading import get_model

logger = logging.getLogger(__name__)

HASH = "okoce:basket-additions"
_lock = threading.Lock()
_pending = Counter()
_since = time.monotonic()


def _redis():
    """The raw Redis client when the default cache is django-redis, else None."""
    if not settings.CACHES["default"]["BACKEND"].startswith("django_redis"):
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _name():
    return settings.CACHES["default"].get("KEY_PREFIX", "") + HASH


def _key(product_id, user_id=None):
    return f"{product_id}:{user_id or ''}"


def record(product, user=None):
    """Count one addition of ``product`` to a basket (by ``user`` when signed in). No database write."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    client = _redis()
    if client is not None:
        try:
            client.hincrby(_name(), _key(product.pk, user_id), 1)
            return
        except Exception as exc:  # Redis down: count in this process instead, the add still answers
            logger.warning("Basket addition not counted in Redis (%s); counted in the process", exc)
    with _lock:
        _pending[_key(product.pk, user_id)] += 1
        due = sum(_pending.values()) >= settings.VIEW_COUNT_BATCH or time.monotonic() - _since >= settings.VIEW_COUNT_SECONDS
    if due:
        # After the add's own transaction: a failing flush must not undo the shopper's basket.
        transaction.on_commit(_flush_quietly, robust=True)


def _take():
    """Remove and return the counted additions as a Counter of "product:user" keys."""
    global _since
    counts = Counter()
    with _lock:
        counts.update(_pending)
        _pending.clear()
        _since = time.monotonic()
    client = _redis()
    if client is not None:
        taken = f"{_name()}:flushing:{uuid.uuid4().hex}"
        try:
            client.rename(_name(), taken)
        except Exception as exc:  # the hash does not exist: nothing was added
            if "no such key" not in str(exc).lower():
                raise
        else:
            counts.update({k.decode(): int(v) for k, v in client.hgetall(taken).items()})
            client.delete(taken)
    return counts


def _give_back(counts):
    client = _redis()
    if client is not None:
        for key, n in counts.items():
            client.hincrby(_name(), key, n)
        return
    with _lock:
        _pending.update(counts)


def flush():
    """Write the counted additions to Oscar's analytics tables; returns how many were written."""
    counts = _take()
    if not counts:
        return 0
    try:
        _write(counts)
    except Exception:
        logger.exception("Basket addition counts could not be written; kept for the next flush")
        _give_back(counts)
        raise
    return sum(counts.values())


def _flush_quietly():
    try:
        flush()
    except Exception:  # noqa: BLE001 - logged by flush, counts kept for the next one
        pass


def _add(model, filter_kwargs, n):
    """Add ``n`` to the row's ``num_basket_additions``, creating the row if there is none. The INSERT runs in
    a savepoint: an order placed meanwhile may create the row first (order.analytics), and on PostgreSQL a
    failed INSERT would abort the whole flush."""
    rows = model.objects.filter(**filter_kwargs)
    if rows.update(num_basket_additions=F("num_basket_additions") + n):
        return
    try:
        with transaction.atomic():
            model.objects.create(**filter_kwargs, num_basket_additions=n)
    except IntegrityError:
        rows.update(num_basket_additions=F("num_basket_additions") + n)


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
            _add(ProductRecord, {"product_id": product_id}, n)
        User = UserRecord._meta.get_field("user").related_model
        users = set(User.objects.filter(pk__in=per_user).values_list("pk", flat=True))
        for user_id, n in per_user.items():
            if user_id not in users:
                continue
            _add(UserRecord, {"user_id": user_id}, n)


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
        with _lock:
            _pending.clear()


def _flush_at_exit():
    if not any(_pending.values()):
        return
    try:
        flush()
    except Exception:  # noqa: BLE001 - the database may be gone at exit; nothing more to do
        pass


atexit.register(_flush_at_exit)

from django.test.signals import setting_changed  # noqa: E402

setting_changed.connect(_forget_on_new_cache, dispatch_uid="okoce-basket-additions-cache")
