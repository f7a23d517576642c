"""A real Celery worker process, the Redis broker and PostgreSQL working together."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from siex import celery_app
from siex.core.tasks import ping
from tests.conftest import services_required
from tests.factories import HouseholdFactory

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
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield process, queue
    finally:
        celery_app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_runs_in_a_real_worker_through_redis_and_reads_postgresql(worker):
    process, queue = worker
    HouseholdFactory.create_batch(3)
    nonce = uuid.uuid4().hex

    result = ping.apply_async(args=[nonce], queue=queue)
    try:
        answer = result.get(timeout=60)
    except Exception:
        process.terminate()
        output = process.communicate(timeout=20)[0]
        raise AssertionError(f"The worker did not answer. Its output:\n{output}") from None

    assert answer["nonce"] == nonce
    assert answer["pid"] == process.pid  # it ran in the worker process, not in this one
    assert answer["pid"] != os.getpid()
    assert answer["database"] == "postgresql"
    assert answer["households"] == 3  # the worker reads the rows this test committed
