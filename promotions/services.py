"""Building a promotion on Oscar's offers: range, condition, benefit, offer and optional voucher.

The range's products are always the makers' own (computed from their stock
records here), whatever a form sent: a maker cannot discount another's product.
"""

import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from oscar.core.loading import get_model

from promotions.models import Promotion

ConditionalOffer = get_model("offer", "ConditionalOffer")
Range = get_model("offer", "Range")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
Voucher = get_model("voucher", "Voucher")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

CAMPAIGN_PRIORITY = 10  # the programme's campaigns are tried before makers' own promotions


def products_of(partners):
    """Top-level products whose stock (own or their variants') is held by one of ``partners``."""
    own = StockRecord.objects.filter(partner__in=partners)
    return Product.objects.filter(parent=None).filter(Q(pk__in=own.values("product_id")) | Q(pk__in=own.values("product__parent_id")))


def makers_of(promotion):
    """The businesses whose products a promotion may discount."""
    if not promotion.is_campaign:
        return Partner.objects.filter(pk=promotion.partner_id)
    return Partner.objects.filter(status=Partner.Status.ACTIVE).filter(
        Q(pk__in=promotion.makers.values("pk")) | Q(kecamatan__in=promotion.kecamatan.values("pk"))).distinct()


def _unique_name(model, promotion):
    """Oscar wants unique names for ranges, offers and vouchers; shoppers see the offer's in the basket."""
    owner = promotion.partner.name if promotion.partner_id else ""
    name = f"{promotion.title[:80]} – {owner[:40]}" if owner else promotion.title[:120]
    if model.objects.filter(name=name).exists():
        name = f"{name} ({secrets.token_hex(2)})"
    return name


@transaction.atomic
def save_promotion(promotion, products=None, code=""):
    """Create or update ``promotion``'s offer from its fields (makers and kecamatan already set for a campaign).

    ``products``: for a maker's promotion on some of their products, those products; anything
    not the maker's is dropped here (the form offers only theirs). ``code``: a voucher code, or "".
    """
    offer = promotion.offer if promotion.pk else None
    if offer is None:
        product_range = Range.objects.create(name=_unique_name(Range, promotion), is_public=False)
        condition = Condition.objects.create(range=product_range, type=Condition.COUNT, value=1)
        benefit = Benefit.objects.create(range=product_range, type=Benefit.PERCENTAGE, value=0)
        offer = ConditionalOffer(name=_unique_name(ConditionalOffer, promotion), condition=condition, benefit=benefit)
    else:
        product_range, condition, benefit = offer.condition.range, offer.condition, offer.benefit
    if promotion.minimum and promotion.minimum > 0:
        condition.type, condition.value = Condition.VALUE, promotion.minimum
    else:
        condition.type, condition.value = Condition.COUNT, 1
    condition.save()
    benefit.type = Benefit.PERCENTAGE if promotion.kind == Promotion.Kind.PERCENTAGE else Benefit.FIXED
    benefit.value = promotion.value
    benefit.save()
    offer.description = promotion.banner or promotion.title
    offer.start_datetime, offer.end_datetime = promotion.starts, promotion.ends
    offer.offer_type = ConditionalOffer.VOUCHER if code else ConditionalOffer.SITE
    offer.priority = CAMPAIGN_PRIORITY if promotion.is_campaign else 0
    offer.exclusive = True  # one discount per unit: a campaign and a maker's promotion never stack
    offer.status = ConditionalOffer.OPEN if promotion.ends > timezone.now() else ConditionalOffer.SUSPENDED
    offer.save()
    promotion.offer = offer
    voucher = promotion.voucher
    if code:
        if voucher is None:
            voucher = Voucher(name=_unique_name(Voucher, promotion), usage=Voucher.MULTI_USE)
        voucher.code, voucher.start_datetime, voucher.end_datetime = code, promotion.starts, promotion.ends
        voucher.save()
        voucher.offers.set([offer])
    elif voucher is not None:
        promotion.voucher = None
        voucher.delete()
        voucher = None
    promotion.voucher = voucher
    promotion.save()
    refresh_range(promotion, products)
    return promotion


def refresh_range(promotion, products=None):
    """Set the range to the makers' products (or the chosen ones among them)."""
    allowed = products_of(makers_of(promotion))
    if products is not None and not promotion.all_products:
        allowed = allowed.filter(pk__in=[p.pk for p in products])
    elif not promotion.all_products:
        allowed = allowed.filter(pk__in=promotion.offer.condition.range.included_products.values("pk"))
    product_range = promotion.offer.condition.range
    product_range.included_products.set(list(allowed))
    product_range.invalidate_cached_queryset()


def end_promotion(promotion):
    """Stop a promotion now; orders already paid keep their discount."""
    now = timezone.now()
    promotion.ends = min(promotion.ends, now)
    promotion.starts = min(promotion.starts, promotion.ends)
    promotion.save(update_fields=["ends", "starts"])
    offer = promotion.offer
    offer.end_datetime, offer.status = promotion.ends, ConditionalOffer.SUSPENDED
    offer.save(update_fields=["end_datetime", "status"])
    if promotion.voucher_id:
        Voucher.objects.filter(pk=promotion.voucher_id).update(end_datetime=promotion.ends)


def live_campaigns():
    now = timezone.now()
    return Promotion.objects.filter(partner=None, starts__lte=now, ends__gte=now,
                                    offer__status=ConditionalOffer.OPEN).exclude(slug="")


def funders(offer_ids):
    """{offer id: Promotion} for the offers that are promotions (others: Oscar dashboard offers, paid by the programme)."""
    return {p.offer_id: p for p in Promotion.objects.filter(offer_id__in=set(offer_ids))}


CAMPAIGN_BANNER_SECONDS = 60


def current_campaign():
    """The programme campaign running now (the newest that started, if several), for the banner on every
    shop page: read once a minute per site version (every promotion or offer change bumps it), and the
    start and end compared with the clock on each request, so a campaign appears and ends on time."""
    from django.core.cache import cache

    from catalogue import versions

    key = f"campaign-banner:{versions.site_version()}"
    campaigns = cache.get(key)
    if campaigns is None:
        campaigns = list(
            Promotion.objects.filter(partner=None, ends__gte=timezone.now(), offer__status=ConditionalOffer.OPEN)
            .exclude(slug="").order_by("-starts")[:20]
        )
        cache.set(key, campaigns, CAMPAIGN_BANNER_SECONDS)
    now = timezone.now()
    return next((c for c in campaigns if c.starts <= now <= c.ends), None)
