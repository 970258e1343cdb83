"""Wagtail page types of the storefront."""

from .pages import HomePage, StandardPage  # noqa: F401
from .stories import FounderStoryPage, StoryIndexPage  # noqa: F401
