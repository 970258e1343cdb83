"""Media in an S3-compatible bucket (MEDIA_S3_BUCKET): sellers' photos, thumbnails and Wagtail renditions.

Runs against the local S3-compatible server scripts/services.sh starts (gofakes3, S3_TEST_URL); skips
without it unless STRICT_SERVICES=1. Nothing is mocked: boto3 talks HTTP to that server.
"""

import os
import re
import urllib.request
import uuid
from pathlib import Path

import pytest
from oscar.core.loading import get_model

from storefront.storage import media_origin, media_url, s3_options
from tests.conftest import require
from tests.factories import PartnerFactory, ProductClassFactory, make_user, photo

Product = get_model("catalogue", "Product")

S3_TEST_URL = os.environ.get("S3_TEST_URL", "")


@pytest.fixture
def s3_media(settings):
    """The default storage on a new bucket of this test's own at S3_TEST_URL; yields a boto3 client and the bucket."""
    require(bool(S3_TEST_URL), "S3_TEST_URL is not set: no S3-compatible server (scripts/services.sh up starts gofakes3)")
    import boto3
    from botocore.config import Config

    bucket = f"okoce-test-{uuid.uuid4().hex[:12]}"
    env = {"MEDIA_S3_BUCKET": bucket, "MEDIA_S3_ENDPOINT_URL": S3_TEST_URL, "MEDIA_S3_REGION": "us-east-1",
           "MEDIA_S3_ACCESS_KEY_ID": "test", "MEDIA_S3_SECRET_ACCESS_KEY": "test"}
    options = s3_options(env)
    client = boto3.client("s3", endpoint_url=S3_TEST_URL, region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test", config=Config(s3={"addressing_style": "path"},
                                                                      connect_timeout=2, retries={"max_attempts": 1}))
    try:
        client.create_bucket(Bucket=bucket)
    except Exception as exc:  # noqa: BLE001 - any failure to reach it means "no S3 server here"
        require(False, f"the S3 server at {S3_TEST_URL} is not reachable: {exc}")
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}}
    settings.MEDIA_S3 = options
    settings.MEDIA_URL = media_url(options)
    yield client, bucket
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


def keys(client, bucket):
    return {item["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for item in page.get("Contents", [])}


def fetch(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


@pytest.mark.django_db
def test_a_sellers_product_photo_lands_in_the_bucket_and_the_product_page_shows_it_from_there(client, settings, s3_media):
    s3, bucket = s3_media
    seller = make_user("rina@usaha.test")
    PartnerFactory(name="Anyaman Rina").users.add(seller)
    ProductClassFactory(name="Kerajinan", slug="kerajinan")
    client.force_login(seller)
    response = client.post("/penjual/produk/baru/kerajinan/", {
        "title": "Tas Anyaman Rina", "description": "Tas pandan dianyam tangan.", "published": "on",
        "price": "150.000", "stock": "5", "new_photos": [photo("tas.jpg", size=(800, 600))]})
    assert response.status_code == 302, response.context and response.context["form"].errors
    product = Product.objects.get(title="Tas Anyaman Rina")
    stored = product.images.get().original.name
    assert stored in keys(s3, bucket)
    assert not (Path(settings.MEDIA_ROOT) / stored).exists()  # not on this machine's disk

    Product.objects.filter(pk=product.pk).update(moderation="approved", is_public=True)
    client.logout()
    page = client.get(product.get_absolute_url()).content.decode()
    base = f"{S3_TEST_URL}/{bucket}/"
    image_urls = set(re.findall(re.escape(base) + r'[^"\'\s)]+', page))
    assert image_urls, "the product page shows no picture from the bucket"
    # The photo is shown through thumbnails made from the stored original and kept in the bucket too.
    assert any(url.startswith(base + "cache/thumbs/") for url in image_urls)
    for url in image_urls:
        status, body = fetch(url)
        assert status == 200 and body[:3] == b"\xff\xd8\xff"  # a JPEG, served by the object store


@pytest.mark.django_db
def test_a_wagtail_rendition_is_stored_in_the_bucket(s3_media):
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    s3, bucket = s3_media
    upload = photo("pasar.jpg", size=(900, 600))
    image = get_image_model().objects.create(title="Pasar Mampang", file=ImageFile(upload, name="pasar.jpg"))
    rendition = image.get_rendition("fill-300x200")
    assert image.file.name in keys(s3, bucket) and rendition.file.name in keys(s3, bucket)
    assert rendition.url.startswith(f"{S3_TEST_URL}/{bucket}/")
    status, body = fetch(rendition.url)
    assert status == 200 and body[:3] == b"\xff\xd8\xff"


def test_the_settings_put_media_in_the_bucket_only_when_one_is_named():
    """The settings module itself, read in a fresh process as the web server reads it."""
    import json
    import subprocess
    import sys

    script = ("import json, django; django.setup(); from django.conf import settings as s; "
              "print(json.dumps([s.STORAGES['default']['BACKEND'], s.MEDIA_URL, "
              "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))")

    def read(**env):
        base = {k: v for k, v in os.environ.items() if not k.startswith("MEDIA_S3_")}
        out = subprocess.run([sys.executable, "-c", script], env={**base, "DJANGO_SETTINGS_MODULE": "storefront.settings", **env},
                             capture_output=True, text=True, check=True, timeout=120).stdout
        return json.loads(out.strip().splitlines()[-1])

    backend, url, img_src = read()
    assert backend == "django.core.files.storage.FileSystemStorage" and url == "/media/"
    backend, url, img_src = read(MEDIA_S3_BUCKET="okoce-media", MEDIA_S3_PUBLIC_URL="https://media.okoce-mart.example")
    assert backend == "storages.backends.s3.S3Storage" and url == "https://media.okoce-mart.example/"
    assert "https://media.okoce-mart.example" in img_src  # the browser may load the photos from there


@pytest.mark.django_db
def test_the_shop_and_the_staff_tools_may_show_pictures_from_the_bucket(client, settings):
    import copy

    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"].append("https://media.okoce-mart.example")  # as MEDIA_S3_PUBLIC_URL sets it
    settings.CONTENT_SECURITY_POLICY = policy
    client.force_login(make_user("editor@okoce.test", is_staff=True, is_superuser=True))
    for path in ("/", "/cms/images/"):  # Wagtail's admin has a policy of its own (inline scripts, blob: previews)
        response = client.get(path)
        assert response.status_code == 200, path
        img_src = response["Content-Security-Policy"].split("img-src", 1)[1].split(";")[0]
        assert "https://media.okoce-mart.example" in img_src, path


def test_media_settings_from_the_environment():
    assert s3_options({}) is None  # local files by default
    aws = s3_options({"MEDIA_S3_BUCKET": "okoce-media", "MEDIA_S3_REGION": "ap-southeast-3"})
    assert aws["endpoint_url"] is None and aws["access_key"] is None and not aws["querystring_auth"]
    assert media_origin(aws) == "https://okoce-media.s3.ap-southeast-3.amazonaws.com"
    minio = s3_options({"MEDIA_S3_BUCKET": "media", "MEDIA_S3_ENDPOINT_URL": "http://10.0.0.5:9000"})
    assert minio["addressing_style"] == "path" and media_url(minio) == "http://10.0.0.5:9000/media/"
    cdn = s3_options({"MEDIA_S3_BUCKET": "media", "MEDIA_S3_PUBLIC_URL": "https://media.okoce-mart.example/files/"})
    assert media_origin(cdn) == "https://media.okoce-mart.example"
    assert media_url(cdn) == "https://media.okoce-mart.example/files/"
