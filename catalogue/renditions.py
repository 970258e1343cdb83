"""Thumbnails of sellers' product photos, made ahead of time as a background task.

A new photo queues ``make_product_image_renditions`` (the jobs outbox, after the listing's commit):
a Celery worker makes the sizes the storefront shows, so the first shopper to open the product
page or a listing does not wait for them to be made. Without a broker the task runs right after
the commit, in the seller's request, as before.
"""

from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model
from oscar.core.thumbnails import get_thumbnailer

from jobs.outbox import enqueue, job

# The sizes the storefront templates ask the thumbnailer for: product cards and the seller's
# list (400x400), the product page (600x600), the basket (100x100, not cropped).
SIZES = [("400x400", "center"), ("600x600", "center"), ("100x100", None)]


@job(label=_("Sizes of a product photo"))
def make_product_image_renditions(image_pk):
    """Idempotent: sizes already made are kept; a photo removed since is nothing to do."""
    image = get_model("catalogue", "ProductImage").objects.filter(pk=image_pk).first()
    if image is None or not image.original:
        return
    thumbnailer = get_thumbnailer()
    for size, crop in SIZES:
        thumbnailer.generate_thumbnail(image.original, size=size, **({"crop": crop} if crop else {}))


def queue_renditions(image):
    return enqueue(make_product_image_renditions, image.pk, key=f"renditions:product-image:{image.pk}")
