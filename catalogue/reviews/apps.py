"""Oscar's reviews app, forked: reviews come only from verified buyers of a delivered line.

Oscar's own review pages stay unmounted ("reviews" is in OSCAR_HIDDEN_FEATURES: its form lets
anyone signed in review anything); shoppers write reviews at ``catalogue.reviews.urls``.
"""

import oscar.apps.catalogue.reviews.apps as apps


class CatalogueReviewsConfig(apps.CatalogueReviewsConfig):
    name = "catalogue.reviews"
