"""Shared fixtures.

STRICT_SERVICES=1 (set by .ci/run) turns "service not available" skips into
failures, so CI cannot pass by skipping the tests that need a real service.
"""

import os

import pytest

STRICT = os.environ.get("STRICT_SERVICES") == "1"


def require(condition, reason):
    """Skip the calling test when ``condition`` is false, or fail in strict mode."""
    if condition:
        return
    if STRICT:
        pytest.fail(f"{reason} (STRICT_SERVICES=1: required in CI)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded and generated files go to a per-test folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test gets its own empty local-memory cache: cached facet counts and product cards
    must not leak from one test's catalogue into another's, and a REDIS_URL in the environment
    (CI exports one) must not make tests share, or clear, a Redis other processes use.
    Tests of the Redis cache itself use the ``redis_cache`` fixture."""
    import uuid

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }
    from django.core.cache import cache

    from catalogue import viewcounts

    cache.clear()
    viewcounts._pending.clear()  # product views counted in this process: one test's, not the next's
    yield
    cache.clear()
    viewcounts._pending.clear()


REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
def redis_cache(settings):
    """The default cache on the Redis at REDIS_URL (skips without one unless STRICT_SERVICES=1),
    under a key prefix of this test's own; its keys are deleted afterwards (never FLUSHDB: other
    processes share the server)."""
    import uuid

    require(bool(REDIS_URL), "REDIS_URL is not set: no Redis to test the shared cache with")
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 2},
        }
    }
    from django_redis import get_redis_connection

    client = get_redis_connection("default")
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no Redis here"
        require(False, f"Redis at {REDIS_URL} is not reachable: {exc}")
    yield settings.CACHES["default"]
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Test users are many; hashing their passwords with PBKDF2 would cost seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "") if os.environ.get("SEARCH_BACKEND") == "elasticsearch" else ""


@pytest.fixture(autouse=True)
def _database_search_unless_asked(request, settings):
    """Tests run on the database search engine; tests using the ``elasticsearch``
    fixture (tests/search/) switch to the real node that services.sh started."""
    if "elasticsearch" not in request.fixturenames:
        settings.SEARCH_BACKEND = "database"


@pytest.fixture(autouse=True)
def _primary_database_unless_asked(request, settings):
    """With DATABASE_REPLICA_URL set, "replica" is a test mirror of "default": a second connection that
    cannot see a test's uncommitted rows. Tests read from the primary; tests using the
    ``streaming_replica`` fixture (tests/integration/test_read_replica.py) read from a real standby."""
    if "streaming_replica" not in request.fixturenames:
        settings.DATABASE_REPLICA_READS = False


@pytest.fixture(scope="session", autouse=True)
def _keep_migration_data_for_reuse(django_db_setup, django_db_blocker):
    """Leave the test database as migrations made it, so ``pytest --reuse-db`` works.

    Transactional tests flush every table, including the rows data migrations
    load (the 44 kecamatan, Wagtail's root pages, the synonym list). Within a run,
    ``serialized_rollback`` puts them back; at the end of the run this puts them
    back once more, so the next ``--reuse-db`` run starts from a complete database.
    """
    yield
    from django.db import connection

    from places.models import Kecamatan

    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents and not Kecamatan.objects.exists():
            connection.creation.deserialize_db_from_string(contents)
