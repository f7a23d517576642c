"""The "Volgen" section of the household page and its forms: who reaches them, what they write,
what they refuse, and stale edits shown rather than overwritten."""

from datetime import date

import pytest
from django.urls import reverse

from interventions.followup import services
from interventions.followup.models import Assessment, OutcomeEvent, SurveyResponse
from siex.accounts.roles import Role
from siex.audit.models import AccessLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client_for, settings):
    """A policy officer whose pages are in Dutch."""
    client = client_for(Role.POLICY_OFFICER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


def page(household) -> str:
    return reverse("register:household", kwargs={"pk": household.pk})


def text(response) -> str:
    return response.content.decode()


def test_the_household_page_shows_the_follow_up(officer, household, zrm, outcome, intervention):
    services.assessment_create(
        household=household, instrument=zrm, date=date(2024, 2, 1), scores={"financien": 1}
    )
    services.assessment_create(
        household=household, instrument=zrm, date=date(2024, 9, 1), scores={"financien": 4}
    )
    services.survey_create(household=household, wave=0, date=date(2024, 2, 1), stress=2)
    services.outcome_event_create(
        household=household,
        outcome=outcome,
        intervention=intervention,
        date=date(2024, 9, 1),
        evidence="document",
    )
    response = officer.get(page(household))
    html = text(response)
    assert response.status_code == 200
    assert 'id="volgen"' in html
    assert "Financiën" in html
    assert "+3" in html  # latest (4) against first (1)
    assert "T0" in html
    assert outcome.name_nl in html
    assert reverse("followup:assessment-new", args=[household.pk, "zrm"]) in html
    logged = set(
        AccessLogEntry.objects.filter(model__startswith="interventions.").values_list(
            "model", flat=True
        )
    )
    assert {
        "interventions.household",
        "interventions.assessment",
        "interventions.surveyresponse",
        "interventions.outcomeevent",
    } <= logged


def test_a_project_lead_reads_the_follow_up_but_changes_nothing(
    client_for, household, zrm, instruments
):
    lead = client_for(Role.PROJECT_LEAD)
    html = text(lead.get(page(household)))
    assert 'id="volgen"' in html
    assert reverse("followup:assessment-new", args=[household.pk, "zrm"]) not in html
    url = reverse("followup:assessment-new", args=[household.pk, "zrm"])
    assert lead.get(url).status_code == 403
    assert lead.post(url, {"date": "01-02-2024", "score_financien": "2"}).status_code == 403


@pytest.mark.parametrize("role", [Role.COUNCIL_MEMBER, Role.ADMINISTRATOR, None])
def test_others_never_reach_the_follow_up(client_for, household, zrm, outcome, role):
    client = client_for(role)
    assessment = services.assessment_create(
        household=household, instrument=zrm, date=date(2024, 2, 1), scores={"financien": 1}
    )
    for url in [
        page(household),
        reverse("followup:assessment-new", args=[household.pk, "zrm"]),
        reverse("followup:assessment-edit", args=[assessment.pk]),
        reverse("followup:assessment-delete", args=[assessment.pk]),
        reverse("followup:survey-new", args=[household.pk]),
        reverse("followup:event-new", args=[household.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            reverse("followup:assessment-delete", args=[assessment.pk]), {"version": 1}
        ).status_code
        == 403
    )
    assert Assessment.objects.exists()


def test_the_officer_adds_an_assessment_and_a_bad_one_is_refused_in_dutch(officer, household, zrm):
    url = reverse("followup:assessment-new", args=[household.pk, "zrm"])
    form = officer.get(url)
    assert "score_financien" in text(form)
    response = officer.post(
        url, {"date": "01-02-2024", "score_financien": "2", "score_justitie": ""}
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.scores == {"financien": 2}
    assert assessment.created_by.username == "test-beleidsmedewerker"
    refused = officer.post(url, {"date": "01-02-2023", "score_financien": "9"})
    html = text(refused)
    assert refused.status_code == 200
    assert "error-summary" in html
    assert "vóór het begin van de deelname" in html
    assert "Selecteer een geldige keuze" in html or "geldige keuze" in html


def test_a_stale_assessment_edit_is_shown_not_saved(officer, household, zrm):
    assessment = services.assessment_create(
        household=household, instrument=zrm, date=date(2024, 2, 1), scores={"financien": 1}
    )
    services.assessment_update(assessment=assessment, expected_version=1, scores={"financien": 3})
    url = reverse("followup:assessment-edit", args=[assessment.pk])
    response = officer.post(url, {"date": "01-02-2024", "score_financien": "2", "version": 1})
    assert response.status_code == 200
    html = text(response)
    assert "conflict" in html
    assert response.context["differences"]
    assessment.refresh_from_db()
    assert assessment.scores == {"financien": 3}
    saved = officer.post(url, {"date": "01-02-2024", "score_financien": "2", "version": 2})
    assert saved.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.scores, assessment.version) == ({"financien": 2}, 3)


def test_the_officer_adds_a_survey_and_an_outcome_event(
    officer, household, intervention, outcome, instruments
):
    survey = officer.post(
        reverse("followup:survey-new", args=[household.pk]),
        {"wave": "0", "date": "01-02-2024", "stress": "4", "most_valuable_help": ""},
    )
    assert survey.status_code == 302
    assert SurveyResponse.objects.get().stress == 4
    out_of_order = officer.post(
        reverse("followup:survey-new", args=[household.pk]),
        {"wave": "6", "date": "15-01-2024"},
    )
    assert out_of_order.status_code == 200
    assert "na ronde T0" in text(out_of_order)
    url = reverse("followup:event-new", args=[household.pk])
    too_early = officer.post(
        url,
        {
            "outcome": outcome.pk,
            "intervention": intervention.pk,
            "date": "01-02-2024",
            "evidence": "registration",
        },
    )
    assert "vóór de start van de interventie" in text(too_early)
    added = officer.post(
        url,
        {
            "outcome": outcome.pk,
            "intervention": intervention.pk,
            "date": "01-10-2024",
            "evidence": "registration",
        },
    )
    assert added.status_code == 302
    event = OutcomeEvent.objects.get()
    delete = reverse("followup:event-delete", args=[event.pk])
    assert officer.get(delete).status_code == 200
    assert officer.post(delete, {"version": 1}).status_code == 302
    assert not OutcomeEvent.objects.exists()


def test_a_stale_deletion_is_refused_and_asks_again(officer, household, outcome):
    event = services.outcome_event_create(
        household=household, outcome=outcome, date=date(2024, 6, 1), evidence="document"
    )
    services.outcome_event_update(event=event, expected_version=1, evidence="observation")
    url = reverse("followup:event-delete", args=[event.pk])
    stale = officer.post(url, {"version": 1})
    assert stale.status_code == 200
    assert "Iemand anders heeft dit gegeven gewijzigd" in text(stale)
    assert OutcomeEvent.objects.filter(pk=event.pk).exists()
    assert officer.post(url, {"version": 2}).status_code == 302
    assert not OutcomeEvent.objects.exists()


def test_the_evidence_is_a_group_of_radio_buttons_without_a_blank_one(officer, household, outcome):
    page = text(officer.get(reverse("followup:event-new", args=[household.pk])))
    group = page[page.index('<fieldset class="form-field" id="id_evidence"') :]
    group = group[: group.index("</fieldset>")]
    assert "<legend>" in group and group.count('type="radio"') == 4
    assert 'value=""' not in group and "checked" not in group
    refused = officer.post(
        reverse("followup:event-new", args=[household.pk]),
        {"outcome": outcome.pk, "date": "01-10-2024"},
    )
    assert refused.status_code == 200 and "form-field--error" in text(refused)
    assert "Er is een probleem" in text(refused)  # the summary's own heading, not the page's
