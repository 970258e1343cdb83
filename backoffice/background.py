"""Background tasks in the back office (/staf/tugas/): tasks that failed JOB_MAX_ATTEMPTS times, with their
error and a retry button, and how many wait for the broker. The rules live in ``jobs.outbox``."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from backoffice.access import StaffRequiredMixin
from jobs import outbox
from jobs.models import Job


class TaskListView(StaffRequiredMixin, ListView):
    template_name = "backoffice/tasks.html"
    context_object_name = "failed"
    paginate_by = 50

    def get_queryset(self):
        return Job.objects.filter(state=Job.State.FAILED).order_by("-updated")

    def get_context_data(self, **kwargs):
        counts = dict(Job.objects.values_list("state").annotate(n=Count("pk")))
        waiting = sum(counts.get(s, 0) for s in (Job.State.QUEUED, Job.State.SENT, Job.State.RUNNING, Job.State.RETRYING))
        return super().get_context_data(waiting=waiting, retrying=counts.get(Job.State.RETRYING, 0), **kwargs)


class TaskRetryView(StaffRequiredMixin, View):
    def post(self, request, pk):
        row = get_object_or_404(Job, pk=pk, state=Job.State.FAILED)
        outbox.retry(row)
        row.refresh_from_db()
        if row.state == Job.State.DONE:
            messages.success(request, _("Task #%(pk)s ran again and succeeded.") % {"pk": pk})
        elif row.state == Job.State.FAILED:
            messages.error(request, _("Task #%(pk)s failed again: %(error)s") % {"pk": pk, "error": row.error_summary})
        else:
            messages.success(request, _("Task #%(pk)s is sent to the workers again.") % {"pk": pk})
        return redirect("backoffice:tasks")
