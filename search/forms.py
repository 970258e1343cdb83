"""The site-wide search form (no haystack). "Nearest to me" sorts by distance from
the kecamatan the shopper chose ("Dekat saya"); without one it falls back to relevance."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

# NUL and other control characters: never part of a shopper's words (PostgreSQL refuses NUL outright).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def clean_words(text, limit=100):
    """The shopper's words without control characters, at most ``limit`` characters."""
    return CONTROL_CHARACTERS.sub(" ", str(text or "")[: limit * 2])[:limit].strip()


class SearchForm(forms.Form):
    RELEVANCY = "relevancy"
    NEWEST = "newest"
    PRICE_LOW = "price-asc"
    PRICE_HIGH = "price-desc"
    DISTANCE = "distance"
    RATING = "rating"
    BEST_SELLING = "best-selling"
    SORT_CHOICES = [
        (RELEVANCY, _("Relevance")),
        (NEWEST, _("Newest")),
        (BEST_SELLING, _("Best-selling")),
        (RATING, _("Highest rated")),
        (PRICE_LOW, _("Price: low to high")),
        (PRICE_HIGH, _("Price: high to low")),
        (DISTANCE, _("Nearest to me")),
    ]

    q = forms.CharField(
        required=False,
        max_length=100,
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"placeholder": _("Search shoes, kerudung, rendang, makers…"), "type": "search", "autocomplete": "off"}
        ),
    )
    sort_by = forms.ChoiceField(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        required=False,
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )

    def cleaned_query(self):
        """The search words, even when another field (an unknown sort) is invalid."""
        self.is_valid()
        return clean_words(self.cleaned_data["q"] if "q" in self.cleaned_data else self.data.get("q", ""))

    def cleaned_sort(self):
        self.is_valid()
        return self.cleaned_data.get("sort_by") or self.RELEVANCY
