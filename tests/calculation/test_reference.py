"""The reference scenario reproduces the published impact analysis of five wijkbedrijven in
Groningen-Noord (2023, REFERENCE §B) exactly, and the demo scenario for the whole municipality
calculates.

Pure: the scenario files are read from ``calculation/data`` and calculated without a database.
All published figures are undiscounted euros; they are compared to the euro.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calculation.results.tables import run_tables
from calculation.scenario import calculate_document

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "calculation" / "data" / "reference_wijkbedrijven.json"
DEMO = ROOT / "calculation" / "data" / "demo_scenario_groningen.json"
CATALOGUE = ROOT / "interventions" / "data" / "catalogue_groningen.json"

COSTS = 2_610_000
BENEFITS = 9_434_000
GOVERNMENT = 5_722_000
DOMAINS = {"rondkomen": 2_524_000, "gezondheid": 1_852_000, "opgroeien": 1_516_000}
INITIATIVES = {"floreshuis": 2_753_000, "wijkbedrijf-selwerd": 2_056_000}
ALL_INITIATIVES = {
    "wijkbedrijf-selwerd": "Wijkbedrijf Selwerd",
    "sportcentrum-noord": "Sportcentrum Noord",
    "floreshuis": "Het Floreshuis",
    "groenhuis": "Het GroenHuis",
    "magma": "Magma",
}
KOMPAS = {
    "wonen",
    "woonomgeving",
    "mobiliteit",
    "rondkomen",
    "opgroeien",
    "gezondheid",
    "meedoen",
    "voorzieningen",
    "samen-leven",
    "veiligheid",
}
PERIODS = ["2021–2025", "2026–2030", "2031–2035", "2036–2040"]


def load(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def euros(amount: float) -> int:
    return round(amount)


@pytest.fixture(scope="module")
def document() -> dict:
    return load(REFERENCE)


@pytest.fixture(scope="module")
def results(document) -> dict:
    return calculate_document(document)


def government_actors(results: dict) -> list[str]:
    sectors = results["meta"]["labels"]["actor_sectors"]
    return [actor for actor, sector in sectors.items() if sector == "government"]


def by_type(results: dict) -> dict[str, dict]:
    return {row["intervention_type"]: row for row in results["by_intervention_type"]}


def year_row(results: dict, year: int) -> dict:
    return next(row for row in results["year_table"] if row["year"] == year)


# --- the document ---------------------------------------------------------------------------------


def test_reference_is_self_contained_and_states_its_assumptions(document):
    assert document["format"] == "siex-scenario"
    assert document["version"] == 1
    assert document["catalogue"]["format"] == "siex-catalogue"
    assumptions = document["assumptions"]
    assert isinstance(assumptions, list)
    assert len(assumptions) >= 10
    assert all(isinstance(line, str) and line.strip() for line in assumptions)
    text = " ".join(assumptions).lower()
    # The assumptions the report is silent on are written out.
    for topic in ("verdeling", "optimism-bias", "per jaar", "gemeente", "rijk", "woningwaarde"):
        assert topic in text, topic


def test_reference_parameters_follow_the_report(document):
    parameters = document["parameters"]
    assert parameters["start_year"] == 2021
    assert parameters["horizon_years"] == 20
    assert parameters["price_basis"] == "real"
    assert parameters["cost_indexation"] == 0
    assert parameters["benefit_indexation"] == 0
    assert parameters["discount_rate"] == 0.0225
    # The published figures apply no optimism-bias cut.
    assert parameters["optimism_bias_pct"] == [0, 0, 0, 0, 0, 0]
    assert parameters["monte_carlo_draws"] == 10_000
    assert isinstance(parameters["seed"], int)
    assert document["uncertainty"]


def test_reference_catalogue_uses_the_kompas_domains_and_names_the_report(document):
    catalogue = document["catalogue"]
    assert {domain["code"] for domain in catalogue["life_domains"]} == KOMPAS
    types = {t["code"]: t for t in catalogue["intervention_types"]}
    assert {code: t["name_nl"] for code, t in types.items()} == ALL_INITIATIVES
    assert all(t["name_en"] for t in types.values())
    for outcome in catalogue["outcomes"]:
        assert outcome["confidence_grade"] == 4
        assert "impactanalyse" in outcome["source"].lower()
        assert outcome["name_nl"] and outcome["name_en"]


def test_residents_house_value_gain_is_not_cashable(document):
    sectors = {actor["code"]: actor["sector"] for actor in document["catalogue"]["actors"]}
    house_values = [
        value
        for outcome in document["catalogue"]["outcomes"]
        if outcome["life_domain"] == "woonomgeving"
        for value in outcome["values"]
        if sectors[value["actor"]] == "residents" and "woningwaarde" in value["note"].lower()
    ]
    assert house_values
    for value in house_values:
        assert value["value_type"] != "fiscal_cashable"
        assert "niet incasseerbaar" in value["note"].lower()


# --- costs ----------------------------------------------------------------------------------------


def test_costs_are_2_610_000_over_2021_and_2022_and_none_after(results):
    assert euros(results["kpis"]["costs_undiscounted"]) == COSTS
    assert euros(year_row(results, 2021)["costs"]) == COSTS // 2
    assert euros(year_row(results, 2022)["costs"]) == COSTS // 2
    assert all(row["costs"] == 0 for row in results["year_table"] if row["year"] > 2022)
    assert results["kpis"]["costs_beyond_horizon"] == pytest.approx(0.0)


# --- benefits -------------------------------------------------------------------------------------


def test_total_benefits_and_multiplier(results):
    kpis = results["kpis"]
    assert euros(kpis["benefits_undiscounted"]) == BENEFITS
    assert kpis["multiplier_undiscounted"] == pytest.approx(BENEFITS / COSTS)
    assert round(kpis["multiplier_undiscounted"], 1) == 3.6


def test_benefits_are_whole_euros_every_year(results):
    for row in results["year_table"]:
        assert row["benefits"] == pytest.approx(round(row["benefits"]), abs=1e-6), row["year"]


def test_no_transfers_so_society_total_is_the_sum_over_beneficiaries(results):
    total = sum(sum(flows) for flows in results["benefits_by_actor"].values())
    assert euros(total) == BENEFITS
    assert all(euros(sum(flows)) == 0 for flows in results["transfers_by_actor"].values())


def test_government_receives_5_722_000_mostly_in_the_first_two_periods(results):
    government = government_actors(results)
    assert set(government) == {"gemeente", "rijk"}
    total = sum(sum(results["benefits_by_actor"][actor]) for actor in government)
    assert euros(total) == GOVERNMENT
    per_period = [
        sum(period["benefits_by_actor"][actor] for actor in government)
        for period in results["periods"]
    ]
    assert euros(sum(per_period)) == GOVERNMENT
    assert per_period[0] + per_period[1] > 0.6 * GOVERNMENT


def test_the_group_table_shows_government_5_722_000_as_published(document, results):
    # The four groups are the reference's own data (its catalogue lists them).
    groups = [group["code"] for group in document["catalogue"]["actor_groups"]]
    assert groups == ["participants", "residents", "government", "other"]
    table = run_tables(results)["group_domain_matrix"]
    assert [row.key for row in table.rows] == groups
    totals = {row.key: row.by_column["total"].value for row in table.rows}
    assert euros(totals["government"]) == GOVERNMENT
    assert all(amount > 0 for amount in totals.values())
    assert euros(sum(totals.values())) == BENEFITS
    assert euros(table.totals.by_column["total"].value) == BENEFITS
    # Per life domain, the groups add up to the published domain totals.
    for domain, published in DOMAINS.items():
        column = f"domain:{domain}"
        assert euros(sum(row.by_column[column].value for row in table.rows)) == published


def test_four_groups_of_beneficiaries(results):
    sectors = results["meta"]["labels"]["actor_sectors"]
    assert set(sectors.values()) == {"participants", "residents", "government", "other"}
    other = {actor for actor, sector in sectors.items() if sector == "other"}
    assert other == {"woningcorporaties", "stichting-wij", "marktpartijen"}
    received: dict[str, float] = {}
    for actor, flows in results["benefits_by_actor"].items():
        received[sectors[actor]] = received.get(sectors[actor], 0.0) + sum(flows)
    assert all(amount > 0 for amount in received.values())


def test_benefits_per_life_domain(results):
    totals = {domain: sum(flows) for domain, flows in results["benefits_by_domain"].items()}
    assert set(totals) == KOMPAS
    for domain, published in DOMAINS.items():
        assert euros(totals[domain]) == published, domain
    rest = {domain: amount for domain, amount in totals.items() if domain not in DOMAINS}
    assert euros(sum(rest.values())) == BENEFITS - sum(DOMAINS.values())
    # The rest is spread over the other domains, not parked in one.
    assert sum(1 for amount in rest.values() if amount > 0) >= 5


def test_benefits_per_initiative_and_every_multiplier_above_3(results):
    rows = by_type(results)
    assert set(rows) == set(ALL_INITIATIVES)
    for code, published in INITIATIVES.items():
        assert euros(rows[code]["benefits"]) == published, code
    assert euros(sum(row["benefits"] for row in rows.values())) == BENEFITS
    assert euros(sum(row["costs"] for row in rows.values())) == COSTS
    for code, row in rows.items():
        assert row["multiplier_undiscounted"] > 3, code


# --- timing ---------------------------------------------------------------------------------------


def test_twenty_years_in_four_periods_of_five(results):
    assert results["meta"]["years"] == list(range(2021, 2041))
    assert [period["period"] for period in results["periods"]] == PERIODS
    assert all(row["benefits"] > 0 for row in results["year_table"])


def test_break_even_within_the_first_period_near_its_end(results):
    first = results["periods"][0]
    assert 0 < first["cumulative_net"] < 0.2 * COSTS
    assert year_row(results, 2024)["cumulative"] < 0
    assert year_row(results, 2025)["cumulative"] == pytest.approx(first["cumulative_net"])
    assert results["kpis"]["break_even_calendar_year"] == 2025
    assert 4.5 < results["kpis"]["break_even_years"] < 5


def test_most_benefits_in_the_first_two_periods_then_a_sharp_decline(results):
    benefits = [period["benefits"] for period in results["periods"]]
    assert euros(sum(benefits)) == BENEFITS
    assert benefits[0] + benefits[1] > 2 * (benefits[2] + benefits[3])
    assert benefits[1] > benefits[2] > benefits[3]
    assert benefits[3] < 0.5 * benefits[2]
    assert benefits[3] < 0.25 * benefits[1]


# --- the demo scenario ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> dict:
    return load(DEMO)


@pytest.fixture(scope="module")
def demo_results(demo) -> dict:
    return calculate_document({**demo, "catalogue": load(CATALOGUE)})


def test_demo_scenario_leaves_the_catalogue_to_the_database(demo):
    assert demo["format"] == "siex-scenario"
    assert "catalogue" not in demo
    assert demo["parameters"]["start_year"] == 2026
    assert demo["parameters"]["horizon_years"] == 10
    assert demo["parameters"]["count_registered"] is False
    assert all(isinstance(line, str) and line for line in demo["assumptions"])
    assert {row["category"] for row in demo["programme_costs"]} >= {
        "staff",
        "neighbourhood_teams",
        "monitoring_research",
    }
    assert {row["actor"] for row in demo["programme_costs"]} == {"gemeente"}
    assert demo["budget"]
    assert {row["parameter"] for row in demo["uncertainty"]} >= {"cost_factor", "benefit_factor"}


def test_demo_scenario_calculates_plausibly(demo_results):
    kpis = demo_results["kpis"]
    assert demo_results["meta"]["years"] == list(range(2026, 2036))
    assert len(demo_results["year_table"]) == 10
    assert kpis["costs_undiscounted"] > 0
    assert kpis["benefits_undiscounted"] > 0
    assert 0.5 < kpis["multiplier_undiscounted"] < 5
    # A few thousand households a year across the types.
    assert 1_000 < max(row["intake"] for row in demo_results["year_table"]) < 10_000
    assert sum(demo_results["costs_by_programme_category"]["monitoring_research"]) > 0
    assert "costs_beyond_horizon" not in demo_results["meta"]["warnings"]
    assert demo_results["budget_position"] is not None
    assert demo_results["monte_carlo"]["draws"] == 10_000
