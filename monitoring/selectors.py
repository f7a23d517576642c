"""Reads for monitoring: areas."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Max, QuerySet

from .models import CBS_DIVISION, Area, AreaLevel


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


def area_latest(*, code: str, division: str = CBS_DIVISION) -> Area | None:
    """The most recent version of the area with this code."""
    return (
        Area.objects.filter(code=code.strip().upper(), division=division).order_by("-year").first()
    )


class AreaResolver:
    """Finds the version of an area that a value for a period belongs to: among the versions of
    its code that existed in the period, the one whose division year is nearest the period (the
    later one on a tie). Loaded once per import."""

    def __init__(self, *, division: str = CBS_DIVISION) -> None:
        self.versions: dict[str, list[Area]] = {}
        self.names: dict[str, str] = {}
        for area in Area.objects.filter(division=division).defer("geometry").order_by("year"):
            self.versions.setdefault(area.code.upper(), []).append(area)
        for area in current_districts().defer("geometry"):
            self.names.setdefault(area.name.strip().casefold(), area.code.upper())

    def code_of(self, text: str) -> str:
        """A code as written in a file: upper case, a CBS year prefix (2024WK001400) left off,
        or the name of a district of the municipality."""
        code = text.strip().upper()
        if len(code) > 4 and code[:4].isdigit() and code[4:6] in ("GM", "WK", "BU", "NL"):
            code = code[4:]
        if code not in self.versions:
            code = self.names.get(text.strip().casefold(), code)
        return code

    def known(self, code: str) -> bool:
        return code in self.versions

    def for_period(self, code: str, period: int) -> Area | None:
        covering = [area for area in self.versions.get(code, ()) if area.covers(period)]
        if not covering:
            return None
        return min(covering, key=lambda area: (abs(area.year - period), -area.year))

    def first_year(self, code: str) -> int | None:
        starts = [area.valid_from for area in self.versions.get(code, ()) if area.valid_from]
        return min(starts) if starts else None
