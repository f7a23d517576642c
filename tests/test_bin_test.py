"""bin/test: the suite runs on a database and a Redis database of its own, never the
application's, and its migration check needs no database (bin/_test_env.sh)."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPLICATION = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/siex",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def bash(script: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SIEX_TEST_DATABASE_URL", "SIEX_TEST_REDIS_URL"}
    }
    return subprocess.run(
        ["bash", "-c", f"source bin/_test_env.sh\n{script}"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def chosen(answering: bool, **env: str) -> tuple[dict, str]:
    """Where bin/test sends the tests, with the local services answering or not."""
    result = bash(
        f"siex_answers() {{ return {0 if answering else 1}; }}\n"
        "siex_test_services\n"
        'echo "DATABASE_URL=${DATABASE_URL-unset}"\n'
        'echo "REDIS_URL=${REDIS_URL-unset}"',
        **env,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    found = dict(line.split("=", 1) for line in lines if line.split("=", 1)[0] in APPLICATION)
    return found, result.stdout


def test_local_services_give_the_tests_their_own_database_and_redis_database():
    found, _out = chosen(answering=True)
    assert found == {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/siex_test",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }


def test_the_applications_database_and_redis_are_never_used_and_a_line_says_so():
    found, out = chosen(answering=True, **APPLICATION)
    assert found["DATABASE_URL"].endswith("/siex_test")
    assert found["REDIS_URL"].endswith("/15")
    assert "DATABASE_URL is the application's database" in out
    assert "REDIS_URL is the application's Redis" in out

    found, _out = chosen(answering=False, **APPLICATION)
    assert found == {"DATABASE_URL": "unset", "REDIS_URL": "unset"}  # SQLite, no worker tests


def test_the_test_database_and_redis_can_be_chosen():
    mine = {
        "SIEX_TEST_DATABASE_URL": "postgres://ci:secret@db:5432/ci_siex",
        "SIEX_TEST_REDIS_URL": "redis://redis:6379/7",
    }
    found, out = chosen(answering=False, **mine, **APPLICATION)
    assert found == {
        "DATABASE_URL": mine["SIEX_TEST_DATABASE_URL"],
        "REDIS_URL": mine["SIEX_TEST_REDIS_URL"],
    }


def test_a_printed_url_hides_its_password():
    result = bash('siex_shown "postgres://ci:secret@db:5432/ci_siex"')
    assert result.stdout.strip() == "postgres://ci:***@db:5432/ci_siex"


@pytest.mark.slow
def test_the_migration_check_needs_no_database_and_prints_no_warning():
    result = bash(
        "siex_migration_check",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/siex_database_that_does_not_exist",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr == ""
