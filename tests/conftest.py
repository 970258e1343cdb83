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
def _fresh_cache():
    """Cached facet counts must not leak from one test's catalogue into another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
