"""What a council member (raadslid) reads of the scenarios: the fixed versions and their results,
what the council decides on; never a draft, and none of the project lead's actions."""

import pytest
from django.urls import reverse

from calculation import services
from siex.accounts.roles import Role

from .page_helpers import calculate, text, version_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(client_for):
    return client_for(Role.COUNCIL_MEMBER)


@pytest.fixture
def fixed_and_draft(scenario_version):
    """Version 1 fixed and calculated, version 2 a draft of the same scenario."""
    fixed = services.scenario_version_fix(
        version=scenario_version, expected_version=scenario_version.version
    )
    run = calculate(fixed)
    draft = services.scenario_version_new(version=fixed)
    return fixed, run, draft


def test_the_council_list_shows_the_newest_fixed_version_only(council, lead, fixed_and_draft):
    fixed, _run, draft = fixed_and_draft
    services.scenario_create(code="ontwerp", name="Alleen een ontwerp")
    page = council.get(reverse("calculation:scenarios"))
    html = page.content.decode()
    assert version_url(fixed) in html
    assert version_url(draft) not in html
    assert "Alleen een ontwerp" not in html
    assert reverse("calculation:scenario-new") not in html
    assert "1 fixed version" in text(page)
    # The project lead's list still shows the newest version, drafts included.
    assert version_url(draft) in lead.get(reverse("calculation:scenarios")).content.decode()


def test_a_council_member_reads_a_fixed_version_without_the_leads_actions(council, fixed_and_draft):
    fixed, run, draft = fixed_and_draft
    response = council.get(version_url(fixed))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("version-run", "version-new", "version-copy", "version-download"):
        assert version_url(fixed, f"calculation:{name}") not in html, name
    assert version_url(fixed, "calculation:version-plan-actual") in html
    # The versions of the scenario it may read: the fixed ones, not the draft.
    assert version_url(draft) not in html
    assert reverse("calculation:run", kwargs={"pk": run.pk}) in html
    assert council.get(reverse("calculation:run", kwargs={"pk": run.pk})).status_code == 200


def test_a_council_member_is_refused_a_draft_and_its_results(council, fixed_and_draft):
    _fixed, _run, draft = fixed_and_draft
    draft_run = calculate(draft)
    assert council.get(version_url(draft)).status_code == 403
    for name in ("calculation:run", "calculation:run-download", "calculation:run-progress"):
        assert council.get(reverse(name, kwargs={"pk": draft_run.pk})).status_code == 403, name
    runs = council.get(reverse("calculation-run-list"))
    assert draft_run.pk not in [row["id"] for row in runs.json()["results"]]


def test_the_api_lists_the_council_fixed_versions_and_their_runs_only(council, fixed_and_draft):
    fixed, run, draft = fixed_and_draft
    calculate(draft)
    versions = council.get(reverse("scenario-version-list")).json()["results"]
    assert [row["id"] for row in versions] == [fixed.pk]
    scenarios = council.get(reverse("scenario-list")).json()["results"]
    assert [[v["id"] for v in row["versions"]] for row in scenarios] == [[fixed.pk]]
    runs = council.get(reverse("calculation-run-list")).json()["results"]
    assert [row["id"] for row in runs] == [run.pk]
    assert (
        council.get(reverse("scenario-version-detail", kwargs={"pk": draft.pk})).status_code == 403
    )
