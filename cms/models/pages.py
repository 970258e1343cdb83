"""The home page and plain content pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageBlock
from django.http import Http404
from wagtail.models import Locale, Page

from cms.choosers import ProductChooserBlock


class HomePage(Page):
    """The shop's front page: a hero, new products and browsing by kecamatan."""

    hero_title = models.CharField(_("hero title"), max_length=120, blank=True)
    hero_text = models.TextField(_("hero text"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("hero image"),
    )

    featured_stories = StreamField(
        [("story", blocks.PageChooserBlock(page_type="cms.FounderStoryPage", label=_("Story")))],
        blank=True,
        verbose_name=_("featured stories"),
        help_text=_("Leave empty to show the three newest stories."),
    )
    featured_products = StreamField(
        [("product", ProductChooserBlock(label=_("Product")))],
        blank=True,
        verbose_name=_("featured products"),
        help_text=_("Leave empty to show the newest products."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("hero_image"),
        FieldPanel("featured_stories"),
        FieldPanel("featured_products"),
    ]
    subpage_types = ["cms.StandardPage", "cms.StoryIndexPage"]

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Serve the page in the shopper's language, or in Indonesian if it has no translation yet."""
        try:
            return super().route(request, path_components)
        except Http404:
            default = Locale.get_default()
            if self.locale_id == default.pk:
                raise
            return self.get_translation(default).specific.route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        """The home page's sections, read only when the template's cached copy of them is missing.

        Everything the sections show is the same for every shopper in a language, so the template
        keeps them whole in the cache under the site version (``catalogue.versions``), read here
        first, before anything they show: any change to a product, a category, a promotion or a
        CMS page makes a new key. The values below are lazy and cost nothing when the copy is used.
        """
        from django.conf import settings
        from django.core.cache import cache
        from django.utils.functional import SimpleLazyObject
        from oscar.core.loading import get_model

        from catalogue import versions
        from cms.models.stories import FounderStoryPage, in_active_language
        from cms.templatetags.story_tags import available_products
        from cms.impact import impact_by_kecamatan
        from cms.maps import dot_map
        from places.models import Kecamatan, Mart
        from search.views.listing import newest_products

        Partner = get_model("partner", "Partner")
        context = super().get_context(request, *args, **kwargs)
        context["site_version"] = versions.site_version()
        context["home_cache_seconds"] = settings.HOME_STATS_SECONDS

        def new_products():
            chosen = available_products([block.value for block in self.featured_products])
            return chosen or newest_products(8)

        def stories():
            chosen = [block.value.specific for block in self.featured_stories if block.value and block.value.live]
            return chosen or in_active_language(
                FounderStoryPage.objects.live().public().filter(locale=Locale.get_default())
                .select_related("business__kecamatan").prefetch_related("hero_image__renditions")
                .order_by("-first_published_at")[:3]
            )

        # Programme figures: the same for every shopper and slow to count, so shared through the
        # cache for a few minutes (HOME_STATS_SECONDS); a new member or order shows by then.
        stats = SimpleLazyObject(lambda: cache.get_or_set(
            "home:stats",
            lambda: (
                impact_by_kecamatan(), dot_map(),
                Partner.objects.filter(status=Partner.Status.ACTIVE).count(), Mart.objects.count(),
            ),
            settings.HOME_STATS_SECONDS,
        ))
        context.update(
            new_products=SimpleLazyObject(new_products),
            stories=SimpleLazyObject(stories),
            impact=SimpleLazyObject(lambda: stats[0]),
            dots=SimpleLazyObject(lambda: stats[1]),
            maker_count=SimpleLazyObject(lambda: stats[2]),
            mart_count=SimpleLazyObject(lambda: stats[3]),
            kota_groups=SimpleLazyObject(Kecamatan.objects.by_kota),
        )
        return context


class StandardPage(Page):
    """A plain content page: about the programme, how to join, FAQ."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock(form_classname="title", label=_("Heading"))),
            ("paragraph", blocks.RichTextBlock(label=_("Paragraph"))),
            ("image", ImageBlock(label=_("Image"))),
        ],
        blank=True,
        verbose_name=_("body"),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
