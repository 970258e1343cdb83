"""Demo size guides, and a demo shopper whose delivered orders carry reviews (all fictional)."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

ProductClass = get_model("catalogue", "ProductClass")
Order = get_model("order", "Order")
LineFulfilment = get_model("partner", "LineFulfilment")
ProductReview = get_model("reviews", "ProductReview")

SHOE_SIZES = [("38", "24.0"), ("39", "24.6"), ("40", "25.3"), ("41", "26.0"), ("42", "26.6"), ("43", "27.3")]
CLOTHING_SIZES = [("S", "96", "66"), ("M", "100", "69"), ("L", "106", "72"), ("XL", "112", "74"), ("XXL", "118", "76")]

REVIEWS = [
    (5, "Jahitannya rapi dan bahannya tebal. Dikemas dengan baik, sampai dua hari."),
    (4, "Sesuai foto, warnanya sedikit lebih gelap. Penjual ramah saat ditanya."),
    (5, "Sudah beli kedua kalinya, kualitasnya tetap sama bagusnya."),
    (3, "Barangnya bagus, tapi pengiriman agak lama."),
]


def load_size_guides():
    """A guide for shoes and one for clothing (skipped where one exists)."""
    from cms.models import SizeGuide, SizeGuideRow

    made = 0
    for slug, kind, note, rows in [
        ("sepatu", SizeGuide.Kind.SHOES, "Ukur panjang telapak kaki dari tumit ke ujung jari terpanjang, sore hari.", SHOE_SIZES),
        ("pakaian", SizeGuide.Kind.CLOTHING, "Lingkar dada diukur melingkar di bagian terlebar; panjang dari bahu ke ujung bawah.", CLOTHING_SIZES),
    ]:
        product_class = ProductClass.objects.filter(slug=slug).first()
        if product_class is None or SizeGuide.objects.filter(product_class=product_class).exists():
            continue
        guide = SizeGuide.objects.create(product_class=product_class, kind=kind, how_to_measure=note)
        for i, row in enumerate(rows):
            SizeGuideRow.objects.create(
                guide=guide, sort_order=i, size=row[0], first=Decimal(row[1]), second=Decimal(row[2]) if len(row) > 2 else None
            )
        made += 1
    return made


def load_reviews(shopper_email):
    """The demo shopper owns a few demo orders, delivered, with reviews (skipped once done)."""
    shopper = get_user_model().objects.get(email=shopper_email)
    if ProductReview.objects.filter(user=shopper).exists():
        return 0
    orders = list(Order.objects.filter(guest_email__endswith="@pembeli.example", user=None).order_by("number")[:3])
    made = 0
    for order in orders:
        order.user, order.guest_email = shopper, ""
        order.save(update_fields=["user", "guest_email"])
        for line in order.lines.exclude(product=None):
            LineFulfilment.objects.update_or_create(line=line, defaults={"status": "delivered", "courier": "JNE", "tracking_number": f"JN{line.pk:08d}"})
            product = line.product.parent or line.product
            if made < len(REVIEWS) and not product.reviews.filter(user=shopper).exists():
                score, body = REVIEWS[made]
                ProductReview.objects.create(product=product, line=line, user=shopper, score=score, body=body,
                                             status=ProductReview.APPROVED)
                made += 1
    return made
