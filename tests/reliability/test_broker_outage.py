"""With the Celery broker (Redis) stopped the shop still takes orders; the tasks run once it is back.

A real ``redis-server`` on a port of this test's own (so the test can stop it) and a real
Celery worker (``celery -A storefront worker``) on the test database. The shopper checks
out with "Bayar di Mart" while Redis is down: the order is placed and its confirmation
email waits in the outbox (a ``Job`` row written in the order's transaction). Redis comes
back, the outbox is sent (what celery beat's ``dispatch-outbox`` does every minute) and
the worker sends the email once.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from oscar.core.loading import get_model

from jobs.models import Job
from jobs.outbox import dispatch_waiting
from places.models import Mart
from storefront.celery import app as celery_app
from tests.conftest import require
from tests.factories import PartnerFactory, ProductFactory, kecamatan
from tests.integration.test_checkout import delivery, fill_basket
from tests.reliability.test_soak import free_port

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]
Order = get_model("order", "Order")


def start_redis(port, workdir):
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: _redis_ping(port), "redis-server to start")
    return process


def _redis_ping(port):
    import redis

    try:
        return redis.Redis(port=port, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(condition, what, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"gave up waiting for {what}")


def use_broker(url, eager):
    """Point this process's Celery app at ``url``. Its connection and producer pools are made on first
    use for the broker of that moment and kept, so they are dropped too (an earlier test in the same
    process may have made them for the default broker: every send was then "connection refused")."""
    celery_app.conf.update(CELERY_BROKER_URL=url, CELERY_TASK_ALWAYS_EAGER=eager)
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def database_url():
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


@pytest.fixture
def broker(tmp_path, settings):
    """Redis on its own port, a Celery worker on the test database, and this process sending to it."""
    require(shutil.which("redis-server"), "redis-server is not installed (apt-get install redis-server; scripts/services.sh up does)")
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis_process = start_redis(port, tmp_path)
    mail_dir = tmp_path / "mail"
    env = dict(os.environ, DATABASE_URL=database_url(), CELERY_BROKER_URL=url, JOB_RETRY_SECONDS="1", LOG_LEVEL="INFO",
               EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mail_dir),
               SEARCH_BACKEND="database", MEDIA_ROOT=str(tmp_path / "media"))
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "storefront", "worker", "--pool", "solo", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    state = {"redis": redis_process, "port": port, "tmp": tmp_path}
    before = celery_app.conf.broker_url
    try:
        wait_for(lambda: "ready." in (tmp_path / "worker.log").read_text(), "the Celery worker to start")
        use_broker(url, eager=False)
        assert celery_app.connection_for_write().as_uri().endswith(f":{port}/0")
        yield state, mail_dir
    finally:
        use_broker(before, eager=True)
        stop(worker)
        log.close()
        if state["redis"].poll() is None:
            stop(state["redis"])


def test_orders_are_taken_with_the_broker_down_and_their_emails_go_once_it_is_back(broker):
    state, mail_dir = broker
    seller = PartnerFactory(name="Kerupuk Cilincing", kecamatan=kecamatan("cilincing"))
    snack = ProductFactory(title="Kerupuk Udang", stock__partner=seller, stock__price=Decimal("30000"), stock__num_in_stock=10)
    mart = Mart.objects.create(name="OK OCE Mart Tebet", slug="tebet", kecamatan=kecamatan("tebet"), address="Jl. Tebet Raya 5",
                               lat=Decimal("-6.23"), lon=Decimal("106.85"))

    stop(state["redis"])  # the broker goes away

    client = Client()
    fill_basket(client, (snack, 2))
    response = client.post("/checkout/", delivery("mart", delivery="ambil", mart=mart.pk, line1="", kecamatan=""))
    assert response.status_code == 302, response.context and response.context["form"].errors
    order = Order.objects.get()
    assert f"#{order.number}" in client.get(f"/checkout/terima-kasih/{order.number}/").content.decode()
    email_task = Job.objects.get(key=f"order-email-{order.pk}")
    assert email_task.state == Job.State.QUEUED  # kept, not lost
    assert not mail_dir.exists() or not any(mail_dir.iterdir())

    state["redis"] = start_redis(state["port"], state["tmp"])  # the broker is back
    # celery beat's "dispatch-outbox" every minute; here at once.
    wait_for(lambda: dispatch_waiting() >= 0 and Job.objects.get(pk=email_task.pk).state == Job.State.DONE,
             "the worker to send the waiting email")
    sent = [p.read_text() for p in mail_dir.iterdir()]
    assert len(sent) == 1 and order.number in sent[0] and "dewi@pembeli.test" in sent[0]

    # Sending the outbox again does not send the email twice.
    assert dispatch_waiting() == 0
    assert len(list(mail_dir.iterdir())) == 1
