"""Product search engines behind one interface.

``get_backend()`` returns the engine named by ``settings.SEARCH_BACKEND``
(``database``, the embedded default, or ``elasticsearch`` with
``ELASTICSEARCH_URL``). Both answer ``search(SearchQuery) -> SearchResults``
and ``suggest(prefix)``; the Elasticsearch engine answers from the database
whenever the cluster is unreachable.
"""

from django.conf import settings

from .base import SearchQuery, SearchResults, Sort  # noqa: F401
from .database import DatabaseBackend


def get_backend():
    if settings.SEARCH_BACKEND == "elasticsearch":
        from .elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend()
    return DatabaseBackend()
