"""Indicators: loaded from data (idempotently), versioned definitions with a break in the series,
context notes, area versions and the crosswalk between divisions."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from monitoring.indicators.importing import indicator_values_check, indicator_values_commit
from monitoring.indicators.models import ContextNote, Indicator, IndicatorValue, Theme
from monitoring.indicators.selectors import context_notes_for, indicator_series
from monitoring.models import Area, AreaCrosswalk, AreaLevel

pytestmark = pytest.mark.django_db

NAMED = [
    "pct_hh_tot_120_sociaal_minimum",
    "pct_hh_onder_of_rond_sociaal_minimum",
    "hh_in_schuldregeling_gkb_aantal",
    "wmo_clienten_aantal",
    "pct_jongeren_met_jeugdzorg",
    "personen_met_bijstand_aantal",
    "pct_eenzaam",
    "pct_voldoende_sociale_contacten",
    "pct_ervaren_gezondheid_goed",
    "moeite_rondkomen_inwoners",
    "pct_leerlingen_verhoogd_risico_onderwijsachterstand",
    "netto_arbeidsparticipatie_pct",
    "gem_gestandaardiseerd_inkomen_hh_x1000eur",
    "gem_woz_waarde_x1000eur",
    "pct_huurwoningen_corporatie",
]


def test_the_indicators_the_municipality_named_are_loaded_once(indicators):
    assert set(NAMED) <= set(Indicator.objects.values_list("code", flat=True))
    poverty = Indicator.objects.get(code="pct_hh_tot_120_sociaal_minimum")
    assert poverty.theme == Theme.POVERTY and poverty.direction == "higher_worse"
    assert "120 procent van het sociaal minimum" in poverty.definition  # from CBS's dictionary
    assert "hh_tot_120_soc_min" in poverty.aliases
    assert ContextNote.objects.filter(key="corona-2020-2021", period_to=2021).exists()
    out = io.StringIO()
    call_command("load_indicators", stdout=out)
    assert out.getvalue().splitlines() == [
        f"Indicators: nothing changed ({Indicator.objects.count()} unchanged).",
        "Context notes: nothing changed (3 unchanged).",
    ]


def test_a_changed_definition_is_a_new_version_and_the_series_breaks(indicators):
    first = Indicator.objects.get(code="pct_eenzaam")
    Indicator.objects.create(
        code="pct_eenzaam",
        version=2,
        valid_from=2022,
        label_nl=first.label_nl,
        label_en=first.label_en,
        unit=first.unit,
        direction=first.direction,
        theme=first.theme,
        definition="Nieuwe vraagstelling in de Enquête Leefbaarheid 2022.",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(code="pct_eenzaam", version=2, valid_from=2024, unit="count")
    data = (
        b"gebied;jaar;indicator;waarde\n"
        b"GM0014;2018;pct_eenzaam;11\nGM0014;2020;pct_eenzaam;12\nGM0014;2022;pct_eenzaam;14\n"
    )
    Area.objects.filter(code="GM0014").update(valid_from=None)
    indicator_values_commit(report=indicator_values_check(data=data, file_name="e.csv"))
    versions = dict(
        IndicatorValue.objects.values_list("period", "indicator__version").order_by("period")
    )
    assert versions == {2018: 1, 2020: 1, 2022: 2}
    series = indicator_series(code="pct_eenzaam", area_code="GM0014")
    assert [(p.period, p.value, p.break_before) for p in series] == [
        (2018, Decimal(11), False),
        (2020, Decimal(12), False),
        (2022, Decimal(14), True),
    ]


def test_an_area_version_before_a_merger_breaks_the_series(cbs_values):
    series = indicator_series(code="gem_inkomen_per_inwoner_x1000eur", area_code="GM0014")
    periods = [p.period for p in series]
    assert periods == [2012, 2017, 2018, 2019, 2022, 2023]
    assert [p.period for p in series if p.break_before] == [2019]
    merger = context_notes_for(area_code="GM0014", period_from=2019, period_to=2019)
    assert [note.key for note in merger] == ["herindeling-2019"]


def test_a_withheld_value_is_never_a_number():
    with pytest.raises(IntegrityError), transaction.atomic():
        indicator = Indicator.objects.create(
            code="x", label_nl="x", label_en="x", unit="count", direction="neutral", theme="care"
        )
        area = Area.objects.create(code="GM0014", name="Groningen", level="gemeente", year=2024)
        IndicatorValue.objects.create(
            indicator=indicator, area=area, period=2023, value=0, withheld=True
        )


def test_the_country_holds_benchmark_values_and_a_municipality_its_own_division(groningen_areas):
    country = Area(code="NL01", name="Nederland", level=AreaLevel.COUNTRY, year=2024)
    country.full_clean()
    country.save()
    with pytest.raises(ValidationError):
        Area(code="NL1", name="x", level=AreaLevel.COUNTRY, year=2024).full_clean()
    # The municipality's own division (Kompas van Groningen) beside the CBS one: own codes.
    borough = Area(code="CENTRUM", name="Stadsdeel Centrum", level="stadsdeel", year=2024)
    borough.division = "kompas"
    borough.full_clean()
    borough.save()
    own = Area.objects.create(
        code="K01", name="Binnenstad", level="wijk", year=2024, division="kompas", parent=borough
    )
    other = Area.objects.create(
        code="K02", name="Schildersbuurt", level="wijk", year=2024, division="kompas"
    )
    cbs_centrum = Area.objects.get(code="WK001400", year=2024)
    AreaCrosswalk.objects.create(from_area=cbs_centrum, to_area=own, share=Decimal("0.6"))
    AreaCrosswalk.objects.create(
        from_area=cbs_centrum, to_area=other, share=Decimal("0.4"), note="naar inwoners"
    )
    shares = cbs_centrum.crosswalk_out.values_list("to_area__code", "share").order_by("to_area")
    assert list(shares) == [("K01", Decimal("0.6000")), ("K02", Decimal("0.4000"))]
    assert sum(share for _, share in shares) == 1
    with pytest.raises(ValidationError):
        AreaCrosswalk(from_area=cbs_centrum, to_area=own, share=Decimal("1.5")).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaCrosswalk.objects.create(from_area=own, to_area=own, share=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaCrosswalk.objects.create(from_area=other, to_area=own, share=2)
