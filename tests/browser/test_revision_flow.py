"""The project lead's year end in a real browser: a revision of the fixed plan, plan versus
actual, and the closing of a test exploitation, which then shows as closed and locked."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from calculation.models import VersionKind
from calculation.services import scenario_create, scenario_version_fix, scenario_version_update
from interventions.catalogue.models import InterventionType
from interventions.register.models import InterventionStatus
from siex.accounts.roles import Role
from tests.factories import InterventionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fixed_plan(groningen_catalogue):
    """A fixed test exploitation from last year: 20 households in budget coaching a year; 12
    registered last year at EUR 1.250."""
    year = timezone.localdate().year - 1
    version = scenario_create(code="proef", name="Proefexploitatie")
    version = scenario_version_update(
        version=version,
        expected_version=version.version,
        start_year=year,
        horizon_years=3,
        monte_carlo_draws=100,
        intake=[
            {"intervention_type": "budgetcoaching", "year": year + n, "households": 20}
            for n in range(3)
        ],
    )
    coaching = InterventionType.objects.get(code="budgetcoaching")
    for _ in range(12):
        InterventionFactory(
            intervention_type=coaching,
            start_date=date(year, 4, 1),
            status=InterventionStatus.COMPLETED,
            actual_cost=Decimal("1250.00"),
        )
    return scenario_version_fix(version=version, expected_version=version.version)


def test_the_project_lead_revises_and_closes_an_exploitation(page, sign_in, accessible, fixed_plan):
    sign_in(Role.PROJECT_LEAD)
    page.goto(reverse("calculation:version", kwargs={"pk": fixed_plan.pk}))

    page.get_by_role("link", name="Herziening maken…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Herziening maken")
    expect(page.get_by_label("Herzieningsdatum")).to_have_value(
        f"01-01-{timezone.localdate().year}"
    )
    accessible(page)
    page.get_by_role("button", name="Herziening maken").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("versie 2")
    expect(page.locator("main")).to_contain_text("Herziening versie 2 is gemaakt")

    page.get_by_role("link", name="Plan en werkelijkheid").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan en werkelijkheid")
    by_type = page.get_by_role("table", name="Per interventie over de jaren")
    # 12 instead of 20 at EUR 1.200: volume −9.600; price (1.250 − 1.200) · 12 = 600.
    expect(by_type).to_contain_text("−EUR\u00a09.600,00")
    expect(by_type).to_contain_text("EUR\u00a0600,00")
    accessible(page)

    page.goto(reverse("calculation:version", kwargs={"pk": fixed_plan.pk}))
    page.get_by_role("link", name="Exploitatie afsluiten…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Exploitatie “Proefexploitatie” afsluiten?"
    )
    accessible(page)
    page.get_by_role("button", name="Ja, sluit de exploitatie af").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("versie 3")
    expect(page.locator("#closed-notice")).to_contain_text("Exploitatie afgesloten.")
    actions = page.locator(".actions")
    expect(actions.get_by_role("link", name="Herziening maken…")).to_have_count(0)
    expect(actions.get_by_role("link", name="Exploitatie afsluiten…")).to_have_count(0)
    accessible(page)

    page.get_by_role("link", name="Plan en werkelijkheid en resultaat achteraf").click()
    expect(page.get_by_role("heading", name="Resultaat achteraf (ex post)")).to_be_visible()
    expect(page.locator("#closed-notice")).to_be_visible()
    accessible(page)

    final = fixed_plan.scenario.versions.get(kind=VersionKind.FINAL)
    assert final.is_fixed
    fixed_plan.scenario.refresh_from_db()
    assert fixed_plan.scenario.is_closed
