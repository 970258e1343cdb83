"""Oscar's analytics for a placed order, safe when two orders of a product that has no analytics row yet
are placed at once.

Oscar's ``receive_order_placed`` adds each line's quantity to ``ProductRecord.num_purchases`` (and the
shopper's ``UserRecord``) with an UPDATE, and when no row exists yet an INSERT. Two orders of the same new
product placed at the same moment both find no row and both INSERT; the second fails on the unique
product, and on PostgreSQL that failure aborts the order's whole transaction, so Oscar's retry and the
order itself fail (a 500 at payment). Basket additions no longer create the row on the first add
(``basket.additions`` counts them in batches), which made this reachable. Here the INSERT runs in a
savepoint: the loser of the race rolls back only its INSERT and adds its count to the winner's row.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from oscar.core.loading import get_model


def count(model, filter_kwargs, increments, defaults=None):
    """Add ``increments`` ({field: amount}) to the ``model`` row matching ``filter_kwargs``, creating it
    (with ``defaults`` too) if there is none; a concurrent creation is met with an UPDATE instead."""
    rows = model.objects.filter(**filter_kwargs)
    changes = {field: F(field) + amount for field, amount in increments.items()}
    if rows.update(**changes, **(defaults or {})):
        return
    try:
        with transaction.atomic():  # a savepoint: a duplicate INSERT must not abort the caller's transaction
            model.objects.create(**filter_kwargs, **increments, **(defaults or {}))
    except IntegrityError:
        rows.update(**changes, **(defaults or {}))


def receive_order_placed(sender, order, user, **kwargs):
    """Oscar's ``oscar.apps.analytics.receivers.receive_order_placed``, with ``count``."""
    if kwargs.get("raw", False):
        return
    ProductRecord, UserRecord = get_model("analytics", "ProductRecord"), get_model("analytics", "UserRecord")
    for line in order.lines.all():
        count(ProductRecord, {"product_id": line.product_id}, {"num_purchases": line.quantity})
    if user and user.is_authenticated:
        count(
            UserRecord,
            {"user": user},
            {"num_orders": 1, "num_order_lines": order.num_lines, "num_order_items": order.num_items,
             "total_spent": order.total_incl_tax},
            defaults={"date_last_order": order.date_placed},
        )


def connect():
    """Replace Oscar's receiver of ``order_placed`` with ``receive_order_placed`` (other receivers stay)."""
    from oscar.apps.analytics import receivers as analytics
    from oscar.apps.order.signals import order_placed

    order_placed.disconnect(analytics.receive_order_placed)
    order_placed.connect(receive_order_placed, dispatch_uid="okoce-order-placed-analytics")
