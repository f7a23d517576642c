"""The photo as a reader may see it: a council member sees the programme's counts through
small-cell suppression (``monitoring.suppression``), and no amount that rests on fewer households
than the threshold."""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings

from ..suppression import suppress_total, suppressed_cells


def sees_small_counts(user) -> bool:
    return user.has_perm("monitoring.view_small_counts")


def photo_for(content: dict[str, Any], user) -> dict[str, Any]:
    """``content`` for ``user``: as it is, or with the small programme counts hidden (None, shown
    as "<10") and ``programme.suppressed`` set."""
    if sees_small_counts(user):
        return content
    return suppressed(content, settings.SIEX_SMALL_CELL_THRESHOLD)


def suppressed(content: dict[str, Any], threshold: int) -> dict[str, Any]:
    shown = copy.deepcopy(content)
    programme = shown["programme"]
    participants = programme["participants"]
    counts = [participants.get("active"), participants.get("ended")]
    total = sum(count or 0 for count in counts)
    hidden_total = suppress_total(total, threshold)
    if None not in counts:
        participants["active"], participants["ended"] = suppressed_cells(counts, threshold)
    interventions = programme["interventions"]
    if interventions:
        cells = suppressed_cells([row["count"] for row in interventions], threshold)
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
    return shown
