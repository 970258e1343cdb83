"""Favourite products (one Oscar wish list per shopper, named "Favorit") and followed shops."""

from django.db import IntegrityError, transaction
from oscar.core.loading import get_model

from favourites.models import ShopFollow
from search.backends.database import for_display, has_stock, sellable_stock

WishList = get_model("wishlists", "WishList")
WishListLine = get_model("wishlists", "Line")
Product = get_model("catalogue", "Product")

LIST_NAME = "Favorit"


def favourites_list(user, create=False):
    """The shopper's "Favorit" wish list (the oldest of that name), made on first use when ``create``."""
    found = WishList.objects.filter(owner=user, name=LIST_NAME).order_by("pk").first()
    if found is None and create:
        found = WishList.objects.create(owner=user, name=LIST_NAME)
    return found


def favourite_ids(user):
    """Ids of the products the shopper has favourited (one query)."""
    if not user.is_authenticated:
        return []
    return list(WishListLine.objects.filter(wishlist__owner=user, wishlist__name=LIST_NAME, product__isnull=False)
                .values_list("product_id", flat=True))


def toggle_favourite(user, product):
    """Add ``product`` to the shopper's favourites, or take it out; returns True when it is now a favourite."""
    with transaction.atomic():
        wishlist = favourites_list(user, create=True)
        removed, _ = wishlist.lines.filter(product=product).delete()
        if removed:
            return False
        wishlist.add(product)
        return True


def favourite_products(user):
    """The shopper's favourites still in the shop, most recently added first."""
    ids = list(WishListLine.objects.filter(wishlist__owner=user, wishlist__name=LIST_NAME, product__isnull=False)
               .order_by("-pk").values_list("product_id", flat=True))
    found = for_display(Product.objects.browsable().filter(pk__in=ids)).in_bulk()
    return [found[i] for i in ids if i in found]


def follows(user, partner):
    return user.is_authenticated and ShopFollow.objects.filter(user=user, partner=partner).exists()


def toggle_follow(user, partner):
    """Follow the shop, or stop following it; returns True when now following."""
    removed, _ = ShopFollow.objects.filter(user=user, partner=partner).delete()
    if removed:
        return False
    try:
        with transaction.atomic():
            ShopFollow.objects.create(user=user, partner=partner)
    except IntegrityError:  # a double click: already following
        pass
    return True


def followed_feed(user):
    """New products from the shops the shopper follows, newest first (a queryset)."""
    partner_ids = ShopFollow.objects.filter(user=user).values("partner_id")
    return for_display(
        Product.objects.browsable().filter(has_stock(sellable_stock(pk__in=partner_ids))).order_by("-date_created", "-id")
    )
