"""A 3-node Elasticsearch cluster loses a node, the elected master, during queries and indexing.

Runs against the cluster ``scripts/es-cluster.sh up`` starts (three master-eligible nodes on
127.0.0.1:19320-19322, one replica per shard), named by ELASTICSEARCH_CLUSTER_URL; the test stops
and restarts a node through that script (SIGKILL: a machine that dies). Without the variable the
test skips (fails under STRICT_SERVICES=1): the single node of scripts/services.sh cannot lose a
node. .ci/run starts the cluster before `make test` and exports the variable.

Expected: every search answers from Elasticsearch (the client retries on the other nodes), no
seller's change is lost (what the cluster could not take during the master election waits in
IndexQueue and is sent by ``search_index --update``), and the cluster is green once the node is back.
"""

import os
import subprocess
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import close_old_connections

from search.backends import SearchQuery, get_backend
from search.backends.elasticsearch import get_index
from search.models import IndexQueue
from tests.conftest import require
from tests.factories import PartnerFactory, ProductFactory, kecamatan

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]
CLUSTER_URL = os.environ.get("ELASTICSEARCH_CLUSTER_URL", "")


def cluster(*args):
    return subprocess.run([str(ROOT / "scripts" / "es-cluster.sh"), *args], check=True, capture_output=True, text=True,
                          timeout=600).stdout.strip()


@pytest.fixture
def three_nodes(settings):
    require(CLUSTER_URL, "no 3-node cluster (ELASTICSEARCH_CLUSTER_URL; `scripts/es-cluster.sh up` starts one, .ci/run does)")
    from elasticsearch import Elasticsearch

    es = Elasticsearch(CLUSTER_URL.split(","), request_timeout=30)
    assert len(es.cat.nodes(format="json")) == 3, "ELASTICSEARCH_CLUSTER_URL must name a cluster of three nodes"
    prefix = f"test-{uuid.uuid4().hex[:8]}-"
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = CLUSTER_URL
    settings.ELASTICSEARCH_INDEX_PREFIX = prefix
    settings.ELASTICSEARCH_REPLICAS = 1
    settings.ELASTICSEARCH_RETRY_SECONDS = 0
    settings.ELASTICSEARCH_TIMEOUT = 5
    yield es
    for n in ("1", "2", "3"):
        cluster("start-node", n)
    cluster("wait-green")
    for name in es.indices.get(index=f"{prefix}*", ignore_unavailable=True, allow_no_indices=True):
        es.indices.delete(index=name, ignore_unavailable=True)


def test_losing_the_elected_master_keeps_search_answering_and_loses_no_update(three_nodes):
    es = three_nodes
    maker = PartnerFactory(name="Anyaman Purun Cilincing", kecamatan=kecamatan("cilincing"))
    products = [ProductFactory(title=f"Tas Anyaman Purun {i}", stock__partner=maker, stock__price=Decimal("85000"))
                for i in range(20)]
    call_command("search_index", "--rebuild", "--no-progress")
    es.cluster.health(wait_for_status="green", timeout="120s")
    master = cluster("master")
    assert master in {"1", "2", "3"}

    stop = threading.Event()
    answers, errors, renamed = [], [], {}

    def shopper():
        while not stop.is_set():
            try:
                results = get_backend().search(SearchQuery(text="anyaman", limit=50))
                answers.append((time.monotonic(), results.total, results.fallback))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            time.sleep(0.05)
        close_old_connections()

    def seller():
        from catalogue.models import Product

        for i, product in enumerate(products):
            p = Product.objects.get(pk=product.pk)
            p.title = f"Tas Anyaman Baru {i}"
            p.save()  # queued in the transaction, sent after the commit (or left queued)
            renamed[p.pk] = p.title
            time.sleep(0.3)
        close_old_connections()

    threads = [threading.Thread(target=shopper), threading.Thread(target=seller)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.5)  # a few searches and saves with three nodes
        killed_at = time.monotonic()
        cluster("stop-node", master)
        threads[1].join(timeout=120)
        time.sleep(1)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)

    assert not errors
    after = [a for a in answers if a[0] > killed_at]
    assert after, "no search ran after the node was stopped"
    assert all(total == 20 and not fallback for _t, total, fallback in answers), \
        [a for a in answers if a[1] != 20 or a[2]][:5]
    assert len(renamed) == 20
    assert len(es.cat.nodes(format="json")) == 2

    cluster("start-node", master)
    cluster("wait-green")
    call_command("search_index", "--update")  # what celery beat sends every minute
    assert not IndexQueue.objects.exists()
    index = get_index()
    index.refresh()
    for pk, title in renamed.items():
        assert index.es.get(index=index.alias, id=pk)["_source"]["title"] == title
    assert get_backend().search(SearchQuery(text="baru", limit=50)).total == 20
    assert es.cluster.health()["status"] == "green" and len(es.cat.nodes(format="json")) == 3
