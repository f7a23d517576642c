"""Editing a draft scenario version: parameters and lists saved together, with the checks of the
services (every problem at once, on the field it is about), rates in percent, ranges that can be
widened, optimistic locking, and a fixed version that cannot be edited."""

import re

import pytest

from calculation import services
from calculation.models import ScenarioVersion

from .page_helpers import (
    edit_data,
    summary,
    text,
    version_url,
)

pytestmark = pytest.mark.django_db


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
