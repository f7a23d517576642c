"""The calculation job through a real Celery worker, the Redis broker and PostgreSQL: progress,
the outcome written at once, a killed worker, a broker that is down."""

import os
import signal
import time

import pytest
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse

from calculation import services
from calculation.models import CalculationRun, RunStatus
from calculation.tasks import run_calculation
from siex.accounts.roles import Role
from tests.worker import sending_to, start_worker, stop_worker


@pytest.fixture
def version(transactional_db, groningen_catalogue):
    version = services.scenario_create(code="job", name="Job")
    types = [t["code"] for t in version.catalogue["intervention_types"]]
    return services.scenario_version_update(
        version=version,
        expected_version=version.version,
        start_year=2026,
        monte_carlo_draws=100_000,  # long enough to watch it move
        intake=[
            {"intervention_type": code, "year": 2026 + n % 5, "households": 50}
            for n, code in enumerate(types)
        ],
        uncertainty=[
            {"parameter": "cost_factor", "low": 0.8, "high": 1.3},
            {"parameter": "benefit_factor", "low": 0.6, "high": 1.2},
        ],
    )


def _wait(run_id: int, seen: list[int], timeout: float = 120) -> CalculationRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = CalculationRun.objects.get(pk=run_id)
        seen.append(run.progress)
        if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            return run
        time.sleep(0.005)
    raise AssertionError(f"The run did not finish; progress seen: {sorted(set(seen))}")


@pytest.mark.worker
def test_a_recalculation_runs_in_the_worker_with_progress_and_stored_results(version, worker):
    process, queue = worker
    seen: list[int] = []
    run = services.run_start(version=version)  # dispatched on commit (autocommit here)
    assert run.status == RunStatus.QUEUED
    finished = _wait(run.pk, seen)
    if finished.status != RunStatus.SUCCEEDED:
        raise AssertionError(f"{finished.error}\n{stop_worker(process)}")
    assert finished.progress == 100
    assert finished.results["monte_carlo"]["draws"] == 100_000
    assert finished.results["kpis"]["pv_costs"] > 0
    assert finished.inputs_hash and finished.model_version and finished.seed == 1
    assert finished.started_at and finished.finished_at and finished.timings["total"] > 0
    assert CalculationRun.objects.filter(scenario_version=version).count() == 1


@pytest.mark.worker
def test_progress_moves_while_the_worker_calculates(version):
    from tests.worker import _require_services

    _require_services()
    from siex import celery_app

    # A worker that writes every progress step, so the test can watch it move.
    process, queue = start_worker(SIEX_RUN_PROGRESS_INTERVAL="0")
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        run = CalculationRun.objects.create(scenario_version=version)
        run_calculation.apply_async(args=[run.pk], queue=queue)
        seen: list[int] = []
        finished = _wait(run.pk, seen)
    finally:
        celery_app.conf.task_always_eager = eager
        output = stop_worker(process)
    assert finished.status == RunStatus.SUCCEEDED, output
    between = {value for value in seen if 0 < value < 100}
    assert between, f"no progress between 0 and 100 was seen: {sorted(set(seen))}"


@pytest.mark.worker
def test_the_same_job_twice_leaves_one_result(version, worker):
    process, queue = worker
    run = CalculationRun.objects.create(scenario_version=version)
    # The job keeps no Celery result (its state is the run row); here the test asks for one, to
    # know when both deliveries were handled.
    first = run_calculation.apply_async(args=[run.pk], queue=queue, ignore_result=False)
    second = run_calculation.apply_async(args=[run.pk], queue=queue, ignore_result=False)
    assert first.get(timeout=120) == RunStatus.SUCCEEDED
    assert second.get(timeout=120) == RunStatus.SUCCEEDED
    run.refresh_from_db()
    assert run.attempts == 1  # the second delivery found the work done and left it alone
    assert CalculationRun.objects.filter(scenario_version=version).count() == 1
    assert run.results["kpis"]["npv"] is not None


@pytest.mark.worker
def test_a_run_is_never_seen_finished_without_its_timings_and_results(version, worker):
    """The outcome (status, results, timings) is committed at once: read as fast as the database
    answers, the first time the run shows as finished it already has all of it."""
    run = services.run_start(version=version)
    rows = CalculationRun.objects.filter(pk=run.pk).annotate(
        has_results=ExpressionWrapper(Q(results__isnull=False), output_field=BooleanField())
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status, timings, has_results = rows.values_list("status", "timings", "has_results").get()
        if status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            break
    assert status == RunStatus.SUCCEEDED
    assert has_results is True
    assert set(timings) >= {"read", "calculate", "store", "total"}
    assert timings["total"] >= timings["calculate"] > 0


def _wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout} s")


@pytest.mark.worker
def test_a_killed_worker_does_not_block_its_version(version, tmp_path):
    """A worker killed mid-run: beat's sweep sends the run again within seconds of
    SIEX_RUN_STALE_SECONDS, another worker finishes it, and the version can be recalculated."""
    from tests.worker import _require_services

    _require_services()
    first, queue = start_worker(SIEX_RUN_PROGRESS_INTERVAL="0")
    second = None
    try:
        with sending_to(os.environ["REDIS_URL"], queue):
            run = services.run_start(version=version)
            _wait_until(
                lambda: CalculationRun.objects.filter(
                    pk=run.pk, status=RunStatus.RUNNING, progress__gt=5
                ).exists(),
                60,
                "the first worker taking up the run",
            )
            os.kill(first.pid, signal.SIGKILL)  # the worker dies mid-run, its message unacked
            first.wait(timeout=10)
            killed = time.monotonic()
            second, _ = start_worker(
                queue,
                beat=tmp_path,
                SIEX_RUN_STALE_SECONDS="3",
                SIEX_RUN_SWEEP_INTERVAL="1",
            )
            finished = _wait_until(
                lambda: (
                    CalculationRun.objects.filter(pk=run.pk, status__in=["succeeded", "failed"])
                    .defer("results")
                    .first()
                ),
                90,
                "the run finishing after the worker was killed",
            )
            recovered_in = time.monotonic() - killed
            assert finished.status == RunStatus.SUCCEEDED, finished.error
            assert finished.attempts == 2  # the killed attempt and the one that finished
            assert finished.dispatches == 2  # sent once on request, once by the sweep
            assert set(finished.timings) >= {"store", "total"}
            assert recovered_in < 45, recovered_in

            again = services.run_start(version=version)  # the version is not blocked
            assert again.pk != run.pk
            done = _wait_until(
                lambda: CalculationRun.objects.filter(pk=again.pk, status="succeeded").exists(),
                90,
                "the next recalculation finishing",
            )
            assert done
    finally:
        if first.poll() is None:
            first.kill()
        if second is not None:
            stop_worker(second)


@pytest.mark.worker
def test_with_the_broker_down_a_recalculation_answers_503_and_blocks_nothing(
    version, client_for, redis_server, settings
):
    """The broker goes down: asking for a recalculation answers 503 at once with a clear page,
    leaves no run queued; once the broker is back the next request starts the calculation."""
    settings.LANGUAGE_CODE = "nl"
    lead = client_for(Role.PROJECT_LEAD)
    url = reverse("calculation:version-run", kwargs={"pk": version.pk})
    worker = None
    with sending_to(redis_server.url):
        redis_server.stop()
        asked = time.monotonic()
        response = lead.post(url)
        assert time.monotonic() - asked < 10
        assert response.status_code == 503
        assert response["Retry-After"]
        page = response.content.decode()
        assert (
            "De rekendienst is niet bereikbaar; er is niets gestart. "
            "Probeer het over een paar minuten opnieuw."
        ) in page
        assert not version.runs.filter(status__in=["queued", "running"]).exists()
        failed = version.runs.get()
        assert failed.status == RunStatus.FAILED
        assert "rekendienst" in failed.error.lower() or "calculation service" in failed.error

        api = lead.post(f"/api/v1/scenario-versions/{version.pk}/runs/")
        assert api.status_code == 503
        assert api.json()["code"] == "calculation_service_unavailable"
        assert "niets gestart" in api.json()["detail"]

        redis_server.start()
        worker, queue = start_worker(REDIS_URL=redis_server.url, CELERY_BROKER_URL=redis_server.url)
        try:
            with sending_to(redis_server.url, queue):
                response = lead.post(url)
                assert response.status_code == 302
                run = version.runs.filter(status__in=["queued", "running", "succeeded"]).get()
                _wait_until(
                    lambda: CalculationRun.objects.filter(pk=run.pk, status="succeeded").exists(),
                    90,
                    "the calculation after the broker came back",
                )
        finally:
            stop_worker(worker)
