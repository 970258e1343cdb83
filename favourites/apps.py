from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FavouritesConfig(AppConfig):
    """What a shopper keeps: favourite products (Oscar's wish lists underneath) and followed shops."""

    name = "favourites"
    verbose_name = _("Favourites and followed shops")
