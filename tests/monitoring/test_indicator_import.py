"""The import of indicator values: everything checked first, every problem named by row and
column in Dutch, nothing stored when anything is wrong; withheld values never 0; idempotent."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from monitoring.indicators.importing import indicator_values_check, indicator_values_commit
from monitoring.indicators.models import IndicatorValue, IndicatorValueImport
from monitoring.models import Area

pytestmark = pytest.mark.django_db

LONG_HEADER = "gebied;jaar;indicator;waarde"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def check(data: bytes, name: str = "waarden.csv", **options):
    with translation.override("nl"):
        return indicator_values_check(data=data, file_name=name, **options)


@pytest.fixture
def groningen(indicators):
    # GM0014 in its current form exists from 2019 (the merger with Haren and Ten Boer).
    Area.objects.filter(code="GM0014").update(valid_from=2019)


def test_a_long_file_is_imported_with_its_withheld_values(groningen):
    report = check(
        csv_bytes(
            LONG_HEADER,
            "GM0014;2023;pct_hh_onder_of_rond_sociaal_minimum;10,1",
            "WK001400;2023;pct_hh_onder_of_rond_sociaal_minimum;.",
            "WK001401;2023;pct_hh_onder_of_rond_sociaal_minimum;",
            "WK001402;2023;pct_hh_onder_of_rond_sociaal_minimum;-99999999",
            "WK001403;2023;wmo_clienten_aantal;-99995",
        )
    )
    assert report.ok, report.messages()
    assert (report.created, report.withheld) == (5, 4)
    result = indicator_values_commit(report=report)
    assert result.created == 5
    assert IndicatorValue.objects.get(area__code="GM0014").value == Decimal("10.1")
    withheld = IndicatorValue.objects.filter(withheld=True)
    assert withheld.count() == 4
    # Never stored, shown or summed as 0.
    assert not withheld.filter(value__isnull=False).exists()
    assert result.batch.withheld == 4 and result.batch.rows == 5


def test_the_same_file_twice_changes_nothing_and_says_so(groningen):
    data = csv_bytes(LONG_HEADER, "GM0014;2023;wmo_clienten_per_1000_inw;66")
    first = indicator_values_commit(report=check(data))
    assert first.changed and first.batch is not None
    values = list(IndicatorValue.objects.values())
    second_check = check(data)
    assert (second_check.created, second_check.updated, second_check.unchanged) == (0, 0, 1)
    second = indicator_values_commit(report=second_check)
    assert not second.changed and second.batch is None
    assert list(IndicatorValue.objects.values()) == values
    assert IndicatorValueImport.objects.count() == 1
    # A changed value is an update, recorded on a new import.
    changed = indicator_values_commit(
        report=check(csv_bytes(LONG_HEADER, "GM0014;2023;wmo_clienten_per_1000_inw;67"))
    )
    assert (changed.created, changed.updated) == (0, 1)
    assert IndicatorValue.objects.get().batch == changed.batch


@pytest.mark.parametrize(
    ("line", "row", "column", "words"),
    [
        ("GM9999;2023;wmo_clienten_aantal;10", 2, "gebied", "geen bekend gebied"),
        ("GM0014;2023;armoede_xyz;10", 2, "indicator", "geen bekende indicatorcode"),
        ("GM0014;2023;pct_jongeren_met_jeugdzorg;140", 2, "waarde", "tussen 0 en 100"),
        ("GM0014;2023;wmo_clienten_aantal;-5", 2, "waarde", "niet onder 0"),
        ("GM0014;2023;wmo_clienten_aantal;12,5", 2, "waarde", "geheel getal"),
        ("GM0014;2023;wmo_clienten_per_1000_inw;1200", 2, "waarde", "tussen 0 en 1000"),
        ("GM0014;2023;wmo_clienten_aantal;veel", 2, "waarde", "geen getal"),
        ("GM0014;twintig;wmo_clienten_aantal;10", 2, "jaar", "geen geheel getal"),
        ("GM0014;2018;wmo_clienten_aantal;10", 2, "gebied", "pas vanaf 2019"),
    ],
)
def test_each_kind_of_bad_row_is_refused_in_dutch_naming_row_and_column(
    groningen, line, row, column, words
):
    report = check(csv_bytes(LONG_HEADER, line))
    assert not report.ok
    message = report.messages()[0]
    assert message.startswith(f"Rij {row}, kolom “{column}”: "), message
    assert words in message, message
    with pytest.raises(ValidationError):
        indicator_values_commit(report=report)
    assert not IndicatorValue.objects.exists()
    assert not IndicatorValueImport.objects.exists()


def test_a_duplicate_row_is_refused_and_one_bad_row_stores_nothing(groningen):
    report = check(
        csv_bytes(
            LONG_HEADER,
            "GM0014;2023;wmo_clienten_aantal;10",
            "WK001400;2023;wmo_clienten_aantal;5",
            "gm0014;2023;wmo_clienten_aantal;10",
        )
    )
    assert report.messages() == [
        "Rij 4, kolom “waarde”: Deze waarde staat twee keer in het bestand: rij 2 heeft dezelfde "
        "indicator, hetzelfde gebied en dezelfde periode."
    ]
    with pytest.raises(ValidationError):
        indicator_values_commit(report=report)
    assert not IndicatorValue.objects.exists()


def test_a_wide_file_names_an_unknown_indicator_column(groningen):
    report = check(
        csv_bytes("regiocode;regionaam;aantal_inwoners;armoede_xyz", "GM0014;Groningen;1;2"),
        period=2023,
    )
    assert report.messages() == [
        "Rij 1, kolom “armoede_xyz”: “armoede_xyz” is geen bekende indicatorcode."
    ]


def test_a_wide_file_without_a_period_is_refused_as_a_whole(groningen):
    with pytest.raises(ValidationError) as refused, translation.override("nl"):
        indicator_values_check(
            data=csv_bytes("regiocode;aantal_inwoners", "GM0014;1"), file_name="k.csv"
        )
    assert "periode" in " ".join(refused.value.messages)


def test_a_wide_workbook_and_the_municipality_s_registration_by_wijk_name(groningen):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["regiocode", "regionaam", "personen_met_bijstand_aantal", "wmo_clienten_aantal"])
    sheet.append(["WK001400", "Centrum", 770, None])
    sheet.append(["WK001401", "Oud-West", 440.0, 355])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = check(buffer.getvalue(), "kerncijfers.xlsx", period=2023)
    assert report.ok, report.messages()
    indicator_values_commit(report=report)
    assert IndicatorValue.objects.get(area__code="WK001401", indicator__code="wmo_clienten_aantal")
    centrum = IndicatorValue.objects.get(
        area__code="WK001400", indicator__code="wmo_clienten_aantal"
    )
    assert centrum.withheld and centrum.value is None
    # The municipality's own counts per wijk: long, the wijk by its name, provisional.
    registration = check(
        csv_bytes(
            "wijk;jaar;indicator;aantal;status",
            "Centrum;2024;hh_in_schuldregeling_gkb_aantal;85;voorlopig",
        ),
        "gkb.csv",
    )
    assert registration.ok, registration.messages()
    indicator_values_commit(report=registration)
    gkb = IndicatorValue.objects.get(indicator__code="hh_in_schuldregeling_gkb_aantal")
    assert (gkb.area.code, gkb.value, gkb.status) == ("WK001400", 85, "provisional")


def test_the_command_checks_imports_and_refuses(groningen, tmp_path):
    good = tmp_path / "goed.csv"
    good.write_bytes(csv_bytes(LONG_HEADER, "GM0014;2023;wmo_clienten_aantal;15790"))
    out = io.StringIO()
    call_command("import_indicator_values", str(good), stdout=out)
    assert out.getvalue().strip() == "1 new, 0 changed, 0 unchanged (0 withheld)."
    out = io.StringIO()
    call_command("import_indicator_values", str(good), stdout=out)
    assert out.getvalue().strip() == "Nothing changed (1 unchanged)."
    bad = tmp_path / "fout.csv"
    bad.write_bytes(csv_bytes(LONG_HEADER, "GM0014;2023;wmo_clienten_aantal;-1"))
    with pytest.raises(CommandError, match="Row 2, column “waarde”"):
        call_command("import_indicator_values", str(bad), stdout=io.StringIO())
