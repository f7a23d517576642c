"""The map of the wijken by an indicator: quantile classes, the finding in words, the wijken
without a value grey, the table that holds exactly the wijken drawn, its download, and the page
council members read (a date typed wrong is said in Dutch, never a server error)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from monitoring.indicators.models import Indicator, IndicatorValue
from monitoring.photos.map import (
    NO_VALUE_COLOUR,
    class_colours,
    district_map,
    quantile_classes,
)
from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_quantile_classes_hold_about_as_many_values_each_and_ties_share_one():
    values = [Decimal(n) for n in range(1, 21)]
    classes = quantile_classes(values)
    assert [classes.count(c) for c in range(5)] == [4, 4, 4, 4, 4]
    assert classes == sorted(classes)  # the higher the value, the higher the class
    tied = quantile_classes([Decimal(1), Decimal(1), Decimal(1), Decimal(2)])
    assert tied == [0, 0, 0, 1]  # equal values share a class, empty classes close up
    assert quantile_classes([]) == []


def test_fewer_classes_take_colours_from_both_ends_of_the_scale():
    assert class_colours(2) == ["#FDE725", "#440154"]
    assert len(set(class_colours(5))) == 5


@pytest.fixture
def share(groningen_areas):
    indicator = Indicator.objects.create(
        code="pct_arm",
        label_nl="Huishoudens in armoede",
        label_en="Households in poverty",
        unit="percentage",
        decimals=1,
        direction="higher_worse",
        theme="poverty",
        source="CBS, Kerncijfers wijken en buurten",
    )
    # The first 18 wijken a value (1,0% … 18,0%), one withheld, the last none.
    for index, area in enumerate(groningen_areas[:18]):
        IndicatorValue.objects.create(
            indicator=indicator, area=area, period=2023, value=Decimal(index + 1)
        )
    IndicatorValue.objects.create(
        indicator=indicator, area=groningen_areas[18], period=2023, withheld=True
    )
    # A later period than the date asks for is not shown.
    IndicatorValue.objects.create(
        indicator=indicator, area=groningen_areas[0], period=2025, value=Decimal(50)
    )
    return indicator


def test_the_map_colours_each_wijk_by_its_class_and_greys_those_without_a_value(
    groningen_areas, share
):
    with translation.override("nl"):
        chart = district_map(share, date(2024, 12, 31), file_stem="kaart")
    assert chart is not None
    assert chart.title == "Huishoudens in armoede per wijk, 2023"
    areas = groningen_areas
    by_name = {trace["text"].split(":")[0]: trace for trace in chart.data}
    assert set(by_name) == {area.name for area in areas}
    assert by_name[areas[0].name]["text"] == f"{areas[0].name}: 1,0%"
    for area, text in ((areas[18], "geheim"), (areas[19], "geen gegevens")):
        trace = by_name[area.name]
        assert trace["fillcolor"] == NO_VALUE_COLOUR
        assert trace["name"] == "geen gegevens"
        assert trace["text"] == f"{area.name}: {text}"
    coloured = {by_name[area.name]["fillcolor"] for area in areas[:18]}
    assert len(coloured) == 5 and NO_VALUE_COLOUR not in coloured
    # One legend item per class, the lowest first, "no data" last.
    legend = sorted((t["legendrank"], t["name"]) for t in chart.data if t["showlegend"])
    assert [name for _rank, name in legend] == [
        "1,0% – 4,0%",
        "5,0% – 8,0%",
        "9,0% – 11,0%",
        "12,0% – 15,0%",
        "16,0% – 18,0%",
        "geen gegevens",
    ]
    assert chart.summary == (
        f"Huishoudens in armoede (2023): het hoogst in {areas[17].name} (18,0%), het laagst in "
        f"{areas[0].name} (1,0%). 2 wijken hebben geen waarde (grijs)."
    )
    assert chart.source == "CBS, Kerncijfers wijken en buurten"
    # No request for map tiles or a topojson: plain shapes on hidden axes.
    assert {trace["type"] for trace in chart.data} == {"scatter"}
    assert chart.layout["yaxis"]["scaleanchor"] == "x"


def test_the_table_holds_exactly_the_wijken_drawn_with_value_and_class(groningen_areas, share):
    with translation.override("nl"):
        chart = district_map("pct_arm", date(2024, 12, 31))
    rows = [[cell.text for cell in row] for row in chart.rows]
    assert len(rows) == len(chart.data) == len(groningen_areas)
    assert rows[0] == [groningen_areas[17].name, "18,0%", "16,0% – 18,0%"]
    assert rows[-2:] == sorted(
        [
            [groningen_areas[18].name, "geheim", "geheim"],
            [groningen_areas[19].name, *["geen gegevens"] * 2],
        ]
    )
    # Each row's class is the legend item of its wijk's shape.
    shapes = {trace["text"].split(":")[0]: trace["name"] for trace in chart.data}
    for name, value, label in rows:
        if value not in ("geheim", "geen gegevens"):
            assert shapes[name] == label


def test_no_map_without_values_or_before_the_first_period(groningen_areas, share):
    assert district_map(share, date(2022, 12, 31)) is None
    assert district_map("onbekend", date(2024, 12, 31)) is None


def test_council_members_read_the_map_and_download_its_rows(client_for, groningen_areas, share):
    council = client_for(Role.COUNCIL_MEMBER)
    council.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    page = council.get(reverse("photos:map"), {"indicator": "pct_arm", "datum": "31-12-2024"})
    assert page.status_code == 200
    chart = page.context["chart"]
    assert 'id="chart-wijkkaart"' in page.content.decode()
    assert "Bron: CBS, Kerncijfers wijken en buurten" in page.content.decode()
    sheet = council.get(
        reverse("photos:map-download", args=["csv"]),
        {"indicator": "pct_arm", "datum": "31-12-2024"},
    )
    assert sheet.status_code == 200
    assert sheet["Content-Disposition"] == (
        'attachment; filename="wijkkaart-pct_arm-2024-12-31-wijkkaart.csv"'
    )
    lines = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Wijk", "Huishoudens in armoede", "Klasse"]
    assert [line[0] for line in lines[1:]] == [row[0].text for row in chart.rows]
    assert [line[2] for line in lines[1:]] == [row[2].text for row in chart.rows]
    assert lines[1][1] == "18,0"
    # The photo list leads to the map.
    assert reverse("photos:map") in council.get(reverse("photos:list")).content.decode()


def test_a_date_typed_wrong_is_said_in_dutch_and_no_map_is_drawn(
    client_for, groningen_areas, share
):
    officer = client_for(Role.POLICY_OFFICER)
    officer.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    page = officer.get(reverse("photos:map"), {"indicator": "pct_arm", "datum": "31-13-2024"})
    assert page.status_code == 200
    assert page.context["chart"] is None
    assert "Vul een datum in als dag-maand-jaar" in page.content.decode()
    unknown = officer.get(reverse("photos:map"), {"indicator": "geen", "datum": "31-12-2024"})
    assert unknown.status_code == 200 and unknown.context["chart"] is None
    sheet = officer.get(
        reverse("photos:map-download", args=["csv"]), {"indicator": "pct_arm", "datum": "morgen"}
    )
    assert sheet.status_code == 400
    assert "dag-maand-jaar" in sheet.content.decode()
    # Without a choice: the first indicator at today's date.
    first = officer.get(reverse("photos:map"))
    assert first.status_code == 200 and first.context["chart"] is not None


def test_someone_without_a_role_may_not_read_the_map(client_for, groningen_areas, share):
    assert client_for(None).get(reverse("photos:map")).status_code == 403


def test_a_wijk_without_a_boundary_is_neither_drawn_nor_listed(groningen_areas, share):
    from monitoring.models import Area

    Area.objects.filter(pk=groningen_areas[19].pk).update(geometry=None)
    with translation.override("nl"):
        chart = district_map(share, date(2024, 12, 31))
    names = [row[0].text for row in chart.rows]
    assert groningen_areas[19].name not in names
    assert len(names) == len(chart.data) == len(groningen_areas) - 1
    assert chart.summary.endswith("1 wijk heeft geen waarde (grijs).")
