"""plotly.js served as ``vendor/plotly/plotly.min.js`` from the ``plotly`` package (a dependency),
so that the charts draw without a network and the 4.8 MB bundle is not committed.

A ``FileSystemFinder`` prefix on the package's folder would also publish its data sets and widget
bundle; this finder offers that one file only, to ``collectstatic``, ``findstatic`` and whitenoise.

CSP (``script-src 'self'``, no ``'unsafe-inline'``, no ``'unsafe-eval'``): plotly.js draws the
SVG charts used here without eval (its ``Function(...)`` calls are a feature test inside ``try``
and a polyfill modern browsers never reach; only its WebGL traces compile code, and SIEX draws
none). It would inject stylesheets as inline ``<style>`` elements, which ``style-src 'self'``
refuses: ``static/css/charts.css`` holds its own stylesheet and is linked with plotly's
``no-inline-styles`` marker, and an element with ``MAPLIBRE_STYLE_ID`` stands in for MapLibre's
(tile maps, not drawn here), so plotly injects neither (``templates/includes/chart_assets.html``).
The style attributes it sets on the elements it draws are allowed by ``style-src-attr
'unsafe-inline'`` (settings): a style attribute runs no script. The browser tests assert that the
policy refuses nothing on a page with charts (``tests/browser/dashboards.py``).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/plotly"
FILE_NAME = "plotly.min.js"
#: The static path the pages link.
PLOTLY_JS = f"{PREFIX}/{FILE_NAME}"
#: The id under which plotly.js injects MapLibre's stylesheet unless an element bears it already.
MAPLIBRE_STYLE_ID = "9f215cf04c5486422605d13261cb87401f4e7763b6296af81e98efbc0130da53"


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
