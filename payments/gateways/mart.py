"""Bayar di Mart: pay in cash when collecting at the Mart. The order exists at once; stock is held 48 hours."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from payments.gateways.base import Gateway


class MartGateway(Gateway):
    code = "mart"
    name = "OK OCE Mart"
    label = _("Pay at the OK OCE Mart when you collect")
    template = "payments/pay_mart.html"
    pickup_only = True
    places_order_at_once = True
    paid_at_counter = True
    needs_browser_step = False

    def hold_minutes(self):
        return settings.MART_HOLD_HOURS * 60
