import oscar.apps.shipping.apps as apps


class ShippingConfig(apps.ShippingConfig):
    name = 'shipping'

    def ready(self):
        super().ready()
        from django.db.models.signals import post_delete, post_save

        from places.models import Kecamatan
        from shipping.templatetags.parcel_tags import forget_kecamatan_options

        # The kecamatan chooser's option list is cached per language (parcel_tags.kecamatan_options).
        for signal in (post_save, post_delete):
            signal.connect(forget_kecamatan_options, sender=Kecamatan, dispatch_uid=f"okoce-kecamatan-options-{signal}")
