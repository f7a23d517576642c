"""Disclosure control against an attacker: for random tables no hidden count can be worked out
from the shown cells and totals, and rounding keeps a count that dropped below the threshold
from following from the totals at two dates."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.suppression import DisclosureRules, line_mask, protect_line, table_mask

THRESHOLD = 10


def bounds(values, threshold=THRESHOLD):
    """What a reader knows of a hidden count: at least 0, and at most 9 when it is below 10."""
    return np.zeros_like(values), np.where(values < threshold, threshold - 1, np.inf)


def disclosed_in_line(values, hidden, total_hidden):
    """Hidden cells of a line whose value follows exactly from the total and the shown cells
    (the exact range of each hidden cell under the known sum and the bounds)."""
    if total_hidden:
        return []
    low, high = bounds(values)
    cells = np.flatnonzero(hidden)
    known_sum = values[cells].sum()
    found = []
    for i in cells:
        others = [j for j in cells if j != i]
        smallest = max(low[i], known_sum - sum(high[j] for j in others))
        largest = min(high[i], known_sum - sum(low[j] for j in others))
        if smallest == largest:
            found.append(int(i))
    return found


def disclosed_in_table(inner, hidden):
    """Hidden cells of a table with totals that cannot change while every published figure
    stays put: brute force over every step of -1, 0 or +1 on the hidden cells (any change
    decomposes into such steps along cycles, so none found means the value is fixed)."""
    rows, columns = inner.shape
    augmented = np.zeros((rows + 1, columns + 1))
    augmented[:rows, :columns] = inner
    augmented[:rows, columns] = inner.sum(axis=1)
    augmented[rows, :columns] = inner.sum(axis=0)
    augmented[rows, columns] = inner.sum()
    cells = list(zip(*np.nonzero(hidden), strict=True))
    if not cells:
        return []
    low, high = bounds(augmented)
    steps = np.array(list(itertools.product((-1, 0, 1), repeat=len(cells))))
    moved = np.zeros((len(steps),) + augmented.shape)
    for k, (r, c) in enumerate(cells):
        moved[:, r, c] = steps[:, k]
    inner_step = moved[:, :rows, :columns]
    consistent = (
        np.all(inner_step.sum(axis=2) == moved[:, :rows, columns], axis=1)
        & np.all(inner_step.sum(axis=1) == moved[:, rows, :columns], axis=1)
        & (inner_step.sum(axis=(1, 2)) == moved[:, rows, columns])
    )
    after = augmented + moved
    within = np.all((after >= low) & (after <= high), axis=(1, 2))
    free = np.any(steps[consistent & within] != 0, axis=0)
    return [cell for cell, can_move in zip(cells, free, strict=True) if not can_move]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12))
def test_no_hidden_cell_of_a_line_follows_from_its_total(counts):
    values = np.array(counts, dtype=float)
    hidden, total_hidden = line_mask(values, THRESHOLD)
    assert all(hidden[values < THRESHOLD])
    assert disclosed_in_line(values, hidden, total_hidden) == []


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=2, max_value=3).flatmap(
        lambda columns: st.lists(
            st.lists(st.integers(min_value=0, max_value=30), min_size=columns, max_size=columns),
            min_size=2,
            max_size=2,
        )
    )
)
def test_no_hidden_cell_of_a_two_way_table_follows_from_its_totals(rows):
    inner = np.array(rows, dtype=float)
    hidden = table_mask(inner, THRESHOLD)
    assert hidden[:2, : inner.shape[1]][inner < THRESHOLD].all()
    assert disclosed_in_table(inner, hidden) == []


def test_the_oracles_see_what_the_old_rule_let_through():
    # Two hidden counts of 9 with the total shown: both are 9, as nothing under 10 exceeds 9.
    values = np.array([9.0, 9.0, 50.0])
    assert disclosed_in_line(values, values < THRESHOLD, False) == [0, 1]
    hidden, total_hidden = line_mask(values, THRESHOLD)
    assert hidden.all() and not total_hidden
    assert disclosed_in_line(values, hidden, total_hidden) == []
    # Two zeros hidden together are still zeros when the shown cells add up to the total.
    values = np.array([0.0, 0.0, 50.0, 60.0])
    assert disclosed_in_line(values, values < THRESHOLD, False) == [0, 1]
    hidden, _ = line_mask(values, THRESHOLD)
    assert disclosed_in_line(values, hidden, False) == []


def test_a_hidden_row_total_gets_a_partner_among_the_totals():
    inner = np.array([[3.0, 4.0, 2.0], [40.0, 50.0, 60.0], [30.0, 20.0, 70.0]])
    hidden = table_mask(inner, THRESHOLD)
    assert hidden[0, 3]  # the row total 9 itself
    assert hidden[:, 3].sum() >= 2
    assert disclosed_in_table(inner, hidden) == []


def recoverable(before, after, rules, wijk):
    """Every value of ``wijk``'s count at the second date that fits what was published at both
    dates, for a reader who even knows that no other wijk changed."""
    shown_before, shown_after = protect_line(before, rules), protect_line(after, rules)
    assert shown_after.cells[wijk] is None and shown_before.cells[wijk] is not None
    half = rules.rounding // 2 if rules.rounding > 1 else 0

    def fits(published):
        return range(published - half, published + half + 1)

    values = set()
    for earlier in fits(shown_before.cells[wijk]):
        if earlier < rules.threshold:
            continue  # it was shown, so it was not below the threshold
        for total_before in fits(shown_before.total):
            for total_after in fits(shown_after.total):
                value = earlier - (total_before - total_after)
                if 0 <= value < rules.threshold:
                    values.add(value)
    return values


def test_differencing_the_totals_of_two_dates_no_longer_gives_a_hidden_count_away():
    wijk = 1
    before = [1400, 12, 600, 498]  # total 2,510
    after = [1400, 5, 600, 500]  # total 2,505: the wijk dropped below 10, another grew by 2
    steady = [1400, 5, 600, 498]  # total 2,503: nothing else changed
    exact = DisclosureRules(threshold=10, rounding=1)
    assert recoverable(before, steady, exact, wijk) == {5}
    rounded = DisclosureRules(threshold=10, rounding=5)
    for later in (after, steady):
        candidates = recoverable(before, later, rounded, wijk)
        assert len(candidates) > 1 and 5 in candidates


def test_totals_are_the_rounded_true_total_not_the_sum_of_rounded_cells():
    shown = protect_line([12, 12, 12], DisclosureRules(threshold=10, rounding=5))
    assert shown.cells == [10, 10, 10]
    assert shown.total == 35


def test_ratios_over_few_units_are_hidden():
    rules = DisclosureRules(threshold=10, rounding=5)
    assert rules.ratio(0.42, 9) is None
    assert rules.ratio(0.42, 10) == 0.42
    assert rules.publish(9) is None
    assert rules.publish(12) == 10
    assert rules.publish(13) == 15


def linearly_fixed(inner, hidden):
    """Hidden cells of the augmented table whose value the published line sums fix, bounds
    aside: those whose unit vector lies in the row space of the equations on the hidden cells."""
    rows, columns = inner.shape
    cells = list(zip(*np.nonzero(hidden), strict=True))
    equations = []
    for r in range(rows + 1):  # each row: its inner cells minus its total (the last column)
        equations.append([(1 if c < columns else -1) if cr == r else 0 for cr, c in cells])
    for c in range(columns + 1):
        equations.append([(1 if r < rows else -1) if cc == c else 0 for r, cc in cells])
    system = np.array(equations, dtype=float)
    rank = np.linalg.matrix_rank(system)
    fixed = []
    for k, cell in enumerate(cells):
        unit = np.zeros(len(cells))
        unit[k] = 1
        if np.linalg.matrix_rank(np.vstack([system, unit])) == rank:
            fixed.append(cell)
    return fixed


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=3, max_value=6).flatmap(
        lambda columns: st.lists(
            st.lists(st.integers(min_value=0, max_value=60), min_size=columns, max_size=columns),
            min_size=3,
            max_size=8,
        )
    )
)
def test_no_hidden_cell_of_a_larger_table_follows_from_the_line_sums(rows):
    inner = np.array(rows, dtype=float)
    hidden = table_mask(inner, THRESHOLD)
    assert hidden[: inner.shape[0], : inner.shape[1]][inner < THRESHOLD].all()
    assert linearly_fixed(inner, hidden) == []
