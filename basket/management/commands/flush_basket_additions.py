from django.core.management.base import BaseCommand

from basket import additions


class Command(BaseCommand):
    help = "Write the basket additions counted in the cache to Oscar's analytics (run every minute or so)."

    def handle(self, *args, **options):
        written = additions.flush()
        self.stdout.write(f"{written} basket addition(s) written.")
