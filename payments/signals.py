"""Stock being paid for, or allocated to an order not yet shipped, is never deleted by any path
(seller centre, Oscar's dashboard, admin, a cascade from its product)."""

from django.db.models import ProtectedError


def refuse_deleting_held_stock(sender, instance, **kwargs):
    if (instance.num_allocated or 0) > 0:
        raise ProtectedError(
            f"Stock record {instance.pk} has {instance.num_allocated} unit(s) held for payments or unshipped orders.",
            {instance},
        )
