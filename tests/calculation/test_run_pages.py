"""Recalculating a scenario version: the job, its progress, the results page of a finished run,
a failed run and the download of the results."""

import pytest
from django.urls import reverse

from calculation import services
from calculation.models import CalculationRun, RunStatus, ScenarioVersion

from .page_helpers import (
    calculate,
    text,
    version_url,
)

pytestmark = pytest.mark.django_db


# --- recalculation, progress and results ----------------------------------------------------------


def test_recalculating_shows_the_results_of_the_finished_run(
    lead, scenario_version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(version_url(scenario_version, "calculation:version-run"))
    assert response["Location"] == version_url(scenario_version) + "#run"
    run = CalculationRun.objects.get(scenario_version=scenario_version)
    assert run.status == RunStatus.SUCCEEDED
    assert run.started_by.username == "test-projectleider"
    detail = text(lead.get(version_url(scenario_version)))
    assert "The calculation has finished." in detail
    assert "Net present value (NPV)" in detail

    response = lead.get(reverse("calculation:run", kwargs={"pk": run.pk}))
    assert response.status_code == 200
    page = text(response)
    kpis = run.results["kpis"]
    for label in (
        "Net present value (NPV)",
        "Present value of the costs",
        "Present value of the benefits",
        "Multiplier, discounted",
        "Multiplier, undiscounted",
        "Net SROI",
        "Financial return for the municipality",
        "Internal rate of return (IRR)",
        "Break-even, undiscounted",
        "Break-even, discounted",
        "Payback for the municipality",
        "Probability that the NPV is positive",
        "Year by year",
        "Per period of five years",
        "Of which transfers",
        "Benefits to society per life domain",
        "Actor × life domain",
        "Who pays, who benefits",
        "Cost allocation by life domain",
        "Cost allocation by actor",
        "Per intervention",
        "Exploitation ledger of the municipality",
        "Budget position",
        "Tornado",
        "Switching values",
        "Unit cost – Budget coaching",
        "Making ends meet",
        "Participating household",
    ):
        assert label in page, label
    assert f"EUR\u00a0{round(kpis['npv']):,}".replace(",", ".") in page
    assert f"{kpis['multiplier_discounted']:.2f}".replace(".", ",") in page
    assert run.inputs_hash in page
    assert "siex-engine" in page
    assert "test-projectleider" in page
    # The municipality does not earn its costs back in this scenario.
    assert kpis["municipality_payback_years"] is None
    assert "not reached" in page
    assert "This scenario has no budget envelope" in page


def test_results_warn_about_a_long_horizon_and_missing_ranges(lead, scenario_version):
    version = services.scenario_version_update(
        version=scenario_version,
        expected_version=scenario_version.version,
        horizon_years=15,
        uncertainty=[],
    )
    run = calculate(version)
    page = text(lead.get(reverse("calculation:run", kwargs={"pk": run.pk})))
    assert "The horizon is longer than 10 years" in page
    assert "This scenario has no uncertainty ranges" in page
    assert "No uncertainty ranges, so there is no tornado." in page


def test_a_failed_run_shows_its_error_and_no_results(lead, scenario_version):
    ScenarioVersion.objects.filter(pk=scenario_version.pk).update(
        intake=[{"intervention_type": "bestaat-niet", "year": 2026, "households": 5}]
    )
    run = calculate(scenario_version)
    assert run.status == RunStatus.FAILED
    response = lead.get(version_url(scenario_version))
    html = response.content.decode()
    alert = html.split('role="alert"')[1].split("</div>")[0]
    assert "The calculation failed." in alert
    assert "Unknown intervention type “bestaat-niet”" in alert
    assert "Key figures" not in text(response)

    page = lead.get(reverse("calculation:run", kwargs={"pk": run.pk}))
    assert "Unknown intervention type" in text(page)
    assert "Net present value" not in text(page)
    download = lead.get(reverse("calculation:run-download", kwargs={"pk": run.pk}), follow=True)
    assert "This calculation has no results" in text(download)


def test_after_a_failed_run_only_the_last_finished_results_are_shown(lead, scenario_version):
    finished = calculate(scenario_version)
    ScenarioVersion.objects.filter(pk=scenario_version.pk).update(
        intake=[{"intervention_type": "bestaat-niet", "year": 2026, "households": 5}]
    )
    calculate(scenario_version)
    page = text(lead.get(version_url(scenario_version)))
    assert "The calculation failed." in page
    assert "Key figures of the last finished calculation" in page
    assert f"EUR\u00a0{round(finished.results['kpis']['npv']):,}".replace(",", ".") in page
    assert "The inputs have changed since this calculation" in page


def test_the_progress_fragment_polls_until_the_run_has_finished(lead, scenario_version):
    run = services.run_start(version=scenario_version)  # queued: the job is sent on commit
    url = reverse("calculation:run-progress", kwargs={"pk": run.pk})
    detail = lead.get(version_url(scenario_version)).content.decode()
    assert f'hx-get="{url}"' in detail

    fragment = lead.get(url).content.decode()
    assert "<html" not in fragment
    assert f'hx-get="{url}"' in fragment
    assert 'hx-trigger="load delay:1s"' in fragment
    assert 'hx-swap="outerHTML"' in fragment
    assert 'max="100" value="0"' in fragment
    assert "waiting for a worker" in fragment

    CalculationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, progress=42, step="monte_carlo"
    )
    fragment = lead.get(url).content.decode()
    assert 'value="42"' in fragment
    assert "42%" in fragment
    assert "Monte Carlo simulation" in fragment
    assert "style=" not in fragment

    CalculationRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED, progress=0)
    services.run_execute(run_id=run.pk)
    fragment = lead.get(url).content.decode()
    assert "hx-get" not in fragment
    assert "<progress" not in fragment
    assert "The calculation has finished." in fragment
    assert reverse("calculation:run", kwargs={"pk": run.pk}) in fragment


def test_asking_again_while_a_run_is_active_does_not_start_a_second(lead, scenario_version):
    run = services.run_start(version=scenario_version)
    response = lead.post(version_url(scenario_version, "calculation:version-run"), follow=True)
    assert "already running" in text(response)
    assert list(CalculationRun.objects.values_list("pk", flat=True)) == [run.pk]
