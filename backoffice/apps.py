from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The programme back office (/staf/): programme staff's work, the way Oscar's dashboard is the shop's."""

    name = "backoffice"
    verbose_name = "Programme back office"
