"""`manage.py load_demo`: enough believable data, and safe to run twice."""

import pytest
from django.core.management import call_command
from oscar.core.loading import get_model

from cms.models import FounderStoryPage

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
ProductImage = get_model("catalogue", "ProductImage")

pytestmark = pytest.mark.django_db(transaction=False)


def counts():
    return {
        "partners": Partner.objects.count(),
        "products": Product.objects.count(),
        "stock": StockRecord.objects.count(),
        "images": ProductImage.objects.count(),
        "stories": FounderStoryPage.objects.count(),
        "orders": get_model("order", "Order").objects.count(),
    }


def test_default_demo_meets_the_brief_and_loading_again_duplicates_nothing(capsys):
    call_command("load_demo", "--no-progress")
    first = counts()
    output = capsys.readouterr().out
    for email in ("staf@okoce-mart.example", "editor@okoce-mart.example", "penjual@okoce-mart.example"):
        assert email in output

    active = Partner.objects.filter(status=Partner.Status.ACTIVE)
    assert active.count() >= 40
    assert active.values("kecamatan").distinct().count() >= 25
    assert set(active.values_list("kecamatan__kota", flat=True)) == {
        "Kepulauan Seribu", "Jakarta Pusat", "Jakarta Utara", "Jakarta Barat", "Jakarta Selatan", "Jakarta Timur",
    }
    browsable = Product.objects.browsable()
    assert browsable.count() >= 400
    assert set(browsable.values_list("product_class__slug", flat=True)) == {
        "sepatu", "pakaian", "kerudung", "makanan-kemasan", "kerajinan",
    }
    assert Product.objects.filter(structure=Product.PARENT).exists()
    assert Product.objects.filter(structure=Product.CHILD, stockrecords__isnull=False).exists()
    assert all(Partner.objects.exclude(logo="").values_list("logo", flat=True))
    # Every browsable product has a picture and a seller.
    assert browsable.filter(images__isnull=True).count() == 0

    assert FounderStoryPage.objects.live().count() >= 8
    assert FounderStoryPage.objects.filter(business__isnull=False).values("business__kecamatan").distinct().count() >= 5

    # Paid demo orders, some for the demo seller, each split into the businesses' ledgers.
    Order = get_model("order", "Order")
    seller = Partner.objects.get(users__email="penjual@okoce-mart.example")
    assert Order.objects.filter(status="Paid").count() >= 10
    assert Order.objects.filter(lines__partner=seller).exists()
    assert get_model("payments", "LedgerEntry").balance(seller) > 0

    call_command("load_demo", "--no-progress")
    assert counts() == first
    assert "0 products" in capsys.readouterr().out


def test_scale_mode_inserts_in_bulk_and_the_products_browse(client):
    call_command("load_demo", "--no-progress", "--products", "3000", "--businesses", "10")
    assert Product.objects.browsable().count() == 3000
    # Children and stock records were linked to the right rows.
    child = Product.objects.filter(structure=Product.CHILD).select_related("parent").first()
    assert child.parent.structure == Product.PARENT
    assert child.stockrecords.get().partner.status == Partner.Status.ACTIVE
    response = client.get("/catalogue/")
    assert response.status_code == 200
    assert response.context["paginator"].count == Product.objects.browsable().filter(
        stockrecords__partner__status=Partner.Status.ACTIVE
    ).count() + Product.objects.filter(structure=Product.PARENT).filter(
        children__stockrecords__partner__status=Partner.Status.ACTIVE
    ).distinct().count()
