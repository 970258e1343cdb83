"""Renditions of an image uploaded to Wagtail, made ahead of time as a background task.

Saving an image (a new upload, a replaced file, a moved focal point) queues
``make_image_renditions`` through the jobs outbox; a Celery worker makes the renditions the
templates use, so the first visitor of a story or the home page does not wait for them.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model

from jobs.outbox import enqueue, job

# Every {% image %} filter of themes/default/templates (stories, their cards, the home page hero,
# the product page's story, standard pages, captioned images), and the editors' image list in /cms/.
FILTER_SPECS = ["fill-1200x630", "fill-640x480", "width-640", "width-560", "width-800", "width-900", "max-165x165"]


@job(label=_("Sizes of a CMS image"))
def make_image_renditions(image_pk):
    """Idempotent: Wagtail keeps renditions already made; an image deleted since is nothing to do."""
    image = get_image_model().objects.filter(pk=image_pk).first()
    if image is None or not image.file:
        return
    image.get_renditions(*FILTER_SPECS)


def image_saved(sender, instance, raw=False, **kwargs):
    if raw or not instance.file:
        return
    focal = (instance.focal_point_x, instance.focal_point_y, instance.focal_point_width, instance.focal_point_height)
    key = f"renditions:cms-image:{instance.pk}:{instance.file.name}:{focal}"
    enqueue(make_image_renditions, instance.pk, key=key[:200])
