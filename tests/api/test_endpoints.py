"""Every API endpoint × every role × every method: served, refused, or not there.

Allowed: the success status of the method. Refused: 401 without credentials, 403 with a user
whose role does not admit it (also for a method the endpoint lacks). A method the endpoint does
not have answers 405 to those who may read the endpoint. An unknown id answers 404 to those who
may use the endpoint and 403 to everyone else, so a refused user never learns what exists.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from calculation.selectors import scenario_document
from siex.urls import router
from tests.access_matrix import ALL_ROLES, ANONYMOUS, CM, PL, PO
from tests.api.fixtures import WHO, World

pytestmark = pytest.mark.django_db

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
REGISTER_READERS = {PO, PL}
PHOTO_READERS = {PO, PL, CM}
RESULT_READERS = {PL, CM}
UNKNOWN_PK = 987654


@dataclass
class Method:
    allowed: set
    status: int
    data: Callable[[World], dict | None] = lambda world: None


@dataclass
class Route:
    name: str
    kwargs: Callable[[World], dict] | None
    readers: set
    methods: dict[str, Method]
    unknown: dict | None = field(default=None)


def read_only(name, kwargs=None, readers=ALL_ROLES, unknown=None):
    return Route(name, kwargs, readers, {"GET": Method(readers, 200)}, unknown)


ROUTES = [
    read_only("api-schema"),
    read_only("api-docs"),
    read_only("area-list"),
    read_only("area-detail", lambda w: {"pk": w.district.pk}, unknown={"pk": UNKNOWN_PK}),
    read_only("indicator-list"),
    read_only(
        "indicator-detail",
        lambda w: {"pk": w.indicator_value.indicator_id},
        unknown={"pk": UNKNOWN_PK},
    ),
    read_only("indicator-value-list"),
    read_only(
        "indicator-value-detail",
        lambda w: {"pk": w.indicator_value.pk},
        unknown={"pk": UNKNOWN_PK},
    ),
    read_only("context-note-list"),
    read_only(
        "context-note-detail", lambda w: {"pk": w.context_note.pk}, unknown={"pk": UNKNOWN_PK}
    ),
    read_only("life-domain-list"),
    read_only(
        "life-domain-detail",
        lambda w: {"code": w.intervention_type.life_domain.code},
        unknown={"code": "onbekend"},
    ),
    read_only("actor-list"),
    read_only(
        "actor-detail",
        lambda w: {"code": w.intervention_type.paying_actor.code},
        unknown={"code": "onbekend"},
    ),
    read_only("intervention-type-list"),
    read_only(
        "intervention-type-detail",
        lambda w: {"code": w.intervention_type.code},
        unknown={"code": "onbekend"},
    ),
    read_only("outcome-list"),
    read_only("outcome-detail", lambda w: {"code": w.outcome.code}, unknown={"code": "onbekend"}),
    Route(
        "household-list",
        None,
        REGISTER_READERS,
        {
            "GET": Method(REGISTER_READERS, 200),
            "POST": Method({PO}, 201, lambda w: w.new_household()),
        },
    ),
    Route(
        "household-search",
        None,
        REGISTER_READERS,
        {"POST": Method(REGISTER_READERS, 200, lambda w: {"reference": "WIJ-API-00001"})},
    ),
    Route(
        "household-detail",
        lambda w: {"pk": w.household.pk},
        REGISTER_READERS,
        {
            "GET": Method(REGISTER_READERS, 200),
            "PUT": Method({PO}, 200, lambda w: w.household_put()),
            "PATCH": Method(
                {PO}, 200, lambda w: {"version": w.fresh(w.household).version, "children": 3}
            ),
        },
        unknown={"pk": UNKNOWN_PK},
    ),
    Route(
        "intervention-list",
        None,
        REGISTER_READERS,
        {
            "GET": Method(REGISTER_READERS, 200),
            "POST": Method({PO}, 201, lambda w: w.new_intervention()),
        },
    ),
    Route(
        "intervention-detail",
        lambda w: {"pk": w.intervention.pk},
        REGISTER_READERS,
        {
            "GET": Method(REGISTER_READERS, 200),
            "PUT": Method({PO}, 200, lambda w: w.intervention_put()),
            "PATCH": Method(
                {PO}, 200, lambda w: {"version": w.fresh(w.intervention).version, "notes": "Ok"}
            ),
        },
        unknown={"pk": UNKNOWN_PK},
    ),
    Route(
        "assessment-list",
        None,
        REGISTER_READERS,
        {
            "GET": Method(REGISTER_READERS, 200),
            "POST": Method({PO}, 201, lambda w: w.new_assessment()),
        },
    ),
    Route(
        "assessment-detail",
        lambda w: {"pk": w.assessment.pk},
        REGISTER_READERS,
        {
            "GET": Method(REGISTER_READERS, 200),
            "PUT": Method({PO}, 200, lambda w: w.assessment_put()),
            "PATCH": Method(
                {PO},
                200,
                lambda w: {"version": w.fresh(w.assessment).version, "scores": {"financien": 4}},
            ),
            # Without the version read, a deletion is refused (400) after the role is admitted.
            "DELETE": Method({PO}, 400),
        },
        unknown={"pk": UNKNOWN_PK},
    ),
    Route(
        "survey-list",
        None,
        REGISTER_READERS,
        {
            "GET": Method(REGISTER_READERS, 200),
            "POST": Method({PO}, 201, lambda w: w.new_survey()),
        },
    ),
    Route(
        "survey-detail",
        lambda w: {"pk": w.survey.pk},
        REGISTER_READERS,
        {
            "GET": Method(REGISTER_READERS, 200),
            "PUT": Method({PO}, 200, lambda w: w.survey_put()),
            "PATCH": Method(
                {PO}, 200, lambda w: {"version": w.fresh(w.survey).version, "stress": 7}
            ),
            # Without the version read, a deletion is refused (400) after the role is admitted.
            "DELETE": Method({PO}, 400),
        },
        unknown={"pk": UNKNOWN_PK},
    ),
    Route(
        "outcome-event-list",
        None,
        REGISTER_READERS,
        {
            "GET": Method(REGISTER_READERS, 200),
            "POST": Method({PO}, 201, lambda w: w.new_outcome_event()),
        },
    ),
    Route(
        "outcome-event-detail",
        lambda w: {"pk": w.outcome_event.pk},
        REGISTER_READERS,
        {
            "GET": Method(REGISTER_READERS, 200),
            "PUT": Method({PO}, 200, lambda w: w.outcome_event_put()),
            "PATCH": Method(
                {PO},
                200,
                lambda w: {"version": w.fresh(w.outcome_event).version, "evidence": "observation"},
            ),
            # Without the version read, a deletion is refused (400) after the role is admitted.
            "DELETE": Method({PO}, 400),
        },
        unknown={"pk": UNKNOWN_PK},
    ),
    # Scenarios, versions and runs: the project lead's; the council reads the fixed versions and
    # their results (never a draft), so a method these endpoints (and the actions on a version)
    # lack answers it 405.
    Route(
        "scenario-list",
        None,
        RESULT_READERS,
        {
            "GET": Method(RESULT_READERS, 200),
            "POST": Method({PL}, 201, lambda w: w.new_scenario()),
        },
    ),
    read_only(
        "scenario-detail", lambda w: {"pk": w.fixed.scenario_id}, RESULT_READERS, {"pk": UNKNOWN_PK}
    ),
    Route(
        "scenario-detail",
        lambda w: {"pk": w.draft.scenario_id},
        RESULT_READERS,
        {"GET": Method({PL}, 200)},
    ),
    read_only("scenario-version-list", readers=RESULT_READERS),
    Route(
        "scenario-version-detail",
        lambda w: {"pk": w.version.pk},
        RESULT_READERS,
        {
            "GET": Method({PL}, 200),
            "PATCH": Method(
                {PL}, 200, lambda w: {"version": w.fresh(w.version).version, "note": "via de API"}
            ),
        },
    ),
    Route(
        "scenario-version-detail",
        lambda w: {"pk": w.fixed.pk},
        RESULT_READERS,
        # A fixed version never changes: refused after the role is admitted (400).
        {"GET": Method(RESULT_READERS, 200), "PATCH": Method({PL}, 400)},
        unknown={"pk": UNKNOWN_PK},
    ),
    Route(
        "scenario-version-document",
        lambda w: {"pk": w.fixed.pk},
        RESULT_READERS,
        {"GET": Method({PL}, 200)},
        unknown={"pk": UNKNOWN_PK},
    ),
    Route(
        "scenario-version-import",
        None,
        RESULT_READERS,
        {
            "POST": Method(
                {PL}, 201, lambda w: {**scenario_document(w.version), "code": f"imp-{w.number()}"}
            )
        },
    ),
    Route(
        "scenario-version-fix",
        lambda w: {"pk": w.fixable.pk},
        RESULT_READERS,
        {"POST": Method({PL}, 200, lambda w: {"version": w.fresh(w.fixable).version})},
        unknown={"pk": UNKNOWN_PK},
    ),
    Route(
        "scenario-version-new-version",
        lambda w: {"pk": w.version.pk},
        RESULT_READERS,
        {"POST": Method({PL}, 201, lambda w: {"note": "nieuw"})},
        unknown={"pk": UNKNOWN_PK},
    ),
    Route(
        "scenario-version-runs",
        lambda w: {"pk": w.version.pk},
        RESULT_READERS,
        {"POST": Method({PL}, 202)},
        unknown={"pk": UNKNOWN_PK},
    ),
    Route(
        "scenario-version-revise",
        lambda w: {"pk": w.fixed.pk},
        RESULT_READERS,
        {"POST": Method({PL}, 201, lambda w: {"note": "herziening"})},
        unknown={"pk": UNKNOWN_PK},
    ),
    Route(
        "scenario-version-close",
        lambda w: {"pk": w.fixed.pk},
        RESULT_READERS,
        {"POST": Method({PL}, 201)},
        unknown={"pk": UNKNOWN_PK},
    ),
    # Realised returns of a fixed version: the policy officer and the council read them too (the
    # council as suppressed aggregates); the realisation degree the council too; the comparison
    # group the project lead alone.
    Route(
        "scenario-version-realised",
        lambda w: {"pk": w.fixed.pk},
        RESULT_READERS,
        {"GET": Method({PL, PO, CM}, 200)},
        unknown={"pk": UNKNOWN_PK},
    ),
    Route(
        "scenario-version-realisation",
        lambda w: {"pk": w.fixed.pk},
        RESULT_READERS,
        {"GET": Method({PL, CM}, 200)},
        unknown={"pk": UNKNOWN_PK},
    ),
    Route(
        "scenario-version-comparison-group",
        lambda w: {"pk": w.fixed.pk},
        RESULT_READERS,
        {"GET": Method({PL}, 200)},
        unknown={"pk": UNKNOWN_PK},
    ),
    # Transitions between assessment levels per cohort: aggregates, suppressed for the council.
    read_only(
        "transition-detail",
        lambda w: {"code": w.zrm.code},
        readers={PL, CM},
        unknown={"code": "onbekend"},
    ),
    # The council reads plan versus actual of a fixed version (and nothing else of a version).
    Route(
        "scenario-version-plan-actual",
        lambda w: {"pk": w.fixed.pk},
        RESULT_READERS,
        {"GET": Method({PL, CM}, 200)},
        unknown={"pk": UNKNOWN_PK},
    ),
    Route(
        "area-photo-detail",
        lambda w: {"code": w.district.code},
        REGISTER_READERS,
        {"GET": Method(REGISTER_READERS, 200, lambda w: {"date": "2024-06-01"})},
        unknown={"code": "WK999999"},
    ),
    Route(
        "photo-list",
        None,
        PHOTO_READERS,
        {
            "GET": Method(PHOTO_READERS, 200),
            "POST": Method(
                REGISTER_READERS,
                201,
                lambda w: {"area": w.district.code, "date": "2024-06-01", "title": "API"},
            ),
        },
    ),
    Route(
        "photo-detail",
        lambda w: {"pk": w.kept_photo.pk},
        PHOTO_READERS,
        {"GET": Method(PHOTO_READERS, 200), "DELETE": Method({PL}, 204)},
        unknown={"pk": UNKNOWN_PK},
    ),
    Route(
        "photo-compare",
        None,
        PHOTO_READERS,
        {
            "GET": Method(
                PHOTO_READERS,
                200,
                lambda w: {"first": w.kept_photo.pk, "second": w.photo().pk},
            )
        },
    ),
    read_only("calculation-run-list", readers=RESULT_READERS),
    *(
        route
        for name in ("calculation-run-detail", "calculation-run-results", "calculation-run-tables")
        for route in (
            Route(name, lambda w: {"pk": w.run.pk}, RESULT_READERS, {"GET": Method({PL}, 200)}),
            read_only(name, lambda w: {"pk": w.fixed_run.pk}, RESULT_READERS, {"pk": UNKNOWN_PK}),
        )
    ),
]


def send(client, method: str, url: str, data=None):
    if method == "GET":
        return client.get(url, data or {})
    return client.generic(method, url, data=json.dumps(data or {}), content_type="application/json")


def refused_status(who) -> int:
    return 401 if who == ANONYMOUS else 403


def test_every_router_endpoint_is_in_the_matrix():
    names = {url.name for url in router.urls}
    assert names | {"api-schema", "api-docs"} == {route.name for route in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_endpoint_for_every_role_and_method(route, clients, world):
    kwargs = route.kwargs(world) if route.kwargs else {}
    url = reverse(route.name, kwargs=kwargs)
    wrong = []
    for who in WHO:
        for method in METHODS:
            spec = route.methods.get(method)
            if spec is None:
                expected = 405 if who in route.readers else refused_status(who)
                data = {}
            else:
                expected = spec.status if who in spec.allowed else refused_status(who)
                data = spec.data(world)
            if (route.name, who, method) == ("api-docs", ANONYMOUS, "GET"):
                expected = 302  # a page for the browser: sign in first (test_access checks where)
            response = send(clients[who], method, url, data)
            if response.status_code != expected:
                wrong.append((who, method, expected, response.status_code, response.content[:200]))
            if expected in (401, 403):
                assert b"pseudonym" not in response.content
    assert not wrong, "\n".join(map(str, wrong))


@pytest.mark.parametrize(
    "route", [route for route in ROUTES if route.unknown], ids=lambda route: route.name
)
def test_an_unknown_id_is_404_for_those_allowed_and_403_for_everyone_else(route, clients, world):
    url = reverse(route.name, kwargs=route.unknown)
    wrong = []
    for who in WHO:
        for method, spec in route.methods.items():
            expected = 404 if who in spec.allowed else refused_status(who)
            response = send(clients[who], method, url, spec.data(world))
            if response.status_code != expected:
                wrong.append((who, method, expected, response.status_code))
    assert not wrong, wrong
