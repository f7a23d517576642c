"""What actually happened in the years of an exploitation, as a revision takes it in.

Two providers: the registered volumes and paid costs (from the register, now), and the realised
outcomes (from follow-up data, later). The revision calls them through these functions only, so
that filling in the realised outcomes later changes this module and nothing else.
"""

from __future__ import annotations

from ..selectors import registered_intake


def registered_actuals(*, start_year: int, last_year: int) -> list[dict]:
    """Interventions started per type and year from ``start_year`` to ``last_year`` (inclusive),
    with what was paid for them: rows of intervention type, year, households and cost, as a
    scenario's ``registered_intake`` holds them (planned registrations left out; stopped ones
    count with their cost but not as a household, as in every calculation)."""
    if last_year < start_year:
        return []
    return registered_intake(start_year=start_year, horizon_years=last_year - start_year + 1)


def realised_outcomes(*, start_year: int, last_year: int) -> list[dict]:
    """Realised outcomes per outcome and year (rows of outcome code, year and count) from the
    follow-up of the participants (DESIGN §5: outcome events).

    Empty for now: the follow-up data that will fill it is not yet recorded. A revision freezes
    what this returns into its version (``ScenarioVersion.realised_outcomes``), so that the
    realisation degree can be shown next to the forecast once it is filled.
    """
    return []
