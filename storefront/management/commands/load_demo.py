"""Load the fictional demo shop. Safe to run again: it only adds what is missing."""

import logging

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from places.models import Kecamatan
from search import indexing
from storefront.demo.loader import DEMO_USERS, DemoLoader


class Command(BaseCommand):
    help = "Load fictional member businesses, Marts, products and demo logins (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=450, help="How many products (default 450).")
        parser.add_argument("--businesses", type=int, default=46, help="How many member businesses (default 46).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed; the same seed gives the same shop.")
        parser.add_argument("--no-progress", action="store_true", help="Hide progress bars.")

    def handle(self, *args, products, businesses, seed, no_progress, **options):
        if Kecamatan.objects.count() != 44:
            raise CommandError("The kecamatan table is not loaded. Run `python manage.py migrate` first.")
        if businesses < 3:
            raise CommandError("--businesses must be at least 3 (one applicant, one suspended, one active).")
        # Wagtail logs every page it creates and publishes; the progress bars say enough.
        logging.getLogger("wagtail").setLevel(logging.WARNING)
        loader = DemoLoader(
            products=products, businesses=businesses, seed=seed, progress=not no_progress
        )
        with indexing.paused():  # one rebuild at the end instead of one per save
            created = loader.run()
        try:
            call_command("search_index", "--rebuild", no_progress=no_progress, stdout=self.stdout, stderr=self.stderr)
        except CommandError as exc:
            self.stderr.write(self.style.WARNING(f"Search index not rebuilt: {exc}"))
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready: {businesses} businesses, {marts} Marts, {products} products, {stories} stories, "
                "{orders} orders and {users} users added "
                "(anything already there was kept).".format(**created)
            )
        )
        self.stdout.write("Demo logins (email / password):")
        for role, (email, _, password) in DEMO_USERS.items():
            self.stdout.write(f"  {role:<8} {email} / {password}")
