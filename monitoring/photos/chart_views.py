"""The map of the wijken by an indicator at a date, and the downloads of the charts of an area's
photo and of a kept photo: exactly the rows each chart plots, as CSV or XLSX. The map and the
charts show published indicator values only (no programme counts), so council members read the
map and a kept photo's charts as they read the kept photos."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from siex.core.charts import chart_download
from siex.core.forms import DateField

from . import selectors
from .charts import CHART_KEYS, area_charts
from .map import district_map, indicator_label
from .models import PhotoSnapshot
from .views import _area, _chosen_date

FILE_FORMATS = ("csv", "xlsx")


class DistrictMapForm(forms.Form):
    """The indicator to colour the wijken by and the date (31-12-2024; today when empty)."""

    indicator = forms.ChoiceField(label=_("Indicator"))
    datum = DateField(label=_("Date"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [
            (indicator.code, indicator_label(indicator))
            for indicator in selectors.district_indicators()
        ]

    def chosen(self) -> tuple[str | None, date] | None:
        """(indicator code, date) asked for, the first indicator and today when the form is
        empty; None when what was typed cannot be read (the form says why)."""
        if not self.is_bound:
            choices = self.fields["indicator"].choices
            return (choices[0][0] if choices else None), timezone.localdate()
        if not self.is_valid():
            return None
        return self.cleaned_data["indicator"], self.cleaned_data["datum"] or timezone.localdate()


def map_file_stem(code: str, on_date: date) -> str:
    return f"wijkkaart-{code}-{on_date:%Y-%m-%d}"


class DistrictMapView(TemplateView):
    """De wijkkaart: the wijken coloured by the chosen indicator at the chosen date."""

    template_name = "monitoring/photos/map.html"
    permission_required = "monitoring.view_photos"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = DistrictMapForm(self.request.GET or None)
        chosen = form.chosen()
        chart = None
        if chosen and chosen[0]:
            code, on_date = chosen
            chart = district_map(code, on_date, file_stem=map_file_stem(code, on_date))
            context.update(code=code, on_date=on_date)
        context.update(form=form, chart=chart)
        return context


class DistrictMapDownloadView(View):
    """The map's table (wijk, value, class) as CSV or XLSX."""

    permission_required = DistrictMapView.permission_required

    def get(self, request, file_format: str):
        if file_format not in FILE_FORMATS:
            raise Http404
        form = DistrictMapForm(request.GET)
        chosen = form.chosen()
        if chosen is None:
            errors = [message for messages in form.errors.values() for message in messages]
            return HttpResponseBadRequest(" ".join(errors), content_type="text/plain")
        code, on_date = chosen
        chart = district_map(code, on_date, file_stem=map_file_stem(code, on_date))
        if chart is None:
            raise Http404
        return chart_download(chart, file_format)


class AreaChartDownloadView(View):
    """A chart of an area's photo at the chosen date as CSV or XLSX."""

    permission_required = "monitoring.view_neighbourhood_photo"

    def get(self, request, code: str, key: str, file_format: str):
        if key not in CHART_KEYS or file_format not in FILE_FORMATS:
            raise Http404
        area = _area(code)
        try:
            on_date = _chosen_date(request.GET.get("datum"))
        except ValidationError as error:
            return HttpResponseBadRequest(" ".join(error.messages), content_type="text/plain")
        content = selectors.area_photo(area=area, on_date=on_date)
        stem = f"wijkfoto-{area.code}-{on_date:%Y-%m-%d}"
        chart = area_charts(content, request.GET.get("indicator"), file_stem=stem).get(key)
        if chart is None:
            raise Http404
        return chart_download(chart, file_format)


class KeptPhotoChartDownloadView(View):
    """A chart of a kept photo as CSV or XLSX: whoever reads the kept photo (council members too:
    the charts hold published indicator values, no programme counts)."""

    permission_required = "monitoring.view_photos"

    def get(self, request, pk: int, key: str, file_format: str):
        if key not in CHART_KEYS or file_format not in FILE_FORMATS:
            raise Http404
        kept = get_object_or_404(PhotoSnapshot.objects.select_related("area"), pk=pk)
        stem = f"wijkfoto-{kept.area.code}-{kept.date:%Y-%m-%d}"
        chart = area_charts(kept.content, request.GET.get("indicator"), file_stem=stem).get(key)
        if chart is None:
            raise Http404
        return chart_download(chart, file_format)
