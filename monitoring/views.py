"""The neighbourhood photo (wijkfoto) pages: the indicators with their definition versions, and
the values of an area by period. Read-only; for the project lead and the policy officers."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.http import Http404
from django.utils.formats import number_format
from django.views.generic import TemplateView

from .indicators import selectors
from .indicators.models import Theme, Unit
from .models import Area, AreaLevel
from .selectors import area_latest, current_districts

VIEW = "monitoring.view_neighbourhood_photo"


def shown_value(value: Decimal | None, unit: str, decimals: int) -> str:
    """A value as the page shows it: Dutch notation, the indicator's decimal places, its unit."""
    if value is None:
        return ""
    text = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{text}%" if unit == Unit.PERCENTAGE else text


def _areas_to_choose() -> list[Area]:
    """The country, the municipality and its current wijken."""
    country = list(Area.objects.filter(level=AreaLevel.COUNTRY).defer("geometry"))
    municipality = area_latest(code=settings.SIEX_MUNICIPALITY_CODE)
    return [*country, *([municipality] if municipality else []), *current_districts()]


class IndicatorListView(TemplateView):
    """The indicators by theme, every version of a definition, and the areas to look at."""

    template_name = "monitoring/indicators.html"
    permission_required = VIEW

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicators = list(selectors.indicator_versions())
        themes = [
            (label, [i for i in indicators if i.theme == value]) for value, label in Theme.choices
        ]
        context.update(
            themes=[(label, rows) for label, rows in themes if rows],
            areas=_areas_to_choose(),
            notes=selectors.context_notes_for(),
        )
        return context


class AreaValuesView(TemplateView):
    """The values of an area by period, with the context notes of those periods."""

    template_name = "monitoring/area_values.html"
    permission_required = VIEW

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        code = kwargs["code"].upper()
        area = Area.objects.filter(code=code).defer("geometry").order_by("-year").first()
        if area is None:
            raise Http404
        table = selectors.area_values_by_period(area_code=code)
        rows = []
        for row in table.rows:
            indicator = row.indicator
            cells = [
                None
                if cell is None
                else {
                    "withheld": cell.withheld,
                    "text": shown_value(cell.value, indicator.unit, indicator.decimals),
                    "provisional": cell.status == "provisional",
                    "other_area": cell.area_id != area.pk,
                }
                for cell in row.cells
            ]
            rows.append({"indicator": indicator, "cells": cells})
        periods = table.periods
        context.update(
            area=area,
            periods=periods,
            rows=rows,
            notes=selectors.context_notes_for(
                area_code=code,
                period_from=periods[0] if periods else None,
                period_to=periods[-1] if periods else None,
            ),
        )
        return context
