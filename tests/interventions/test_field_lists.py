"""Each record's editable fields are listed once, by its service; the forms, the pages that
compare a conflict, the API and the import read that one list."""

from interventions.catalogue import api as catalogue_api
from interventions.catalogue import services as catalogue_services
from interventions.catalogue.forms import InterventionTypeForm, OutcomeForm
from interventions.exchange import planning
from interventions.register import api as register_api
from interventions.register import services
from interventions.register.forms import (
    HouseholdCreateForm,
    HouseholdForm,
    InterventionCreateForm,
    InterventionEndForm,
    InterventionForm,
)


def test_the_register_forms_change_what_the_services_let_change():
    assert list(HouseholdForm._meta.fields) == list(services.HOUSEHOLD_EDITABLE_FIELDS)
    assert HouseholdForm.changed_fields == services.HOUSEHOLD_EDITABLE_FIELDS
    assert list(HouseholdCreateForm._meta.fields) == [
        "external_reference",
        *services.HOUSEHOLD_EDITABLE_FIELDS,
    ]
    for form in (InterventionForm, InterventionCreateForm):
        assert list(form._meta.fields) == list(services.INTERVENTION_EDITABLE_FIELDS)
        assert form.changed_fields == services.INTERVENTION_EDITABLE_FIELDS
    # Ending an intervention changes part of them, and compares that part after a conflict.
    assert InterventionEndForm.changed_fields == tuple(InterventionEndForm._meta.fields)
    assert set(InterventionEndForm.changed_fields) < set(services.INTERVENTION_EDITABLE_FIELDS)


def test_the_import_compares_the_editable_fields_besides_its_key():
    assert {*planning.INTERVENTION_KEY, *planning.INTERVENTION_COMPARED} == set(
        services.INTERVENTION_EDITABLE_FIELDS
    )


def test_the_catalogue_forms_and_api_change_what_the_services_let_change():
    assert list(InterventionTypeForm._meta.fields) == [
        "code",
        *catalogue_services.INTERVENTION_TYPE_EDITABLE_FIELDS,
    ]
    assert list(OutcomeForm._meta.fields) == ["code", *catalogue_services.OUTCOME_EDITABLE_FIELDS]
    assert catalogue_api.OutcomeSerializer.Meta.fields == [
        "code",
        *catalogue_services.OUTCOME_EDITABLE_FIELDS,
        "values",
        "version",
    ]
    household_fields = register_api.HouseholdSerializer.Meta.fields
    assert [
        name for name in household_fields if name in services.HOUSEHOLD_EDITABLE_FIELDS
    ] == list(services.HOUSEHOLD_EDITABLE_FIELDS)
