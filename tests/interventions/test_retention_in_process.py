"""Without Celery beat (the embedded default) the application runs retention itself, daily."""

import subprocess
import sys
from datetime import date

import pytest
from django.urls import reverse

from interventions.register.models import Household
from interventions.retention import in_process
from interventions.retention.models import AnonymisedHousehold, RetentionRun, RetentionTrigger
from interventions.retention.services import retention_apply
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def retention(monkeypatch, settings):
    settings.SIEX_RETENTION_IN_PROCESS = True
    fresh = in_process.in_process_retention()
    monkeypatch.setattr(in_process, "retention", fresh)
    return fresh


def test_a_request_starts_todays_run(retention, client_for):
    household = HouseholdFactory(
        participation_start=date(2010, 1, 1), participation_end=date(2012, 1, 1)
    )
    assert client_for(Role.COUNCIL_MEMBER).get(reverse("home")).status_code == 200
    retention.thread.join(timeout=60)
    assert AnonymisedHousehold.objects.filter(household_id=household.pk).exists()
    assert Household.objects.get(pk=household.pk).pseudonym != household.pseudonym
    assert RetentionRun.objects.get().trigger == RetentionTrigger.SCHEDULE


def test_it_looks_at_most_once_an_hour(retention, client_for, monkeypatch):
    calls = []
    monkeypatch.setattr(in_process, "retention_apply", lambda **kw: calls.append(kw))
    client = client_for(Role.POLICY_OFFICER)
    for _ in range(3):
        client.get(reverse("home"))
        retention.thread.join(timeout=10)
    assert calls == [{"trigger": RetentionTrigger.SCHEDULE}]


def test_after_todays_daily_run_it_runs_no_second(retention, client_for, monkeypatch):
    retention_apply(trigger=RetentionTrigger.SCHEDULE)
    calls = []
    monkeypatch.setattr(in_process, "retention_apply", lambda **kw: calls.append(kw))
    client_for(Role.POLICY_OFFICER).get(reverse("home"))
    retention.thread.join(timeout=10)
    assert calls == []


def test_where_beat_runs_no_request_starts_a_run(settings, client_for, monkeypatch):
    settings.SIEX_RETENTION_IN_PROCESS = False
    fresh = in_process.in_process_retention()
    monkeypatch.setattr(in_process, "retention", fresh)
    client_for(Role.POLICY_OFFICER).get(reverse("home"))
    assert fresh.thread is None


@pytest.mark.slow
def test_the_embedded_default_runs_it_in_process_and_the_real_stack_leaves_it_to_beat():
    def setting(**env):
        code = (
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SIEX_RETENTION_IN_PROCESS)"
        )
        clean = {"DJANGO_SETTINGS_MODULE": "siex.settings.dev", "PATH": "/usr/bin:/bin", **env}
        return subprocess.run(
            [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=True
        ).stdout.strip()

    assert setting() == "True"
    assert setting(REDIS_URL="redis://127.0.0.1:6379/9") == "False"
