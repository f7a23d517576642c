"""The realised-returns API by role: the project lead and the policy officer see the household
breakdown, a council member only aggregates of fixed versions with small cells hidden."""

from datetime import date

import pytest
from django.urls import reverse

from calculation.services import scenario_version_fix
from siex.accounts.roles import Role
from tests.calculation.test_realised import REFERENCE, programme  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed(programme):  # noqa: F811 - the fixture above
    version, households = programme
    return scenario_version_fix(version=version, expected_version=version.version), households


def get(client, name, pk, **params):
    return client.get(reverse(name, kwargs={"pk": pk}), params)


def test_the_project_lead_reads_realised_returns_per_household(client_for, fixed):
    version, households = fixed
    response = get(
        client_for(Role.PROJECT_LEAD),
        "scenario-version-realised",
        version.pk,
        reference_date=REFERENCE.isoformat(),
    )
    assert response.status_code == 200
    data = response.json()
    assert data["society"] == pytest.approx(4600.0)
    per_household = {row["household"]: row for row in data["by_household"]}
    assert per_household[households["H1"][0].pk]["gross"] == pytest.approx(1800.0)


def test_a_council_member_gets_no_household_and_small_cells_hidden(client_for, fixed):
    version, _households = fixed
    client = client_for(Role.COUNCIL_MEMBER)
    data = get(
        client, "scenario-version-realised", version.pk, reference_date=REFERENCE.isoformat()
    ).json()
    assert "by_household" not in data
    # Four households with an event: below the threshold of 10, every figure is hidden.
    assert data["society"] is None and data["households"] is None
    assert all(row["gross"] is None for row in data["by_area"])
    degree = get(
        client, "scenario-version-realisation", version.pk, reference_date=REFERENCE.isoformat()
    ).json()
    assert degree["degree"] is None and degree["outcomes"] == []


def test_the_council_does_not_read_a_draft_and_the_officer_not_the_degree(
    client_for,
    programme,  # noqa: F811 - the fixture above
):
    version, _households = programme
    council = client_for(Role.COUNCIL_MEMBER)
    assert get(council, "scenario-version-realised", version.pk).status_code == 403
    officer = client_for(Role.POLICY_OFFICER)
    assert get(officer, "scenario-version-realised", version.pk).status_code == 200
    assert get(officer, "scenario-version-realisation", version.pk).status_code == 403
    assert get(officer, "scenario-version-comparison-group", version.pk).status_code == 403


def test_the_project_lead_reads_the_realisation_degree(client_for, fixed):
    version, _households = fixed
    data = get(
        client_for(Role.PROJECT_LEAD),
        "scenario-version-realisation",
        version.pk,
        reference_date=date(2026, 6, 30).isoformat(),
    ).json()
    assert data["degree"] == pytest.approx(2100.0 / 2025.0)


def test_the_page_shows_the_lead_the_degree_and_the_council_no_household(client_for, fixed):
    version, _households = fixed
    url = reverse("calculation:version-realised", kwargs={"pk": version.pk})
    page = client_for(Role.PROJECT_LEAD).get(url, {"reference_date": "2026-06-30"})
    assert page.status_code == 200
    content = page.content.decode()
    assert "EUR\u00a04.600" in content
    assert "103,7%" in content  # 2,100 / 2,025
    council = client_for(Role.COUNCIL_MEMBER).get(url, {"reference_date": "2026-06-30"})
    assert council.status_code == 200
    text = council.content.decode()
    assert "&lt;10" in text, text[text.find("EUR\u00a04.600") - 300 :][:400]
    assert "EUR\u00a04.600" not in text, text[text.find("EUR\u00a04.600") - 600 :][:700]
    assert str(_households["H1"][0].pk) not in text or "Per household" not in text


def test_the_page_reads_the_reference_date_the_dutch_way_and_says_a_wrong_one(client_for, fixed):
    version, _households = fixed
    url = reverse("calculation:version-realised", kwargs={"pk": version.pk})
    lead = client_for(Role.PROJECT_LEAD)
    dutch = lead.get(url, {"reference_date": "30-06-2026"}).content.decode()
    assert "EUR\u00a04.600" in dutch and 'type="date"' not in dutch
    # The breakdowns name what they count: areas by name and code, not by code alone.
    area = _households["H1"][0].area
    assert f"{area.name} ({area.code})" in dutch
    wrong = lead.get(url, {"reference_date": "31-02-2026"})
    assert wrong.status_code == 200
    assert "Enter a date as day-month-year" in wrong.content.decode()
