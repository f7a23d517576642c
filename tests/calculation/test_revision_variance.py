"""The split of plan versus actual costs into volume, price and timing (docs/revision.md), on
cases worked out by hand."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from calculation.revision.variance import TypeSeries, allocate, split

YEARS = [2023, 2024, 2025]


def test_a_hand_made_case_splits_into_volume_price_and_timing():
    # Planned: 10, 20 and 10 households at EUR 1.000 each, EUR 40.000 in all (p_p = 1.000).
    # Actual: 8, 25 and 17 households costing EUR 8.800, 27.500 and 18.700: 50 households for
    # EUR 55.000 (p_a = 1.100). The difference is EUR 15.000 in all: -1.200, 7.500 and 8.700.
    series = TypeSeries(
        code="coaching",
        name="Coaching",
        planned_volume=[10, 20, 10],
        planned_cost=[10_000, 20_000, 10_000],
        actual_volume=[8, 25, 17],
        actual_cost=[8_800, 27_500, 18_700],
        reference_unit_cost=999,
    )
    result = split(series, YEARS)
    # volume = (50 - 40) * 1.000 = 10.000; price = (1.100 - 1.000) * 50 = 5.000.
    assert result.volume == Decimal("10000.00")
    assert result.price == Decimal("5000.00")
    assert result.difference == Decimal("15000.00")
    assert result.planned_unit_cost == Decimal("1000.00")
    assert result.actual_unit_cost == Decimal("1100.00")
    # Volume shared as planned (1/4, 1/2, 1/4): 2.500, 5.000, 2.500. Price shared as delivered
    # (8/50, 25/50, 17/50): 800, 2.500, 1.700. Timing is the rest of each year's difference:
    # -1.200 - 2.500 - 800 = -4.500; 7.500 - 5.000 - 2.500 = 0; 8.700 - 2.500 - 1.700 = 4.500.
    assert [row.volume for row in result.years] == [Decimal(2500), Decimal(5000), Decimal(2500)]
    assert [row.price for row in result.years] == [Decimal(800), Decimal(2500), Decimal(1700)]
    assert [row.timing for row in result.years] == [Decimal(-4500), Decimal(0), Decimal(4500)]
    assert result.timing == 0


def test_the_same_total_in_other_years_is_timing_only():
    series = TypeSeries("c", "C", [10, 10, 0], [5000, 5000, 0], [5, 10, 5], [2500, 5000, 2500], 500)
    result = split(series, YEARS)
    assert (result.volume, result.price) == (0, 0)
    assert [row.timing for row in result.years] == [Decimal(-2500), Decimal(0), Decimal(2500)]


def test_a_cent_that_cannot_be_shared_evenly_goes_to_the_first_largest_share():
    # One extra cent over three equal years: 0,34 + 0,33 + 0,33.
    series = TypeSeries("c", "C", [1, 1, 1], [100, 100, 100], [1, 1, 1], [100, 100, 100.01], 100)
    result = split(series, YEARS)
    assert result.volume == 0
    assert result.price == Decimal("0.01")
    assert [row.price for row in result.years] == [Decimal("0.01"), 0, 0]
    assert [row.timing for row in result.years] == [Decimal("-0.01"), 0, Decimal("0.01")]
    assert allocate(Decimal("1.00"), [Decimal(1) / 3] * 3) == [
        Decimal("0.34"),
        Decimal("0.33"),
        Decimal("0.33"),
    ]


def test_without_a_plan_volume_is_priced_at_the_reference_unit_cost():
    series = TypeSeries("c", "C", [0, 0, 0], [0, 0, 0], [0, 4, 0], [0, 5000, 0], 1000)
    result = split(series, YEARS)
    assert result.volume == Decimal(4000)
    assert result.price == Decimal(1000)
    assert [row.timing for row in result.years] == [0, 0, 0]


def test_costs_without_households_are_a_price_variance():
    # Stopped interventions: paid for, but no household counted.
    series = TypeSeries("c", "C", [2, 0, 0], [2000, 0, 0], [0, 0, 0], [0, 300, 0], 1000)
    result = split(series, YEARS)
    assert result.volume == Decimal(-2000)
    assert result.price == Decimal(300)
    assert result.actual_unit_cost is None
    assert sum(row.timing for row in result.years) == 0


amounts = st.floats(min_value=0, max_value=1e7, allow_nan=False)
volumes = st.floats(min_value=0, max_value=1e4, allow_nan=False)


@given(
    st.lists(st.tuples(volumes, amounts, volumes, amounts), min_size=1, max_size=12),
    amounts,
)
def test_the_identity_holds_to_the_cent(years, reference):
    series = TypeSeries(
        "c",
        "C",
        [y[0] for y in years],
        [y[1] for y in years],
        [y[2] for y in years],
        [y[3] for y in years],
        reference,
    )
    result = split(series, list(range(2020, 2020 + len(years))))
    assert result.volume + result.price + result.timing == result.difference
    assert result.timing == 0
    for row in result.years:
        assert row.volume + row.price + row.timing == row.difference
        assert row.timing == row.timing.quantize(Decimal("0.01"))
    assert sum(row.volume for row in result.years) == result.volume
    assert sum(row.price for row in result.years) == result.price


def test_a_version_without_a_finished_year_has_nothing_to_split():
    """A version that starts this year has no year with actuals yet: nothing to split, no error."""
    from calculation.revision.variance import TypeSeries, split

    series = TypeSeries("coach", "Coaching", [], [], [], [], reference_unit_cost=1200.0)
    variance = split(series, [])
    assert variance.years == () and variance.difference == 0
