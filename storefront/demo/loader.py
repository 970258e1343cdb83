"""Build the demo shop: product types, categories, member businesses, Marts, products.

Every object has a stable natural key (partner code, product UPC, user email,
Mart slug), so running the loader again only adds what is missing. Products are
inserted in bulk, in batches, which keeps ``--products 100000`` fast.
"""

import datetime
import functools
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify as django_slugify
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model
from tqdm import tqdm

from consignment import services as consignment
from consignment.models import MartOperator, ShelfStock
from places.models import Kecamatan, Mart, OpeningHours

from . import images
from .bulk import RowWriter
from .stories import STORIES
from .catalog import DEMO_KECAMATAN, DESCRIPTIONS, FIRST_NAMES, LAST_NAMES, MART_HOURS, MARTS, PRODUCT_TYPES

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
FoodCompliance = get_model("partner", "FoodCompliance")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
AttributeOptionGroup = get_model("catalogue", "AttributeOptionGroup")
AttributeOption = get_model("catalogue", "AttributeOption")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")

UPC_PREFIX = "OKO-"
# Demo titles repeat a lot; slugify is slow enough to show at 100,000 products.
slugify = functools.lru_cache(maxsize=4096)(django_slugify)
# Above this many products, pictures are shared between products with the same
# title instead of drawn one per product.
OWN_IMAGE_LIMIT = 2000

DEMO_USERS = {
    "staff": ("staf@okoce-mart.example", "Staf Program", "okoce-staf-2026"),
    "editor": ("editor@okoce-mart.example", "Editor Cerita", "okoce-editor-2026"),
    "seller": ("penjual@okoce-mart.example", "Penjual Contoh", "okoce-penjual-2026"),
    "lead": ("lead@okoce-mart.example", "Marketing Lead", "okoce-lead-2026"),
    "shopper": ("pembeli@okoce-mart.example", "Sinta Pembeli", "okoce-pembeli-2026"),
    "operator": ("operator@okoce-mart.example", "Operator Mart", "okoce-operator-2026"),
}

# Attributes per product type: (code, name, type, option group or None, on variants?)
ATTRIBUTES = {
    "sepatu": [("bahan", "Bahan", "text", None), ("ukuran", "Ukuran", "option", "Ukuran sepatu")],
    "pakaian": [("bahan", "Bahan kain", "text", None), ("ukuran", "Ukuran", "option", "Ukuran pakaian")],
    "kerudung": [
        ("bahan", "Bahan", "text", None),
        ("dimensi", "Dimensi", "text", None),
        ("warna", "Warna", "option", "Warna"),
    ],
    "makanan-kemasan": [
        ("berat_bersih", "Berat bersih (gram)", "integer", None),
        ("sertifikat_halal", "Nomor sertifikat halal", "text", None),
        ("nomor_pirt", "Nomor P-IRT", "text", None),
        ("nomor_bpom", "Nomor BPOM MD", "text", None),
        ("masa_simpan", "Masa simpan (hari)", "integer", None),
    ],
    "kerajinan": [("bahan", "Bahan", "text", None)],
}
OPTION_GROUPS = {
    "Ukuran sepatu": PRODUCT_TYPES["sepatu"]["sizes"],
    "Ukuran pakaian": PRODUCT_TYPES["pakaian"]["sizes"],
    "Warna": PRODUCT_TYPES["kerudung"]["colours"],
}


@dataclass
class ProductSpec:
    """One browsable product (standalone or parent) and its variants, before saving."""

    upc: str
    type_slug: str
    partner_code: str
    title: str
    description: str
    category: str
    attributes: dict
    image_key: str
    variants: list = field(default_factory=list)  # [(label, attr_value, price, stock)]
    price: Decimal = None
    stock: int = 0


class DemoLoader:
    def __init__(self, products=450, businesses=46, seed=2026, progress=True):
        self.n_products = products
        self.n_businesses = businesses
        self.seed = seed
        self.progress = progress
        self.created = {}

    # --- public -----------------------------------------------------------------
    def run(self):
        self.catalogue_structure()
        self.businesses = self.load_businesses()
        self.load_users()
        self.load_marts()
        self.load_products()
        self.analyze()
        self.load_consignment()
        self.load_stories()
        self.load_orders()
        self.load_promotions()
        self.load_loyalty()
        return self.created

    def analyze(self):
        """On PostgreSQL, refresh the planner's statistics after a bulk load (autovacuum may not have run
        yet, and inside a transaction it cannot see the rows): planned as near-empty tables, a basket's
        lines joined to products and their parents were nested-loop scans taking minutes at 3,000
        products. ANALYZE inside the transaction sees its own rows."""
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE catalogue_product, catalogue_productclass, catalogue_productcategory, partner_stockrecord, "
                "partner_partner, catalogue_productattributevalue, catalogue_productimage"
            )

    # --- structure ----------------------------------------------------------------
    def catalogue_structure(self):
        groups = {}
        for name, values in OPTION_GROUPS.items():
            group, _ = AttributeOptionGroup.objects.get_or_create(name=name)
            for value in values:
                AttributeOption.objects.get_or_create(group=group, option=value)
            groups[name] = group
        self.product_classes, self.attributes, self.options, self.categories = {}, {}, {}, {}
        for slug, spec in PRODUCT_TYPES.items():
            pclass, _ = ProductClass.objects.get_or_create(slug=slug, defaults={"name": spec["name"], "track_stock": True})
            self.product_classes[slug] = pclass
            for code, name, kind, group_name in ATTRIBUTES[slug]:
                attribute, _ = ProductAttribute.objects.get_or_create(
                    product_class=pclass,
                    code=code,
                    defaults={"name": name, "type": kind, "option_group": groups.get(group_name)},
                )
                self.attributes[(slug, code)] = attribute
        for option in AttributeOption.objects.select_related("group"):
            self.options[(option.group.name, option.option)] = option
        breadcrumbs = {spec["category"] for spec in PRODUCT_TYPES.values()}
        breadcrumbs |= {item[1] for item in PRODUCT_TYPES["makanan-kemasan"]["items"]}
        for crumb in sorted(breadcrumbs):
            self.categories[crumb] = create_from_breadcrumbs(crumb)
        # Each type's category (and so its subcategories) is what the seller's "Kategori" list offers for it.
        for slug, spec in PRODUCT_TYPES.items():
            self.categories[spec["category"]].product_classes.add(self.product_classes[slug])

    # --- businesses ------------------------------------------------------------------
    def business_specs(self):
        rng = random.Random(self.seed)
        kecamatan = {k.slug: k for k in Kecamatan.objects.filter(slug__in=DEMO_KECAMATAN)}
        type_slugs = list(PRODUCT_TYPES)
        used = set()
        for i in range(self.n_businesses):
            type_slug = type_slugs[i % len(type_slugs)]
            spec = PRODUCT_TYPES[type_slug]
            for attempt in range(50):
                name = " ".join(
                    part
                    for part in (
                        spec["business_prefix"],
                        rng.choice(spec["brand_words"]),
                        rng.choice(spec["brand_suffix"]),
                    )
                    if part
                )
                if name not in used:
                    break
            else:
                # Every combination is taken: number the name.
                name = f"{name} {i + 1}"
            used.add(name)
            kec = kecamatan[DEMO_KECAMATAN[i % len(DEMO_KECAMATAN)]]
            founder = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            yield {
                "code": slugify(name),
                "name": name,
                "type_slug": type_slug,
                "kecamatan": kec,
                "address": f"Jl. {rng.choice(['Melati', 'Mawar', 'Kenanga', 'Flamboyan', 'Cendana', 'Nangka'])} "
                f"{rng.choice(['I', 'II', 'III', 'Raya'])} No. {rng.randint(1, 99)}, {kec.name}",
                "founder_name": founder,
                "story": spec["story"].format(
                    kecamatan=kec.name, year=rng.randint(2015, 2022), staff=rng.randint(3, 25)
                ),
                "whatsapp": f"62812{rng.randint(10000000, 99999999)}",
                "member_number": f"OKOCE-{kec.kemendagri_code.replace('.', '')}-{i + 1:04d}",
                # Keep one applicant and one suspended member to show those states.
                "status": Partner.Status.APPLIED if i == self.n_businesses - 1 else (
                    Partner.Status.SUSPENDED if i == self.n_businesses - 2 else Partner.Status.ACTIVE
                ),
            }

    def load_businesses(self):
        specs = list(self.business_specs())
        existing = {p.code: p for p in Partner.objects.filter(code__in=[s["code"] for s in specs])}
        created = 0
        for spec in tqdm(specs, desc="Member businesses", unit="business", disable=not self.progress):
            if spec["code"] in existing:
                continue
            type_slug = spec.pop("type_slug")
            partner = Partner(**spec)
            partner.logo.save(f"{spec['code']}.png", ContentFile(images.logo_image(spec["name"], type_slug)), save=False)
            partner.save()
            existing[partner.code] = partner
            created += 1
        self.created["businesses"] = created
        type_slugs = list(PRODUCT_TYPES)
        return [
            (existing[spec["code"]], type_slugs[i % len(type_slugs)])
            for i, spec in enumerate(specs)
            if existing[spec["code"]].status == Partner.Status.ACTIVE
        ]

    # --- people -------------------------------------------------------------------
    def load_users(self):
        User = get_user_model()
        created = 0
        for role, (email, full_name, password) in DEMO_USERS.items():
            first, last = full_name.split(" ", 1)
            user, was_created = User.objects.get_or_create(
                email=email, defaults={"username": email.split("@")[0], "first_name": first, "last_name": last}
            )
            if was_created:
                user.set_password(password)
                created += 1
            if role == "staff":
                user.is_staff = user.is_superuser = True
            elif role == "editor":
                user.groups.add(Group.objects.get(name="Editors"))
            elif role == "lead":
                user.groups.add(Group.objects.get(name="Editors"), Group.objects.get(name="Marketing lead"))
            elif role == "seller":
                partner = self.businesses[0][0]
                partner.users.add(user)
            user.save()
        self.created["users"] = created

    # --- Marts --------------------------------------------------------------------
    def load_marts(self):
        kecamatan = {k.slug: k for k in Kecamatan.objects.all()}
        created = 0
        for name, kec_slug, address in MARTS:
            kec = kecamatan[kec_slug]
            mart, was_created = Mart.objects.get_or_create(
                slug=slugify(name),
                defaults={
                    "name": name,
                    "kecamatan": kec,
                    "address": f"{address}, {kec.name}, {kec.kota}",
                    "phone": "021-" + str(5550000 + len(name) * 37),
                    "lat": kec.lat,
                    "lon": kec.lon,
                },
            )
            if was_created:
                created += 1
                OpeningHours.objects.bulk_create(
                    OpeningHours(
                        mart=mart,
                        weekday=day,
                        opens_at=datetime.time.fromisoformat(opens),
                        closes_at=datetime.time.fromisoformat(closes),
                    )
                    for day, (opens, closes) in MART_HOURS.items()
                )
        self.created["marts"] = created

    # --- consignment at two Marts -------------------------------------------------------
    def load_consignment(self):
        """The demo operator runs Mart Mampang Prapatan; it and Mart Gambir hold members' products on
        consignment (the demo seller's among them), with a few till sales. Only for Marts with an empty shelf."""
        User = get_user_model()
        operator = User.objects.get(email=DEMO_USERS["operator"][0])
        marts = {m.slug: m for m in Mart.objects.filter(slug__in=["ok-oce-mart-mampang-prapatan", "ok-oce-mart-gambir"])}
        home = marts.get("ok-oce-mart-mampang-prapatan")
        if home is None:
            return
        MartOperator.objects.get_or_create(user=operator, defaults={"mart": home})
        rng = random.Random(self.seed + 13)
        makers = [partner for partner, _spec in self.businesses[:4]]
        records = list(StockRecord.objects.filter(partner__in=makers, product__structure__in=["standalone", "child"],
                                                  product__is_public=True).select_related("product").order_by("partner_id", "pk"))
        created = 0
        for slug, mart in marts.items():
            if ShelfStock.objects.filter(mart=mart).exists():
                continue
            chosen = {}
            for record in records:
                if len([r for r in chosen.values() if r.partner_id == record.partner_id]) < 3:
                    chosen.setdefault(record.product.parent_id or record.product_id, record)
            for record in chosen.values():
                shelf = consignment.deliver(mart, record, rng.randint(4, 12), Decimal(rng.choice(["0.75", "0.80", "0.85"])),
                                            record.price, operator)
                created += 1
                if mart == home and rng.random() < 0.6:
                    consignment.sell_at_till(shelf, rng.randint(1, 3), operator)
        self.created["shelf rows"] = created

    # --- products -------------------------------------------------------------------
    def product_specs(self):
        rng = random.Random(self.seed + 1)
        for n in range(self.n_products):
            partner, type_slug = self.businesses[n % len(self.businesses)]
            spec = PRODUCT_TYPES[type_slug]
            item_idx = rng.randrange(len(spec["items"]))
            style_idx = rng.randrange(len(spec["styles"]))
            item = spec["items"][item_idx]
            title = f"{item[0]} {spec['styles'][style_idx]}"
            low, high = item[2], item[3]
            price = Decimal(rng.randrange(low, high + 1, 5000) // 1000 * 1000)
            context = {"title": title, "business": partner.name, "kecamatan": partner.kecamatan.name}
            product = ProductSpec(
                upc=f"{UPC_PREFIX}{n + 1:07d}",
                type_slug=type_slug,
                partner_code=partner.code,
                title=title,
                description="",
                category=spec["category"],
                attributes={},
                image_key=f"{type_slug}-{item_idx}-{style_idx}",
            )
            if type_slug in ("sepatu", "pakaian"):
                sizes = spec["sizes"][rng.randrange(0, 2):][:4]
                product.attributes = {"bahan": item[1]}
                product.variants = [(s, ("ukuran", s), price, self.stock(rng)) for s in sizes]
                context.update(material=item[1], sizes=", ".join(sizes))
            elif type_slug == "kerudung":
                colours = rng.sample(spec["colours"], 3)
                dimensions = rng.choice(spec["dimensions"])
                product.attributes = {"bahan": item[1], "dimensi": dimensions}
                product.variants = [(c, ("warna", c), price, self.stock(rng)) for c in colours]
                context.update(material=item[1], dimensions=dimensions, colours=", ".join(colours))
            elif type_slug == "makanan-kemasan":
                product.category = item[1]
                weight = item[4]
                shelf_life = rng.choice([90, 120, 180, 365])
                registration = (
                    {"nomor_pirt": f"{rng.randint(10**14, 10**15 - 1)}"}
                    if rng.random() < 0.7
                    else {"nomor_bpom": f"MD {rng.randint(10**11, 10**12 - 1)}"}
                )
                product.attributes = {
                    "berat_bersih": weight,
                    "sertifikat_halal": f"ID31{rng.randint(10**12, 10**13 - 1)}",
                    "masa_simpan": shelf_life,
                    **registration,
                }
                product.price, product.stock = price, self.stock(rng)
                context.update(weight=weight, shelf_life=shelf_life)
            else:
                product.attributes = {"bahan": item[1]}
                product.price, product.stock = price, self.stock(rng)
                context.update(material=item[1])
            product.description = DESCRIPTIONS[type_slug].format(**context)
            yield product

    @staticmethod
    def stock(rng):
        return 0 if rng.random() < 0.07 else rng.randint(2, 60)

    def load_products(self, batch_size=2000):
        existing = set(Product.objects.filter(upc__startswith=UPC_PREFIX).values_list("upc", flat=True))
        partners = {p.code: p.pk for p, _ in self.businesses}
        todo = [spec for spec in self.product_specs() if spec.upc not in existing]
        own_images = self.n_products <= OWN_IMAGE_LIMIT
        now = timezone.now()
        products = RowWriter(Product, assign_ids=True)
        writers = [products] + [
            RowWriter(m) for m in (StockRecord, ProductAttributeValue, ProductCategory, ProductImage, FoodCompliance)
        ]
        bar = tqdm(total=len(todo), desc="Products", unit="product", disable=not self.progress)
        for start in range(0, len(todo), batch_size):
            batch = todo[start:start + batch_size]
            with transaction.atomic():
                self.insert_batch(batch, partners, own_images, now, *writers)
                for writer in writers:
                    writer.flush()
            bar.update(len(batch))
        bar.close()
        products.reset_sequences()
        self.created["products"] = len(todo)

    def image_name(self, spec, own_images):
        key = spec.upc if own_images else spec.image_key
        name = f"demo/products/{key.lower()}.jpg"
        if not default_storage.exists(name):
            shade = int(spec.upc[len(UPC_PREFIX):]) if own_images else 0
            default_storage.save(name, ContentFile(images.product_image(spec.type_slug, spec.title, shade)))
        return name

    def insert_batch(self, batch, partners, own_images, now, products, stock, values, categories, pictures, compliance):
        for spec in batch:
            partner_id = partners[spec.partner_code]
            product_id = products.add(
                upc=spec.upc,
                title=spec.title,
                slug=slugify(spec.title),
                description=spec.description,
                structure=Product.PARENT if spec.variants else Product.STANDALONE,
                product_class_id=self.product_classes[spec.type_slug].pk,
                is_public=True,
                date_created=now,
                date_updated=now,
            )
            for code, value in spec.attributes.items():
                self.add_attribute_value(values, spec.type_slug, product_id, code, value)
            categories.add(product_id=product_id, category_id=self.categories[spec.category].pk)
            pictures.add(
                product_id=product_id, original=self.image_name(spec, own_images), caption=spec.title,
                display_order=0, date_created=now,
            )
            if spec.type_slug == "makanan-kemasan":
                self.add_compliance(compliance, product_id, spec, now)
            if not spec.variants:
                self.add_stockrecord(stock, partner_id, product_id, spec.upc, spec.price, spec.stock, now)
            for i, (label, (code, value), price, count) in enumerate(spec.variants):
                upc = f"{spec.upc}-{i + 1}"
                child_id = products.add(
                    upc=upc,
                    title=f"{spec.title} – {label}",
                    slug=slugify(f"{spec.title} {label}"),
                    structure=Product.CHILD,
                    parent_id=product_id,
                    is_public=True,
                    date_created=now,
                    date_updated=now,
                )
                self.add_stockrecord(stock, partner_id, child_id, upc, price, count, now)
                self.add_attribute_value(values, spec.type_slug, child_id, code, value)

    @staticmethod
    def add_stockrecord(stock, partner_id, product_id, sku, price, count, now):
        stock.add(
            partner_id=partner_id,
            product_id=product_id,
            partner_sku=sku,
            price=price,
            price_currency="IDR",
            num_in_stock=count,
            low_stock_threshold=3,
            date_created=now,
            date_updated=now,
        )

    @staticmethod
    def add_compliance(compliance, product_id, spec, now):
        """Most demo food is verified by staff; one in ten waits, one in ten expires within a month."""
        n = int(spec.upc[len(UPC_PREFIX):])
        today = timezone.localdate()
        expiry = today + datetime.timedelta(days=20 if n % 10 == 1 else 200 + n % 500)
        compliance.add(product_id=product_id, halal_expiry=expiry, verified_at=None if n % 10 == 0 else now)

    def add_attribute_value(self, values, type_slug, product_id, code, value):
        attribute = self.attributes[(type_slug, code)]
        if attribute.type == "option":
            column = {"value_option_id": self.options[(attribute.option_group.name, value)].pk}
        elif attribute.type == "integer":
            column = {"value_integer": value}
        else:
            column = {"value_text": value}
        values.add(attribute_id=attribute.pk, product_id=product_id, **column)

    # --- orders ---------------------------------------------------------------------
    def load_orders(self, count=12):
        """A few paid orders (through the test gateway), so sellers see orders and balances.

        The demo seller's business gets some of them. Skipped when demo orders exist.
        """
        from oscar.core.loading import get_class

        from checkout.placement import start_payment
        from payments import gateways
        from payments.services import confirm_payment
        from payments.stock import SoldOut

        Order = get_model("order", "Order")
        Basket = get_model("basket", "Basket")
        if Order.objects.filter(guest_email__endswith="@pembeli.example").exists():
            self.created["orders"] = 0
            return
        Selector = get_class("partner.strategy", "Selector")
        rng = random.Random(self.seed + 7)
        stock = StockRecord.objects.filter(
            partner__status=Partner.Status.ACTIVE, num_in_stock__gt=5, product__structure__in=["standalone", "child"]
        ).select_related("product", "partner")
        own = list(stock.filter(partner=self.businesses[0][0])[:6])
        others = list(stock.exclude(partner=self.businesses[0][0]).order_by("pk")[:200])
        kecamatan = list(Kecamatan.objects.order_by("pk"))
        placed = 0
        for i in range(count if others else 0):
            picks = rng.sample(others, k=min(2, len(others)))
            if own and i % 2 == 0:
                picks[0] = rng.choice(own)
            basket = Basket.objects.create()
            basket.strategy = Selector().strategy()
            for record in {r.pk: r for r in picks}.values():
                basket.add_product(record.product, rng.randint(1, 2))
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            place = rng.choice(kecamatan)
            checkout = {
                "email": f"pembeli{i + 1}@pembeli.example", "pickup": False, "mart": None, "kecamatan": place.pk,
                "address": {"name": name, "phone": f"+62812{rng.randint(10**6, 10**7 - 1)}", "line1": f"Jl. Contoh {i + 1}",
                            "rt_rw": f"{rng.randint(1, 12):03d}/{rng.randint(1, 9):03d}", "kelurahan": "Contoh",
                            "kota": place.kota, "provinsi": "DKI Jakarta", "postcode": f"1{rng.randint(1000, 4999)}"},
            }
            try:
                attempt = start_payment(basket, checkout, gateways.codes_where("simulated")[0])
            except SoldOut:
                continue
            confirm_payment(attempt.pk, amount=attempt.amount, currency=attempt.currency, notify=False)
            placed += 1
        self.created["orders"] = placed

    # --- promotions (maker-promos) ---------------------------------------------------
    def load_promotions(self):
        """The demo seller's own promotion and a programme campaign; demo orders spread over six months
        so the seller's and staff's charts have a shape. Skipped for what exists."""
        from datetime import timedelta

        from payments.models import LedgerEntry
        from promotions.models import Promotion
        from promotions.services import save_promotion

        Order = get_model("order", "Order")
        now = timezone.now()
        made = 0
        partner = self.businesses[0][0]
        if not Promotion.objects.filter(partner=partner).exists():
            save_promotion(Promotion(partner=partner, title="Diskon Akhir Tahun", value=10, minimum=100000,
                                     starts=now - timedelta(days=1), ends=now + timedelta(days=30)))
            made += 1
        if not Promotion.objects.filter(slug="pekan-umkm-jakarta").exists():
            campaign = save_promotion(Promotion(title="Pekan UMKM Jakarta", slug="pekan-umkm-jakarta", value=15,
                                                banner="Pekan UMKM Jakarta: diskon 15% dari program OK OCE",
                                                starts=now - timedelta(days=1), ends=now + timedelta(days=6)))
            campaign.kecamatan.set(Kecamatan.objects.filter(slug__in=["cilincing", "tebet", "kebayoran-baru"]))
            campaign.makers.add(*[b for b, *_rest in self.businesses[1:4]])
            save_promotion(campaign)
            made += 1
        self.created["promotions"] = made
        demo = list(Order.objects.filter(guest_email__endswith="@pembeli.example").order_by("pk"))
        this_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        if demo and all(o.date_placed >= this_month for o in demo):
            for i, order in enumerate(demo):
                back = timedelta(days=31 * (i % 6))
                Order.objects.filter(pk=order.pk).update(date_placed=order.date_placed - back)
                for entry in LedgerEntry.objects.filter(order=order):
                    LedgerEntry.objects.filter(pk=entry.pk).update(date_created=entry.date_created - back)
        # Staff settled last month's balances by bank transfer (so the impact page shows money paid).
        if demo and not LedgerEntry.objects.filter(reference__startswith="DEMO-BCA-").exists():
            from payments.settlements import settle

            staff = get_user_model().objects.filter(email=DEMO_USERS["staff"][0]).first()
            last_day = this_month - timedelta(days=1)
            month = last_day.strftime("%Y-%m")
            # (Not the demo seller's: its balance page shows money still owed.)
            paid = LedgerEntry.objects.filter(order__in=demo, date_created__lt=this_month).exclude(partner=partner)
            for partner_id in set(paid.values_list("partner", flat=True)):
                if settle(Partner.objects.get(pk=partner_id), month, f"DEMO-BCA-{partner_id:04d}", staff).value == "paid":
                    LedgerEntry.objects.filter(partner_id=partner_id, kind=LedgerEntry.Kind.PAYOUT, note=f"settlement {month}").update(
                        date_created=last_day)
    def load_loyalty(self):
        """Size guides for shoes and clothing; the demo shopper's delivered orders with reviews."""
        from storefront.demo import loyalty

        self.created["size guides"] = loyalty.load_size_guides()
        self.created["reviews"] = loyalty.load_reviews(DEMO_USERS["shopper"][0])

    # --- founder stories ------------------------------------------------------------
    def load_stories(self):
        """Publish the demo founder stories under the story index (skipping those already there)."""
        from wagtail.images import get_image_model
        from wagtail.models import Locale
        from wagtail.rich_text import RichText

        from cms.models import FounderStoryPage, StoryIndexPage

        index = StoryIndexPage.objects.filter(locale=Locale.get_default()).first()
        if index is None:
            self.created["stories"] = 0
            return
        Image = get_image_model()
        existing = set(FounderStoryPage.objects.values_list("slug", flat=True))
        used, created = set(), 0
        for story in STORIES:
            # A business of the story's kind, a fresh one while there are enough.
            candidates = [p for p, t in self.businesses if t == story["type"]]
            business = next((p for p in candidates if p.pk not in used), candidates[0] if candidates else None)
            if business is None:
                continue
            used.add(business.pk)
            if story["slug"] in existing:
                continue
            words = {"founder": business.founder_name, "business": business.name, "kecamatan": business.kecamatan.name}
            hero = Image.objects.create(
                title=story["title"],
                file=ContentFile(images.story_image(story["type"], story["title"]), name=f"{story['slug']}.jpg"),
            )
            products = list(
                Product.objects.browsable()
                .filter(Q(stockrecords__partner=business) | Q(children__stockrecords__partner=business))
                .distinct()
                .order_by("pk")[:4]
            )
            body = [("paragraph", RichText(f"<p>{text.format(**words)}</p>")) for text in story["paragraphs"]]
            body.insert(1, ("quote", {"quote": story["quote"], "attribution": business.founder_name}))
            body.append(("numbers", {"items": [{"value": v, "label": label} for v, label in story["numbers"]]}))
            if products:
                body.append(("products", {"title": "", "products": products}))
            page = FounderStoryPage(
                title=story["title"],
                slug=story["slug"],
                founder_name=business.founder_name,
                business=business,
                category=self.categories.get(PRODUCT_TYPES[story["type"]]["category"]),
                hero_image=hero,
                intro=story["intro"].format(**words),
                body=body,
            )
            index.add_child(instance=page)
            page.save_revision().publish()
            created += 1
        self.created["stories"] = created
        self.translate_site_pages(index)

    @staticmethod
    def translate_site_pages(index):
        """English versions of the home page and the story index, so editors can translate stories."""
        from wagtail.models import Locale

        english = Locale.objects.filter(language_code="en").first()
        if english is None:
            return
        texts = {
            "home": {
                "title": "OK OCE Mart",
                "hero_title": "Made in Jakarta, straight from the makers",
                "hero_text": "Shoes, clothing, kerudung, packaged food and crafts from OK OCE members in 44 kecamatan.",
            },
            "cerita": {
                "title": "Founder stories",
                "intro": "How OK OCE members grew from home kitchens and workshops to loyal customers.",
            },
        }
        for page in (index.get_parent().specific, index):
            if page.has_translation(english):
                continue
            translation = page.copy_for_translation(english)
            for field, value in texts[page.slug].items():
                setattr(translation, field, value)
            translation.save_revision().publish()
