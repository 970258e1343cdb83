"""Build and check the search indexes.

    manage.py search_index --rebuild   rewrite every product's search text; with Elasticsearch,
                                       fill a new index and switch the alias to it (no downtime)
    manage.py search_index --update    send the changes queued while the cluster was unreachable
    manage.py search_index --check     say what the configured cluster lacks, and how to fix it
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from oscar.core.loading import get_model
from tqdm import tqdm

from search import indexing
from search.models import IndexQueue

Product = get_model("catalogue", "Product")

BATCH = 1000


class Command(BaseCommand):
    help = "Rebuild, update or check the product search indexes."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--rebuild", action="store_true", help="Reindex every product (alias switched atomically).")
        group.add_argument("--update", action="store_true", help="Send queued changes to Elasticsearch.")
        group.add_argument("--check", action="store_true", help="Check the cluster has what search needs.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (logs, CI).")

    def handle(self, *args, **opts):
        if opts["check"]:
            return self.check_cluster()
        if opts["update"]:
            return self.update()
        return self.rebuild(progress=not opts["no_progress"])

    def bar(self, total, desc, enabled):
        return tqdm(total=total, desc=desc, unit=" products", disable=not enabled, file=self.stderr._out)

    def rebuild(self, progress=True):
        total = Product.objects.browsable().count()
        with self.bar(total, "Search text (database)", progress) as bar:
            indexing.rebuild_texts(progress=bar.update, batch=BATCH)
        if not indexing.elasticsearch_enabled():
            self.stdout.write(self.style.SUCCESS(f"Search text rewritten for {total} products (SEARCH_BACKEND=database)."))
            return
        from search.backends.elasticsearch import ElasticsearchUnavailable, get_index

        index = get_index()
        try:
            with self.bar(total, "Elasticsearch", progress) as bar:
                name, count = index.rebuild(indexing.batches(BATCH), progress=bar.update)
        except ElasticsearchUnavailable as exc:
            raise CommandError(
                f"Elasticsearch at {settings.ELASTICSEARCH_URL} did not accept the rebuild: {exc}\n"
                "Run `manage.py search_index --check` to see what the cluster lacks."
            ) from exc
        sent, left = indexing.flush()
        self.stdout.write(self.style.SUCCESS(
            f"Index {name} holds {count} products and now serves {index.alias}; {sent} queued changes sent, {left} waiting."
        ))

    def update(self):
        if not indexing.elasticsearch_enabled():
            IndexQueue.objects.all().delete()
            self.stdout.write("SEARCH_BACKEND=database: the database engine is always current; nothing to send.")
            return
        sent, left = indexing.flush()
        if left:
            raise CommandError(
                f"{sent} changes sent; {left} still queued because Elasticsearch at {settings.ELASTICSEARCH_URL} "
                "is unreachable. They are kept; run this again when it is back (`--check` says what is wrong)."
            )
        self.stdout.write(self.style.SUCCESS(f"{sent} changes sent to Elasticsearch; nothing waiting."))

    def check_cluster(self):
        from search.checks import check_cluster

        problems, facts = check_cluster()
        for fact in facts:
            self.stdout.write(f"ok: {fact}")
        for problem in problems:
            self.stdout.write(self.style.ERROR(f"missing: {problem}"))
        if problems:
            raise CommandError(f"{len(problems)} problem(s) with Elasticsearch at {settings.ELASTICSEARCH_URL}.")
        self.stdout.write(self.style.SUCCESS("The cluster has everything search needs."))
