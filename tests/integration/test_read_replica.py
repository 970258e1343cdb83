"""The read replica (DATABASE_REPLICA_URL, storefront/db_routing.py) against a real PostgreSQL standby.

``streaming_replica`` copies the test database's whole cluster with ``pg_basebackup -R`` into a
temporary folder and starts it as a hot standby on a port of its own with Debian's PostgreSQL binaries
(as the ``postgres`` user when run as root, like scripts/services.sh); the "replica" alias then points
at it. Replay on the standby is paused with ``pg_wal_replay_pause()`` so a fresh change on the primary is
provably not there yet: what a page shows says which server it read from.
Skipped without PostgreSQL unless STRICT_SERVICES=1.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from copy import deepcopy
from decimal import Decimal

import pytest
from django.db import connections
from django.test import Client

from storefront import db_routing
from tests.conftest import require
from tests.factories import PartnerFactory, ProductFactory, make_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])


def _pg_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if found:
        return found[-1]
    pg_ctl = shutil.which("pg_ctl")
    return os.path.dirname(pg_ctl) if pg_ctl else None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def streaming_replica(django_db_setup, django_db_blocker):
    primary = connections["default"].settings_dict
    require(primary["ENGINE"] == "django.db.backends.postgresql",
            "the read replica test needs PostgreSQL (DATABASE_URL=postgres://…)")
    bin_dir = _pg_bin()
    require(bool(bin_dir) and os.path.exists(f"{bin_dir}/pg_basebackup"), "PostgreSQL's server binaries are not installed")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    port = _free_port()
    data = tempfile.mkdtemp(prefix="okoce-replica-", dir="/var/tmp")
    if as_postgres:
        shutil.chown(data, "postgres", "postgres")
    run = lambda *args, **kw: subprocess.run([*as_postgres, *args], capture_output=True, text=True, **kw)  # noqa: E731
    # The whole cluster of the test database (it holds test_<name>), streaming from the primary (-R).
    backup = run(f"{bin_dir}/pg_basebackup", "-h", primary["HOST"] or "127.0.0.1", "-p", str(primary["PORT"] or 5432),
                 "-U", primary["USER"] or "postgres", "-D", data, "-R", "-X", "stream", "-c", "fast", timeout=600)
    if backup.returncode:
        shutil.rmtree(data, ignore_errors=True)
        require(False, f"pg_basebackup failed: {backup.stderr.strip()}")
    started = run(f"{bin_dir}/pg_ctl", "-D", data, "-l", f"{data}/server.log", "-w", "-t", "120", "-o",
                  f"-p {port} -h 127.0.0.1 -k /tmp -c hot_standby=on -c fsync=off", "start", timeout=180)
    assert started.returncode == 0, started.stderr + open(f"{data}/server.log").read()[-2000:]

    replica = deepcopy(primary)
    replica.update(HOST="127.0.0.1", PORT=str(port), TEST={**primary.get("TEST", {}), "MIRROR": "default"})
    existing = connections.settings.get("replica")
    if existing is not None:
        connections["replica"].close()
    connections.settings["replica"] = replica
    connections["replica"].settings_dict = replica
    try:
        with django_db_blocker.unblock():
            assert _replica_query("SELECT pg_is_in_recovery()") is True
        yield {"port": port, "data": data}
    finally:
        connections["replica"].close()
        if existing is not None:
            connections.settings["replica"] = existing
            connections["replica"].settings_dict = existing
        else:
            del connections.settings["replica"]
            del connections["replica"]
        run(f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop", timeout=120)
        shutil.rmtree(data, ignore_errors=True)


def _replica_query(sql):
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _caught_up():
    """Wait until the standby has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _replica_query(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return
        time.sleep(0.05)
    raise AssertionError("the standby did not catch up in 30 s")


@pytest.fixture
def replica_reads(settings, streaming_replica):
    settings.DATABASE_REPLICA_READS = True
    db_routing.reset_replica_health()
    yield streaming_replica
    _replica_query("SELECT pg_wal_replay_resume()::text")
    connections["replica"].close()


@pytest.fixture
def shop(replica_reads):
    seller = make_user("sari@usaha.test")
    partner = PartnerFactory(name="Anyaman Sari")
    partner.users.add(seller)
    bag = ProductFactory(title="Tas Purun Sari", stock__partner=partner, stock__price=Decimal("125000"))
    _caught_up()
    return {"seller": seller, "partner": partner, "bag": bag, "record": bag.stockrecords.get()}


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode().replace("\xa0", " ")  # prices are written "Rp&nbsp;125.000"


def test_public_pages_read_from_the_replica_and_the_sellers_pages_from_the_primary(shop):
    bag = shop["bag"]
    _replica_query("SELECT pg_wal_replay_pause()::text")
    # A change on the primary that the paused standby has not replayed.
    type(bag).objects.filter(pk=bag.pk).update(title="Tas Purun Sari Edisi Lebaran")
    assert _replica_query(f"SELECT title FROM catalogue_product WHERE id = {bag.pk}") == "Tas Purun Sari"

    shopper = Client()
    for url in (bag.get_absolute_url(), "/catalogue/", "/search/?q=purun", "/kecamatan/mampang-prapatan/"):
        page = _page(shopper, url)
        assert "Tas Purun Sari" in page and "Edisi Lebaran" not in page, f"{url} did not read from the replica"

    # The seller's own pages read from the primary: they see their change at once.
    seller = Client()
    seller.force_login(shop["seller"])
    assert "Edisi Lebaran" in _page(seller, f"/penjual/produk/{bag.pk}/")
    assert "Edisi Lebaran" in _page(seller, "/penjual/produk/")

    # Replay resumes: the shopper sees the change too.
    _replica_query("SELECT pg_wal_replay_resume()::text")
    _caught_up()
    assert "Edisi Lebaran" in _page(shopper, bag.get_absolute_url())


def test_a_seller_who_just_saved_sees_the_new_price_on_the_public_page(shop):
    bag, record = shop["bag"], shop["record"]
    _replica_query("SELECT pg_wal_replay_pause()::text")
    seller = Client()
    seller.force_login(shop["seller"])
    response = seller.post("/penjual/produk/stok/", {f"price-{record.pk}": "Rp 99.000", f"stock-{record.pk}": "7"})
    assert response.status_code in (200, 302)
    record.refresh_from_db()
    assert record.price == Decimal("99000")
    # The save pinned the seller to the primary for a while (cookie): the public page shows the new price.
    assert db_routing.PIN_COOKIE in seller.cookies
    assert "Rp 99.000" in _page(seller, bag.get_absolute_url())
    # A shopper reads the paused replica: still the old price.
    shopper_page = _page(Client(), bag.get_absolute_url())
    assert "Rp 125.000" in shopper_page and "Rp 99.000" not in shopper_page


def test_basket_and_sign_in_stay_on_the_primary_while_the_replica_lags(shop):
    """A shopper's basket and session are never read from the copy: the line just added is in the header
    of the next catalogue page, even though that page's products come from the (paused) replica."""
    bag = shop["bag"]
    _replica_query("SELECT pg_wal_replay_pause()::text")
    shopper = Client()
    response = shopper.post(f"/basket/add/{bag.pk}/", {"quantity": 2})
    assert response.status_code == 302
    shopper.cookies.pop(db_routing.PIN_COOKIE)  # as if the pin had expired while the replica still lags
    page = _page(shopper, "/catalogue/")
    assert '<span class="badge-count">2</span>' in page  # the header's basket count
    assert "Tas Purun Sari" in _page(shopper, "/basket/")


def test_when_the_replica_does_not_answer_pages_read_from_the_primary(shop, caplog):
    bag = shop["bag"]
    connections["replica"].close()
    port = connections["replica"].settings_dict["PORT"]
    connections["replica"].settings_dict["PORT"] = str(_free_port())  # nothing listens there
    try:
        type(bag).objects.filter(pk=bag.pk).update(title="Tas Purun Sari Baru")
        assert "Tas Purun Sari Baru" in _page(Client(), bag.get_absolute_url())
        assert "Read replica unavailable" in caplog.text
    finally:
        connections["replica"].close()
        connections["replica"].settings_dict["PORT"] = port
        db_routing.reset_replica_health()



@pytest.mark.parametrize("page_cache", [0, 60], ids=["fragments", "page-cache"])
def test_what_a_lagging_replica_rendered_is_kept_no_longer_than_the_tolerated_lag(shop, settings, page_cache):
    """A price change bumps the product's version at once, but a shopper reading the paused replica renders
    the old price: that copy is stored under the new version, so it is kept only briefly (the lag the shop
    tolerates, DATABASE_REPLICA_PIN_SECONDS), and once the replica caught up the new price shows."""
    settings.PAGE_CACHE_SECONDS = page_cache
    settings.DATABASE_REPLICA_PIN_SECONDS = 1
    record = shop["record"]
    _replica_query("SELECT pg_wal_replay_pause()::text")
    record.price = Decimal("99000")
    record.save()
    shopper = Client()
    assert "Rp 125.000" in _page(shopper, "/catalogue/")  # the replica's copy, stored under the new version
    _replica_query("SELECT pg_wal_replay_resume()::text")
    _caught_up()
    time.sleep(1.2)
    page = _page(Client(), "/catalogue/")
    assert "Rp 99.000" in page and "Rp 125.000" not in page
