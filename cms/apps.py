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
