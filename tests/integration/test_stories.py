"""Founder stories: editors write them in Wagtail, a Marketing lead publishes, shoppers read them."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import FounderStoryPage, StoryIndexPage
from tests.factories import PartnerFactory, ProductFactory, kecamatan

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def user_in(email, *groups):
    user = get_user_model().objects.create_user(username=email.split("@")[0], email=email, password="x")
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def editor():
    return user_in("editor@example.test", "Editors")


@pytest.fixture
def lead():
    return user_in("lead@example.test", "Editors", "Marketing lead")


@pytest.fixture
def index():
    return StoryIndexPage.objects.get()


@pytest.fixture
def maker():
    return PartnerFactory(name="Dapur Uni Sari", kecamatan=kecamatan("koja"), founder_name="Sari Hidayat")


@pytest.fixture
def rendang(maker):
    return ProductFactory(title="Rendang Daging Sapi Original", stock__partner=maker, stock__price=Decimal("150000"))


def publish_story(index, maker, products=(), body_html="<p>Resep keluarga.</p>", slug="rendang-uni-sari"):
    body = [("paragraph", RichText(body_html))]
    if products:
        body.append(("products", {"title": "", "products": list(products)}))
    page = FounderStoryPage(
        title="Rendang dalam kotak kayu", slug=slug, founder_name=maker.founder_name, business=maker,
        intro="Rendang yang dikemas dalam kotak kayu daur ulang.", body=body,
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def story_form(maker, **extra):
    return nested_form_data({
        "title": "Sepatu dari garasi",
        "slug": "sepatu-dari-garasi",
        "founder_name": "Budi Saputra",
        "business": str(maker.pk),
        "intro": "Dari garasi rumah ke pelanggan di luar kota.",
        "body": streamfield([
            ("paragraph", rich_text("<p>Awalnya hanya satu mesin jahit.</p>")),
            ("quote", {"quote": "Sepatu yang baik dijahit dengan sabar.", "attribution": "Budi"}),
        ]),
        "comments": inline_formset([]),
        **extra,
    })


def test_editor_creates_a_story_in_the_admin_but_cannot_publish_it(client, editor, index, maker):
    client.force_login(editor)
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "founderstorypage", index.pk])
    response = client.post(add_url, story_form(maker, **{"action-publish": "publish"}))
    assert response.status_code in (200, 302)
    story = FounderStoryPage.objects.get(slug="sepatu-dari-garasi")
    assert not story.live, "an editor's publish must not make the story live"
    assert client.get("/cerita/sepatu-dari-garasi/").status_code == 404
    assert story.kecamatan == maker.kecamatan


def test_editor_submits_and_the_marketing_lead_approves_and_publishes(client, editor, lead, index, maker):
    client.force_login(editor)
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "founderstorypage", index.pk])
    client.post(add_url, story_form(maker, **{"action-submit": "submit"}))
    story = FounderStoryPage.objects.get(slug="sepatu-dari-garasi")
    state = story.current_workflow_state
    assert state is not None and state.workflow.name == "Moderasi cerita pendiri"
    task_state = state.current_task_state

    # The editor is not a reviewer: approving is refused and nothing goes live.
    approve_url = reverse("wagtailadmin_pages:workflow_action", args=[story.pk, "approve", task_state.pk])
    client.post(approve_url, {"comment": ""})
    story.refresh_from_db()
    assert not story.live

    client.force_login(lead)
    client.post(approve_url, {"comment": "Bagus."})
    story.refresh_from_db()
    assert story.live
    page = text(client.get("/cerita/sepatu-dari-garasi/"))
    assert "Sepatu dari garasi" in page and "Sepatu yang baik dijahit dengan sabar." in page


def test_wagtails_notification_emails_link_to_the_shops_base_url(client, editor, lead, index, maker, settings,
                                                                  django_capture_on_commit_callbacks):
    from django.core import mail
    from wagtail.models import Site

    settings.WAGTAILADMIN_BASE_URL = "https://okoce-mart.example"
    Site.objects.filter(is_default_site=True).update(hostname="127.0.0.1", port=8000)  # SITE_DOMAIN's default
    client.force_login(editor)
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "founderstorypage", index.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(add_url, story_form(maker, **{"action-submit": "submit"}))
    story = FounderStoryPage.objects.get(slug="sepatu-dari-garasi")
    task_state = story.current_workflow_state.current_task_state
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("wagtailadmin_pages:workflow_action", args=[story.pk, "approve", task_state.pk]), {"comment": ""})
    sent = [m for m in mail.outbox if editor.email in m.to]
    assert sent, [m.subject for m in mail.outbox]
    bodies = " ".join([m.body for m in mail.outbox] + [html for m in mail.outbox for html, _type in getattr(m, "alternatives", [])])
    assert "https://okoce-mart.example/cerita/sepatu-dari-garasi/" in " ".join(m.body for m in sent)
    assert "127.0.0.1:8000" not in bodies


def test_product_chooser_searches_only_products_a_shopper_can_see(client, editor, maker, rendang):
    hidden = ProductFactory(title="Rendang Paru Rahasia", stock__partner=maker, is_public=False)
    client.force_login(editor)
    response = client.get(reverse("product_chooser:choose_results"), {"q": "rendang"})
    assert response.status_code == 200
    assert "Rendang Daging Sapi Original" in text(response)
    assert hidden.title not in text(response)


def test_product_chooser_shows_one_row_per_product_with_photo_maker_and_price_and_narrows_to_a_business(
        client, editor, maker, rendang):
    from tests.factories import parent_with_variants

    shoes = parent_with_variants(maker, sizes=("39", "40", "41"), price=Decimal("285000"), title="Sepatu Rendang Kulit")
    other = PartnerFactory(name="Dapur Tetangga")
    ProductFactory(title="Rendang Tetangga", stock__partner=other, stock__price=Decimal("99000"))
    client.force_login(editor)
    url = reverse("product_chooser:choose_results")
    page = text(client.get(url, {"q": "rendang"})).replace("\xa0", " ")
    assert page.count("Sepatu Rendang Kulit") == 1  # the product, not its three sizes
    assert "Dapur Uni Sari" in page and "Dapur Tetangga" in page  # the maker
    assert "Rp 150.000" in page and "285.000" in page  # the price shoppers see
    assert "<img" in page
    narrowed = text(client.get(url, {"q": "rendang", "business": maker.pk}))
    assert "Rendang Daging Sapi Original" in narrowed and shoes.title in narrowed
    assert "Rendang Tetangga" not in narrowed


def test_business_chooser_offers_active_members_only(client, editor, maker):
    PartnerFactory(name="Dapur Ditangguhkan", status="suspended")
    client.force_login(editor)
    page = text(client.get(reverse("business_chooser:choose_results"), {"q": "dapur"}))
    assert "Dapur Uni Sari" in page
    assert "Dapur Ditangguhkan" not in page


def test_story_and_product_link_both_ways(client, index, maker, rendang):
    story = publish_story(index, maker, products=[rendang])
    story_page = text(client.get(story.url))
    assert "Rendang Daging Sapi Original" in story_page and rendang.get_absolute_url() in story_page
    assert "Koja" in story_page
    product_page = text(client.get(rendang.get_absolute_url()))
    assert "Cerita di balik produk ini" in product_page
    assert story.url in product_page
    shop_page = text(client.get(maker.get_absolute_url()))
    assert story.url in shop_page


def test_carousel_hides_unavailable_products_and_story_survives_suspension(client, index, maker, rendang):
    other = PartnerFactory(name="Keripik Mak Ijah")
    snack = ProductFactory(title="Keripik Singkong Balado", stock__partner=other)
    story = publish_story(index, maker, products=[rendang, snack])
    other.status = other.Status.SUSPENDED
    other.save()
    page = text(client.get(story.url))
    assert "Rendang Daging Sapi Original" in page
    assert "Keripik Singkong Balado" not in page

    maker.status = maker.Status.SUSPENDED
    maker.save()
    response = client.get(story.url)
    assert response.status_code == 200
    assert "Dapur Uni Sari" in text(response)  # named, no longer linked
    assert maker.get_absolute_url() not in text(response)

    rendang.delete()
    maker.delete()
    assert client.get(story.url).status_code == 200


def test_rich_text_cannot_inject_script(client, index, maker):
    story = publish_story(
        index, maker,
        body_html='<p>Halo<script>alert("x")</script><img src=x onerror="alert(1)"><a href="javascript:alert(1)">x</a></p>',
    )
    body = client.get(story.url).content.decode().split('class="story__body', 1)[1].split("</article>")[0]
    assert "Halo" in body
    for dangerous in ("<script", "onerror", "javascript:"):
        assert dangerous not in body


def test_story_index_runs_the_same_queries_for_5_and_50_stories(client, index, maker, settings):
    StoryIndexPage.per_page = 60

    def add(start, n):
        for i in range(start, start + n):
            publish_story(index, maker, slug=f"cerita-{i}")

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(index.url)
        assert response.status_code == 200
        return len(queries), len(response.context["page_obj"].object_list)

    try:
        add(0, 5)
        client.get(index.url)
        small, shown = count()
        assert shown == 5
        add(5, 45)
        client.get(index.url)  # warm, as for 5: publishing drops the cached stories link in the menu
        large, shown = count()
        assert shown == 50
        assert small == large
    finally:
        StoryIndexPage.per_page = 9


def test_story_index_filters_by_kecamatan(client, index, maker):
    publish_story(index, maker)
    elsewhere = PartnerFactory(name="Sepatu Tapak", kecamatan=kecamatan("tebet"))
    publish_story(index, elsewhere, slug="sepatu-tapak")
    page = text(client.get(index.url + "?kecamatan=koja"))
    assert "/cerita/rendang-uni-sari/" in page
    assert "/cerita/sepatu-tapak/" not in page


def test_editor_cannot_reach_oscar_dashboard_and_seller_cannot_reach_wagtail(client, editor, maker):
    client.force_login(editor)
    assert client.get("/dashboard/").status_code in (302, 403)
    seller = get_user_model().objects.create_user(username="seller", email="s@example.test", password="x")
    maker.users.add(seller)
    client.force_login(seller)
    assert client.get("/cms/").status_code in (302, 403)


def test_editor_translates_a_story_and_english_shoppers_read_it(client, editor, index, maker, settings):
    from wagtail.models import Locale

    story = publish_story(index, maker)
    client.force_login(editor)
    english = Locale.objects.get(language_code="en")
    # As Wagtail's translate screen asks: the home page and the story index first, then the story.
    for page in (index.get_parent(), index, story):
        response = client.post(
            reverse("simple_translation:submit_page_translation", args=[page.pk]),
            {"locales": [english.pk], "include_subtree": ""},
        )
        assert response.status_code == 302, page
    for page in (index.get_parent(), index):
        page.get_translation(english).specific.save_revision().publish()
    translation = story.get_translation(english)
    assert not translation.live  # a draft copy for the editor to rewrite
    translation.title = "Rendang in recycled wooden boxes"
    translation.intro = "Rendang packed in boxes made from old pallets."
    translation.save_revision().publish()
    client.logout()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english_page = text(client.get(story.url))
    assert "Rendang in recycled wooden boxes" in english_page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert "Rendang dalam kotak kayu" in text(client.get(story.url))


def test_english_shopper_reads_the_indonesian_story_when_there_is_no_translation(client, index, maker, settings):
    story = publish_story(index, maker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(story.url)
    assert response.status_code == 200
    assert "Rendang dalam kotak kayu" in text(response)


def test_story_is_shareable_and_in_the_sitemap(client, index, maker, rendang):
    story = publish_story(index, maker, products=[rendang])
    page = client.get(story.url).content.decode()
    assert '<meta property="og:title" content="Rendang dalam kotak kayu">' in page
    assert "https://wa.me/?text=" in page
    sitemap_index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-pages.xml" in sitemap_index and "sitemap-products.xml" in sitemap_index
    assert story.url in client.get("/sitemap-pages.xml").content.decode()
    assert rendang.get_absolute_url() in client.get("/sitemap-products.xml").content.decode()


def test_links_to_other_pages_survive_saving_a_story(client, index, maker):
    story = publish_story(index, maker, body_html=f'<p>Lihat <a linktype="page" id="{index.pk}">semua cerita</a></p>')
    assert f'href="{index.url}"' in client.get(story.url).content.decode()
