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
