"""Product search engines behind one interface.

``get_backend()`` returns the engine named by ``settings.SEARCH_BACKEND``.
Today only the database engine exists; the Elasticsearch engine (issue 5)
implements the same ``products()`` call.
"""

from .database import DatabaseBackend


def get_backend():
    return DatabaseBackend()
