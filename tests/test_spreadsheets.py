"""The one spreadsheet writer (siex.core.spreadsheets) and every download written with it: formulas
are neutralised and control characters left out, so text stored before control characters were
refused (or written around the checks) cannot break an export for anyone."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from interventions.catalogue.models import InterventionType, OutcomeValue
from interventions.register.models import Intervention
from monitoring.models import Area
from siex.accounts.roles import Role
from siex.audit.models import AccessLogEntry
from siex.core.spreadsheets import (
    csv_stream,
    csv_text,
    neutralised,
    sheet_title,
    xlsx_append,
    xlsx_bytes,
    xlsx_cell,
    xlsx_sheet,
    xlsx_workbook,
)
from tests.factories import (
    HouseholdFactory,
    InterventionFactory,
    InterventionTypeFactory,
    OutcomeValueFactory,
)

BELL = "Gesprek\x07 met \x1bbudgetcoach"
CLEAN = "Gesprek met budgetcoach"


# --- The writer -----------------------------------------------------------------------------------


def test_neutralised():
    assert neutralised("=1+1") == "'=1+1"
    assert neutralised("+31 6") == "'+31 6"
    assert neutralised("-3") == "'-3"
    assert neutralised("@SUM(A1)") == "'@SUM(A1)"
    assert neutralised("\tx") == "'\tx"
    assert neutralised("gewoon") == "gewoon"
    assert neutralised(12) == 12 and neutralised(None) is None
    # Control characters go first, so that one cannot hide a formula.
    assert neutralised("\x07=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert neutralised(BELL) == CLEAN


def test_csv_text_and_stream_are_the_same_dutch_csv():
    rows = [
        ["=1+1", None, 3, BELL, Decimal("-1200.50")],
        ["a;b", "", 0, "r\u00e9gel", date(2025, 1, 31)],
    ]
    text = csv_text(["kolom", "b", "c", "d", "e"], rows)
    assert text.startswith("\ufeff") and "\r\n" in text
    assert list(csv.reader(io.StringIO(text[1:]), delimiter=";")) == [
        ["kolom", "b", "c", "d", "e"],
        ["'=1+1", "", "3", CLEAN, "-1200,50"],  # a number is no formula: no apostrophe
        ["a;b", "", "0", "r\u00e9gel", "31-01-2025"],
    ]
    streamed = b"".join(csv_stream(["kolom", "b", "c", "d", "e"], rows, lines_per_chunk=1))
    assert streamed == text.encode("utf-8")
    english = csv_text(["x"], [[Decimal("2.5")]], delimiter=",")
    assert english == "\ufeffx\r\n2.5\r\n"


@pytest.mark.parametrize("write_only", [True, False])
def test_a_workbook_holds_every_text_without_control_characters(write_only):
    workbook = xlsx_workbook(write_only=write_only)
    sheet = xlsx_sheet(workbook, "Blad [1]: *", ["=kop", BELL], widths=[20, 30])
    when = datetime(2025, 3, 10, 11, 0, tzinfo=UTC)
    xlsx_append(sheet, [BELL, "=SUM(A1)", Decimal("12.50"), 3, date(2025, 1, 31), when, None])
    xlsx_append(sheet, [xlsx_cell(sheet, BELL, number_format="@")])
    saved = load_workbook(io.BytesIO(xlsx_bytes(workbook)))
    read = saved.worksheets[0]
    assert read.title == "Blad  1"
    assert [c.value for c in read[1]][:2] == ["'=kop", CLEAN]
    values = [c.value for c in read[2]]
    assert values[:4] == [CLEAN, "'=SUM(A1)", 12.5, 3]
    assert values[4] == datetime(2025, 1, 31) and read["E2"].number_format == "DD-MM-YYYY"
    assert values[5] == datetime(2025, 3, 10, 12, 0)  # Amsterdam time
    assert read["A3"].value == CLEAN and read["A3"].number_format == "@"
    assert read.freeze_panes == "A2"


def test_a_sheet_title_is_one_excel_accepts():
    assert sheet_title("Waarden per actor") == "Waarden per actor"
    assert sheet_title("a/b\\c?d*e[f]g:h\x07") == "a b c d e f g h"
    assert len(sheet_title("x" * 40)) == 31


# --- Every export, with text stored before control characters were refused ------------------------


@pytest.fixture
def stored(db, groningen_areas):
    """Records with control characters written straight into the database, as older data or a
    write around the model's validation would have them."""
    household = HouseholdFactory(area=groningen_areas[0], participation_start=date(2024, 1, 1))
    kind = InterventionTypeFactory(code="coaching-oud", name_nl="Coaching")
    intervention = InterventionFactory(
        household=household, intervention_type=kind, start_date=date(2024, 2, 1)
    )
    value = OutcomeValueFactory()
    Intervention.objects.filter(pk=intervention.pk).update(
        notes=BELL, cost_deviation_reason="\x08Reden"
    )
    InterventionType.objects.filter(pk=kind.pk).update(provider=BELL, name_nl="Coaching\x07")
    OutcomeValue.objects.filter(pk=value.pk).update(note=BELL)
    Area.objects.filter(pk=groningen_areas[0].pk).update(name="Centrum\x07")
    return {"household": household, "intervention": intervention}


def _csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def _xlsx_cells(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


def _content(response) -> bytes:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _without_control_characters(cells: list[str]) -> None:
    from siex.core.text import first_control_character

    assert [cell for cell in cells if first_control_character(cell)] == []


def test_the_register_exports_and_template_answer_with_the_text_cleaned(stored, client_for):
    officer = client_for(Role.POLICY_OFFICER)
    export = reverse("imports:export")
    csv_cells = _csv_cells(
        _content(officer.get(export, {"content": "interventions", "file_format": "csv"}))
    )
    _without_control_characters(csv_cells)
    assert CLEAN in csv_cells and "Reden" in csv_cells
    xlsx_cells = _xlsx_cells(
        _content(officer.get(export, {"content": "all", "file_format": "xlsx"}))
    )
    _without_control_characters(xlsx_cells)
    assert CLEAN in xlsx_cells and stored["household"].pseudonym in xlsx_cells
    template = _xlsx_cells(_content(officer.get(reverse("imports:template"))))
    _without_control_characters(template)
    assert "Coaching" in template and "Centrum" in template


def test_the_catalogue_downloads_answer_with_the_text_cleaned(stored, client_for):
    lead = client_for(Role.PROJECT_LEAD)
    cells = _xlsx_cells(_content(lead.get(reverse("catalogue:download-xlsx"))))
    _without_control_characters(cells)
    assert CLEAN in cells and "Coaching" in cells
    for table in ("interventies", "waarderingen"):
        url = reverse("catalogue:download-csv", kwargs={"table": table})
        cells = _csv_cells(_content(lead.get(url)))
        _without_control_characters(cells)
        assert CLEAN in cells


def test_the_audit_downloads_answer_with_the_text_cleaned(stored, client_for):
    AccessLogEntry.objects.create(
        timestamp=timezone.now(),
        username="anna\x07",
        roles=[Role.POLICY_OFFICER.value],
        action="search",
        model="interventions.household",
        query={"q": BELL},
        method="GET",
        path="/huishoudens/",
        remote_addr="192.0.2.1",
        status_code=200,
    )
    # A change saved around the model's validation: the change history holds the bell too.
    intervention = stored["intervention"]
    intervention.refresh_from_db()
    intervention.notes = BELL + " (2)"
    intervention.save()
    assert LogEntry.objects.filter(changes__icontains="\\u0007").exists()
    # The access log is the administrator's; the change history of the register is for the roles
    # that may see households.
    readers = {
        "audit:access-log-export": client_for(Role.ADMINISTRATOR),
        "audit:changes-export": client_for(Role.PROJECT_LEAD),
    }
    for name, reader in readers.items():
        for file_format in ("csv", "xlsx"):
            response = reader.get(reverse(name), {"format": file_format})
            content = _content(response)
            cells = _csv_cells(content) if file_format == "csv" else _xlsx_cells(content)
            _without_control_characters(cells)
            assert any(CLEAN in cell for cell in cells), (name, file_format)
