"""The one interface both search engines answer."""

from dataclasses import dataclass, field


class Sort:
    RELEVANCY = "relevancy"
    NEWEST = "newest"
    PRICE_LOW = "price-asc"
    PRICE_HIGH = "price-desc"
    DISTANCE = "distance"
    RATING = "rating"  # highest average rating first, then the most reviewed
    BEST_SELLING = "best-selling"  # most units ordered first


@dataclass
class SearchQuery:
    """What a listing asks for.

    ``category``, ``kecamatan`` and ``partner`` scope the listing (a category
    page, a kecamatan page, a shop). ``facets`` is a ``search.facets.Facets``
    holding the shopper's facet choices (applied as post-filters). ``near`` is
    the shopper's own kecamatan ("Dekat saya"), used by the distance sort and
    to favour nearby makers.
    """

    text: str = ""
    category: object = None
    kecamatan: object = None
    partner: object = None
    sort: str = Sort.RELEVANCY
    facets: object = None
    near: object = None
    offset: int = 0
    limit: int = 24
    with_facets: bool = True


@dataclass
class SearchResults:
    ids: list
    total: int
    facets: list = field(default_factory=list)
    engine: str = "database"
    corrected: str = ""  # the query the results were found for, when the shopper's words found nothing
    fallback: bool = False  # answered by the database because Elasticsearch was unreachable
