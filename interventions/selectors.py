"""Reads for the register and the catalogue."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from monitoring.selectors import current_districts
from monitoring.suppression import suppressed_cells

from .models import Household, Intervention, InterventionStatus, InterventionType, Outcome


def participating(on: date | None = None) -> Q:
    """Households whose participation has started and not ended on ``on`` (default today)."""
    on = on or timezone.localdate()
    return Q(participation_start__lte=on) & (
        Q(participation_end__isnull=True) | Q(participation_end__gte=on)
    )


def register_summary(*, on: date | None = None) -> dict[str, int]:
    """Counts for a policy officer's start page."""
    return {
        "households": Household.objects.count(),
        "participating": Household.objects.filter(participating(on)).count(),
        "interventions": Intervention.objects.count(),
        "active_interventions": Intervention.objects.filter(
            status=InterventionStatus.ACTIVE
        ).count(),
    }


def participating_per_district(*, threshold: int, on: date | None = None) -> dict:
    """Participating households per wijk with small-cell suppression: safe for a council member."""
    districts = list(
        current_districts().annotate(
            participating=Count("households", filter=_participating_via_relation(on))
        )
    )
    counts = [district.participating for district in districts]
    shown = suppressed_cells(counts, threshold) if counts else []
    total = sum(counts)
    return {
        "rows": [
            {"area": district, "inhabitants": district.inhabitants, "participating": value}
            for district, value in zip(districts, shown, strict=True)
        ],
        "total": total if total >= threshold else None,
    }


def _participating_via_relation(on: date | None) -> Q:
    on = on or timezone.localdate()
    return Q(households__participation_start__lte=on) & (
        Q(households__participation_end__isnull=True) | Q(households__participation_end__gte=on)
    )


def catalogue_summary() -> dict:
    return {
        "intervention_types": InterventionType.objects.filter(is_active=True).count(),
        "outcomes": Outcome.objects.count(),
        "outcomes_per_grade": list(
            Outcome.objects.values("confidence_grade")
            .annotate(n=Count("id"))
            .order_by("confidence_grade")
        ),
    }
