"""The register's forms under generated input (Hypothesis): whatever an officer or a tampered
request sends, the page answers with the form and its messages, or saves; never a server error,
and what is not the form's to change (pseudonym, source, who registered) never changes."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventions.register.models import Household, Intervention
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# What a form field can receive: typed text (Dutch and other numbers and dates, very long,
# control characters) and the values of the other fields' choices.
typed = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1.000,50",
            "1e400",
            "NaN",
            "31-02-2024",
            "2024-02-30",
            "01-03-2024",
            "99999999999999999999",
            "bijstand",
            "problematic",
            "consent",
            "active",
            "completed",
            "\x00",
        ]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
HOUSEHOLD_FIELDS = [
    "external_reference",
    "area",
    "adults",
    "children",
    "income_pct_social_minimum",
    "income_source",
    "debt_situation",
    "participation_start",
    "participation_end",
    "legal_basis",
    "consent_withdrawn_on",
    "version",
    # Not fields of the form: a tampered request.
    "pseudonym",
    "source",
    "created_by",
]
INTERVENTION_FIELDS = [
    "intervention_type",
    "start_date",
    "end_date",
    "status",
    "actual_cost",
    "cost_deviation_reason",
    "notes",
    "confirm_duplicate",
    "version",
    "household",
    "source",
    "created_by",
]


def form_data(fields):
    return st.dictionaries(st.sampled_from(fields), typed, max_size=len(fields))


def assert_form_answer(response):
    """The form again with its messages (200), or saved and sent on (302)."""
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert response.context["form"].errors


@pytest.fixture
def officer(client_for):
    return client_for(Role.POLICY_OFFICER)


@pytest.fixture
def household(groningen_areas):
    return HouseholdFactory(area=groningen_areas[0], participation_start=date(2024, 1, 1))


@pytest.fixture
def intervention_type():
    return InterventionTypeFactory(code="budgetcoaching")


@FUZZ
@given(data=form_data(HOUSEHOLD_FIELDS))
def test_the_new_household_form_answers_any_input_with_messages(officer, groningen_areas, data):
    before = Household.objects.count()
    response = officer.post(reverse("register:household-new"), data)
    assert_form_answer(response)
    assert Household.objects.count() == before + (response.status_code == 302)


@FUZZ
@given(data=form_data(HOUSEHOLD_FIELDS))
def test_the_household_form_never_changes_what_is_read_only(officer, household, data):
    household.refresh_from_db()
    before = (household.pseudonym, household.source, household.created_by_id, household.created_at)
    response = officer.post(reverse("register:household-edit", kwargs={"pk": household.pk}), data)
    assert response.status_code in (200, 302, 409), response.status_code
    household.refresh_from_db()
    assert (
        household.pseudonym,
        household.source,
        household.created_by_id,
        household.created_at,
    ) == before


@FUZZ
@given(data=form_data(INTERVENTION_FIELDS))
def test_the_intervention_forms_answer_any_input_with_messages(
    officer, household, intervention_type, data
):
    intervention = InterventionFactory(household=household, intervention_type=intervention_type)
    before = (intervention.household_id, intervention.source, intervention.created_by_id)
    response = officer.post(reverse("register:intervention-new", kwargs={"pk": household.pk}), data)
    assert_form_answer(response)
    response = officer.post(
        reverse("register:intervention-edit", kwargs={"pk": intervention.pk}), data
    )
    assert response.status_code in (200, 302, 409), response.status_code
    intervention = Intervention.objects.get(pk=intervention.pk)
    assert (intervention.household_id, intervention.source, intervention.created_by_id) == before
