"""Product listings and keyword search answered by the database alone."""

import difflib
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from django.db import connection
from django.db.models import (
    Case, Exists, ExpressionWrapper, F, FloatField, Min, OuterRef, Prefetch, Q, Subquery, Value, When,
)
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

from search.backends.base import SearchResults, Sort
from search.synonyms import expand, synonym_map
from search.text import query_tokens

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")


def sellable_stock(**partner_filters):
    """Stock records of active member businesses.

    The partner condition is an uncorrelated IN list rather than a join, so the
    database keeps using the stock record's product index however large the
    catalogue grows.
    """
    partners = Partner.objects.filter(status=Partner.Status.ACTIVE, **partner_filters).values("pk")
    return StockRecord.objects.filter(partner__in=partners)


def has_stock(stock):
    """The outer product, or one of its public variants, has one of these stock records.

    Two EXISTS clauses rather than one with an OR, so each is driven by its own
    index (stock record's product, product's parent).
    """
    return Q(Exists(stock.filter(product=OuterRef("pk")))) | Q(
        Exists(stock.filter(product__parent=OuterRef("pk"), product__is_public=True))
    )


def held_by(stock):
    """Browsable products whose own stock, or a public variant's, is one of ``stock``.

    Uncorrelated IN lists (the few thousand products of a kecamatan or a business), not a
    correlated EXISTS per product: the cost follows the scope, not the catalogue.
    """
    return Q(pk__in=stock.values("product_id")) | Q(
        pk__in=stock.filter(product__parent__isnull=False, product__is_public=True).values("product__parent_id")
    )


def sold_in_q(**kecamatan):
    """Listed products sold in the kecamatan matching ``kecamatan`` (lookups on ``ProductFacet.kecamatan``,
    e.g. ``kecamatan=k`` or ``kecamatan__slug__in=slugs``), from the facet table (``search.facettable``).

    For listed products (all ``for_sale``) the same as ``held_by(sellable_stock(kecamatan…))``: own or a
    public variant's stock held by an active business there, read from the table's (kecamatan, product)
    index rather than two IN lists over stock records."""
    from search.models import ProductFacet

    return Q(pk__in=ProductFacet.objects.filter(**kecamatan).values("product_id"))


def in_categories(categories):
    """Products in any of ``categories``, without a join (no duplicates, no DISTINCT)."""
    ProductCategory = get_model("catalogue", "ProductCategory")
    return Q(pk__in=ProductCategory.objects.filter(category__in=categories).values("product_id"))


def page_and_total(listing, offset, limit):
    """The ids of one page and the listing's total.

    Both are cheap now that the listing filters on the indexed ``for_sale`` column: the page is
    read in index order and stops at ``limit``, the count scans the covering index. (A window
    ``COUNT(*) OVER ()`` in the page's query was measured slower: it defeats the early stop.)
    Always both, so a listing runs the same queries whatever its size.
    """
    return list(listing.values_list("pk", flat=True)[offset : offset + limit]), listing.count()


def for_display(queryset):
    """Everything a product card reads, fetched in a fixed number of queries."""
    stock = StockRecord.objects.select_related("partner__kecamatan")
    children = Product.objects.filter(is_public=True).prefetch_related(Prefetch("stockrecords", queryset=stock))
    return queryset.select_related("product_class").prefetch_related(
        Prefetch("stockrecords", queryset=stock),
        Prefetch("children", queryset=children, to_attr="_prefetched_public_children"),
        "images",
    )


class DatabaseBackend:
    """Search answered by the database: the embedded default, and the fallback
    whenever Elasticsearch is unreachable.

    Words are matched against each product's normalised search text
    (``search.models.ProductText``: stems, synonyms expanded at query time);
    relevance counts matches in the name and maker above the rest, ranked
    with PostgreSQL's full-text ``ts_rank`` there; a word that matches
    nothing is corrected from the catalogue's vocabulary (trigram similarity
    on PostgreSQL, difflib on SQLite).
    """

    name = "database"

    def products(self, *, category=None, kecamatan=None, partner=None, sort="newest", query=""):
        """Browsable products sold by active member businesses, as a queryset.

        ``category`` is a Category (its descendants count too), ``kecamatan`` a
        Kecamatan, ``partner`` a Partner. ``query`` filters by words.
        """
        # for_sale: browsable and sellable, kept by search.forsale (an indexed column).
        qs = Product.objects.filter(for_sale=True)
        if partner is not None:
            filters = {"pk": partner.pk} if kecamatan is None else {"pk": partner.pk, "kecamatan": kecamatan}
            qs = qs.filter(held_by(sellable_stock(**filters)))
        elif kecamatan is not None:
            # First in the query: SQLite drives by its first IN list, and a kecamatan holds a few percent of
            # the catalogue.
            qs = qs.filter(sold_in_q(kecamatan=kecamatan))
        if category is not None:
            qs = qs.filter(in_categories(category.get_descendants_and_self()))
        if query:
            qs, _terms = self.match(qs, query_tokens(query))
        return self.sort(qs, sort)

    # -- words ---------------------------------------------------------------
    def match(self, qs, tokens):
        """Filter ``qs`` to products having every term; annotate a relevance ``score``."""
        terms = expand(tokens)
        score = Value(0)
        for n, alternatives in enumerate(terms):
            last = n == len(terms) - 1
            term_q = Q()
            for position, alt in enumerate(alternatives):
                alt_q = Q()
                # The shopper's own word in the name counts most, a synonym of it less.
                weight = 4 if position == 0 else 2
                for i, token in enumerate(alt):
                    prefix = last and i == len(alt) - 1 and len(token) >= 3
                    needle = f" {token}" if prefix else f" {token} "
                    alt_q &= Q(search_text__text__contains=needle)
                    score = score + Case(When(search_text__title__contains=needle, then=Value(weight)), default=Value(0))
                term_q |= alt_q
            qs = qs.filter(term_q)
        if terms:
            score = score + Value(1)
        return qs.annotate(score=score), terms

    def correct(self, tokens):
        """``tokens`` with each word unknown to the catalogue replaced by its closest known word."""
        from search.models import SearchTerm

        corrected = []
        for token in tokens:
            if len(token) < 4 or SearchTerm.objects.filter(word=token).exists() or token in synonym_map():
                corrected.append(token)
                continue
            corrected.append(closest_word(token) or token)
        return corrected

    # -- the listing -----------------------------------------------------------
    def search(self, q):
        from search.facets import Facets

        facets = q.facets or Facets({})
        scope = self.products(category=q.category, kecamatan=q.kecamatan, partner=q.partner)
        tokens = query_tokens(q.text)
        sort = q.sort
        if sort == Sort.RELEVANCY and not tokens:
            sort = Sort.NEWEST
        base = self.match(scope, tokens)[0] if tokens else scope
        ids, total = page_and_total(self.sort(facets.apply(base), sort, near=q.near, ranked_tokens=tokens), q.offset, q.limit)
        corrected = ""
        if tokens and not total:
            # Nothing for the shopper's words (with their choices): try the catalogue's closest words.
            # (Asked only then: a search that finds something costs no extra query.)
            fixed = self.correct(tokens)
            if fixed != tokens:
                fixed_qs, _t = self.match(scope, fixed)
                if fixed_qs.exists():
                    base, corrected = fixed_qs, " ".join(fixed)
                    listing = self.sort(facets.apply(base), sort, near=q.near, ranked_tokens=tokens)
                    ids, total = page_and_total(listing, q.offset, q.limit)
        facet_results = self.facet_counts(q, facets, base, corrected or " ".join(tokens)) if q.with_facets else []
        return SearchResults(ids=ids, total=total, facets=facet_results, engine=self.name, corrected=corrected)

    @staticmethod
    def facet_counts(q, facets, base, words):
        """Facet counts, kept per listing and choice at the site version (``catalogue.versions``): any
        change to the catalogue (a price, stock, a hold, a suspension) counts afresh on the next request,
        as the listing itself does. Read before counting, so counts are never stored under a newer
        version than they saw."""
        from catalogue import versions

        scope = (getattr(q.category, "pk", None), getattr(q.kecamatan, "pk", None), getattr(q.partner, "pk", None))
        chosen = sorted((k, tuple(v)) for k, v in facets.selected.items())
        at = versions.site_version()
        key = "facets:" + hashlib.sha1(repr((get_language(), scope, words, chosen, at)).encode()).hexdigest()
        counted = cache.get(key)
        if counted is None:
            counted = facets.count(base)
            cache.set(key, counted, versions.store_seconds(settings.FACET_CACHE_SECONDS))
        return counted

    def sort(self, qs, sort, near=None, ranked_tokens=()):
        if sort in ("price-asc", "price-desc"):
            qs = qs.annotate(
                min_price=Coalesce(Min("stockrecords__price"), Min("children__stockrecords__price"))
            )
            return qs.order_by(F("min_price").asc() if sort == "price-asc" else F("min_price").desc(), "-id")
        if sort == Sort.RATING:
            return qs.order_by(F("rating").desc(nulls_last=True), "-num_reviews", "-date_created", "-id")
        if sort == Sort.BEST_SELLING:
            return qs.order_by(F("stats__num_purchases").desc(nulls_last=True), "-date_created", "-id")
        if sort == Sort.DISTANCE and near is not None:
            return annotate_distance(qs, near).order_by(F("distance").asc(nulls_last=True), "-date_created", "-id")
        if sort == Sort.RELEVANCY and ranked_tokens:
            if connection.vendor == "postgresql":
                return qs.annotate(rank=full_text_rank(ranked_tokens)).order_by("-score", "-rank", "-date_created", "-id")
            return qs.order_by("-score", "-date_created", "-id")
        return qs.order_by("-date_created", "-id")

    def suggest(self, prefix, limit=6):
        """Product names, member businesses and kecamatan starting with ``prefix``."""
        return suggestions_from_database(prefix, limit)


def annotate_distance(qs, near):
    """Squared distance in degrees from ``near`` to the product's maker (fine at a city's scale)."""
    maker = sellable_stock().filter(Q(product=OuterRef("pk")) | Q(product__parent=OuterRef("pk")))
    lat = Subquery(maker.values("partner__kecamatan__lat")[:1])
    lon = Subquery(maker.values("partner__kecamatan__lon")[:1])
    dlat = ExpressionWrapper(lat - Value(near.lat), output_field=FloatField())
    dlon = ExpressionWrapper(lon - Value(near.lon), output_field=FloatField())
    return qs.annotate(distance=dlat * dlat + dlon * dlon)


def full_text_rank(tokens):
    from django.contrib.postgres.search import SearchQuery as PgQuery, SearchRank, SearchVector

    vector = SearchVector("search_text__title", weight="A", config="simple") + SearchVector(
        "search_text__text", weight="B", config="simple"
    )
    query = PgQuery(" | ".join(t for t in tokens if t.isalnum()) or "x", search_type="raw", config="simple")
    return SearchRank(vector, query)


def closest_word(token):
    """The catalogue word closest to ``token``, or None."""
    from search.models import SearchTerm

    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        row = (
            SearchTerm.objects.annotate(similarity=TrigramSimilarity("word", token))
            .filter(similarity__gte=0.3)
            .order_by("-similarity", "word")
            .values_list("word", flat=True)
            .first()
        )
        return row
    vocabulary = cache.get("search:vocabulary")
    if vocabulary is None:
        vocabulary = list(SearchTerm.objects.values_list("word", flat=True))
        cache.set("search:vocabulary", vocabulary, 600)
    found = difflib.get_close_matches(token, vocabulary, n=1, cutoff=0.75)
    return found[0] if found else None


def suggestions_from_database(prefix, limit=6):
    from places.models import Kecamatan

    prefix = prefix.strip()[:50]
    if len(prefix) < 2:
        return {"products": [], "businesses": [], "kecamatan": []}
    products = (
        Product.objects.filter(for_sale=True)
        .filter(Q(title__istartswith=prefix) | Q(title__icontains=f" {prefix}"))
        .order_by("title")
        .values_list("title", flat=True)
        .distinct()[:limit]
    )
    businesses = Partner.objects.filter(status=Partner.Status.ACTIVE).filter(
        Q(name__istartswith=prefix) | Q(name__icontains=f" {prefix}")
    ).order_by("name")[:limit]
    kecamatan = Kecamatan.objects.filter(Q(name__istartswith=prefix) | Q(alt_names__icontains=prefix)).order_by("name")[:limit]
    return {
        "products": list(products),
        "businesses": [(b.name, b.get_absolute_url()) for b in businesses],
        "kecamatan": [(k.name, k.get_absolute_url()) for k in kecamatan],
    }
