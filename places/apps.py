from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    """Where things are: the 44 kecamatan of Jakarta and the OK OCE Mart shops."""

    name = "places"
    verbose_name = _("Places and Marts")
