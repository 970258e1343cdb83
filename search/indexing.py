"""Keeping both engines' copies of the catalogue current.

A change to a product, a variant, a stock record, a member business, a
moderation decision or a certificate calls ``product_changed(ids)``:

* the database engine's search text (``ProductText``) is rewritten at once,
  in the same transaction, so the database engine never lags;
* ``Product.for_sale`` is recomputed (``search.forsale``) and the products'
  cached fragments are dropped (``catalogue.versions.bump``);
* when Elasticsearch is the engine, an ``IndexQueue`` row per product is
  written in the same transaction (durable: it survives an unreachable
  cluster and a crash), and after the commit ``flush()`` sends the queued
  documents. Whatever could not be sent stays queued for the next flush
  (``manage.py search_index --update``, or any later save).
"""

import contextlib
import logging
import threading

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from oscar.core.loading import get_model

from catalogue import versions
from search import forsale
from search import text as textmod
from search.models import IndexQueue, ProductText, SearchTerm
from search.records import build_records, now_version

logger = logging.getLogger(__name__)

Product = get_model("catalogue", "Product")

FLUSH_BATCH = 500

_paused = threading.local()


def is_paused():
    return getattr(_paused, "value", False)


@contextlib.contextmanager
def paused():
    """Skip per-save indexing (bulk loads rebuild once at the end)."""
    before = is_paused()
    _paused.value = True
    try:
        yield
    finally:
        _paused.value = before


def elasticsearch_enabled():
    return settings.SEARCH_BACKEND == "elasticsearch"


def root_ids(ids):
    """Browsable product ids for ``ids`` (a variant counts as its parent)."""
    ids = {i for i in ids if i}
    if not ids:
        return set()
    rows = Product.objects.filter(pk__in=ids).values_list("pk", "parent_id")
    found = {parent or pk for pk, parent in rows}
    return found | (ids - {pk for pk, _p in rows})  # deleted products: still remove them


def write_texts(records, removed_ids=(), version=None):
    """Upsert the database engine's search text for ``records``; drop ``removed_ids``.

    A row is replaced only by a copy read at the same time or later, so a rebuild that
    read a product before a seller's change cannot overwrite the text the change wrote
    (and two writers of one product never collide on its key).
    """
    version = version or now_version()
    if removed_ids:
        ProductText.objects.filter(product_id__in=list(removed_ids), version__lte=version).delete()
    if not records:
        return
    table = connection.ops.quote_name(ProductText._meta.db_table)
    sql = (
        f"INSERT INTO {table} (product_id, title, text, version) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT (product_id) DO UPDATE SET title = excluded.title, text = excluded.text, "
        f"version = excluded.version WHERE {table}.version <= excluded.version"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(r.id, r.search_title, r.search_text, version) for r in records])
    vocabulary = set()
    for r in records:
        vocabulary.update(w for w in r.search_text.split() if 3 <= len(w) <= 64)
    SearchTerm.objects.bulk_create([SearchTerm(word=w) for w in vocabulary], ignore_conflicts=True, batch_size=1000)


def product_changed(ids):
    """Bring the search copies of products ``ids`` (variants or parents) up to date."""
    ids = root_ids(ids)
    if not ids:
        return
    forsale.refresh(ids)
    versions.bump(ids)
    version = now_version()
    records = build_records(ids)
    write_texts(records, removed_ids=ids - {r.id for r in records}, version=version)
    if elasticsearch_enabled():
        IndexQueue.objects.bulk_create([IndexQueue(product_id=i) for i in ids])
        transaction.on_commit(schedule_flush, robust=True)


def partner_changed(partner):
    from search.backends.database import has_stock

    StockRecord = get_model("partner", "StockRecord")
    stock = StockRecord.objects.filter(partner=partner)
    ids = Product.objects.filter(has_stock(stock) | Q(stockrecords__partner=partner)).values_list("pk", flat=True)
    product_changed(set(ids))


def schedule_flush():
    """After a commit: a worker sends the queue (at once, in this process, when tasks run eagerly).

    The queue is durable in the database: with the broker away the periodic ``search_index --update``
    (celery beat, every minute) sends it."""
    from jobs.outbox import send_task
    from search.tasks import flush_index

    send_task(flush_index)


def flush_soon():
    """After a commit: send what is queued, unless the cluster is known to be down (then it waits)."""
    from search.backends.elasticsearch import cluster_marked_down

    if not cluster_marked_down():
        flush()


def flush(limit=None):
    """Send queued changes to Elasticsearch. Returns (sent, left); never raises."""
    from search.backends.elasticsearch import ElasticsearchUnavailable, get_index, mark_cluster_down

    sent = 0
    while True:
        rows = list(IndexQueue.objects.order_by("id")[:FLUSH_BATCH])
        if not rows:
            return sent, 0
        product_ids = {r.product_id for r in rows}
        try:
            version = now_version()
            # Visible to searches at once (refresh), then the site version moves on: listing pieces and
            # whole pages cached from the index's older answers since the save are stale from here
            # (search.views.listing.Pieces, storefront/pagecache.py).
            get_index().write(build_records(product_ids), product_ids, version=version, refresh=True)
            versions.bump_site()
        except ElasticsearchUnavailable as exc:
            mark_cluster_down(exc)
            IndexQueue.objects.filter(pk__in=[r.pk for r in rows]).update(last_error=str(exc)[:500])
            logger.warning("Elasticsearch unreachable; %s changes stay queued: %s", IndexQueue.objects.count(), exc)
            return sent, IndexQueue.objects.count()
        # Only the rows that were sent: a change queued meanwhile stays for the next flush.
        IndexQueue.objects.filter(pk__in=[r.pk for r in rows]).delete()
        sent += len(product_ids)
        if limit and sent >= limit:
            return sent, IndexQueue.objects.count()


def rebuild_texts(progress=None, batch=1000):
    """Rewrite every product's database search text (after a bulk load), and every ``for_sale`` flag."""
    forsale.refresh()
    ids = list(Product.objects.browsable().order_by("pk").values_list("pk", flat=True))
    ProductText.objects.exclude(product_id__in=Product.objects.browsable().values("pk")).delete()
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with transaction.atomic():
            version = now_version()
            records = build_records(chunk)
            write_texts(records, removed_ids=set(chunk) - {r.id for r in records}, version=version)
        if progress:
            progress(len(chunk))
    return len(ids)


def normalise_query(query):
    return textmod.query_tokens(query)


def batches(size=1000):
    """(version, records) for every browsable product, a batch at a time, for a rebuild."""
    ids = list(Product.objects.browsable().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        version = now_version()
        yield version, build_records(ids[start : start + size])


def stock_changed(stockrecord_ids):
    """Holds, releases and shipments change "in stock" without a save signal: ``Product.in_stock`` is
    recomputed after the commit (``search.forsale``), Elasticsearch told, and the products' cached
    fragments (``catalogue.versions``) dropped.
    """
    if is_paused():
        return
    StockRecord = get_model("partner", "StockRecord")
    ids = root_ids(set(StockRecord.objects.filter(pk__in=list(stockrecord_ids)).values_list("product_id", flat=True)))
    # A hold or a shipment can sell a product out: its cached cards are stale, and its "in stock" is
    # recomputed once the hold commits, in a statement of its own: inside the hold's transaction two
    # checkouts of the same products in another order would lock the product rows crosswise (deadlock).
    versions.bump(ids)
    if ids:
        transaction.on_commit(lambda: forsale.refresh_in_stock(ids), robust=True)
    if ids and elasticsearch_enabled():
        IndexQueue.objects.bulk_create([IndexQueue(product_id=i) for i in ids])
        transaction.on_commit(schedule_flush, robust=True)
