import oscar.apps.offer.apps as apps


class OfferConfig(apps.OfferConfig):
    """Oscar's offer app, forked for speed only: whether a product is in a range is remembered in the
    cache at the site version (``offer.membership``), and a condition's or benefit's proxy keeps the
    range already read. Oscar still decides what applies."""

    name = "offer"

    def ready(self):
        super().ready()
        from offer import receivers  # noqa: F401  (the site version moves with every range change)
