from django.core.management.base import BaseCommand

from catalogue import viewcounts


class Command(BaseCommand):
    help = "Write the product page views counted in the cache to Oscar's analytics (run every minute or so)."

    def handle(self, *args, **options):
        written = viewcounts.flush()
        self.stdout.write(f"{written} product page view(s) written.")
