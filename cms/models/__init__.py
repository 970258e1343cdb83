"""Wagtail page types of the storefront."""

from .pages import HomePage, StandardPage  # noqa: F401
from .stories import FounderStoryPage, StoryIndexPage  # noqa: F401
from .size_guides import SizeGuide, SizeGuideRow  # noqa: F401
