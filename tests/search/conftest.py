"""Fixtures for search tests: the demo catalogue once per module, and the real Elasticsearch node.

``demo_catalogue`` loads the demo's member businesses and 450 products (the
same seeded data `make run` shows) inside a transaction that is rolled back
when the module ends, so other tests never see it.

``elasticsearch`` points search at the node `scripts/services.sh up` started
(SEARCH_BACKEND=elasticsearch, ELASTICSEARCH_URL), under an index prefix of
the test's own; without a node the test skips, or fails under STRICT_SERVICES=1.
"""

import uuid

import pytest
from django.db import connection, transaction
from django.test import override_settings

from tests.conftest import ELASTICSEARCH_URL, require


@pytest.fixture(scope="module")
def demo_catalogue(django_db_setup, django_db_blocker, tmp_path_factory):
    from storefront.demo.loader import DemoLoader

    from search import indexing

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            loader = DemoLoader(products=450, businesses=46, progress=False)
            with indexing.paused():
                loader.catalogue_structure()
                loader.businesses = loader.load_businesses()
                loader.load_products()
            indexing.rebuild_texts()
            if connection.vendor == "postgresql":
                # A production database has statistics; without them the planner guesses from empty tables.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            yield loader
            transaction.set_rollback(True)


def es_settings(prefix):
    return {
        "SEARCH_BACKEND": "elasticsearch",
        "ELASTICSEARCH_URL": ELASTICSEARCH_URL,
        "ELASTICSEARCH_INDEX_PREFIX": prefix,
        "ELASTICSEARCH_RETRY_SECONDS": 0,
        "ELASTICSEARCH_TIMEOUT": 5,
    }


def drop_indices(prefix):
    from elasticsearch import Elasticsearch

    es = Elasticsearch(ELASTICSEARCH_URL, request_timeout=30)
    for name in es.indices.get(index=f"{prefix}*", ignore_unavailable=True, allow_no_indices=True):
        es.indices.delete(index=name, ignore_unavailable=True)


@pytest.fixture
def elasticsearch(settings):
    """The real node, under an index prefix of this test's own (removed afterwards)."""
    require(ELASTICSEARCH_URL, "Elasticsearch not running (scripts/services.sh up exports SEARCH_BACKEND and ELASTICSEARCH_URL)")
    prefix = f"test-{uuid.uuid4().hex[:8]}-"
    for key, value in es_settings(prefix).items():
        setattr(settings, key, value)
    yield prefix
    drop_indices(prefix)
