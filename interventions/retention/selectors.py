"""Reads for retention: which households are due, and what earlier runs did."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from interventions.register.models import Household, LegalBasis
from siex.core.templatetags.siex import short_date

from .models import AnonymisedHousehold, RetentionRun, RetentionTrigger


def _anonymised():
    return AnonymisedHousehold.objects.values("household_id")


def retention_cutoff(*, today: date, years: int) -> date:
    """The day ``years`` years before ``today``: participation that ended before it is due.

    29 February becomes 28 February in a year without it.
    """
    year = today.year - years
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def households_term_expired(*, today: date, years: int) -> QuerySet[Household]:
    """Households not yet anonymised whose participation ended more than ``years`` years ago."""
    return Household.objects.filter(
        participation_end__lt=retention_cutoff(today=today, years=years),
    ).exclude(pk__in=_anonymised())


def households_consent_withdrawn(*, today: date) -> QuerySet[Household]:
    """Households not yet anonymised that processed on consent and withdrew it."""
    return Household.objects.filter(
        legal_basis=LegalBasis.CONSENT,
        consent_withdrawn_on__isnull=False,
        consent_withdrawn_on__lte=today,
    ).exclude(pk__in=_anonymised())


def households_due(*, today: date, years: int | None = None) -> dict[str, list[int]]:
    """The ids of the households due, by reason (``term_expired``, ``consent_withdrawn``); a
    household due for both reasons counts once, under ``consent_withdrawn``."""
    years = settings.SIEX_RETENTION_YEARS if years is None else years
    withdrawn = sorted(households_consent_withdrawn(today=today).values_list("pk", flat=True))
    expired = sorted(
        households_term_expired(today=today, years=years)
        .exclude(pk__in=withdrawn)
        .values_list("pk", flat=True)
    )
    return {"term_expired": expired, "consent_withdrawn": withdrawn}


def retention_runs() -> QuerySet[RetentionRun]:
    return RetentionRun.objects.all()


def retention_scheduled_run_on(day: date) -> bool:
    """Whether the daily run (not one by command) started on ``day``, in the local time zone."""
    return RetentionRun.objects.filter(
        trigger=RetentionTrigger.SCHEDULE, started_at__date=day
    ).exists()


def household_anonymised_reason(household: Household) -> str | None:
    """Why an anonymised household can no longer be changed (``register.extensions``), or None."""
    marker = (
        AnonymisedHousehold.objects.filter(household_id=household.pk).select_related("run").first()
    )
    if marker is None:
        return None
    return _(
        "This household was anonymised on %(date)s under the retention rules: what identified or "
        "described it has been removed, and it can no longer be changed."
    ) % {"date": short_date(timezone.localtime(marker.run.started_at).date())}
