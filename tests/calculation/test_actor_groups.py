"""Actor groups in the results: the table "Benefits per group" adds up the actors of each group
(the effecten-arena by group), with the catalogue's own groups and names; results stored before
the groups were data still render; the group heat map plots the group table; the workbook's
arena sheet adds each group up from its actors with formulas.

Pure (no database), except the last test, which calculates a version on the catalogue in the
database."""

from __future__ import annotations

import copy
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from calculation.results.charts import run_charts
from calculation.results.tables import run_tables
from calculation.results.workbook import run_workbook
from calculation.scenario import ScenarioError, calculate_document
from siex.core.spreadsheets import xlsx_bytes

from .page_helpers import calculate
from .scenario_docs import ACTORS, intake, intervention_type, outcome, scenario, value
from .workbook_formulas import Evaluator

approx = pytest.approx

GROUPS = [
    {"code": "burgers", "name_nl": "Burgers", "name_en": "Citizens"},
    {"code": "publiek", "name_nl": "Publieke partijen", "name_en": "Public bodies"},
    {"code": "leeg", "name_nl": "Zonder baten", "name_en": "Without benefits"},
]


def grouped_document(groups=GROUPS, sectors=("publiek", "burgers", "publiek")) -> dict:
    """Three actors in two groups with benefits in two life domains; a third group has none."""
    actors = [{**actor, "sector": sector} for actor, sector in zip(ACTORS, sectors, strict=True)]
    document = scenario(
        actors=actors,
        outcomes=[
            outcome(values=[value(), value("huishouden", 300, "social")]),
            outcome(
                "gezond",
                domain="gezondheid",
                values=[value("zorgverzekeraar", 200), value("huishouden", 100, "social")],
            ),
        ],
        types=[intervention_type(links={"werk": 0.5, "gezond": 0.4})],
        intake_rows=[intake(households=10)],
    )
    if groups is not None:
        document["catalogue"]["actor_groups"] = copy.deepcopy(groups)
    return document


@pytest.fixture(scope="module")
def results() -> dict:
    return calculate_document(grouped_document())


def cells(row) -> dict:
    return {key: (cell.value if cell else None) for key, cell in row.by_column.items()}


def test_each_group_is_the_sum_of_its_actors_and_the_groups_sum_to_the_actor_totals(results):
    tables = run_tables(results)
    actors = {row.key: cells(row) for row in tables["actor_domain_matrix"].rows}
    groups = tables["group_domain_matrix"]
    # In the catalogue's order; the group without benefits is left out.
    assert [row.key for row in groups.rows] == ["burgers", "publiek"]
    by_group = {row.key: cells(row) for row in groups.rows}
    domain_keys = [c.key for c in groups.columns if c.key.startswith("domain:")]
    assert domain_keys == ["domain:rondkomen", "domain:gezondheid"]
    for key in [*domain_keys, "total"]:
        assert by_group["burgers"][key] == approx(actors["huishouden"][key])
        assert by_group["publiek"][key] == approx(
            actors["gemeente"].get(key, 0) + actors["zorgverzekeraar"].get(key, 0)
        )
        assert sum(group[key] for group in by_group.values()) == approx(
            sum(actor[key] for actor in actors.values())
        )
        assert groups.totals.by_column[key].value == approx(
            tables["actor_domain_matrix"].totals.by_column[key].value
        )
    assert by_group["publiek"]["total"] == approx(10 * (0.5 * 1000 + 0.4 * 200) * 5)


def test_the_groups_are_named_by_the_catalogue_in_the_readers_language(results):
    labels = results["meta"]["labels"]
    assert labels["actor_group_order"] == ["burgers", "publiek", "leeg"]
    with translation.override("nl"):
        names = [
            str(r.by_column["name"].value) for r in run_tables(results)["group_domain_matrix"].rows
        ]
        assert names == ["Burgers", "Publieke partijen"]
        assert str(run_tables(results)["group_domain_matrix"].title) == "Baten per groep"
    with translation.override("en"):
        names = [
            str(r.by_column["name"].value) for r in run_tables(results)["group_domain_matrix"].rows
        ]
        assert names == ["Citizens", "Public bodies"]


def test_an_actor_in_a_group_the_catalogue_does_not_list_is_refused():
    document = grouped_document(sectors=("publiek", "burgers", "overig"))
    with pytest.raises(ScenarioError) as error:
        calculate_document(document)
    assert [path for path, _message in error.value.errors] == ["catalogue.actors[2].sector"]


def test_a_catalogue_without_groups_uses_the_default_groups_of_its_codes():
    results = calculate_document(
        grouped_document(groups=None, sectors=("government", "participants", "eigen"))
    )
    with translation.override("nl"):
        rows = run_tables(results)["group_domain_matrix"].rows
        assert [(row.key, str(row.by_column["name"].value)) for row in rows] == [
            ("participants", "Deelnemers"),
            ("government", "Overheid"),
            ("eigen", "eigen"),
        ]


def test_actors_without_a_group_are_a_row_of_their_own_and_none_in_a_group_no_table():
    results = calculate_document(grouped_document(groups=None, sectors=("government", "", "")))
    with translation.override("en"):
        rows = run_tables(results)["group_domain_matrix"].rows
        assert [str(row.by_column["name"].value) for row in rows] == [
            "Government",
            "Without a group",
        ]
    plain = calculate_document(grouped_document(groups=None, sectors=("", "", "")))
    assert run_tables(plain)["group_domain_matrix"].rows == ()
    assert "arena_groups" not in run_charts(plain)
    assert "arena" in run_charts(plain)


def test_results_stored_before_the_groups_were_data_still_render(results):
    old = copy.deepcopy(
        calculate_document(
            grouped_document(groups=None, sectors=("government", "participants", "government"))
        )
    )
    for key in ("actor_groups", "actor_group_order"):
        del old["meta"]["labels"][key]
    with translation.override("nl"):
        rows = run_tables(old)["group_domain_matrix"].rows
        assert [str(row.by_column["name"].value) for row in rows] == ["Deelnemers", "Overheid"]
        assert "Overheid" in run_charts(old)["arena_groups"].data[0]["y"]
    # Results older still, without the actors' groups at all: no group table, the rest renders.
    del old["meta"]["labels"]["actor_sectors"]
    assert run_tables(old)["group_domain_matrix"].rows == ()
    assert "arena" in run_charts(old)


def test_the_group_heat_map_plots_the_group_table_and_states_the_largest_group(results):
    table = run_tables(results)["group_domain_matrix"]
    with translation.override("en"):
        chart = run_charts(results)["arena_groups"]
    heat = chart.data[0]
    assert heat["type"] == "heatmap"
    assert heat["y"] == [str(row.by_column["name"].value) for row in table.rows]
    domains = [c.key for c in table.columns if c.key.startswith("domain:")]
    assert heat["z"] == [[approx(row.by_column[k].value) for k in domains] for row in table.rows]
    # Its table is exactly the plotted cells.
    assert [row[0].value for row in chart.rows] == heat["y"]
    assert [[cell.value for cell in row[1:]] for row in chart.rows] == heat["z"]
    totals = {str(row.by_column["name"].value): row.by_column["total"].value for row in table.rows}
    largest = max(totals, key=totals.get)
    assert chart.summary.startswith(f"Of the groups, {largest} receives the most")


def test_the_workbook_adds_each_group_up_from_its_actors(results):
    with translation.override("nl"):
        workbook = load_workbook(io.BytesIO(xlsx_bytes(run_workbook(results))))
    sheet = workbook["Effectenarena"]
    evaluator = Evaluator(workbook)
    labels = [sheet.cell(row=r, column=1).value for r in range(1, sheet.max_row + 1)]
    start = labels.index("Groep")
    assert labels[start + 1 : start + 3] == ["Burgers", "Publieke partijen"]
    table = run_tables(results)["group_domain_matrix"]
    for offset, row in enumerate(table.rows, start=1):
        formula = sheet.cell(row=start + 1 + offset, column=2).value
        assert str(formula).startswith("=")
        got = [
            evaluator.cell("Effectenarena", row=start + 1 + offset, column=c)
            for c in range(2, sheet.max_column + 1)
        ]
        assert got == approx([cell.value for cell in row.cells[1:]])
    titles = [c.value for c in workbook["Alle tabellen"]["A"]]
    assert "Baten per groep" in titles


@pytest.mark.django_db
def test_a_version_on_the_catalogue_in_the_database_shows_its_groups_on_the_run_page(
    lead, scenario_version
):
    run = calculate(scenario_version)
    labels = run.succeeded_results["meta"]["labels"]
    assert labels["actor_groups"]["government"]["nl"] == "Overheid"
    html = lead.get(reverse("calculation:run", kwargs={"pk": run.pk})).content.decode()
    assert "Baten per groep" in html or "Benefits per group" in html
    assert 'id="chart-arena_groups"' in html
    assert 'id="chart-ledger"' in html
