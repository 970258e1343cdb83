"""Order statuses go through Oscar's pipeline: each change is kept (OrderStatusChange), signalled
(order_status_changed), and shown on the shopper's, the seller's and staff's order pages, in Indonesian."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from oscar.apps.order.exceptions import InvalidOrderStatus
from oscar.apps.order.signals import order_status_changed
from oscar.core.loading import get_class, get_model

from order import processing
from payments.models import PaymentAttempt
from payments.services import expire_holds
from tests.factories import make_user
from tests.integration.test_checkout import delivery, fill_basket, shop, stock_of, test_payments  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
EventHandler = get_class("order.processing", "EventHandler")


def mart_order(client, shop):
    fill_basket(client, (shop["snack"], 3))
    response = client.post("/checkout/", delivery("mart", delivery="ambil", mart=shop["mart"].pk, line1="", kecamatan=""))
    assert response.status_code == 302
    return Order.objects.get()


def test_the_pipeline_names_every_status_the_code_sets():
    statuses = {processing.AWAITING_MART, processing.PAID, processing.CANCELLED, processing.REFUNDED, processing.PARTLY_REFUNDED}
    pipeline = settings.OSCAR_ORDER_STATUS_PIPELINE
    assert set(pipeline) == statuses and set().union(*pipeline.values()) <= statuses


def test_paid_at_the_mart_is_kept_signalled_and_shown(client, shop, test_payments):
    shopper = make_user("dewi@pembeli.test")
    client.force_login(shopper)
    order = mart_order(client, shop)
    seen = []

    def record(sender, order, old_status, new_status, **kwargs):
        seen.append((old_status, new_status))

    order_status_changed.connect(record)
    try:
        staff = make_user("staf@okoce.test", is_staff=True)
        client.force_login(staff)
        client.post(reverse("backoffice:order", kwargs={"number": order.number}), {"action": "mart-paid"})
    finally:
        order_status_changed.disconnect(record)
    order.refresh_from_db()
    assert order.status == "Paid" and seen == [("Awaiting payment at the Mart", "Paid")]
    assert [(c.old_status, c.new_status) for c in order.status_changes.all()] == seen
    history = "Menunggu pembayaran di Mart → Dibayar"
    assert history in client.get(reverse("backoffice:order", kwargs={"number": order.number})).content.decode()
    seller = make_user("penjual@kerupuk.test")
    shop["cilincing"].users.add(seller)
    client.force_login(seller)
    assert history in client.get(f"/penjual/pesanan/{order.number}/").content.decode()
    client.force_login(shopper)
    assert history in client.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()


def test_an_uncollected_mart_order_is_cancelled_through_the_pipeline(client, shop, test_payments):
    order = mart_order(client, shop)
    assert expire_holds(timezone.now() + timedelta(hours=49)) == 1
    order.refresh_from_db()
    assert [(c.old_status, c.new_status) for c in order.status_changes.all()] == [("Awaiting payment at the Mart", "Cancelled")]


def test_the_dashboard_cannot_set_money_statuses_but_can_cancel_an_unpaid_order(client, shop, test_payments):
    order = mart_order(client, shop)
    with pytest.raises(InvalidOrderStatus):
        EventHandler().handle_order_status_change(order, "Paid")
    order.refresh_from_db()
    assert order.status == "Awaiting payment at the Mart" and stock_of(shop["snack"]) == (10, 3)
    EventHandler().handle_order_status_change(order, "Cancelled", note_msg="Pembeli membatalkan lewat telepon")
    order.refresh_from_db()
    assert order.status == "Cancelled" and stock_of(shop["snack"]) == (10, 0)
    assert PaymentAttempt.objects.get().status == PaymentAttempt.Status.EXPIRED
    assert order.notes.get().message == "Pembeli membatalkan lewat telepon"
