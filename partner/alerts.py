"""Low-stock alerts on Oscar's StockAlert: one alert (and one email to the business) each time a variant drops below its threshold.

Every stock record gets a threshold (``LOW_STOCK_THRESHOLD`` unless its seller set
one), so Oscar's own receiver opens an alert when a save takes it below and closes
it when stock is back. Payments hold stock with a conditional UPDATE (no save,
no signal), so an order placed is checked here too.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from oscar.apps.order.signals import order_placed
from oscar.apps.partner import receivers as oscar_receivers
from oscar.core.loading import get_model

from partner import emails

StockRecord = get_model("partner", "StockRecord")
StockAlert = get_model("partner", "StockAlert")


def threshold_of(record):
    return record.low_stock_threshold if record.low_stock_threshold is not None else settings.LOW_STOCK_THRESHOLD


@receiver(pre_save, sender=StockRecord)
def default_threshold(sender, instance, raw=False, **kwargs):
    if not raw and instance.low_stock_threshold is None:
        instance.low_stock_threshold = settings.LOW_STOCK_THRESHOLD


def check(record):
    """Open an alert for ``record`` if it is below its threshold and has none open; close open ones once
    it is back above. No row lock here: a seller's save and an order placed at the same moment may
    then open two alerts (two emails), which is harmless, where a lock taken this late in an order's
    transaction could deadlock with the seller's save."""
    if record.low_stock_threshold is None:
        StockRecord.objects.filter(pk=record.pk).update(low_stock_threshold=settings.LOW_STOCK_THRESHOLD)
        record.low_stock_threshold = settings.LOW_STOCK_THRESHOLD
    open_alerts = StockAlert.objects.filter(stockrecord=record, status=StockAlert.OPEN)
    if record.is_below_threshold:
        if not open_alerts.exists():
            StockAlert.objects.create(stockrecord=record, threshold=record.low_stock_threshold)
    else:
        open_alerts.update(status=StockAlert.CLOSED, date_closed=timezone.now())


# Oscar's receiver reads the open alert with .get(): two alerts opened by a race made every later save of
# that stock record a server error (found by the soak test). This one does the same job and tolerates duplicates.
post_save.disconnect(oscar_receivers.update_stock_alerts, sender=StockRecord)


@receiver(post_save, sender=StockRecord)
def update_stock_alerts(sender, instance, created, raw=False, **kwargs):
    if not raw:
        check(instance)


@receiver(order_placed)
def after_an_order(sender, order, **kwargs):
    ids = [pk for pk in order.lines.values_list("stockrecord_id", flat=True) if pk]
    for record in StockRecord.objects.filter(pk__in=ids):
        check(record)


@receiver(post_save, sender=StockAlert)
def email_the_business(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        pk = instance.pk
        transaction.on_commit(lambda: emails.low_stock(StockAlert.objects.select_related("stockrecord__partner", "stockrecord__product").get(pk=pk)))
