"""An order as the shopper sees it: one parcel per member business, each with its lines and shipments."""

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from order.processing import AWAITING_MART, CANCELLED, PAID, PARTLY_REFUNDED, REFUNDED

register = template.Library()


def _fulfilment(line):
    try:
        return line.fulfilment
    except ObjectDoesNotExist:
        return None


def _state(order, shipments, count):
    """What the shopper reads for one business's parcel, and the tag's tone."""
    shipped = sum(1 for s in shipments if s.is_shipped)
    if order.status in (CANCELLED, REFUNDED):
        return _(order.status), "muted"
    if order.pickup_mart_id:
        if shipped == count:
            return _("At the Mart, ready to collect"), "open"
        return (_("Being taken to the Mart"), "pending") if order.status != AWAITING_MART else (_("Awaiting payment at the Mart"), "pending")
    if shipped == count:
        return _("Shipped"), "open"
    if shipped:
        return _("Partly shipped"), "open"
    if any(s.status == "packed" for s in shipments):
        return _("Packed"), "pending"
    if order.status in (PAID, PARTLY_REFUNDED):
        return _("Being prepared by the seller"), "pending"
    return _(order.status), "pending"


@register.simple_tag
def order_parcels(order):
    """[{partner, name, lines, shipments, state, tone, total}] in the order the lines were bought."""
    parcels = {}
    for line in order.lines.select_related("partner", "fulfilment", "product").order_by("pk"):
        parcel = parcels.setdefault(line.partner_id, {"partner": line.partner, "name": line.partner_name, "lines": [], "shipments": []})
        line.shipment = _fulfilment(line)
        parcel["lines"].append(line)
        if line.shipment is not None:
            parcel["shipments"].append(line.shipment)
    for parcel in parcels.values():
        parcel["state"], parcel["tone"] = _state(order, parcel["shipments"], len(parcel["lines"]))
        parcel["total"] = sum(line.line_price_incl_tax for line in parcel["lines"])
    return list(parcels.values())


@register.simple_tag
def order_businesses(order):
    """The names of the businesses an order buys from, once each."""
    return list(dict.fromkeys(line.partner_name for line in order.lines.all()))
