"""A council member opens a fixed version and its results in a real browser, on a wide and on a
narrow laptop screen: every key-figure tile shows its whole amount, none is cut off, and axe finds
no serious violation."""

import pytest
from django.urls import reverse

from calculation import services
from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


#: Every key-figure tile and every value in one, with what overflows it (none should).
CLIPPED = """() => [...document.querySelectorAll('.kpis > div, .kpis dd, .kpis dt')]
    .filter((element) => element.scrollWidth > element.clientWidth
        || element.getBoundingClientRect().right > document.documentElement.clientWidth)
    .map((element) => element.textContent.trim())"""


@pytest.fixture
def fixed_run(scenario_version):
    """A fixed version with amounts in the millions (the widest a tile has to hold)."""
    version = services.scenario_version_update(
        version=scenario_version,
        expected_version=scenario_version.version,
        intake=[
            {
                "intervention_type": "budgetcoaching",
                "year": scenario_version.start_year + year,
                "households": 4000,
            }
            for year in range(3)
        ],
    )
    version = services.scenario_version_fix(version=version, expected_version=version.version)
    run = services.run_start(version=version)
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    return version, run


@pytest.mark.parametrize("width", [1280, 800])
def test_a_council_member_sees_every_key_figure_whole(
    page, sign_in, accessible, shoot, fixed_run, width
):
    version, run = fixed_run
    sign_in(Role.COUNCIL_MEMBER)
    page.set_viewport_size({"width": width, "height": 900})
    for url in (
        reverse("calculation:version", kwargs={"pk": version.pk}),
        reverse("calculation:run", kwargs={"pk": run.pk}),
    ):
        response = page.goto(url)
        assert response.status == 200, url
        amounts = page.locator(".kpis dd").all_inner_texts()
        assert any("EUR" in amount and amount.count(".") >= 2 for amount in amounts), amounts
        assert page.evaluate(CLIPPED) == [], (width, url)
        accessible(page)
        shoot(page, f"key-figures-{url.strip('/').replace('/', '-')}")
