"""Searchable choosers for Oscar products and member businesses in the Wagtail admin.

Editors pick what a story links to by name, never by typing ids. Only what a
shopper could see is offered: browsable products and active businesses.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet


class NameSearchForm(BaseFilterForm):
    """A plain ``q`` search over the given fields (these models are not in Wagtail's index)."""

    search_fields = ()
    q = forms.CharField(label=_("Search term"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Search")}))

    def filter(self, objects):
        query = self.cleaned_data.get("q", "").strip()
        if query:
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": query})
            objects = objects.filter(condition)
            self.is_searching, self.search_query = True, query
        return objects


class ProductSearchForm(NameSearchForm):
    search_fields = ("title", "upc", "stockrecords__partner__name", "children__stockrecords__partner__name")

    def filter(self, objects):
        return super().filter(objects).distinct()


class BusinessSearchForm(NameSearchForm):
    search_fields = ("name", "founder_name", "kecamatan__name")


class ProductChooseMixin:
    filter_form_class = ProductSearchForm

    def get_object_list(self):
        Product = get_model("catalogue", "Product")
        return Product.objects.browsable().select_related("product_class").order_by("title")


class BusinessChooseMixin:
    filter_form_class = BusinessSearchForm

    def get_object_list(self):
        Partner = get_model("partner", "Partner")
        return Partner.objects.filter(status=Partner.Status.ACTIVE).select_related("kecamatan").order_by("name")


class ProductChooserViewSet(ChooserViewSet):
    model = "catalogue.Product"
    icon = "tag"
    choose_one_text = _("Choose a product")
    choose_another_text = _("Choose another product")
    choose_view_class = type("ProductChooseView", (ProductChooseMixin, ChooseView), {})
    choose_results_view_class = type("ProductChooseResultsView", (ProductChooseMixin, ChooseResultsView), {})


class BusinessChooserViewSet(ChooserViewSet):
    model = "partner.Partner"
    icon = "group"
    choose_one_text = _("Choose a member business")
    choose_another_text = _("Choose another member business")
    choose_view_class = type("BusinessChooseView", (BusinessChooseMixin, ChooseView), {})
    choose_results_view_class = type("BusinessChooseResultsView", (BusinessChooseMixin, ChooseResultsView), {})


product_chooser_viewset = ProductChooserViewSet("product_chooser")
business_chooser_viewset = BusinessChooserViewSet("business_chooser")
ProductChooserBlock = product_chooser_viewset.get_block_class(name="ProductChooserBlock", module_path="cms.choosers")
