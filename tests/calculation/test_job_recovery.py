"""Jobs that never stay stuck: the sweep of runs whose worker went silent, the run row as the lock
between two deliveries, and a broker that is down or hangs (503, nothing left queued)."""

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from calculation import services
from calculation.models import CalculationRun, RunStatus
from calculation.tasks import sweep_runs
from siex import celery_app
from siex.accounts.roles import Role
from tests.worker import sending_to

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(hours=1)


@pytest.fixture
def version(scenario_version):
    return scenario_version


@pytest.fixture
def queued(version, django_capture_on_commit_callbacks):
    """A run that was requested; its job was not (yet) handled."""
    with django_capture_on_commit_callbacks(execute=False):
        return services.run_start(version=version)


def _set(run, **fields) -> None:
    CalculationRun.objects.filter(pk=run.pk).update(**fields)
    run.refresh_from_db()


# --- the sweep ------------------------------------------------------------------------------------


def test_a_running_run_whose_worker_went_silent_is_sent_again(
    queued, django_capture_on_commit_callbacks
):
    _set(
        queued,
        status=RunStatus.RUNNING,
        attempts=1,
        progress=40,
        heartbeat_at=timezone.now() - timedelta(seconds=settings.SIEX_RUN_STALE_SECONDS + 5),
    )
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert services.run_sweep() == {"redispatched": 1, "failed": 0}
    assert len(sent) == 1  # the job is sent again, once the change is committed
    queued.refresh_from_db()
    assert queued.status == RunStatus.QUEUED
    assert queued.progress == 0 and queued.heartbeat_at is None
    assert queued.dispatches == 2 and queued.attempts == 1

    # The new delivery takes it over and finishes it.
    assert services.run_execute(run_id=queued.pk) == RunStatus.SUCCEEDED
    queued.refresh_from_db()
    assert queued.attempts == 2 and queued.results is not None


def test_a_run_with_a_recent_sign_of_life_is_left_alone(queued, django_capture_on_commit_callbacks):
    _set(queued, status=RunStatus.RUNNING, attempts=1, heartbeat_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert services.run_sweep() == {"redispatched": 0, "failed": 0}
    assert not sent
    queued.refresh_from_db()
    assert queued.status == RunStatus.RUNNING and queued.dispatches == 1


def test_a_queued_run_no_worker_took_up_is_sent_again(queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert services.run_sweep() == {"redispatched": 0, "failed": 0}  # just sent: waiting
    assert not sent
    _set(queued, dispatched_at=timezone.now() - LONG_AGO)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert sweep_runs.delay().get() == {"redispatched": 1, "failed": 0}  # beat's task
    assert len(sent) == 1
    queued.refresh_from_db()
    assert queued.status == RunStatus.QUEUED and queued.dispatches == 2


def test_a_queued_run_waiting_its_turn_while_the_workers_are_busy_is_left_alone(
    queued, scenario_version, django_capture_on_commit_callbacks
):
    """Long queued, but the workers took up another run just now: it waits its turn (sending it
    again would count against it until it failed without ever being lost)."""
    _set(queued, dispatched_at=timezone.now() - LONG_AGO)
    other = services.scenario_version_new(version=scenario_version)
    busy = CalculationRun.objects.create(
        scenario_version=other,
        status=RunStatus.FAILED,  # taken up just now (and failed: its outcome does not matter)
        started_at=timezone.now() - timedelta(seconds=5),
    )
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert services.run_sweep() == {"redispatched": 0, "failed": 0}
        assert services.run_recover(run_id=queued.pk) == services.RECOVER_ALIVE
    assert not sent
    # Once the queue stands still, the run counts as lost and is sent again.
    _set(busy, started_at=timezone.now() - LONG_AGO)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert services.run_sweep() == {"redispatched": 1, "failed": 0}
    assert len(sent) == 1


def test_sending_again_is_bounded_and_then_the_run_fails_with_a_reason(
    queued, django_capture_on_commit_callbacks
):
    _set(queued, dispatches=services.MAX_ATTEMPTS, dispatched_at=timezone.now() - LONG_AGO)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert services.run_sweep() == {"redispatched": 0, "failed": 1}
    assert not sent
    queued.refresh_from_db()
    assert queued.status == RunStatus.FAILED and queued.finished_at
    assert "No calculation worker took up this calculation" in queued.error
    assert "3 times" in queued.error


def test_a_run_whose_worker_died_three_times_fails_with_a_reason(
    queued, django_capture_on_commit_callbacks
):
    _set(
        queued,
        status=RunStatus.RUNNING,
        attempts=services.MAX_ATTEMPTS,
        dispatches=services.MAX_ATTEMPTS,
        heartbeat_at=timezone.now() - LONG_AGO,
    )
    with django_capture_on_commit_callbacks(execute=False) as sent:
        services.run_sweep()
    assert not sent
    queued.refresh_from_db()
    assert queued.status == RunStatus.FAILED
    assert "stopped 3 times before it could finish" in queued.error
    # The version is free again.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.run_start(version=queued.scenario_version)
    assert again.pk != queued.pk


def test_the_beat_schedule_runs_the_sweep():
    entry = settings.CELERY_BEAT_SCHEDULE["calculation-sweep-runs"]
    assert entry["task"] == sweep_runs.name
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] == settings.SIEX_RUN_SWEEP_INTERVAL


# --- the run row is the lock ---------------------------------------------------------------------


def test_a_second_delivery_while_a_worker_calculates_does_not_run_it_again(queued):
    _set(queued, status=RunStatus.RUNNING, attempts=1, heartbeat_at=timezone.now())
    assert services.run_execute(run_id=queued.pk) == RunStatus.RUNNING
    queued.refresh_from_db()
    assert queued.attempts == 1 and queued.status == RunStatus.RUNNING


def test_an_execution_whose_run_was_taken_over_stops_and_writes_nothing(queued, monkeypatch):
    calculate = services.calculate_document

    def worker_went_silent_meanwhile(document, *, registered, progress):
        # While this execution calculates, the sweep decides its worker is gone.
        CalculationRun.objects.filter(pk=queued.pk).update(heartbeat_at=timezone.now() - LONG_AGO)
        assert services.run_recover(run_id=queued.pk) == services.RECOVER_REDISPATCHED
        return calculate(document, registered=registered, progress=progress)

    monkeypatch.setattr(services, "calculate_document", worker_went_silent_meanwhile)
    assert services.run_execute(run_id=queued.pk) == RunStatus.QUEUED
    queued.refresh_from_db()
    assert queued.status == RunStatus.QUEUED and queued.results is None
    assert queued.attempts == 1 and queued.dispatches == 2

    monkeypatch.setattr(services, "calculate_document", calculate)
    assert services.run_execute(run_id=queued.pk) == RunStatus.SUCCEEDED  # the new attempt
    queued.refresh_from_db()
    assert queued.attempts == 2 and queued.timings["total"] > 0


# --- asking again: the embedded default's recovery ----------------------------------------------


@pytest.mark.django_db(transaction=True)  # jobs are sent as the view commits
def test_asking_again_takes_over_a_run_left_behind(client_for, version):
    """In-process (no beat) a run the server stopped in the middle of is taken over as soon as
    someone asks for the recalculation again."""
    left = CalculationRun.objects.create(
        scenario_version=version,
        status=RunStatus.RUNNING,
        attempts=1,
        dispatches=1,
        progress=40,
        heartbeat_at=timezone.now() - LONG_AGO,
    )
    lead = client_for(Role.PROJECT_LEAD)
    url = reverse("calculation:version-run", kwargs={"pk": version.pk})
    response = lead.post(url, follow=True)
    assert "The calculation has finished." in response.content.decode()
    assert list(version.runs.values_list("pk", flat=True)) == [left.pk]
    left.refresh_from_db()
    assert left.status == RunStatus.SUCCEEDED and left.attempts == 2


def test_asking_again_while_the_run_is_alive_returns_it(queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as sent:
        again = services.run_start(version=queued.scenario_version)
    assert again.pk == queued.pk and not sent


# --- a broker that is down or hangs ------------------------------------------------------------


@pytest.fixture
def silent_broker():
    """A server that accepts connections and never answers: a Redis that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()
    for connection in accepted:
        connection.close()


@pytest.mark.parametrize("broker", ["closed", "silent"])
def test_a_broker_that_is_down_fails_the_run_within_seconds(
    broker, version, silent_broker, django_capture_on_commit_callbacks
):
    url = "redis://127.0.0.1:1/0" if broker == "closed" else silent_broker
    started = time.monotonic()
    with (
        sending_to(url),
        pytest.raises(services.CalculationServiceUnavailable),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.run_start(version=version)
    waited = time.monotonic() - started
    assert waited < 4 * settings.SIEX_REDIS_TIMEOUT, waited
    run = version.runs.get()
    assert run.status == RunStatus.FAILED and not run.is_active
    assert "calculation service could not be reached" in run.error


@pytest.mark.django_db(transaction=True)  # jobs are sent as the view commits
def test_the_api_answers_503_when_the_broker_is_down(client_for, version):
    lead = client_for(Role.PROJECT_LEAD)
    with sending_to("redis://127.0.0.1:1/0"):
        response = lead.post(f"/api/v1/scenario-versions/{version.pk}/runs/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response.json() == {
        "detail": "The calculation service cannot be reached; nothing was started. "
        "Try again in a few minutes.",
        "code": "calculation_service_unavailable",
    }
    assert not version.runs.filter(status__in=["queued", "running"]).exists()


@pytest.mark.django_db(transaction=True)  # jobs are sent as the view commits
def test_the_page_answers_503_in_dutch_when_the_broker_is_down(client_for, version, settings):
    settings.LANGUAGE_CODE = "nl"
    lead = client_for(Role.PROJECT_LEAD)
    url = reverse("calculation:version-run", kwargs={"pk": version.pk})
    with sending_to("redis://127.0.0.1:1/0"):
        response = lead.post(url)
    assert response.status_code == 503
    page = response.content.decode()
    assert "<h1>De rekendienst is niet bereikbaar</h1>" in page
    assert (
        "De rekendienst is niet bereikbaar; er is niets gestart. "
        "Probeer het over een paar minuten opnieuw."
    ) in page
    assert "Er is niets opgeslagen" not in page
    assert reverse("calculation:version", kwargs={"pk": version.pk}) in page
    # The version page tells why the last calculation did not run.
    detail = lead.get(reverse("calculation:version", kwargs={"pk": version.pk}))
    assert "De rekendienst was niet bereikbaar" in detail.content.decode()
