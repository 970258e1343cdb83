"""Oscar's order app: Indonesian shipping addresses, and Mart pickup."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.address.abstract_models import AbstractShippingAddress
from oscar.apps.order.abstract_models import AbstractOrder

from address.models import IndonesianAddressFields


class ShippingAddress(IndonesianAddressFields, AbstractShippingAddress):
    class Meta(AbstractShippingAddress.Meta):
        pass


class Order(AbstractOrder):
    pickup_mart = models.ForeignKey(
        "places.Mart", on_delete=models.PROTECT, null=True, blank=True, related_name="orders",
        verbose_name=_("pickup at OK OCE Mart"),
    )

    class Meta(AbstractOrder.Meta):
        pass


from oscar.apps.order.models import *  # noqa: E402,F401,F403
