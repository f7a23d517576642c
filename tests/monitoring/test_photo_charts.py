"""The charts of an area's photo: its value against the municipality, the Netherlands and the peer
municipalities, and its trend with the definition break and the context notes marked; each chart's
table holds the rows it plots and its download exactly those."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from monitoring.indicators.models import ContextNote, Indicator, IndicatorValue
from monitoring.models import Area, AreaLevel
from monitoring.photos.charts import area_charts, benchmark_chart, trend_chart
from monitoring.photos.selectors import area_photo
from siex.accounts.roles import Role
from tests.factories import DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wijk():
    municipality = MunicipalityFactory()
    return DistrictFactory(parent=municipality, code="WK001401", name="Oosterpoort")


def _indicator(version: int, valid_from: int) -> Indicator:
    return Indicator.objects.create(
        code="pct_arm",
        version=version,
        valid_from=valid_from,
        label_nl="Huishoudens in armoede",
        label_en="Households in poverty",
        unit="percentage",
        decimals=1,
        direction="higher_worse",
        theme="poverty",
    )


@pytest.fixture
def series(wijk):
    """2019–2021 by the first definition, 2022–2023 by the second (2022 withheld); the
    municipality and the Netherlands of 2023; a note over 2020–2021."""
    first, second = _indicator(1, 1990), _indicator(2, 2022)
    for period, number in ((2019, "14.0"), (2020, "13.0"), (2021, "12.5")):
        IndicatorValue.objects.create(
            indicator=first, area=wijk, period=period, value=Decimal(number)
        )
    IndicatorValue.objects.create(indicator=second, area=wijk, period=2022, withheld=True)
    IndicatorValue.objects.create(indicator=second, area=wijk, period=2023, value=Decimal("11.0"))
    country = Area.objects.create(code="NL01", name="Nederland", level=AreaLevel.COUNTRY, year=2024)
    for area, number in ((wijk.parent, "9.5"), (country, "7.5")):
        IndicatorValue.objects.create(
            indicator=second, area=area, period=2023, value=Decimal(number)
        )
    ContextNote.objects.create(
        key="corona", period_from=2020, period_to=2021, title="Corona", text="Steunmaatregelen."
    )
    return second


def test_the_area_against_the_municipality_and_the_netherlands(wijk, series):
    content = area_photo(area=wijk, on_date=date(2024, 6, 30))
    with translation.override("nl"):
        chart = benchmark_chart(content, "pct_arm")
    assert chart.data[0]["y"] == ["Oosterpoort", "Gemeente", "Nederland"]
    assert chart.data[0]["x"] == [11.0, 9.5, 7.5]
    assert [[cell.text for cell in row] for row in chart.rows] == [
        ["Oosterpoort", "11,0%"],
        ["Gemeente", "9,5%"],
        ["Nederland", "7,5%"],
    ]
    assert chart.summary == (
        "Huishoudens in armoede (2023): Oosterpoort 11,0%; het hoogst is Oosterpoort (11,0%), "
        "het laagst Nederland (7,5%)."
    )


def test_the_trend_marks_the_definition_break_and_the_context_notes(wijk, series):
    content = area_photo(area=wijk, on_date=date(2024, 6, 30))
    with translation.override("nl"):
        chart = trend_chart(content, "pct_arm")
    # One line per definition: the break cuts the series.
    assert [trace["name"] for trace in chart.data] == [
        "Definitie 1 (2019–2021)",
        "Definitie 2 (2022–2023)",
    ]
    assert chart.data[1]["y"] == [None, 11.0]  # withheld: a gap, never 0
    lines = [s for s in chart.layout["shapes"] if s["type"] == "line"]
    assert [line["x0"] for line in lines] == [2021.5]
    rects = [s for s in chart.layout["shapes"] if s["type"] == "rect"]
    assert [(rect["x0"], rect["x1"]) for rect in rects] == [(2019.5, 2021.5)]
    texts = {a["text"] for a in chart.layout["annotations"]}
    assert texts == {"Definitiebreuk", "Corona"}
    rows = [[cell.text for cell in row] for row in chart.rows]
    assert rows == [
        ["2019", "14,0%", ""],
        ["2020", "13,0%", "Corona"],
        ["2021", "12,5%", "Corona"],
        ["2022", "geheim", "definitiebreuk"],
        ["2023", "11,0%", ""],
    ]
    assert len(rows) == sum(len(trace["x"]) for trace in chart.data)
    assert chart.summary == (
        "Huishoudens in armoede in Oosterpoort: 11,0% in 2023, zonder eerdere waarde volgens "
        "dezelfde definitie om mee te vergelijken. De reeks breekt in 2022: waarden daarvoor "
        "zijn niet vergelijkbaar met die daarna."
    )


def test_no_chart_for_an_indicator_without_values(wijk, series):
    content = area_photo(area=wijk, on_date=date(2018, 6, 30))
    assert area_charts(content, "pct_arm") == {}
    assert area_charts(area_photo(area=wijk, on_date=date(2024, 1, 1)), "onbekend") == {}


def test_the_area_page_shows_the_charts_and_their_downloads_hold_their_rows(
    client_for, wijk, series
):
    officer = client_for(Role.POLICY_OFFICER)
    officer.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    page = officer.get(reverse("photos:area", args=["WK001401"]), {"datum": "30-06-2024"})
    text = page.content.decode()
    assert 'id="chart-vergelijking"' in text and 'id="chart-trend"' in text
    assert page.context["chart_indicator"] == "pct_arm"  # the first poverty indicator
    trend = page.context["charts"][1]["chart"]
    download = officer.get(page.context["charts"][1]["csv"])
    assert download.status_code == 200
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Periode", "Huishoudens in armoede", "Opmerking"]
    assert [line[0] for line in lines[1:]] == [row[0].text for row in trend.rows]
    assert lines[4][1] == ""  # withheld: empty, never 0
    wrong = officer.get(
        reverse("photos:area-chart", args=["WK001401", "trend", "csv"]), {"datum": "31-02-2024"}
    )
    assert wrong.status_code == 400 and "dag-maand-jaar" in wrong.content.decode()
    assert (
        officer.get(reverse("photos:area-chart", args=["WK001401", "taart", "csv"])).status_code
        == 404
    )
    # A council member reads the kept photos and the map, not the live photo and its charts.
    council = client_for(Role.COUNCIL_MEMBER)
    assert council.get(page.context["charts"][0]["csv"]).status_code == 403


def test_a_council_member_reads_the_charts_of_a_kept_photo_and_downloads_them(
    client_for, user_for, wijk, series
):
    from monitoring.photos.services import photo_take

    kept = photo_take(
        area=wijk, on_date=date(2024, 6, 30), title="Foto", user=user_for(Role.PROJECT_LEAD)
    )
    # A value imported after the photo was kept does not change its charts.
    IndicatorValue.objects.filter(period=2023, area=wijk).update(value=Decimal("30.0"))
    council = client_for(Role.COUNCIL_MEMBER)
    council.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    page = council.get(reverse("photos:detail", args=[kept.pk]), {"indicator": "pct_arm"})
    assert page.status_code == 200
    assert 'id="chart-vergelijking"' in page.content.decode()
    bars = page.context["charts"][0]
    assert bars["chart"].rows[0][1].text == "11,0%"
    download = council.get(bars["xlsx"])
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        'attachment; filename="wijkfoto-WK001401-2024-06-30-vergelijking.xlsx"'
    )
    unknown = council.get(
        reverse("photos:chart", args=[kept.pk, "trend", "csv"]), {"indicator": "x"}
    )
    assert unknown.status_code == 404
