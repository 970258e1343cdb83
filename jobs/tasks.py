"""Celery tasks: the outbox runner, and the periodic jobs celery beat starts (settings.CELERY_BEAT_SCHEDULE)."""

import logging
import traceback

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from jobs.models import Job

logger = logging.getLogger(__name__)

RUNNABLE = [Job.State.QUEUED, Job.State.SENT, Job.State.RETRYING]


def backoff(attempts):
    """Seconds before attempt ``attempts + 1``: JOB_RETRY_SECONDS, then twice that, …"""
    return settings.JOB_RETRY_SECONDS * 2 ** max(attempts - 1, 0)


@shared_task(bind=True, name="jobs.run", max_retries=None, acks_late=True, ignore_result=True)
def run_job(self, pk):
    """Run the outbox row ``pk`` once. Idempotent: a row already claimed, done or failed is skipped.

    A failure is retried with exponential backoff; after JOB_MAX_ATTEMPTS failures the row is
    "failed" and shows on the back office's /staf/tugas/ with its error and a retry button.
    """
    from jobs.outbox import resolve

    claimed = Job.objects.filter(pk=pk, state__in=RUNNABLE).update(state=Job.State.RUNNING, updated=timezone.now())
    if not claimed:
        return "skipped"
    row = Job.objects.get(pk=pk)
    attempts = row.attempts + 1
    try:
        resolve(row.task)(*row.args)
    except Exception as exc:
        error = traceback.format_exc()[-8000:]
        if attempts >= settings.JOB_MAX_ATTEMPTS:
            Job.objects.filter(pk=pk).update(state=Job.State.FAILED, attempts=attempts, last_error=error,
                                             finished=timezone.now(), updated=timezone.now())
            logger.error("Background task %s #%s failed %s times; listed at /staf/tugas/: %s", row.task, pk, attempts, exc)
            return "failed"
        Job.objects.filter(pk=pk).update(state=Job.State.RETRYING, attempts=attempts, last_error=error, updated=timezone.now())
        logger.warning("Background task %s #%s failed (attempt %s), retrying: %s", row.task, pk, attempts, exc)
        raise self.retry(exc=exc, countdown=backoff(attempts))
    Job.objects.filter(pk=pk).update(state=Job.State.DONE, attempts=attempts, finished=timezone.now(), updated=timezone.now())
    return "done"


@shared_task(name="jobs.dispatch_outbox", ignore_result=True)
def dispatch_outbox():
    from jobs.outbox import dispatch_waiting

    return dispatch_waiting()


@shared_task(name="jobs.command", acks_late=True, ignore_result=True)
def run_command(name, *args):
    """A periodic management command (release_holds, pay_out, remind_certificates, publish_scheduled, …).

    Recorded in the outbox's table (``jobs.periodic``): one that keeps failing shows on /staf/tugas/."""
    from jobs.periodic import run

    run(name, *args)
