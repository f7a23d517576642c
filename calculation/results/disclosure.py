"""The results of a run as a reader without household access (a council member) may see them.

A version that counts the register's interventions holds counts of households in its results:
in total, per year (intake) and per intervention type. Its planned intake is public (on the
version page), so a small registered count would follow from the result minus the plan. For
such a reader these counts go through the disclosure control of ``monitoring.suppression``:
the registered total below the threshold is hidden, the counts are rounded (CBS practice), and
an intervention type with fewer households than the threshold is hidden with the amounts that
rest on it (its costs and benefits would give the count back). Planned-only results hold no
register data and are shown as they are. DESIGN §6; docs/disclosure.md.
"""

from __future__ import annotations

import copy
from typing import Any

from monitoring.suppression import DisclosureRules, hide_with, protect_line

SEE_HOUSEHOLDS = "interventions.view_household_data"

#: The amounts of a per-type row that rest on its number of households.
TYPE_FIELDS = (
    "households",
    "costs",
    "benefits",
    "pv_costs",
    "pv_benefits",
    "multiplier_discounted",
    "multiplier_undiscounted",
)


def holds_register_counts(results: dict[str, Any]) -> bool:
    return bool((results.get("kpis") or {}).get("households_registered"))


def results_for(results: dict[str, Any], user) -> dict[str, Any]:
    """``results`` as ``user`` may see them: unchanged for those who see households and for
    results without register counts; else with the household counts protected."""
    if user.has_perm(SEE_HOUSEHOLDS) or not holds_register_counts(results):
        return results
    return protected_results(results, DisclosureRules.from_settings())


def protected_results(results: dict[str, Any], rules: DisclosureRules) -> dict[str, Any]:
    shown = copy.deepcopy(results)
    kpis = shown.get("kpis") or {}
    kpis["households_registered"] = rules.publish(kpis.get("households_registered"))
    if kpis.get("households") is not None:
        kpis["households"] = rules.rounded(kpis["households"])
    for row in shown.get("year_table") or []:
        if row.get("intake") is not None:
            row["intake"] = rules.rounded(row["intake"])
    rows = shown.get("by_intervention_type") or []
    # The catalogue's types without a household are no cells of the line: the pages leave them
    # out, and as hidden zeros they would drag every real count into secondary suppression.
    types = [row for row in rows if row.get("households")]
    if types:
        protected = protect_line([row["households"] for row in types], rules)
        kept = hide_with(types, protected.hidden, [f for f in TYPE_FIELDS if f in types[0]])
        for row, count in zip(kept, protected.cells, strict=True):
            if row.get("households") is not None:
                row["households"] = count
        by_type = {id(row): shown_row for row, shown_row in zip(types, kept, strict=True)}
        shown["by_intervention_type"] = [by_type.get(id(row), row) for row in rows]
    shown["disclosure_controlled"] = True
    return shown
