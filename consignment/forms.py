"""The Mart operator's forms. None takes the Mart from the request: views pass the operator's own Mart in."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

MAX_UNITS = 9999


class QuantityField(forms.IntegerField):
    default_error_messages = {
        "invalid": _("Write a whole number, for example 12."),
        "min_value": _("Enter a quantity of at least %(limit_value)s."),
        "max_value": _("At most %(limit_value)s units at once."),
    }

    def __init__(self, min_value=1, **kwargs):
        super().__init__(min_value=min_value, max_value=MAX_UNITS, **kwargs)
        self.widget.attrs.update(inputmode="numeric", autocomplete="off")


class MakerForm(forms.Form):
    """Step 1 of a delivery: which member business brought it."""

    pembuat = forms.ModelChoiceField(Partner.objects.none(), label=_("Maker"), empty_label=_("Choose the maker"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pembuat"].queryset = Partner.objects.filter(status=Partner.Status.ACTIVE).order_by("name")


class DeliveryForm(forms.Form):
    """Step 2: which of that maker's variants, how many, and the maker's agreed share of the till price."""

    stockrecord = forms.ModelChoiceField(StockRecord.objects.none(), label=_("Product"), empty_label=_("Choose the product"))
    quantity = QuantityField(label=_("Units received"))
    share = forms.DecimalField(label=_("Maker's share (%)"), min_value=Decimal("1"), max_value=Decimal("100"), decimal_places=1,
                               max_digits=4, initial=Decimal("80"),
                               help_text=_("Agreed with the maker: their part of the till price. The Mart keeps the rest."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, maker, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share"].widget.attrs.update(inputmode="decimal")
        records = (StockRecord.objects.filter(partner=maker, product__structure__in=["standalone", "child"])
                   .select_related("product", "product__parent").order_by("product__parent__title", "product__title"))
        field = self.fields["stockrecord"]
        field.queryset = records
        field.label_from_instance = lambda r: f"{r.product.get_title()} · Rp {r.price:,.0f}".replace(",", ".")


class CountForm(forms.Form):
    counted = QuantityField(min_value=0, label=_("Units counted on the shelf"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class TakeForm(forms.Form):
    """A till sale or a return: how many units leave the shelf."""

    quantity = QuantityField(label=_("Units"), initial=1)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class HandoverForm(forms.Form):
    number = forms.CharField(label=_("Order number"), max_length=128)
