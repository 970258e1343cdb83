"""What search keeps of its own: staff-edited synonyms, the database engine's
search text, and the durable queue of changes waiting for Elasticsearch."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SynonymGroup(models.Model):
    """Words a shopper uses for the same thing ("kerudung, hijab, jilbab").

    Staff edit these on the staff synonym page; both engines expand a
    shopper's words with them at query time, so a change needs no reindex.
    """

    words = models.CharField(_("words"), max_length=500, help_text=_("Separated by commas."))
    date_updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["words"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")

    def __str__(self):
        return self.words

    @property
    def word_list(self):
        return [w.strip() for w in self.words.split(",") if w.strip()]


class ProductText(models.Model):
    """A browsable product's words, normalised (see search.text), for the database engine.

    ``title`` holds the product's own name and maker; ``text`` everything a
    shopper may search by (name, description, type, categories, maker,
    kecamatan, kota, other spellings). Both are wrapped in spaces so a word
    can be matched as `` word``.
    """

    product = models.OneToOneField("catalogue.Product", on_delete=models.CASCADE, primary_key=True, related_name="search_text")
    title = models.TextField()
    text = models.TextField()
    # When the product was read (search.records.now_version): an older copy never replaces a newer one.
    version = models.BigIntegerField(default=0)


class SearchTerm(models.Model):
    """Every normalised word seen in product text: the vocabulary for "did you mean"."""

    word = models.CharField(max_length=64, unique=True)


class IndexQueue(models.Model):
    """A product whose Elasticsearch document must be (re)written or removed.

    Rows are written in the same transaction as the change that caused them,
    so a change is never lost when the cluster is unreachable; they are
    deleted once Elasticsearch has accepted the document.
    """

    product_id = models.IntegerField(db_index=True)
    date_queued = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]


class ProductFacet(models.Model):
    """Where and at what price a listed product is sold: the database engine's facet table.

    One row per distinct (browsable product, kecamatan, price band) of the product's *sellable*
    stock: stock records of the product itself or of its public variants, held by an active member
    business (``search.backends.database.sellable_stock``), the kecamatan being the business's. A
    product sold by its maker in Tebet and by a reseller in Koja, with variants in two price bands,
    has up to four rows. A product has rows exactly when it is ``for_sale``.

    ``Facets.kecamatan`` and ``Facets.prices`` count ``DISTINCT product_id`` here, grouped by
    kecamatan or band, over the listing's ids: a covering index answers them, instead of joining
    every stock record of the listing to its business (about 0.85 s each at 100,000 products on
    SQLite; an index-driven rewrite of that join was measured slower still).

    Kept by ``search.facettable.refresh``, called from ``search.forsale.refresh`` wherever
    ``Product.for_sale`` is recomputed (``search.indexing.product_changed``: product, variant,
    stock record and member business saves and deletes; ``rebuild_texts`` after bulk loads);
    ``manage.py facet_table`` refills it. Whether a product is *in stock* is not kept here but in
    ``Product.in_stock`` (``search.forsale``), which holds and releases move too.
    """

    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="facet_rows", db_index=False)
    # NULL: the business has no kecamatan (counted in no kecamatan, but in its price band).
    kecamatan = models.ForeignKey("places.Kecamatan", on_delete=models.CASCADE, null=True, related_name="+", db_index=False)
    # Position in search.facets.PRICE_RANGES (0 = the cheapest); NULL: the stock record has no price.
    # Changing PRICE_RANGES needs the table refilled (``manage.py facet_table``).
    price_band = models.PositiveSmallIntegerField(null=True)

    class Meta:
        indexes = [
            # Covering for the counts: product_id IN (listing) → kecamatan, band.
            models.Index(fields=["product", "kecamatan", "price_band"], name="search_facet_product"),
            # For a kecamatan's products (its facet filter) and the foreign key.
            models.Index(fields=["kecamatan", "product"], name="search_facet_kecamatan"),
            # For a price range's products (its facet filter).
            models.Index(fields=["price_band", "product"], name="search_facet_price_band"),
        ]

    def __str__(self):
        return f"{self.product_id} · {self.kecamatan_id} · {self.price_band}"
