"""Export of the register to CSV and XLSX: content, Dutch format, formula neutralisation, the
district filter, streaming, the access log and who may export."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "interventions.exchange.views.log_access",
        lambda request, **kwargs: calls.append(kwargs),
    )
    return calls


@pytest.fixture
def data(groningen_areas):
    first, second = groningen_areas[0], groningen_areas[1]
    household = HouseholdFactory(
        area=first,
        adults=2,
        children=1,
        income_pct_social_minimum=Decimal("104.5"),
        income_source="bijstand",
        debt_situation="gkb_arrangement",
        participation_start=date(2024, 2, 1),
        legal_basis="consent",
    )
    InterventionFactory(
        household=household,
        intervention_type__code="budgetcoaching",
        start_date=date(2024, 3, 5),
        end_date=date(2024, 9, 30),
        actual_cost=Decimal("1234.50"),
        status="completed",
        notes='=HYPERLINK("http://example.org")',
        cost_deviation_reason="@SUM(A1:A2)",
    )
    other = HouseholdFactory(area=second, participation_start=date(2024, 1, 1))
    InterventionFactory(household=other, notes="-2+3", start_date=date(2024, 4, 1))
    return {"household": household, "other": other, "areas": (first, second)}


def export(client, **params):
    return client.get(reverse("imports:export"), params)


def csv_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())  # Excel reads the accents
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_households_as_csv_in_dutch(data, policy_officer_client, logged):
    response = export(policy_officer_client, content="households", file_format="csv")
    assert response["Content-Disposition"].startswith('attachment; filename="siex-huishoudens-')
    rows = csv_rows(response)
    assert rows[0] == [
        "pseudoniem",
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
    household = data["household"]
    row = next(r for r in rows if r[0] == household.pseudonym)
    assert row == [
        household.pseudonym,
        household.area.code,
        "2",
        "1",
        "104,5",
        "bijstand",
        "in een schuldregeling (GKB)",
        "01-02-2024",
        "",
        "toestemming van het huishouden",
    ]
    assert len(rows) == 3
    assert logged == [
        {
            "action": "export",
            "model": "interventions.household",
            "query": {"format": "csv", "kinds": ["households"], "wijk": None},
            "result_count": 2,
        }
    ]


def test_interventions_as_csv_with_formulas_neutralised(data, policy_officer_client):
    rows = csv_rows(export(policy_officer_client, content="interventions", file_format="csv"))
    assert rows[0] == [
        "pseudoniem",
        "interventie",
        "startdatum",
        "einddatum",
        "werkelijke_kosten",
        "reden_afwijking",
        "status",
        "notities",
    ]
    row = next(r for r in rows if r[0] == data["household"].pseudonym)
    assert row == [
        data["household"].pseudonym,
        "budgetcoaching",
        "05-03-2024",
        "30-09-2024",
        "1234,50",
        "'@SUM(A1:A2)",
        "afgerond",
        '\'=HYPERLINK("http://example.org")',
    ]
    other = next(r for r in rows if r[0] == data["other"].pseudonym)
    assert other[-1] == "'-2+3"


def test_the_whole_register_as_a_workbook(data, policy_officer_client, logged):
    response = export(policy_officer_client)  # the defaults: everything, as XLSX
    assert isinstance(response, FileResponse)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Huishoudens", "Interventies"]
    interventions = list(workbook["Interventies"].iter_rows(values_only=True))
    assert interventions[0][0] == "pseudoniem"
    row = next(r for r in interventions if r[0] == data["household"].pseudonym)
    assert row[2].date() == date(2024, 3, 5)  # a real date cell
    assert row[4] == pytest.approx(1234.5)  # a number
    assert row[5] == "'@SUM(A1:A2)"
    assert row[7] == '\'=HYPERLINK("http://example.org")'
    cell = next(c for c in workbook["Interventies"]["H"] if c.value and "HYPERLINK" in c.value)
    assert cell.data_type == "s"  # text, not a formula
    assert {call["model"]: call["result_count"] for call in logged} == {
        "interventions.household": 2,
        "interventions.intervention": 2,
    }


def test_one_district(data, policy_officer_client, logged):
    first, _second = data["areas"]
    response = export(
        policy_officer_client, content="interventions", file_format="csv", wijk=first.code
    )
    rows = csv_rows(response)
    assert [r[0] for r in rows[1:]] == [data["household"].pseudonym]
    assert logged[0]["query"]["wijk"] == first.code and logged[0]["result_count"] == 1


def test_a_csv_holds_one_kind(data, policy_officer_client, logged):
    response = export(policy_officer_client, content="all", file_format="csv")
    assert response.status_code == 400
    assert "A CSV file holds one kind of rows" in response.content.decode()
    assert logged == []


def test_a_project_lead_exports_council_members_and_administrators_do_not(data, client_for, logged):
    assert (
        export(client_for(Role.PROJECT_LEAD), content="households", file_format="csv").status_code
        == 200
    )
    for role in (Role.COUNCIL_MEMBER, Role.ADMINISTRATOR):
        response = export(client_for(role), content="households", file_format="csv")
        assert response.status_code == 403
        assert data["household"].pseudonym.encode() not in response.content
    assert len(logged) == 1


def test_exports_and_imports_reach_the_access_log(data, policy_officer_client):
    """Without stand-ins: the entries the audit app writes."""
    from siex.audit.models import AccessLogEntry
    from tests.interventions.import_files import INTERVENTION_HEADER, csv_bytes, intervention_row

    first, _second = data["areas"]
    response = export(
        policy_officer_client, content="households", file_format="csv", wijk=first.code
    )
    b"".join(response.streaming_content)
    entry = AccessLogEntry.objects.get(action="export")
    assert (entry.model, entry.result_count, entry.username) == (
        "interventions.household",
        1,
        "test-beleidsmedewerker",
    )
    assert entry.query["wijk"] == first.code and entry.query["format"] == "csv"

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import TestCase

    from interventions.exchange.models import ImportBatch
    from interventions.register.pseudonyms import pseudonymise

    type(data["household"]).objects.filter(pk=data["household"].pk).update(
        pseudonym=pseudonymise("WIJ-LOG-1")
    )
    rows = [
        INTERVENTION_HEADER,
        intervention_row("WIJ-LOG-1", "budgetcoaching", startdatum="01-06-2024"),
    ]
    with TestCase.captureOnCommitCallbacks(execute=True):  # the check, a job
        policy_officer_client.post(
            reverse("imports:upload"), {"file": SimpleUploadedFile("log.csv", csv_bytes(rows))}
        )
    batch = ImportBatch.objects.get()
    assert batch.error_count == 0, batch.errors
    policy_officer_client.post(reverse("imports:commit", kwargs={"pk": batch.pk}))
    entry = AccessLogEntry.objects.get(action="import")
    assert (entry.model, entry.result_count) == ("interventions.intervention", 1)
    assert entry.query["import_batch"] == batch.pk
    assert "WIJ-LOG-1" not in str(AccessLogEntry.objects.values())
