"""Disclosure control for every aggregate a council member sees (DESIGN §6, docs/disclosure.md).

Three measures, applied in this order to a one- or two-way table of counts with its totals:

1. primary suppression: every count below ``SIEX_SMALL_CELL_THRESHOLD`` (10) is hidden ("<10"),
   and so are percentages and means over fewer units;
2. secondary suppression: further cells are hidden until no hidden cell can be worked out exactly
   from the shown cells and the totals, also knowing that counts are never negative and that a
   count shown as "<10" is at most 9 (checked exactly, see ``_protected``);
3. rounding: every count still shown, cells and totals alike, is rounded to a multiple of
   ``SIEX_COUNT_ROUNDING`` (5, the CBS practice), the total being the rounded true total. A count
   that dropped below the threshold then no longer follows from the totals at two dates.

Amounts that rest on a hidden count are hidden with it by the caller (``hide_with``).
No library on the package index covers this for plain tables (sdcMicro and tau-Argus are R and
Java); the secondary step is the classic cycle argument for tables with margins, kept small.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class DisclosureRules:
    """The threshold below which a count is hidden and the base counts are rounded to."""

    threshold: int = 10
    rounding: int = 5

    @classmethod
    def from_settings(cls) -> DisclosureRules:
        from django.conf import settings

        return cls(
            threshold=settings.SIEX_SMALL_CELL_THRESHOLD,
            rounding=getattr(settings, "SIEX_COUNT_ROUNDING", 5),
        )

    def rounded(self, count: int | float) -> int:
        """``count`` to the nearest multiple of the rounding base (halves up)."""
        base = max(int(self.rounding), 1)
        return int((int(round(count)) + base // 2) // base * base) if base > 1 else int(count)

    def publish(self, count: int | float | None) -> int | None:
        """One count on its own: None below the threshold, otherwise rounded."""
        if count is None or count < self.threshold:
            return None
        return self.rounded(count)

    def ratio(self, value: Any, units: int | None) -> Any:
        """A percentage or mean over ``units`` units: None over fewer than the threshold."""
        return None if units is None or units < self.threshold else value


@dataclass(frozen=True)
class Protected:
    """A line of counts as a council member may see it: hidden cells and total as None."""

    cells: list[int | None]
    total: int | None
    hidden: list[bool]


@dataclass(frozen=True)
class ProtectedTable:
    """A two-way table as a council member may see it: hidden cells and totals as None."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None
    hidden: np.ndarray


# --- Secondary suppression -----------------------------------------------------------------------


def line_mask(counts, threshold: int) -> tuple[np.ndarray, bool]:
    """Cells to hide in a line of counts shown with its total, and whether to hide the total.

    With the total shown, the hidden cells' sum is known: each hidden cell needs a partner it
    can trade a unit with (one that can go up while the other goes down, within 0 and, for a
    count shown as "<10", 9). The smallest shown cell is added until every hidden cell has one."""
    values = np.asarray(counts, dtype=float).ravel()
    hidden = values < threshold
    if values.size == 0:
        return hidden, False
    if values.sum() < threshold:
        return np.ones_like(hidden), True
    upper = np.where(values < threshold, threshold - 1, np.inf)
    while True:
        cells = map(int, np.flatnonzero(hidden))
        loose = [i for i in cells if not _has_partner(i, values, hidden, upper)]
        if not loose:
            return hidden, False
        candidates = np.where(hidden, np.inf, values)
        j = int(np.argmin(candidates))
        if not np.isfinite(candidates[j]):
            # Nothing left to add: only hiding the total protects the cells.
            return hidden, True
        hidden[j] = True


def _has_partner(i: int, values, hidden, upper) -> bool:
    up = values < upper
    down = values > 0
    return any((up[i] and down[j]) or (down[i] and up[j]) for j in np.flatnonzero(hidden) if j != i)


def table_mask(counts, threshold: int) -> np.ndarray:
    """Cells to hide in a two-way table shown with its row, column and grand totals.

    Returns the mask of the augmented table: the last column holds the row totals, the last row
    the column totals, the corner the grand total. Secondary cells are added as rectangles of four
    hidden cells (the cheapest first, inner cells before totals) until ``_protected`` holds for
    every hidden cell: each pass takes the first unprotected hidden cell (row by row).

    Hiding more cells only adds edges to the graph ``_protected`` searches, so a cell once found
    protected stays protected: each is checked until it is, never again after, and a pass stops
    at the first cell that is not."""
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
    # The bounds never change while cells are added: the signs are worked out once.
    up, down = _signs(augmented, upper)
    weights = np.where(_totals_of(augmented.shape), 1000.0, 1.0) * augmented
    protected = np.zeros_like(hidden)
    while True:
        loose = None
        for i, j in zip(*np.nonzero(hidden & ~protected), strict=True):
            if _cycle_through(int(i), int(j), hidden, up, down):
                protected[i, j] = True
            else:
                loose = (int(i), int(j))
                break
        if loose is None:
            return hidden
        rectangle = _cheapest_rectangle_of(*loose, weights, hidden, up, down)
        if rectangle is None:
            return np.ones_like(hidden)
        for cell in rectangle:
            hidden[cell] = True


def _totals_of(shape) -> np.ndarray:
    """The cells of an augmented table that hold a total (the last row and column)."""
    rows, columns = shape
    totals = np.zeros(shape, dtype=bool)
    totals[rows - 1, :] = True
    totals[:, columns - 1] = True
    return totals


def _signs(augmented, upper) -> tuple[np.ndarray, np.ndarray]:
    """Which cells may go up and down by one unit in the sign convention of the cycle argument:
    a total enters its line's equation negated, so its "up" is the count going down."""
    rows, columns = augmented.shape
    can_rise = augmented < upper
    can_fall = augmented > 0
    up = can_rise.copy()
    down = can_fall.copy()
    totals = _totals_of(augmented.shape)
    totals[rows - 1, columns - 1] = False
    up[totals] = can_fall[totals]
    down[totals] = can_rise[totals]
    return up, down


def _protected(i: int, j: int, augmented, hidden, upper) -> bool:
    """Whether hidden cell (i, j) can take another value with every published figure unchanged:
    the case exactly when it lies on a cycle of hidden cells (rows and columns as nodes) along
    which the values can alternately go up and down by one, within their bounds."""
    up, down = _signs(augmented, upper)
    return _cycle_through(i, j, hidden, up, down)


def _cycle_through(i: int, j: int, hidden, up, down) -> bool:
    """``_protected`` with the signs worked out: a cycle through (i, j) starting upwards or
    starting downwards."""
    for rising, falling in ((up, down), (down, up)):
        if rising[i, j] and _path(j, i, (i, j), hidden, rising, falling):
            return True
    return False


def _path(column: int, row: int, skip, hidden, rising, falling) -> bool:
    """A path from ``column`` back to ``row`` through hidden cells, leaving a column by a cell
    that falls and a row by one that rises, without the cell ``skip``. Breadth first over all
    nodes of a step at once: the rows reached from the columns reached, and back."""
    leave_column = hidden & falling
    leave_row = hidden & rising
    leave_column[skip] = False
    leave_row[skip] = False
    rows_seen = np.zeros(hidden.shape[0], dtype=bool)
    columns_seen = np.zeros(hidden.shape[1], dtype=bool)
    columns_seen[column] = True
    frontier = columns_seen.copy()
    while frontier.any():
        reached = leave_column[:, frontier].any(axis=1) & ~rows_seen
        if reached[row]:
            return True
        rows_seen |= reached
        frontier = leave_row[reached, :].any(axis=0) & ~columns_seen
        columns_seen |= frontier
    return False


def _cheapest_rectangle(i: int, j: int, augmented, hidden, upper):
    """The rectangle of four cells, one corner (i, j), whose values can move round it within
    their bounds and that hides the least (totals weigh 1000 times a cell); the first of equals
    row by row; None when there is none."""
    up, down = _signs(augmented, upper)
    weights = np.where(_totals_of(augmented.shape), 1000.0, 1.0) * augmented
    return _cheapest_rectangle_of(i, j, weights, hidden, up, down)


def _cheapest_rectangle_of(i: int, j: int, weights, hidden, up, down):
    """``_cheapest_rectangle`` for every opposite corner (k, m) at once."""
    # The cost of each corner: nothing when it is hidden already.
    cost = np.where(hidden, 0.0, weights)
    # Corners (i, j), (k, m) move one way and (i, m), (k, j) the other.
    one_way = up[i, j] & up & down[i, :][None, :] & down[:, j][:, None]
    other_way = down[i, j] & down & up[i, :][None, :] & up[:, j][:, None]
    total = cost[i, j] + cost + cost[i, :][None, :] + cost[:, j][:, None]
    total = np.where(one_way | other_way, total, np.inf)
    total[i, :] = np.inf
    total[:, j] = np.inf
    best = int(np.argmin(total))
    k, m = divmod(best, total.shape[1])
    if not np.isfinite(total[k, m]):
        return None
    return ((i, j), (k, m), (i, m), (k, j))


# --- Publishing --------------------------------------------------------------------------------


def protect_line(counts, rules: DisclosureRules) -> Protected:
    """A line of counts with its total, for a council member: hidden cells and total None, the
    others rounded; the total is the rounded true total, not the sum of the rounded cells."""
    values = [int(count) for count in counts]
    mask, total_hidden = line_mask(values, rules.threshold)
    total = sum(values)
    return Protected(
        cells=[None if hide else rules.rounded(v) for v, hide in zip(values, mask, strict=True)],
        total=None if total_hidden or total < rules.threshold else rules.rounded(total),
        hidden=[bool(hide) for hide in mask],
    )


def protect_counts(counts, rules: DisclosureRules) -> list[int | None]:
    """The cells of ``protect_line`` for a line whose zeros are shown as 0: nobody is no one to
    protect, and as hidden cells the zeros would drag every real count into secondary suppression
    (a wijk where no participation ended would hide its participants)."""
    values = [int(count) for count in counts]
    cells: list[int | None] = [0] * len(values)
    filled = [index for index, value in enumerate(values) if value]
    if filled:
        shown = protect_line([values[index] for index in filled], rules).cells
        for index, cell in zip(filled, shown, strict=True):
            cells[index] = cell
    return cells


def protect_table(counts, rules: DisclosureRules) -> ProtectedTable:
    """A two-way table of counts with its totals, for a council member (see ``protect_line``)."""
    inner = np.asarray(counts, dtype=float)
    rows, columns = inner.shape
    mask = table_mask(inner, rules.threshold)

    def shown(value, hide):
        return None if hide else rules.rounded(value)

    return ProtectedTable(
        cells=[[shown(inner[r, c], mask[r, c]) for c in range(columns)] for r in range(rows)],
        row_totals=[shown(inner[r].sum(), mask[r, columns]) for r in range(rows)],
        column_totals=[shown(inner[:, c].sum(), mask[rows, c]) for c in range(columns)],
        total=shown(inner.sum(), mask[rows, columns]),
        hidden=mask[:rows, :columns],
    )


def hide_with(rows: list[dict], hidden, fields) -> list[dict]:
    """Rows with ``fields`` (the count and the amounts that rest on it) None where hidden."""
    return [
        {**row, **dict.fromkeys(fields, None)} if hide else row
        for row, hide in zip(rows, hidden, strict=True)
    ]


# --- The earlier interface, kept for its callers -------------------------------------------------


def suppression_mask(counts, threshold: int) -> np.ndarray:
    """Boolean mask of the cells to hide in a 1-D or 2-D table of counts shown with its totals."""
    if np.ndim(counts) == 1:
        return line_mask(counts, threshold)[0]
    inner = np.asarray(counts)
    if inner.size == 0:
        return np.zeros(inner.shape, dtype=bool)
    return table_mask(inner, threshold)[: inner.shape[0], : inner.shape[1]]


def suppress_total(total: int, threshold: int) -> bool:
    return total < threshold


def suppressed_cells(counts: list[int], threshold: int) -> list[int | None]:
    """The counts with hidden cells replaced by None (shown as "<10" in templates), unrounded."""
    mask = suppression_mask(np.asarray(counts), threshold)
    return [None if hide else int(count) for count, hide in zip(counts, mask, strict=True)]
