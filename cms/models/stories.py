"""Founder success stories, written by marketing editors and linked to products."""

from django.core.paginator import Paginator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Locale, Page
from wagtail.search import index

from cms.blocks import StoryBodyBlock


class StoryIndexPage(Page):
    """The list of founder stories, filterable by kecamatan and product category."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.FounderStoryPage"]
    max_count_per_parent = 1
    per_page = 9

    class Meta:
        verbose_name = _("story index")

    def stories(self, kecamatan=None, category=None):
        """Live stories, newest first. Stories are written in Indonesian; an English
        index lists the same stories (see ``in_active_language``)."""
        default_index = self if self.locale_id == Locale.get_default().pk else self.get_translation(Locale.get_default())
        stories = (
            FounderStoryPage.objects.live()
            .public()
            .child_of(default_index)
            .select_related("business__kecamatan", "category")
            .prefetch_related("hero_image__renditions")
            .order_by("-first_published_at", "-pk")
        )
        if kecamatan:
            stories = stories.filter(business__kecamatan__slug=kecamatan)
        if category:
            stories = stories.filter(category__slug=category)
        return stories

    def get_context(self, request, *args, **kwargs):
        from catalogue.models import Category
        from places.models import Kecamatan

        context = super().get_context(request, *args, **kwargs)
        kecamatan, category = request.GET.get("kecamatan", ""), request.GET.get("kategori", "")
        paginator = Paginator(self.stories(kecamatan, category), self.per_page)
        page_obj = paginator.get_page(request.GET.get("page"))
        page_obj.object_list = in_active_language(page_obj.object_list)
        context.update(
            page_obj=page_obj,
            paginator=paginator,
            selected_kecamatan=kecamatan,
            selected_category=category,
            kecamatan_options=Kecamatan.objects.filter(
                businesses__story_pages__live=True
            ).distinct().order_by("name"),
            category_options=Category.objects.filter(story_pages__live=True).distinct().order_by("name"),
        )
        return context


def in_active_language(stories):
    """Swap each story for its published translation in the active language, in one query."""
    stories = list(stories)
    active = Locale.get_active()
    if not stories or all(story.locale_id == active.pk for story in stories):
        return stories
    translations = {
        story.translation_key: story
        for story in FounderStoryPage.objects.live()
        .public()
        .filter(locale=active, translation_key__in=[s.translation_key for s in stories])
        .select_related("business__kecamatan", "category")
        .prefetch_related("hero_image__renditions")
    }
    return [translations.get(story.translation_key, story) for story in stories]


class FounderStoryPage(Page):
    """One founder's success story, tied to their member business and products."""

    founder_name = models.CharField(_("founder"), max_length=128)
    business = models.ForeignKey(
        "partner.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="story_pages",
        verbose_name=_("member business"),
        help_text=_("The story's kecamatan is taken from the business."),
    )
    category = models.ForeignKey(
        "catalogue.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="story_pages",
        verbose_name=_("product category"),
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("hero image"),
    )
    intro = models.TextField(_("introduction"), max_length=400)
    body = StreamField(StoryBodyBlock(), blank=True, verbose_name=_("story"))

    content_panels = Page.content_panels + [
        FieldPanel("founder_name"),
        FieldPanel("business"),
        FieldPanel("category"),
        FieldPanel("hero_image"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("founder_name")]
    parent_page_types = ["cms.StoryIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("founder story")

    @cached_property
    def kecamatan(self):
        return self.business.kecamatan if self.business else None

    @property
    def business_is_active(self):
        return self.business is not None and self.business.is_active

    def get_meta_description(self):
        return self.search_description or self.intro
