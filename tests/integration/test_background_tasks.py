"""Background tasks (jobs.outbox): recorded durably, run once, retried, and listed for staff when they keep failing.

These run with the embedded default (no CELERY_BROKER_URL: Celery runs tasks eagerly in this
process). tests/reliability/test_broker_outage.py runs a real worker against a real Redis.
"""

from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from jobs.mail import queue_email
from jobs.models import Job
from jobs.outbox import dispatch_waiting, enqueue
from tests.factories import make_user

pytestmark = pytest.mark.django_db


class MailServerDown(BaseEmailBackend):
    """Stands in for an SMTP server that hangs up (no SMTP server runs here)."""

    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


def test_an_email_the_mail_server_keeps_refusing_lands_on_the_staff_page_and_a_retry_sends_it(client, settings):
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    queue_email("Pesanan Anda #100123", "Terima kasih", ["pembeli@contoh.test"], now=True)

    task = Job.objects.get()
    assert task.state == Job.State.FAILED and task.attempts == 3
    assert "SMTPServerDisconnected" in task.last_error and mail.outbox == []

    client.force_login(make_user("staf@okoce.test", is_staff=True))
    page = client.get("/staf/tugas/").content.decode()
    assert f"#{task.pk} Email" in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page
    assert f'action="/staf/tugas/{task.pk}/ulang/"' in page
    assert "1 tugas gagal" in client.get("/staf/").content.decode()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the mail server is back
    response = client.post(f"/staf/tugas/{task.pk}/ulang/", follow=True)
    assert [m.subject for m in mail.outbox] == ["Pesanan Anda #100123"]
    task.refresh_from_db()
    assert task.state == Job.State.DONE
    page = response.content.decode()
    assert "Tidak ada tugas yang gagal." in page and f"#{task.pk}" in page  # the success message names it

    # A second retry of a task that is no longer failed does nothing.
    assert client.post(f"/staf/tugas/{task.pk}/ulang/").status_code == 404
    assert len(mail.outbox) == 1


def test_a_task_that_fails_once_is_retried_and_sent_once(settings):
    calls = []

    class FlakyOnce(BaseEmailBackend):
        def send_messages(self, messages):
            calls.append(1)
            if len(calls) == 1:
                raise SMTPServerDisconnected("busy")
            mail.outbox.extend(messages)
            return len(messages)

    settings.EMAIL_BACKEND = f"{__name__}.FlakyOnceBackend"
    global FlakyOnceBackend
    FlakyOnceBackend = FlakyOnce
    queue_email("Halo", "isi", ["a@contoh.test"], now=True)
    task = Job.objects.get()
    assert task.state == Job.State.DONE and task.attempts == 2
    assert [m.subject for m in mail.outbox] == ["Halo"]


def test_the_same_piece_of_work_asked_for_twice_is_one_task(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email("Pesanan #7", "isi", ["a@contoh.test"], key="order-email-7")
        queue_email("Pesanan #7", "isi", ["a@contoh.test"], key="order-email-7")
    assert Job.objects.count() == 1 and len(mail.outbox) == 1
    # Sending what waits again (beat's dispatch_outbox) does not run a done task again.
    assert dispatch_waiting() == 0 and len(mail.outbox) == 1


def test_a_task_waits_for_its_transaction_and_never_runs_if_that_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_email("Pesanan #8", "isi", ["a@contoh.test"])
    assert mail.outbox == [] and Job.objects.get().state == Job.State.QUEUED and len(callbacks) == 1


def test_only_functions_marked_as_tasks_can_be_asked_for():
    with pytest.raises(ValueError):
        enqueue(print, "x")
    row = Job.objects.create(task="os.system", args=["true"])
    from jobs.tasks import run_job

    run_job.apply(args=[row.pk])
    row.refresh_from_db()
    assert row.state == Job.State.FAILED and "not a background task" in row.last_error


def test_every_periodic_job_of_celery_beat_is_a_command_that_exists(settings):
    from django.core.management import get_commands

    from jobs.tasks import dispatch_outbox, run_command

    commands = get_commands()
    tasks = {run_command.name, dispatch_outbox.name}
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in tasks, name
        if entry["args"]:
            assert entry["args"][0] in commands, name
    assert {e["args"][0] for e in settings.CELERY_BEAT_SCHEDULE.values() if e["args"]} >= {
        "release_holds", "pay_out", "remind_certificates", "publish_scheduled", "search_index", "flush_view_counts",
        "flush_basket_additions"}


def test_beat_runs_a_periodic_command_through_its_task(settings, capsys):
    from jobs.tasks import run_command

    run_command.apply(args=["release_holds"]).get()
    assert "hold(s) released" in capsys.readouterr().out
