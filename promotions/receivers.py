"""A product a maker lists later joins their running promotions (and campaigns they are part of)."""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from oscar.core.loading import get_model

from catalogue import versions
from promotions.models import Promotion

StockRecord = get_model("partner", "StockRecord")
ConditionalOffer = get_model("offer", "ConditionalOffer")


@receiver(post_save, sender=StockRecord)
def join_running_promotions(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    partner = instance.partner
    running = Promotion.objects.filter(all_products=True, ends__gte=timezone.now()).filter(
        Q(partner=partner) | Q(partner=None, makers=partner) | Q(partner=None, kecamatan=partner.kecamatan_id)
    ).select_related("offer__condition__range").distinct()
    product = instance.product.parent or instance.product
    for promotion in running:
        promotion.offer.condition.range.included_products.add(product)


@receiver([post_save, post_delete], sender=Promotion)
@receiver([post_save, post_delete], sender=ConditionalOffer)
def promotion_changed(sender, raw=False, **kwargs):
    """A promotion's banner and prices show on anonymous shoppers' cached pages: drop them."""
    if not raw:
        versions.bump_site()
