"""Adding to the basket, lean (issue 14): the product from the cache under its version, Oscar's
analytics counted and flushed in batches, the messages written without templates, and still
everything Oscar checks (stock, variants, options, the quantity limit, suspended makers).
"""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model

from basket import additions
from basket.utils import addition_message, new_total_message
from tests.factories import PartnerFactory, ProductFactory, make_user, parent_with_variants

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")
StockRecord = get_model("partner", "StockRecord")

# A second add of the same product to a basket: the basket (and its vouchers), its lines (with their
# stock records and photos) as every page reads them, then BEGIN, the line's UPDATE, COMMIT. The
# product comes from the cache; the lines are not read again after the UPDATE.
SECOND_ADD_QUERIES = 8


def add(client, product, **data):
    data.setdefault("quantity", 1)
    return client.post(reverse("basket:add", kwargs={"pk": product.pk}), data)


def lines(client):
    basket = client.get("/basket/").context["basket"]
    return [(line.product.pk, line.quantity) for line in basket.all_lines()]


def squash(html):
    return re.sub(r"\s+", " ", str(html)).strip()


def test_a_second_add_to_the_same_basket_runs_a_fixed_number_of_queries(client):
    bag = ProductFactory(title="Tas Anyaman Purun", stock__price=Decimal("125000"))
    add(client.__class__(), bag)  # the product read once, then kept in the cache
    add(client, bag)
    with CaptureQueriesContext(connection) as queries:
        response = add(client, bag, quantity=2)
    assert response.status_code == 302
    assert len(queries) == SECOND_ADD_QUERIES, "\n".join(q["sql"][:150] for q in queries)
    assert not [q for q in queries if re.search(r'FROM "catalogue_product"(\s|$)', q["sql"])]  # from the cache
    assert lines(client) == [(bag.pk, 3)]


def test_the_analytics_counter_arrives_after_the_flush(client):
    bag = ProductFactory(title="Tas Anyaman Purun")
    shopper = make_user("dewi@pembeli.test")
    for _ in range(3):
        add(client.__class__(), bag)
    client.force_login(shopper)
    add(client, bag)
    assert not ProductRecord.objects.filter(product=bag, num_basket_additions__gt=0).exists()  # no write per add
    call_command("flush_basket_additions", stdout=open("/dev/null", "w"))
    assert ProductRecord.objects.get(product=bag).num_basket_additions == 4
    assert UserRecord.objects.get(user=shopper).num_basket_additions == 1
    assert additions.flush() == 0  # written once


def test_the_analytics_counter_arrives_after_the_flush_with_redis(client, redis_cache):
    bag = ProductFactory(title="Tas Anyaman Purun")
    for _ in range(2):
        add(client.__class__(), bag)
    assert not ProductRecord.objects.filter(product=bag, num_basket_additions__gt=0).exists()
    assert additions.flush() == 2
    assert ProductRecord.objects.get(product=bag).num_basket_additions == 2


def test_without_redis_the_counter_is_written_when_the_batch_is_full(client, settings, django_capture_on_commit_callbacks):
    settings.VIEW_COUNT_BATCH = 2
    bag = ProductFactory(title="Tas Anyaman Purun")
    with django_capture_on_commit_callbacks(execute=True):  # written after the add's own transaction
        add(client.__class__(), bag)
        add(client.__class__(), bag)
    assert ProductRecord.objects.get(product=bag).num_basket_additions == 2


def test_a_price_stock_or_suspension_change_reaches_the_next_add(client):
    maker = PartnerFactory(name="Anyam Lestari")
    bag = ProductFactory(title="Tas Anyaman Purun", stock__partner=maker, stock__price=Decimal("125000"), stock__num_in_stock=3)
    add(client.__class__(), bag)  # cached now
    record = bag.stockrecords.get()
    record.price = Decimal("135000")
    record.save()
    shopper = client.__class__()
    add(shopper, bag)
    assert Basket.objects.filter(lines__product=bag).latest("pk").lines.get().price_incl_tax == Decimal("135000")

    record.num_in_stock = 1
    record.save()
    response = add(client.__class__(), bag, quantity=2)  # more than is left: refused, with Oscar's message
    assert response.status_code == 302
    assert Basket.objects.filter(lines__product=bag).count() == 2

    maker.status = maker.Status.SUSPENDED
    maker.save()
    refused = client.__class__()
    add(refused, bag)
    assert lines(refused) == []


def test_a_sold_out_product_is_refused_and_said_so(client):
    bag = ProductFactory(title="Tas Anyaman Purun", stock__num_in_stock=0)
    response = add(client, bag)
    assert response.status_code == 302
    assert lines(client) == []


def test_a_variant_is_added_through_its_parent_and_an_unknown_variant_is_refused(client):
    maker = PartnerFactory(name="Sepatu Tapak Kota")
    shoes = parent_with_variants(maker, sizes=("39", "40"))
    first, second = shoes.children.order_by("pk")
    StockRecord.objects.filter(product=second).update(num_in_stock=0)
    add(client, shoes, child_id=first.pk)
    assert lines(client) == [(first.pk, 1)]
    add(client, shoes, child_id=second.pk)  # sold out (the update above bumped nothing: read afresh anyway)
    add(client, shoes, child_id=999999)
    add(client, shoes)  # nothing chosen
    assert lines(client) == [(first.pk, 1)]
    # Again, from the cache: the same answers.
    other = client.__class__()
    with CaptureQueriesContext(connection) as queries:
        add(other, shoes, child_id=first.pk)
    assert len(queries) == 4, "\n".join(q["sql"][:150] for q in queries)
    assert lines(other) == [(first.pk, 1)]


def test_the_basket_quantity_limit_still_holds(client, settings):
    settings.OSCAR_MAX_BASKET_QUANTITY_THRESHOLD = 3
    bag = ProductFactory(title="Tas Anyaman Purun", stock__num_in_stock=10)
    add(client, bag, quantity=2)
    add(client, bag, quantity=2)
    assert lines(client) == [(bag.pk, 2)]


def test_a_missing_product_is_a_404(client):
    assert client.post("/basket/add/999999/", {"quantity": 1}).status_code == 404


def test_a_signed_in_shoppers_add_goes_to_their_basket(client):
    shopper = make_user("dewi@pembeli.test")
    client.force_login(shopper)
    bag = ProductFactory(title="Tas Anyaman Purun")
    add(client, bag)
    assert Basket.objects.get(owner=shopper).lines.get().product == bag


def test_the_redirect_target_is_kept(client):
    bag = ProductFactory(title="Tas Anyaman Purun")
    response = add(client, bag, next="/checkout/")
    assert response["Location"] == "/checkout/"
    response = add(client, bag, next="https://evil.example/")
    assert response["Location"] == "/basket/"


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_messages_say_what_oscars_templates_say(client, language):
    bag = ProductFactory(title="Tas <Anyaman> Purun", stock__price=Decimal("125000"))
    add(client, bag, quantity=2)
    basket = Basket.objects.get()
    basket.strategy = client.get("/basket/").context["basket"].strategy
    with translation.override(language):
        for quantity in (1, 2):
            assert squash(addition_message(bag, quantity)) == squash(
                render_to_string("oscar/basket/messages/addition.html", {"product": bag, "quantity": quantity}))
        for buttons in (True, False):
            assert squash(new_total_message(basket, buttons)) == squash(
                render_to_string("oscar/basket/messages/new_total.html", {"basket": basket, "include_buttons": buttons}))
        said = squash(new_total_message(basket))
    assert ("250.000" in said) and ("Total keranjang Anda sekarang" in said if language == "id" else "Your basket now totals" in said)


def test_a_variant_posted_directly_comes_from_the_cache_and_sees_its_price_change(client):
    """A variant's entry is kept under its parent's version; the worker remembers the parent, so the add
    reads the entry and the parent's version together, and a change to the variant still shows."""
    shoes = parent_with_variants(PartnerFactory(name="Sepatu Tapak Kota"), sizes=("39",))
    child = shoes.children.get()
    add(client.__class__(), child)  # read and kept
    with CaptureQueriesContext(connection) as queries:
        add(client.__class__(), child)
    assert len(queries) == 4, "\n".join(q["sql"][:150] for q in queries)  # BEGIN, basket, line, COMMIT
    record = child.stockrecords.get()
    record.price = Decimal("199000")
    record.save()
    shopper = client.__class__()
    add(shopper, child)
    assert Basket.objects.filter(lines__product=child).latest("pk").lines.get().price_incl_tax == Decimal("199000")
    assert lines(shopper) == [(child.pk, 1)]


@pytest.mark.parametrize("where", ["class", "product"])
def test_an_option_added_later_is_asked_for_on_the_next_add(client, where):
    """A required option added to the product's class (or to the product itself) after the product was
    kept in the cache: the next add asks for it, as Oscar's form does, and an option deleted is no longer asked."""
    Option = get_model("catalogue", "Option")
    bag = ProductFactory(title="Tas Anyaman Purun", stock__price=Decimal("125000"))
    add(client.__class__(), bag)  # read and kept without options
    engraving = Option.objects.create(name="Teks ukiran", code="teks-ukiran", type=Option.TEXT, required=True)
    (bag.product_class.options if where == "class" else bag.product_options).add(engraving)
    shopper = client.__class__()
    add(shopper, bag)
    assert lines(shopper) == []  # refused: the engraving text is required
    add(shopper, bag, **{"teks-ukiran": "Untuk Ibu"})
    assert lines(shopper) == [(bag.pk, 1)]
    engraving.delete()
    other = client.__class__()
    add(other, bag)
    assert lines(other) == [(bag.pk, 1)]


def test_a_listing_under_review_or_hidden_is_not_sold(client):
    bag = ProductFactory(title="Tas Anyaman Purun")
    add(client.__class__(), bag)  # cached while for sale
    bag.moderation = bag.Moderation.PENDING  # as catalogue.moderation queues a new listing
    bag.sync_visibility()
    bag.save()
    response = add(client, bag)
    assert response.status_code == 302
    assert lines(client) == []
    shoes = parent_with_variants(PartnerFactory(name="Sepatu Tapak Kota"), sizes=("39",))
    child = shoes.children.get()
    shoes.published = False  # the seller hides it
    shoes.sync_visibility()
    shoes.save()
    add(client, child)
    add(client, shoes, child_id=child.pk)
    assert lines(client) == []
