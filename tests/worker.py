"""A real Celery worker process on a queue of its own, pointed at the test database (PostgreSQL)
and the Redis broker: the ``worker`` fixture for tests that need one."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from siex import celery_app
from tests.conftest import services_required

ROOT = Path(__file__).resolve().parent.parent


def _require_services():
    reasons = []
    if not os.environ.get("REDIS_URL"):
        reasons.append("REDIS_URL is not set")
    if connection.vendor != "postgresql":
        reasons.append("the tests do not run on PostgreSQL")
    if reasons:
        message = "; ".join(reasons)
        if services_required():
            pytest.fail(f"The worker test needs PostgreSQL and Redis: {message}")
        pytest.skip(message)


@pytest.fixture
def worker():
    """Start ``celery worker`` on a queue of its own, pointed at the test database."""
    _require_services()
    process, queue = start_worker()
    eager, default_queue = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    # Jobs sent with .delay() (as the services do) go to this worker's queue.
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield process, queue
    finally:
        celery_app.conf.task_always_eager = eager
        celery_app.conf.task_default_queue = default_queue
        stop_worker(process)


def start_worker(**extra_env: str) -> tuple[subprocess.Popen, str]:
    db = connection.settings_dict
    queue = f"siex-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "siex.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        **extra_env,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "siex",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, queue


def stop_worker(process: subprocess.Popen) -> str:
    """Stop the worker; returns what it printed."""
    process.terminate()
    try:
        return process.communicate(timeout=20)[0] or ""
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0] or ""
