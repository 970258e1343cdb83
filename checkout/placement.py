"""Pricing a basket for payment, and placing its order once paid (from the typed checkout record).

``start_payment`` freezes the basket's prices into a :class:`CheckoutRecord` and
asks payments to hold the stock and open a PaymentAttempt. When the money
arrives, payments calls back :class:`CheckoutPlacement` (registered in
``checkout.apps``), which builds the order from the record with Oscar's
OrderCreator: a seller changing a price while the shopper pays changes nothing.
"""

import logging
from dataclasses import replace

from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from oscar.apps.offer.results import BasketDiscount
from oscar.apps.order.utils import OrderCreator
from oscar.apps.partner.availability import Available
from oscar.apps.partner.prices import FixedPrice
from oscar.apps.partner.strategy import PurchaseInfo
from oscar.core.loading import get_class, get_model
from oscar.core.prices import Price

from checkout.record import CheckoutRecord, FrozenLine, FrozenPricing
from consignment import shelves
from payments import services, stock
from payments.placement import CannotOrder, OrderPlacement
from places.models import Kecamatan, Mart
from shipping.methods import MartPickup, ZoneShipping

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
UserAddress = get_model("address", "UserAddress")
logger = logging.getLogger(__name__)
Country = get_model("address", "Country")
StockRecord = get_model("partner", "StockRecord")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")
Applicator = get_class("offer.applicator", "Applicator")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")


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

    def record_voucher_usage(self, order, voucher, user):
        # A guest's order (user None) still counts as a use of the voucher.
        super().record_voucher_usage(order, voucher, user if user is not None else AnonymousUser())


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


def freeze(basket, method, user=None):
    """What the shopper agrees to pay, line by line, with each offer's discount, and the total:
    the order is built from this later (an offer ending while the shopper pays changes nothing)."""
    # The offers as they are now, under the basket lock (not as they were when the request began).
    basket.reset_offer_applications()
    Applicator().apply(basket, user if user is not None else AnonymousUser())
    total, charge = basket_total(basket, method)
    lines = tuple(FrozenLine(line=line.pk, product=line.product_id, stockrecord=line.stockrecord_id, quantity=line.quantity,
                             excl=line.unit_price_excl_tax, incl=line.unit_price_incl_tax, title=line.product.get_title(),
                             discounts=tuple((d.offer.pk, d.amount, d.quantity, d.incl_tax) for d in line.discounts if d.offer is not None))
                  for line in basket.all_lines())
    offers = tuple((a["offer"].pk, a["voucher"].pk if a["voucher"] else None, a["discount"])
                   for a in basket.offer_applications if not a["result"].affects_shipping)
    return total, FrozenPricing(lines=lines, currency=total.currency, shipping=(charge.excl_tax, charge.incl_tax),
                                total=(total.excl_tax, total.incl_tax), offers=offers)


def apply_frozen_discounts(basket, frozen):
    """Discount ``basket``'s lines (priced by FrozenPrices) exactly as when the payment started, and
    register those offer applications so Oscar's OrderCreator records them (OrderDiscount, line discounts)."""
    if not frozen.offers:
        return
    offers = ConditionalOffer.objects.in_bulk([offer for offer, _voucher, _amount in frozen.offers])
    vouchers = Voucher.objects.in_bulk([voucher for _offer, voucher, _amount in frozen.offers if voucher])
    by_line = {f.line: f for f in frozen.lines}
    basket.reset_offer_applications()
    for line in basket.all_lines():
        for offer_id, amount, quantity, incl_tax in by_line[line.pk].discounts:
            line.discount(amount, quantity, incl_tax=incl_tax, offer=offers.get(offer_id))
    for offer_id, voucher_id, amount in frozen.offers:
        offer = offers.get(offer_id)
        if offer is None:  # deleted since (Oscar's dashboard): the lines keep their discount
            continue
        offer.set_voucher(vouchers.get(voucher_id))
        basket.offer_applications.add(offer, BasketDiscount(amount))


def start_payment(basket, checkout, gateway_code, user=None):
    """Hold the basket's stock, freeze it and its prices, and open a PaymentAttempt with the gateway.

    ``checkout`` is a CheckoutRecord (or its JSON). See ``payments.services.open_attempt``
    for the locking; raises stock.SoldOut or services.PaymentNotStarted.
    """
    record = as_record(checkout)
    method = shipping_method(record)
    if record.pickup and shelves.covers(record.mart, basket.all_lines()):
        record = replace(record, shelf=record.mart)  # held on the Mart's shelf, not the makers' online stock

    def price(basket):
        total, frozen = freeze(basket, method, user)
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
            apply_frozen_discounts(basket, frozen)
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
    apply_frozen_discounts(copy, FrozenPricing(**{**frozen.__dict__, "lines": tuple(lines)}))
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
    if mart:
        # Pickup: the shopper's name and phone at the Mart's address, nothing from any home address.
        shipping_address = ShippingAddress.objects.create(
            first_name=address.name, phone_number=address.phone, line1=mart.address, kecamatan=mart.kecamatan,
            line4=mart.kecamatan.kota, state="DKI Jakarta", notes=_("Pick up at %(mart)s") % {"mart": mart.name}, country=country,
        )
    else:
        shipping_address = ShippingAddress.objects.create(
            first_name=address.name, line1=address.line1, rt_rw=address.rt_rw, kelurahan=address.kelurahan,
            kecamatan=Kecamatan.objects.filter(pk=record.kecamatan).first(), kecamatan_name=address.kecamatan_name,
            line4=address.kota, state=address.provinsi, postcode=address.postcode, phone_number=address.phone,
            notes=address.notes, country=country,
        )
    order = HeldStockOrderCreator().place_order(
        basket=basket, total=total, shipping_method=method, shipping_charge=charge, user=attempt.user,
        shipping_address=shipping_address, order_number=attempt.order_number, status=status,
        guest_email=attempt.email if attempt.user is None else "",
    )
    order.pickup_mart, order.language = mart, record.language
    Order.objects.filter(pk=order.pk).update(pickup_mart=mart, language=record.language)
    if not mart and attempt.user_id:
        remember_address(attempt.user, shipping_address)
    basket.submit()
    return order


def remember_address(user, shipping_address):
    """Keep a signed-in shopper's delivery address in their address book (Oscar's UserAddress) for next time."""
    address = UserAddress(user=user)
    shipping_address.populate_alternative_model(address)
    existing = UserAddress.objects.filter(user=user, hash=address.generate_hash()).first()
    if existing is not None:
        address = existing
    address.num_orders_as_shipping_address = (address.num_orders_as_shipping_address or 0) + 1
    address.is_default_for_shipping = True
    try:
        with transaction.atomic():
            address.save()
    except DatabaseError:  # a convenience: never a reason for an order not to be placed
        logger.exception("Could not keep the address of order for user %s", user.pk)


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


def itemise(attempt):
    """The sum the shopper pays, business by business: goods, that business's shipping, and the totals.

    Read from the attempt's frozen record, so the payment page shows exactly what is charged.
    """
    from decimal import Decimal

    from shipping.methods import ZONES

    record = as_record(attempt.checkout)
    frozen = record.frozen
    if frozen is None:
        return None
    records = StockRecord.objects.select_related("partner").in_bulk([f.stockrecord for f in frozen.lines if f.stockrecord])
    groups = {}
    for line in frozen.lines:
        stockrecord = records.get(line.stockrecord)
        partner = stockrecord.partner if stockrecord else None
        group = groups.setdefault(partner.pk if partner else None, {"partner": partner, "lines": [], "goods": Decimal("0")})
        amount = line.incl * line.quantity
        group["lines"].append({"title": line.title, "quantity": line.quantity, "amount": amount})
        group["goods"] += amount
    for pk, group in groups.items():
        zone, fee = record.shipping_shares.get(pk, ("", Decimal("0")))
        group["zone"], group["fee"] = ZONES.get(zone, ""), fee
    destination = Kecamatan.objects.filter(pk=record.kecamatan).first() if record.kecamatan else None
    return {
        "groups": list(groups.values()),
        "goods": sum((g["goods"] for g in groups.values()), Decimal("0")),
        "shipping": frozen.shipping[1],
        "total": frozen.total[1],
        "pickup": record.pickup,
        "mart": Mart.objects.filter(pk=record.mart).first() if record.pickup else None,
        "destination": destination,
        "outside": not record.pickup and destination is None,
    }
