"""The real CBS files shipped with SIEX, imported through the import service: the published
validation anchors and the kerncijfers come out exactly as the files hold them."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from monitoring.indicators.cbs import (
    BENCHMARK_2022,
    VALIDATION_ANCHORS,
    WIJKEN_2023,
)
from monitoring.indicators.models import Indicator, IndicatorValue, IndicatorValueImport
from monitoring.models import Area, AreaLevel

pytestmark = pytest.mark.django_db


def value_of(code: str, area: str, period: int) -> IndicatorValue:
    indicator = Indicator.objects.filter(code=code).first() or Indicator.objects.get(
        aliases__contains=[code]
    )
    return IndicatorValue.objects.get(
        indicator__code=indicator.code, area__code=area, period=period
    )


def test_every_validation_anchor_comes_out_unchanged(cbs_values):
    with open(VALIDATION_ANCHORS, encoding="utf-8") as handle:
        anchors = list(csv.DictReader(handle))
    assert len(anchors) == 19
    for anchor in anchors:
        stored = value_of(anchor["indicator_code"], anchor["regio_code"], int(anchor["peiljaar"]))
        assert stored.value == Decimal(anchor["waarde"]), anchor
        assert not stored.withheld
        assert stored.source == anchor["bron"]
    # GM0014 had 19.9% of households up to 120% of the social minimum in 2019.
    assert value_of("pct_hh_tot_120_sociaal_minimum", "GM0014", 2019).value == Decimal("19.9")
    assert value_of("hh_tot_105_soc_min", "NL01", 2020).area.level == AreaLevel.COUNTRY


def test_the_2023_wijk_file_is_imported_for_the_20_wijken_and_the_municipality(cbs_values):
    with open(WIJKEN_2023, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 21
    areas = set(
        IndicatorValue.objects.filter(period=2023, indicator__code="aantal_inwoners").values_list(
            "area__code", flat=True
        )
    )
    assert areas == {"GM0014", *(f"WK0014{n:02d}" for n in range(20))}
    assert value_of("aantal_inwoners", "GM0014", 2023).value == 238_147
    assert value_of("pct_hh_onder_of_rond_sociaal_minimum", "WK001400", 2023).value == Decimal(
        "11.9"
    )
    assert value_of("personen_met_bijstand_aantal", "GM0014", 2023).value == 9720
    assert value_of("pct_personen_in_landelijke_laagste_40pct_inkomen", "GM0014", 2023).value == (
        Decimal("46.1")
    )
    # Every cell of the file is stored as it is: a number, or withheld when empty.
    for row in rows:
        for column, text in row.items():
            if column in ("regiocode", "regionaam", "soort_regio", "gemeentecode"):
                continue
            stored = value_of(column, row["regiocode"], 2023)
            if text == "":
                assert stored.withheld and stored.value is None
            else:
                assert stored.value == Decimal(text), (row["regiocode"], column)


def test_the_benchmark_holds_all_346_municipalities(cbs_values):
    with open(BENCHMARK_2022, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 346
    municipalities = IndicatorValue.objects.filter(
        period=2022, indicator__code="pct_hh_onder_of_rond_sociaal_minimum", area__level="gemeente"
    )
    assert municipalities.count() == 346
    assert value_of("pct_hh_onder_of_rond_sociaal_minimum", "GM0034", 2022).value == 6
    assert Area.objects.filter(level=AreaLevel.MUNICIPALITY, code="GM0034").exists()
    assert value_of("wmo_clienten_per_1000_inw", "GM0014", 2022).value == 67


def test_the_series_before_2019_belongs_to_the_old_municipality(cbs_values):
    old = value_of("gem_inkomen_per_inwoner_x1000eur", "GM0014", 2018)
    new = value_of("gem_inkomen_per_inwoner_x1000eur", "GM0014", 2019)
    assert old.area.valid_to == 2018
    assert new.area.valid_from == 2019
    assert old.area != new.area


def test_loading_the_cbs_values_twice_changes_nothing(cbs_values):
    values = list(IndicatorValue.objects.order_by("pk").values())
    imports = IndicatorValueImport.objects.count()
    out = io.StringIO()
    call_command("load_cbs_values", stdout=out)
    assert list(IndicatorValue.objects.order_by("pk").values()) == values
    assert IndicatorValueImport.objects.count() == imports
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 5
    assert all("nothing changed" in line for line in lines), lines


def test_what_the_source_did_not_supply_is_left_out_and_a_suppressed_cell_is_withheld(cbs_values):
    # The 2022 wijk file carries the poverty columns for the gemeente only: the wijken get no
    # value for them (not "secret"), while income per inhabitant, suppressed for two wijken
    # among the others' values, is withheld there.
    assert value_of("pct_hh_onder_of_rond_sociaal_minimum", "GM0014", 2022).value == 10
    assert not IndicatorValue.objects.filter(
        indicator__code="pct_hh_onder_of_rond_sociaal_minimum",
        area__code="WK001400",
        period=2022,
    ).exists()
    suppressed = value_of("gem_inkomen_per_inwoner_x1000eur", "WK001413", 2022)
    assert suppressed.withheld and suppressed.value is None
    assert value_of("gem_inkomen_per_inwoner_x1000eur", "WK001400", 2022).value == 24
