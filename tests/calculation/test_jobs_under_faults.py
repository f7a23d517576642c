"""Calculation jobs under faults, with real workers, a Redis and a PostgreSQL of the tests' own:
the worker's child killed mid-run, the whole worker killed and replaced, Redis stopped during a
batch of 20 runs, PostgreSQL restarted under load, a job that always breaks its worker.

Every run ends succeeded, or failed with a reason; none is lost (left queued or running), none is
calculated into a second result (one run per version asked for). Each test prints its tally
(``-s`` shows it); docs/RELIABILITY.md ("Jobs under faults") holds the figures.

Run them with ``bin/test worker tests/calculation/test_jobs_under_faults.py``.
"""

import os
import signal
import subprocess
import time

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse

from calculation import services
from calculation.models import CalculationRun, RunStatus
from siex.accounts.roles import Role
from tests.worker import (
    PostgresServer,
    _require_services,
    sending_to,
    start_worker,
    stop_worker,
    worker_children,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ENDED = (RunStatus.SUCCEEDED, RunStatus.FAILED)


def _versions(count: int, *, draws: int, prefix: str = "fault") -> list:
    """``count`` draft versions (one scenario each) on Groningen's catalogue; ``draws`` Monte
    Carlo draws make a run last longer (100,000: a few seconds)."""
    versions = []
    for number in range(count):
        version = services.scenario_create(code=f"{prefix}-{number}", name=f"{prefix} {number}")
        versions.append(
            services.scenario_version_update(
                version=version,
                expected_version=version.version,
                monte_carlo_draws=draws,
                intake=[
                    {
                        "intervention_type": "budgetcoaching",
                        "year": version.start_year,
                        "households": 50,
                    }
                ],
                uncertainty=[{"parameter": "cost_factor", "low": 0.8, "high": 1.3}],
            )
        )
    return versions


def _read(query):
    """Run ``query`` (a callable), reconnecting while the database is restarting."""
    for _ in range(100):
        try:
            return query()
        except DatabaseError:
            connection.close()
            time.sleep(0.1)
    return query()


def _wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = _read(condition)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def _runs(versions):
    return CalculationRun.objects.filter(scenario_version__in=versions).defer("results")


def _wait_for_all(versions, timeout: float, outputs=()) -> None:
    try:
        _wait_until(
            lambda: not _runs(versions).exclude(status__in=ENDED).exists(),
            timeout,
            "every run ending",
        )
    except AssertionError:
        left = list(_read(lambda: _runs(versions).exclude(status__in=ENDED).values()))
        raise AssertionError(f"Runs not ended: {left}\n" + "\n".join(outputs)) from None


def _tally(scenario: str, versions, asked: int) -> dict[str, int]:
    """What became of the runs asked for: succeeded, failed with a reason, lost (not ended, or
    failed without a reason), duplicated (more than one run of a version)."""
    runs = list(_read(lambda: _runs(versions).values("status", "error", "scenario_version")))
    succeeded = sum(run["status"] == RunStatus.SUCCEEDED for run in runs)
    failed = sum(run["status"] == RunStatus.FAILED and bool(run["error"]) for run in runs)
    tally = {
        "started": asked,
        "succeeded": succeeded,
        "failed": failed,
        "lost": asked - succeeded - failed,
        "duplicated": len(runs) - len({run["scenario_version"] for run in runs}),
    }
    print(f"\n{scenario}: {tally}")
    return tally


@pytest.fixture
def versions_on_catalogue(groningen_catalogue):
    return _versions


@pytest.fixture
def processes():
    """Worker processes the test starts; each is stopped at the end, whatever happens."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            stop_worker(process)


# --- (a) the worker's child killed mid-run ----------------------------------------------------


def test_a_run_whose_worker_child_is_killed_is_redelivered_and_succeeds_once(
    versions_on_catalogue, processes
):
    _require_services()
    (version,) = versions_on_catalogue(1, draws=100_000)
    worker, queue = start_worker(pool="prefork", SIEX_RUN_PROGRESS_INTERVAL="0")
    processes.append(worker)
    with sending_to(os.environ["REDIS_URL"], queue):
        run = services.run_start(version=version)
        _wait_until(
            lambda: CalculationRun.objects.filter(
                pk=run.pk, status=RunStatus.RUNNING, progress__gt=5
            ).exists(),
            60,
            "the worker's child taking up the run",
        )
        (child,) = worker_children(worker)
        os.kill(child, signal.SIGKILL)  # mid-run; the worker itself lives on
        killed = time.monotonic()
        _wait_for_all([version], 60, [f"child {child} killed"])
        recovered_in = time.monotonic() - killed
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    # Sent once: the worker gave the message back when its child died, a new child took it up
    # at once (not after the sweep's minute of silence).
    assert (run.attempts, run.dispatches) == (2, 1)
    assert recovered_in < 30, recovered_in
    assert worker.poll() is None
    assert _tally("child killed", [version], 1) == {
        "started": 1,
        "succeeded": 1,
        "failed": 0,
        "lost": 0,
        "duplicated": 0,
    }


# --- (e) a poison job ---------------------------------------------------------------------------


@pytest.mark.parametrize("poison", ["poison-crash", "poison-raise"])
def test_a_poison_job_stops_after_its_bounded_attempts_and_the_queue_keeps_moving(
    poison, groningen_catalogue, processes
):
    _require_services()
    (bad,) = _versions(1, draws=100, prefix=poison)
    after = _versions(2, draws=100, prefix="after")
    worker, queue = start_worker(pool="prefork", app="tests.faulty_app")
    processes.append(worker)
    with sending_to(os.environ["REDIS_URL"], queue):
        poisoned = services.run_start(version=bad)
        for version in after:
            services.run_start(version=version)
        _wait_for_all([bad, *after], 90, [])
    poisoned.refresh_from_db()
    assert poisoned.status == RunStatus.FAILED
    if poison == "poison-crash":
        # Each attempt killed the worker's child; the third was the last.
        assert poisoned.attempts == services.MAX_ATTEMPTS
        assert "stopped 3 times before it could finish" in poisoned.error
    else:
        assert poisoned.attempts == 1  # an error is not worth trying again: it fails at once
        assert "this scenario always breaks the calculation" in poisoned.error
    assert worker.poll() is None  # the worker lives on
    assert set(_runs(after).values_list("status", flat=True)) == {RunStatus.SUCCEEDED}
    assert _tally(poison, [bad, *after], 3) == {
        "started": 3,
        "succeeded": 2,
        "failed": 1,
        "lost": 0,
        "duplicated": 0,
    }
