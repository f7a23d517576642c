"""An officer records that a household withdrew its consent; the next retention run acts on it."""

from datetime import date

import pytest
from django.urls import reverse
from freezegun import freeze_time

from interventions.register.models import Household, LegalBasis
from interventions.retention.services import retention_apply
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/households/"


@pytest.fixture
def api(client_for):
    return client_for(Role.POLICY_OFFICER)


def patch(api, household, data):
    return api.patch(f"{HOUSEHOLDS}{household.pk}/", data, content_type="application/json")


def test_the_withdrawal_is_recorded_through_the_api_and_acted_on(api):
    household = HouseholdFactory(legal_basis=LegalBasis.CONSENT)
    response = patch(api, household, {"version": 1, "consent_withdrawn_on": "2026-03-02"})
    assert response.status_code == 200, response.json()
    assert response.json()["consent_withdrawn_on"] == "2026-03-02"
    with freeze_time("2026-03-02"):
        report = retention_apply()
    assert report.consent_withdrawn == 1
    assert Household.objects.get(pk=household.pk).pseudonym != household.pseudonym


def test_a_household_on_a_statutory_task_cannot_withdraw_consent(api):
    household = HouseholdFactory(legal_basis=LegalBasis.PUBLIC_TASK)
    response = patch(api, household, {"version": 1, "consent_withdrawn_on": "2026-03-02"})
    assert response.status_code == 400
    assert "consent_withdrawn_on" in response.json()


def test_the_household_pages_show_and_offer_the_date(policy_officer_client):
    household = HouseholdFactory(
        legal_basis=LegalBasis.CONSENT, consent_withdrawn_on=date(2026, 3, 2)
    )
    page = policy_officer_client.get(reverse("register:household", args=[household.pk]))
    assert "consent withdrawn on 02-03-2026" in page.content.decode()
    form = policy_officer_client.get(reverse("register:household-edit", args=[household.pk]))
    assert 'name="consent_withdrawn_on"' in form.content.decode()


def test_the_withdrawal_reads_in_dutch(client_for, settings):
    household = HouseholdFactory(
        legal_basis=LegalBasis.CONSENT, consent_withdrawn_on=date(2026, 3, 2)
    )
    client = client_for(Role.POLICY_OFFICER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    page = client.get(reverse("register:household", args=[household.pk]))
    assert "toestemming ingetrokken op 02-03-2026" in page.content.decode()
