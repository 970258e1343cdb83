"""Asking for background work: ``enqueue(func, *args)``.

``func`` is a function marked ``@job`` (importable by its dotted path, its
arguments JSON). ``enqueue`` writes a ``Job`` row in the caller's transaction
and, once that commits, sends it to Celery (``jobs.tasks.run_job``). If the
broker is away the row stays "queued"; ``dispatch_waiting`` (celery beat every
minute, or ``manage.py dispatch_outbox``) sends it when the broker is back.

Without ``CELERY_BROKER_URL`` Celery runs tasks eagerly in this process, so a
newcomer needs no broker and everything happens as before, in the request.
"""

import logging
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from jobs.models import Job

logger = logging.getLogger(__name__)


def job(func=None, *, label=None):
    """Mark ``func`` as runnable in the background (only marked functions are ever run from a row).

    ``label`` is what staff read on /staf/tugas/ (``@job(label=_("Payout to sellers"))``)."""
    def mark(func):
        func.job_name = f"{func.__module__}.{func.__qualname__}"
        func.job_label = label or func.__name__
        func.is_job = True
        return func

    return mark(func) if func is not None else mark


def resolve(name):
    func = import_string(name)
    if not getattr(func, "is_job", False):
        raise ValueError(f"{name} is not a background task (@job)")
    return func


def eager():
    return bool(current_app.conf.task_always_eager)


def enqueue(func, *args, key=None, now=False):
    """Record ``func(*args)`` as a background task and send it after the current transaction commits.

    ``key`` makes the request idempotent (the same key is the same task, sent once).
    ``now=True`` runs it at once when tasks run eagerly (no broker), as code that sent an
    email inline did; with a broker it is always sent after the commit (the worker must see the row).
    """
    if not getattr(func, "is_job", False):
        raise ValueError(f"{func!r} is not marked @job")
    fields = {"task": func.job_name, "args": list(args)}
    if key:
        row, created = Job.objects.get_or_create(key=key[:200], defaults=fields)
        if not created:
            return row
    else:
        row = Job.objects.create(**fields)
    if now and eager():
        dispatch([row.pk])
    else:
        transaction.on_commit(partial(dispatch, [row.pk]), robust=True)
    return row


def dispatch(pks, countdown=None):
    """Send the rows ``pks`` to the workers. Returns how many were sent; never raises.

    A broker that cannot be reached leaves them queued for ``dispatch_waiting``.
    """
    from jobs.tasks import run_job

    sent = 0
    for pk in pks:
        try:
            run_job.apply_async(args=[pk], countdown=countdown, retry=False)
        except Exception as exc:  # broker away (kombu.exceptions.OperationalError and friends)
            logger.warning("Broker unreachable; %s background task(s) wait in the outbox: %s", len(pks) - sent, exc)
            return sent
        Job.objects.filter(pk=pk, state=Job.State.QUEUED).update(state=Job.State.SENT, updated=timezone.now())
        sent += 1
    return sent


def dispatch_waiting(limit=1000):
    """Send what waits: rows never sent (broker was away) and rows whose worker vanished.

    A row sent, running or due for a retry longer than ``JOB_STALE_MINUTES`` ago is sent
    again (tasks are idempotent: the worker claims a row before running it). Done rows
    older than ``JOB_KEEP_DAYS`` are deleted. Returns how many were sent.
    """
    now = timezone.now()
    stale = now - timedelta(minutes=settings.JOB_STALE_MINUTES)
    Job.objects.filter(state__in=[Job.State.SENT, Job.State.RUNNING, Job.State.RETRYING], updated__lt=stale).update(
        state=Job.State.QUEUED, updated=now)
    Job.objects.filter(state=Job.State.DONE, finished__lt=now - timedelta(days=settings.JOB_KEEP_DAYS)).delete()
    pks = list(Job.objects.filter(state=Job.State.QUEUED).order_by("pk").values_list("pk", flat=True)[:limit])
    return dispatch(pks)


def retry(job_row):
    """Staff's "retry": a failed task gets three new attempts."""
    updated = Job.objects.filter(pk=job_row.pk, state=Job.State.FAILED).update(
        state=Job.State.QUEUED, attempts=0, updated=timezone.now(), finished=None)
    if updated:
        dispatch([job_row.pk])
    return bool(updated)


def send_task(task, *args):
    """Send a plain Celery task (one whose work is already durable elsewhere, e.g. the search
    queue); a broker that cannot be reached is logged, and the periodic run catches up."""
    try:
        task.apply_async(args=list(args), retry=False)
        return True
    except Exception as exc:
        logger.warning("Broker unreachable; %s waits for its periodic run: %s", task.name, exc)
        return False
