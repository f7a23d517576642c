"""The embedded default as ``bin/start`` runs it (SQLite, tasks in-process, the demo data): every
role's pages answer without a server error. The test suite runs on PostgreSQL; this catches what
only SQLite does differently (a JSON value read in a subquery, for one)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import json, django
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from calculation.models import CalculationRun, RunStatus, ScenarioVersion
from monitoring.models import Area
from tests.two_factor import force_login_verified

call_command("migrate", verbosity=0)
call_command("setup_demo", households=150, stdout=open("/dev/null", "w"))
versions = list(ScenarioVersion.objects.all())
runs = list(CalculationRun.objects.filter(status=RunStatus.SUCCEEDED))
district = Area.objects.filter(level="wijk").first()
pages = [reverse("home"), reverse("calculation:scenarios"), reverse("calculation:dashboard"),
         reverse("photos:list"), reverse("photos:map"),
         reverse("photos:area", args=[district.code])]
pages.append(reverse("calculation:compare") + "?" + "&".join(
    f"versions={v.pk}" for v in versions) + f"&baseline={versions[0].pk}")
for version in versions:
    pages += [reverse("calculation:version", args=[version.pk]),
              reverse("calculation:version-brief", args=[version.pk]),
              reverse("calculation:version-participants", args=[version.pk]),
              reverse("calculation:version-plan-actual", args=[version.pk]),
              reverse("calculation:version-realised", args=[version.pk])]
for run in runs:
    pages += [reverse("calculation:run", args=[run.pk]),
              reverse("calculation:run-workbook", args=[run.pk])]
answers = {}
for user in get_user_model().objects.filter(username__startswith="demo-"):
    client = Client()
    force_login_verified(client, user)
    for page in pages:
        answers[f"{user.username} {page}"] = client.get(page).status_code
print(json.dumps(answers))
"""


def test_every_role_reads_its_pages_of_the_embedded_demo_without_a_server_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="siex.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'siex.sqlite3'}",
        DJANGO_SECRET_KEY="embedded-demo-test-secret-key-not-for-any-real-use",
        SIEX_PSEUDONYM_KEY="embedded-demo-test-pseudonym-key",
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(answers) > 40
    errors = {page: status for page, status in answers.items() if status >= 500}
    assert not errors, errors
    # The council member reads the fixed versions' pages (the demo fixes them).
    for role in ("raadslid", "projectleider"):
        for page in ("/", "/scenarios/dashboard/"):
            assert answers[f"demo-{role} {page}"] == 200, (role, page)
    read = [page for page, status in answers.items() if page.startswith("demo-raadslid ")]
    assert all(answers[page] in (200, 403, 404) for page in read)
    assert sum(answers[page] == 200 for page in read) >= 20
