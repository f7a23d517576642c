"""The return per household in a real browser: plotly.js draws the distribution over the return
classes, the button shows its data as a table, a council member reads the counts suppressed, and
axe finds no serious violation."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from siex.accounts.roles import Role
from tests.calculation.test_participants import register  # noqa: F401  (the fixture)

from .dashboards import assert_dashboard, watch

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("role", [Role.PROJECT_LEAD, Role.COUNCIL_MEMBER], ids=str)
def test_the_distribution_of_the_return_per_household(
    page,
    sign_in,
    accessible,
    shoot,
    register,  # noqa: F811
    role,
):
    version, _run = register
    sign_in(role)
    # Watched from here: the fixture's hand-made run has no key figures, which the council's
    # start page (the dashboard, where signing in leads) needs.
    problems = watch(page)
    page.goto(reverse("calculation:version-participants", kwargs={"pk": version.pk}))
    figure = page.locator("#chart-classes")
    expect(figure.locator("svg.main-svg").first).to_be_attached()
    button = page.locator('[aria-controls="chart-classes-table"]')
    button.click()
    table = page.locator("#chart-classes-table")
    expect(table).to_be_visible()
    first = table.locator("tbody tr").first
    if role == Role.COUNCIL_MEMBER:
        expect(first).to_contain_text("<10")
    else:
        expect(figure.locator(".barlayer .point").first).to_be_attached()
        expect(table.locator("tbody tr").last).to_contain_text("6")
    page.locator("#id_dimension").select_option("cohort")
    page.get_by_role("button", name="Tonen", exact=True).click()
    expect(page.locator("#chart-groups-table")).to_contain_text("2023")
    assert_dashboard(page, shoot, f"participants-{role}", accessible)
    problems.assert_none()
