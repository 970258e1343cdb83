"""Oscar's catalogue with listing moderation.

``is_public`` stays Oscar's storefront switch, but here it is *derived*: a
product is public when its seller has published it and the programme has
approved it (see ``sync_visibility``). Every Oscar query that asks for
browsable or public products therefore keeps working unchanged.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractCategory, AbstractProduct


class Category(AbstractCategory):
    product_classes = models.ManyToManyField(
        "catalogue.ProductClass", blank=True, related_name="fitting_categories", verbose_name=_("product types"),
        help_text=_("The product types sellers may put here (and in its subcategories). Empty: every type."),
    )

    class Meta(AbstractCategory.Meta):
        pass


def categories_for(product_class):
    """The categories a seller may choose for a product of ``product_class``, in tree order.

    A category fits when it or one of its ancestors names the type; a category tree
    whose root and branches name no type at all fits every type.
    """
    categories = list(Category.objects.prefetch_related("product_classes").order_by("path"))
    by_path = {c.path: c for c in categories}
    steplen = Category.steplen
    named = {c.path: {pc.pk for pc in c.product_classes.all()} for c in categories}
    roots_naming = set()
    for path, classes in named.items():
        if classes:
            roots_naming.add(path[:steplen])
    fitting = []
    for category in categories:
        ancestry = [category.path[:i] for i in range(steplen, len(category.path) + 1, steplen)]
        if any(product_class.pk in named.get(p, ()) for p in ancestry) or category.path[:steplen] not in roots_naming:
            category.seller_label = " › ".join(by_path[p].name for p in ancestry if p in by_path)
            fitting.append(category)
    return fitting


class Product(AbstractProduct):
    class Moderation(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    published = models.BooleanField(
        _("published by the seller"), default=True, help_text=_("The seller wants this product in the shop.")
    )
    moderation = models.CharField(
        _("moderation"), max_length=16, choices=Moderation.choices, default=Moderation.APPROVED, db_index=True
    )
    needs_review = models.BooleanField(
        _("changed since review"), default=False, db_index=True,
        help_text=_("An approved listing that its seller changed; it stays in the shop until staff review it."),
    )
    moderation_reason = models.TextField(_("reason for rejection"), blank=True)
    # Denormalised "listed in the shop": browsable (public, not a variant) and stock held by an
    # active member business (its own or a public variant's). Kept by search.forsale.refresh on
    # every change that affects it, so listings filter and count on an index, not a correlated EXISTS.
    for_sale = models.BooleanField(_("for sale"), default=False, editable=False)
    # Denormalised "in stock": units on hand, not held, of its own or a public variant's sellable stock.
    # Kept with for_sale, and by search.indexing.stock_changed for holds, releases and shipments (which
    # change stock without a save), so the "in stock" facet is a column, not two EXISTS per product.
    in_stock = models.BooleanField(_("in stock"), default=False, editable=False)
    # Denormalised like Oscar's ``rating`` (the average of visible reviews), so cards and both
    # search engines read the count without a query per product.
    num_reviews = models.PositiveIntegerField(_("number of reviews"), default=0, editable=False)

    class Meta(AbstractProduct.Meta):
        indexes = [
            models.Index(fields=["for_sale", "-date_created", "-id"], name="catalogue_product_forsale_new"),
        ]

    def sync_visibility(self):
        """Derive Oscar's ``is_public`` from the seller's wish and the programme's review."""
        if not self.is_child:
            self.is_public = self.published and self.moderation == self.Moderation.APPROVED

    def update_rating(self):
        """Oscar's hook after a review changes: the average and count of the reviews shoppers see.

        Saves only these fields (and ``date_updated``, so cached cards and search copies refresh);
        the product's save signal brings both search engines up to date.
        """
        from django.db.models import Avg, Count

        found = self.reviews.filter(status=self.reviews.model.APPROVED).aggregate(average=Avg("score"), count=Count("id"))
        self.rating = float(found["average"]) if found["count"] else None
        self.num_reviews = found["count"]
        self.save(update_fields=["rating", "num_reviews", "date_updated"])

    update_rating.alters_data = True

    @property
    def listing_state(self):
        """One word for the seller: live, hidden, pending, changed or rejected."""
        if self.moderation == self.Moderation.REJECTED:
            return "rejected"
        if self.moderation == self.Moderation.PENDING:
            return "pending"
        if not self.published:
            return "hidden"
        return "changed" if self.needs_review else "live"


from oscar.apps.catalogue.models import *  # noqa: E402,F401,F403
