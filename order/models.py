"""Oscar's order app: Indonesian shipping addresses, Mart pickup, and the shopper's language for their emails."""

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
    language = models.CharField(
        _("language"), max_length=8, blank=True, help_text=_("The shopper's language when ordering: their emails are in it."),
    )
    date_pickup_reminded = models.DateTimeField(
        _("pickup reminder sent"), null=True, blank=True, help_text=_("When the shopper was reminded to collect and pay at the Mart."),
    )

    class Meta(AbstractOrder.Meta):
        pass


from oscar.apps.order.models import *  # noqa: E402,F401,F403
