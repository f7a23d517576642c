"""A real Celery worker process, the Redis broker and PostgreSQL working together."""

import os
import uuid

import pytest

from siex.core.tasks import ping
from tests.factories import HouseholdFactory


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
