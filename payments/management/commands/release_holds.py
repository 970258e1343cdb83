"""Release stock held by unfinished payments and uncollected Mart pickups, remind shoppers of pickups about to lapse,
and send refunds still owed (run every few minutes)."""

from django.core.management.base import BaseCommand

from payments.services import expire_holds, remind_pickups, retry_refunds


class Command(BaseCommand):
    help = ("Give back stock held by payments never finished and by Mart pickups not paid within 48 hours; "
            "remind shoppers of Mart pickups about to lapse; refund payments that could not become orders.")

    def handle(self, *args, **options):
        self.stdout.write(f"{expire_holds()} hold(s) released.")
        reminded = remind_pickups()
        if reminded:
            self.stdout.write(f"{reminded} shopper(s) reminded to collect their Mart pickup.")
        sent, owed = retry_refunds()
        if sent or owed:
            self.stdout.write(f"{sent} refund(s) sent, {owed} still owed (see reconcile_payments).")
