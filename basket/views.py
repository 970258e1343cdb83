from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.views.generic import FormView
from oscar.apps.basket import views
from oscar.apps.basket.views import SavedView, VoucherAddView, VoucherRemoveView  # noqa: F401  (Oscar's)
from oscar.core.loading import get_class, get_model

from basket.utils import addition_message
from catalogue import versions

Applicator = get_class("basket.offers", "Applicator")
Option = get_model("catalogue", "Option")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

PRODUCT_KEY = "basket:add-product:{pk}"
PRODUCT_SECONDS = 24 * 3600


class BasketView(views.BasketView):
    """Oscar's basket page; its lines come with everything they show (``basket.models``) and the
    site's offers are read once for the middleware and the upsell messages (``basket.offers``)."""

    def get_upsell_messages(self, basket):
        offers = Applicator().get_offers(basket, self.request.user, self.request)
        applied_offers = list(basket.offer_applications.offers.values())
        return [
            {"message": offer.get_upsell_message(basket), "offer": offer}
            for offer in offers
            if offer.is_condition_partially_satisfied(basket) and offer not in applied_offers
        ]


def product_queryset():
    """Products read with what the add form, the pricing strategy and the messages need: the parent and
    product class, whether it has options, its stock records with their businesses."""
    return (
        Product.objects.select_related("product_class", "parent__product_class")
        .annotate(
            # What Oscar's Product.has_options reads (a child has its parent's class).
            has_product_class_options=Exists(
                Option.objects.filter(
                    Q(productclass=OuterRef("product_class")) | Q(productclass=OuterRef("parent__product_class"))
                )
            ),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
        )
        .prefetch_related(Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner")))
    )


def read_product(pk):
    """The product ``pk`` as the add needs it (``product_queryset``), or None. A parent comes with its
    public variants (``_add_children``, each with its stock records and businesses, the parent set) and
    a product with options with them (``_add_options``), so the form asks nothing more."""
    product = product_queryset().filter(pk=pk).first()
    if product is None:
        return None
    if product.has_options:
        product._add_options = list(product.options)
    if product.is_parent:
        children = list(
            Product.objects.filter(parent=product, is_public=True)
            .select_related("product_class")
            .prefetch_related(Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner")))
            .order_by("pk")
        )
        for child in children:
            child.parent = product
            # A variant's options are its parent's (Oscar's form reads the parent's).
            child.has_product_class_options = product.has_product_class_options
            child.has_product_options = False
        product._add_children = children
    return product


# {variant id: its parent's id} as this worker learnt them (a variant's parent never changes); bounded.
_roots = {}
ROOTS_KEPT = 50_000


def remember_root(pk, root):
    if root != pk and pk not in _roots:
        if len(_roots) >= ROOTS_KEPT:
            _roots.clear()
        _roots[pk] = root


def product_for_add(pk):
    """``read_product(pk)``, kept in the cache under the version of the product (of its parent, for a
    variant): any change to it, its variants, their stock or prices, its moderation or its maker's
    status (``catalogue.versions.bump``) reads it afresh on the next add.

    The entry remembers which product's version it was stored under (the parent's for a variant; a
    variant's parent does not change, so the worker remembers it too), so an add reads the entry, the
    version and the site version (which the offers read next) in one round trip, and no query when the
    entry is current."""
    key = PRODUCT_KEY.format(pk=pk)
    guess = _roots.get(pk, pk)
    found = cache.get_many([key, versions.PREFIX + str(guess), versions.SITE_KEY])
    versions.remember_site_version(found.get(versions.SITE_KEY))
    entry = found.get(key)
    if entry is not None:
        root, version, product = entry
        remember_root(pk, root)
        current = found.get(versions.PREFIX + str(root)) if root == guess else versions.versions_for([root])[root]
        if version == current:
            return product
    else:
        row = Product.objects.filter(pk=pk).values_list("parent_id").first()
        if row is None:
            return None
        root = row[0] or pk
    # The version is read before the rows: a change committed meanwhile has bumped it again.
    version = versions.versions_for([root])[root]
    product = read_product(pk)
    if product is not None and (product.parent_id or product.pk) == root:
        remember_root(pk, root)
        cache.set(key, (root, version, product), versions.store_seconds(PRODUCT_SECONDS))
    return product


class BasketAddView(views.BasketAddView):
    """Oscar's add to the basket, with the product (and a parent's variants, and any options) read from
    the cache under the product's version (``product_for_add``), Oscar's analytics counted in batches
    (``basket.additions``), the messages written without templates (``basket.utils``) and the
    basket and its line written in one transaction (``Basket.add_product``)."""

    def get_product_queryset(self):
        return product_queryset()

    def post(self, request, *args, **kwargs):
        try:
            pk = int(kwargs["pk"])
        except (TypeError, ValueError):
            raise Http404
        self.product = product_for_add(pk)
        if self.product is None:
            raise Http404
        return FormView.post(self, request, *args, **kwargs)

    def get_success_message(self, form):
        return addition_message(form.product, form.cleaned_data["quantity"])
