"""factory_boy factories for shop objects, shaped like the demo data."""

from decimal import Decimal

import factory
from oscar.core.loading import get_model

from places.models import Kecamatan

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")


def kecamatan(slug="mampang-prapatan"):
    return Kecamatan.objects.get(slug=slug)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Usaha Contoh {n}")
    code = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    kecamatan = factory.LazyFunction(kecamatan)
    founder_name = "Rina Pratiwi"
    story = "Usaha rumahan yang tumbuh bersama OK OCE."
    whatsapp = "6281234567890"
    member_number = factory.Sequence(lambda n: f"OKOCE-TEST-{n:05d}")
    status = Partner.Status.ACTIVE


class ProductClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductClass
        django_get_or_create = ("slug",)

    name = "Kerajinan"
    slug = "kerajinan"
    track_stock = True


class ProductFactory(factory.django.DjangoModelFactory):
    """A standalone product with one stock record from ``partner``."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    structure = Product.STANDALONE
    title = factory.Sequence(lambda n: f"Tas Anyaman Purun {n}")
    upc = factory.Sequence(lambda n: f"TEST-{n:07d}")
    product_class = factory.SubFactory(ProductClassFactory)
    description = "Tas anyaman buatan tangan."

    @factory.post_generation
    def stock(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        StockRecord.objects.create(
            product=obj,
            partner=kwargs.get("partner") or PartnerFactory(),
            partner_sku=obj.upc,
            price=kwargs.get("price", Decimal("125000")),
            num_in_stock=kwargs.get("num_in_stock", 10),
        )

    @factory.post_generation
    def category(obj, create, extracted, **kwargs):
        if create and extracted:
            ProductCategory.objects.create(product=obj, category=extracted)


def parent_with_variants(partner, sizes=("39", "40", "41"), price=Decimal("285000"), title="Sepatu Pantofel Kulit"):
    """A parent product with one child per size, each stocked by ``partner``."""
    pclass = ProductClassFactory(name="Sepatu", slug="sepatu")
    parent = ProductFactory(structure=Product.PARENT, title=title, product_class=pclass, stock=False)
    for i, size in enumerate(sizes):
        child = ProductFactory(
            structure=Product.CHILD, parent=parent, product_class=None, title=f"{title} – {size}", stock=False
        )
        StockRecord.objects.create(
            product=child, partner=partner, partner_sku=child.upc, price=price + i * 10000, num_in_stock=5
        )
    return parent


def make_user(email, password="x", **kwargs):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username=email.split("@")[0], email=email, password=password, **kwargs)


def photo(name="foto.jpg", size=(640, 480), fmt="JPEG", colour=(180, 90, 40), exif=None):
    """An uploadable picture made with Pillow."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    image = Image.new("RGB", size, colour)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def place_order(user, items, number=None):
    """An order of ``items`` ([(product, quantity)]) placed by ``user``, shipped to a Jakarta address."""
    from oscar.apps.order.utils import OrderCreator
    from oscar.apps.shipping.methods import Free
    from oscar.core.loading import get_class

    Basket = get_model("basket", "Basket")
    Country = get_model("address", "Country")
    ShippingAddress = get_model("order", "ShippingAddress")
    Selector = get_class("partner.strategy", "Selector")
    OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")

    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy()
    for product, quantity in items:
        basket.add_product(product, quantity)
    country, _ = Country.objects.get_or_create(iso_3166_1_a2="ID", defaults={"name": "Indonesia", "printable_name": "Indonesia"})
    address = ShippingAddress.objects.create(
        first_name="Dewi", last_name="Lestari", line1="Jl. Kemang Raya 12, RT 03/RW 05",
        line4="Jakarta Selatan", postcode="12730", country=country, phone_number="+6281234567001",
    )
    shipping = Free()
    total = OrderTotalCalculator().calculate(basket, shipping.calculate(basket))
    order = OrderCreator().place_order(
        order_number=number, user=user, basket=basket, shipping_address=address,
        shipping_method=shipping, shipping_charge=shipping.calculate(basket), total=total, status="Paid",
    )
    basket.set_as_submitted()
    return order
