"""Founder stories as a result group on the search page (registered with ``search.groups`` in ``CmsConfig.ready``)."""

from django.db.models import Q


def matching_stories(words, limit=3):
    """Live founder stories whose title, introduction or founder contains every word, in the shopper's language."""
    from wagtail.models import Locale

    from cms.models.stories import FounderStoryPage, in_active_language

    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(intro__icontains=word) | Q(founder_name__icontains=word)
    found = (
        FounderStoryPage.objects.live().public()
        .filter(locale__in={Locale.get_active().pk, Locale.get_default().pk})
        .filter(condition)
        .select_related("business__kecamatan")
        .order_by("-first_published_at", "-pk")[: limit * 2]
    )
    stories, seen = [], set()
    for story in in_active_language(found):
        if story.translation_key not in seen:
            seen.add(story.translation_key)
            stories.append(story)
    return stories[:limit]
