"""plotly.js is served from the installed plotly package; a chart's downloads hold its rows."""

from __future__ import annotations

import io

from django.contrib.staticfiles import finders
from openpyxl import load_workbook

from siex.core.charts import PALETTE, Chart, DataCell, base_layout, chart_download
from siex.core.charts.staticfiles import PLOTLY_JS


def _chart() -> Chart:
    return Chart(
        key="test",
        title="Test",
        summary="Summary",
        data=[{"type": "bar", "x": ["a"], "y": [1.5]}],
        layout=base_layout(),
        headers=("Name", "Value"),
        rows=((DataCell("=cmd", "=cmd"), DataCell(1.5, "1,5", "0.0", True)),),
    )


def test_plotly_js_is_found_among_the_static_files_and_only_that_file():
    found = finders.find(PLOTLY_JS)
    assert found and found.endswith("plotly.min.js")
    listed = [
        (storage.prefix, path)
        for finder in finders.get_finders()
        for path, storage in finder.list(None)
        if getattr(storage, "prefix", None) == "vendor/plotly"
    ]
    assert listed == [("vendor/plotly", "plotly.min.js")]


def test_plotly_js_is_served(client):
    response = client.get("/static/" + PLOTLY_JS)
    assert response.status_code == 200
    assert b"plotly.js v" in b"".join(response.streaming_content)[:200]


def test_the_chart_pages_keep_plotly_from_injecting_maplibres_stylesheet():
    # plotly.js injects MapLibre's stylesheet as an inline <style> unless an element bears this id
    # (the policy would refuse it); an upgrade that changes the id shows here.
    from pathlib import Path

    from django.conf import settings

    from siex.core.charts.staticfiles import MAPLIBRE_STYLE_ID

    source = Path(finders.find(PLOTLY_JS)).read_text(encoding="utf-8")
    assert f'document.getElementById("{MAPLIBRE_STYLE_ID}")' in source
    assets = Path(settings.BASE_DIR, "templates", "includes", "chart_assets.html").read_text()
    assert f'id="{MAPLIBRE_STYLE_ID}"' in assets


def test_the_layout_speaks_dutch_numbers_in_the_okabe_ito_palette():
    layout = base_layout()
    assert layout["separators"] == ",."
    assert layout["colorway"] == list(PALETTE) and PALETTE[0] == "#0072B2"
    assert _chart().figure["config"]["displaylogo"] is False


def test_downloads_hold_the_rows_with_formulas_neutralised():
    csv = chart_download(_chart(), "csv").content.decode("utf-8-sig")
    assert csv == "Name;Value\r\n'=cmd;1,5\r\n"
    response = chart_download(_chart(), "xlsx")
    assert 'filename="siex-test.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert list(sheet.iter_rows(values_only=True)) == [("Name", "Value"), ("'=cmd", 1.5)]


def test_collectstatic_collects_plotly_js_under_the_production_storage(settings, tmp_path):
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0, stdout=io.StringIO())
    stored = staticfiles_storage.stored_name(PLOTLY_JS)
    assert stored.startswith("vendor/plotly/plotly.") and stored != PLOTLY_JS
    assert (tmp_path / "staticfiles" / stored).exists()
    assert not (tmp_path / "staticfiles" / "vendor" / "plotly" / "widgetbundle.js").exists()
