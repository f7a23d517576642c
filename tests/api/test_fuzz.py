"""Fuzzing the API from its own schema: schemathesis generates requests for every operation of the
OpenAPI schema, valid ones and invalid ones, and sends them as each role (with the role's API
token) into the WSGI application. Every answer must be what the schema promises: never a server
error, a status code the operation lists, the content type it declares and a body that fits the
schema of that status.

Bounded for CI: a fixed number of examples per operation (``EXAMPLES``), derandomised so that a run
repeats the previous one. The figures of a run (operations, cases, answers per status, failures)
are printed per role (shown with -rA) and recorded in docs/RELIABILITY.md ("Fuzzing"):

    bin/test tests/api/test_fuzz.py -n 2 -rA
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from siex.accounts.roles import Role
from tests.access_matrix import AD, ANONYMOUS, CM, PL, PO
from tests.api.test_schema import router_operations
from tests.factories import ActorFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROLES = {
    ANONYMOUS: None,
    PO: Role.POLICY_OFFICER,
    CM: Role.COUNCIL_MEMBER,
    PL: Role.PROJECT_LEAD,
    AD: Role.ADMINISTRATOR,
}
# Examples per operation and generation mode: valid requests (positive) and requests that break
# the schema on purpose (negative). Without credentials every answer is a 401: a few suffice.
EXAMPLES = {"positive": 12, "negative": 8}
ANONYMOUS_EXAMPLES = 3
# Valid requests first sent to see whether the role may use the operation at all.
PROBE = 3
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SCHEMA_URL = "/api/v1/schema/?format=json"


@contextmanager
def connection_kept():
    """The WSGI handler closes the database connection around every request (as it should in
    production); inside a test's transaction that would end the transaction, so here, as in
    Django's own test client, the connection stays open."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@dataclass
class Outcome:
    operations: int = 0
    cases: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: dict = field(default_factory=dict)

    def record(self, operation, case, response, headers):
        self.cases += 1
        self.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (FailureGroup, Failure) as error:
            found = error.exceptions if isinstance(error, FailureGroup) else [error]
            for failure in found:
                key = (operation.label, failure.title)
                if key not in self.failures:
                    self.failures[key] = (
                        f"{operation.label}: {failure.title}\n{failure.message}\n"
                        f"{case.as_curl_command(headers=headers)}\n"
                        f"-> {response.status_code} {response.text[:500]}"
                    )


def known_records(world) -> dict[str, dict]:
    """Path parameters of records that exist, per path prefix: half the examples of a detail
    operation address a real record (the other half an id or code made up by the fuzzer)."""
    return {
        "/api/v1/areas/": {"id": world.district.pk},
        "/api/v1/area-photos/": {"code": world.district.code},
        "/api/v1/indicators/": {"id": world.indicator_value.indicator_id},
        "/api/v1/indicator-values/": {"id": world.indicator_value.pk},
        "/api/v1/context-notes/": {"id": world.context_note.pk},
        "/api/v1/photos/": {"id": world.kept_photo.pk},
        "/api/v1/life-domains/": {"code": world.intervention_type.life_domain.code},
        "/api/v1/actors/": {"code": ActorFactory().code},
        "/api/v1/intervention-types/": {"code": world.intervention_type.code},
        "/api/v1/outcomes/": {"code": world.outcome.code},
        "/api/v1/households/": {"id": world.household.pk},
        "/api/v1/interventions/": {"id": world.intervention.pk},
        "/api/v1/assessments/": {"id": world.assessment.pk},
        "/api/v1/surveys/": {"id": world.survey.pk},
        "/api/v1/outcome-events/": {"id": world.outcome_event.pk},
        "/api/v1/transitions/": {"code": world.zrm.code},
        "/api/v1/scenarios/": {"id": world.version.scenario_id},
        "/api/v1/scenario-versions/": {"id": world.version.pk},
        "/api/v1/calculation-runs/": {"id": world.run.pk},
    }


def fuzz(operation, *, headers, known, examples) -> Outcome:
    """Generated requests for one operation. A few valid ones first: when every answer is 401 or
    403 the role may not use the operation (the access matrix tests that refusal) and the rest
    is left out; otherwise the full number of examples per generation mode follows."""
    outcome = Outcome(operations=1)
    parameters = next(
        (value for prefix, value in known.items() if operation.path.startswith(prefix)), None
    )
    if not (parameters and set(parameters) <= {p.name for p in operation.path_parameters}):
        parameters = None

    def generate(mode: str, count: int) -> None:
        generation = GenerationMode(mode)
        strategy = operation.as_strategy(generation_mode=generation)
        if parameters:
            strategy = st.one_of(
                strategy,
                operation.as_strategy(generation_mode=generation, path_parameters=parameters),
            )

        @settings(
            max_examples=count,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case):
            response = case.call(headers=headers)
            outcome.record(operation, case, response, headers)

        try:
            run()
        except Unsatisfiable:
            # Nothing to break: an operation without parameters or body has no invalid request.
            assert generation is GenerationMode.NEGATIVE

    generate("positive", PROBE)
    if set(outcome.statuses) <= {401, 403}:
        return outcome
    for mode, count in examples.items():
        generate(mode, count)
    return outcome


@pytest.mark.parametrize("who", list(ROLES))
def test_every_operation_answers_as_its_schema_says(who, world, user_for):
    role = ROLES[who]
    headers = {}
    if role is not None:
        token, _ = Token.objects.get_or_create(user=user_for(role))
        headers = {"Authorization": f"Token {token.key}"}
    reader = Token.objects.get_or_create(user=user_for(Role.COUNCIL_MEMBER))[0]
    known = known_records(world)
    examples = EXAMPLES if role else dict.fromkeys(EXAMPLES, ANONYMOUS_EXAMPLES)
    total = Outcome()
    with connection_kept():
        schema = schemathesis.openapi.from_wsgi(
            SCHEMA_URL, WSGIHandler(), headers={"Authorization": f"Token {reader.key}"}
        )
        for result in schema.get_all_operations():
            operation = result.ok()
            outcome = fuzz(operation, headers=headers, known=known, examples=examples)
            total.operations += outcome.operations
            total.cases += outcome.cases
            total.statuses.update(outcome.statuses)
            total.failures.update(outcome.failures)
    print(
        f"\nfuzz {who}: {total.operations} operations, {total.cases} cases, "
        f"{len(total.failures)} failures; statuses {dict(sorted(total.statuses.items()))}"
    )
    assert total.operations == len(set(router_operations()))  # every operation, none skipped
    assert not total.failures, "\n\n".join(total.failures.values())
