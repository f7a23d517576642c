"""The project lead's scenario pages: list, create, copy, new version, edit (with the checks of the
services and optimistic locking), fix, upload, recalculate with progress, results, compare and
downloads."""

import io
import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from calculation import forms, labels, presentation, selectors, services
from calculation.models import CalculationRun, RunStatus, Scenario, ScenarioVersion
from calculation.results.figures import FIGURES
from calculation.scenario import (
    FILE_PARAMETERS,
    OVERRIDE_PARAMETERS,
    PARAMETER_FIELDS,
    PROGRAMME_CATEGORIES,
    RATE_LIMITS,
)
from siex.accounts.roles import Role
from siex.core.forms import format_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(client_for) -> Client:
    return client_for(Role.PROJECT_LEAD)


def version_url(version, name="calculation:version"):
    return reverse(name, kwargs={"pk": version.pk})


def calculate(version, user=None) -> CalculationRun:
    """Run a calculation to its end, as the worker would."""
    run = services.run_start(version=version, user=user)
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def summary(response) -> str:
    """The text of the error summary at the top of the page."""
    html = response.content.decode()
    assert 'class="error-summary"' in html
    part = html.split('class="error-summary"')[1].split("</div>")[0]
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", part))


def text(response) -> str:
    """The page's text without tags and with whitespace collapsed."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"[ \t\r\n]+", " ", unescape(html))


LISTS = {
    "intake": "intake",
    "programme": "programme_costs",
    "budget": "budget",
    "uncertainty": "uncertainty",
    "overrides": "overrides",
}
#: The form of a row of each list (it shows a stored row as the page does).
FORMS = {prefix: formset.form for prefix, _list_name, formset in forms.LISTS}


def shown_row(form_class, row: dict) -> dict:
    """A stored row as the edit page shows it: in the form's units and notation."""
    return {
        key: format_number(value) if isinstance(value, Decimal | float) else value
        for key, value in form_class.initial_for(row).items()
    }


def edit_data(version, lists=None, **parameters) -> dict:
    """What the edit page posts for ``version``, with ``parameters`` and ``lists`` (keyed by the
    form prefix) replaced."""
    data = {
        "version": version.version,
        "note": version.note,
        "assumptions": "\n".join(version.assumptions),
        **{name: getattr(version, name) for name in PARAMETER_FIELDS},
    }
    # Rates are typed in percent (the version keeps fractions), numbers as the page shows them.
    for name in RATE_LIMITS:
        data[name] = format_number(Decimal(str(data[name])) * 100)
    data.pop("optimism_bias_pct")
    for grade, value in enumerate(version.optimism_bias_pct, start=1):
        data[f"optimism_bias_{grade}"] = value
    if not version.count_registered:
        data.pop("count_registered")
    data.update(parameters)
    for prefix, list_name in LISTS.items():
        existing = getattr(version, list_name) or []
        rows = (lists or {}).get(prefix, [shown_row(FORMS[prefix], row) for row in existing])
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = min(len(existing), len(rows))
        for n, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{n}-{key}"] = value
    return data


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


def test_only_the_project_lead_has_scenarios_in_the_navigation(client_for):
    scenarios = reverse("calculation:scenarios")
    assert scenarios in client_for(Role.PROJECT_LEAD).get(reverse("home")).content.decode()
    for role in (Role.POLICY_OFFICER, Role.COUNCIL_MEMBER, Role.ADMINISTRATOR):
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


# --- editing --------------------------------------------------------------------------------------


def test_editing_saves_parameters_and_lists_together(lead, scenario_version):
    assert lead.get(version_url(scenario_version, "calculation:version-edit")).status_code == 200
    data = edit_data(
        scenario_version,
        lists={
            "intake": [
                {"intervention_type": "budgetcoaching", "year": 2026, "households": "40"},
                {
                    "intervention_type": "gkb-schuldregeling",
                    "year": 2027,
                    "households": "12,5",
                    "unit_cost": "3400",
                },
            ],
            "programme": [
                {"category": "staff", "actor": "gemeente", "year": 2026, "amount": "25000"}
            ],
            "budget": [{"year": 2026, "amount": "100000"}],
            "overrides": [
                {
                    "parameter": "success_probability",
                    "intervention_type": "budgetcoaching",
                    "outcome": "minder-incasso-deurwaarderskosten",
                    "value": "50%",
                    "reason": "Pilot Oost",
                }
            ],
        },
        horizon_years=12,
        discount_rate="2",
        assumptions="Eerste aanname\n\nTweede aanname",
        note="Met wijkteams",
    )
    response = lead.post(version_url(scenario_version, "calculation:version-edit"), data)
    assert response.status_code == 302, text(response)[:2000]
    saved = ScenarioVersion.objects.get(pk=scenario_version.pk)
    assert saved.version == scenario_version.version + 1
    assert saved.horizon_years == 12
    assert saved.discount_rate == 0.02
    assert saved.note == "Met wijkteams"
    assert saved.assumptions == ["Eerste aanname", "Tweede aanname"]
    assert saved.intake == [
        {"intervention_type": "budgetcoaching", "year": 2026, "households": 40},
        {
            "intervention_type": "gkb-schuldregeling",
            "year": 2027,
            "households": 12.5,
            "unit_cost": 3400,
        },
    ]
    assert saved.programme_costs == [
        {"category": "staff", "actor": "gemeente", "year": 2026, "amount": 25000}
    ]
    assert saved.budget == [{"year": 2026, "amount": 100000}]
    assert saved.overrides[0]["value"] == 0.5  # typed in percent, kept as a fraction
    assert saved.overrides[0]["reason"] == "Pilot Oost"
    assert saved.uncertainty == scenario_version.uncertainty
    assert saved.updated_by.username == "test-projectleider"


def test_a_row_marked_for_deletion_is_removed_and_blank_rows_are_ignored(lead, scenario_version):
    data = edit_data(scenario_version)
    data["uncertainty-0-DELETE"] = "on"
    data["intake-TOTAL_FORMS"] = 3  # two blank rows as the page shows them
    response = lead.post(version_url(scenario_version, "calculation:version-edit"), data)
    assert response.status_code == 302
    saved = ScenarioVersion.objects.get(pk=scenario_version.pk)
    assert saved.uncertainty == []
    assert saved.intake == scenario_version.intake


@pytest.mark.parametrize(
    "change, label, fragment",
    [
        ({"horizon_years": 40}, "Horizon (years):", "Enter 30 or less."),
        ({"discount_rate": "twee"}, "Discount rate (%):", "Enter a percentage"),
        ({"discount_rate": "25"}, "Discount rate (%):", "Enter 20% or less."),
        ({"optimism_bias_3": 120}, "grade 3", "Enter 100% or less."),
        (
            {"cost_indexation": "2%"},
            "Cost indexation per year (%):",
            "A real price basis has no indexation",
        ),
        (
            {"lists": {"intake": [{"intervention_type": "budgetcoaching", "year": 1999}]}},
            "Planned intake, row 1: Households:",
            "required",
        ),
        (
            {
                "lists": {
                    "intake": [
                        {"intervention_type": "budgetcoaching", "year": 2040, "households": 5}
                    ]
                }
            },
            "Planned intake, row 1: Year:",
            "Must lie between 2026 and 2035.",
        ),
        (
            {
                "lists": {
                    "uncertainty": [
                        {
                            "parameter": "unit_cost",
                            "intervention_type": "budgetcoaching",
                            "low": 2000,
                            "high": 3000,
                        }
                    ]
                }
            },
            "Uncertainty ranges, row 1:",
            "The range EUR\u00a02.000,00 – EUR\u00a03.000,00 leaves out the value the calculation "
            "uses (EUR\u00a01.200,00)",
        ),
        (
            {"lists": {"overrides": [{"parameter": "deadweight_pct", "value": 10}]}},
            "Overrides of catalogue assumptions, row 1: Outcome:",
            "Choose the outcome",
        ),
    ],
)
def test_invalid_input_names_the_field_and_nothing_is_saved(
    lead, scenario_version, change, label, fragment
):
    lists = change.pop("lists", None)
    data = edit_data(scenario_version, lists=lists, note="niet bewaren", **change)
    response = lead.post(version_url(scenario_version, "calculation:version-edit"), data)
    assert response.status_code == 200
    errors = summary(response)
    assert "The changes were not saved" in errors
    assert label in errors, errors
    assert fragment in errors, errors
    saved = ScenarioVersion.objects.get(pk=scenario_version.pk)
    assert saved.version == scenario_version.version
    assert saved.note == ""
    # The user's input stays on the page.
    assert "niet bewaren" in response.content.decode()


@pytest.mark.parametrize("typed", ["4", "4,0", "4%", "4 %", "4,00 %"])
def test_rates_are_typed_in_percent_and_kept_as_fractions(lead, scenario_version, typed):
    data = edit_data(scenario_version, discount_rate=typed, financing_rate="3,5")
    response = lead.post(version_url(scenario_version, "calculation:version-edit"), data)
    assert response.status_code == 302, summary(response)
    saved = ScenarioVersion.objects.get(pk=scenario_version.pk)
    assert saved.discount_rate == 0.04 and saved.financing_rate == 0.035


def test_the_edit_page_shows_rates_in_percent_with_their_sign(lead, scenario_version):
    page = lead.get(version_url(scenario_version, "calculation:version-edit")).content.decode()
    box = re.search(
        r'<span class="input-unit"><input[^>]*name="discount_rate".*?</span></span>', page
    )
    assert 'value="2,25"' in box[0] and 'class="input-unit__suffix" aria-hidden="true">%<' in box[0]
    assert 'name="financing_rate" value="2,5"' in page
    assert "Discount rate (%)" in page


def test_every_problem_of_the_version_shows_at_once(lead, scenario_version):
    """A rate that cannot be read does not hide what the scenario check finds in the rest."""
    data = edit_data(
        scenario_version,
        discount_rate="2,25 procent",
        monte_carlo_draws="50",
        cost_indexation="2",
        lists={"intake": [{"intervention_type": "budgetcoaching", "year": 2040, "households": 5}]},
    )
    response = lead.post(version_url(scenario_version, "calculation:version-edit"), data)
    errors = summary(response)
    assert "Discount rate (%): Enter a percentage, for example 2,25 or 4%." in errors
    assert "Monte Carlo draws: Enter 100 or more." in errors
    # What only the scenario check can tell, in the same pass.
    assert "Cost indexation per year (%): A real price basis has no indexation" in errors
    assert "Planned intake, row 1: Year: Must lie between 2026 and 2035." in errors
    # One mistake, one message: the field that could not be read says so once.
    assert errors.count("Discount rate (%)") == 1
    assert ScenarioVersion.objects.get(pk=scenario_version.pk).version == scenario_version.version


def test_a_rate_outside_its_range_offers_to_widen_the_range(lead, scenario_version):
    services.scenario_version_update(
        version=scenario_version,
        expected_version=scenario_version.version,
        uncertainty=[{"parameter": "discount_rate", "low": 0.015, "high": 0.04}],
    )
    version = ScenarioVersion.objects.get(pk=scenario_version.pk)
    url = version_url(version, "calculation:version-edit")
    data = edit_data(version, discount_rate="5")
    assert data["uncertainty-0-low"] == "1,5" and data["uncertainty-0-high"] == "4"
    response = lead.post(url, data)
    assert response.status_code == 200
    errors = summary(response)
    assert (
        "Uncertainty ranges, row 1: The range 1,5 – 4\u00a0% leaves out the value the calculation "
        "uses (5\u00a0%)" in errors
    )
    page = response.content.decode()
    assert (
        '<button type="submit" class="button button--small" name="widen_range" value="0|1,5|5">'
        in page
    )
    assert "Widen the range to 1,5 – 5\u00a0%" in page
    # Enter in a field still saves: the form's first button is a plain "Save".
    form = page[page.index('id="version-form"') :]
    assert form.index('tabindex="-1" aria-hidden="true">Save</button>') < form.index("widen_range")
    # The button sends the same form with the range widened: saved in one go.
    response = lead.post(url, {**data, "widen_range": "0|1,5|5"})
    assert response.status_code == 302, summary(response)
    saved = ScenarioVersion.objects.get(pk=version.pk)
    assert saved.discount_rate == 0.05
    assert saved.uncertainty == [{"parameter": "discount_rate", "low": 0.015, "high": 0.05}]
    # The version page shows the range in percent too, as the edit page has it.
    page = text(lead.get(version_url(saved)))
    assert "1,50% 5,00%" in page


def test_probabilities_in_the_lists_are_typed_in_percent(lead, scenario_version):
    row = {
        "parameter": "success_probability",
        "intervention_type": "budgetcoaching",
        "outcome": "minder-incasso-deurwaarderskosten",
    }
    data = edit_data(scenario_version, lists={"uncertainty": [{**row, "low": "150", "high": "60"}]})
    errors = summary(lead.post(version_url(scenario_version, "calculation:version-edit"), data))
    assert "row 1: Low: Enter a percentage between 0 and 100." in errors
    data = edit_data(
        scenario_version, lists={"uncertainty": [{**row, "low": "10", "high": "80 %"}]}
    )
    response = lead.post(version_url(scenario_version, "calculation:version-edit"), data)
    assert response.status_code == 302, summary(response)
    saved = ScenarioVersion.objects.get(pk=scenario_version.pk)
    assert saved.uncertainty == [{**row, "low": 0.1, "high": 0.8}]


def test_a_stale_version_is_a_conflict_that_keeps_the_input(lead, scenario_version):
    page = lead.get(version_url(scenario_version, "calculation:version-edit"))
    assert f'name="version" value="{scenario_version.version}"' in page.content.decode()
    data = edit_data(scenario_version, note="Mijn wijziging", horizon_years=8)
    services.scenario_version_update(
        version=scenario_version,
        expected_version=scenario_version.version,
        note="Van een collega",
    )
    response = lead.post(version_url(scenario_version, "calculation:version-edit"), data)
    assert response.status_code == 200
    page = text(response)
    assert "Your changes were not saved." in page
    assert "saved this version while you were editing it" in page
    assert "Mijn wijziging" in response.content.decode()
    assert 'name="horizon_years" value="8"' in response.content.decode()
    saved = ScenarioVersion.objects.get(pk=scenario_version.pk)
    assert saved.note == "Van een collega"
    assert saved.horizon_years == 10


def test_a_fixed_version_cannot_be_edited(lead, scenario_version):
    before = services.scenario_version_fix(
        version=scenario_version, expected_version=scenario_version.version
    )
    detail = lead.get(version_url(scenario_version)).content.decode()
    assert version_url(scenario_version, "calculation:version-edit") not in detail
    assert version_url(scenario_version, "calculation:version-fix") not in detail
    response = lead.get(version_url(scenario_version, "calculation:version-edit"), follow=True)
    assert "is fixed (vastgesteld) and cannot be changed" in text(response)
    response = lead.post(
        version_url(scenario_version, "calculation:version-edit"),
        edit_data(before, horizon_years=5),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == version_url(scenario_version)
    assert "is fixed (vastgesteld) and cannot be changed" in text(response)
    saved = ScenarioVersion.objects.get(pk=scenario_version.pk)
    assert saved.horizon_years == 10
    assert saved.version == before.version


def test_fixing_asks_for_confirmation_and_records_who_fixed(lead, scenario_version):
    confirm = lead.get(version_url(scenario_version, "calculation:version-fix"))
    assert "It can never be changed again" in text(confirm)
    assert ScenarioVersion.objects.get(pk=scenario_version.pk).status == "draft"
    response = lead.post(
        version_url(scenario_version, "calculation:version-fix"),
        {"version": scenario_version.version},
        follow=True,
    )
    saved = ScenarioVersion.objects.get(pk=scenario_version.pk)
    assert saved.status == "fixed"
    assert saved.fixed_by.username == "test-projectleider"
    assert "Fixed (vastgesteld) on" in text(response)
    assert "by test-projectleider" in text(response)


def test_fixing_a_version_that_changed_meanwhile_is_refused(lead, scenario_version):
    stale = scenario_version.version
    services.scenario_version_update(
        version=scenario_version, expected_version=stale, note="tussendoor"
    )
    response = lead.post(
        version_url(scenario_version, "calculation:version-fix"), {"version": stale}, follow=True
    )
    assert "Someone changed this version" in text(response)
    assert ScenarioVersion.objects.get(pk=scenario_version.pk).status == "draft"


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


# --- compare --------------------------------------------------------------------------------------


def test_two_versions_are_compared_side_by_side_with_the_difference(lead, scenario_version):
    first = calculate(scenario_version)
    other = services.scenario_copy(version=scenario_version, code="groter", name="Groter")
    other = services.scenario_version_update(
        version=other,
        expected_version=other.version,
        intake=[{"intervention_type": "budgetcoaching", "year": 2026, "households": 100}],
    )
    second = calculate(other)
    page = lead.get(reverse("calculation:compare"))
    assert "Basisscenario – v1" in text(page)
    response = lead.get(
        reverse("calculation:compare"), {"versions": [scenario_version.pk, other.pk]}
    )
    page = text(response)
    assert "Key figures side by side" in page
    assert "Difference: Groter – v1" in page
    difference = second.results["kpis"]["npv"] - first.results["kpis"]["npv"]
    assert f"+EUR\u00a0{round(difference):,}".replace(",", ".") in page
    assert f"EUR\u00a0{round(first.results['kpis']['npv']):,}".replace(",", ".") in page


def test_comparing_needs_two_versions(lead, scenario_version):
    calculate(scenario_version)
    other = services.scenario_copy(version=scenario_version, code="tweede", name="Tweede")
    calculate(other)
    response = lead.get(reverse("calculation:compare"), {"versions": [scenario_version.pk]})
    assert "Choose at least two versions." in text(response)
    assert "Key figures side by side" not in text(response)


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
