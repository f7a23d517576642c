"""Small-cell suppression: no hidden count can be recomputed from the totals shown."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from monitoring.suppression import suppressed_cells, suppression_mask, table_mask


def test_counts_below_the_threshold_are_hidden_and_a_lone_hidden_cell_gets_a_partner():
    assert suppressed_cells([40, 3, 25, 12], 10) == [40, None, 25, None]


def test_nothing_is_hidden_when_every_count_is_large_enough():
    assert suppressed_cells([40, 30, 25], 10) == [40, 30, 25]


def test_two_primary_cells_need_no_secondary():
    assert suppressed_cells([40, 3, 25, 5], 10) == [40, None, 25, None]


def test_a_two_way_table_protects_rows_and_columns():
    table = np.array([[50, 4, 30], [20, 40, 60], [70, 80, 90]])
    mask = suppression_mask(table, 10)
    assert mask[0, 1]
    for line in (*mask, *mask.T):
        assert line.sum() != 1


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=25))
def test_one_way_tables_never_have_a_single_hidden_cell(counts):
    shown = suppressed_cells(counts, 10)
    hidden = [value is None for value in shown]
    assert sum(hidden) != 1
    for count, value in zip(counts, shown, strict=True):
        if count < 10:
            assert value is None
        if value is not None:
            assert value == count


@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=40), min_size=3, max_size=3),
        min_size=2,
        max_size=6,
    )
)
def test_two_way_tables_never_have_a_line_with_a_single_hidden_cell(rows):
    # Counting the line's total as a cell of it: a hidden total may be a hidden cell's partner.
    mask = table_mask(np.array(rows), 10)
    for line in (*mask, *mask.T):
        assert line.sum() != 1
