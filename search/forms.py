"""The site-wide search form (no haystack). "Nearest to me" sorts by distance from
the kecamatan the shopper chose ("Dekat saya"); without one it falls back to relevance."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    RELEVANCY = "relevancy"
    NEWEST = "newest"
    PRICE_LOW = "price-asc"
    PRICE_HIGH = "price-desc"
    DISTANCE = "distance"
    SORT_CHOICES = [
        (RELEVANCY, _("Relevance")),
        (NEWEST, _("Newest")),
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
        widget=forms.Select(attrs={"onchange": "this.form.submit()"}),
    )

    def cleaned_query(self):
        """The search words, even when another field (an unknown sort) is invalid."""
        self.is_valid()
        return self.cleaned_data.get("q", "").strip() if "q" in self.cleaned_data else self.data.get("q", "")[:100].strip()

    def cleaned_sort(self):
        self.is_valid()
        return self.cleaned_data.get("sort_by") or self.RELEVANCY
