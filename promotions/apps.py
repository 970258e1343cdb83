from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    """Discounts on Oscar's offers: a maker's own promotions and the programme's campaigns, and who pays for each."""

    name = "promotions"
    verbose_name = "Promotions"

    def ready(self):
        from promotions import receivers  # noqa: F401
