from django import shortcuts
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.views.generic import FormView
from oscar.apps.basket import views
from oscar.apps.basket.views import SavedView, VoucherAddView, VoucherRemoveView  # noqa: F401  (Oscar's)
from oscar.core.loading import get_class, get_model

Applicator = get_class("basket.offers", "Applicator")
Option = get_model("catalogue", "Option")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


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


class BasketAddView(views.BasketAddView):
    """Oscar's; the product is read with what the form, the pricing strategy and the messages need:
    its parent and product class, whether it has options, its stock records with their businesses."""

    def get_product_queryset(self):
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

    def post(self, request, *args, **kwargs):
        self.product = shortcuts.get_object_or_404(self.get_product_queryset(), pk=kwargs["pk"])
        return FormView.post(self, request, *args, **kwargs)

    def form_valid(self, form):
        # One transaction for the basket, its line and Oscar's analytics counter: one commit (and,
        # on SQLite, one wait for the write lock and one sync of the log) instead of three.
        with transaction.atomic():
            return super().form_valid(form)
