"""Guest orders: followed by a signed link, and joined to an account whose owner proves the email is theirs.

"Verified" here means the account holder showed they read that mailbox: they opened
a signed link we emailed to it, either

- the order's own link (Oscar's order hash, in the confirmation email) while signed in
  with an account of the same email, or
- the link we email when someone signs in or registers with an email that has guest
  orders (signed with the account and the email, valid CLAIM_DAYS days).

An account with the same email typed at registration is not proof on its own: anyone can type
someone else's address, and the orders carry a delivery address and a phone number.
"""

from django.core import signing
from django.db.models.functions import Lower
from oscar.core.loading import get_model

Order = get_model("order", "Order")

SALT = "order.guests.claim"
CLAIM_DAYS = 7


def unclaimed(email):
    """Guest orders placed with ``email`` (any case), not yet in an account."""
    if not email:
        return Order.objects.none()
    return Order.objects.annotate(guest_email_lower=Lower("guest_email")).filter(user=None, guest_email_lower=email.strip().lower())


def claim(user, email=None):
    """Put the guest orders of ``email`` (the account's own by default) into ``user``'s account; returns how many."""
    email = (email or user.email or "").strip().lower()
    if not email or email != (user.email or "").strip().lower():
        return 0
    return Order.objects.filter(pk__in=list(unclaimed(email).values_list("pk", flat=True))).update(user=user)


def claim_token(user):
    return signing.dumps({"u": user.pk, "e": (user.email or "").strip().lower()}, salt=SALT, compress=True)


def user_for_token(token, user):
    """True when ``token`` was made for ``user`` and its current email, at most CLAIM_DAYS days ago."""
    try:
        data = signing.loads(token, salt=SALT, max_age=CLAIM_DAYS * 24 * 3600)
    except signing.BadSignature:  # also SignatureExpired
        return False
    return (isinstance(data, dict) and data.get("u") == user.pk
            and data.get("e") == (user.email or "").strip().lower() and bool(data.get("e")))
