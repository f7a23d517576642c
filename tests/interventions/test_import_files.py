"""The register import reads CSV files and workbooks as officers save them, and refuses a file it
cannot read as a whole (type, encoding, size, columns) before anything is stored."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from interventions.exchange.services import (
    import_batch_commit,
)
from interventions.register import services
from interventions.register.models import Household, Intervention
from interventions.register.pseudonyms import pseudonymise
from siex.accounts.roles import Role
from siex.core.tabular import workbook as workbooks
from tests.interventions.import_files import (
    HOUSEHOLD_HEADER,
    INTERVENTION_HEADER,
    assert_refused,
    csv_bytes,
    household_row,
    intervention_row,
    preview,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(user_for):
    return user_for(Role.POLICY_OFFICER)


@pytest.fixture
def register(groningen_areas, groningen_catalogue):
    return groningen_areas


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
