"""The photo as a reader may see it: a council member sees the programme's counts through
small-cell suppression (``monitoring.suppression``), and no amount that rests on fewer households
than the threshold."""

from __future__ import annotations

import copy
from typing import Any

from ..suppression import DisclosureRules, protect_counts


def sees_small_counts(user) -> bool:
    return user.has_perm("monitoring.view_small_counts")


def photo_for(content: dict[str, Any], user) -> dict[str, Any]:
    """``content`` for ``user``: as it is, or with the small programme counts hidden (None, shown
    as "<10") and ``programme.suppressed`` set."""
    if sees_small_counts(user):
        return content
    rules = DisclosureRules.from_settings()
    return suppressed(content, rules.threshold, rounding=rules.rounding)


def suppressed(content: dict[str, Any], threshold: int, *, rounding: int = 1) -> dict[str, Any]:
    """``content`` through disclosure control: counts hidden or rounded to ``rounding``."""
    rules = DisclosureRules(threshold=threshold, rounding=rounding)
    shown = copy.deepcopy(content)
    programme = shown["programme"]
    participants = programme["participants"]
    counts = [participants.get("active"), participants.get("ended")]
    total = sum(count or 0 for count in counts)
    hidden_total = total < threshold
    if None not in counts:
        participants["active"], participants["ended"] = protect_counts(counts, rules)
    interventions = programme["interventions"]
    if interventions:
        cells = protect_counts([row["count"] for row in interventions], rules)
        for row, cell in zip(interventions, cells, strict=True):
            row["count"] = cell
    if hidden_total:
        # Amounts of fewer households than the threshold say too much about each of them.
        participants["active"] = participants["ended"] = None
        programme["spend"] = None
        programme["expected_returns"] = None
        programme["realised_returns"] = None
    programme["suppressed"] = True
    programme["threshold"] = threshold
    programme["rounding"] = rounding
    return shown
