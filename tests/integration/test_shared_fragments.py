"""What every visitor's uncached page shares: the home page's sections, the site menu and footer, the
campaign banner and Wagtail's routes are read from the cache, and never show stale data.

Runs with the page cache off (``PAGE_CACHE_SECONDS=0``): the pages are rendered for each request,
as for a signed-in shopper or one with a basket, so these caches are what makes them fast.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from wagtail.models import Page, PageViewRestriction

from cms.models import HomePage, StandardPage, StoryIndexPage
from tests.factories import PartnerFactory, ProductFactory, kecamatan
from tests.integration.test_promotions import promotion
from tests.integration.test_stories import publish_story

pytestmark = pytest.mark.django_db

HOME_MAX_QUERIES = 2


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture(autouse=True)
def uncached_pages(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def maker():
    return PartnerFactory(name="Dapur Uni Sari", kecamatan=kecamatan("koja"), founder_name="Sari Hidayat")


@pytest.fixture
def rendang(maker):
    category = create_from_breadcrumbs("Makanan")
    return ProductFactory(title="Rendang Daging Sapi", stock__partner=maker, stock__price=Decimal("150000"),
                          category=category)


def test_the_home_page_is_read_from_the_cache_the_second_time(client, rendang):
    first = text(client.get("/"))
    assert "Rendang Daging Sapi" in first and "Rp 150.000" in first
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/")
    assert second.status_code == 200 and "Rendang Daging Sapi" in text(second)
    assert len(queries) <= HOME_MAX_QUERIES, [q["sql"][:120] for q in queries]


def test_a_new_product_and_a_published_story_show_on_the_home_page_next(client, rendang, maker):
    assert "Keripik Balado" not in text(client.get("/"))
    ProductFactory(title="Keripik Balado", stock__partner=maker, stock__price=Decimal("25000"))
    assert "Keripik Balado" in text(client.get("/"))
    publish_story(StoryIndexPage.objects.get(locale__language_code="id"), maker)
    assert "Rendang dalam kotak kayu" in text(client.get("/"))


def test_a_home_page_edit_shows_on_the_next_request(client, rendang):
    client.get("/")
    home = HomePage.objects.get(locale__language_code="id")
    home.hero_title = "Belanja dari tetangga sendiri"
    home.save_revision().publish()
    assert "Belanja dari tetangga sendiri" in text(client.get("/"))


def test_the_campaign_banner_starts_and_ends_on_time(client, rendang, monkeypatch):
    assert "campaign-banner" not in text(client.get("/catalogue/"))
    campaign = promotion(None, title="Hari UMKM", slug="hari-umkm", banner="Hari UMKM: diskon 20%")
    page = text(client.get("/catalogue/"))
    assert "Hari UMKM: diskon 20%" in page  # a new campaign shows on the next request
    # Its end passes with no save: the remembered campaign is compared with the clock.
    later = campaign.ends + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Hari UMKM: diskon 20%" not in text(client.get("/catalogue/"))


def test_a_page_moved_unpublished_or_restricted_is_routed_again(client, rendang):
    home = HomePage.objects.get(locale__language_code="id")
    about = home.add_child(instance=StandardPage(title="Tentang kami", slug="tentang", intro="Program OK OCE."))
    about.save_revision().publish()
    assert client.get("/tentang/").status_code == 200
    assert client.get("/tentang/").status_code == 200  # the remembered route
    # A view restriction added to a remembered page is enforced on the next request.
    restriction = PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)
    assert client.get("/tentang/").status_code == 302
    restriction.delete()
    assert client.get("/tentang/").status_code == 200
    # A new slug: the old address is gone, the new one answers.
    about.slug = "tentang-kami"
    about.save_revision().publish()
    assert client.get("/tentang/").status_code == 404
    assert client.get("/tentang-kami/").status_code == 200
    about.unpublish()
    assert client.get("/tentang-kami/").status_code == 404


def test_a_deleted_page_is_not_served_from_a_remembered_route(client, rendang):
    home = HomePage.objects.get(locale__language_code="id")
    about = home.add_child(instance=StandardPage(title="Tentang kami", slug="tentang", intro="Program OK OCE."))
    about.save_revision().publish()
    assert client.get("/tentang/").status_code == 200
    Page.objects.filter(pk=about.pk).delete()  # no Wagtail signal: the route's page is looked up again
    assert client.get("/tentang/").status_code == 404


def test_the_menu_and_footer_are_kept_per_language(client, rendang):
    indonesian = text(client.get("/catalogue/"))
    assert "Semua produk</a>" in indonesian and "Kisah pendiri</a>" in indonesian
    client.cookies["django_language"] = "en"
    english = text(client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "All products</a>" in english and "Founder stories</a>" in english
    assert "Semua produk</a>" not in english


def test_the_header_counts_the_basket_only_for_a_visitor_who_has_one(client, rendang):
    with CaptureQueriesContext(connection) as queries:
        page = text(client.get("/catalogue/"))
    assert "badge-count" not in page
    assert not [q for q in queries if "basket_" in q["sql"]], "a new visitor's empty basket was loaded"
    response = client.post(f"/basket/add/{rendang.pk}/", {"quantity": 2})
    assert response.status_code == 302
    assert '<span class="badge-count">2</span>' in text(client.get("/catalogue/"))


def test_the_menus_stories_link_follows_a_renamed_stories_index(client, rendang):
    assert 'href="/cerita/"' in text(client.get("/catalogue/"))
    index = StoryIndexPage.objects.get(locale__language_code="id")
    index.slug = "kisah"
    index.save_revision().publish()
    page = text(client.get("/catalogue/"))
    assert 'href="/kisah/"' in page and 'href="/cerita/"' not in page
    assert client.get("/kisah/").status_code == 200
