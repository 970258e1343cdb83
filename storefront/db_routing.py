"""Reads of public read-only pages from a PostgreSQL read replica (DATABASE_REPLICA_URL).

``ReplicaRoutingMiddleware`` marks a request as replica-eligible when it is a GET or HEAD of a
public read-only page (catalogue, category, product, kecamatan, shop, search, founder stories:
``settings.DATABASE_REPLICA_PATHS``) and the visitor has not just written something.
``ReplicaRouter`` then sends that request's reads to the "replica" alias, and everything else to
the primary ("default"):

- every write, and every read after the request's first write (read-your-writes inside a request);
- every read inside a transaction (``atomic``) on the primary;
- who the visitor is and what is in their basket (sessions, users, baskets, login throttling):
  always the primary, so a fresh login or a line just added is never missing;
- any other request (basket, checkout, seller centre, back office, Wagtail admin, POSTs…);
- for ``DATABASE_REPLICA_PIN_SECONDS`` after a visitor's POST (a cookie), their pages too: a seller who
  just saved a product sees the change on its public page, even while the replica lags;
- when the replica does not answer, reads go to the primary and the replica is tried again after
  ``DATABASE_REPLICA_RETRY_SECONDS``.

Migrations run only on the primary (the replica is a copy of it).
"""

import contextvars
import logging
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "okoce_primary"
# Who the visitor is and what they are buying: never from a copy that may lag.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "basket", "axes"})
SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class _RequestState:
    replica: bool


_state = contextvars.ContextVar("okoce_db_routing", default=None)
_replica_down_until = 0.0


def replica_configured():
    return bool(getattr(settings, "DATABASE_REPLICA_READS", False)) and REPLICA in connections.settings


def _replica_answers():
    """Connect to the replica (once per request); after a failure leave it alone for a while."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    connection = connections[REPLICA]
    if connection.connection is not None:
        return True
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        _replica_down_until = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
        log.warning("Read replica unavailable, reading from the primary for %ss: %s",
                    settings.DATABASE_REPLICA_RETRY_SECONDS, exc)
        return False
    return True


def reset_replica_health():
    global _replica_down_until
    _replica_down_until = 0.0


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _state.get()
        if (
            state is None
            or not state.replica
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[PRIMARY].in_atomic_block
            or not replica_configured()
            or not _replica_answers()
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None:
            state.replica = False  # the rest of this request reads what it wrote
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == REPLICA:
            return False
        return None


def _eligible(request):
    if request.method not in SAFE_METHODS or request.COOKIES.get(PIN_COOKIE):
        return False
    return any(pattern.match(request.path_info) for pattern in _path_patterns())


_compiled = {}


def _path_patterns():
    key = tuple(settings.DATABASE_REPLICA_PATHS)
    if key not in _compiled:
        _compiled.clear()
        _compiled[key] = [re.compile(p) for p in key]
    return _compiled[key]


class ReplicaRoutingMiddleware:
    """Decides, per request, whether its reads may come from the replica (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        configured = replica_configured()
        state = _RequestState(replica=configured and _eligible(request))
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        # Still reading from the replica at the end (no write, no fall-back): the page cache keeps the page briefly.
        request.reads_replica = state.replica and replica_configured() and time.monotonic() >= _replica_down_until
        if configured and request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE, "1", max_age=settings.DATABASE_REPLICA_PIN_SECONDS, httponly=True,
                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
