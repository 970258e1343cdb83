"""Release stock held by unfinished payments and uncollected Mart pickups (run every few minutes)."""

from django.core.management.base import BaseCommand

from payments.services import expire_holds


class Command(BaseCommand):
    help = "Give back stock held by payments never finished and by Mart pickups not paid within 48 hours."

    def handle(self, *args, **options):
        self.stdout.write(f"{expire_holds()} hold(s) released.")
