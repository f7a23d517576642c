"""The calculation's part of the neighbourhood photo (``monitoring.photos.programme``): what the
programme's latest calculation (the newest fixed version's run, ``household_returns``) expects
the interventions of the area's households to bring society, summed over their household-level
returns; and what the area's households' outcome events realised so far, valued with that same
version's catalogue (``realised``). Registered in ``CalculationConfig.ready``."""

from __future__ import annotations

from datetime import date

from interventions.register.models import Intervention
from monitoring.photos.programme import ExpectedReturns, ProgrammeFigures

from .household_returns import expected_return, programme_run


def expected_in(area_ids: list[int], on_date: date) -> ProgrammeFigures:
    interventions = list(
        Intervention.objects.filter(
            household__area_id__in=area_ids,
            household__participation_start__lte=on_date,
            start_date__lte=on_date,
        ).select_related("intervention_type")
    )
    found = expected_return(interventions)
    if found is None:
        return ProgrammeFigures()
    return ProgrammeFigures(
        expected_returns=ExpectedReturns(
            benefits=found.benefits,
            benefits_pv=found.benefits_pv,
            scenario_name=found.scenario_name,
            version_number=found.version_number,
            first_year=found.first_year,
            last_year=found.last_year,
        )
    )


def realised_in(area_ids: list[int], on_date: date) -> ProgrammeFigures:
    """What the outcome events of the area's households realised for society up to ``on_date``
    (attributable, transfers left out), valued with the programme's version; None without one."""
    from interventions.register.models import Household

    from .realised.selectors import realised_returns

    run = programme_run()
    if run is None:
        return ProgrammeFigures()
    households = list(Household.objects.filter(area_id__in=area_ids).values_list("pk", flat=True))
    found = realised_returns(run.scenario_version, reference=on_date, households=households)
    return ProgrammeFigures(realised_returns=found.society_attributable)
