"""The programme in an area, as the neighbourhood photo shows it. Monitoring is the lowest of the
apps: it does not import the register or the calculation, but asks the providers they register in
their ``AppConfig.ready``.

- ``programme_provider_add(provider)``: ``provider(area_ids, on_date)`` returns the figures it
  knows for the households registered in those wijken (a ``ProgrammeFigures`` with the other
  fields left None). The register provides participants, interventions and spend; the
  calculation the expected returns. Realised returns stay "not yet measured" until a provider
  fills them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from siex.core.cached import cached


@dataclass
class ExpectedReturns:
    """What the calculation expects the area's interventions to bring society, and which
    calculation says so."""

    benefits: float
    benefits_pv: float
    scenario_name: str
    version_number: int
    first_year: int
    last_year: int


@dataclass
class ProgrammeFigures:
    """The programme in the area at the date; None: no provider knows it."""

    participants_active: int | None = None
    participants_ended: int | None = None
    #: (intervention type code, Dutch name, English name, count), in the order to show.
    interventions_by_type: list[tuple[str, str, str, int]] | None = None
    spend: Decimal | None = None
    expected_returns: ExpectedReturns | None = None
    realised_returns: float | None = None

    def merged(self, other: ProgrammeFigures) -> ProgrammeFigures:
        """These figures, with the ones they lack taken from ``other``."""
        for item in fields(self):
            if getattr(self, item.name) is None:
                setattr(self, item.name, getattr(other, item.name))
        return self


ProgrammeProvider = Callable[[list[int], date], ProgrammeFigures]
_PROVIDERS: list[ProgrammeProvider] = []
#: The generations (``siex.core.cached``) of all the data a provider reads, when it names them:
#: its figures are then cached until one of them changes; otherwise computed on every call.
_GENERATIONS: dict[ProgrammeProvider, tuple[str, ...]] = {}


def programme_provider_add(
    provider: ProgrammeProvider, generations: tuple[str, ...] | None = None
) -> None:
    """Add a provider; ``generations`` names the cached generations of every kind of data it
    reads (leave it out when a change to what it reads does not bump one of them)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    if generations:
        _GENERATIONS[provider] = generations


def _provided(provider: ProgrammeProvider, area_ids: list[int], on_date: date) -> ProgrammeFigures:
    generations = _GENERATIONS.get(provider)
    if generations is None:
        return provider(area_ids, on_date)
    name = f"{provider.__module__}.{provider.__qualname__}"
    key = f"programme:{name}:{','.join(map(str, sorted(area_ids)))}:{on_date.isoformat()}"
    return cached(generations, key, lambda: provider(area_ids, on_date))


def programme_figures(area_ids: list[int], on_date: date) -> ProgrammeFigures:
    """The figures every provider knows, the first provider's first."""
    figures = ProgrammeFigures()
    for provider in _PROVIDERS:
        figures.merged(_provided(provider, area_ids, on_date))
    return figures
