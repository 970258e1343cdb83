"""Shared set-up for the reliability tests: a seller's shoe with sizes, a shopper, Stripe on stripe-mock.

stripe-mock accepts our requests but never says "succeeded", so "paid" arrives as a
webhook signed exactly as Stripe signs it (tests/integration/test_checkout.py).
"""

import json
from decimal import Decimal

import pytest
from django.test import Client
from oscar.core.loading import get_model

from payments.models import PaymentAttempt
from tests.factories import PartnerFactory, ProductClassFactory, kecamatan, make_user, photo
from tests.integration.test_checkout import delivery, signed, use_stripe_mock

Product = get_model("catalogue", "Product")
ProductAttribute = get_model("catalogue", "ProductAttribute")
AttributeOptionGroup = get_model("catalogue", "AttributeOptionGroup")
AttributeOption = get_model("catalogue", "AttributeOption")
StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")

__all__ = ["delivery", "signed", "use_stripe_mock"]


@pytest.fixture
def stripe_on(settings):
    use_stripe_mock(settings)


def option(size):
    return AttributeOption.objects.get(group__name="Ukuran sepatu", option=size).pk


def make_shoe_shop(price="180000", stock=1):
    """Sepatu Ani (Cilincing) sells a shoe in sizes 39 and 40 through the seller centre form; approved."""
    pclass = ProductClassFactory(name="Sepatu", slug="sepatu")
    group, _created = AttributeOptionGroup.objects.get_or_create(name="Ukuran sepatu")
    for size in ("38", "39", "40", "41", "42"):
        AttributeOption.objects.get_or_create(group=group, option=size)
    ProductAttribute.objects.get_or_create(product_class=pclass, code="bahan", defaults={"name": "Bahan", "type": "text"})
    ProductAttribute.objects.get_or_create(product_class=pclass, code="ukuran",
                                           defaults={"name": "Ukuran", "type": "option", "option_group": group})
    seller = make_user("ani@usaha.test")
    partner = PartnerFactory(name="Sepatu Ani", kecamatan=kecamatan("cilincing"))
    partner.users.add(seller)
    client = Client()
    client.force_login(seller)
    response = client.post("/penjual/produk/baru/sepatu/", shoe_form(price=price, stock=stock, photos=True))
    assert response.status_code == 302, response.context and response.context["form"].errors
    product = Product.objects.get(title="Sepatu Kanvas Ani")
    Product.objects.filter(pk=product.pk).update(moderation="approved", is_public=True)
    children = list(product.children.order_by("pk"))
    return {"seller": seller, "partner": partner, "product": product, "size39": children[0], "size40": children[1]}


def shoe_form(price="180000", stock=1, children=(), photos=False, **overrides):
    """The seller centre's product form as the browser posts it."""
    data = {
        "title": "Sepatu Kanvas Ani", "description": "Sepatu kanvas dijahit tangan di Cilincing.", "published": "on",
        "attr_bahan": "Kanvas", "variant-TOTAL_FORMS": "2", "variant-INITIAL_FORMS": str(len(children)),
        "variant-0-option": option("39"), "variant-0-price": price, "variant-0-stock": str(stock),
        "variant-1-option": option("40"), "variant-1-price": "190000", "variant-1-stock": "6",
        "new_photos": [photo("depan.jpg")] if photos else [],
    }
    for i, child in enumerate(children):
        data[f"variant-{i}-child"] = child.pk
    data.update(overrides)
    return data


@pytest.fixture
def shoe_shop(db):
    return make_shoe_shop()


def add_to_basket(client, child, quantity=1):
    response = client.post(f"/basket/add/{child.parent_id}/", {"quantity": quantity, "child_id": child.pk})
    assert response.status_code == 302


def shopper(email="dewi@pembeli.test"):
    """A guest shopper's browser."""
    return Client()


def checkout(client, gateway="stripe", **overrides):
    return client.post("/checkout/", delivery(gateway, **overrides))


def stock_of(product):
    record = StockRecord.objects.get(product=product)
    return record.num_in_stock, record.num_allocated or 0


def send_webhook(client, kind, reference, event_id, amount, currency="idr", **intent):
    """A webhook signed as Stripe signs it; ``amount`` in rupiah (None leaves it out)."""
    obj = {"id": reference, "object": "payment_intent", "currency": currency, "latest_charge": "ch_3MmlLrLkdIwHu7ix0snN0B15", **intent}
    if amount is not None:
        obj.update(amount=int(Decimal(amount) * 100), amount_received=int(Decimal(amount) * 100) if kind.endswith("succeeded") else 0)
    body = json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": obj}})
    return client.post("/stripe/webhook/", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signed(body))


def paid(client, attempt, event_id="evt_paid", amount=None, **intent):
    return send_webhook(client, "payment_intent.succeeded", attempt.reference, event_id,
                        attempt.amount if amount is None else amount, **intent)


def only_attempt():
    return PaymentAttempt.objects.get()
