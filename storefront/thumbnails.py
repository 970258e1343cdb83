"""A Pillow thumbnailer for Oscar's ``{% oscar_thumbnail %}``.

sorl-thumbnail and easy-thumbnails record every thumbnail in a database table,
which costs one query per image on a cold cache: a listing of 50 products would
run 50 more queries than one of 5. This one derives the thumbnail's file name
from the source name and options and only touches the storage, never the
database.
"""

import hashlib
import logging
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.templatetags.static import static
from oscar.core.thumbnails import AbstractThumbnailer
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)


class Thumbnail:
    """What Oscar's templates read from a thumbnail: ``url``, ``width``, ``height``."""

    def __init__(self, name, width, height, url=None):
        self.name = name
        self.width = width
        self.height = height
        self._url = url

    @property
    def url(self):
        return self._url or default_storage.url(self.name)

    def __str__(self):
        return self.url


class PillowThumbnailer(AbstractThumbnailer):
    folder = "cache/thumbs"

    def thumbnail_name(self, source_name, width, height, crop):
        digest = hashlib.sha1(f"{source_name}|{width}|{height}|{crop}".encode()).hexdigest()[:16]
        return f"{self.folder}/{digest[:2]}/{digest}.jpg"

    def generate_thumbnail(self, source, **opts):
        source_name = getattr(source, "name", None) or str(source)
        width, _, height = opts.get("size", "").partition("x")
        width, height = int(width or 0), int(height or 0)
        crop = opts.get("crop")
        if source_name == settings.OSCAR_MISSING_IMAGE_URL and getattr(settings, "MEDIA_S3", None):
            return self.missing(width, height)  # no bucket round trip for products without a photo
        name = self.thumbnail_name(source_name, width, height, crop)
        if default_storage.exists(name):
            return Thumbnail(name, width, height)
        try:
            with default_storage.open(source_name, "rb") as fh:
                image = ImageOps.exif_transpose(Image.open(fh))
                image = image.convert("RGB")
        except (OSError, ValueError):
            # A lost or unreadable upload must not break a listing: show the placeholder.
            # Oscar's "no photo" picture is served from the static files: with media in an S3 bucket
            # there is no MEDIA_ROOT copy of it (storefront.apps links one only for local media).
            if source_name != settings.OSCAR_MISSING_IMAGE_URL:
                logger.warning("Cannot read image %s for a thumbnail", source_name)
            return self.missing(width, height)
        if width and height and crop:
            image = ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)
        else:
            image.thumbnail((width or image.width, height or image.height), Image.Resampling.LANCZOS)
        buffer = BytesIO()
        image.save(buffer, "JPEG", quality=int(opts.get("quality", 82)), optimize=True)
        default_storage.save(name, ContentFile(buffer.getvalue()))
        return Thumbnail(name, image.width, image.height)

    def missing(self, width, height):
        return Thumbnail(settings.OSCAR_MISSING_IMAGE_URL, width, height,
                         url=static(f"oscar/img/{settings.OSCAR_MISSING_IMAGE_URL}"))

    def delete_thumbnails(self, source):
        """Nothing to do: names are hashes, so orphans go when MEDIA_ROOT/cache/ is cleared."""
