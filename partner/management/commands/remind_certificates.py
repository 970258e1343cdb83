"""Email sellers whose verified halal certificates expire within CERTIFICATE_REMINDER_DAYS.

Run daily (cron or a scheduler). Each certificate is reminded once per expiry
date; entering a new date sends the product back to staff for verification.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from oscar.core.loading import get_model

from partner import emails
from partner.ownership import seller_of

FoodCompliance = get_model("partner", "FoodCompliance")


class Command(BaseCommand):
    help = "Remind member businesses of halal certificates that expire soon."

    def handle(self, *args, **options):
        today = timezone.localdate()
        due = FoodCompliance.objects.filter(
            halal_expiry__isnull=False,
            halal_expiry__gte=today,
            halal_expiry__lte=today + timedelta(days=settings.CERTIFICATE_REMINDER_DAYS),
            date_reminded__isnull=True,
        ).select_related("product")
        sent = 0
        for record in due:
            partner = seller_of(record.product)
            if partner is None or not partner.is_active:
                continue
            emails.certificate_expiring(partner, record)
            record.date_reminded = today
            record.save(update_fields=["date_reminded"])
            sent += 1
        self.stdout.write(f"{sent} reminder(s) sent.")
