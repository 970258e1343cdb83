from django import forms
from django.core.validators import EMPTY_VALUES
from django.utils.translation import gettext_lazy as _
from oscar.apps.basket.forms import AddToBasketForm as OscarAddToBasketForm
from oscar.apps.basket.forms import SimpleAddToBasketMixin


class AddToBasketForm(OscarAddToBasketForm):
    """Oscar's, reading the product's options once (Oscar reads them for the fields and again when cleaning);
    a product read for the add (``basket.views.read_product``) brings its options and, for a parent, its
    public variants with their stock records, so the form reads nothing more."""

    def product_options(self):
        if not hasattr(self, "_product_options"):
            product = self.parent_product
            known = getattr(product, "_add_options", None)
            if known is not None:
                self._product_options = list(known)
            else:
                self._product_options = list(product.options) if product.has_options else []
        return self._product_options

    def _create_product_fields(self, product):
        for option in self.product_options():
            self._add_option_field(product, option)

    def _create_parent_product_fields(self, product):
        children = getattr(product, "_add_children", None)
        if children is None:
            return super()._create_parent_product_fields(product)
        # Posted, not shown: the choice is checked against the public variants; whether the chosen one
        # can be bought is checked in ``clean`` with its stock, as Oscar does.
        self.fields["child_id"] = forms.ChoiceField(
            choices=[(child.id, child.title or product.title) for child in children], label=_("Variant")
        )

    def clean_child_id(self):
        children = getattr(self.parent_product, "_add_children", None)
        if children is None:
            return super().clean_child_id()
        chosen = str(self.cleaned_data["child_id"])
        for child in children:
            if str(child.id) == chosen:
                self.child_product = child
                return self.cleaned_data["child_id"]
        raise forms.ValidationError(_("Please select a valid product"))

    def clean(self):
        # A product the shop does not show (a listing waiting for review or rejected, or hidden by its
        # seller; a variant of one) is not sold either, even when its stock is posted to directly.
        product = self.product
        if not product.is_public or (product.parent_id and not product.parent.is_public):
            raise forms.ValidationError(_("Not for sale at the moment"))
        return super().clean()

    def cleaned_options(self):
        options = []
        for option in self.product_options():
            if option.code in self.cleaned_data:
                value = self.cleaned_data[option.code]
                if option.required or value not in EMPTY_VALUES:
                    options.append({"option": option, "value": value})
        return options


class SimpleAddToBasketForm(SimpleAddToBasketMixin, AddToBasketForm):
    pass
