"""Periodic jobs (celery beat) recorded like outbox tasks, so one that keeps failing shows on /staf/tugas/.

Each beat entry that runs a management command (``jobs.command``) has one ``Job`` row (key
``beat:<command> <args>``). A run that raises counts a failure on it, with the traceback: "will be
retried" (the next beat run, or the outbox's stale-task sweep, tries again) and, after
JOB_MAX_ATTEMPTS failures in a row, "failed", listed for staff with the error and a retry button.
Beat keeps running a failed job on schedule (holds must still be released once the cause is fixed);
the first run that succeeds, by beat or by staff's retry, marks it done again.
"""

import logging
import traceback

from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.models import Job
from jobs.outbox import job

logger = logging.getLogger(__name__)


@job(label=_("Periodic job (celery beat)"))
def periodic_command(name, *args):
    call_command(name, *args)


# Staff read which job it is: "Periodic job (celery beat): release_holds".
periodic_command.job_describe = lambda name, *args: f"{periodic_command.job_label}: {' '.join([name, *map(str, args)])}"


def record_key(name, *args):
    return ("beat:" + " ".join([name, *map(str, args)]))[:200]


def run(name, *args):
    """Run the periodic command ``name`` once and record how it went; re-raises its error (Celery logs it)."""
    row, _created = Job.objects.get_or_create(
        key=record_key(name, *args),
        defaults={"task": periodic_command.job_name, "args": [name, *args], "state": Job.State.DONE},
    )
    try:
        periodic_command(name, *args)
    except Exception as exc:
        Job.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1, last_error=traceback.format_exc()[-8000:],
                                             updated=timezone.now())
        row.refresh_from_db(fields=["attempts"])
        failed = row.attempts >= settings.JOB_MAX_ATTEMPTS
        Job.objects.filter(pk=row.pk).update(state=Job.State.FAILED if failed else Job.State.RETRYING,
                                             finished=timezone.now() if failed else None)
        log = logger.error if failed else logger.warning
        log("Periodic job %s failed (%s in a row)%s: %s", name, row.attempts,
            "; listed at /staf/tugas/" if failed else "", exc)
        raise
    Job.objects.filter(pk=row.pk).update(state=Job.State.DONE, attempts=0, last_error="", finished=timezone.now(),
                                         updated=timezone.now())
