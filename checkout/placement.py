"""Pricing a basket for payment, and placing its order once paid (from the typed checkout record).

``start_payment`` freezes the basket's prices into a :class:`CheckoutRecord` and
asks payments to hold the stock and open a PaymentAttempt. When the money
arrives, payments calls back :class:`CheckoutPlacement` (registered in
``checkout.apps``), which builds the order from the record with Oscar's
OrderCreator: a seller changing a price while the shopper pays changes nothing.
"""

from dataclasses import replace

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from oscar.apps.order.utils import OrderCreator
from oscar.apps.partner.availability import Available
from oscar.apps.partner.prices import FixedPrice
from oscar.apps.partner.strategy import PurchaseInfo
from oscar.core.loading import get_class, get_model
from oscar.core.prices import Price

from checkout.record import CheckoutRecord, FrozenLine, FrozenPricing
from payments import services, stock
from payments.placement import CannotOrder, OrderPlacement
from places.models import Kecamatan, Mart
from shipping.methods import MartPickup, ZoneShipping

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
Country = get_model("address", "Country")
StockRecord = get_model("partner", "StockRecord")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")


class FrozenPrices:
    """The pricing of a basket being paid for: the prices the shopper agreed to when the payment started.

    A seller changing a price, or a business being suspended, while the shopper
    pays changes neither the order nor the ledger.
    """

    def __init__(self, lines, currency):
        self.lines = {line.line: line for line in lines}
        self.currency = currency

    def fetch_for_line(self, line, stockrecord=None):
        frozen = self.lines[line.pk]
        return PurchaseInfo(price=FixedPrice(self.currency, frozen.excl, tax=frozen.incl - frozen.excl), availability=Available(),
                            stockrecord=stockrecord or line.stockrecord)


class HeldStockOrderCreator(OrderCreator):
    """Stock was held when payment started, so placing the order allocates nothing more."""

    def update_stock_records(self, line):
        return None


def as_record(checkout):
    return checkout if isinstance(checkout, CheckoutRecord) else CheckoutRecord.from_json(checkout)


def shipping_method(checkout):
    record = as_record(checkout)
    if record.pickup:
        return MartPickup()
    destination = Kecamatan.objects.filter(pk=record.kecamatan).first() if record.kecamatan else None
    return ZoneShipping(destination)


def basket_total(basket, method):
    charge = method.calculate(basket)
    return OrderTotalCalculator().calculate(basket, charge), charge


def freeze(basket, method):
    """What the shopper agrees to pay, line by line, and the total: the order is built from this later."""
    total, charge = basket_total(basket, method)
    lines = tuple(FrozenLine(line=line.pk, product=line.product_id, stockrecord=line.stockrecord_id, quantity=line.quantity,
                             excl=line.unit_price_excl_tax, incl=line.unit_price_incl_tax, title=line.product.get_title())
                  for line in basket.all_lines())
    return total, FrozenPricing(lines=lines, currency=total.currency, shipping=(charge.excl_tax, charge.incl_tax),
                                total=(total.excl_tax, total.incl_tax))


def start_payment(basket, checkout, gateway_code, user=None):
    """Hold the basket's stock, freeze it and its prices, and open a PaymentAttempt with the gateway.

    ``checkout`` is a CheckoutRecord (or its JSON). See ``payments.services.open_attempt``
    for the locking; raises stock.SoldOut or services.PaymentNotStarted.
    """
    record = as_record(checkout)
    method = shipping_method(record)

    def price(basket):
        total, frozen = freeze(basket, method)
        return total, replace(record.with_pricing(frozen, method.shares(basket)), language=record.language or get_language() or "").to_json()

    return services.open_attempt(basket, gateway_code, email=record.email, price=price, user=user)


def _basket_for(attempt, frozen):
    """The basket to place ``attempt``'s order from, priced as frozen.

    The attempt's own basket when it still holds exactly what was paid for; otherwise
    (changed after a lapsed hold, or reused by a newer attempt) a copy made from the frozen lines.
    """
    basket = attempt.basket
    wanted = sorted((f.line, f.stockrecord, f.quantity) for f in frozen.lines)
    if basket is not None and basket.status != Basket.SUBMITTED and not services.basket_used_elsewhere(attempt, basket):
        if sorted((line.pk, line.stockrecord_id, line.quantity) for line in basket.all_lines()) == wanted:
            basket.strategy = FrozenPrices(frozen.lines, frozen.currency)
            return basket
    records = StockRecord.objects.in_bulk([f.stockrecord for f in frozen.lines])
    copy = Basket.objects.create(owner=attempt.user, status=Basket.FROZEN)
    lines = []
    for f in frozen.lines:
        record = records.get(f.stockrecord)
        if record is None or record.product_id != f.product:
            raise CannotOrder(f.title)
        line = copy.lines.create(line_reference=f"{record.product_id}_{record.pk}", product_id=record.product_id, stockrecord=record,
                                 quantity=f.quantity, price_currency=frozen.currency, price_excl_tax=f.excl, price_incl_tax=f.incl)
        lines.append(FrozenLine(**{**f.__dict__, "line": line.pk}))
    copy.strategy = FrozenPrices(lines, frozen.currency)
    return copy


def place_order(attempt, status):
    record = as_record(attempt.checkout)
    method = shipping_method(record)
    frozen = record.frozen
    if frozen:
        basket = _basket_for(attempt, frozen)
        charge = Price(frozen.currency, excl_tax=frozen.shipping[0], incl_tax=frozen.shipping[1])
        total = Price(frozen.currency, excl_tax=frozen.total[0], incl_tax=frozen.total[1])
    else:  # an attempt started before prices were frozen
        basket = attempt.basket
        if basket is None or basket.is_empty:
            raise CannotOrder("")
        basket.strategy = Selector().strategy(user=attempt.user)
        total, charge = basket_total(basket, method)
    country, _created = Country.objects.get_or_create(
        iso_3166_1_a2="ID", defaults={"iso_3166_1_a3": "IDN", "iso_3166_1_numeric": "360", "name": "Indonesia", "printable_name": "Indonesia"}
    )
    address = record.address
    mart = Mart.objects.filter(pk=record.mart).select_related("kecamatan").first() if record.pickup else None
    shipping_address = ShippingAddress.objects.create(
        first_name=address.name,
        line1=address.line1 if not mart else mart.address,
        rt_rw=address.rt_rw,
        kelurahan=address.kelurahan,
        kecamatan=mart.kecamatan if mart else Kecamatan.objects.filter(pk=record.kecamatan).first(),
        kecamatan_name=address.kecamatan_name,
        line4=address.kota if not mart else mart.kecamatan.kota,
        state=address.provinsi if not mart else "DKI Jakarta",
        postcode=address.postcode,
        phone_number=address.phone,
        notes=(_("Pick up at %(mart)s") % {"mart": mart.name}) if mart else address.notes,
        country=country,
    )
    order = HeldStockOrderCreator().place_order(
        basket=basket, total=total, shipping_method=method, shipping_charge=charge, user=attempt.user,
        shipping_address=shipping_address, order_number=attempt.order_number, status=status,
        guest_email=attempt.email if attempt.user is None else "",
    )
    order.pickup_mart, order.language = mart, record.language
    Order.objects.filter(pk=order.pk).update(pickup_mart=mart, language=record.language)
    basket.submit()
    return order


class CheckoutPlacement(OrderPlacement):
    """What payments calls back (registered in CheckoutConfig.ready)."""

    def place_order(self, attempt, status):
        return place_order(attempt, status)

    def held_quantities(self, attempt):
        frozen = as_record(attempt.checkout).frozen
        if frozen:
            wanted = {}
            for line in frozen.lines:
                if line.stockrecord is None:
                    continue
                quantity, title = wanted.get(line.stockrecord, (0, line.title))
                wanted[line.stockrecord] = (quantity + line.quantity, title)
            return wanted
        return stock.quantities(attempt.basket.all_lines()) if attempt.basket is not None else {}

    def shipping_fees(self, attempt):
        return {pk: fee for pk, (_zone, fee) in as_record(attempt.checkout).shipping_shares.items()}
