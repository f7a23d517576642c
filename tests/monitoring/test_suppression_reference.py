"""Secondary suppression of two-way tables is worked out fast (signs once, every cell proved
protected once, rectangles costed all at once) and hides exactly the cells of the plain rule it
replaced: that rule is kept here, as it was, as the reference."""

from collections import deque

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.suppression import (
    DisclosureRules,
    _cheapest_rectangle,
    _protected,
    _signs,
    protect_table,
    table_mask,
)

THRESHOLD = 10


# --- the reference: the straightforward rule -----------------------------------------------------


def reference_table_mask(counts, threshold: int) -> np.ndarray:
    """Each pass checks every hidden cell from scratch (signs and search) and adds the cheapest
    rectangle around the first loose one, trying every opposite corner in turn."""
    inner = np.asarray(counts, dtype=float)
    rows, columns = inner.shape
    augmented = np.zeros((rows + 1, columns + 1))
    augmented[:rows, :columns] = inner
    augmented[:rows, columns] = inner.sum(axis=1)
    augmented[rows, :columns] = inner.sum(axis=0)
    augmented[rows, columns] = inner.sum()
    hidden = augmented < threshold
    if augmented[rows, columns] < threshold:
        return np.ones_like(hidden)
    upper = np.where(augmented < threshold, threshold - 1, np.inf)
    while True:
        loose = [
            (i, j)
            for i, j in zip(*np.nonzero(hidden), strict=True)
            if not reference_protected(i, j, augmented, hidden, upper)
        ]
        if not loose:
            return hidden
        i, j = loose[0]
        rectangle = reference_cheapest_rectangle(i, j, augmented, hidden, upper)
        if rectangle is None:
            return np.ones_like(hidden)
        for cell in rectangle:
            hidden[cell] = True


def reference_protected(i, j, augmented, hidden, upper) -> bool:
    up, down = _signs(augmented, upper)
    for rising, falling in ((up, down), (down, up)):
        if rising[i, j] and reference_path(j, i, (i, j), hidden, rising, falling):
            return True
    return False


def reference_path(column, row, skip, hidden, rising, falling) -> bool:
    start, goal = ("c", column), ("r", row)
    seen = {start}
    queue = deque([start])
    while queue:
        side, index = queue.popleft()
        if (side, index) == goal:
            return True
        if side == "c":
            steps = [
                ("r", r)
                for r in map(int, np.flatnonzero(hidden[:, index] & falling[:, index]))
                if (r, index) != skip
            ]
        else:
            steps = [
                ("c", c)
                for c in map(int, np.flatnonzero(hidden[index, :] & rising[index, :]))
                if (index, c) != skip
            ]
        for node in steps:
            if node not in seen:
                seen.add(node)
                queue.append(node)
    return False


def reference_cheapest_rectangle(i, j, augmented, hidden, upper):
    rows, columns = augmented.shape
    up, down = _signs(augmented, upper)
    best, best_cost = None, np.inf
    for k in range(rows):
        for m in range(columns):
            if k == i or m == j:
                continue
            corners = ((i, j), (k, m), (i, m), (k, j))
            feasible = all(up[c] for c in corners[:2]) and all(down[c] for c in corners[2:])
            feasible = feasible or (
                all(down[c] for c in corners[:2]) and all(up[c] for c in corners[2:])
            )
            if not feasible:
                continue
            cost = sum(
                augmented[c] * (1 if c[0] < rows - 1 and c[1] < columns - 1 else 1000)
                for c in corners
                if not hidden[c]
            )
            if cost < best_cost:
                best, best_cost = corners, cost
    return best


# --- random tables ------------------------------------------------------------------------------

#: Counts as the dashboards have them: many small ones (zeros too) next to large ones.
COUNT = st.one_of(
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=3000),
)


def tables(min_rows=1, max_rows=14, min_columns=1, max_columns=9):
    return st.tuples(
        st.integers(min_value=min_rows, max_value=max_rows),
        st.integers(min_value=min_columns, max_value=max_columns),
    ).flatmap(
        lambda shape: st.lists(
            st.lists(COUNT, min_size=shape[1], max_size=shape[1]),
            min_size=shape[0],
            max_size=shape[0],
        )
    )


def augment(inner):
    rows, columns = inner.shape
    augmented = np.zeros((rows + 1, columns + 1))
    augmented[:rows, :columns] = inner
    augmented[:rows, columns] = inner.sum(axis=1)
    augmented[rows, :columns] = inner.sum(axis=0)
    augmented[rows, columns] = inner.sum()
    return augmented


@settings(max_examples=400, deadline=None)
@given(tables(), st.sampled_from([1, 5, 10, 25]))
def test_the_fast_rule_hides_exactly_the_cells_of_the_reference(rows, threshold):
    inner = np.array(rows, dtype=float)
    fast = table_mask(inner, threshold)
    assert fast.dtype == bool
    assert np.array_equal(fast, reference_table_mask(inner, threshold))


@settings(max_examples=300, deadline=None)
@given(tables(min_rows=2, min_columns=2))
def test_every_hidden_cell_passes_the_reference_check(rows):
    inner = np.array(rows, dtype=float)
    hidden = table_mask(inner, THRESHOLD)
    if hidden.all():
        return
    augmented = augment(inner)
    upper = np.where(augmented < THRESHOLD, THRESHOLD - 1, np.inf)
    assert hidden[augmented < THRESHOLD].all()
    for i, j in zip(*np.nonzero(hidden), strict=True):
        assert reference_protected(i, j, augmented, hidden, upper)
        assert _protected(i, j, augmented, hidden, upper)


@settings(max_examples=300, deadline=None)
@given(tables(min_rows=2, min_columns=2), st.data())
def test_the_search_and_the_rectangle_agree_with_the_reference_on_any_hidden_cells(rows, data):
    inner = np.array(rows, dtype=float)
    augmented = augment(inner)
    upper = np.where(augmented < THRESHOLD, THRESHOLD - 1, np.inf)
    flags = data.draw(
        st.lists(st.booleans(), min_size=augmented.size, max_size=augmented.size), label="hidden"
    )
    hidden = np.array(flags).reshape(augmented.shape)
    for i, j in zip(*np.nonzero(hidden), strict=True):
        assert _protected(i, j, augmented, hidden, upper) == reference_protected(
            i, j, augmented, hidden, upper
        )
        assert _cheapest_rectangle(i, j, augmented, hidden, upper) == reference_cheapest_rectangle(
            i, j, augmented, hidden, upper
        )


def test_a_dashboard_table_of_forty_types_by_eight_classes_matches_the_reference():
    rng = np.random.default_rng(20260101)
    for _ in range(3):
        # Popular and rare types, most households in a few classes: many small cells.
        inner = rng.poisson(rng.gamma(0.6, 40, size=(40, 1)) * rng.dirichlet(np.ones(8) * 0.7))
        fast = table_mask(inner, THRESHOLD)
        assert np.array_equal(fast, reference_table_mask(inner, THRESHOLD))
        assert fast[:40, :8][inner < THRESHOLD].all()


def test_the_published_table_is_the_one_the_reference_mask_gives():
    inner = np.array([[3, 40, 12, 0], [25, 9, 31, 14], [60, 2, 11, 45], [7, 18, 0, 33]])
    rules = DisclosureRules(threshold=10, rounding=5)
    shown = protect_table(inner, rules)
    mask = reference_table_mask(inner, 10)
    assert np.array_equal(shown.hidden, mask[:4, :4])
    assert [cell is None for row in shown.cells for cell in row] == mask[:4, :4].ravel().tolist()
    assert [total is None for total in shown.row_totals] == mask[:4, 4].tolist()
    assert [total is None for total in shown.column_totals] == mask[4, :4].tolist()
