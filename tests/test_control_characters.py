"""Control characters are refused at every entrance that writes text: the models' fields (and so
``full_clean``, every ModelForm and every ModelSerializer), the plain forms and serializers that
reach the models through the services, and a version's stated assumptions (a JSON list)."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from calculation.models import ComparisonBase, Scenario, ScenarioVersion
from interventions.exchange.models import ImportBatch
from interventions.register.models import Household, Intervention
from monitoring.models import Area
from siex.accounts.roles import Role
from siex.core.text import validate_no_control_characters, validate_no_control_characters_in_items
from tests.api.fixtures import World
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db

BELL = "Gesprek\x07 gepland"

# Text fields a user or a file cannot write: set by SIEX itself, or a code with its own pattern.
NOT_WRITTEN_BY_USERS = {
    (Household, "pseudonym"),
    (Area, "code"),
    (ImportBatch, "uploaded_by_username"),
    (ImportBatch, "file_name"),  # cleaned by the import service (printable)
    (ImportBatch, "file_sha256"),
    (ComparisonBase, "outcome_code"),  # a catalogue code, with the code's own pattern
}


def _text_fields():
    from django.apps import apps

    for app in ("interventions", "calculation", "monitoring"):
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.CharField | models.TextField):
                    continue
                if field.choices or (model, field.name) in NOT_WRITTEN_BY_USERS:
                    continue
                if model.__name__ == "CalculationRun":
                    continue  # written by the calculation job only
                if field.name == "code":
                    continue  # codes have their own pattern (letters, digits, - and _)
                yield model, field


def test_every_text_field_a_user_or_file_writes_refuses_control_characters():
    missing = [
        f"{model.__name__}.{field.name}"
        for model, field in _text_fields()
        if validate_no_control_characters not in field.validators
    ]
    assert missing == []
    assert validate_no_control_characters_in_items in (
        ScenarioVersion._meta.get_field("assumptions").validators
    )


def test_full_clean_refuses_a_control_character_and_names_the_field():
    intervention = InterventionFactory.build(
        household=HouseholdFactory(participation_start=date(2024, 1, 1)),
        intervention_type=InterventionTypeFactory(),
        start_date=date(2024, 2, 1),
        notes=BELL,
    )
    with pytest.raises(ValidationError) as error:
        intervention.full_clean()
    assert "position 8" in " ".join(error.value.message_dict["notes"])


def test_an_assumption_with_a_control_character_is_refused_naming_the_item():
    with pytest.raises(ValidationError) as error:
        validate_no_control_characters_in_items(["Prijspeil 2024", "Geen \x1b uitval"])
    assert error.value.messages == [
        "Item 2 contains a control character (an invisible character such as a bell or a NUL, "
        "at position 6); remove it and try again."
    ]
    validate_no_control_characters_in_items(["Regel 1", "Regel 2"])


# --- Forms ----------------------------------------------------------------------------------------


def test_the_intervention_form_refuses_a_control_character_in_the_notes(client_for):
    officer = client_for(Role.POLICY_OFFICER)
    household = HouseholdFactory(participation_start=date(2024, 1, 1))
    kind = InterventionTypeFactory()
    response = officer.post(
        reverse("register:intervention-new", kwargs={"pk": household.pk}),
        {
            "intervention_type": kind.pk,
            "start_date": "2024-03-01",
            "status": "active",
            "notes": BELL,
        },
    )
    assert response.status_code == 200
    assert "control character" in " ".join(response.context["form"].errors["notes"])
    assert not Intervention.objects.exists()


def test_the_new_scenario_form_refuses_a_control_character_in_the_name(
    client_for, groningen_catalogue
):
    lead = client_for(Role.PROJECT_LEAD)
    response = lead.post(
        reverse("calculation:scenario-new"), {"code": "met-bel", "name": "Plan\x07 2026"}
    )
    assert response.status_code == 200
    assert "control character" in " ".join(response.context["form"].errors["name"])
    assert not Scenario.objects.filter(code="met-bel").exists()


# --- API ------------------------------------------------------------------------------------------


@pytest.fixture
def world(db) -> World:
    return World()


def test_the_api_refuses_a_control_character_in_notes_on_post_and_patch(client_for, world):
    api = client_for(Role.POLICY_OFFICER)
    response = api.post(
        "/api/v1/interventions/",
        world.new_intervention(notes=BELL),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "control character" in " ".join(response.json()["notes"])
    intervention = world.intervention
    response = api.patch(
        f"/api/v1/interventions/{intervention.pk}/",
        {"version": intervention.version, "notes": BELL},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "control character" in " ".join(response.json()["notes"])
    intervention.refresh_from_db()
    assert intervention.notes == "" and intervention.version == 1


def test_the_api_refuses_a_control_character_in_a_stated_assumption(client_for, scenario_version):
    api = client_for(Role.PROJECT_LEAD)
    response = api.patch(
        f"/api/v1/scenario-versions/{scenario_version.pk}/",
        json.dumps({"version": scenario_version.version, "assumptions": ["Een\x07 regel"]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    body = json.dumps(response.json())
    assert "assumptions" in body and "control character" in body
    scenario_version.refresh_from_db()
    assert "Een\x07 regel" not in scenario_version.assumptions
