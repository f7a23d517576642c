"""The comparison of two fixed versions in a real browser, as a council member: the choice of the
baseline, the charts drawn under the content security policy, a table behind its button and no
serious accessibility violation."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from calculation import services
from siex.accounts.roles import Role

from .dashboards import assert_dashboard, watch

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_council_member_compares_two_fixed_versions(
    page, sign_in, accessible, shoot, scenario_version
):
    one = services.scenario_version_fix(
        version=scenario_version, expected_version=scenario_version.version
    )
    two = services.scenario_version_new(version=one)
    two = services.scenario_version_update(
        version=two,
        expected_version=two.version,
        intake=[{"intervention_type": "budgetcoaching", "year": one.start_year, "households": 90}],
    )
    two = services.scenario_version_fix(version=two, expected_version=two.version)
    draft = services.scenario_version_new(version=two)
    for version in (one, two, draft):
        services.run_execute(run_id=services.run_start(version=version).pk)
    problems = watch(page)
    sign_in(Role.COUNCIL_MEMBER)
    page.goto(reverse("calculation:compare"))
    # Only the fixed versions are offered (a checkbox and a baseline choice each).
    expect(page.locator('input[name="versions"]')).to_have_count(2)
    page.locator(f'#id_versions input[value="{one.pk}"]').check()
    page.locator(f'#id_versions input[value="{two.pk}"]').check()
    page.locator(f'#id_baseline input[value="{two.pk}"]').check()
    page.get_by_role("button", name="Vergelijken").click()

    expect(page.get_by_role("heading", name="Kerncijfers naast elkaar")).to_be_visible()
    expect(page.locator("thead").first).to_contain_text("Basisscenario – v2 (basis)")
    for key in ("years", "cumulative", "actors", "domains"):
        figure = page.locator(f"#chart-{key}")
        expect(figure.locator("svg.main-svg").first).to_be_attached()
    assert page.locator("#chart-years .barlayer .point").count() > 0
    button = page.locator('[aria-controls="chart-actors-table"]')
    button.click()
    expect(page.locator("#chart-actors-table")).to_be_visible()
    expect(page.locator("#chart-actors-table tbody tr").first).to_contain_text("EUR")
    assert_dashboard(page, shoot, "compare-council", accessible)
    problems.assert_none()
