"""Files and steps shared by the tests of the register import: the template's column names, a CSV
file or a workbook made of rows, a preview and a commit, and the register as it is."""

import io

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from interventions.exchange.models import ImportBatch
from interventions.exchange.problems import ImportFileError
from interventions.exchange.services import import_batch_commit, import_batch_preview
from interventions.register.models import Household, Intervention

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


def preview(data, officer, name="register.csv"):
    return import_batch_preview(data=data, file_name=name, user=officer)


def register_snapshot():
    return {
        "households": list(Household.objects.order_by("pk").values()),
        "interventions": list(Intervention.objects.order_by("pk").values()),
    }


def assert_refused(data, officer, name, expected):
    before = register_snapshot()
    with pytest.raises(ImportFileError) as error:
        preview(data, officer, name)
    assert any(expected in message for message in error.value.messages), error.value.messages
    assert ImportBatch.objects.count() == 0
    assert register_snapshot() == before
    return error.value


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
