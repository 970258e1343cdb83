"""Photo sizes are made by a background task after the upload, not by the first page view.

Runs with the embedded default (no broker: the task runs right after the commit). The on-commit
callbacks are captured so the test sees the moment between the seller's save and the task.
"""

from pathlib import Path

import pytest
from django.template import engines
from oscar.core.loading import get_model

from jobs.models import Job
from tests.factories import PartnerFactory, ProductClassFactory, make_user, photo

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")


def media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_a_sellers_new_photo_gets_its_sizes_from_a_task_and_the_product_page_makes_none(
        client, settings, django_capture_on_commit_callbacks):
    seller = make_user("rina@usaha.test")
    PartnerFactory(name="Anyaman Rina").users.add(seller)
    ProductClassFactory(name="Kerajinan", slug="kerajinan")
    client.force_login(seller)
    with django_capture_on_commit_callbacks() as after_commit:
        response = client.post("/penjual/produk/baru/kerajinan/", {
            "title": "Tas Anyaman Rina", "description": "Tas pandan dianyam tangan.", "published": "on",
            "price": "150.000", "stock": "5", "new_photos": [photo("tas.jpg", size=(800, 600))]})
    assert response.status_code == 302
    product = Product.objects.get(title="Tas Anyaman Rina")
    image = product.images.get()
    task = Job.objects.get(task="catalogue.renditions.make_product_image_renditions")
    assert task.args == [image.pk] and task.state == Job.State.QUEUED
    assert not any(name.startswith("cache/thumbs/") for name in media_files(settings))  # the save made none

    for callback in after_commit:  # the commit: the task is sent (and, without a broker, runs)
        callback()
    task.refresh_from_db()
    assert task.state == Job.State.DONE
    made = {name for name in media_files(settings) if name.startswith("cache/thumbs/")}
    assert len(made) == 3  # card, product page, basket

    Product.objects.filter(pk=product.pk).update(moderation="approved", is_public=True)
    client.logout()
    before = media_files(settings)
    page = client.get(product.get_absolute_url()).content.decode()
    assert media_files(settings) == before  # the first view wrote nothing
    assert any(f"/media/{name}" in page for name in made)


def test_a_photo_removed_before_its_task_runs_is_nothing_to_do():
    from catalogue.renditions import make_product_image_renditions

    make_product_image_renditions(987654)  # no error: the task ends quietly


def test_an_uploaded_cms_image_gets_the_templates_renditions_from_a_task(django_capture_on_commit_callbacks):
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    from cms.renditions import FILTER_SPECS

    with django_capture_on_commit_callbacks(execute=True):
        image = get_image_model().objects.create(
            title="Pasar Mampang", file=ImageFile(photo("pasar.jpg", size=(1400, 900)), name="pasar.jpg"))
    assert Job.objects.get(task="cms.renditions.make_image_renditions").state == Job.State.DONE
    assert {r.filter_spec for r in image.renditions.all()} == set(FILTER_SPECS)

    # A story card renders its picture from the rendition already made: none is added.
    html = engines["django"].from_string("{% load wagtailimages_tags %}{% image img width-640 %}").render({"img": image})
    assert image.renditions.count() == len(FILTER_SPECS) and 'width="640"' in html

    # Moving the focal point asks again (the crops change); the same save twice is one task.
    image.focal_point_x, image.focal_point_y, image.focal_point_width, image.focal_point_height = 100, 100, 50, 50
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
        image.save()
    assert Job.objects.filter(task="cms.renditions.make_image_renditions").count() == 2
