"""Without Celery beat (the embedded default) the application checks for runs left behind itself."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calculation import sweeping
from calculation.models import CalculationRun, RunStatus
from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sweep(monkeypatch, settings):
    settings.SIEX_RUN_SWEEP_IN_PROCESS = True
    fresh = sweeping.in_process_sweep()
    monkeypatch.setattr(sweeping, "sweep", fresh)
    return fresh


def left_behind(version) -> CalculationRun:
    """A run whose server stopped in the middle of it an hour ago."""
    return CalculationRun.objects.create(
        scenario_version=version,
        status=RunStatus.RUNNING,
        attempts=1,
        dispatches=1,
        progress=40,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )


def test_a_request_starts_the_check_and_a_run_left_behind_is_finished(
    sweep, scenario_version, client_for
):
    run = left_behind(scenario_version)
    assert client_for(Role.COUNCIL_MEMBER).get(reverse("home")).status_code == 200
    sweep.thread.join(timeout=120)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.SUCCEEDED, 2)


def test_the_check_runs_at_most_once_per_interval(sweep, settings, client_for, monkeypatch):
    settings.SIEX_RUN_SWEEP_INTERVAL = 3600
    calls = []
    monkeypatch.setattr(sweeping, "run_sweep", lambda: calls.append(1) or {})
    client = client_for(Role.POLICY_OFFICER)
    for _ in range(3):
        client.get(reverse("home"))
        sweep.thread.join(timeout=10)
    assert calls == [1]


def test_where_beat_runs_no_request_starts_a_check(settings, client_for, monkeypatch):
    settings.SIEX_RUN_SWEEP_IN_PROCESS = False
    fresh = sweeping.in_process_sweep()
    monkeypatch.setattr(sweeping, "sweep", fresh)
    client_for(Role.POLICY_OFFICER).get(reverse("home"))
    assert fresh.thread is None


def test_the_embedded_default_checks_in_process_and_the_real_stack_leaves_it_to_beat():
    import subprocess
    import sys

    def setting(**env):
        code = (
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SIEX_RUN_SWEEP_IN_PROCESS)"
        )
        clean = {"DJANGO_SETTINGS_MODULE": "siex.settings.dev", "PATH": "/usr/bin:/bin", **env}
        return subprocess.run(
            [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=True
        ).stdout.strip()

    assert setting() == "True"
    assert setting(REDIS_URL="redis://127.0.0.1:6379/9") == "False"
