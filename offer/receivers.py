"""Every change to what a range holds moves the site version (``catalogue.versions``): the ranges'
remembered members (``offer.membership``), and the cached pages that show discounts, are stale from then.

A product's own changes (its categories, type, parent) move it through ``search.signals`` →
``catalogue.versions.bump``; a category's through ``catalogue.versions.category_menu_changed``. Here: a
range, a condition or a benefit saved or deleted (the site's offers are kept with them:
``basket.offers.open_site_offers``), a range's products (``add_product``/``remove_product`` write ``RangeProduct`` rows;
forms and ``promotions.services.refresh_range`` change the many-to-many fields), excluded products,
product types and categories, and products added to a category from the category's side.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from oscar.core.loading import get_model

from catalogue import versions

Range = get_model("offer", "Range")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
RangeProduct = get_model("offer", "RangeProduct")
Product = get_model("catalogue", "Product")


@receiver([post_save, post_delete], sender=Range, dispatch_uid="okoce-range-saved")
@receiver([post_save, post_delete], sender=RangeProduct, dispatch_uid="okoce-range-product-saved")
@receiver([post_save, post_delete], sender=Condition, dispatch_uid="okoce-condition-saved")
@receiver([post_save, post_delete], sender=Benefit, dispatch_uid="okoce-benefit-saved")
def range_saved(sender, raw=False, **kwargs):
    if not raw:
        versions.bump_site()


def _range_members_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        versions.bump_site()


for _field in ("included_products", "excluded_products", "classes", "included_categories", "excluded_categories"):
    m2m_changed.connect(
        _range_members_changed, sender=getattr(Range, _field).through, dispatch_uid=f"okoce-range-{_field}"
    )


@receiver(m2m_changed, sender=Product.categories.through, dispatch_uid="okoce-category-products")
def category_products_changed(sender, instance, action, **kwargs):
    """``category.product_set.add(…)``: search.signals follows the product's side only."""
    if action in ("post_add", "post_remove", "post_clear") and not isinstance(instance, Product):
        versions.bump_site()
