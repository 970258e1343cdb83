"""What a maker has on consignment, per Mart: on the shelf, sold, returned, and what they are owed."""

from decimal import Decimal

from django.db.models import Q, Sum

from consignment.models import Movement, ShelfStock


def maker_summary(partner):
    """[{"mart", "rows": [shelf with .delivered .sold_till .picked_up .returned .earned], totals…}] for ``partner``."""
    def moved(kind):
        return Sum("movements__quantity", filter=Q(movements__kind=kind))

    shelves = (ShelfStock.objects.filter(stockrecord__partner=partner)
               .select_related("mart", "stockrecord__product__parent")
               .annotate(delivered=moved(Movement.Kind.DELIVERY), sold_till=moved(Movement.Kind.TILL_SALE),
                         picked_up=moved(Movement.Kind.PICKUP), returned=moved(Movement.Kind.RETURN),
                         counted_difference=moved(Movement.Kind.COUNT),
                         earned=Sum("movements__maker_amount", filter=Q(movements__kind=Movement.Kind.TILL_SALE)))
               .order_by("mart__name", "stockrecord__product__title"))
    marts = {}
    for shelf in shelves:
        for name in ("delivered", "sold_till", "picked_up", "returned", "counted_difference"):
            setattr(shelf, name, abs(getattr(shelf, name) or 0) if name != "counted_difference" else (getattr(shelf, name) or 0))
        shelf.earned = shelf.earned or Decimal("0")
        shelf.value_on_shelf = shelf.on_shelf * shelf.maker_unit_amount
        group = marts.setdefault(shelf.mart_id, {"mart": shelf.mart, "rows": [], "on_shelf": 0, "sold": 0,
                                                 "earned": Decimal("0"), "value_on_shelf": Decimal("0")})
        group["rows"].append(shelf)
        group["on_shelf"] += shelf.on_shelf
        group["sold"] += shelf.sold_till + shelf.picked_up
        group["earned"] += shelf.earned
        group["value_on_shelf"] += shelf.value_on_shelf
    return list(marts.values())
