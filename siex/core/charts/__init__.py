"""One way to show a chart: a plotly figure built on the server, a sentence that states what it
shows, the rows it plots as a table (the accessible equivalent) and those rows as CSV and XLSX.
``templates/includes/chart.html`` renders it and ``static/js/charts.js`` draws it."""

from .chart import PALETTE, Chart, DataCell, base_layout, chart_download

__all__ = ["PALETTE", "Chart", "DataCell", "base_layout", "chart_download"]
