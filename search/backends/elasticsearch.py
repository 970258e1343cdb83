"""Product search on Elasticsearch 8 (elasticsearch-dsl), with the database as fallback.

The index lives behind an alias (``<prefix>products``); ``ProductIndex.rebuild``
fills a new index and switches the alias in one step. Documents carry
everything listings and facets need, so a listing is one request: the
query, its facet aggregations and the post-filter.

Analysis uses only what every Elasticsearch 8 node has (standard tokenizer,
lowercase, stop, hunspell with the ``id_ID`` dictionary): ``search_index
--check`` says what a cluster lacks. Synonyms are expanded by the app at
query time from the staff list, so editing them needs neither a deploy nor
a reindex; stems the dictionary misses (-nya) come from the app's own
stemmer (``search.text``) in the ``*_stems`` fields.
"""

import logging
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.dsl import (
    Boolean, Completion, Date, Document, Float, GeoPoint, Integer, Keyword, Long, Q, Search, Text, analyzer, token_filter,
)
from elasticsearch.helpers import bulk

from search import text as textmod
from search.backends.base import SearchResults, Sort
from search.backends.database import DatabaseBackend
from search.records import now_version, price_bucket_keys
from search.synonyms import expand

logger = logging.getLogger(__name__)

CIRCUIT_KEY = "search:elasticsearch:down-until"

id_hunspell = token_filter("id_hunspell", "hunspell", locale="id_ID", dedup=True)
id_stop = token_filter("id_stop", "stop", stopwords=sorted(textmod.STOPWORDS))
id_text = analyzer("id_text", tokenizer="standard", filter=["lowercase", id_stop, id_hunspell])
plain = analyzer("plain", tokenizer="standard", filter=["lowercase"])


class ElasticsearchUnavailable(Exception):
    """The cluster could not be reached or refused the request."""


class ProductDocument(Document):
    title = Text(analyzer=id_text, fields={"plain": Text(analyzer=plain)})
    description = Text(analyzer=id_text)
    title_stems = Text(analyzer=plain)
    stems = Text(analyzer=plain)
    maker = Text(analyzer=plain)
    maker_codes = Keyword()
    places = Text(analyzer=plain)
    kecamatan = Keyword()
    kota = Keyword()
    product_type = Keyword()
    product_type_name = Text(analyzer=id_text)
    category_ids = Keyword()
    category_names = Text(analyzer=id_text)
    price_min = Long()
    price_max = Long()
    price_buckets = Keyword()
    in_stock = Boolean()
    halal_expiry = Date()
    location = GeoPoint()
    date_created = Date()
    popularity = Integer()
    rating = Float()
    review_count = Integer()
    suggest = Completion(analyzer=plain, preserve_separators=False, max_input_length=60)

    @staticmethod
    def source(r):
        """The document body for record ``r`` (a plain dict: the DSL's per-field cleaning costs more than the bulk)."""
        return {
            "title": r.title,
            "description": r.description,
            "title_stems": r.search_title,
            "stems": r.search_text,
            "maker": [name for _code, name in r.makers],
            "maker_codes": [code for code, _name in r.makers],
            "places": r.extra_words,
            "kecamatan": [k.slug for k in r.kecamatan],
            "kota": sorted({k.kota for k in r.kecamatan}),
            "product_type": r.product_type,
            "product_type_name": r.product_type_name,
            "category_ids": [str(i) for i in r.category_ids],
            "category_names": r.category_names,
            "price_min": int(r.price_min),
            "price_max": int(r.price_max),
            "price_buckets": price_bucket_keys(r.prices),
            "in_stock": r.in_stock,
            "halal_expiry": r.halal_expiry.isoformat() if r.halal_expiry else None,
            "location": r.location,
            "date_created": r.date_created.isoformat(),
            "popularity": r.popularity,
            "rating": r.rating,
            "review_count": r.review_count,
            "suggest": {"input": [r.title[:60]] + [name[:60] for _c, name in r.makers], "weight": 1 + min(r.popularity, 1000)},
        }


_clients = {}


def client():
    """The process's client for ``ELASTICSEARCH_URL`` (thread-safe, keeps its connections open):
    made once per URL and timeout, not once per request (about a millisecond each)."""
    config = (settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT)
    found = _clients.get(config)
    if found is None:
        hosts = [h.strip() for h in config[0].split(",") if h.strip()]
        found = _clients[config] = Elasticsearch(
            hosts,
            request_timeout=config[1],
            max_retries=2,
            retry_on_timeout=True,
        )
    return found


class ProductIndex:
    """The products index behind its alias, and the operations that keep it."""

    def __init__(self, es=None):
        self.es = es or client()
        self.alias = f"{settings.ELASTICSEARCH_INDEX_PREFIX}products"
        self.building_alias = f"{self.alias}-building"

    def _guard(self, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except (TransportError, ConnectionError) as exc:
            raise ElasticsearchUnavailable(str(exc)) from exc
        except ApiError as exc:
            raise ElasticsearchUnavailable(f"{exc.meta.status if exc.meta else ''} {exc}") from exc

    # -- indices ---------------------------------------------------------------
    def create(self, name):
        from elasticsearch.dsl import Index

        index = Index(name, using=self.es)
        index.settings(number_of_shards=1, number_of_replicas=settings.ELASTICSEARCH_REPLICAS, max_result_window=50_000)
        index.document(ProductDocument)
        self._guard(index.create)
        return name

    def exists(self):
        return bool(self._guard(self.es.indices.exists_alias, name=self.alias))

    def ensure(self):
        """Create an empty index behind the alias if there is none (first start)."""
        if not self.exists():
            name = self.create(f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}")
            self._guard(self.es.indices.put_alias, index=name, name=self.alias)

    def targets(self):
        """The aliases a change must reach: the live one, and the one being rebuilt if any."""
        aliases = [self.alias]
        if self._guard(self.es.indices.exists_alias, name=self.building_alias):
            aliases.append(self.building_alias)
        return aliases

    # -- documents ---------------------------------------------------------------
    def actions(self, records, removed_ids, version, targets):
        for target in targets:
            for r in records:
                yield {
                    "_index": target, "_id": r.id, "_version": version, "_version_type": "external_gte",
                    "_source": ProductDocument.source(r),
                }
            for pk in removed_ids:
                yield {"_op_type": "delete", "_index": target, "_id": pk, "_version": version, "_version_type": "external_gte"}

    def write(self, records, ids, version=None, targets=None, refresh=False):
        """Index ``records`` and delete the other ``ids``, wherever the alias(es) point.

        Documents carry an external version (when they were read): an older
        copy never overwrites a newer one, whichever arrives last.
        """
        version = version or now_version()
        if targets is None:
            self.ensure()
            targets, aliases = self.targets(), True
        else:
            aliases = False
        removed = set(ids) - {r.id for r in records}
        try:
            _ok, errors = bulk(
                self.es, self.actions(records, removed, version, targets), refresh=refresh, raise_on_error=False,
                require_alias=aliases, chunk_size=500,
            )
        except (TransportError, ConnectionError) as exc:
            raise ElasticsearchUnavailable(str(exc)) from exc
        failures = [e for e in errors if not self.harmless(e)]
        if failures:
            raise ElasticsearchUnavailable(f"{len(failures)} documents refused, first: {failures[0]}")

    def harmless(self, error):
        """A newer copy already there (409), a document already gone, or a rebuild that just finished."""
        (op, item), = error.items()
        status = item.get("status")
        if status == 409 or (op == "delete" and status == 404):
            return True
        return item.get("_index") == self.building_alias and status == 404

    def rebuild(self, batches, progress=None):
        """Fill a new index from ``batches`` (iterable of (version, records)) and switch the alias to it.

        Searches keep answering from the old index until the switch. Changes
        flushed meanwhile are written to both (``<alias>-building``), and the
        external versions keep the newest copy of each product.
        """
        name = self.create(f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}")
        self._guard(self.es.indices.put_alias, index=name, name=self.building_alias)
        count = 0
        # The next batch is read from the database while the previous one is being sent.
        with ThreadPoolExecutor(max_workers=1) as sender:
            pending = None
            for version, records in batches:
                if pending is not None:
                    count += self._done(pending, progress)
                pending = sender.submit(self._send_batch, records, version, name)
            if pending is not None:
                count += self._done(pending, progress)
        self._guard(self.es.indices.refresh, index=name)
        old = list(self._guard(self.es.indices.get_alias, name=self.alias)) if self.exists() else []
        actions = [{"add": {"index": name, "alias": self.alias}}, {"remove": {"index": name, "alias": self.building_alias}}]
        actions += [{"remove": {"index": o, "alias": self.alias}} for o in old if o != name]
        self._guard(self.es.indices.update_aliases, actions=actions)
        for o in old:
            if o != name:
                self._guard(self.es.indices.delete, index=o, ignore_unavailable=True)
        return name, count

    def _send_batch(self, records, version, name):
        self.write(records, [r.id for r in records], version=version, targets=[name])
        return len(records)

    @staticmethod
    def _done(future, progress):
        sent = future.result()
        if progress:
            progress(sent)
        return sent

    def count(self):
        return self._guard(self.es.count, index=self.alias)["count"]

    def refresh(self):
        self._guard(self.es.indices.refresh, index=self.alias)


def get_index():
    return ProductIndex()


def cluster_marked_down():
    until = cache.get(CIRCUIT_KEY)
    return bool(until) and until > time.time()


def mark_cluster_down(exc):
    """Searches answer from the database, and saves only queue, for ELASTICSEARCH_RETRY_SECONDS."""
    seconds = settings.ELASTICSEARCH_RETRY_SECONDS
    if seconds > 0:
        cache.set(CIRCUIT_KEY, time.time() + seconds, seconds + 5)


# -- searching -----------------------------------------------------------------
TEXT_FIELDS = [
    "title_stems^4", "title^3", "title.plain^3", "maker", "places^2", "product_type_name^2",
    "category_names^2", "stems", "description",
]


def text_query(tokens, fuzzy=False):
    """Every term must match one of its alternatives in one of the text fields."""
    must = []
    for alternatives in expand(tokens):
        options = []
        for position, alt in enumerate(alternatives):
            words = " ".join(alt)
            kwargs = {"fuzziness": "AUTO:4,7", "prefix_length": 1} if fuzzy else {}
            # The shopper's own word counts more than its synonyms.
            kwargs["boost"] = 1 if position == 0 else 0.6
            options.append(Q("multi_match", query=words, fields=TEXT_FIELDS, operator="and", type="best_fields", **kwargs))
        must.append(Q("dis_max", queries=options) if len(options) > 1 else options[0])
    return Q("bool", must=must)


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self):
        self.index = get_index()
        self.database = DatabaseBackend()

    # The database answers every catalogue queryset (sitemaps, story blocks).
    def products(self, **kwargs):
        return self.database.products(**kwargs)

    def available(self):
        return not cluster_marked_down()

    def trip(self, exc):
        logger.error("Elasticsearch unreachable, answering from the database: %s", exc)
        mark_cluster_down(exc)

    def search(self, q):
        if self.available():
            try:
                return self._search(q)
            except ElasticsearchUnavailable as exc:
                self.trip(exc)
        results = self.database.search(q)
        results.fallback = True
        return results

    def suggest(self, prefix, limit=6):
        if self.available():
            try:
                return self._suggest(prefix, limit)
            except ElasticsearchUnavailable as exc:
                self.trip(exc)
        return self.database.suggest(prefix, limit)

    # -- the request -----------------------------------------------------------
    def scope_filters(self, q):
        filters = []
        if q.category is not None:
            filters.append(Q("term", category_ids=str(q.category.pk)))
        if q.kecamatan is not None:
            filters.append(Q("term", kecamatan=q.kecamatan.slug))
        if q.partner is not None:
            filters.append(Q("term", maker_codes=q.partner.code))
        return filters

    @staticmethod
    def facet_filters(selected):
        filters = {}
        if selected.get("kecamatan"):
            filters["kecamatan"] = Q("terms", kecamatan=selected["kecamatan"])
        if selected.get("kategori"):
            filters["kategori"] = Q("terms", category_ids=selected["kategori"])
        if selected.get("jenis"):
            filters["jenis"] = Q("terms", product_type=selected["jenis"])
        if selected.get("harga"):
            filters["harga"] = Q("terms", price_buckets=selected["harga"])
        if selected.get("stok"):
            filters["stok"] = Q("term", in_stock=True)
        if selected.get("halal"):
            filters["halal"] = Q("range", halal_expiry={"gte": "now/d"})
        return filters

    def build(self, q, tokens, fuzzy=False):
        from search.facets import Facets

        facets = q.facets or Facets({})
        s = Search(using=self.index.es, index=self.index.alias).extra(track_total_hits=True)
        query = Q("bool", filter=self.scope_filters(q), must=[text_query(tokens, fuzzy)] if tokens else [])
        if q.near is not None and q.sort == Sort.RELEVANCY and tokens:
            # Nearby makers first among equally relevant products.
            query = Q(
                "function_score", query=query, boost_mode="multiply",
                functions=[{"gauss": {"location": {"origin": {"lat": float(q.near.lat), "lon": float(q.near.lon)}, "scale": "10km", "decay": 0.7}}, "weight": 1}],
            )
        s = s.query(query)
        chosen = self.facet_filters(facets.selected)
        if chosen:
            s = s.post_filter(Q("bool", filter=list(chosen.values())))
        if q.with_facets:
            aggs = {
                "kecamatan": {"terms": {"field": "kecamatan", "size": 50}},
                "kategori": {"terms": {"field": "category_ids", "size": 100}},
                "jenis": {"terms": {"field": "product_type", "size": 50}},
                "harga": {"terms": {"field": "price_buckets", "size": 10}},
                "stok": {"filter": {"term": {"in_stock": True}}},
                "halal": {"filter": {"range": {"halal_expiry": {"gte": "now/d"}}}},
            }
            # Each facet counts with every *other* chosen facet applied (post_filter semantics).
            s = s.extra(aggs={
                key: {"filter": {"bool": {"filter": [f.to_dict() for k, f in chosen.items() if k != key]}}, "aggs": {"values": agg}}
                for key, agg in aggs.items()
            })
        s = s.sort(*self.sort_clause(q, tokens))
        return s.source(False)[q.offset : q.offset + q.limit]

    @staticmethod
    def sort_clause(q, tokens):
        sort = q.sort
        if sort == Sort.RELEVANCY and not tokens:
            sort = Sort.NEWEST
        if sort == Sort.PRICE_LOW:
            return [{"price_min": "asc"}, {"date_created": "desc"}]
        if sort == Sort.PRICE_HIGH:
            return [{"price_min": "desc"}, {"date_created": "desc"}]
        if sort == Sort.RATING:
            return [
                # unmapped_type: an index built before these fields existed still sorts (until its rebuild).
                {"rating": {"order": "desc", "missing": "_last", "unmapped_type": "float"}},
                {"review_count": {"order": "desc", "unmapped_type": "integer"}}, {"date_created": "desc"},
            ]
        if sort == Sort.BEST_SELLING:
            return [{"popularity": "desc"}, {"date_created": "desc"}]
        if sort == Sort.DISTANCE and q.near is not None:
            origin = {"lat": float(q.near.lat), "lon": float(q.near.lon)}
            return [{"_geo_distance": {"location": origin, "order": "asc", "unit": "km"}}, {"date_created": "desc"}]
        if sort == Sort.RELEVANCY:
            return ["_score", {"popularity": "desc"}, {"date_created": "desc"}]
        return [{"date_created": "desc"}, {"popularity": "desc"}]

    def execute(self, s):
        try:
            return s.execute()
        except (TransportError, ConnectionError) as exc:
            raise ElasticsearchUnavailable(str(exc)) from exc
        except ApiError as exc:
            raise ElasticsearchUnavailable(str(exc)) from exc

    # Only what a listing reads: the ids, the total and the facet counts.
    LISTING_FIELDS = "hits.total,hits.hits._id,aggregations"

    def send(self, s):
        """The raw answer (a dict) to the listing request ``s``: elasticsearch-dsl's ``Response`` and its
        ``Hit`` objects cost more than the page's 24 ids (about a millisecond), so they are skipped."""
        try:
            return self.index.es.search(index=self.index.alias, body=s.to_dict(), filter_path=self.LISTING_FIELDS).body
        except (TransportError, ConnectionError) as exc:
            raise ElasticsearchUnavailable(str(exc)) from exc
        except ApiError as exc:
            raise ElasticsearchUnavailable(str(exc)) from exc

    @staticmethod
    def total(answer):
        return answer.get("hits", {}).get("total", {}).get("value", 0)

    def _search(self, q):
        from search.facets import Facets

        facets = q.facets or Facets({})
        tokens = textmod.query_tokens(q.text)
        answer = self.send(self.build(q, tokens))
        corrected = ""
        if tokens and self.total(answer) == 0:
            fuzzy = self.send(self.build(q, tokens, fuzzy=True))
            if self.total(fuzzy):
                answer, corrected = fuzzy, self.correction(tokens) or " ".join(tokens)
        ids = [int(hit["_id"]) for hit in answer.get("hits", {}).get("hits", [])]
        facet_results = facets.from_aggregations(answer.get("aggregations", {})) if q.with_facets else []
        return SearchResults(ids=ids, total=self.total(answer), facets=facet_results, engine=self.name, corrected=corrected)

    def correction(self, tokens):
        """Elasticsearch's term suggester's closest catalogue words for ``tokens``."""
        s = Search(using=self.index.es, index=self.index.alias).suggest(
            "fix", " ".join(tokens), term={"field": "stems", "suggest_mode": "missing", "min_word_length": 4}
        )
        response = self.execute(s.extra(size=0))
        words = []
        for entry in response.suggest.fix:
            words.append(entry.options[0].text if entry.options else entry.text)
        return " ".join(words)

    def _suggest(self, prefix, limit):
        from search.backends.database import suggestions_from_database

        prefix = prefix.strip()[:50]
        if len(prefix) < 2:
            return {"products": [], "businesses": [], "kecamatan": []}
        completion = {"field": "suggest", "size": limit * 2, "skip_duplicates": True}
        if len(prefix) >= 4:
            completion["fuzzy"] = {"fuzziness": 1}
        s = Search(using=self.index.es, index=self.index.alias).suggest("products", prefix, completion=completion)
        s = s.source(["title"]).extra(size=0)
        response = self.execute(s)
        titles = []
        for option in response.suggest.products[0].options:
            title = option.to_dict().get("_source", {}).get("title") or option.text
            if title and title not in titles:
                titles.append(title)
        others = suggestions_from_database(prefix, limit)  # 44 kecamatan and the members: small tables
        others["products"] = titles[:limit]
        return others
