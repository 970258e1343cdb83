"""Saving a seller's listing: product, variants, stock, photos, compliance."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from oscar.core.loading import get_model
from catalogue import moderation
from catalogue.renditions import queue_renditions

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")
FoodCompliance = get_model("partner", "FoodCompliance")

COMPLIANCE_ATTRIBUTES = ("sertifikat_halal", "nomor_pirt", "nomor_bpom")


def owned_products(partner):
    """Top-level products whose stock (own or their variants') is held by ``partner``."""
    own = StockRecord.objects.filter(partner=partner)
    return Product.objects.filter(parent=None).filter(
        pk__in=own.values("product__parent_id").union(own.values("product_id"))
    )


class HeldStock(Exception):
    """A variant being paid for, or in an order not yet shipped, cannot be deleted."""

    def __init__(self, title):
        self.title = title
        super().__init__(title)


def _compliance_numbers(product):
    return {code: getattr(product.attr, code, None) or "" for code in COMPLIANCE_ATTRIBUTES}


@transaction.atomic
def save_listing(partner, form, variants=None, photos=None):
    """Save the forms' product for ``partner`` and return it.

    Its moderation state follows ``catalogue.moderation.seller_saved``: with
    moderation on, a new (or rejected) listing waits for staff; a change to an
    approved listing stays in the shop and is queued for review.
    """
    product = form.instance
    is_new = product.pk is None
    if not is_new:
        # One save of a product at a time: a resubmitted form waits and then finds what the first one saved.
        # FOR NO KEY UPDATE (here and in every row lock of ours): it still serialises the savers, but not
        # an order's commit, whose deferred foreign-key checks take KEY SHARE on the product and its stock
        # records; a plain FOR UPDATE deadlocked a seller's save with a payment (soak test, CI).
        Product.objects.select_for_update(no_key=True).filter(pk=product.pk).first()
    before = None
    if not is_new and form.product_class.slug == "makanan-kemasan":
        # The form already put the new numbers on ``product``; compare with what is stored.
        before = _compliance_numbers(Product.objects.get(pk=product.pk))
    product = form.save(commit=False)
    product.product_class = form.product_class
    product.structure = Product.PARENT if form.variant_attribute else Product.STANDALONE
    moderation.seller_saved(
        product, is_new, changed=form.has_changed() or _variants_changed(variants) or _photos_changed(photos)
    )
    product.save()

    category = form.cleaned_data.get("category")
    if category is not None and not product.categories.filter(pk=category.pk).exists():
        ProductCategory.objects.filter(product=product).delete()
        ProductCategory.objects.create(product=product, category=category)

    if form.variant_attribute:
        _save_variants(partner, product, form.variant_attribute, variants)
    else:
        StockRecord.objects.update_or_create(
            product=product,
            partner=partner,
            defaults={
                "partner_sku": f"{partner.code[:40]}-{product.pk}",
                "price": form.cleaned_data["price"],
                "num_in_stock": form.cleaned_data["stock"],
                "price_currency": settings.OSCAR_DEFAULT_CURRENCY,
            },
        )

    if photos is not None:
        _save_photos(product, photos)

    if form.product_class.slug == "makanan-kemasan":
        compliance, _created = FoodCompliance.objects.get_or_create(product=product)
        expiry = form.cleaned_data.get("halal_expiry")
        if before != _compliance_numbers(product) or compliance.halal_expiry != expiry:
            compliance.halal_expiry = expiry
            compliance.verified_at = compliance.verified_by = None
            compliance.date_reminded = None
            compliance.save()
    return product


def _variants_changed(variants):
    return bool(variants) and (variants.has_changed() or any(f.has_changed() for f in variants.forms))


def _photos_changed(photos):
    return bool(photos) and bool(photos.cleaned_data.get("new_photos") or photos.cleaned_data.get("remove"))


def _save_variants(partner, product, attribute, formset):
    children = {c.pk: c for c in product.children.all()}
    submitted = {f.cleaned_data.get("child") for f in formset.forms if f.cleaned_data}
    # A new row whose option an existing variant already has is that variant (a resubmitted form
    # must not create it twice), as long as the form does not name that variant elsewhere.
    by_option = {getattr(c.attr, attribute.code, None): c for pk, c in children.items() if pk not in submitted}
    for form in formset.forms:
        data = form.cleaned_data
        if not data or (not form.has_changed() and not data.get("child")):
            continue
        child = children.get(data.get("child"))
        if formset._should_delete_form(form):
            if child is not None:
                delete_variant(child)
            continue
        option = data["option"]
        if child is None:
            child = by_option.pop(option, None) or Product(parent=product, structure=Product.CHILD, is_public=True)
        child.title = f"{product.title} – {option.option}"
        setattr(child.attr, attribute.code, option)
        child.save()
        StockRecord.objects.update_or_create(
            product=child,
            partner=partner,
            defaults={
                "partner_sku": f"{partner.code[:40]}-{product.pk}-{child.pk}",
                "price": data["price"],
                "num_in_stock": max(data["stock"], held_units(child)),
                "price_currency": settings.OSCAR_DEFAULT_CURRENCY,
            },
        )


def held_units(product):
    """Units of ``product`` (or its variants) held for payments or allocated to orders not yet shipped."""
    return sum(r.num_allocated or 0 for r in StockRecord.objects.filter(Q(product=product) | Q(product__parent=product)))


def delete_variant(child):
    """Delete a variant unless its stock is held or ordered (raises HeldStock); its stock rows are locked
    first, so a payment starting at the same moment either holds before (and the delete is refused) or after
    (and finds it sold out)."""
    records = list(StockRecord.objects.select_for_update(no_key=True).filter(product=child))
    if any((r.num_allocated or 0) > 0 for r in records):
        raise HeldStock(child.get_title())
    child.delete()


def _save_photos(product, photos):
    for image in photos.cleaned_data.get("remove") or []:
        image.delete()
    start = product.images.count()
    for i, upload in enumerate(photos.cleaned_data.get("new_photos") or []):
        image = ProductImage(product=product, display_order=start + i)
        image.original.save(upload.name, upload, save=False)
        image.save()
        queue_renditions(image)  # made by a worker after the commit (catalogue/renditions.py)
    for order, image in enumerate(product.images.order_by("display_order", "pk")):
        if image.display_order != order:
            image.display_order = order
            image.save(update_fields=["display_order"])

