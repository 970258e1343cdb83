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
