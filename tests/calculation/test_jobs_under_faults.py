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
import tempfile
import time
from pathlib import Path

import pytest
from django.db import Error as DatabaseError
from django.db import connection
from django.test import Client
from django.urls import reverse

from calculation import services
from calculation.models import CalculationRun, RunStatus
from siex.accounts.roles import Role
from tests.conftest import services_required
from tests.two_factor import force_login_verified
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

#: A worker whose runs write every step of their progress (about 55 in a run) and calculate two
#: to three seconds (each step 0.04 s longer, ``tests/faulty_app.py``). With the product's
#: defaults a run of 100,000 draws calculates in half a second and writes its progress every half
#: second: it was seen calculating only when a poll happened to fall in the few milliseconds
#: between its last progress and its end, and a fault meant for it often came after it ended.
LONG_RUNS = {
    "app": "tests.faulty_app",
    "SIEX_RUN_PROGRESS_INTERVAL": "0",
    "SIEX_TEST_STEP_SECONDS": "0.04",
}


def _versions(count: int, *, draws: int, prefix: str = "fault") -> list:
    """``count`` draft versions (one scenario each) on Groningen's catalogue; ``draws`` Monte
    Carlo draws make a run last longer (100,000: about half a second; see LONG_RUNS)."""
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


def _wait_until(condition, timeout: float, what: str, versions=(), workers=()):
    """Wait for ``condition``; when it does not come, say where the runs of ``versions`` are and
    what the ``workers`` printed (they are stopped for that: the test fails anyway)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = _read(condition)
        if value:
            return value
        time.sleep(0.05)
    runs = list(
        _read(lambda: _runs(versions).values("pk", "status", "progress", "attempts", "error"))
    )
    outputs = [stop_worker(worker) for worker in workers if worker.poll() is None]
    raise AssertionError(
        f"{what} did not happen within {timeout} s; runs: {runs}\n" + "\n".join(outputs)
    )


def _runs(versions):
    return CalculationRun.objects.filter(scenario_version__in=versions).defer("results")


def _calculating(versions) -> dict | None:
    """A run being calculated (its pk and attempts), still early in its calculation (under
    half-way): a fault that follows at once hits it before it ends."""
    return (
        _runs(versions)
        .filter(status=RunStatus.RUNNING, progress__gt=5, progress__lt=50)
        .values("pk", "attempts")
        .first()
    )


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
    runs = list(
        _read(
            lambda: _runs(versions).values(
                "status", "error", "scenario_version", "attempts", "dispatches"
            )
        )
    )
    succeeded = sum(run["status"] == RunStatus.SUCCEEDED for run in runs)
    failed = sum(run["status"] == RunStatus.FAILED and bool(run["error"]) for run in runs)
    tally = {
        "started": asked,
        "succeeded": succeeded,
        "failed": failed,
        "lost": asked - succeeded - failed,
        "duplicated": len(runs) - len({run["scenario_version"] for run in runs}),
    }
    # How the faults were overcome: executions tried again, jobs the sweep sent again.
    again = {
        "tried_again": sum(max(0, run["attempts"] - 1) for run in runs),
        "sent_again": sum(max(0, run["dispatches"] - 1) for run in runs),
    }
    print(f"\n{scenario}: {tally} {again}")
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


# --- (b) the whole worker killed, a new one started ------------------------------------------


def test_with_the_worker_killed_and_a_new_one_started_every_queued_run_ends(
    versions_on_catalogue, processes, tmp_path
):
    _require_services()
    versions = versions_on_catalogue(6, draws=100_000)
    first, queue = start_worker(pool="prefork", **LONG_RUNS)
    processes.append(first)
    with sending_to(os.environ["REDIS_URL"], queue):
        for version in versions:
            services.run_start(version=version)
        calculating = _wait_until(
            lambda: _calculating(versions), 120, "the worker taking up a run", versions, [first]
        )
        for pid in [*worker_children(first), first.pid]:  # the worker and its pool, at once
            os.kill(pid, signal.SIGKILL)
        first.wait(timeout=10)
        # Beat's sweep finds the run that was calculating silent and sends it again.
        second, _ = start_worker(
            queue,
            pool="prefork",
            beat=tmp_path,
            SIEX_RUN_STALE_SECONDS="3",
            SIEX_RUN_SWEEP_INTERVAL="1",
            **LONG_RUNS,
        )
        processes.append(second)
        _wait_for_all(versions, 90)
    assert _tally("worker killed and replaced", versions, 6) == {
        "started": 6,
        "succeeded": 6,
        "failed": 0,
        "lost": 0,
        "duplicated": 0,
    }
    # Tried again: the one the worker died in, and only that one.
    assert list(_runs(versions).filter(attempts__gte=2).values_list("pk", flat=True)) == [
        calculating["pk"]
    ]
    assert _runs(versions).get(pk=calculating["pk"]).attempts == 2


# --- (c) Redis stopped during a batch of 20 runs ----------------------------------------------


def test_with_redis_stopped_during_a_batch_every_run_ends_and_the_worker_consumes_again(
    versions_on_catalogue, redis_server, processes, client_for, tmp_path
):
    versions = versions_on_catalogue(21, draws=5_000)
    batch, later = versions[:20], versions[20]
    # The worker's beat sends the runs again whose job the empty Redis no longer holds, once
    # nothing moved for SIEX_RUN_QUEUED_SECONDS.
    worker, queue = start_worker(
        pool="prefork",
        beat=tmp_path,
        REDIS_URL=redis_server.url,
        SIEX_RUN_QUEUED_SECONDS="4",
        SIEX_RUN_STALE_SECONDS="4",
        SIEX_RUN_SWEEP_INTERVAL="1",
    )
    processes.append(worker)
    lead = client_for(Role.PROJECT_LEAD)
    with sending_to(redis_server.url, queue):
        for version in batch:
            services.run_start(version=version)
        _wait_until(
            lambda: _runs(batch).filter(status=RunStatus.SUCCEEDED).count() >= 3,
            60,
            "the worker finishing the first runs",
        )
        redis_server.stop()  # without persistence: the jobs still queued are gone with it
        down = time.monotonic()
        # While it is down, asking for a calculation answers "try again" at once.
        response = lead.post(reverse("calculation:version-run", kwargs={"pk": later.pk}))
        assert response.status_code == 503
        assert response["Retry-After"]
        api = lead.post(f"/api/v1/scenario-versions/{later.pk}/runs/")
        assert api.status_code == 503
        assert api.json()["code"] == "calculation_service_unavailable"
        time.sleep(max(0.0, 3 - (time.monotonic() - down)))
        redis_server.start()
        _wait_for_all(batch, 90)
        # The same worker (never restarted) takes up a new calculation.
        response = lead.post(reverse("calculation:version-run", kwargs={"pk": later.pk}))
        assert response.status_code == 302
        _wait_until(
            lambda: later.runs.filter(status=RunStatus.SUCCEEDED).exists(),
            60,
            "the worker taking up a run after Redis came back",
        )
    assert worker.poll() is None
    assert _tally("redis stopped during 20 runs", batch, 20) == {
        "started": 20,
        "succeeded": 20,
        "failed": 0,
        "lost": 0,
        "duplicated": 0,
    }
    # The two requests while Redis was down left failed runs with the reason, nothing queued.
    refused = later.runs.filter(status=RunStatus.FAILED)
    assert refused.count() == 2
    assert all("could not be reached" in run.error for run in refused)


# --- (d) PostgreSQL restarted under load -----------------------------------------------------


@pytest.fixture
def own_postgres():
    """A PostgreSQL of the test's own, holding a copy of the test database, and this process's
    connection pointed at it (and back at the end)."""
    _require_services()
    if not list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")):
        if services_required():
            pytest.fail("PostgreSQL's server programs are needed to restart a database")
        pytest.skip("PostgreSQL's server programs are not installed")
    folder = Path(tempfile.mkdtemp(prefix="siex-pg-"))  # not under pytest's root-only tmp
    server = PostgresServer(folder)
    saved = dict(connection.settings_dict)
    try:
        server.start()
        yield server
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        server.destroy()


def _point_at(server: PostgresServer, name: str) -> None:
    connection.close()
    connection.settings_dict.update(
        HOST="127.0.0.1", PORT=str(server.port), NAME=name, USER="postgres", PASSWORD=""
    )


def test_with_postgresql_restarted_under_load_every_run_ends_and_the_web_says_try_again(
    versions_on_catalogue, own_postgres, processes, user_for
):
    _require_services()
    versions = versions_on_catalogue(6, draws=100_000)
    lead = user_for(Role.PROJECT_LEAD)
    own_postgres.copy_database(connection.settings_dict, "siex_faults")
    _point_at(own_postgres, "siex_faults")  # the test and the worker on the database to restart
    # Each progress step written: a restart while a run calculates breaks its next write.
    worker, queue = start_worker(pool="prefork", **LONG_RUNS)
    processes.append(worker)
    web = force_login_verified(Client(raise_request_exception=False), lead)
    page = reverse("calculation:version", kwargs={"pk": versions[0].pk})
    interrupted = []  # the run calculating at each restart, with its attempts then
    with sending_to(os.environ["REDIS_URL"], queue):
        for version in versions:
            services.run_start(version=version)
        for _ in range(2):  # twice, each time while a run calculates
            calculating = _wait_until(
                lambda: _calculating(versions), 120, "a run calculating", versions, [worker]
            )
            own_postgres.restart()
            interrupted.append(calculating)
            time.sleep(1)
        # While it is down, pages and the API answer "try again".
        own_postgres.stop()
        try:
            response = web.get(page)
            api = web.get("/api/v1/scenario-versions/")
        finally:
            own_postgres.start()
        _wait_for_all(versions, 120)
    assert response.status_code == 503 and response["Retry-After"]
    assert "Probeer het over een minuut opnieuw" in response.content.decode()
    assert api.status_code == 503 and api.json()["code"] == "service_unavailable"
    assert web.get(page).status_code == 200  # and once it is back, they answer again
    assert worker.poll() is None
    tally = _tally(f"postgresql restarted {len(interrupted)} times under 6 runs", versions, 6)
    assert tally["lost"] == 0 and tally["duplicated"] == 0
    assert tally["succeeded"] + tally["failed"] == 6
    # Each restart interrupted the run it found calculating, and the worker itself tried that run
    # again (no beat runs here): a new attempt after the one the restart cut off.
    attempts = dict(_runs(versions).values_list("pk", "attempts"))
    tried_again = [attempts[run["pk"]] > run["attempts"] for run in interrupted]
    assert tried_again == [True, True], (interrupted, attempts)
