"""The durable record of a background task (the outbox).

A task is written as a ``Job`` row in the same transaction as the change that
asks for it (an order, a refund, a member decision), so it cannot be lost when
the broker is away or the process dies: the row waits and is sent again.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent to a worker")
        RUNNING = "running", _("Running")
        RETRYING = "retrying", _("Will be retried")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    # Idempotency: a second request for the same piece of work (same key) is the same row.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")

    def __str__(self):
        return f"{self.task} #{self.pk} ({self.state})"

    @property
    def short_name(self):
        return self.task.rsplit(".", 1)[-1]

    @property
    def label(self):
        """What staff read: the task's label (``@job(label=…)``), else its function's name."""
        from jobs.outbox import resolve

        try:
            func = resolve(self.task)
        except Exception:  # a task renamed or removed since the row was written
            return self.short_name
        describe = getattr(func, "job_describe", None)  # a label naming what this row does (jobs/periodic.py)
        return describe(*self.args) if describe else func.job_label

    @property
    def error_summary(self):
        """The exception line of the last traceback (the full text is shown below it)."""
        lines = [line for line in self.last_error.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""
