"""Bulk import of the register (services): reading CSV and XLSX, refusing bad files, checking every
row with the models' rules, matching on the pseudonym, and committing all rows or none."""

import io
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from freezegun import freeze_time

from interventions.catalogue.models import InterventionType
from interventions.exchange import bulk, workbooks, writing
from interventions.exchange.cells import CellReader
from interventions.exchange.models import ImportBatch, ImportBatchStatus
from interventions.exchange.problems import CellError, ImportFileError
from interventions.exchange.services import (
    import_batch_commit,
    import_batch_discard,
    import_batch_preview,
)
from interventions.register import services
from interventions.register.models import Household, Intervention
from interventions.register.pseudonyms import pseudonymise
from interventions.register.selectors import household_history
from siex.accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOUSEHOLD_HEADER = [
    "referentie",
    "wijk",
    "volwassenen",
    "kinderen",
    "inkomen_pct_sociaal_minimum",
    "inkomensbron",
    "schuldsituatie",
    "start_deelname",
    "einde_deelname",
    "grondslag",
]
INTERVENTION_HEADER = [
    "referentie",
    "interventie",
    "startdatum",
    "einddatum",
    "werkelijke_kosten",
    "reden_afwijking",
    "status",
    "notities",
]


def csv_bytes(rows, *, delimiter=";", bom=False, encoding="utf-8") -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" if bom else "").encode(encoding) + buffer.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def household_row(reference, area, **overrides):
    values = {
        "referentie": reference,
        "wijk": area,
        "volwassenen": "1",
        "kinderen": "0",
        "inkomen_pct_sociaal_minimum": "100",
        "inkomensbron": "bijstand",
        "schuldsituatie": "problematische schulden",
        "start_deelname": "01-01-2024",
        "einde_deelname": "",
        "grondslag": "wettelijke taak (Participatiewet, Wgs)",
        **overrides,
    }
    return [values[name] for name in HOUSEHOLD_HEADER]


def intervention_row(reference, intervention="budgetcoaching", **overrides):
    values = {
        "referentie": reference,
        "interventie": intervention,
        "startdatum": "01-02-2024",
        "einddatum": "",
        "werkelijke_kosten": "",
        "reden_afwijking": "",
        "status": "",
        "notities": "",
        **overrides,
    }
    return [values[name] for name in INTERVENTION_HEADER]


@pytest.fixture
def officer(user_for):
    return user_for(Role.POLICY_OFFICER)


@pytest.fixture
def register(groningen_areas, groningen_catalogue):
    return groningen_areas


def preview(data, officer, name="register.csv"):
    return import_batch_preview(data=data, file_name=name, user=officer)


def register_snapshot():
    return {
        "households": list(Household.objects.order_by("pk").values()),
        "interventions": list(Intervention.objects.order_by("pk").values()),
    }


# --- Reading cells --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("31-01-2025", "2025-01-31"),
        ("1-2-2025", "2025-02-01"),
        ("01/02/2025", "2025-02-01"),
        ("2025-02-01", "2025-02-01"),
        (" 2025-02-01 00:00:00 ", "2025-02-01"),
        (date(2025, 2, 1), "2025-02-01"),
        (datetime(2025, 2, 1, 0, 0), "2025-02-01"),
    ],
)
def test_dates_are_read_the_dutch_way_and_as_iso(db, cell, expected):
    assert CellReader().date(cell) == expected


@pytest.mark.parametrize(
    "cell, problem",
    [
        ("31-02-2025", "not an existing date"),
        ("2025/13/01", "is not a date"),
        ("1-2-25", "four digits"),
        ("morgen", "is not a date"),
    ],
)
def test_a_wrong_date_says_how_to_write_one(db, cell, problem):
    with pytest.raises(CellError, match=problem):
        CellReader().date(cell)


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("€ 1.250,00", "1250.00"),
        ("EUR 80", "80"),
        ("1,234.56", "1234.56"),
        ("1.234.567", "1234567"),
        ("12,5", "12.5"),
        ("98,5%", "98.5"),
        (1250.5, "1250.5"),
        (1250, "1250"),
        (Decimal("12.30"), "12.30"),
    ],
)
def test_amounts_with_a_decimal_comma_or_point(db, cell, expected):
    assert CellReader().number(cell) == expected


@pytest.mark.parametrize("cell", ["1.234", "1,234", "12.500"])
def test_an_amount_that_reads_two_ways_is_refused(db, cell):
    with pytest.raises(CellError, match="can be read in two ways"):
        CellReader().number(cell)


def test_not_a_number(db):
    with pytest.raises(CellError, match="is not a number"):
        CellReader().number("twaalf")


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("bijstand", "bijstand"),
        ("BIJSTAND", "bijstand"),
        ("Social assistance (bijstand)", "bijstand"),
        ("werk", "work"),
        ("other_benefit", "other_benefit"),
    ],
)
def test_income_source_by_dutch_label_english_label_or_code(db, cell, expected):
    from interventions.register.models import IncomeSource

    assert CellReader().choice(cell, IncomeSource) == expected


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("in een schuldregeling (GKB)", "gkb_arrangement"),
        ("IN EEN SCHULDREGELING (GKB)", "gkb_arrangement"),
        ("  Problematische schulden ", "problematic"),
        ("in a debt arrangement (GKB)", "gkb_arrangement"),
        ("None", "none"),
    ],
)
def test_debt_situation_by_dutch_label_english_label_or_code_in_any_case(db, cell, expected):
    from interventions.register.models import DebtSituation

    assert CellReader().choice(cell, DebtSituation) == expected


def test_a_wrong_choice_lists_the_dutch_labels_people_type(db):
    from django.utils import translation

    from interventions.register.models import DebtSituation

    with translation.override("nl"), pytest.raises(CellError) as error:
        CellReader().choice("heel veel", DebtSituation)
    assert str(error.value) == (
        "“heel veel” is geen van de mogelijke waarden. Kies uit: “geen problematische "
        "schulden”, “problematische schulden”, “in een schuldregeling (GKB)”."
    )
    with pytest.raises(CellError) as error:
        CellReader().choice("x", DebtSituation)  # the labels are Dutch in English too
    assert "Choose from: “geen problematische schulden”, “problematische" in str(error.value)


def test_districts_by_code_or_name_and_interventions_by_code_or_dutch_name(register):
    reader = CellReader()
    area = register[3]
    assert reader.district(area.code.lower()) == area.code
    assert reader.district(f"  {area.name.upper()} ") == area.code
    assert reader.intervention_type("Schuldregeling (GKB)") == "gkb-schuldregeling"
    assert reader.intervention_type("BUDGETCOACHING") == "budgetcoaching"
    with pytest.raises(CellError, match="is not a district"):
        reader.district("Atlantis")
    with pytest.raises(CellError, match="not an intervention in the catalogue"):
        reader.intervention_type("Paardrijden")


# --- Reading files --------------------------------------------------------------------------------


def test_a_semicolon_csv_with_bom_dutch_labels_and_white_space(register, officer):
    area = register[0]
    data = csv_bytes(
        [
            [f" {name.upper()} " for name in HOUSEHOLD_HEADER],
            household_row(" wij-001 ", f" {area.name} ", kinderen=" 2 ", inkomensbron=" Werk "),
            [""] * len(HOUSEHOLD_HEADER),  # an empty row is skipped
            household_row("WIJ-002", area.code, inkomen_pct_sociaal_minimum="98,5"),
        ],
        bom=True,
    )
    batch = preview(data, officer)
    assert batch.error_count == 0, batch.errors
    assert batch.counts["households"]["new"] == 2
    import_batch_commit(batch_id=batch.pk, user=officer)
    first = Household.objects.get(pseudonym=pseudonymise("WIJ-001"))
    assert (first.area, first.children, first.income_source) == (area, 2, "work")
    assert first.source == "import" and first.created_by == officer
    second = Household.objects.get(pseudonym=pseudonymise("WIJ-002"))
    assert second.income_pct_social_minimum == Decimal("98.5")
    assert second.legal_basis == "public_task"
    assert second.participation_start == date(2024, 1, 1)


def test_a_comma_csv_with_quoted_text(register, officer):
    area = register[0]
    services.household_create(
        external_reference="WIJ-010",
        area=area,
        income_source="bijstand",
        debt_situation="none",
        participation_start=date(2024, 1, 1),
        legal_basis="consent",
    )
    data = csv_bytes(
        [
            INTERVENTION_HEADER,
            intervention_row(
                "WIJ-010",
                werkelijke_kosten="1.000,00",
                reden_afwijking="Korter traject, gestopt na drie maanden",
                status="voortijdig gestopt",
                einddatum="2024-05-01",
                notities="Gesprek gehad; vervolg, over een maand",
            ),
        ],
        delimiter=",",
    )
    batch = preview(data, officer)
    assert batch.error_count == 0, batch.errors
    import_batch_commit(batch_id=batch.pk, user=officer)
    intervention = Intervention.objects.get()
    assert intervention.actual_cost == Decimal("1000.00")
    assert intervention.cost_deviation_reason == "Korter traject, gestopt na drie maanden"
    assert intervention.notes == "Gesprek gehad; vervolg, over een maand"
    assert intervention.status == "stopped"
    assert intervention.end_date == date(2024, 5, 1)


def test_a_workbook_with_households_and_their_interventions(register, officer):
    area = register[1]
    data = xlsx_bytes(
        {
            # The order of the sheets does not matter: households are imported first.
            "Interventies": [
                INTERVENTION_HEADER,
                ["WIJ-100", "budgetcoaching", date(2024, 3, 1), None, 1200, None, "actief", None],
                ["WIJ-100", "kindpakket", "15-03-2024", None, None, None, None, None],
            ],
            "Huishoudens": [
                HOUSEHOLD_HEADER,
                [
                    "WIJ-100",
                    area.code,
                    2,
                    3.0,
                    102.5,
                    "bijstand",
                    "geen problematische schulden",
                    datetime(2024, 2, 1),
                    None,
                    "toestemming van het huishouden",
                ],
            ],
            "Toelichting": [["Whatever is here is not imported"]],
        }
    )
    batch = preview(data, officer, "register.xlsx")
    assert batch.error_count == 0, batch.errors
    assert batch.kinds == ["households", "interventions"]
    assert batch.counts["households"]["new"] == 1
    assert batch.counts["interventions"]["new"] == 2
    import_batch_commit(batch_id=batch.pk, user=officer)
    household = Household.objects.get(pseudonym=pseudonymise("WIJ-100"))
    assert household.children == 3 and household.income_pct_social_minimum == Decimal("102.5")
    assert household.interventions.count() == 2
    assert set(household.interventions.values_list("created_by", flat=True)) == {officer.pk}


def test_a_workbook_of_ones_own_with_a_single_sheet_is_recognised_by_its_header(register, officer):
    data = xlsx_bytes({"Blad1": [HOUSEHOLD_HEADER, household_row("WIJ-200", register[0].code)]})
    batch = preview(data, officer, "mijn lijst.xlsx")
    assert batch.kinds == ["households"] and batch.error_count == 0


def test_an_optional_column_may_be_left_out_and_registered_values_are_kept(register, officer):
    household = services.household_create(
        external_reference="WIJ-300",
        area=register[0],
        income_source="bijstand",
        debt_situation="none",
        participation_start=date(2024, 1, 1),
        legal_basis="consent",
        children=2,
        income_pct_social_minimum=Decimal("100"),
    )
    header = [name for name in HOUSEHOLD_HEADER if name not in ("kinderen", "einde_deelname")]
    row = household_row("WIJ-300", register[0].code, schuldsituatie="none", grondslag="consent")
    row = [value for name, value in zip(HOUSEHOLD_HEADER, row, strict=True) if name in header]
    batch = preview(csv_bytes([header, row]), officer)
    assert batch.counts["households"]["unchanged"] == 1, batch.errors
    assert batch.counts["households"]["absent"] == ["kinderen", "einde_deelname"]
    household.refresh_from_db()
    assert household.children == 2


# --- Bad files: refused as a whole, nothing stored ------------------------------------------------


def assert_refused(data, officer, name, expected):
    before = register_snapshot()
    with pytest.raises(ImportFileError) as error:
        preview(data, officer, name)
    assert any(expected in message for message in error.value.messages), error.value.messages
    assert ImportBatch.objects.count() == 0
    assert register_snapshot() == before
    return error.value


def test_a_file_of_another_type_is_refused(register, officer):
    good = csv_bytes([HOUSEHOLD_HEADER, household_row("WIJ-1", register[0].code)])
    assert_refused(b"%PDF-1.7 ...", officer, "lijst.pdf", "Upload a CSV file (.csv) or an Excel")
    assert_refused(b"%PDF-1.7 ...", officer, "lijst.csv", "This is a PDF")
    assert_refused(good, officer, "lijst.xlsx", "is called .xlsx but is not an Excel workbook")
    xlsx = xlsx_bytes({"Huishoudens": [HOUSEHOLD_HEADER]})
    assert_refused(xlsx, officer, "lijst.csv", "is called .csv but is a workbook")
    old_excel = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert_refused(old_excel, officer, "lijst.xlsx", "old Excel file (.xls)")
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert_refused(buffer.getvalue(), officer, "brief.xlsx", "not an Excel workbook")


def test_a_file_in_another_encoding_is_refused(register, officer):
    rows = [HOUSEHOLD_HEADER, household_row("WIJ-1", "Hoogkerk en Zuidwending é")]
    assert_refused(csv_bytes(rows, encoding="cp1252"), officer, "lijst.csv", "not saved as UTF-8")
    utf16 = "\ufeff".encode("utf-16-le") + ";".join(HOUSEHOLD_HEADER).encode("utf-16-le")
    assert_refused(utf16, officer, "lijst.csv", "not saved as UTF-8")


@override_settings(SIEX_IMPORT_MAX_BYTES=100)
def test_a_file_over_the_size_limit_is_refused(register, officer):
    data = csv_bytes([HOUSEHOLD_HEADER] + [household_row(f"W-{i}", "x") for i in range(5)])
    assert_refused(data, officer, "lijst.csv", "larger than")


def test_an_empty_file_or_one_without_rows_is_refused(register, officer):
    assert_refused(b"", officer, "leeg.csv", "The file is empty")
    assert_refused(csv_bytes([HOUSEHOLD_HEADER]), officer, "kop.csv", "no rows to import")
    data = xlsx_bytes({"Huishoudens": [HOUSEHOLD_HEADER], "Interventies": [INTERVENTION_HEADER]})
    assert_refused(data, officer, "leeg.xlsx", "no rows to import")


def test_missing_and_unknown_columns_are_refused_by_name(register, officer):
    header = [name for name in HOUSEHOLD_HEADER if name != "grondslag"] + ["naam"]
    error = assert_refused(
        csv_bytes([header, ["WIJ-1", "x"]]), officer, "lijst.csv", "unknown column(s) naam"
    )
    assert any("required column(s) grondslag are missing" in m for m in error.messages)
    assert_refused(
        csv_bytes([["nummer", "omschrijving"], ["1", "x"]]),
        officer,
        "lijst.csv",
        "The first row must hold the column names",
    )


@override_settings(SIEX_IMPORT_MAX_ROWS=3)
def test_too_many_rows_are_refused(register, officer):
    rows = [household_row(f"WIJ-{i}", register[0].code) for i in range(4)]
    assert_refused(csv_bytes([HOUSEHOLD_HEADER, *rows]), officer, "lijst.csv", "more than 3 rows")


def test_a_workbook_that_unpacks_to_far_more_than_the_limit_is_refused(register, officer):
    data = xlsx_bytes({"Huishoudens": [HOUSEHOLD_HEADER] + [["x" * 50] * 10] * 200})
    with (
        override_settings(SIEX_IMPORT_MAX_BYTES=len(data) + 1),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(workbooks, "MAX_UNPACKED_FACTOR", 1)
        assert_refused(data, officer, "groot.xlsx", "too large once unpacked")


# --- Bad rows: every problem listed, nothing imported ---------------------------------------------


def test_one_bad_row_among_good_ones_imports_nothing_and_names_row_and_column(register, officer):
    area = register[0].code
    data = csv_bytes(
        [
            HOUSEHOLD_HEADER,
            household_row("WIJ-1", area),
            household_row("WIJ-2", area),
            household_row("WIJ-3", "Atlantis"),
            household_row("WIJ-4", area),
        ]
    )
    batch = preview(data, officer)
    assert batch.error_count == 1
    assert batch.errors == [
        {
            "kind": "households",
            "sheet": "register.csv",
            "row": 4,
            "column": "wijk",
            "message": batch.errors[0]["message"],
        }
    ]
    assert "“Atlantis” is not a district" in batch.errors[0]["message"]
    assert batch.rows == {} and not batch.can_be_committed
    with pytest.raises(ValidationError, match="The file has problems"):
        import_batch_commit(batch_id=batch.pk, user=officer)
    assert Household.objects.count() == 0


def test_the_models_rules_apply_with_their_own_messages(register, officer):
    area = register[0].code
    data = xlsx_bytes(
        {
            "Huishoudens": [
                HOUSEHOLD_HEADER,
                household_row("WIJ-1", area, start_deelname="01-03-2024"),
                household_row("WIJ-2", area, volwassenen="0"),
                household_row(
                    "WIJ-3", area, start_deelname="01-03-2024", einde_deelname="01-02-2024"
                ),
            ],
            "Interventies": [
                INTERVENTION_HEADER,
                # Before the participation of a household that is new in this same file.
                intervention_row("WIJ-1", startdatum="01-02-2024"),
                intervention_row("WIJ-1", "kindpakket", startdatum="01-04-2024", status="afgerond"),
                intervention_row(
                    "WIJ-1", "basisbaan", startdatum="01-04-2024", werkelijke_kosten="100"
                ),
                intervention_row(
                    "WIJ-1", "energiecoach", startdatum="01-05-2024", einddatum="01-04-2024"
                ),
            ],
        }
    )
    batch = preview(data, officer, "regels.xlsx")
    found = {(e["sheet"], e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "greater than or equal to 1" in found[("Huishoudens", 3, "volwassenen")]
    assert "lies before its start" in found[("Huishoudens", 4, "einde_deelname")]
    assert (
        "before the household's participation started" in found[("Interventies", 2, "startdatum")]
    )
    assert found[("Interventies", 3, "einddatum")] == "A completed intervention needs an end date."
    assert "differs more than 25%" in found[("Interventies", 4, "reden_afwijking")]
    assert "lies before the start date" in found[("Interventies", 5, "einddatum")]
    assert Household.objects.count() == Intervention.objects.count() == 0


def test_file_level_row_checks(register, officer):
    area = register[0].code
    InterventionType.objects.filter(code="energiecoach").update(is_active=False)
    data = xlsx_bytes(
        {
            "Huishoudens": [
                HOUSEHOLD_HEADER,
                household_row("WIJ-1", area),
                household_row("WIJ-2", area),
                household_row("wij-2", area),  # the same reference, written differently
                household_row("WIJ-9", "Atlantis"),
            ],
            "Interventies": [
                INTERVENTION_HEADER,
                intervention_row("WIJ-1"),
                intervention_row("WIJ-1"),
                intervention_row("ONBEKEND-1"),
                intervention_row("WIJ-9"),
                intervention_row("WIJ-1", "Paardrijden"),
                intervention_row("WIJ-1", "energiecoach"),
            ],
        }
    )
    batch = preview(data, officer, "bestand.xlsx")
    found = {(e["sheet"], e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "also on row 3" in found[("Huishoudens", 4, "referentie")]
    assert "same household, intervention and start date" in found[("Interventies", 3, "startdatum")]
    assert "There is no household with this reference" in found[("Interventies", 4, "referentie")]
    assert "has a problem; correct that row first" in found[("Interventies", 5, "referentie")]
    assert "not an intervention in the catalogue" in found[("Interventies", 6, "interventie")]
    assert "no longer in use" in found[("Interventies", 7, "interventie")]
    rows = [(e["sheet"], e["row"]) for e in batch.errors]
    assert rows == sorted(rows, key=lambda r: (r[0] != "Huishoudens", r[1]))


def test_a_bsn_as_reference_is_refused_and_never_stored(register, officer):
    bsn = "111222333"
    data = csv_bytes([HOUSEHOLD_HEADER, household_row(bsn, register[0].code)])
    batch = preview(data, officer)
    assert batch.errors[0]["column"] == "referentie"
    assert "citizen service number (BSN)" in batch.errors[0]["message"]
    stored = ImportBatch.objects.filter(pk=batch.pk).values().get()
    assert bsn not in json.dumps(stored, default=str)


def test_the_raw_reference_is_stored_nowhere(register, officer):
    reference = "WIJ-GEHEIM-4711"
    data = csv_bytes(
        [HOUSEHOLD_HEADER, household_row(reference, register[0].code, wijk="Atlantis")]
    )
    batch = preview(data, officer)  # with a problem, so the error is kept
    data = csv_bytes([HOUSEHOLD_HEADER, household_row(reference, register[0].code)])
    second = preview(data, officer)
    assert second.rows["households"][0][1] == pseudonymise(reference)  # kept until the commit
    import_batch_commit(batch_id=second.pk, user=officer)
    with connection.cursor() as cursor:
        for table in (ImportBatch._meta.db_table, Household._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            assert reference not in repr(cursor.fetchall()), table
    assert batch.error_count == 1


def test_all_problems_are_counted_and_the_first_500_kept(register, officer):
    rows = [household_row(f"WIJ-{i}", "Atlantis") for i in range(520)]
    batch = preview(csv_bytes([HOUSEHOLD_HEADER, *rows]), officer)
    assert batch.error_count == 520
    assert len(batch.errors) == 500


# --- Matching: the same file twice changes nothing ------------------------------------------------


def workbook(area, **changes):
    return xlsx_bytes(
        {
            "Huishoudens": [
                HOUSEHOLD_HEADER,
                household_row("WIJ-1", area),
                household_row("WIJ-2", area, kinderen=changes.get("children", "1")),
            ],
            "Interventies": [
                INTERVENTION_HEADER,
                intervention_row("WIJ-1", werkelijke_kosten=changes.get("cost", "1200")),
                intervention_row("WIJ-2", "kindpakket", notities="Eerste gesprek"),
            ],
        }
    )


def test_importing_the_same_file_twice_changes_nothing(register, officer):
    data = workbook(register[0].code)
    first = preview(data, officer, "a.xlsx")
    import_batch_commit(batch_id=first.pk, user=officer)
    before = register_snapshot()

    second = preview(data, officer, "a.xlsx")
    for kind in ("households", "interventions"):
        assert second.counts[kind]["new"] == second.counts[kind]["changed"] == 0
        assert second.counts[kind]["unchanged"] == 2
    committed = import_batch_commit(batch_id=second.pk, user=officer)
    assert committed.status == ImportBatchStatus.COMMITTED
    assert register_snapshot() == before  # not even a version or a time stamp


def test_a_changed_row_updates_the_registration_and_raises_its_version(register, officer):
    first = preview(workbook(register[0].code), officer, "a.xlsx")
    import_batch_commit(batch_id=first.pk, user=officer)
    other = UserFactory(username="tweede")
    from django.contrib.auth.models import Group

    other.groups.add(Group.objects.get(name=Role.POLICY_OFFICER))
    batch = preview(workbook(register[0].code, children="3", cost="1300"), other, "b.xlsx")
    assert batch.counts["households"] == {
        **batch.counts["households"],
        "new": 0,
        "changed": 1,
        "unchanged": 1,
    }
    assert batch.counts["interventions"]["changed"] == 1
    import_batch_commit(batch_id=batch.pk, user=other)
    household = Household.objects.get(pseudonym=pseudonymise("WIJ-2"))
    assert (household.children, household.version) == (3, 2)
    assert household.created_by == officer  # who registered it first stays
    intervention = Intervention.objects.get(actual_cost=Decimal("1300"))
    assert (intervention.version, intervention.updated_by, intervention.created_by) == (
        2,
        other,
        officer,
    )
    assert Intervention.objects.count() == 2


def test_a_changed_start_of_participation_after_an_intervention_is_refused(register, officer):
    first = preview(workbook(register[0].code), officer, "a.xlsx")
    import_batch_commit(batch_id=first.pk, user=officer)
    data = csv_bytes(
        [HOUSEHOLD_HEADER, household_row("WIJ-1", register[0].code, start_deelname="01-06-2024")]
    )
    batch = preview(data, officer)
    assert batch.errors[0]["column"] == "start_deelname"
    assert "has an intervention that starts on 2024-02-01" in batch.errors[0]["message"]


# --- Commit ---------------------------------------------------------------------------------------


def test_the_commit_is_atomic(register, officer, monkeypatch):
    batch = preview(workbook(register[0].code), officer, "a.xlsx")

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    # Households are written first; the interventions fail (bulk_create, or COPY on PostgreSQL).
    real_insert = writing.bulk_insert

    def insert(model, instances, now):
        if model is Intervention:
            broken()
        return real_insert(model, instances, now)

    monkeypatch.setattr(writing, "bulk_insert", insert)
    with pytest.raises(RuntimeError):
        import_batch_commit(batch_id=batch.pk, user=officer)
    assert Household.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.PREVIEWED and batch.rows
    monkeypatch.undo()
    import_batch_commit(batch_id=batch.pk, user=officer)
    assert Household.objects.count() == 2 and Intervention.objects.count() == 2


def test_a_stale_preview_is_checked_again_and_imports_nothing(register, officer):
    household = services.household_create(
        external_reference="WIJ-500",
        area=register[0],
        income_source="bijstand",
        debt_situation="none",
        participation_start=date(2024, 1, 1),
        legal_basis="consent",
    )
    data = csv_bytes(
        [
            INTERVENTION_HEADER,
            intervention_row("WIJ-500", startdatum="01-03-2024"),
            intervention_row("WIJ-500", "kindpakket", startdatum="01-03-2024"),
        ]
    )
    batch = preview(data, officer)
    assert batch.can_be_committed
    # Meanwhile a colleague corrects the start of participation.
    services.household_update(
        household=household, expected_version=1, participation_start=date(2024, 4, 1)
    )
    result = import_batch_commit(batch_id=batch.pk, user=officer)
    assert result.status == ImportBatchStatus.PREVIEWED
    assert result.error_count == 2 and not result.can_be_committed
    assert {e["row"] for e in result.errors} == {2, 3}
    assert Intervention.objects.count() == 0


def test_an_intervention_type_taken_out_of_the_catalogue_since_the_preview(register, officer):
    services.household_create(
        external_reference="WIJ-501",
        area=register[0],
        income_source="bijstand",
        debt_situation="none",
        participation_start=date(2024, 1, 1),
        legal_basis="consent",
    )
    batch = preview(csv_bytes([INTERVENTION_HEADER, intervention_row("WIJ-501")]), officer)
    InterventionType.objects.filter(code="budgetcoaching").update(is_active=False)
    result = import_batch_commit(batch_id=batch.pk, user=officer)
    assert "no longer in use" in result.errors[0]["message"]
    assert Intervention.objects.count() == 0


def test_a_batch_is_committed_once_only_by_its_own_officer_and_only_while_fresh(
    register, officer, user_for
):
    data = workbook(register[0].code)
    batch = preview(data, officer, "a.xlsx")
    colleague = UserFactory(username="collega")
    from django.contrib.auth.models import Group

    colleague.groups.add(Group.objects.get(name=Role.POLICY_OFFICER))
    with pytest.raises(ImportBatch.DoesNotExist):
        import_batch_commit(batch_id=batch.pk, user=colleague)
    with pytest.raises(PermissionDenied):
        import_batch_commit(batch_id=batch.pk, user=user_for(Role.PROJECT_LEAD))
    import_batch_commit(batch_id=batch.pk, user=officer)
    with pytest.raises(ValidationError, match="already been imported"):
        import_batch_commit(batch_id=batch.pk, user=officer)
    with pytest.raises(ImportBatch.DoesNotExist):
        import_batch_commit(batch_id=batch.pk + 1000, user=officer)

    old = preview(data, officer, "a.xlsx")
    with freeze_time(datetime.now() + timedelta(hours=25)):
        with pytest.raises(ValidationError, match="more than 24 hours old"):
            import_batch_commit(batch_id=old.pk, user=officer)
        # The next upload drops the rows of checks that can no longer be committed.
        preview(data, officer, "a.xlsx")
    old.refresh_from_db()
    assert old.status == ImportBatchStatus.DISCARDED and old.rows == {}


def test_the_committed_batch_is_the_record_of_the_import(register, officer):
    batch = preview(workbook(register[0].code), officer, "a.xlsx")
    batch = import_batch_commit(batch_id=batch.pk, user=officer)
    stored = ImportBatch.objects.get(pk=batch.pk)
    assert stored.uploaded_by == officer and stored.uploaded_by_username == officer.username
    assert stored.committed_at is not None and stored.rows == {}
    assert stored.counts["interventions"]["new"] == 2
    assert len(stored.file_sha256) == 64


def test_discard(register, officer):
    batch = preview(workbook(register[0].code), officer, "a.xlsx")
    import_batch_discard(batch_id=batch.pk, user=officer)
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.DISCARDED and batch.rows == {}
    with pytest.raises(ValidationError, match="discarded"):
        import_batch_commit(batch_id=batch.pk, user=officer)


def test_the_preview_and_commit_need_no_query_per_row(
    register, officer, django_assert_max_num_queries
):
    area = register[0].code
    households = [household_row(f"WIJ-{i}", area) for i in range(300)]
    interventions = [intervention_row(f"WIJ-{i}") for i in range(300)]
    data = xlsx_bytes(
        {
            "Huishoudens": [HOUSEHOLD_HEADER, *households],
            "Interventies": [INTERVENTION_HEADER, *interventions],
        }
    )
    with django_assert_max_num_queries(30):
        batch = preview(data, officer, "groot.xlsx")
    with django_assert_max_num_queries(40):
        import_batch_commit(batch_id=batch.pk, user=officer)
    assert Intervention.objects.count() == 300


def test_the_postgresql_copy_text_of_a_row():
    """On PostgreSQL new interventions are written with COPY; its text format is escaped here."""
    from interventions.exchange.bulk import copy_rows, copy_value

    assert copy_value(None) == "\\N"
    assert copy_value("tab\there, new\nline, back\\slash\r") == (
        "tab\\there, new\\nline, back\\\\slash\\r"
    )
    assert copy_value(Decimal("1E+3")) == "1000"
    assert copy_value(date(2024, 2, 1)) == "2024-02-01"
    assert copy_value(True) == "t"
    intervention = Intervention(
        household_id=7, intervention_type_id=3, start_date=date(2024, 2, 1), notes="a\tb"
    )
    fields = [Intervention._meta.get_field(n) for n in ("household", "start_date", "notes")]
    columns, buffer = copy_rows(Intervention, [intervention], fields)
    assert columns == ["household_id", "start_date", "notes"]
    assert buffer.read() == "7\t2024-02-01\ta\\tb\n"

    # A JSON field as JSON (the change history), and values every row shares written once.
    fields = [LogEntry._meta.get_field(n) for n in ("object_pk", "changes", "actor", "timestamp")]
    changes = {"notes": ["None", 'a\tb\n"c" \\ é']}
    rows = [{"object_pk": "1", "changes": changes}, {"object_pk": "2", "changes": None}]
    common = {"actor_id": 5, "timestamp": datetime(2025, 1, 31, 12, tzinfo=UTC)}
    columns, buffer = bulk.copy_values(rows, fields, common)
    assert columns == ["object_pk", "changes", "actor_id", "timestamp"]
    as_copy_text = json.dumps(changes).replace("\\", "\\\\")  # JSON escapes; COPY doubles "\"
    assert buffer.read() == (
        f"1\t{as_copy_text}\t5\t2025-01-31T12:00:00+00:00\n2\t\\N\t5\t2025-01-31T12:00:00+00:00\n"
    )


def test_a_damaged_workbook_is_refused(register, officer):
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"Huishoudens": [HOUSEHOLD_HEADER]})))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as damaged:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = content[: len(content) // 2]  # cut off half way
            damaged.writestr(item, content)
    assert_refused(buffer.getvalue(), officer, "kapot.xlsx", "cannot be read")


def test_a_reference_or_bsn_in_another_column_is_not_quoted_in_the_problems(register, officer):
    reference, bsn = "WIJ-GEHEIM-77", "111222333"
    data = csv_bytes(
        [
            HOUSEHOLD_HEADER,
            household_row(reference, reference, start_deelname=bsn),  # columns mixed up
        ]
    )
    batch = preview(data, officer)
    messages = " ".join(e["message"] for e in batch.errors)
    assert {e["column"] for e in batch.errors} == {"wijk", "start_deelname"}
    assert "[hidden]" in messages
    assert reference not in messages and bsn not in messages


# --- Change history (django-auditlog) -------------------------------------------------------------


def history(action=None) -> list[LogEntry]:
    """The change history of the register (the catalogue fixtures have their own)."""
    register_models = ContentType.objects.get_for_models(Household, Intervention).values()
    entries = LogEntry.objects.filter(content_type__in=list(register_models))
    entries = entries.select_related("content_type").order_by("pk")
    if action is not None:
        entries = entries.filter(action=action)
    return list(entries)


def by_record(entries) -> dict:
    return {(entry.content_type.model_class(), entry.object_id): entry for entry in entries}


def commit(data, user, name):
    return import_batch_commit(batch_id=preview(data, user, name).pk, user=user)


def test_a_new_import_writes_a_create_entry_per_record_with_the_officer_and_the_batch(
    register, officer
):
    batch = commit(workbook(register[0].code), officer, "a.xlsx")
    entries = history()
    assert {entry.action for entry in entries} == {LogEntry.Action.CREATE}
    records = by_record(entries)
    assert set(records) == {
        (model, pk)
        for model in (Household, Intervention)
        for pk in model.objects.values_list("pk", flat=True)
    }
    assert len(entries) == 4
    for entry in entries:
        assert entry.actor == officer
        assert entry.timestamp == batch.committed_at
        assert entry.additional_data == {"import_batch": {"id": batch.pk, "file_name": "a.xlsx"}}
        assert entry.object_pk == str(entry.object_id)
        assert not {"updated_at", "version"} & set(entry.changes)  # the registration's exclusions
    intervention = Intervention.objects.get(household__pseudonym=pseudonymise("WIJ-1"))
    entry = records[(Intervention, intervention.pk)]
    assert entry.object_repr == str(intervention)
    assert entry.changes == {
        "id": ["None", str(intervention.pk)],
        "household": ["None", str(intervention.household_id)],
        "intervention_type": ["None", str(intervention.intervention_type_id)],
        "start_date": ["None", "2024-02-01"],
        "actual_cost": ["None", "1200.00"],  # as the register stores it, as a form writes it
        "cost_deviation_reason": ["None", ""],
        "status": ["None", "active"],
        "notes": ["None", ""],
        "source": ["None", "import"],
        "created_by": ["None", str(officer.pk)],
        "updated_by": ["None", str(officer.pk)],
        "created_at": ["None", str(intervention.created_at.astimezone(UTC).replace(tzinfo=None))],
    }

    # The same records entered through the services (the forms) get the same entries from
    # django-auditlog itself: the same fields, the same notation.
    household = Household.objects.get(pseudonym=pseudonymise("WIJ-1"))
    own = services.household_create(
        external_reference="WIJ-FORM",
        area=register[0],
        income_source="bijstand",
        debt_situation="problematic",
        participation_start=date(2024, 1, 1),
        legal_basis="public_task",
        income_pct_social_minimum=Decimal("100"),
        source="import",
        created_by=officer,
    )
    own_intervention = services.intervention_create(
        household=own,
        intervention_type=intervention.intervention_type,
        start_date=date(2024, 2, 1),
        actual_cost=Decimal("1200"),
        source="import",
        created_by=officer,
    )
    for imported, by_form, expected in (
        (records[(Household, household.pk)], own, {"id", "pseudonym", "created_at"}),
        (entry, own_intervention, {"id", "household", "created_at"}),
    ):
        logged = LogEntry.objects.get_for_object(by_form).get().changes
        assert set(logged) == set(imported.changes)
        assert {name for name in logged if logged[name] != imported.changes[name]} == expected


def test_a_changed_row_writes_an_update_entry_with_only_the_changed_field(register, officer):
    commit(workbook(register[0].code), officer, "a.xlsx")
    created = history()
    batch = commit(workbook(register[0].code, children="3", cost="1300"), officer, "b.xlsx")
    updates = history(LogEntry.Action.UPDATE)
    assert len(history()) == len(created) + len(updates) == 6  # the unchanged rows: no entry
    household = Household.objects.get(pseudonym=pseudonymise("WIJ-2"))
    intervention = Intervention.objects.get(household__pseudonym=pseudonymise("WIJ-1"))
    records = by_record(updates)
    assert set(records) == {(Household, household.pk), (Intervention, intervention.pk)}
    # Not the version nor the time stamp (excluded), nor who changed it last (the same officer).
    assert records[(Household, household.pk)].changes == {"children": ["1", "3"]}
    assert records[(Intervention, intervention.pk)].changes == {
        "actual_cost": ["1200.00", "1300.00"]
    }
    for entry in updates:
        assert (entry.actor, entry.timestamp) == (officer, batch.committed_at)
        assert entry.additional_data == {"import_batch": {"id": batch.pk, "file_name": "b.xlsx"}}

    # Another officer's import changes "last changed by" too, as an edit on the page does.
    other = UserFactory(username="tweede")
    from django.contrib.auth.models import Group

    other.groups.add(Group.objects.get(name=Role.POLICY_OFFICER))
    commit(workbook(register[0].code, children="3", cost="1400"), other, "c.xlsx")
    entry = history(LogEntry.Action.UPDATE)[-1]
    assert (entry.actor, entry.object_id) == (other, intervention.pk)
    assert entry.changes == {
        "actual_cost": ["1300.00", "1400.00"],
        "updated_by": [str(officer.pk), str(other.pk)],
    }


def test_importing_the_same_file_twice_writes_no_entry_the_second_time(register, officer):
    data = workbook(register[0].code)
    commit(data, officer, "a.xlsx")
    before = history()
    assert len(before) == 4
    commit(data, officer, "a.xlsx")
    assert history() == before


@pytest.mark.parametrize("where", ["interventions", "after the change history"])
def test_a_failing_import_writes_no_entry(register, officer, monkeypatch, where):
    batch = preview(workbook(register[0].code), officer, "a.xlsx")
    real_insert, real_history = writing.bulk_insert, writing.change_history_write

    def insert(model, instances, now):
        if model is Intervention:
            raise RuntimeError("the disk is full")
        return real_insert(model, instances, now)

    def history_then_fail(plan, **kwargs):
        real_history(plan, **kwargs)
        assert len(history()) == 4  # written, in the import's transaction
        raise RuntimeError("the disk is full")

    if where == "interventions":
        monkeypatch.setattr(writing, "bulk_insert", insert)
    else:
        monkeypatch.setattr(writing, "change_history_write", history_then_fail)
    with pytest.raises(RuntimeError):
        import_batch_commit(batch_id=batch.pk, user=officer)
    assert history() == []
    assert Household.objects.count() == Intervention.objects.count() == 0
    monkeypatch.undo()
    import_batch_commit(batch_id=batch.pk, user=officer)
    assert len(history()) == 4


def test_the_household_page_shows_the_imported_changes(register, officer):
    commit(workbook(register[0].code), officer, "a.xlsx")
    commit(workbook(register[0].code, children="3"), officer, "b.xlsx")
    household = Household.objects.get(pseudonym=pseudonymise("WIJ-2"))
    shown = household_history(household, list(household.interventions.all()))
    # Newest first: the change, then both records of the first import (one time stamp).
    assert [(row["action"], row["is_household"]) for row in shown[:1]] == [("changed", True)]
    assert sorted((row["action"], row["is_household"]) for row in shown[1:]) == [
        ("created", False),
        ("created", True),
    ]
    latest = shown[0]
    assert latest["actor"] == officer.username
    assert latest["changes"] == [{"field": "children", "old": "1", "new": "3"}]
    created = next(row for row in shown if row["action"] == "created" and row["is_household"])
    assert {"field": "children", "old": "—", "new": "1"} in created["changes"]


def test_text_with_quotes_backslashes_tabs_and_line_breaks_reaches_the_history_intact(
    register, officer
):
    notes = 'Zei "prima"; map C:\\dossiers\\2024\tklaar\nVolgende keer: € 50, café'
    commit(
        csv_bytes([HOUSEHOLD_HEADER, household_row("WIJ-1", register[0].code)]), officer, "a.csv"
    )
    commit(
        csv_bytes([INTERVENTION_HEADER, intervention_row("WIJ-1", notities=notes)]),
        officer,
        "b.csv",
    )
    intervention = Intervention.objects.get()
    assert intervention.notes == notes
    entry = by_record(history())[(Intervention, intervention.pk)]
    assert entry.changes["notes"] == ["None", notes]
    changed = notes.replace("prima", "goed")
    commit(
        csv_bytes([INTERVENTION_HEADER, intervention_row("WIJ-1", notities=changed)]),
        officer,
        "c.csv",
    )
    assert history(LogEntry.Action.UPDATE)[-1].changes == {"notes": [notes, changed]}


def test_a_commit_on_the_page_records_the_clients_address_as_an_edit_does(register, officer):
    client = Client()
    client.force_login(officer)
    batch = preview(workbook(register[0].code), officer, "a.xlsx")
    client.post(reverse("imports:commit", kwargs={"pk": batch.pk}))
    assert {(e.actor, e.remote_addr) for e in history()} == {(officer, "127.0.0.1")}
    # Outside a request (a script) there is no address, not the one of an earlier request.
    commit(
        csv_bytes([HOUSEHOLD_HEADER, household_row("WIJ-3", register[0].code)]), officer, "b.csv"
    )
    assert history()[-1].remote_addr is None
