from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    """Where things are: the 44 kecamatan of Jakarta and the OK OCE Mart shops."""

    name = "places"
    verbose_name = _("Places and Marts")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from catalogue.versions import bump_site

        # Listings cache their facet sidebar and "Dekat saya" choices per catalogue version
        # (search.views.listing.Pieces): a renamed kecamatan shows on the next request.
        Kecamatan = self.get_model("Kecamatan")
        post_save.connect(bump_site, sender=Kecamatan, dispatch_uid="okoce-kecamatan-site-version")
        post_delete.connect(bump_site, sender=Kecamatan, dispatch_uid="okoce-kecamatan-site-version")
