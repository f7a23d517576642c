"""What higher layers add to the register's pages. The register is a lower layer than the
calculation: it does not import it, but asks the providers that the higher layer registers in its
``AppConfig.ready``.

- Expected return (``expected_return_provider_add``): what a calculation expects a household's
  interventions to bring society, for the household page; ``calculation`` provides it.
- Household page sections (``household_section_add``): more about a household on its page, such
  as its follow-up (``interventions.followup``).
- Frozen households (``household_freeze_add``): a reason why a household can no longer be
  changed, such as its anonymisation under the retention rules (``interventions.retention``); the
  register's and the follow-up's services refuse every change to it with that reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .models import Household, Intervention


@dataclass
class ExpectedReturn:
    """What a calculation expects this household's interventions to bring society, and which
    calculation says so (scenario, version, when it finished, the years it covers)."""

    benefits: float
    benefits_pv: float
    per_intervention: dict[int, float]
    not_forecast: list[Intervention]
    scenario_name: str
    version_number: int
    finished_at: datetime | None
    first_year: int
    last_year: int


ExpectedReturnProvider = Callable[[list[Intervention]], ExpectedReturn | None]
_EXPECTED_RETURN_PROVIDERS: list[ExpectedReturnProvider] = []


def expected_return_provider_add(provider: ExpectedReturnProvider) -> None:
    if provider not in _EXPECTED_RETURN_PROVIDERS:
        _EXPECTED_RETURN_PROVIDERS.append(provider)


def expected_return(interventions: list[Intervention]) -> ExpectedReturn | None:
    """The expected return of the first provider that has one, or None (no calculation yet)."""
    for provider in _EXPECTED_RETURN_PROVIDERS:
        found = provider(interventions)
        if found is not None:
            return found
    return None


@dataclass
class HouseholdSection:
    """A section of the household page: a template and what it shows."""

    template_name: str
    context: dict


HouseholdSectionProvider = Callable[[object, Household], HouseholdSection | None]
_HOUSEHOLD_SECTIONS: list[HouseholdSectionProvider] = []


def household_section_add(provider: HouseholdSectionProvider) -> None:
    if provider not in _HOUSEHOLD_SECTIONS:
        _HOUSEHOLD_SECTIONS.append(provider)


def household_sections(request, household: Household) -> list[HouseholdSection]:
    """The sections the higher layers add to ``household``'s page for this request (a provider
    also writes its reads to the access log)."""
    return [
        section
        for provider in _HOUSEHOLD_SECTIONS
        if (section := provider(request, household)) is not None
    ]


HouseholdFreeze = Callable[[Household], str | None]
_FREEZES: list[HouseholdFreeze] = []


def household_freeze_add(check: HouseholdFreeze) -> None:
    if check not in _FREEZES:
        _FREEZES.append(check)


def household_frozen(household: Household) -> str | None:
    """Why ``household`` can no longer be changed, or None when it can."""
    for check in _FREEZES:
        if (reason := check(household)) is not None:
            return reason
    return None
