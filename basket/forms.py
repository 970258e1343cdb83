from django.core.validators import EMPTY_VALUES
from oscar.apps.basket.forms import AddToBasketForm as OscarAddToBasketForm
from oscar.apps.basket.forms import SimpleAddToBasketMixin


class AddToBasketForm(OscarAddToBasketForm):
    """Oscar's, reading the product's options once (Oscar reads them for the fields and again when cleaning)."""

    def product_options(self):
        if not hasattr(self, "_product_options"):
            product = self.parent_product
            self._product_options = list(product.options) if product.has_options else []
        return self._product_options

    def _create_product_fields(self, product):
        for option in self.product_options():
            self._add_option_field(product, option)

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
