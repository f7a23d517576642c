"""Scratch PostgreSQL databases for the data safety tests: one seeded the way an installation is
(migrations, roles, areas, indicators, the catalogue, 200 demo households with their follow-up, a
calculated reference scenario, access log entries, a user), made by the real commands in a
subprocess with keys of its own, and backed up once with bin/backup.

The databases are named after the test database and the process (pytest-xdist) and dropped at
the end; the test database itself is never touched."""

import os
import secrets
import shutil
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from tests.conftest import services_required

ROOT = Path(__file__).resolve().parent.parent.parent
TOOLS = ("pg_dump", "pg_restore", "psql")


def require_postgresql() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    reason = ""
    if connection.vendor != "postgresql":
        reason = "backups are PostgreSQL's (pg_dump)"
    elif missing:
        reason = f"{', '.join(missing)} not installed"
    if reason:
        if services_required():
            pytest.fail(reason)
        pytest.skip(reason)


@dataclass
class Server:
    """The test database's server, reached as the tests reach it."""

    host: str
    port: str
    user: str
    password: str

    @classmethod
    def of_the_tests(cls) -> "Server":
        settings = connection.settings_dict
        return cls(
            host=settings["HOST"] or "127.0.0.1",
            port=str(settings["PORT"] or 5432),
            user=settings["USER"] or "postgres",
            password=settings["PASSWORD"] or "",
        )

    def url(self, name: str) -> str:
        password = f":{self.password}" if self.password else ""
        return f"postgres://{self.user}{password}@{self.host}:{self.port}/{name}"

    @contextmanager
    def connect(self, name: str):
        """A connection in autocommit mode: every statement commits (or fails) on its own."""
        database = psycopg2.connect(
            host=self.host, port=self.port, user=self.user, password=self.password, dbname=name
        )
        database.autocommit = True
        try:
            yield database
        finally:
            database.close()

    def drop(self, name: str) -> None:
        self.query("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def create(self, name: str) -> None:
        self.drop(name)
        self.query("postgres", f'CREATE DATABASE "{name}"')

    def query(self, name: str, sql: str, params=()) -> list[tuple]:
        with self.connect(name) as database, database.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []


def run(command: list[str], env: dict[str, str], timeout: int = 600) -> str:
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def environment(url: str, **extra: str) -> dict[str, str]:
    """The environment of SIEX's commands on database ``url`` (the test settings, no Redis)."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SIEX_"))}
    kept.pop("REDIS_URL", None)
    return {**kept, "DJANGO_SETTINGS_MODULE": "siex.settings.test", "DATABASE_URL": url, **extra}


def checksums(server: Server, name: str) -> dict[str, tuple[int, str]]:
    """Per table of the public schema: the row count and an MD5 over its rows as text, in order."""
    tables = [
        row[0]
        for row in server.query(
            name, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
    ]
    sums = {}
    with server.connect(name) as database, database.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '' ORDER BY t::text), '')) "  # noqa: S608  (names from pg_tables)
                f'FROM "{table}" t'
            )
            sums[table] = cursor.fetchone()
    return sums


SEED = """
from django.core.management import call_command
from siex.audit.models import AccessLogEntry
for command in ("setup_roles", "load_areas", "load_indicators", "load_cbs_values"):
    call_command(command, verbosity=0)
call_command("load_catalogue", verbosity=0)
call_command("seed_demo", households=200, verbosity=0)
call_command("load_reference", "wijkbedrijven", fix=True, verbosity=0)
call_command("user_create", username="j.devries", roles=["beleidsmedewerker"], verbosity=0)
for n in range(5):
    AccessLogEntry.objects.create(
        username="j.devries", action="view", model="interventions.household", object_ids=[n]
    )
"""


@dataclass
class Seeded:
    server: Server
    name: str
    url: str
    backup: Path
    keys: dict[str, str]


@pytest.fixture(scope="session")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """A seeded scratch database and its backup (bin/backup)."""
    require_postgresql()
    server = Server.of_the_tests()
    name = f"test_{connection.settings_dict['NAME'].removeprefix('test_')}_{os.getpid()}"[:50]
    url = server.url(name)
    keys = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "SIEX_PSEUDONYM_KEY": secrets.token_urlsafe(32),
    }
    env = environment(url, **keys)
    server.create(name)
    try:
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([sys.executable, "manage.py", "shell", "-c", SEED], env)
        folder = tmp_path_factory.mktemp("backups")
        output = run(["bin/backup"], {**env, "SIEX_BACKUP_DIR": str(folder)})
        backup = Path(output.strip().splitlines()[-1])
        yield Seeded(server, name, url, backup, keys)
    finally:
        server.drop(name)


@pytest.fixture
def scratch(seeded):
    """Names for more scratch databases on the same server, dropped after the test."""
    made = []

    def name(purpose: str) -> str:
        made.append(f"{seeded.name}_{purpose}"[:63])
        return made[-1]

    yield name
    for database in made:
        seeded.server.drop(database)
