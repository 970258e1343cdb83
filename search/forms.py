"""The site-wide search form (no haystack)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    RELEVANCY = "relevancy"
    NEWEST = "newest"
    PRICE_LOW = "price-asc"
    PRICE_HIGH = "price-desc"
    SORT_CHOICES = [
        (RELEVANCY, _("Relevance")),
        (NEWEST, _("Newest")),
        (PRICE_LOW, _("Price: low to high")),
        (PRICE_HIGH, _("Price: high to low")),
    ]

    q = forms.CharField(
        required=False,
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
        return self.cleaned_data.get("q", "").strip() if self.is_valid() else ""

    def cleaned_sort(self):
        return (self.cleaned_data.get("sort_by") if self.is_valid() else "") or self.RELEVANCY
