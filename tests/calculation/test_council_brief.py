"""The council brief (raadsbrief) of a fixed version: the key figures as the run computed them, the
GREX curve, who benefits, the uncertainty and the least founded assumptions with their sources,
and what makes it reproducible; a draft has none."""

import pytest
from django.conf import settings
from django.urls import reverse

from calculation import services
from calculation.results.figures import figure_cell
from calculation.results.formats import cell_text
from siex.accounts.roles import Role
from siex.core.templatetags.siex import short_date

from .page_helpers import calculate, text

pytestmark = pytest.mark.django_db


def brief_url(version):
    return reverse("calculation:version-brief", kwargs={"pk": version.pk})


@pytest.fixture
def council(client_for):
    client = client_for(Role.COUNCIL_MEMBER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


@pytest.fixture
def fixed(scenario_version):
    version = services.scenario_version_fix(
        version=scenario_version, expected_version=scenario_version.version
    )
    return version, calculate(version)


def test_the_brief_holds_the_runs_key_figures_and_what_makes_it_reproducible(council, fixed):
    version, run = fixed
    response = council.get(brief_url(version))
    assert response.status_code == 200
    page = text(response)
    kpis = run.succeeded_results["kpis"]
    tiles = {tile.key: tile for tile in response.context["brief"]["tiles"]}
    for key in ("npv", "multiplier_discounted", "pv_costs", "pv_benefits", "break_even_years"):
        assert tiles[key].value.value == kpis[key], key
        assert cell_text(figure_cell(key, kpis[key])) in page, key
    assert "Basisscenario – versie 1" in page
    assert f"Vastgesteld op {short_date(version.fixed_at)}" in page
    assert run.inputs_hash and run.inputs_hash in page
    assert run.model_version and run.model_version in page
    html = response.content.decode()
    # The GREX curve and who benefits, by actor and by group.
    assert 'id="chart-grex-figure"' in html and 'id="chart-who_pays-figure"' in html
    assert "Baten per groep actoren" in page
    assert "Deelnemers" in page or "Overheid" in page
    # The uncertainty: P10/P50/P90, P(NPV>0) and the top of the tornado.
    mc = run.succeeded_results["monte_carlo"]
    assert cell_text(figure_cell("npv", mc["npv"]["p10"])) in page
    assert cell_text(figure_cell("npv", mc["npv"]["p90"])) in page
    assert "Kans dat de NCW positief is" in page
    assert "Waar het resultaat het meest van afhangt" in page
    # Printing without an inline script: a static file behind a button.
    assert "js/brief.js" in html and "css/brief.css" in html
    assert "data-print" in html and "onclick" not in html


def test_the_brief_lists_the_least_founded_assumptions_with_their_source(council, fixed):
    version, _run = fixed
    response = council.get(brief_url(version))
    rows = response.context["brief"]["assumptions"]
    outcomes = {item["code"]: item for item in version.catalogue["outcomes"]}
    coaching = next(
        item for item in version.catalogue["intervention_types"] if item["code"] == "budgetcoaching"
    )
    linked = {link["outcome"] for link in coaching["outcomes"]}
    expected = {code for code in linked if outcomes[code]["confidence_grade"] >= 5}
    shown = {row["code"] for row in rows if row["kind"] == "outcome"}
    assert shown == expected and shown
    # Only what this version's intake rests on: an outcome of another intervention is left out.
    other = next(code for code, item in outcomes.items() if code not in linked)
    assert other not in shown
    # The least founded first; each with its source text, as the page shows it.
    grades = [row["grade"] for row in rows]
    assert grades == sorted(grades, reverse=True) and grades[0] == 6
    page = text(response)
    for row in rows:
        assert row["source"][:40] in page
    assert "6 – inschatting" in page.lower() or "6 –" in page


def test_a_draft_has_no_brief(council, lead, scenario_version):
    calculate(scenario_version)
    assert council.get(brief_url(scenario_version)).status_code == 404
    assert lead.get(brief_url(scenario_version)).status_code == 404


def test_a_fixed_version_without_a_calculation_says_so(council, scenario_version):
    version = services.scenario_version_fix(
        version=scenario_version, expected_version=scenario_version.version
    )
    page = text(council.get(brief_url(version)))
    assert "nog niet berekend" in page


def test_the_version_page_and_the_dashboard_link_to_the_brief(council, fixed):
    version, _run = fixed
    url = brief_url(version)
    assert (
        url
        in council.get(reverse("calculation:version", kwargs={"pk": version.pk})).content.decode()
    )
    assert url in council.get(reverse("calculation:dashboard")).content.decode()


def test_the_council_reads_the_brief_disclosure_controlled(council, lead, scenario_version):
    """A version that counts the register: the council's brief hides a type with fewer than ten
    households, and the assumptions that rest on it only; the project lead sees them."""
    version = services.scenario_version_update(
        version=scenario_version, expected_version=scenario_version.version, count_registered=True
    )
    version = services.scenario_version_fix(version=version, expected_version=version.version)
    run = calculate(version)
    results = dict(run.succeeded_results)
    results["kpis"] = {**results["kpis"], "households_registered": 3}
    results["by_intervention_type"] = [
        {**row, "households": 3} for row in results["by_intervention_type"]
    ]
    run.results = results
    run.save(update_fields=["results"])
    council_rows = council.get(brief_url(version)).context["brief"]["assumptions"]
    lead_rows = lead.get(brief_url(version)).context["brief"]["assumptions"]
    assert lead_rows and not council_rows
