"""plotly.js served as ``vendor/plotly/plotly.min.js`` from the ``plotly`` package (a dependency),
so that the charts draw without a network and the 4.8 MB bundle is not committed.

A ``FileSystemFinder`` prefix on the package's folder would also publish its data sets and widget
bundle; this finder offers that one file only, to ``collectstatic``, ``findstatic`` and whitenoise.

CSP: this plotly.js needs no ``'unsafe-eval'`` for the SVG charts drawn here (its ``Function(...)``
calls are a feature test inside ``try`` and a polyfill modern browsers never reach; only WebGL
traces compile code). It would inject its own ``<style>``, which ``style-src 'self'`` forbids: the
page declares ``<style id="plotly.js-style-global" class="no-inline-styles">``-free instead by
linking ``css/charts.css`` and marking the element, see ``templates/includes/chart_assets.html``.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/plotly"
FILE_NAME = "plotly.min.js"
#: The static path the pages link.
PLOTLY_JS = f"{PREFIX}/{FILE_NAME}"


def plotly_folder() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    """Finds ``vendor/plotly/plotly.min.js`` in the installed ``plotly`` package."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(plotly_folder()))
        self.storage.prefix = PREFIX

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != PLOTLY_JS or not self.storage.exists(FILE_NAME):
            return [] if find_all else None
        found = self.storage.path(FILE_NAME)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        if self.storage.exists(FILE_NAME):
            yield FILE_NAME, self.storage
