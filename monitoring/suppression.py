"""Small-cell suppression for aggregates a council member sees.

Primary suppression hides every count below the threshold (default 10, set by
``SIEX_SMALL_CELL_THRESHOLD``).
Secondary suppression then hides further cells so that no hidden cell can be recomputed from a
row or column total: every row and every column with a hidden cell gets at least two, choosing
the smallest visible cells. This is the standard heuristic for one- and two-way frequency tables
(no library on the package index covers it for plain tables; sdcMicro/tau-Argus are R and Java).
"""

from __future__ import annotations

import numpy as np


def suppression_mask(counts: np.ndarray, threshold: int) -> np.ndarray:
    """Boolean mask of the cells to hide in a 1-D or 2-D table of counts shown with its totals."""
    table = np.atleast_2d(np.asarray(counts, dtype=float))
    hidden = table < threshold
    # Totals over a line are published, so a line with exactly one hidden cell gives it away.
    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            lines = hidden if axis == 1 else hidden.T
            values = table if axis == 1 else table.T
            for i in range(lines.shape[0]):
                if lines[i].sum() == 1 and lines.shape[1] > 1:
                    candidates = np.where(~lines[i], values[i], np.inf)
                    j = int(np.argmin(candidates))
                    if np.isfinite(candidates[j]):
                        lines[i, j] = True
                        changed = True
    # A single line shown with its grand total: a grand total itself below the threshold is
    # hidden by the caller (``suppress_total``).
    return hidden.reshape(np.shape(counts)) if np.ndim(counts) == 1 else hidden


def suppress_total(total: int, threshold: int) -> bool:
    return total < threshold


def suppressed_cells(counts: list[int], threshold: int) -> list[int | None]:
    """The counts with hidden cells replaced by None (shown as "<10" in templates)."""
    mask = suppression_mask(np.asarray(counts), threshold)
    return [None if hide else int(count) for count, hide in zip(counts, mask, strict=True)]
