"""The download of a run's chart: exactly the rows the chart plots, as CSV or XLSX."""

from __future__ import annotations

from django.http import Http404
from django.views import View

from siex.core.charts import chart_download

from .models import RunStatus
from .results.charts import CHARTS, run_charts
from .results.disclosure import results_for
from .selectors import run_results
from .views import RunDetailView, RunMixin

FILE_FORMATS = ("csv", "xlsx")


def run_file_stem(run) -> str:
    version = run.scenario_version
    return f"siex-{version.scenario.code}-v{version.number}-run{run.pk}"


class RunChartDownloadView(RunMixin, View):
    """One chart of a finished run as a spreadsheet: whoever may read the run's page may
    download its charts, as the page shows them to that reader."""

    permission_required = RunDetailView.permission_required

    def get(self, request, *args, key: str, file_format: str, **kwargs):
        if key not in CHARTS or file_format not in FILE_FORMATS:
            raise Http404
        run = self.get_run()
        if run.status != RunStatus.SUCCEEDED:
            raise Http404
        results = results_for(run_results(run), request.user)
        chart = run_charts(results, (key,), run_file_stem(run)).get(key)
        if chart is None:
            raise Http404
        return chart_download(chart, file_format)
