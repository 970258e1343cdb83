"""What a Mart has on its shelf for a basket, and holding it for an online pickup (as payments/stock.py does).

A hold is one conditional UPDATE per variant (``on_shelf >= allocated + qty``), in
one transaction and one lock order, so two shoppers (or a shopper and the till)
cannot both take the last unit on a shelf. Registered with ``payments.stock`` in
``ConsignmentConfig.ready``.
"""

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from consignment.models import ShelfStock
from payments.stock import Shelves, SoldOut
from places.models import Mart


class ShelfSoldOut(SoldOut):
    def __init__(self, title, mart):
        self.title = title
        Exception.__init__(self, _(
            "Sorry, %(title)s was just sold at %(mart)s and is no longer on its shelf; nothing was charged and your "
            "basket is kept. Check the Mart's shelf again and continue.") % {"title": title, "mart": mart})


class ConsignmentShelves(Shelves):
    @transaction.atomic
    def hold(self, mart_id, wanted):
        for stockrecord_id, (quantity, title) in sorted(wanted.items()):
            updated = ShelfStock.objects.filter(mart_id=mart_id, stockrecord_id=stockrecord_id,
                                                on_shelf__gte=F("allocated") + quantity).update(allocated=F("allocated") + quantity)
            if updated != 1:
                raise ShelfSoldOut(title, Mart.objects.filter(pk=mart_id).values_list("name", flat=True).first() or "")

    @transaction.atomic
    def release(self, mart_id, wanted):
        for stockrecord_id, (quantity, _title) in sorted(wanted.items()):
            ShelfStock.objects.filter(mart_id=mart_id, stockrecord_id=stockrecord_id).update(
                allocated=Greatest(F("allocated") - quantity, 0))


def wanted_from(lines):
    """{stockrecord id: quantity} of basket lines."""
    wanted = {}
    for line in lines:
        if line.stockrecord_id:
            wanted[line.stockrecord_id] = wanted.get(line.stockrecord_id, 0) + line.quantity
    return wanted


def covers(mart_id, lines):
    """Whether ``mart_id``'s shelf has every line of the basket available now (then pickup is ready today)."""
    wanted = wanted_from(lines)
    if not mart_id or not wanted:
        return False
    available = {s.stockrecord_id: s.available for s in ShelfStock.objects.filter(mart_id=mart_id, stockrecord_id__in=wanted)}
    return all(available.get(pk, 0) >= quantity for pk, quantity in wanted.items())


def shelves_for_basket(lines, marts):
    """For the checkout's Mart choice: the Marts with some of the basket on their shelf now.

    [{"mart": mart, "here": [titles on its shelf], "all": bool}] in ``marts``' order."""
    lines = [line for line in lines if line.stockrecord_id]
    wanted = wanted_from(lines)
    rows = ShelfStock.objects.filter(stockrecord_id__in=wanted, on_shelf__gt=0).values_list("mart_id", "stockrecord_id", "on_shelf", "allocated")
    available = {(mart_id, sr): on_shelf - allocated for mart_id, sr, on_shelf, allocated in rows}
    result = []
    for mart in marts:
        here = [line.product.get_title() for line in lines
                if available.get((mart.pk, line.stockrecord_id), 0) >= wanted[line.stockrecord_id]]
        if here:
            result.append({"mart": mart, "here": here, "all": len(here) == len(lines)})
    return result
