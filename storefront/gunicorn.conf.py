"""gunicorn settings for OK OCE Mart, all from the environment.

    gunicorn storefront.wsgi -c storefront/gunicorn.conf.py      (what `make serve` runs)

WEB_CONCURRENCY        worker processes (default: 2 × CPUs + 1, at most 8)
GUNICORN_THREADS       threads per worker (default 1: the sync worker; above 1, the gthread worker)
GUNICORN_TIMEOUT       seconds a worker may spend on one request before it is restarted (default 30)
GUNICORN_BIND          address to listen on (default 127.0.0.1:8000: put a reverse proxy in front)
GUNICORN_MAX_REQUESTS  restart a worker after this many requests, ±10 % jitter (default 0: never)
GUNICORN_ACCESS_LOG    "-" for stdout or a file path (default: off; the reverse proxy keeps the access log)
LOG_LEVEL              gunicorn's error log level (default info)
"""

import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "").strip() or "127.0.0.1:8000"
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = timeout
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Behind the proxy on this host: trust its X-Forwarded-* headers (SECURE_PROXY_SSL_HEADER reads X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
