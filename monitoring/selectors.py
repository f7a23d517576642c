"""Reads for monitoring: areas."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Max, QuerySet

from .models import Area, AreaLevel


def current_division_year(*, municipality_code: str | None = None) -> int | None:
    code = municipality_code or settings.SIEX_MUNICIPALITY_CODE
    return Area.objects.filter(code=code, level=AreaLevel.MUNICIPALITY).aggregate(y=Max("year"))[
        "y"
    ]


def current_districts(*, municipality_code: str | None = None) -> QuerySet[Area]:
    """The wijken of the municipality in its most recent division year."""
    code = municipality_code or settings.SIEX_MUNICIPALITY_CODE
    year = current_division_year(municipality_code=code)
    if year is None:
        return Area.objects.none()
    return Area.objects.filter(level=AreaLevel.DISTRICT, parent__code=code, year=year).order_by(
        "code"
    )
