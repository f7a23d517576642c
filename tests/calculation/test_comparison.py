"""The comparison of versions as pure functions over results documents: the baseline, the net
per calendar year (also when the versions start in different years), the benefits per actor and
per life domain, the charts' tables and the warnings about different settings."""

import pytest

from calculation.comparison.charts import comparison_charts, kpi_table
from calculation.comparison.differences import Compared, compare


def results(start, nets, *, actors=None, domains=None, price_basis="real", rate=0.0225, npv=0.0):
    """A results document with the net of each year from ``start`` and benefits per actor and
    domain over the horizon (spread over its first year)."""
    actors = actors or {}
    domains = domains or {}
    horizon = len(nets)
    cumulative, running = [], 0.0
    for net in nets:
        running += net
        cumulative.append(running)

    def series(total):
        return [total] + [0.0] * (horizon - 1)

    return {
        "meta": {
            "start_year": start,
            "price_basis": price_basis,
            "discount_rate": rate,
            "actors": list(actors),
            "domains": list(domains),
            "labels": {
                "actors": {code: {"nl": code.title(), "en": code.title()} for code in actors},
                "domains": {code: {"nl": code.title(), "en": code.title()} for code in domains},
            },
        },
        "kpis": {"npv": npv, "pv_costs": 1000.0, "multiplier_discounted": 1.5, "irr": None},
        "year_table": [
            {"year": start + t, "net": nets[t], "cumulative": cumulative[t]} for t in range(horizon)
        ],
        "benefits_by_actor": {code: series(total) for code, total in actors.items()},
        "benefits_by_domain": {code: series(total) for code, total in domains.items()},
    }


@pytest.fixture
def versions():
    return [
        Compared(
            "1",
            "Basis – v1",
            results(
                2026,
                [-100.0, 50.0, 80.0],
                npv=100.0,
                actors={"gemeente": 300.0, "huishouden": 100.0},
                domains={"werk": 400.0},
            ),
        ),
        Compared(
            "2",
            "Groter – v1",
            results(
                2027,
                [-200.0, 150.0, 200.0],
                npv=250.0,
                actors={"gemeente": 900.0, "huishouden": 50.0},
                domains={"werk": 700.0, "schulden": 250.0},
            ),
        ),
    ]


def test_the_baseline_comes_first_and_the_differences_are_taken_against_it(versions):
    first = compare(versions, "1")
    assert [v.key for v in first.versions] == ["1", "2"]
    npv = next(line for line in first.kpis if line.key == "npv")
    assert npv.values == (100.0, 250.0)
    assert npv.differences == (0.0, 150.0)
    assert npv.relative[1] == pytest.approx(1.5)
    second = compare(versions, "2")
    assert [v.key for v in second.versions] == ["2", "1"]
    npv = next(line for line in second.kpis if line.key == "npv")
    assert npv.differences == (0.0, -150.0)
    assert npv.relative[1] == pytest.approx(-0.6)


def test_ratios_and_rates_have_no_relative_difference_and_missing_values_no_difference(versions):
    comparison = compare(versions, "1")
    multiplier = next(line for line in comparison.kpis if line.key == "multiplier_discounted")
    assert multiplier.differences == (0.0, 0.0)
    assert multiplier.relative == (None, None)
    irr = next(line for line in comparison.kpis if line.key == "irr")
    assert irr.values == (None, None) and irr.differences == (None, None)


def test_years_are_aligned_by_calendar_year_and_blank_outside_a_horizon(versions):
    comparison = compare(versions, "1")
    assert [line.key for line in comparison.years] == [2026, 2027, 2028, 2029]
    by_year = {line.key: line for line in comparison.years}
    assert by_year[2026].values == (-100.0, None)
    assert by_year[2026].differences == (0.0, None)
    assert by_year[2027].values == (50.0, -200.0)
    assert by_year[2027].differences == (0.0, -250.0)
    assert by_year[2028].differences == (0.0, 70.0)
    assert by_year[2029].values == (None, 200.0)
    assert by_year[2029].differences == (None, None)
    cumulative = {line.key: line.values for line in comparison.cumulative}
    assert cumulative[2026] == (-100.0, None)
    assert cumulative[2029] == (None, 150.0)


def test_actors_and_domains_are_matched_by_code_a_missing_one_is_blank(versions):
    comparison = compare(versions, "1")
    actors = {line.key: line for line in comparison.actors}
    assert actors["gemeente"].label == "Gemeente"
    assert actors["gemeente"].differences == (0.0, 600.0)
    assert actors["gemeente"].relative[1] == pytest.approx(2.0)
    assert actors["huishouden"].differences == (0.0, -50.0)
    domains = {line.key: line for line in comparison.domains}
    assert domains["werk"].differences == (0.0, 300.0)
    assert domains["schulden"].values == (None, 250.0)
    assert domains["schulden"].differences == (None, None)


def test_the_charts_tables_hold_the_comparisons_rows_blank_where_a_year_is_missing(versions):
    comparison = compare(versions, "1")
    charts = comparison_charts(comparison, file_stem="siex-vergelijking")
    years = charts["years"]
    assert years.headers == (
        "Year",
        "Basis – v1 (baseline)",
        "Groter – v1",
        "Difference: Groter – v1",
    )
    assert [row[0].value for row in years.rows] == [2026, 2027, 2028, 2029]
    assert [[cell.value for cell in row[1:]] for row in years.rows] == [
        [-100.0, None, None],
        [50.0, -200.0, -250.0],
        [80.0, 150.0, 70.0],
        [None, 200.0, None],
    ]
    assert years.rows[1][3].text == "−EUR\u00a0250"
    assert years.rows[0][2].text == ""
    # The bars are the differences; the summary states the total difference of the net.
    assert years.data[0]["y"] == [None, -250.0, 70.0, None]
    assert "Groter – v1 yields EUR\u00a0120 more net over its horizon than the baseline" in (
        years.summary
    )
    assert "the largest difference is in 2027" in years.summary
    actors = charts["actors"]
    assert [row[0].text for row in actors.rows] == ["Gemeente", "Huishouden"]
    assert actors.summary == (
        "Groter – v1 brings EUR\u00a0550 more benefits than the baseline (Basis – v1), most of "
        "all for Gemeente (EUR\u00a0600 more)."
    )
    assert charts["domains"].rows[1][1].text == ""
    assert charts["cumulative"].headers == ("Year", "Basis – v1 (baseline)", "Groter – v1")
    assert years.file_name("csv") == "siex-vergelijking-years.csv"


def test_the_key_figure_table_shows_the_difference_and_its_share_of_the_baseline(versions):
    headers, rows = kpi_table(compare(versions, "1"))
    assert headers[-1] == "Difference: Groter – v1"
    npv = next(row for row in rows if row[0].text == "Net present value (NPV)")
    assert npv[1].text == "EUR\u00a0100"
    assert npv[3].text == "+EUR\u00a0150 (+150,0%)"


def test_different_price_bases_and_discount_rates_are_said(versions):
    assert compare(versions, "1").warnings == ()
    other = Compared("3", "Nominaal – v1", results(2026, [1.0], price_basis="nominal", rate=0.035))
    warnings = compare([*versions, other], "1").warnings
    assert len(warnings) == 2
    assert "different price bases" in warnings[0]
    assert "Nominaal – v1: nominal (indexed prices)" in warnings[0]
    assert "different discount rates" in warnings[1]
    assert "Nominaal – v1: 3,50%" in warnings[1]


def test_a_baseline_outside_the_versions_or_a_single_version_is_refused(versions):
    with pytest.raises(ValueError):
        compare(versions, "9")
    with pytest.raises(ValueError):
        compare(versions[:1], "1")


def test_three_versions_against_the_middle_one(versions):
    third = Compared(
        "3", "Klein – v2", results(2026, [-50.0, 10.0], npv=-20.0, actors={"gemeente": 100.0})
    )
    comparison = compare([*versions, third], "3")
    assert [v.key for v in comparison.versions] == ["3", "1", "2"]
    npv = next(line for line in comparison.kpis if line.key == "npv")
    assert npv.differences == (0.0, 120.0, 270.0)
    # No share of a negative baseline: it would read the wrong way round.
    assert npv.relative == (None, None, None)
    charts = comparison_charts(comparison)
    # A bar per other version, each in its own colour, in the order of the table.
    assert [trace["name"] for trace in charts["years"].data] == ["Basis – v1", "Groter – v1"]
    assert charts["years"].headers[-2:] == ("Difference: Basis – v1", "Difference: Groter – v1")
    assert [len(trace["y"]) for trace in charts["cumulative"].data] == [4, 4, 4]
    assert charts["actors"].summary.startswith("Groter – v1 brings EUR\u00a0850 more benefits")
