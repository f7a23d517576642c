"""Downloading a run's Excel workbook from its results page: who may, what they get, and what a
run without results gives."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from calculation.models import RunStatus, ScenarioVersion
from siex.accounts.roles import Role
from siex.core.spreadsheets import XLSX_CONTENT_TYPE

from .page_helpers import calculate, text
from .workbook_formulas import Evaluator

pytestmark = pytest.mark.django_db


def workbook_url(run) -> str:
    return reverse("calculation:run-workbook", kwargs={"pk": run.pk})


def test_the_project_lead_downloads_the_workbook_of_a_finished_run(lead, scenario_version):
    run = calculate(scenario_version)
    page = lead.get(reverse("calculation:run", kwargs={"pk": run.pk}))
    assert workbook_url(run) in page.content.decode()

    response = lead.get(workbook_url(run))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        f'attachment; filename="siex-basis-v1-berekening{run.pk}.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    first = workbook.worksheets[0]
    text_cells = {cell for row in first.iter_rows(values_only=True) for cell in row if cell}
    assert run.inputs_hash in text_cells
    assert run.model_version in text_cells
    assert "Basisscenario (basis)" in text_cells
    # The key figures evaluate to the run's own figures.
    key_sheet = workbook.worksheets[2]
    rows = {key_sheet.cell(row=r, column=1).value: r for r in range(1, key_sheet.max_row + 1)}
    npv = Evaluator(workbook).cell(key_sheet.title, row=rows["Net present value (NPV)"], column=2)
    assert npv == pytest.approx(run.results["kpis"]["npv"], abs=1e-6)


def test_a_run_without_results_has_no_workbook(lead, scenario_version):
    ScenarioVersion.objects.filter(pk=scenario_version.pk).update(
        intake=[{"intervention_type": "bestaat-niet", "year": 2026, "households": 5}]
    )
    run = calculate(scenario_version)
    assert run.status == RunStatus.FAILED
    response = lead.get(workbook_url(run), follow=True)
    assert "This calculation has no results" in text(response)


@pytest.mark.parametrize("role", [Role.POLICY_OFFICER, Role.COUNCIL_MEMBER, Role.ADMINISTRATOR])
def test_whoever_may_not_read_the_run_page_may_not_download_its_workbook(
    role, client_for, scenario_version
):
    run = calculate(scenario_version)
    client = client_for(role)
    page = client.get(reverse("calculation:run", kwargs={"pk": run.pk}))
    download = client.get(workbook_url(run))
    assert page.status_code == download.status_code == 403
