"""A placed order's analytics never break the order (order/analytics.py): when another order of the same
new product creates its analytics row at the same moment, the order still goes through (on PostgreSQL a
failed INSERT would otherwise abort the order's whole transaction) and both purchases are counted."""

import pytest
from django.db import transaction
from django.db.models import QuerySet
from oscar.core.loading import get_model

from order.analytics import count
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

ProductRecord = get_model("analytics", "ProductRecord")


def test_a_concurrent_first_insert_is_added_to_and_the_transaction_goes_on(monkeypatch):
    bag = ProductFactory(title="Tas Anyaman Purun")
    real_update = QuerySet.update
    raced = []

    def update(self, **kwargs):
        if self.model is ProductRecord and not raced:
            # Another order's transaction creates the row between our UPDATE (no row yet) and our INSERT.
            raced.append(True)
            ProductRecord.objects.create(product=bag, num_purchases=2)
            return 0
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)
    with transaction.atomic():  # as the order's placement
        count(ProductRecord, {"product_id": bag.pk}, {"num_purchases": 3})
        # The transaction is still usable after the duplicate INSERT.
        assert ProductRecord.objects.get(product=bag).num_purchases == 5
    assert ProductRecord.objects.get(product=bag).num_purchases == 5


def test_orders_count_purchases_into_a_new_and_an_existing_row():
    bag = ProductFactory(title="Tikar Pandan")
    count(ProductRecord, {"product_id": bag.pk}, {"num_purchases": 2})
    count(ProductRecord, {"product_id": bag.pk}, {"num_purchases": 1})
    assert ProductRecord.objects.get(product=bag).num_purchases == 3
