"""Oscar's basket models with the lines read once per request, with everything pricing needs.

Oscar's ``all_lines`` joins each line's product and stock record only; the pricing strategy
(``partner.strategy``: the stock records of active members), shipping (each line's business),
the thumbnails (a variant shows its parent's photo) and ``is_shipping_required`` (the parent's
product class) then read the database line by line, and ``num_lines`` counts the lines with a
query of its own. Here one set of queries reads them all, whatever the number of lines.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from oscar.apps.basket.abstract_models import AbstractBasket
from oscar.core.loading import get_class, get_model

OfferApplications = get_class("offer.results", "OfferApplications")


def _known(instance, relation, objects):
    """Give ``instance`` its ``relation`` as a prefetch would (``instance.<relation>.all()`` reads no more)."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache, queryset._prefetch_done = list(objects), True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = queryset


def _empty(model):
    """``model.objects.none()`` that knows it is empty without compiling a query when iterated."""
    queryset = model.objects.none()
    queryset._result_cache, queryset._prefetch_done = [], True
    return queryset


class Basket(AbstractBasket):
    def line_queryset(self):
        """This basket's lines with their products, parents, product classes and stock records (with
        their businesses) joined or prefetched."""
        StockRecord = get_model("partner", "StockRecord")
        return (
            self.lines.select_related(
                "product__product_class", "product__parent__product_class", "stockrecord__partner"
            )
            .prefetch_related(
                # The pricing strategy picks the stock record of an active member among the product's own.
                Prefetch("product__stockrecords", queryset=StockRecord.objects.select_related("partner")),
            )
            .order_by(self._meta.pk.name)
        )

    def read_lines(self):
        """The lines, read with everything the basket page, the header and the offers show of them:
        the queries above, one for the photos of the products and of their parents (a variant shows
        its parent's), and one for the options of the lines that have any."""
        lines = list(self.line_queryset())
        # Oscar's line reference is "<product>_<stock record>" for a line without options (with options,
        # a checksum of them follows): only those lines have attributes to read.
        with_options = [line for line in lines if line.line_reference != f"{line.product_id}_{line.stockrecord_id}"]
        for line in set(lines).difference(with_options):
            _known(line, "attributes", [])
        if with_options:
            prefetch_related_objects(with_options, "attributes")
        products = [line.product for line in lines]
        products += [product.parent for product in products if product.parent_id]
        if products:
            ProductImage = get_model("catalogue", "ProductImage")
            images = defaultdict(list)
            for image in ProductImage.objects.filter(product_id__in={product.pk for product in products}):
                images[image.product_id].append(image)
            for product in products:
                _known(product, "images", images[product.pk])
        return lines

    def _known_lines(self, lines):
        """The lines queryset already holding ``lines`` (what a query would return now). A plain
        queryset of this basket's lines: building ``line_queryset`` again only to hold them costs more
        than the add it follows."""
        queryset = self.lines.all()
        queryset._result_cache, queryset._prefetch_done = list(lines), True
        return queryset

    def all_lines(self):
        if self.id is None:
            # Oscar's ``objects.none()``, known to be empty: iterating a ``none()`` queryset still compiles
            # its SQL (about 0.3 ms), and the add form and the messages ask a new basket several times.
            return _empty(self.lines.model)
        if self._lines is None:
            self._lines = self._known_lines(self.read_lines())
        return self._lines

    def product_quantity(self, product):
        """Oscar's (the units of ``product`` in the basket), from the lines read once rather than with a
        query of its own."""
        if self.id is None:
            return 0
        return sum(line.quantity for line in self.all_lines() if line.product_id == product.pk)

    @property
    def num_lines(self):
        # Counted from the lines read once (every page's header shows the number of items anyway),
        # rather than with a COUNT query each time.
        return len(self.all_lines())

    def add_product(self, product, quantity=1, options=None):
        """Oscar's ``add_product``; a new basket's first line is created without looking for it first,
        and is then the basket's lines (no re-reading of what was just written).

        One transaction for the basket, its line and the line's options: one commit (on SQLite, one wait
        for the write lock and one append to the log) instead of one per row, and the write lock held for
        the writes only, not while the offers and messages that follow are worked out (on SQLite two
        shoppers adding at the same moment otherwise queue behind each other's whole request)."""
        with transaction.atomic():
            return self._add_product(product, quantity, options)

    def _add_product(self, product, quantity, options):
        if self.id:
            return self._add_to_saved_basket(product, quantity, options)
        options = options or []
        self.save()
        self._lines = self._known_lines([])  # a basket just created has no lines: nothing to read
        # The new basket has no vouchers yet either (``vouchers.add`` drops this).
        self._prefetched_objects_cache = {"vouchers": _empty(self.vouchers.model)}
        stock_info = self.get_stock_info(product, options)
        if not stock_info.price.exists:
            raise ValueError("Strategy hasn't found a price for product %s" % product)
        if stock_info.stockrecord is None:
            raise ValueError(
                "Basket lines must all have stock records. Strategy hasn't found any stock record for product %s"
                % product
            )
        fields = {
            "line_reference": self._create_line_reference(product, stock_info.stockrecord, options),
            "product": product,
            "stockrecord": stock_info.stockrecord,
            "quantity": max(0, quantity),
            "price_excl_tax": stock_info.price.excl_tax,
            "price_currency": stock_info.price.currency,
            "tax_code": stock_info.price.tax_code,
        }
        if stock_info.price.is_tax_known:
            fields["price_incl_tax"] = stock_info.price.incl_tax
        line = self.lines.create(**fields)
        for option_dict in options:
            line.attributes.create(option=option_dict["option"], value=option_dict["value"])
        self.offer_applications = OfferApplications()
        if options:
            self._lines = None
        else:
            # The basket's lines are this one line, with the product (and its stock records) already read.
            _known(line, "attributes", [])
            self._lines = self._known_lines([line])
            self._lines_just_added = True
        return line, True

    def _add_to_saved_basket(self, product, quantity, options):
        """Oscar's ``add_product`` for a basket already saved. When its lines were read in this request
        (the middleware reads them to apply the offers) and one of them is the product's, that line's
        quantity is updated in place and the lines are kept (their discounts cleared, for the offers to
        be applied again) rather than looked up and read again; otherwise Oscar's."""
        options = options or []
        if self._lines is None:
            return super().add_product(product, quantity, options)
        stock_info = self.get_stock_info(product, options)
        record = stock_info.stockrecord
        if not stock_info.price.exists or record is None or (
            self.currency and stock_info.price.currency != self.currency
        ):
            return super().add_product(product, quantity, options)  # Oscar's refusal
        reference = self._create_line_reference(product, record, options)
        lines = list(self._lines)
        for line in lines:
            if line.line_reference == reference and line.product_id == product.pk and line.stockrecord_id == record.pk:
                line.quantity = max(0, line.quantity + quantity)
                line.save()
                for kept in lines:
                    kept.clear_discount()
                self.offer_applications = OfferApplications()
                self._lines_just_added = True
                return line, False
        return super().add_product(product, quantity, options)

    def reset_offer_applications(self):
        self._lines_just_added = False
        super().reset_offer_applications()

    def reapply_offers_after_add(self):
        """Ready the basket for offers to be applied again after ``add_product``: as
        ``reset_offer_applications``, but a new basket's line just written (no discount on it
        yet, its product and stock records read) is kept rather than read again."""
        if getattr(self, "_lines_just_added", False):
            self._lines_just_added = False
            self.offer_applications = OfferApplications()
        else:
            self.reset_offer_applications()

    add_product.alters_data = True
    add = add_product


from oscar.apps.basket.models import *  # noqa: E402,F401,F403  (Line, LineAttribute and the rest from Oscar)
