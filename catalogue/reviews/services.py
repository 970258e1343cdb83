"""The rules of reviews: who may review what, the seller's one reply, staff hiding, averages.

A review comes from the buyer of one order line that reached them (delivered, or picked up at
a Mart), once per line. Its text may not carry links or phone numbers (reviews are not a place
to advertise or to take a sale elsewhere). The seller of the line may reply once; staff may hide
a review with a reason, and a hidden review leaves the product's and the shop's averages.
"""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

ProductReview = get_model("reviews", "ProductReview")
ReviewPhoto = get_model("reviews", "ReviewPhoto")
Line = get_model("order", "Line")
LineFulfilment = get_model("partner", "LineFulfilment")

MAX_PHOTOS = 3

LINK = re.compile(
    r"(https?://|www\.|\b[\w-]+\.(?:com|id|net|org|co|me|ly|io|xyz|shop|store|link|site|info|biz|app)\b|\bwa\.me\b)",
    re.IGNORECASE,
)
# Indonesian mobile numbers (08…, 62 8…, +62 8…) written with spaces, dots or dashes, and any long run of digits.
PHONE = re.compile(r"(?:\+\s*62|\b62|\b0)[\s.\-]*8(?:[\s.\-]*\d){7,12}|\d(?:[\s.\-]?\d){9,}")


class ReviewError(Exception):
    """A review action that is not allowed; its message is for the user."""


def check_text(text):
    """Raise ValidationError (translated) when ``text`` carries a link or a phone number."""
    if LINK.search(text or ""):
        raise ValidationError(_("Please leave out links: reviews are about the product, not other pages."))
    if PHONE.search(text or ""):
        raise ValidationError(_("Please leave out phone numbers: talk to the seller through “Ask the seller”."))


def reviewed_product(line):
    """The product a line's review belongs to: a size or colour variant's parent, the one shoppers see."""
    return line.product.parent if line.product.parent_id else line.product


def reviewable_lines(user):
    """The user's bought lines that reached them and have no review yet, newest first."""
    if not user.is_authenticated:
        return Line.objects.none()
    return (
        Line.objects.filter(order__user=user, fulfilment__status__in=LineFulfilment.RECEIVED,
                            product__isnull=False, review__isnull=True)
        .select_related("product__parent", "order", "partner").order_by("-order__date_placed", "-id")
    )


def awaiting_receipt(user):
    """The user's lines on their way (shipped) that they may confirm as received."""
    if not user.is_authenticated:
        return Line.objects.none()
    return (
        Line.objects.filter(order__user=user, fulfilment__status=LineFulfilment.Status.SHIPPED)
        .select_related("product", "order", "fulfilment").order_by("-order__date_placed", "-id")
    )


def confirm_received(user, line_pk):
    """The buyer says a shipped line arrived: it is delivered, and may be reviewed."""
    updated = LineFulfilment.objects.filter(
        line_id=line_pk, line__order__user=user, status=LineFulfilment.Status.SHIPPED
    ).update(status=LineFulfilment.Status.DELIVERED, date_updated=timezone.now())
    if not updated:
        raise ReviewError(_("This item is not on its way to you."))


def submit(user, line_pk, score, body, photos=()):
    """The buyer's review of their line ``line_pk``; once per line."""
    with transaction.atomic():
        line = reviewable_lines(user).select_for_update(of=("self",), no_key=True).filter(pk=line_pk).first()
        if line is None:
            raise ReviewError(_("You can review an item once, after it has reached you."))
        check_text(body)
        if len(photos) > MAX_PHOTOS:
            raise ReviewError(_("A review can have at most %(max)s photos.") % {"max": MAX_PHOTOS})
        try:
            with transaction.atomic():
                review = ProductReview.objects.create(
                    product=reviewed_product(line), line=line, user=user, score=score, body=body.strip(),
                    status=ProductReview.APPROVED,
                )
        except IntegrityError:
            raise ReviewError(_("You have already reviewed this item."))
        for photo in photos:
            ReviewPhoto.objects.create(review=review, image=photo)
    return review


def reviews_for_seller(partner):
    """Reviews of lines this business sold (a review belongs to the seller of its line)."""
    return ProductReview.objects.filter(line__partner=partner).select_related("product", "user").prefetch_related("photos")


def reply(partner, user, review_pk, text):
    """The seller's one reply to a review of their own line."""
    check_text(text)
    with transaction.atomic():
        review = reviews_for_seller(partner).select_for_update(of=("self",), no_key=True).filter(pk=review_pk).first()
        if review is None:
            raise ProductReview.DoesNotExist
        if review.reply:
            raise ReviewError(_("You have already replied to this review."))
        ProductReview.objects.filter(pk=review.pk).update(
            reply=text.strip(), reply_date=timezone.now(), replied_by=user
        )


def hide(review, user, reason):
    """Staff hide a review (with a reason, kept): it leaves the page and the averages."""
    review.status = ProductReview.REJECTED
    review.hidden_reason, review.hidden_date, review.hidden_by = reason.strip(), timezone.now(), user
    review.save()  # Oscar's save recomputes the product's rating


def restore(review):
    """Staff show a hidden review again."""
    review.status = ProductReview.APPROVED
    review.hidden_reason, review.hidden_date, review.hidden_by = "", None, None
    review.save()


def visible_reviews(product):
    return product.reviews.filter(status=ProductReview.APPROVED).select_related("user").prefetch_related("photos")


def shop_rating(partner):
    """(average, count) of the visible reviews of lines a business sold; average None without reviews."""
    found = ProductReview.objects.filter(line__partner=partner, status=ProductReview.APPROVED).aggregate(
        average=Avg("score"), count=Count("id")
    )
    return (float(found["average"]) if found["count"] else None), found["count"]
