"""Email as a background task: the message is rendered by the caller (in the shopper's language)
and sent by a worker, retried when the mail server is away."""

from django.conf import settings
from django.core.mail import send_mail as django_send_mail
from django.utils.translation import gettext_lazy as _

from jobs.outbox import enqueue, job


@job(label=_("Email"))
def send_email(subject, body, recipients, from_email=None):
    django_send_mail(subject, body, from_email or settings.DEFAULT_FROM_EMAIL, recipients)


def queue_email(subject, body, recipients, key=None, now=False):
    """Send an email in the background (see ``jobs.outbox.enqueue`` for ``key`` and ``now``)."""
    recipients = [r for r in recipients if r]
    if not recipients:
        return 0
    enqueue(send_email, str(subject), body, recipients, key=key, now=now)
    return len(recipients)
