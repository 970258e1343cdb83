"""Sessions with REDIS_URL set (SESSION_ENGINE cached_db): a signed-in shopper's session lives in Redis,
another app process reads it from there, and clearing the cache signs nobody out.

Uses the real Redis at REDIS_URL (``redis_cache`` fixture; skips without it unless STRICT_SERVICES=1).
"""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db

READ_SESSION = """
import django
django.setup()
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db", settings.SESSION_ENGINE
print("user", SessionStore(session_key=%r).get("_auth_user_id"))
"""


def session_keys_in_redis(prefix, session_key):
    from django_redis import get_redis_connection

    return list(get_redis_connection("default").scan_iter(match=f"{prefix}:*{session_key}"))


def test_a_signed_in_shoppers_session_is_in_redis_another_process_reads_it_and_a_cache_clear_keeps_it(
        client, settings, redis_cache, tmp_path):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # what REDIS_URL sets
    prefix = redis_cache["KEY_PREFIX"]
    shopper = make_user("sari@pembeli.test")
    client.force_login(shopper)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert session_keys_in_redis(prefix, session_key)

    # A second app process (another gunicorn worker or machine) with the same settings and the same
    # Redis, but a database without any sessions table: the session can only come from Redis.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "storefront.settings", "REDIS_URL": redis_cache["LOCATION"],
           "CACHE_KEY_PREFIX": prefix, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
           "VAR_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", READ_SESSION % session_key], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == f"user {shopper.pk}"

    # Redis emptied (a restart, a flush of the cache): the shopper is still signed in, from the
    # database copy, and the session is cached in Redis again.
    from django_redis import get_redis_connection

    for key in session_keys_in_redis(prefix, session_key):
        get_redis_connection("default").delete(key)
    response = client.get(reverse("customer:profile-view"))
    assert response.status_code == 200 and "sari@pembeli.test" in response.content.decode()
    assert session_keys_in_redis(prefix, session_key)
