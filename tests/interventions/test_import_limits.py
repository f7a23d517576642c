"""Bounded spreadsheets: the register import refuses a sheet with more rows or columns than
SIEX_IMPORT_MAX_ROWS / SIEX_IMPORT_MAX_COLUMNS, from its declared size or as soon as reading passes
a limit (never after reading millions of rows), and a workbook that unpacks to far more than a
register can be, before it is parsed. Empty rows at the end do not count."""

import io
import re
import zipfile

import pytest
from django.test import override_settings

from interventions.exchange.models import ImportBatch
from interventions.exchange.problems import ImportFileError
from interventions.exchange.services import import_batch_preview
from siex.accounts.roles import Role
from tests.interventions.import_files import (
    HOUSEHOLD_HEADER,
    csv_bytes,
    household_row,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.fixture
def officer(user_for):
    return user_for(Role.POLICY_OFFICER)


@pytest.fixture
def register(groningen_areas, groningen_catalogue):
    return groningen_areas


def refused(data: bytes, officer, name: str = "groot.xlsx") -> str:
    stored = ImportBatch.objects.count()
    with pytest.raises(ImportFileError) as error:
        import_batch_preview(data=data, file_name=name, user=officer)
    assert ImportBatch.objects.count() == stored
    return " ".join(error.value.messages)


def accepted(data: bytes, officer, name: str = "lijst.xlsx") -> ImportBatch:
    batch = import_batch_preview(data=data, file_name=name, user=officer)
    assert batch.error_count == 0, batch.errors
    return batch


def with_sheet_xml(workbook: bytes, write) -> bytes:
    """``workbook`` with the XML of its first sheet replaced by what ``write(stream)`` writes."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w", force_zip64=True) as stream:
                    write(stream)
            else:
                target.writestr(item, source.read(item.filename))
    return buffer.getvalue()


def header_xml() -> bytes:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(HOUSEHOLD_HEADER)
    )
    return f'<row r="1">{cells}</row>'.encode()


def one_sheet(rows: list) -> bytes:
    return xlsx_bytes({"Huishoudens": [HOUSEHOLD_HEADER, *rows]})


# --- Declared size and unpacked size: refused before a row is read --------------------------------


def test_a_workbook_of_eight_million_rows_is_refused_before_it_is_parsed(register, officer):
    """The file of the incident: 8.4 million one-cell rows, about a megabyte zipped."""
    row = b"<row><c><v>1</v></c></row>"

    def write(stream):
        stream.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode() + header_xml())
        block = row * 100_000
        for _ in range(84):
            stream.write(block)
        stream.write(b"</sheetData></worksheet>")

    data = with_sheet_xml(one_sheet([]), write)
    assert len(data) < 3 * 1024 * 1024
    assert "too large once unpacked" in refused(data, officer)


def declaring(workbook: bytes, ref: str) -> bytes:
    """``workbook`` with the size its first sheet declares (its used range) changed to ``ref``."""
    xml = zipfile.ZipFile(io.BytesIO(workbook)).read("xl/worksheets/sheet1.xml")
    declared = re.sub(rb'<dimension ref="[^"]+"\s*/>', f'<dimension ref="{ref}"/>'.encode(), xml)
    assert declared != xml
    return with_sheet_xml(workbook, lambda stream: stream.write(declared))


def test_a_sheet_that_declares_millions_of_rows_is_refused_by_its_declaration(register, officer):
    data = declaring(one_sheet([household_row("WIJ-1", register[0].code)]), "A1:J8400000")
    message = refused(data, officer)
    assert "Huishoudens holds 8.399.999 rows below the column names, according to" in message
    assert "at most 200.000 are read" in message


def test_a_sheet_that_declares_too_many_columns_is_refused(register, officer):
    data = declaring(one_sheet([household_row("WIJ-1", register[0].code)]), "A1:XFD2")
    assert "Huishoudens has values in more than 50 columns" in refused(data, officer)


@override_settings(SIEX_IMPORT_MAX_ROWS=10)
def test_a_sheet_that_unpacks_to_more_than_its_rows_can_take_is_refused(register, officer):
    notes = [household_row(f"WIJ-{i}", register[0].code, einde_deelname="") for i in range(3)]
    padding = "x" * 30_000  # 3 rows hold 90 kB: more than 11 rows x 1 kB + 64 kB
    data = one_sheet([[*row[:-1], row[-1] + " " + padding + str(i)] for i, row in enumerate(notes)])
    assert "too large once unpacked" in refused(data, officer)


# --- Content: reading stops at the first value past a limit ---------------------------------------


def test_a_row_far_below_the_others_is_refused_without_reading_the_rows_between(register, officer):
    """openpyxl's read-only sheet would yield eight million empty rows in between."""
    row = household_row("WIJ-1", register[0].code)
    cells = "".join(
        f'<c r="{chr(65 + i)}8000000" t="inlineStr"><is><t>{value}</t></is></c>'
        for i, value in enumerate(row)
    )

    def write(stream):
        stream.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode() + header_xml())
        stream.write(f'<row r="8000000">{cells}</row></sheetData></worksheet>'.encode())

    message = refused(with_sheet_xml(one_sheet([]), write), officer)
    assert "Huishoudens has more than 200.000 rows below the column names" in message


def test_a_value_far_to_the_right_is_refused(register, officer):
    def write(stream):
        stream.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode() + header_xml())
        stream.write(b'<row r="2"><c r="XFD2"><v>1</v></c></row></sheetData></worksheet>')

    message = refused(with_sheet_xml(one_sheet([]), write), officer)
    assert "Huishoudens has values in more than 50 columns" in message


@override_settings(SIEX_IMPORT_MAX_ROWS=3, SIEX_IMPORT_MAX_COLUMNS=12)
def test_the_limits_are_settings_and_empty_rows_at_the_end_do_not_count(register, officer):
    area = register[0].code
    three = [household_row(f"WIJ-{i}", area) for i in range(3)]
    # A workbook written without a declared size (as openpyxl's write-only mode writes it).
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Huishoudens")
    for row in [HOUSEHOLD_HEADER, *three, *[[None] * 10] * 5, *[[""] * 10] * 5]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert accepted(buffer.getvalue(), officer).counts["households"]["new"] == 3
    empty_rows = [[""] * 10] * 1000
    assert accepted(csv_bytes([HOUSEHOLD_HEADER, *three, *empty_rows]), officer, "l.csv")
    four = [*three, household_row("WIJ-9", area)]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Huishoudens")
    for row in [HOUSEHOLD_HEADER, *four]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "more than 3 rows below the column names" in refused(buffer.getvalue(), officer)
    assert "holds 4 rows below the column names" in refused(one_sheet(four), officer)
    assert "more than 3 rows" in refused(csv_bytes([HOUSEHOLD_HEADER, *four]), officer, "l.csv")
    # Rows in between that are empty count: they are rows of the sheet.
    spaced = [three[0], [""] * 10, [""] * 10, three[1]]
    assert "more than 3 rows" in refused(csv_bytes([HOUSEHOLD_HEADER, *spaced]), officer, "l.csv")
    wide = [[*HOUSEHOLD_HEADER, "", "", "x"], *three]
    assert "values in more than 12 columns" in refused(csv_bytes(wide), officer, "l.csv")
    assert "values in more than 12 columns" in refused(
        one_sheet([[*three[0], "", "", "x"]]), officer
    )
    # Empty cells to the right of the data do not count either.
    assert accepted(csv_bytes([[*HOUSEHOLD_HEADER, "", "", ""], *three]), officer, "l.csv")
