"""With Redis down the API keeps answering: the rate limit (counted in the Redis cache) lapses
instead of the request failing. Checked in-process and with the real stack's settings."""

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.views import APIView

from siex.accounts.roles import Role
from siex.core.throttling import UserRateThrottle
from tests.factories import HouseholdFactory

ROOT = Path(__file__).resolve().parents[2]
CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1
HOUSEHOLDS = "/api/v1/households/"


@pytest.fixture
def throttled(monkeypatch):
    """The API with the rate limit of the real settings (the test settings switch it off)."""
    monkeypatch.setattr(APIView, "throttle_classes", [UserRateThrottle])
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})


@pytest.mark.django_db
def test_the_rate_limit_still_applies_while_the_cache_answers(throttled, client_for):
    officer = client_for(Role.POLICY_OFFICER)
    assert [officer.get(HOUSEHOLDS).status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.django_db
def test_with_the_cache_unreachable_the_api_answers_without_a_rate_limit(
    throttled, client_for, settings, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    HouseholdFactory.create_batch(2)
    officer = client_for(Role.POLICY_OFFICER)
    UserRateThrottle._warned_at = float("-inf")
    answers = [officer.get(HOUSEHOLDS) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert len(answers[0].json()["results"]) == 2
    warnings = [r for r in caplog.records if "rate limit not applied" in r.getMessage()]
    assert len(warnings) == 1  # logged, but not once per request


# The real stack's settings (dev: Redis cache, rate limit on, Celery through the broker) with a
# REDIS_URL nothing answers on, in a process of its own.
READ_WITH_REDIS_DOWN = textwrap.dedent(
    """
    import json, time
    import django
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from tests.two_factor import force_login_verified

    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    throttles = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    assert throttles == ["siex.core.throttling.UserRateThrottle"]
    found = {}
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION="Token " + TOKEN)
    started = time.monotonic()
    response = api.get("/api/v1/households/")
    found["api"] = [response.status_code, len(response.json()["results"])]
    admin = Client(HTTP_HOST="localhost")
    force_login_verified(admin, get_user_model().objects.get(username=ADMIN))
    for name, url in [("status", "/beheer/status/"), ("worker", "/beheer/status/worker/")]:
        asked = time.monotonic()
        response = admin.get(url)
        found[name] = [response.status_code, round(time.monotonic() - asked, 1)]
    found["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(found))
    """
)


@pytest.mark.django_db(transaction=True)  # the other process reads what this test wrote
def test_with_redis_down_the_real_stack_settings_read_the_api_and_the_status_page(user_for):
    if connection.vendor != "postgresql":
        pytest.skip("the other process needs the test database on PostgreSQL")
    HouseholdFactory.create_batch(3)
    token, _ = Token.objects.get_or_create(user=user_for(Role.POLICY_OFFICER))
    admin = user_for(Role.ADMINISTRATOR)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "siex.settings.dev",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": CLOSED,
        "LOG_LEVEL": "ERROR",
    }
    script = f"TOKEN = {token.key!r}\nADMIN = {admin.username!r}\n{READ_WITH_REDIS_DOWN}"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["api"] == [200, 3]
    assert found["status"][0] == 200  # the status page says the broker is down, it does not fail
    assert found["worker"][0] == 200
    assert found["worker"][1] < 15, found
    assert time.monotonic() - started < 60
