"""Checks and clean-up for photos people upload: sellers' product photos and buyers' review photos.

Pillow decides what a file is (never its name or the browser's content type),
refuses decompression bombs, turns the picture upright from its EXIF
orientation and writes a fresh file without any EXIF (so no GPS location of
the seller's home leaves with the photo).
"""

import io
import os
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def clean_photo(upload):
    """Return a new, upright, EXIF-free upload, or raise ValidationError in the user's language."""
    name = os.path.basename(upload.name or "foto")
    if upload.size > settings.SELLER_IMAGE_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; a photo may be at most %(max)s.")
            % {"name": name, "size": filesizeformat(upload.size), "max": filesizeformat(settings.SELLER_IMAGE_MAX_BYTES)}
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            kind = image.format
            if kind not in ACCEPTED:
                raise ValidationError(_("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name})
            width, height = image.size
            if width * height > settings.SELLER_IMAGE_MAX_PIXELS:
                raise Image.DecompressionBombError
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("%(name)s has too many pixels; use a photo of at most 40 megapixels.") % {"name": name})
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("%(name)s is not a photo we can read; choose a JPEG, PNG or WebP file.") % {"name": name})
    image = ImageOps.exif_transpose(image)
    side = settings.SELLER_IMAGE_MIN_SIDE
    if min(image.size) < side:
        raise ValidationError(
            _("%(name)s is %(w)s×%(h)s pixels; both sides must be at least %(min)s pixels.")
            % {"name": name, "w": image.size[0], "h": image.size[1], "min": side}
        )
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    # No exif= argument: the new file carries no EXIF block at all.
    image.save(out, format=kind, quality=88) if kind != "PNG" else image.save(out, format=kind, optimize=True)
    stem = os.path.splitext(name)[0][:60] or "foto"
    return InMemoryUploadedFile(
        out, "image", f"{stem}.{ACCEPTED[kind]}", Image.MIME[kind], out.getbuffer().nbytes, None
    )


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one <input multiple>, each checked by clean_photo."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(clean_photo(super().clean(upload, initial)))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned
