"""A real Celery worker process on a queue of its own, pointed at the test database (PostgreSQL)
and the Redis broker: the ``worker`` fixture for tests that need one; a Redis of the test's own
to stop and start (``redis_server``), and ``sending_to`` to send this process's jobs to a broker."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
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


def start_worker(
    queue: str | None = None,
    *,
    beat: Path | None = None,
    pool: str = "solo",
    app: str = "siex",
    **extra_env: str,
) -> tuple[subprocess.Popen, str]:
    """A worker on ``queue`` (a new one when None); with ``beat`` (a folder for its schedule
    file) it also runs Celery beat, which sends the periodic tasks to that queue. ``pool``
    "prefork" runs the jobs in one child process (which a test can kill); ``app`` is the module
    of the Celery app (a test's own, to make a job misbehave)."""
    db = connection.settings_dict
    queue = queue or f"siex-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "siex.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # The jobs the worker sends itself (the sweep sending a run again) go through the broker.
        "SIEX_TEST_WORKER": "True",
        **extra_env,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            app,
            "worker",
            f"--pool={pool}",
            *(["--concurrency=1"] if pool == "prefork" else []),
            "--queues",
            queue,
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *(["--beat", "--schedule", str(beat / "celerybeat-schedule")] if beat else []),
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


def worker_children(process: subprocess.Popen) -> list[int]:
    """The process ids of the worker's children (its prefork pool)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A Redis of the test's own on a free port, to stop and start again (a broker going down)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


class PostgresServer:
    """A PostgreSQL cluster of the test's own on a free port, in ``folder``, to restart or stop
    while jobs run (never the shared one: other tests use it). ``initdb`` refuses to run as root:
    as root the cluster is the ``postgres`` user's."""

    def __init__(self, folder: Path):
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not versions:
            raise RuntimeError("no PostgreSQL server programs in /usr/lib/postgresql")
        self.bin = versions[-1].parent
        self.port = free_port()
        self.folder = folder
        self.data = folder / "data"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(folder, "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-N", "-E", "UTF8")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, program: str, *args) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / program), *map(str, args)],
            cwd=self.folder,
            check=True,
            capture_output=True,
            timeout=60,
        )

    def _ctl(self, action: str, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", self.data, "-l", self.folder / "log", "-w", "-o", options,
                  *args, action)  # fmt: skip

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        """A fast restart: the server ends every session and starts again."""
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def copy_database(self, source: dict, name: str) -> None:
        """A database ``name`` here holding what the database of ``source`` (Django's
        settings_dict) holds now: its schema and its rows."""
        self._run("createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name)
        dump = subprocess.run(
            ["pg_dump", "-Fc", "-h", source["HOST"] or "127.0.0.1",
             "-p", str(source["PORT"] or 5432), "-U", source["USER"], source["NAME"]],
            env={**os.environ, "PGPASSWORD": source["PASSWORD"] or ""},
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        subprocess.run(
            ["pg_restore", "--no-owner", "--no-privileges", "-h", "127.0.0.1", "-p",
             str(self.port), "-U", "postgres", "-d", name],
            input=dump.stdout, check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self._ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def redis_server():
    """A Redis of the test's own (needs ``redis-server`` on the PATH)."""
    _require_services()
    if shutil.which("redis-server") is None:
        if services_required():
            pytest.fail("redis-server is needed to stop and start a broker")
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def sending_to(broker_url: str, queue: str | None = None):
    """Jobs this process sends go to ``broker_url`` (and ``queue``), not run in-process."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager, conf.task_default_queue
    conf.broker_url, conf.task_always_eager = broker_url, False
    if queue:
        conf.task_default_queue = queue
    _forget_connections()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager, conf.task_default_queue = saved
        _forget_connections()


def _forget_connections() -> None:
    """Drop the app's broker connections, so the next job is sent over a new one to the broker
    now configured (what Celery itself does in a forked child)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
