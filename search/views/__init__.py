"""Listing views: search results, the catalogue, categories, kecamatan and shops.

Oscar's catalogue app loads ``CatalogueView`` and ``ProductCategoryView`` from
here through ``get_class``; the search app loads ``FacetedSearchView``.
"""

from .listing import (
    CatalogueView,
    FacetedSearchView,
    KecamatanListView,
    KecamatanView,
    ProductCategoryView,
    ShopView,
)

__all__ = ["CatalogueView", "FacetedSearchView", "KecamatanListView", "KecamatanView", "ProductCategoryView", "ShopView"]
