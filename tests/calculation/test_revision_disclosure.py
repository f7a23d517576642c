"""Plan versus actual for the council: the type-by-year cells, the type totals and the grand
total are protected together, so that no hidden actual follows from a total shown."""

from types import SimpleNamespace

from calculation.revision.selectors import small_cells


def variance(code, volumes, start=2023):
    years = [SimpleNamespace(year=start + i, actual_volume=v) for i, v in enumerate(volumes)]
    return SimpleNamespace(code=code, years=years, actual_volume=sum(volumes))


def test_a_small_type_total_hides_with_another_and_its_cells_with_others(settings):
    settings.SIEX_SMALL_CELL_THRESHOLD = 10
    types = [variance("coach", [3, 4]), variance("werk", [40, 50]), variance("schuld", [30, 60])]
    hidden, hidden_types, hidden_total = small_cells(types)
    # 7 coachings in all: below 10, and with the grand total shown another type total hides too.
    assert "coach" in hidden_types and len(hidden_types) >= 2
    assert {("coach", 2023), ("coach", 2024)} <= hidden
    # Each year has a hidden cell: it needs a second one, or it follows from the type totals.
    for year in (2023, 2024):
        assert sum(1 for _code, y in hidden if y == year) >= 2
    assert hidden_total is False


def test_nothing_hides_when_every_actual_is_large_enough(settings):
    settings.SIEX_SMALL_CELL_THRESHOLD = 10
    assert small_cells([variance("werk", [40, 50]), variance("coach", [12, 30])]) == (
        set(),
        set(),
        False,
    )


def test_realised_outcomes_reach_the_council_as_a_full_protected_table(settings):
    from calculation.revision.selectors import council_outcome_counts

    settings.SIEX_SMALL_CELL_THRESHOLD = 10
    settings.SIEX_COUNT_ROUNDING = 5
    rows = [
        {"outcome": "werk", "year": 2024, "count": 2},
        {"outcome": "werk", "year": 2025, "count": 31},
        {"outcome": "schuld", "year": 2024, "count": 48},
        {"outcome": "schuld", "year": 2025, "count": 52},
    ]
    shown = {(row["outcome"], row["year"]): row["count"] for row in council_outcome_counts(rows)}
    assert shown[("werk", 2024)] is None
    # The 2 would follow from the outcome's or the year's total: every other cell hides too.
    assert sum(1 for value in shown.values() if value is None) >= 2
    assert all(value is None or value % 5 == 0 for value in shown.values())
    # An outcome without events in a year is listed too (its absence would say 0).
    sparse = council_outcome_counts([*rows[:1], *rows[2:]])
    assert len(sparse) == 4


def test_a_hidden_year_does_not_follow_from_the_council_totals_before_and_after(settings):
    """Differencing over time: a type's actuals are shown for two revisions, the second with
    one more year in which only 3 households started. The 3 are hidden ("<10") in the second
    table; the difference of the type totals the council sees before and after is a rounded
    count, not 3, and so are the costs (rounded to the band of 5 x the planned unit cost)."""
    from calculation.revision.selectors import rounded_series
    from calculation.revision.variance import TypeSeries, split
    from monitoring.suppression import DisclosureRules

    settings.SIEX_COUNT_ROUNDING = 5
    rules = DisclosureRules.from_settings()

    def shown(actual_volume, actual_cost):
        n = len(actual_volume)
        series = TypeSeries(
            code="coach",
            name="Coaching",
            planned_volume=[20.0] * n,
            planned_cost=[24000.0] * n,
            actual_volume=actual_volume,
            actual_cost=actual_cost,
            reference_unit_cost=1200.0,
        )
        years = list(range(2023, 2023 + n))
        exact = split(series, years)
        return split(rounded_series(series, exact, rules), years)

    before = shown([22.0, 31.0], [27100.0, 36900.0])
    after = shown([22.0, 31.0, 3.0], [27100.0, 36900.0, 3700.0])
    assert after.actual_volume - before.actual_volume != 3
    assert (after.actual_volume - before.actual_volume) % 5 == 0
    assert after.actual_cost - before.actual_cost != 3700
    assert (after.actual_cost - before.actual_cost) % 6000 == 0
    # What is shown adds up: volume + price + timing = difference, to the cent.
    assert after.volume + after.price + after.timing == after.difference
