"""docker-compose.yml runs the real stack: the periodic check of calculations has its beat."""

from pathlib import Path

import yaml

from calculation.jobs import SWEEP_RUNS
from siex import celery_app

ROOT = Path(__file__).resolve().parent.parent


def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_exactly_one_beat_sends_the_periodic_tasks_to_the_workers():
    stack = services()
    beats = [name for name, service in stack.items() if "beat" in service.get("command", [])]
    assert beats == ["beat"]
    beat = stack["beat"]
    assert beat["command"][:4] == ["celery", "-A", "siex", "beat"]
    assert beat["depends_on"]["init"]["condition"] == "service_completed_successfully"
    assert beat["environment"].items() <= stack["worker"]["environment"].items()
    assert "worker" in stack["worker"]["command"]


def test_the_schedule_beat_runs_holds_the_check_of_calculations_left_behind():
    schedule = celery_app.conf.beat_schedule
    assert SWEEP_RUNS in [entry["task"] for entry in schedule.values()]
