"""Counts taken off the request and written to the database in batches (product views, basket additions).

- With Redis as the cache (``REDIS_URL``), a count is one ``HINCRBY`` on a hash shared by every worker, and
  a scheduled command (celery beat, every minute) writes them.
- With the local-memory cache (development, tests), a counter in the process, written when it holds
  ``VIEW_COUNT_BATCH`` counts or is ``VIEW_COUNT_SECONDS`` old, and when the process exits.

``flush()`` takes the counts out (from Redis atomically, with ``RENAME``), hands them to the counter's
``write`` and puts them back if that fails, so each is written once. ``add_to_row`` adds to an analytics
row, creating it in a savepoint if there is none (an order placed meanwhile may create it first, and on
PostgreSQL a failed INSERT would abort the whole write).
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

logger = logging.getLogger(__name__)


def _redis():
    """The raw Redis client when the default cache is django-redis, else None."""
    if not settings.CACHES["default"]["BACKEND"].startswith("django_redis"):
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def key(product_id, user_id=None):
    return f"{product_id}:{user_id or ''}"


def add_to_row(model, filter_kwargs, field, n):
    """Add ``n`` to ``field`` of the ``model`` row matching ``filter_kwargs``, creating the row if none."""
    rows = model.objects.filter(**filter_kwargs)
    if rows.update(**{field: F(field) + n}):
        return
    try:
        with transaction.atomic():
            model.objects.create(**filter_kwargs, **{field: n})
    except IntegrityError:
        rows.update(**{field: F(field) + n})


class BatchedCounter:
    """Counts of "product:user" keys, written by ``write(counts)`` in batches. ``label`` names what is counted
    in the logs; ``flush_after_commit``: a flush due in the process waits for the request's transaction (and
    a failing one is only logged), so it can never undo what the request wrote."""

    def __init__(self, hash_name, write, label, flush_after_commit=False):
        self.hash, self.write, self.label, self.flush_after_commit = hash_name, write, label, flush_after_commit
        self.lock = threading.Lock()
        self.pending = Counter()
        self.since = time.monotonic()
        atexit.register(self.flush_at_exit)

    def name(self):
        return settings.CACHES["default"].get("KEY_PREFIX", "") + self.hash

    def add(self, counted_key):
        """Count one. No database write (unless a batch in the process is due)."""
        client = _redis()
        if client is not None:
            try:
                client.hincrby(self.name(), counted_key, 1)
                return
            except Exception as exc:  # Redis down: count in this process instead, the request still answers
                logger.warning("%s not counted in Redis (%s); counted in the process", self.label, exc)
        with self.lock:
            self.pending[counted_key] += 1
            due = sum(self.pending.values()) >= settings.VIEW_COUNT_BATCH or (
                time.monotonic() - self.since >= settings.VIEW_COUNT_SECONDS)
        if due:
            if self.flush_after_commit:
                transaction.on_commit(self.flush_quietly, robust=True)
            else:
                self.flush()

    def take(self):
        """Remove and return the counts (a Counter)."""
        counts = Counter()
        with self.lock:
            counts.update(self.pending)
            self.pending.clear()
            self.since = time.monotonic()
        client = _redis()
        if client is not None:
            taken = f"{self.name()}:flushing:{uuid.uuid4().hex}"
            try:
                client.rename(self.name(), taken)
            except Exception as exc:  # the hash does not exist: nothing was counted
                if "no such key" not in str(exc).lower():
                    raise
            else:
                counts.update({k.decode(): int(v) for k, v in client.hgetall(taken).items()})
                client.delete(taken)
        return counts

    def give_back(self, counts):
        client = _redis()
        if client is not None:
            for counted_key, n in counts.items():
                client.hincrby(self.name(), counted_key, n)
            return
        with self.lock:
            self.pending.update(counts)

    def flush(self):
        """Write the counts; returns how many were written."""
        counts = self.take()
        if not counts:
            return 0
        try:
            self.write(counts)
        except Exception:
            logger.exception("%s could not be written; kept for the next flush", self.label)
            self.give_back(counts)
            raise
        return sum(counts.values())

    def flush_quietly(self):
        try:
            self.flush()
        except Exception:  # noqa: BLE001 - logged by flush, the counts kept for the next one
            pass

    def flush_at_exit(self):
        if any(self.pending.values()):
            self.flush_quietly()  # the database (or the log's stream) may be gone at exit

    def forget(self):
        with self.lock:
            self.pending.clear()
