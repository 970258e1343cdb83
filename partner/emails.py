"""Emails to member businesses (and to staff about them), rendered from partner/email/.

A business is written to in the language it chose (``Partner.language``: asked when it applies,
changed in its shop profile), whoever's action sends the email: a staff member working in English
approving a listing still writes to an Indonesian-speaking business in Indonesian. Staff are
written to in the shop's language (``LANGUAGE_CODE``).

The seller centre, the back office, member transitions, listing moderation and
``remind_certificates`` all send through here. ``send_event`` sends through Oscar's
communication event types (plain text and HTML, in the recipient's language); the
order emails to shoppers (order/emails.py) use it too.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from jobs.mail import queue_email

CommunicationEventType = get_model("communication", "CommunicationEventType")
Dispatcher = get_class("communication.utils", "Dispatcher")


def absolute(path):
    """``path`` on the shop's public address (BASE_URL): emails are sent outside any request."""
    return settings.BASE_URL.rstrip("/") + path


def supported_language(code):
    """``code`` if the shop speaks it (``LANGUAGES``), else the shop's language (``LANGUAGE_CODE``)."""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def send_event(code, recipients, context, language=None):
    """Render Oscar's communication event ``code`` (templates ``oscar/communication/emails/commtype_<code>_*``,
    or the dashboard's edited copy) in ``language`` and send it, text and HTML, to each recipient.

    Returns how many messages were sent."""
    recipients = [r for r in dict.fromkeys(recipients) if r]
    if not recipients:
        return 0
    language = supported_language(language)
    with translation.override(language):
        messages = CommunicationEventType.objects.get_and_render(
            code, {"site": {"name": settings.OSCAR_SHOP_NAME, "url": settings.BASE_URL}, "language": language, **context})
    dispatcher = Dispatcher()
    for recipient in recipients:
        dispatcher.dispatch_direct_messages(recipient, messages)
    return len(recipients)


def _send(template, subject, recipients, context):
    recipients = [r for r in recipients if r]
    if not recipients:
        return 0
    body = render_to_string(f"partner/email/{template}.txt", context)
    # A background task (retried while the mail server is away); at once when tasks run eagerly.
    return queue_email(subject, body, recipients, now=True)


def language_of(partner):
    """The language emails to ``partner`` are written in."""
    return supported_language(getattr(partner, "language", ""))


def members_of(partner):
    return list(partner.users.values_list("email", flat=True))


def application_received(request, partner):
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).values_list("email", flat=True)
    url = request.build_absolute_uri(reverse("backoffice:member", args=[partner.pk]))
    send_event("MEMBER_APPLICATION", list(staff), {"partner": partner, "url": url})
    with translation.override(language_of(partner)):
        _send("application_received", _("We received your application"), members_of(partner), {"partner": partner})


def application_decided(request, partner, action, reason):
    with translation.override(language_of(partner)):
        _application_decided(request, partner, action, reason)


def _application_decided(request, partner, action, reason):
    subjects = {
        "approve": _("Welcome to OK OCE Mart: %(name)s is approved"),
        "reject": _("Your OK OCE Mart application was not approved"),
        "suspend": _("%(name)s is suspended from OK OCE Mart"),
        "reactivate": _("%(name)s is active again on OK OCE Mart"),
    }
    url = request.build_absolute_uri(reverse("seller:home"))
    _send("application_decided", subjects[action] % {"name": partner.name}, members_of(partner),
          {"partner": partner, "action": action, "reason": reason, "url": url})


def invitation(request, invite):
    url = request.build_absolute_uri(reverse("seller:invitation", args=[invite.token]))
    with translation.override(language_of(invite.partner)):
        _send("invitation", _("%(name)s invites you to OK OCE Mart") % {"name": invite.partner.name}, [invite.email],
              {"invite": invite, "url": url, "inviter": request.user})


def listing_decided(product, partner, approve, reason):
    with translation.override(language_of(partner)):
        subject = (_("Your product %(title)s is approved") if approve else _("Your product %(title)s needs changes")) % {
            "title": product.title
        }
        _send("listing_decided", subject, members_of(partner), {"product": product, "approve": approve, "reason": reason})


def certificate_expiring(partner, compliance):
    with translation.override(language_of(partner)):
        _send("certificate_expiring", _("Halal certificate of %(title)s expires soon") % {"title": compliance.product.title},
              members_of(partner), {"compliance": compliance, "partner": partner})


def low_stock(alert):
    """A variant dropped below its low-stock threshold (partner/alerts.py): once per drop."""
    record = alert.stockrecord
    product = record.product
    with translation.override(language_of(record.partner)):
        _send("low_stock", _("Low stock: %(title)s") % {"title": product.get_title()}, members_of(record.partner),
              {"record": record, "product": product, "left": record.net_stock_level, "threshold": alert.threshold,
               "url": f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{reverse('seller:products')}"})


def _order_lines(order, partner):
    return [line for line in order.lines.all() if line.partner_id == partner.pk]


def new_paid_order(order):
    """Each business with lines in ``order`` hears that it is paid and what to send (its lines only)."""
    for partner in get_model("partner", "Partner").objects.filter(pk__in=order.lines.values("partner")):
        lines = _order_lines(order, partner)
        send_event("SELLER_ORDER_PAID", members_of(partner), {
            "order": order, "partner": partner, "lines": lines, "total": sum(line.line_price_incl_tax for line in lines),
            "url": absolute(reverse("seller:order-detail", args=[order.number])),
        }, language=language_of(partner))


def order_refunded(order, partner, refunds):
    """A business hears which of its lines were refunded (``refunds``: its Refund rows of this refund)."""
    send_event("SELLER_ORDER_REFUNDED", members_of(partner), {
        "order": order, "partner": partner, "refunds": refunds, "total": sum(r.amount for r in refunds),
        "url": absolute(reverse("seller:order-detail", args=[order.number])),
    }, language=language_of(partner))
