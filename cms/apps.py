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

        from django.db.models.signals import post_delete

        from cms.models import SizeGuide, SizeGuideRow
        from cms.templatetags.size_guide_tags import forget_size_guide

        from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

        from cms.templatetags.story_tags import forget_stories_url

        # The site menu caches the stories index's URL (story_tags.stories_url).
        for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
            signal.connect(forget_stories_url, dispatch_uid=f"okoce-stories-url-{id(signal)}")

        # Page routes are remembered under the site version (cms/routing.py): a site or a view restriction
        # changed makes them stale (publishing, moving and renaming pages bump it through the signals above).
        from wagtail.models import PageViewRestriction, Site

        from cms.routing import route_changed

        for model in (Site, PageViewRestriction):
            post_save.connect(route_changed, sender=model, dispatch_uid=f"okoce-route-{model.__name__}")
            post_delete.connect(route_changed, sender=model, dispatch_uid=f"okoce-route-del-{model.__name__}")

        # Product pages cache the size guide of their type: a staff edit shows on the next request.
        for model in (SizeGuide, SizeGuideRow):
            post_save.connect(forget_size_guide, sender=model, dispatch_uid=f"okoce-size-guide-{model.__name__}")
            post_delete.connect(forget_size_guide, sender=model, dispatch_uid=f"okoce-size-guide-del-{model.__name__}")
