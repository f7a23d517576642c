"""The project lead's scenario pages: list, create, copy, new version, the version page, fix,
upload and downloads, language and the content security policy. Editing a version is in
``test_edit_page.py``, recalculating and the results in ``test_run_pages.py``, the comparison in
``test_compare_pages.py``."""

import io
import json

import pytest
from django.urls import reverse

from calculation import forms, labels, presentation, selectors, services
from calculation.models import Scenario, ScenarioVersion
from calculation.results.figures import FIGURES
from calculation.scenario import (
    FILE_PARAMETERS,
    OVERRIDE_PARAMETERS,
    PARAMETER_FIELDS,
    PROGRAMME_CATEGORIES,
)
from siex.accounts.roles import Role

from .page_helpers import (
    calculate,
    summary,
    text,
    version_url,
)

pytestmark = pytest.mark.django_db


# --- list and navigation --------------------------------------------------------------------------


def test_the_list_shows_each_scenario_with_its_newest_version_and_last_result(
    lead, scenario_version
):
    run = calculate(scenario_version)
    response = lead.get(reverse("calculation:scenarios"))
    assert response.status_code == 200
    page = text(response)
    assert "Basisscenario" in page
    assert "v1" in page
    assert "draft" in page
    assert "finished" in page
    npv = round(run.results["kpis"]["npv"])
    assert f"EUR\u00a0{npv:,}".replace(",", ".") in response.content.decode()
    assert reverse("calculation:scenario-new") in response.content.decode()
    assert reverse("calculation:scenario-upload") in response.content.decode()
    assert reverse("calculation:compare") in response.content.decode()


def test_the_list_takes_the_same_number_of_queries_for_more_scenarios(
    lead, scenario_version, django_assert_max_num_queries
):
    calculate(scenario_version)
    for n in range(4):
        copy = services.scenario_copy(version=scenario_version, code=f"kopie-{n}", name=f"K{n}")
        calculate(copy)
    with django_assert_max_num_queries(10):
        response = lead.get(reverse("calculation:scenarios"))
    assert text(response).count("finished") == 5


def test_the_list_shows_a_failed_last_run_without_figures(lead, scenario_version):
    ScenarioVersion.objects.filter(pk=scenario_version.pk).update(
        intake=[{"intervention_type": "bestaat-niet", "year": 2026, "households": 5}]
    )
    calculate(scenario_version)
    response = lead.get(reverse("calculation:scenarios"))
    assert "failed" in text(response)
    assert "EUR" not in text(response).split("Multiplier")[-1]


def test_the_project_lead_and_the_council_have_scenarios_in_the_navigation(client_for):
    scenarios = reverse("calculation:scenarios")
    for role in (Role.PROJECT_LEAD, Role.COUNCIL_MEMBER):
        assert scenarios in client_for(role).get(reverse("home")).content.decode()
    for role in (Role.POLICY_OFFICER, Role.ADMINISTRATOR):
        assert scenarios not in client_for(role).get(reverse("home")).content.decode()


# --- create, copy, new version --------------------------------------------------------------------


def test_a_new_scenario_starts_as_a_draft_on_a_snapshot_of_the_catalogue(lead, groningen_catalogue):
    response = lead.post(
        reverse("calculation:scenario-new"),
        {"code": "wijkaanpak-2027", "name": "Wijkaanpak", "description": "Oost eerst"},
    )
    version = ScenarioVersion.objects.get(scenario__code="wijkaanpak-2027")
    assert response.status_code == 302
    assert response["Location"] == version_url(version)
    assert version.number == 1
    assert version.status == "draft"
    assert version.scenario.description == "Oost eerst"
    assert version.created_by.username == "test-projectleider"
    assert len(version.catalogue["intervention_types"]) == 20


@pytest.mark.parametrize(
    "code, fragment",
    [("Basis 2026", "lower-case letters"), ("basis", "already exists"), ("", "required")],
)
def test_a_bad_code_is_refused_with_a_message_for_the_field(lead, scenario_version, code, fragment):
    response = lead.post(reverse("calculation:scenario-new"), {"code": code, "name": "X"})
    assert response.status_code == 200
    errors = summary(response)
    assert "Code:" in errors
    assert fragment in errors
    assert Scenario.objects.count() == 1


def test_a_version_is_copied_into_a_new_scenario(lead, scenario_version):
    assert lead.get(version_url(scenario_version, "calculation:version-copy")).status_code == 200
    response = lead.post(
        version_url(scenario_version, "calculation:version-copy"),
        {"code": "variant", "name": "Variant"},
    )
    copy = ScenarioVersion.objects.get(scenario__code="variant")
    assert response["Location"] == version_url(copy)
    assert copy.copied_from == scenario_version
    assert copy.intake == scenario_version.intake
    assert copy.number == 1


def test_a_copy_with_a_code_in_use_is_refused(lead, scenario_version):
    response = lead.post(
        version_url(scenario_version, "calculation:version-copy"), {"code": "basis", "name": "X"}
    )
    assert response.status_code == 200
    assert "already exists" in text(response)
    assert Scenario.objects.count() == 1


def test_the_yearly_revision_of_a_fixed_version_is_a_new_draft(lead, scenario_version):
    services.scenario_version_fix(
        version=scenario_version, expected_version=scenario_version.version
    )
    response = lead.post(
        version_url(scenario_version, "calculation:version-new"), {"note": "Herziening 2027"}
    )
    new = ScenarioVersion.objects.get(scenario=scenario_version.scenario, number=2)
    assert response["Location"] == version_url(new)
    assert new.status == "draft"
    assert new.note == "Herziening 2027"
    assert new.copied_from == scenario_version
    assert new.intake == scenario_version.intake
    page = text(lead.get(version_url(new)))
    assert "v1" in page and "v2" in page


# --- the version page -----------------------------------------------------------------------------


def test_the_version_page_shows_its_inputs(lead, scenario_version):
    services.scenario_version_update(
        version=scenario_version,
        expected_version=scenario_version.version,
        assumptions=["Half of the households finish the coaching."],
        programme_costs=[
            {"category": "monitoring_research", "actor": "gemeente", "year": 2026, "amount": 5000}
        ],
        budget=[{"year": 2026, "amount": 40000}],
        overrides=[
            {
                "parameter": "deadweight_pct",
                "outcome": "minder-huisartsbezoek",
                "value": 20,
                "reason": "Lokale meting",
            }
        ],
    )
    page = text(lead.get(version_url(scenario_version)))
    for expected in (
        "2,25%",
        "Half of the households finish the coaching.",
        "Budget coaching",
        "Monitoring and research",
        "EUR\u00a05.000,00",
        "EUR\u00a040.000,00",
        "Unit cost",
        "EUR\u00a0900,00",
        "Deadweight (%)",
        "Lokale meting",
        "Draft: can still be changed",
        "This version has not been calculated yet.",
    ):
        assert expected in page, expected


# --- upload and download --------------------------------------------------------------------------


def upload(client, content: bytes, name="scenario.json"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("calculation:scenario-upload"), {"file": file})


def test_a_downloaded_version_uploads_again_as_a_new_scenario_or_a_new_version(
    lead, scenario_version
):
    response = lead.get(version_url(scenario_version, "calculation:version-download"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == ('attachment; filename="siex-scenario-basis-v1.json"')
    document = json.loads(response.content)
    assert document == json.loads(json.dumps(selectors.scenario_document(scenario_version)))

    response = upload(lead, json.dumps({**document, "code": "uit-bestand"}).encode())
    imported = ScenarioVersion.objects.get(scenario__code="uit-bestand")
    assert response["Location"] == version_url(imported)
    assert imported.intake == scenario_version.intake

    response = upload(lead, json.dumps(document).encode())
    second = ScenarioVersion.objects.get(scenario=scenario_version.scenario, number=2)
    assert response["Location"] == version_url(second)


def test_an_invalid_scenario_file_lists_every_problem_and_saves_nothing(lead, scenario_version):
    document = selectors.scenario_document(scenario_version)
    document["code"] = "kapot"
    document["intake"] = [
        {"intervention_type": "bestaat-niet", "year": 2026, "households": 5},
        {"intervention_type": "budgetcoaching", "year": 1990, "households": -1},
    ]
    response = upload(lead, json.dumps(document).encode())
    assert response.status_code == 200
    page = summary(response)
    assert "The file was not imported" in page
    assert "intake[0].intervention_type: Unknown intervention type “bestaat-niet”." in page
    assert "intake[1].year: Must lie between 2026 and 2035." in page
    assert "intake[1].households: Must lie between 0 and 1.000.000." in page
    assert not Scenario.objects.filter(code="kapot").exists()
    assert ScenarioVersion.objects.count() == 1


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"{not json", "The file is not valid JSON"),
        (b"\xff\xfe\x00garbage", "not a text file in UTF-8"),
        (b'{"format": "siex-catalogue"}', "This is not a SIEX scenario file"),
        (b"[1, 2, 3]", "This is not a SIEX scenario file"),
    ],
)
def test_a_file_that_is_no_scenario_is_refused(lead, scenario_version, content, fragment):
    response = upload(lead, content)
    assert response.status_code == 200
    assert fragment in summary(response)
    assert ScenarioVersion.objects.count() == 1


def test_a_file_above_5_mb_is_refused(lead, scenario_version):
    response = upload(lead, b" " * (5 * 1024 * 1024 + 1))
    assert "larger than 5 MB" in text(response)


def test_the_results_download_is_the_results_document(lead, scenario_version):
    run = calculate(scenario_version)
    response = lead.get(reverse("calculation:run-download", kwargs={"pk": run.pk}))
    assert response["Content-Disposition"] == (
        f'attachment; filename="siex-results-basis-v1-run{run.pk}.json"'
    )
    assert json.loads(response.content)["kpis"] == run.results["kpis"]


# --- language, accessibility, presentation --------------------------------------------------------


def test_the_pages_are_dutch_by_default(client_for, scenario_version, settings):
    settings.LANGUAGE_CODE = "nl"
    client = client_for(Role.PROJECT_LEAD)
    calculate(scenario_version)
    page = text(client.get(version_url(scenario_version)))
    assert "Scenario's" in page
    assert "Herberekenen" in page
    assert "concept" in page
    assert "Netto contante waarde (NCW)" in page
    listing = text(client.get(reverse("calculation:scenarios")))
    assert "Nieuw scenario" in listing


def test_the_pages_keep_to_the_content_security_policy(lead, scenario_version):
    run = calculate(scenario_version)
    for url in (
        reverse("calculation:scenarios"),
        version_url(scenario_version),
        version_url(scenario_version, "calculation:version-edit"),
        reverse("calculation:run", kwargs={"pk": run.pk}),
        reverse("calculation:compare"),
    ):
        html = lead.get(url).content.decode()
        assert "style=" not in html, url
        assert "<script>" not in html, url
        assert " on" + "click=" not in html, url


def test_every_code_the_engine_and_files_use_has_a_label():
    assert set(labels.PROGRAMME_CATEGORY_LABELS) == set(PROGRAMME_CATEGORIES)
    assert set(FILE_PARAMETERS) | set(OVERRIDE_PARAMETERS) <= set(labels.PARAMETER_LABELS)
    kinds = {kind for kind, _needs, _percent in FILE_PARAMETERS.values()}
    assert kinds <= set(labels.PARAMETER_LABELS)
    assert set(selectors.KPI_KEYS) <= set(FIGURES)


def test_the_parameters_and_lists_of_a_scenario_are_named_in_one_place():
    from calculation.api import ScenarioVersionSerializer
    from calculation.scenario import DEFAULT_PARAMETERS, LIST_FIELDS

    assert tuple(DEFAULT_PARAMETERS) == PARAMETER_FIELDS
    version_fields = {field.name for field in ScenarioVersion._meta.get_fields()}
    assert set(PARAMETER_FIELDS) | set(LIST_FIELDS) <= version_fields
    # The edit page: one field per parameter (a field per confidence grade for the cuts) and one
    # formset per list, in the order of the file.
    form = forms.ParametersForm()
    single = [name for name in PARAMETER_FIELDS if name != "optimism_bias_pct"]
    assert [field.name for field in form.main_fields] == [
        name for name in form.fields if name in single and name != "count_registered"
    ]
    assert set(single) <= set(form.fields)
    assert tuple(list_name for _prefix, list_name, _formset in forms.LISTS) == LIST_FIELDS
    # The API reads and writes the same fields.
    assert set(PARAMETER_FIELDS) | set(LIST_FIELDS) <= set(ScenarioVersionSerializer.Meta.fields)


def test_service_messages_land_on_the_field_they_name():
    from django.core.exceptions import ValidationError

    error = ValidationError(
        [
            "parameters.horizon_years: Must lie between 1 and 30.",
            "parameters.optimism_bias_pct[2]: Must lie between 0 and 100.",
            "intake[0].year: Must lie between 2026 and 2035.",
            "This is not a SIEX scenario file (format “siex-scenario”).",
        ]
    )
    assert presentation.api_errors(error) == {
        "horizon_years": ["Must lie between 1 and 30."],
        "optimism_bias_pct": ["parameters.optimism_bias_pct[2]: Must lie between 0 and 100."],
        "intake": ["intake[0].year: Must lie between 2026 and 2035."],
        "non_field_errors": ["This is not a SIEX scenario file (format “siex-scenario”)."],
    }
