"""The backup procedure in the README works: pg_dump the database, pg_restore it into a
fresh database, and the orders and the members' ledger are all there, to the rupiah."""

import shutil
import subprocess
import uuid
from decimal import Decimal

import psycopg
import pytest
from django.db import connection
from oscar.core.loading import get_model

from payments.models import LedgerEntry
from tests.conftest import require
from tests.factories import PartnerFactory, ProductFactory, make_user, place_order
from tests.report import report

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Order = get_model("order", "Order")

ORDERS_SQL = "SELECT number, total_incl_tax, status FROM order_order ORDER BY number"
LEDGER_SQL = "SELECT partner_id, order_id, kind, amount, reference FROM payments_ledgerentry ORDER BY id"


def rows(conninfo, sql):
    with psycopg.connect(**conninfo) as conn:
        return conn.execute(sql).fetchall()


def test_dump_and_restore_keeps_orders_and_ledger(tmp_path):
    require(connection.vendor == "postgresql", "the backup test needs PostgreSQL (DATABASE_URL=postgres://…)")
    require(shutil.which("pg_dump") and shutil.which("pg_restore"), "pg_dump/pg_restore not found (apt-get install postgresql-client)")
    partner = PartnerFactory(name="Batik Tebet")
    shopper = make_user("pembeli@contoh.test")
    product = ProductFactory(title="Kain Batik", stock__partner=partner, stock__price=Decimal("175000"))
    orders = [place_order(shopper, [(product, n)]) for n in (1, 2)]
    for order in orders:
        LedgerEntry.objects.create(partner=partner, order=order, kind="sale", amount=order.total_incl_tax)
        LedgerEntry.objects.create(partner=partner, order=order, kind="commission", amount=-order.total_incl_tax * Decimal("0.05"))
    LedgerEntry.objects.create(partner=partner, kind="payout", amount=Decimal("-100000"), reference="BCA-2026-11")

    source = connection.settings_dict
    conninfo = {"host": source["HOST"] or "127.0.0.1", "port": str(source["PORT"] or 5432), "user": source["USER"]}
    env = {"PGPASSWORD": source.get("PASSWORD") or ""}
    args = ["-h", conninfo["host"], "-p", conninfo["port"], "-U", conninfo["user"]]
    dump = tmp_path / "okoce.dump"
    restored = f"okoce_restore_{uuid.uuid4().hex[:8]}"

    # The commands the README gives, with this test's database names.
    subprocess.run(["pg_dump", *args, "--format=custom", "--no-owner", f"--file={dump}", source["NAME"]],
                   check=True, env=env, capture_output=True)
    subprocess.run(["createdb", *args, restored], check=True, env=env, capture_output=True)
    try:
        subprocess.run(["pg_restore", *args, "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)],
                       check=True, env=env, capture_output=True)
        original, copy = dict(conninfo, dbname=source["NAME"]), dict(conninfo, dbname=restored)
        assert rows(copy, ORDERS_SQL) == rows(original, ORDERS_SQL)
        assert len(rows(copy, ORDERS_SQL)) == 2
        assert rows(copy, LEDGER_SQL) == rows(original, LEDGER_SQL)
        assert len(rows(copy, LEDGER_SQL)) == 5
        assert sum(row[3] for row in rows(copy, LEDGER_SQL)) == LedgerEntry.balance(partner)
    finally:
        subprocess.run(["dropdb", *args, "--if-exists", restored], env=env, capture_output=True)
    report("backup_restore", dump_bytes=dump.stat().st_size, orders=2, ledger_rows=5)
