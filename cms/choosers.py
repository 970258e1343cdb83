"""Searchable choosers for Oscar products and member businesses in the Wagtail admin.

Editors pick what a story links to by name, never by typing ids. Only what a
shopper could see is offered: browsable products and active businesses.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_class, get_model
from oscar.templatetags.currency_filters import currency
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from partner.ownership import seller_of


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
    """Search by name, code or maker, optionally narrowed to one member business (the story's)."""

    search_fields = ("title", "upc", "stockrecords__partner__name", "children__stockrecords__partner__name")
    business = forms.ModelChoiceField(
        label=_("Member business"), required=False, empty_label=_("All member businesses"),
        queryset=get_model("partner", "Partner").objects.filter(status="active").order_by("name"),
    )

    def filter(self, objects):
        business = self.cleaned_data.get("business")
        if business is not None:
            objects = objects.filter(Q(stockrecords__partner=business) | Q(children__stockrecords__partner=business))
        return super().filter(objects).distinct()


class PhotoColumn(Column):
    """The product's first photo, small, so editors recognise what they pick."""

    cell_template_name = "cms/chooser/photo_cell.html"


def price_text(product):
    """The price a shopper sees on the product's card: "mulai Rp 150.000" for a product with variants."""
    strategy = get_class("partner.strategy", "Selector")().strategy()
    info = strategy.fetch_for_parent(product) if product.is_parent else strategy.fetch_for_product(product)
    if not info.price.exists:
        return ""
    amount = currency(info.price.incl_tax, info.price.currency)
    return _("from %(price)s") % {"price": amount} if product.is_parent else amount


class BusinessSearchForm(NameSearchForm):
    search_fields = ("name", "founder_name", "kecamatan__name")


class ProductChooseMixin:
    """One row per product (variants are chosen on the product page, not here): photo, name, maker, price."""

    filter_form_class = ProductSearchForm

    def get_object_list(self):
        # Imported here: cms.choosers loads with cms.models, before the search app's models are ready.
        from search.backends.database import for_display

        Product = get_model("catalogue", "Product")
        return for_display(Product.objects.browsable().order_by("title"))

    @property
    def columns(self):
        maker = Column("maker", label=_("Maker"), accessor=lambda product: getattr(seller_of(product), "name", ""))
        return [PhotoColumn("photo", label=_("Photo"), width="64px"), self.title_column, maker,
                Column("price", label=_("Price"), accessor=price_text)]


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
