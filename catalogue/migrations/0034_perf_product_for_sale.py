from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q


def fill_for_sale(apps, schema_editor):
    """As search.forsale.refresh(): browsable, with stock of an active member business (own or a public variant's)."""
    Product = apps.get_model("catalogue", "Product")
    StockRecord = apps.get_model("partner", "StockRecord")
    Partner = apps.get_model("partner", "Partner")
    stock = StockRecord.objects.filter(partner__in=Partner.objects.filter(status="active").values("pk"))
    sellable = Q(parent=None, is_public=True) & (
        Q(Exists(stock.filter(product=OuterRef("pk"))))
        | Q(Exists(stock.filter(product__parent=OuterRef("pk"), product__is_public=True)))
    )
    Product.objects.filter(sellable).update(for_sale=True)


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0033_listing_moderation"),
        ("partner", "0011_fulfilment_stock_consumed"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="for_sale",
            field=models.BooleanField(default=False, editable=False, verbose_name="for sale"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["for_sale", "-date_created", "-id"], name="catalogue_product_forsale_new"),
        ),
        migrations.RunPython(fill_for_sale, migrations.RunPython.noop, elidable=True),
    ]
