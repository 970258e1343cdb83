"""A member business's life: applied → active ⇄ suspended, or rejected (the application is deleted).

    apply       (anyone signed in)   → applied; staff and the applicant are emailed
    approve     applied              → active
    reject      applied              → deleted; the applicant may apply again, the email keeps the reason
    suspend     active               → suspended (its products leave the shop, its data is kept)
    reactivate  suspended            → active

Every decision emails the business. ``request`` is used only to build absolute links in emails.
"""

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from partner import emails

Partner = get_model("partner", "Partner")

# action -> the statuses it applies to
TRANSITIONS = {
    "approve": (Partner.Status.APPLIED,),
    "reject": (Partner.Status.APPLIED,),
    "suspend": (Partner.Status.ACTIVE,),
    "reactivate": (Partner.Status.SUSPENDED,),
}


class NotAllowed(Exception):
    """The action does not apply to the business's current status."""


def can(partner, action):
    return partner.status in TRANSITIONS[action]


def apply(partner, user, request):
    """Save ``partner`` (unsaved, from the application form) as an application with ``user`` acting for it."""
    with transaction.atomic():
        partner.status = Partner.Status.APPLIED
        partner.save()
        partner.users.add(user)
    emails.application_received(request, partner)
    return partner


def decide(partner, action, reason, request):
    """Apply staff's ``action`` (approve, reject, suspend, reactivate) with ``reason``; raises NotAllowed.

    Returns the business, or None when a rejected application was deleted.
    """
    if not can(partner, action):
        raise NotAllowed(action)
    reason = reason.strip()
    if action == "reject":
        # A rejected applicant may apply again: the record goes, the email keeps the reason.
        emails.application_decided(request, partner, action, reason)
        partner.delete()
        return None
    partner.status = Partner.Status.SUSPENDED if action == "suspend" else Partner.Status.ACTIVE
    partner.review_reason = reason
    partner.date_reviewed = timezone.now()
    partner.save()
    emails.application_decided(request, partner, action, reason)
    return partner


def approve(partner, request, reason=""):
    return decide(partner, "approve", reason, request)


def reject(partner, request, reason):
    return decide(partner, "reject", reason, request)


def suspend(partner, request, reason):
    return decide(partner, "suspend", reason, request)


def reactivate(partner, request, reason=""):
    return decide(partner, "reactivate", reason, request)
