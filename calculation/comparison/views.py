"""The comparison page and the downloads of its charts. Whoever reads results compares them: the
project lead any versions with a finished run, a council member the fixed ones, each with the
results as that reader may see them. Bad input is a message on the page; a download of a choice
the page would refuse is not found."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from siex.core.charts import chart_download

from .charts import CHART_KEYS, comparison_charts, kpi_table
from .forms import CompareForm
from .reading import comparable_versions, compared_runs, comparison_for

#: Fixed versions and their results for the council; drafts only for the project lead.
RESULTS = "calculation.view_results"
FILE_FORMATS = ("csv", "xlsx")


def _choice(request) -> tuple[CompareForm, list]:
    versions = list(comparable_versions(request.user))
    chosen = "versions" in request.GET
    return CompareForm(request.GET if chosen else None, versions=versions), versions


def _file_stem(versions) -> str:
    return "siex-vergelijking-" + "-".join(f"{v.scenario.code}-v{v.number}" for v in versions)


class CompareView(TemplateView):
    """Two to six versions side by side against a chosen baseline."""

    template_name = "calculation/compare.html"
    permission_required = RESULTS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, versions = _choice(self.request)
        context["form"] = form
        context["has_versions"] = len(versions) >= 2
        context["fixed_only"] = not self.request.user.has_perm("calculation.view_scenarios")
        if form.is_bound and form.is_valid():
            chosen, baseline = form.cleaned_data["versions"], form.cleaned_data["baseline"]
            runs = compared_runs(chosen)
            comparison = comparison_for(runs, baseline, self.request.user)
            query = urlencode(
                {"versions": [v.pk for v in chosen], "baseline": baseline.pk}, doseq=True
            )
            charts = comparison_charts(comparison)
            context["kpi_headers"], context["kpi_rows"] = kpi_table(comparison)
            context.update(
                comparison=comparison,
                runs=runs,
                charts=charts,
                downloads={
                    key: {
                        file_format: reverse(
                            "calculation:compare-chart",
                            kwargs={"key": key, "file_format": file_format},
                        )
                        + "?"
                        + query
                        for file_format in FILE_FORMATS
                    }
                    for key in charts
                },
            )
        return context


class CompareChartDownloadView(View):
    """A chart of the comparison as a spreadsheet: the rows the page shows for the same choice,
    with the same permission and disclosure control."""

    permission_required = RESULTS

    def get(self, request, *args, key: str, file_format: str, **kwargs):
        if key not in CHART_KEYS or file_format not in FILE_FORMATS:
            raise Http404
        form, _versions = _choice(request)
        if not form.is_bound or not form.is_valid():
            raise Http404
        chosen, baseline = form.cleaned_data["versions"], form.cleaned_data["baseline"]
        comparison = comparison_for(compared_runs(chosen), baseline, request.user)
        chart = comparison_charts(comparison, (key,), _file_stem(chosen))[key]
        return chart_download(chart, file_format)
