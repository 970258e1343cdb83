"""Sellers' photos: Pillow decides what a file is, turns it upright and drops its EXIF (GPS included)."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from catalogue.photos import clean_photo
from tests.factories import photo


def exif_with_gps_and_rotation():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "S", 2: (6.0, 14.0, 30.0), 3: "E", 4: (106.0, 49.0, 0.0)}  # GPSInfo: Jakarta
    return exif


def test_photo_is_turned_upright_and_loses_its_exif_and_location():
    upload = photo("hp.jpg", size=(800, 600), exif=exif_with_gps_and_rotation())
    assert Image.open(BytesIO(upload.read())).getexif().get(0x8825)  # the input does carry GPS
    cleaned = clean_photo(upload)
    image = Image.open(cleaned)
    assert image.size == (600, 800)  # portrait, as the phone held it
    assert dict(image.getexif()) == {}


def test_a_renamed_non_image_is_refused_by_content_not_name():
    upload = SimpleUploadedFile("sepatu.jpg", b"<?php echo 'hi'; ?>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        clean_photo(upload)
    assert "sepatu.jpg" in error.value.messages[0]


def test_gif_is_refused_even_though_pillow_reads_it():
    with pytest.raises(ValidationError):
        clean_photo(photo("animasi.gif", fmt="GIF"))


@override_settings(SELLER_IMAGE_MAX_PIXELS=1_000_000)
def test_decompression_bomb_is_refused_before_decoding():
    # A 2000×2000 PNG of one colour compresses to a few KB but decodes to 12 MB.
    upload = photo("bom.png", size=(2000, 2000), fmt="PNG")
    assert upload.size < 100_000
    with pytest.raises(ValidationError) as error:
        clean_photo(upload)
    assert "megap" in error.value.messages[0]


@override_settings(SELLER_IMAGE_MAX_BYTES=10_000)
def test_file_too_large_names_the_limit():
    noisy = Image.effect_noise((600, 600), 80).convert("RGB")
    buffer = BytesIO()
    noisy.save(buffer, "JPEG", quality=95)
    with pytest.raises(ValidationError) as error:
        clean_photo(SimpleUploadedFile("besar.jpg", buffer.getvalue()))
    assert "besar.jpg" in error.value.messages[0]


def test_too_small_photo_is_refused():
    with pytest.raises(ValidationError):
        clean_photo(photo("kecil.jpg", size=(200, 200)))
