from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "storefront"

    def ready(self):
        ensure_missing_image()


def ensure_missing_image():
    """Link Oscar's "missing image" picture into MEDIA_ROOT once, at start-up.

    Oscar links it on first use in a request; several workers serving their
    first product pages at once race to create the same link and all but one
    fail with a server error (seen in the soak test). Done here, a race between
    starting workers is harmless.
    """
    import os

    from django.conf import settings
    from django.contrib.staticfiles.finders import find

    if not settings.MEDIA_ROOT:
        return
    target = os.path.join(settings.MEDIA_ROOT, settings.OSCAR_MISSING_IMAGE_URL)
    source = find(f"oscar/img/{settings.OSCAR_MISSING_IMAGE_URL}")
    if source and not os.path.exists(target):
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.symlink(source, target)
        except FileExistsError:
            pass
