"""Role × page matrix: the follow-up of a household (policy officers change, project leads read
it on the household page; the API as the household API)."""

from datetime import date

from tests.access_matrix import PL, PO

MATRIX: dict = {
    "followup:import": [("get", None, {PO})],
    "followup:assessment-new": [
        ("get", "followup_household_zrm", {PO}),
        ("post", "followup_new_assessment", {PO}),
    ],
    "followup:assessment-edit": [
        ("get", "followup_assessment", {PO}),
        ("post", "followup_assessment_form", {PO}),
    ],
    "followup:assessment-delete": [
        ("get", "followup_assessment", {PO}),
        ("post", "followup_assessment_gone", {PO}),
    ],
    "followup:survey-new": [
        ("get", "household", {PO}),
        ("post", "followup_new_survey", {PO}),
    ],
    "followup:survey-edit": [
        ("get", "followup_survey", {PO}),
        ("post", "followup_survey_form", {PO}),
    ],
    "followup:survey-delete": [
        ("get", "followup_survey", {PO}),
        ("post", "followup_survey_gone", {PO}),
    ],
    "followup:event-new": [
        ("get", "household", {PO}),
        ("post", "followup_new_event", {PO}),
    ],
    "followup:event-edit": [
        ("get", "followup_event", {PO}),
        ("post", "followup_event_form", {PO}),
    ],
    "followup:event-delete": [
        ("get", "followup_event", {PO}),
        ("post", "followup_event_gone", {PO}),
    ],
    "assessment-list": [("get", None, {PO, PL}), ("post", "followup_api_assessment", {PO})],
    "assessment-detail": [
        ("get", "followup_api_assessment_record", {PO, PL}),
        ("patch", "followup_api_assessment_record", {PO}),
    ],
    "survey-list": [("get", None, {PO, PL}), ("post", "followup_api_survey", {PO})],
    "survey-detail": [
        ("get", "followup_api_survey_record", {PO, PL}),
        ("patch", "followup_api_survey_record", {PO}),
    ],
    "outcome-event-list": [("get", None, {PO, PL}), ("post", "followup_api_event", {PO})],
    "outcome-event-detail": [
        ("get", "followup_api_event_record", {PO, PL}),
        ("patch", "followup_api_event_record", {PO}),
    ],
}
HOUSEHOLD_LEVEL: set[str] = set(MATRIX)


def builders(context: dict) -> dict:
    from interventions.followup import services
    from tests.interventions.followup.conftest import instruments_seeded

    household = context["household"]  # participating since 2023-01-01
    outcome = context["outcome"]
    zrm = instruments_seeded()["zrm"]

    def assessment(day):
        return services.assessment_create(
            household=household, instrument=zrm, date=date(2023, 2, day), scores={"financien": 2}
        )

    def survey(wave):
        return services.survey_create(
            household=household, wave=wave, date=date(2023 + wave // 12, 3, 1), stress=5
        )

    def event(day):
        return services.outcome_event_create(
            household=household, outcome=outcome, date=date(2023, 5, day), evidence="document"
        )

    page_assessment, gone_assessment, api_assessment = assessment(1), assessment(2), assessment(3)
    page_survey, gone_survey, api_survey = survey(12), survey(24), survey(36)
    page_event, gone_event, api_event = event(1), event(2), event(3)
    return {
        "followup_household_zrm": ({"pk": household.pk, "instrument": "zrm"}, None),
        "followup_new_assessment": (
            {"pk": household.pk, "instrument": "zrm"},
            {"date": "2023-03-01", "score_financien": "3"},
        ),
        "followup_assessment": ({"record": page_assessment.pk}, None),
        "followup_assessment_form": (
            {"record": page_assessment.pk},
            {"date": "2023-02-01", "score_financien": "4", "version": 1},
        ),
        "followup_assessment_gone": ({"record": gone_assessment.pk}, {"version": 1}),
        "followup_new_survey": ({"pk": household.pk}, {"wave": "0", "date": "2023-01-15"}),
        "followup_survey": ({"record": page_survey.pk}, None),
        "followup_survey_form": (
            {"record": page_survey.pk},
            {"wave": "12", "date": "2024-03-01", "stress": "6", "version": 1},
        ),
        "followup_survey_gone": ({"record": gone_survey.pk}, {"version": 1}),
        "followup_new_event": (
            {"pk": household.pk},
            {"outcome": outcome.pk, "date": "2023-06-01", "evidence": "registration"},
        ),
        "followup_event": ({"record": page_event.pk}, None),
        "followup_event_form": (
            {"record": page_event.pk},
            {"outcome": outcome.pk, "date": "2023-05-01", "evidence": "observation", "version": 1},
        ),
        "followup_event_gone": ({"record": gone_event.pk}, {"version": 1}),
        "followup_api_assessment": (
            {},
            {
                "household": household.pk,
                "instrument": "zrm",
                "date": "2023-04-01",
                "scores": {"financien": 3},
            },
        ),
        "followup_api_assessment_record": (
            {"pk": api_assessment.pk},
            {"version": 1, "scores": {"financien": 5}},
        ),
        "followup_api_survey": (
            {},
            {"household": household.pk, "wave": 48, "date": "2026-06-01", "stress": 7},
        ),
        "followup_api_survey_record": ({"pk": api_survey.pk}, {"version": 1, "stress": 8}),
        "followup_api_event": (
            {},
            {
                "household": household.pk,
                "outcome": outcome.code,
                "date": "2023-07-01",
                "evidence": "own_report",
            },
        ),
        "followup_api_event_record": ({"pk": api_event.pk}, {"version": 1, "evidence": "document"}),
    }
