"""A periodic job of celery beat that keeps failing shows on /staf/tugas/ like a failed outbox task.

Beat's runs are made here by applying its task (``jobs.command``) as beat would send it.
``expire_holds`` is replaced by one that raises: nothing on this machine makes release_holds fail
for real (its database is the test's own).
"""

import pytest

from jobs.models import Job
from jobs.tasks import run_command
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def boom():
    raise RuntimeError("payment provider unreachable while releasing holds")


def beat_runs(times, fail):
    for _ in range(times):
        result = run_command.apply(args=["release_holds"])
        assert result.failed() == fail  # a failure still reaches Celery (its log, its monitoring)


def test_release_holds_failing_three_times_is_listed_for_staff_and_their_retry_runs_it(client, monkeypatch, capsys):
    from payments.management.commands import release_holds

    staff = make_user("staf@okoce.test", is_staff=True)
    client.force_login(staff)
    monkeypatch.setattr(release_holds, "expire_holds", boom)

    beat_runs(2, fail=True)
    row = Job.objects.get(key="beat:release_holds")
    assert (row.state, row.attempts) == (Job.State.RETRYING, 2)
    page = client.get("/staf/tugas/").content.decode()
    assert "payment provider unreachable" not in page  # twice is not yet a failure staff must see

    beat_runs(1, fail=True)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Job.State.FAILED, 3)
    page = client.get("/staf/tugas/").content.decode()
    assert f'id="task-{row.pk}"' in page and "Tugas berkala (celery beat): release_holds" in page
    assert "RuntimeError: payment provider unreachable while releasing holds" in page
    assert f"/staf/tugas/{row.pk}/ulang/" in page  # the retry button

    monkeypatch.undo()  # the cause is fixed
    capsys.readouterr()
    response = client.post(f"/staf/tugas/{row.pk}/ulang/", follow=True)
    assert "hold(s) released" in capsys.readouterr().out  # the command itself ran again
    row.refresh_from_db()
    assert row.state == Job.State.DONE
    assert f'id="task-{row.pk}"' not in response.content.decode()


def test_a_periodic_job_that_recovers_on_its_own_is_done_again_and_keeps_one_record(monkeypatch):
    from payments.management.commands import release_holds

    with monkeypatch.context() as patched:
        patched.setattr(release_holds, "expire_holds", boom)
        beat_runs(1, fail=True)
    beat_runs(1, fail=False)
    row = Job.objects.get(key="beat:release_holds")
    assert (row.state, row.attempts, row.last_error) == (Job.State.DONE, 0, "")
    beat_runs(3, fail=False)
    assert Job.objects.filter(task="jobs.periodic.periodic_command").count() == 1
