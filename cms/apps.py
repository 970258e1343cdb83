from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    """Wagtail pages: the home page and the programme's content pages."""

    name = "cms"
    verbose_name = _("Pages")

    def ready(self):
        from cms.search_groups import matching_stories
        from search import groups

        groups.register("matching_stories", matching_stories)

        from django.db.models.signals import post_save
        from wagtail.images import get_image_model

        from cms.renditions import image_saved

        # A new or changed image gets its renditions made by a worker (cms/renditions.py).
        post_save.connect(image_saved, sender=get_image_model(), dispatch_uid="okoce-image-renditions")
