"""Configuration: the embedded default, the real stack, and production's deploy checks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Each test starts Django in a process of its own: the slow tier.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'cache': s.CACHES['default']['BACKEND'], 'debug': s.DEBUG, "
    "'demo': s.SIEX_DEMO_ALLOWED}))"
)


def run(args, env_overrides, drop=("DATABASE_URL", "REDIS_URL")):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def settings_for(module, **env):
    result = run(["-c", PRINT_SETTINGS], {"DJANGO_SETTINGS_MODULE": module, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_database_and_broker_the_embedded_default_is_sqlite_and_in_process():
    found = settings_for("siex.settings.dev")
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["eager"] is True
    assert found["broker"] == "memory://localhost/"
    assert found["demo"] is True


def test_with_database_and_redis_urls_the_real_stack_is_used():
    found = settings_for(
        "siex.settings.dev",
        DATABASE_URL="postgres://siex@db:5432/siex",
        REDIS_URL="redis://redis:6379/0",
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["eager"] is False
    assert found["broker"] == "redis://redis:6379/0"
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "siex.settings.production",
    "DJANGO_SECRET_KEY": "p" * 20 + "-production-like-secret-key-0123456789-abcdefghijkl",
    "SIEX_PSEUDONYM_KEY": "production-like-pseudonym-key",
    "DJANGO_ALLOWED_HOSTS": "siex.groningen.nl",
}


def test_check_deploy_with_production_settings_reports_no_warnings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_never_allows_demo_data_even_if_asked():
    found = settings_for(
        "siex.settings.production",
        **{k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SETTINGS_MODULE"},
        SIEX_DEMO_ALLOWED="True",
    )
    assert found["demo"] is False
    assert found["debug"] is False
    result = run(
        ["manage.py", "setup_demo"], {**PRODUCTION_ENV, "DATABASE_URL": "sqlite:///:memory:"}
    )
    assert result.returncode != 0
    assert "not allowed" in result.stderr


def test_production_refuses_to_start_without_its_keys():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "", "SIEX_PSEUDONYM_KEY": ""}
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_migrate_on_a_fresh_clone_creates_the_folder_of_the_sqlite_file(tmp_path):
    database = tmp_path / "var" / "siex.sqlite3"  # var/ does not exist, as on a fresh clone
    result = run(
        ["manage.py", "migrate", "--plan"],
        {"DJANGO_SETTINGS_MODULE": "siex.settings.dev", "DATABASE_URL": f"sqlite:///{database}"},
    )
    assert result.returncode == 0, result.stderr
    assert "unable to open database file" not in result.stderr
    assert database.parent.is_dir()


def test_the_embedded_default_runs_a_task_without_a_warning_or_a_trace_line():
    """kombu warned "No hostname was supplied" for every task sent to the memory:// broker, and
    Celery printed "Task ... succeeded" after each task the command itself reports on."""
    script = (
        "import django; django.setup(); from siex import celery_app\n"
        "@celery_app.task\n"
        "def add(a, b):\n"
        "    return a + b\n"
        "print(add.delay(1, 2).get())\n"
    )
    result = run(["-c", script], {"DJANGO_SETTINGS_MODULE": "siex.settings.dev"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3"
    assert result.stderr == ""


def test_a_django_log_line_is_printed_once_in_development():
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.utils.autoreload').info('Watching for file changes')"
    )
    result = run(["-c", script], {"DJANGO_SETTINGS_MODULE": "siex.settings.dev"})
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Watching for file changes") == 1, result.stderr


def test_celery_beat_keeps_its_schedule_in_a_folder_that_exists():
    script = (
        "import django; django.setup(); from pathlib import Path; from siex import celery_app; "
        "print(celery_app.conf.beat_schedule_filename); "
        "print(Path(celery_app.conf.beat_schedule_filename).parent.is_dir())"
    )
    result = run(["-c", script], {"DJANGO_SETTINGS_MODULE": "siex.settings.dev"})
    assert result.returncode == 0, result.stderr
    filename, exists = result.stdout.split()
    assert filename == str(ROOT / "var" / "celerybeat-schedule")
    assert exists == "True"
