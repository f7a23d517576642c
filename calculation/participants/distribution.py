"""The arithmetic of the distribution of returns per household (pure: frames in, numbers out):
return classes with fixed bounds in euros, counts per class, and statistics per group (number of
households, mean, median, P10/P90, share without return). Never a minimum or maximum: those are
one household's value."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs in the pinned set

#: The upper bounds (euros) of the positive return classes; above the last: "more than".
BOUNDS = (1_000, 2_500, 5_000, 10_000, 25_000)
#: Class keys: a net loss, no return, then the positive classes up to and above the last bound.
NEGATIVE, NONE = "negative", "none"
CLASSES = (NEGATIVE, NONE, *(f"to_{bound}" for bound in BOUNDS), f"above_{BOUNDS[-1]}")
#: Half a cent: an amount this close to zero is no return.
ZERO = 0.005

BASES = ("expected", "realised")
MEASURES = ("benefits", "net")
#: The dimensions a distribution is broken down by, and the column of the frame that holds them.
DIMENSIONS = {"type": "intervention_type", "wijk": "area", "cohort": "cohort"}
STATISTICS = ("mean", "median", "p10", "p90")


def values(frame: pd.DataFrame, basis: str, measure: str) -> pd.Series:
    """The return of each row: the benefits, or the benefits less the costs (net)."""
    benefits = frame[f"{basis}_benefits"].astype(float)
    if measure == "net":
        return benefits - frame[f"{basis}_costs"].astype(float)
    return benefits


def classify(amounts) -> np.ndarray:
    """The index in ``CLASSES`` of each amount."""
    amounts = np.asarray(amounts, dtype=float)
    positive = 2 + np.searchsorted(np.asarray(BOUNDS, dtype=float), amounts, side="left")
    return np.where(amounts < -ZERO, 0, np.where(amounts <= ZERO, 1, positive)).astype(int)


def class_counts(amounts) -> list[int]:
    """The number of amounts in each class of ``CLASSES``."""
    return np.bincount(classify(amounts), minlength=len(CLASSES)).astype(int).tolist()


@dataclass(frozen=True)
class GroupStatistics:
    """The distribution of the returns in one group (a type, wijk or cohort)."""

    group: object
    households: int
    counts: list[int]
    mean: float | None
    median: float | None
    p10: float | None
    p90: float | None
    share_none: float | None


def _statistics(group, amounts: np.ndarray, benefits: np.ndarray) -> GroupStatistics:
    if not amounts.size:
        return GroupStatistics(group, 0, [0] * len(CLASSES), None, None, None, None, None)
    p10, median, p90 = np.percentile(amounts, [10, 50, 90])
    return GroupStatistics(
        group=group,
        households=int(amounts.size),
        counts=class_counts(amounts),
        mean=float(amounts.mean()),
        median=float(median),
        p10=float(p10),
        p90=float(p90),
        share_none=float((np.abs(benefits) <= ZERO).mean()),
    )


def overall(frame: pd.DataFrame, basis: str, measure: str) -> GroupStatistics:
    """The distribution over all rows of ``frame``."""
    return _statistics(
        None,
        values(frame, basis, measure).to_numpy(),
        frame[f"{basis}_benefits"].to_numpy(dtype=float),
    )


def by_group(frame: pd.DataFrame, column: str, basis: str, measure: str) -> list[GroupStatistics]:
    """The distribution per value of ``column`` (sorted). "Without return" means the benefits
    are nil, whatever the measure."""
    if frame.empty:
        return []
    amounts = values(frame, basis, measure).to_numpy()
    benefits = frame[f"{basis}_benefits"].to_numpy(dtype=float)
    # The groups sorted, found by hashing (sorting 100,000 texts would take longer), then the
    # rows of each group in their order.
    codes, unique = pd.factorize(frame[column], sort=True, use_na_sentinel=False)
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(unique)))
    bounds = [*starts.tolist(), len(order)]
    return [
        _statistics(
            key.item() if hasattr(key, "item") else key,
            amounts[order[bounds[i] : bounds[i + 1]]],
            benefits[order[bounds[i] : bounds[i + 1]]],
        )
        for i, key in enumerate(unique)
    ]
