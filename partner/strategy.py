"""Pricing and availability rules of OK OCE Mart.

- Only stock held by an *active* member business can be sold: a suspended
  business's products disappear from sale while its data is kept.
- A product with variants is priced from its cheapest available variant.
- Prices are final (no PPN line) unless ``settings.PPN_RATE`` is set; see README.
"""

from decimal import Decimal as D

from django.conf import settings
from oscar.apps.partner import prices
from oscar.apps.partner.strategy import NoTax, StockRequired, Structured, UseFirstStockRecord
from oscar.apps.partner.strategy import FixedRateTax as OscarFixedRateTax

from partner.ownership import sale_record


class ActiveMemberStockRecord(UseFirstStockRecord):
    def select_stockrecord(self, product):
        return sale_record(product)


class CheapestVariantPrice:
    def parent_pricing_policy(self, product, children_stock):
        priced = [sr for _, sr in children_stock if sr is not None and sr.price is not None]
        if not priced:
            return prices.Unavailable()
        cheapest = min(priced, key=lambda sr: sr.price)
        return self.pricing_policy(product, cheapest)


class PPN(OscarFixedRateTax):
    def get_rate(self, product, stockrecord):
        return D(settings.PPN_RATE)


class OkOceMart(CheapestVariantPrice, ActiveMemberStockRecord, StockRequired, NoTax, Structured):
    """Final prices, active member businesses only, stock required."""


class OkOceMartWithPPN(CheapestVariantPrice, ActiveMemberStockRecord, StockRequired, PPN, Structured):
    """As OkOceMart, adding PPN at ``settings.PPN_RATE`` to every price."""


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        if D(settings.PPN_RATE):
            return OkOceMartWithPPN(request)
        return OkOceMart(request)
