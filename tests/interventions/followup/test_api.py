"""The follow-up endpoints: the roles of the household API, the version read (409 on a stale
change or deletion), the model's rules as 400s per field, reads in the access log."""

import json
from datetime import date

import pytest

from interventions.followup import services
from interventions.followup.models import Assessment, OutcomeEvent
from siex.accounts.roles import Role
from siex.audit.models import AccessLogEntry

pytestmark = pytest.mark.django_db

ASSESSMENTS = "/api/v1/assessments/"
SURVEYS = "/api/v1/surveys/"
EVENTS = "/api/v1/outcome-events/"


@pytest.fixture
def api(client_for):
    return client_for(Role.POLICY_OFFICER)


def send(client, method, url, data=None):
    return client.generic(method, url, data=json.dumps(data or {}), content_type="application/json")


def test_an_assessment_is_created_changed_and_deleted_with_the_version_read(api, household, zrm):
    created = api.post(
        ASSESSMENTS,
        {
            "household": household.pk,
            "instrument": "zrm",
            "date": "2024-02-01",
            "scores": {"financien": 2, "justitie": None},
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["scores"] == {"financien": 2}
    assert body["version"] == 1
    url = f"{ASSESSMENTS}{body['id']}/"
    assert send(api, "PATCH", url, {"scores": {"financien": 3}}).status_code == 400
    changed = send(api, "PATCH", url, {"version": 1, "scores": {"financien": 3}})
    assert changed.status_code == 200
    stale = send(api, "PATCH", url, {"version": 1, "scores": {"financien": 4}})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert api.delete(f"{url}?version=1").status_code == 409
    assert api.delete(url).status_code == 400
    assert api.delete(f"{url}?version=2").status_code == 204
    assert not Assessment.objects.exists()


def test_bad_scores_and_a_moved_household_are_refused_per_field(api, household, zrm, ladder):
    refused = api.post(
        ASSESSMENTS,
        {
            "household": household.pk,
            "instrument": "participatieladder",
            "date": "2024-02-01",
            "scores": {"trede": 7},
        },
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "score_trede" in refused.json()
    unknown = api.post(
        ASSESSMENTS,
        {
            "household": household.pk,
            "instrument": "zrm",
            "date": "2024-02-01",
            "scores": {"geluk": 3},
        },
        content_type="application/json",
    )
    assert "scores" in unknown.json()


def test_survey_waves_out_of_order_are_refused(api, household):
    first = api.post(
        SURVEYS,
        {"household": household.pk, "wave": 0, "date": "2024-02-01", "stress": 3},
        content_type="application/json",
    )
    assert first.status_code == 201, first.content
    again = api.post(
        SURVEYS,
        {"household": household.pk, "wave": 0, "date": "2024-03-01"},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert "wave" in again.json()
    early = api.post(
        SURVEYS,
        {"household": household.pk, "wave": 6, "date": "2024-01-20"},
        content_type="application/json",
    )
    assert early.status_code == 400
    assert "date" in early.json()
    outside = api.post(
        SURVEYS,
        {"household": household.pk, "wave": 12, "date": "2025-02-01", "home_life": 11},
        content_type="application/json",
    )
    assert "home_life" in outside.json()


def test_an_event_before_its_intervention_is_refused_and_reads_are_logged(
    api, household, intervention, outcome
):
    early = api.post(
        EVENTS,
        {
            "household": household.pk,
            "outcome": outcome.code,
            "intervention": intervention.pk,
            "date": "2024-02-01",
            "evidence": "registration",
        },
        content_type="application/json",
    )
    assert early.status_code == 400
    assert "date" in early.json()
    event = services.outcome_event_create(
        household=household, outcome=outcome, date=date(2024, 6, 1), evidence="document"
    )
    listed = api.get(EVENTS, {"household": household.pk})
    assert [row["id"] for row in listed.json()["results"]] == [event.pk]
    assert api.get(f"{EVENTS}{event.pk}/").status_code == 200
    logged = AccessLogEntry.objects.filter(model="interventions.outcomeevent")
    assert {entry.action for entry in logged} == {"search", "view"}
    assert OutcomeEvent.objects.count() == 1


@pytest.mark.parametrize("role", [Role.COUNCIL_MEMBER, Role.ADMINISTRATOR])
def test_council_members_and_administrators_are_refused(client_for, household, zrm, role):
    client = client_for(role)
    assessment = services.assessment_create(
        household=household, instrument=zrm, date=date(2024, 2, 1), scores={"financien": 1}
    )
    for url in (ASSESSMENTS, SURVEYS, EVENTS, f"{ASSESSMENTS}{assessment.pk}/"):
        assert client.get(url).status_code == 403
    assert client.delete(f"{ASSESSMENTS}{assessment.pk}/?version=1").status_code == 403
    assert Assessment.objects.exists()


def test_a_project_lead_reads_but_does_not_write(client_for, household, zrm):
    lead = client_for(Role.PROJECT_LEAD)
    assert lead.get(ASSESSMENTS).status_code == 200
    created = lead.post(
        ASSESSMENTS,
        {
            "household": household.pk,
            "instrument": "zrm",
            "date": "2024-02-01",
            "scores": {"financien": 2},
        },
        content_type="application/json",
    )
    assert created.status_code == 403
