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
