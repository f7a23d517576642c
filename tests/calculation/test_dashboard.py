"""The council's dashboard: the council member's start page shows the newest fixed version of each
scenario with its key figures and charts, never a draft; the project lead may pick drafts; without
a fixed version the page says what the council will see."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from calculation import services
from calculation.dashboard.presentation import TILE_FIGURES
from calculation.results.figures import figure_cell
from calculation.results.formats import cell_text
from siex.accounts.roles import Role

from .page_helpers import calculate, text

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("calculation:dashboard")


def dutch(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


@pytest.fixture
def council(client_for):
    return dutch(client_for(Role.COUNCIL_MEMBER))


@pytest.fixture
def fixed_and_draft(scenario_version):
    """Version 1 fixed and calculated, version 2 a draft with a different intake, calculated."""
    fixed = services.scenario_version_fix(
        version=scenario_version, expected_version=scenario_version.version
    )
    run = calculate(fixed)
    draft = services.scenario_version_new(version=fixed)
    draft = services.scenario_version_update(
        version=draft,
        expected_version=draft.version,
        intake=[
            {"intervention_type": "budgetcoaching", "year": draft.start_year, "households": 400}
        ],
    )
    draft_run = calculate(draft)
    return fixed, run, draft, draft_run


def shown_kpi(results, key):
    return cell_text(figure_cell(key, results["kpis"][key]))


def chart_figures(html):
    """The figures of the charts on a page, by the chart's element id."""
    figures = {}
    for part in html.split('<script id="')[1:]:
        element_id, rest = part.split('"', 1)
        body = rest.split(">", 1)[1].split("</script>", 1)[0]
        figures[element_id] = json.loads(body)
    return figures


def test_the_council_start_page_is_the_dashboard_of_the_fixed_version(council, fixed_and_draft):
    fixed, run, draft, draft_run = fixed_and_draft
    response = council.get(reverse("home"))
    html = response.content.decode()
    page = text(response)
    results = run.succeeded_results
    for key in ("npv", "multiplier_discounted", "pv_costs", "pv_benefits"):
        assert shown_kpi(results, key) in page, key
    # The draft's figures differ (eight times the intake) and are nowhere.
    assert shown_kpi(draft_run.succeeded_results, "npv") not in page
    assert shown_kpi(draft_run.succeeded_results, "pv_costs") not in page
    assert reverse("calculation:version", kwargs={"pk": draft.pk}) not in html
    # The GREX curve and who benefits, drawn from the fixed run's year table.
    figures = chart_figures(html)
    grex = figures[f"chart-grex-v{fixed.pk}-figure"]
    assert grex["data"][1]["y"] == [row["benefits"] for row in results["year_table"]]
    assert f"chart-who_pays-v{fixed.pk}-figure" in figures
    assert "plotly.min.js" in html and "charts.js" in html
    # The brief, all results and the neighbourhood photo are a click away.
    assert reverse("calculation:version-brief", kwargs={"pk": fixed.pk}) in html
    assert reverse("calculation:run", kwargs={"pk": run.pk}) in html
    assert reverse("photos:list") in html
    assert "Vastgesteld op" in page
    # The district table that was the council's start page stays below it.
    assert response.context["start_sections"][0] == "calculation/dashboard/start.html"


def test_the_tiles_hold_the_runs_key_figures(council, fixed_and_draft):
    _fixed, run, _draft, _draft_run = fixed_and_draft
    response = council.get(DASHBOARD)
    tiles = {tile.key: tile for tile in response.context["exploitations"][0].tiles}
    assert list(tiles) == [*TILE_FIGURES, "probability_npv_positive"]
    kpis = run.succeeded_results["kpis"]
    for key in TILE_FIGURES:
        assert tiles[key].value.value == kpis[key], key
    mc = run.succeeded_results["monte_carlo"]
    assert tiles["probability_npv_positive"].value.value == mc["probability_npv_positive"]
    assert tiles["break_even_years"].year.value == kpis["break_even_calendar_year"]


def test_a_newer_fixed_version_takes_the_place_and_the_older_is_a_line(council, fixed_and_draft):
    fixed, run, draft, draft_run = fixed_and_draft
    newer = services.scenario_version_fix(version=draft, expected_version=draft.version)
    page = text(council.get(DASHBOARD))
    html = council.get(DASHBOARD).content.decode()
    # The newer fixed version is the exploitation now, the first one a line with a link.
    assert shown_kpi(draft_run.succeeded_results, "npv") in page
    exploitation = council.get(DASHBOARD).context["exploitations"][0]
    assert exploitation.version == newer
    assert [other["pk"] for other in exploitation.others] == [fixed.pk]
    assert reverse("calculation:run", kwargs={"pk": run.pk}) in html
    assert "Andere vastgestelde versies" in page


def test_the_project_lead_may_pick_a_draft(lead, fixed_and_draft):
    fixed, _run, draft, draft_run = fixed_and_draft
    dutch(lead)
    default = lead.get(DASHBOARD)
    assert default.context["exploitations"][0].version == fixed
    html = default.content.decode()
    assert f'<option value="{draft.pk}"' in html and "(concept)" in html
    picked = lead.get(DASHBOARD, {"versie": draft.pk})
    assert picked.context["exploitations"][0].version == draft
    assert shown_kpi(draft_run.succeeded_results, "npv") in text(picked)
    assert lead.get(DASHBOARD, {"versie": 999999}).status_code == 404


def test_a_council_member_cannot_pick_a_draft(council, fixed_and_draft):
    fixed, _run, draft, draft_run = fixed_and_draft
    response = council.get(DASHBOARD, {"versie": draft.pk})
    assert response.status_code == 200
    assert [e.version for e in response.context["exploitations"]] == [fixed]
    assert shown_kpi(draft_run.succeeded_results, "npv") not in text(response)
    assert 'name="versie"' not in response.content.decode()


def test_without_a_fixed_version_the_council_reads_what_it_will_see(council, scenario_version):
    calculate(scenario_version)
    for url in (reverse("home"), DASHBOARD):
        page = text(council.get(url))
        assert "Er is nog geen versie vastgesteld" in page, url
        assert "zodra de projectleider een versie ervan heeft vastgesteld" in page, url
        assert "Basisscenario" not in page


def test_other_roles_start_pages_are_unchanged(client_for, fixed_and_draft):
    for role in (Role.PROJECT_LEAD, Role.POLICY_OFFICER, Role.ADMINISTRATOR):
        response = client_for(role).get(reverse("home"))
        assert "calculation/dashboard/start.html" not in response.context["start_sections"], role
        assert "exploitations" not in response.context, role


def test_the_council_reads_the_results_disclosure_controlled(
    council, lead, scenario_version, monkeypatch
):
    """A version that counts the register: the council's tiles and charts are drawn from the
    results as ``results_for`` gives them to a reader without household access (the counts
    protected); the project lead's from the results as stored."""
    from calculation.dashboard import presentation

    version = services.scenario_version_update(
        version=scenario_version, expected_version=scenario_version.version, count_registered=True
    )
    fixed = services.scenario_version_fix(version=version, expected_version=version.version)
    run = calculate(fixed)
    results = dict(run.succeeded_results)
    results["kpis"] = {**results["kpis"], "households_registered": 3}
    run.results = results
    run.save(update_fields=["results"])
    seen = []
    tiles = presentation.tiles
    monkeypatch.setattr(presentation, "tiles", lambda shown: seen.append(shown) or tiles(shown))
    council.get(DASHBOARD)
    council.get(reverse("home"))
    assert [shown.get("disclosure_controlled") for shown in seen] == [True, True]
    assert all(shown["kpis"]["households_registered"] is None for shown in seen)
    seen.clear()
    lead.get(DASHBOARD)
    assert [shown["kpis"]["households_registered"] for shown in seen] == [3]


def test_the_dashboard_shows_where_poverty_sits_on_the_map_with_its_downloads(
    council, groningen_areas
):
    from datetime import date
    from decimal import Decimal

    from monitoring.indicators.models import Indicator, IndicatorValue

    indicator = Indicator.objects.create(
        code="pct_arm",
        label_nl="Huishoudens in armoede",
        label_en="Households in poverty",
        unit="percentage",
        decimals=1,
        direction="higher_worse",
        theme="poverty",
        source="CBS, Kerncijfers wijken en buurten",
    )
    for index, area in enumerate(groningen_areas):
        IndicatorValue.objects.create(
            indicator=indicator, area=area, period=date.today().year - 1, value=Decimal(index + 1)
        )
    html = council.get(DASHBOARD).content.decode()
    figures = chart_figures(html)
    map_figure = next(value for key, value in figures.items() if "wijkkaart" in key or "map" in key)
    assert map_figure["data"], "the map draws the wijken"
    assert "Huishoudens in armoede per wijk" in html
    assert reverse("photos:map-download", args=["csv"]) + "?indicator=pct_arm" in html
    assert reverse("photos:map") + "?indicator=pct_arm" in html


def test_without_indicator_values_the_dashboard_has_no_map(council, groningen_areas):
    html = council.get(DASHBOARD).content.decode()
    assert reverse("photos:map-download", args=["csv"]) not in html
