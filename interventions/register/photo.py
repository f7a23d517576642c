"""The register's part of the neighbourhood photo (``monitoring.photos.programme``): the
households of the wijken, their interventions and what those cost, at a date. Registered in
``InterventionsConfig.ready``.

At the date: a household takes part when its participation started on or before it; it has
ended when its participation ended on or before it. An intervention counts once it started on or
before the date and was not only planned; the spend is the actual cost registered for those.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from monitoring.photos.programme import ProgrammeFigures

from .models import Household, Intervention, InterventionStatus


def programme_in(area_ids: list[int], on_date: date) -> ProgrammeFigures:
    households = Household.objects.filter(area_id__in=area_ids, participation_start__lte=on_date)
    ended = Q(participation_end__isnull=False, participation_end__lte=on_date)
    counts = households.aggregate(all=Count("pk"), ended=Count("pk", filter=ended))
    interventions = Intervention.objects.filter(
        household__area_id__in=area_ids,
        household__participation_start__lte=on_date,
        start_date__lte=on_date,
    ).exclude(status=InterventionStatus.PLANNED)
    by_type = (
        interventions.values(
            "intervention_type__code", "intervention_type__name_nl", "intervention_type__name_en"
        )
        .annotate(count=Count("pk"))
        .order_by("intervention_type__name_nl", "intervention_type__code")
    )
    spend = interventions.aggregate(spend=Sum("actual_cost"))["spend"]
    return ProgrammeFigures(
        participants_active=counts["all"] - counts["ended"],
        participants_ended=counts["ended"],
        interventions_by_type=[
            (
                row["intervention_type__code"],
                row["intervention_type__name_nl"],
                row["intervention_type__name_en"],
                row["count"],
            )
            for row in by_type
        ],
        spend=spend if spend is not None else Decimal("0.00"),
    )
