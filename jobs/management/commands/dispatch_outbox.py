"""Send background tasks that wait in the outbox (celery beat runs this every minute)."""

from django.core.management.base import BaseCommand

from jobs.models import Job
from jobs.outbox import dispatch_waiting


class Command(BaseCommand):
    help = "Send queued background tasks to the Celery workers (those written while the broker was away)."

    def handle(self, *args, **options):
        sent = dispatch_waiting()
        waiting = Job.objects.filter(state=Job.State.QUEUED).count()
        failed = Job.objects.filter(state=Job.State.FAILED).count()
        self.stdout.write(f"{sent} task(s) sent, {waiting} still waiting, {failed} failed (see /staf/tugas/).")
