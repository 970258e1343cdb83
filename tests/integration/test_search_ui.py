"""What a shopper sees of search: suggestions, "Dekat saya", the results page, and
the staff synonym list, on the database engine."""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from wagtail.rich_text import RichText

from cms.models import FounderStoryPage, StoryIndexPage
from search.views.listing import NEAR_SESSION_KEY
from tests.factories import PartnerFactory, ProductFactory, kecamatan, make_user

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def product_titles(response):
    return [p.title for p in response.context["products"]]


@pytest.fixture
def shop():
    """A rendang maker in Tebet, a shoemaker in Koja (far north), a kerudung maker in Tebet."""
    tebet = PartnerFactory(name="Rendang Uni Sari", kecamatan=kecamatan("tebet"), founder_name="Sari Hidayat")
    koja = PartnerFactory(name="Sepatu Tapak Kota", kecamatan=kecamatan("koja"), founder_name="Budi Saputra")
    rendang = ProductFactory(title="Rendang Daging Sapi", stock__partner=tebet, stock__price=Decimal("150000"))
    kerudung = ProductFactory(title="Kerudung Segi Empat", stock__partner=tebet, stock__price=Decimal("85000"))
    # Created last, so it is the newest: "newest" would put it first, "nearest to Tebet" must not.
    shoes = ProductFactory(title="Sepatu Kulit Rendang Brown", stock__partner=koja, stock__price=Decimal("300000"))
    return {"tebet": tebet, "koja": koja, "rendang": rendang, "kerudung": kerudung, "shoes": shoes}


@pytest.fixture
def story(shop):
    index = StoryIndexPage.objects.get()
    page = FounderStoryPage(
        title="Rendang dalam kotak kayu", slug="rendang-uni-sari", founder_name="Sari Hidayat",
        business=shop["tebet"], intro="Resep keluarga dari Tebet, dikemas dalam kotak kayu.",
        body=[("paragraph", RichText("<p>Resep keluarga.</p>"))],
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


# -- suggestions -----------------------------------------------------------------------

def test_suggestions_name_products_businesses_and_kecamatan(client, shop):
    data = client.get("/search/saran/", {"q": "rend"}).json()
    assert "Rendang Daging Sapi" in data["products"]
    assert {"name": "Rendang Uni Sari", "url": "/toko/rendang-uni-sari/"} in data["businesses"]

    data = client.get("/search/saran/", {"q": "teb"}).json()
    assert {"name": "Tebet", "url": "/kecamatan/tebet/"} in data["kecamatan"]


def test_suggestions_need_two_characters(client, shop):
    assert client.get("/search/saran/", {"q": "r"}).json() == {"products": [], "businesses": [], "kecamatan": []}


# -- Dekat saya ----------------------------------------------------------------------------

def test_near_me_remembers_the_kecamatan_and_sorts_nearest_first(client, shop):
    # Before choosing, "Nearest to me" is not offered and the newest product comes first.
    response = client.get("/catalogue/")
    assert 'value="distance"' not in text(response)
    assert product_titles(response)[0] == "Sepatu Kulit Rendang Brown"

    response = client.post("/search/dekat-saya/", {"kecamatan": "tebet", "next": "/catalogue/?sort_by=distance"})
    assert response.status_code == 302 and response["Location"] == "/catalogue/?sort_by=distance"
    assert client.session[NEAR_SESSION_KEY] == "tebet"

    response = client.get("/catalogue/", {"sort_by": "distance"})
    assert response.context["near"].slug == "tebet"
    titles = product_titles(response)
    assert titles[-1] == "Sepatu Kulit Rendang Brown"
    assert set(titles[:2]) == {"Rendang Daging Sapi", "Kerudung Segi Empat"}
    page = text(response)
    assert '<option value="distance" selected>' in page
    assert "Tebet" in page

    # Forgetting it: the session forgets, and the option goes away again.
    client.post("/search/dekat-saya/", {"kecamatan": "", "next": "/catalogue/"})
    assert NEAR_SESSION_KEY not in client.session
    assert 'value="distance"' not in text(client.get("/catalogue/"))


def test_near_me_control_is_on_every_listing(client, shop):
    for url in ["/catalogue/", "/search/?q=rendang", "/kecamatan/tebet/", "/toko/rendang-uni-sari/"]:
        page = text(client.get(url))
        assert 'action="/search/dekat-saya/"' in page, url
        assert '<optgroup label="Jakarta Selatan">' in page, url
        assert page.count("<option value=\"", page.index("id_near_kecamatan")) >= 44, url


def test_near_me_next_url_asks_for_the_distance_sort(client, shop):
    response = client.get("/search/", {"q": "rendang", "page": "1"})
    assert response.context["near_next"] == "/search/?q=rendang&sort_by=distance"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "http://testserver.evil.example/"])
def test_near_me_never_redirects_off_site(client, shop, target):
    response = client.post("/search/dekat-saya/", {"kecamatan": "tebet", "next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_near_me_ignores_an_unknown_kecamatan(client, shop):
    response = client.post("/search/dekat-saya/", {"kecamatan": "atlantis", "next": "/catalogue/"})
    assert response.status_code == 302
    assert NEAR_SESSION_KEY not in client.session


def test_near_me_is_post_only(client):
    assert client.get("/search/dekat-saya/").status_code == 405


# -- the results page ------------------------------------------------------------------------

def test_results_show_matching_businesses_and_stories(client, shop, story):
    response = client.get("/search/", {"q": "sari"})
    assert response.status_code == 200
    assert [b.name for b in response.context["matching_businesses"]] == ["Rendang Uni Sari"]
    assert [s.title for s in response.context["matching_stories"]] == ["Rendang dalam kotak kayu"]
    page = text(response)
    assert 'class="search-group search-group--businesses"' in page
    assert 'href="/toko/rendang-uni-sari/"' in page and "Tebet" in page
    assert 'class="search-group search-group--stories"' in page
    assert "Rendang dalam kotak kayu" in page
    # Products still come after (the businesses' products match by maker name).
    assert not response.context["nothing_found"]


def test_results_match_businesses_by_kecamatan(client, shop):
    response = client.get("/search/", {"q": "koja"})
    assert [b.name for b in response.context["matching_businesses"]] == ["Sepatu Tapak Kota"]


def test_a_suspended_business_is_not_offered(client, shop):
    shop["koja"].status = "suspended"
    shop["koja"].save()
    response = client.get("/search/", {"q": "tapak"})
    assert response.context.get("matching_businesses") == []


def test_a_search_that_finds_nothing_offers_alternatives(client, shop):
    response = client.get("/search/", {"q": "qwxzy"})
    assert response.status_code == 200
    assert response.context["nothing_found"]
    newest = [p.title for p in response.context["newest_products"]]
    assert newest[0] == "Sepatu Kulit Rendang Brown" and len(newest) == 3
    page = text(response)
    with translation.override("id"):
        assert "Produk baru" in page
        assert "Tidak ada produk, usaha anggota, atau kisah yang cocok dengan “qwxzy”." in page
    assert "Rendang Daging Sapi" in page


def test_popular_categories_are_offered_when_nothing_is_found(client, shop):
    from oscar.apps.catalogue.categories import create_from_breadcrumbs
    from oscar.core.loading import get_model

    food = create_from_breadcrumbs("Makanan")
    get_model("catalogue", "ProductCategory").objects.create(product=shop["rendang"], category=food)
    response = client.get("/search/", {"q": "qwxzy"})
    assert [c.name for c in response.context["popular_categories"]] == ["Makanan"]
    assert f'href="{food.get_absolute_url()}"' in text(response)


def test_a_misspelt_search_says_what_it_showed_instead(client, shop):
    response = client.get("/search/", {"q": "rendamg"})
    assert response.context["search_results"].corrected == "rendang"
    assert "Rendang Daging Sapi" in product_titles(response)
    page = text(response)
    assert "Menampilkan hasil untuk “rendang”." in page
    assert "“rendamg”" in page

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = text(client.get("/search/", {"q": "rendamg"}))
    assert "Showing results for “rendang”." in page


HOSTILE = ["\x00", "rend\x00ang", "a" * 10_000, "👟🍛 rendang 🇮🇩", "'; DROP TABLE catalogue_product; --", "<script>alert(1)</script>",
           "%", "_", "\\", "  ", "ﾚﾝﾀﾞﾝ"]


@pytest.mark.parametrize("words", HOSTILE)
def test_hostile_words_never_break_search(client, shop, words):
    # Control characters are refused for every request with a clear 400 (storefront.middleware).
    expected = 400 if "\x00" in words else 200
    for url in ("/search/saran/", "/search/"):
        response = client.get(url, {"q": words})
        assert response.status_code == expected, (url, words[:20])
    assert "<script>alert(1)</script>" not in client.get("/search/", {"q": words}).content.decode()


def test_hostile_sort_and_page_never_break_search(client, shop):
    for params in ({"q": "rendang", "sort_by": "distance"}, {"sort_by": "🍛"}):
        assert client.get("/search/", params).status_code == 200, params
    assert client.get("/search/", {"q": "x", "sort_by": "\x00"}).status_code == 400


# -- staff synonyms ----------------------------------------------------------------------------

def test_synonyms_page_is_for_staff_only(client, shop):
    response = client.get("/staf/sinonim/")
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(make_user("pembeli@contoh.test"))
    assert client.get("/staf/sinonim/").status_code == 403
    assert client.post("/staf/sinonim/", {"groups": "hijab, kerudung"}).status_code == 403


def test_a_saved_synonym_group_is_used_by_the_next_search(client, shop):
    # "Ciput" is no word of the catalogue (nor close to one) until staff put it with kerudung.
    assert product_titles(client.get("/search/", {"q": "ciput"})) == []
    client.force_login(make_user("staf@okoce.test", is_staff=True))
    assert client.get("/staf/sinonim/").status_code == 200
    response = client.post("/staf/sinonim/", {"groups": "kerudung, hijab, jilbab\nkerudung, ciput\n"})
    assert response.status_code == 302
    assert product_titles(client.get("/search/", {"q": "ciput"})) == ["Kerudung Segi Empat"]


def test_a_one_word_synonym_line_is_refused(client, shop):
    client.force_login(make_user("staf@okoce.test", is_staff=True))
    response = client.post("/staf/sinonim/", {"groups": "kerudung, hijab\nsepatu"})
    assert response.status_code == 200
    assert "Baris 2 hanya berisi satu kata" in text(response)


# -- the home page ---------------------------------------------------------------------------------

def test_home_page_new_products_come_from_the_search_engine(client, shop, monkeypatch):
    from search.backends.database import DatabaseBackend

    asked = []
    original = DatabaseBackend.search

    def spy(self, q):
        asked.append(q)
        return original(self, q)

    monkeypatch.setattr(DatabaseBackend, "search", spy)
    response = client.get("/")
    assert [q.sort for q in asked] == ["newest"] and asked[0].limit == 8 and not asked[0].with_facets
    assert [p.title for p in response.context["new_products"]][0] == "Sepatu Kulit Rendang Brown"


def test_near_me_with_a_next_that_is_no_path_does_not_break(client, shop):
    # Found by the form fuzz: a relative ``next`` that is not a URL name used to be a 500.
    response = client.post("/search/dekat-saya/", {"kecamatan": "", "next": "💩🛍️👠"})
    assert response.status_code == 302
