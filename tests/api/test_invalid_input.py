"""Invalid input to the API: a JSON answer that says what is wrong, never a server error or an
HTML page; read-only fields never change. The cases the fuzzer (tests/api/test_fuzz.py) found,
kept as plain tests, and Hypothesis generating bodies for the serializers."""

from __future__ import annotations

import importlib
import inspect

import pytest
from django.core.exceptions import FieldDoesNotExist
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from interventions.followup.models import Assessment
from interventions.register.models import Household, Intervention
from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db

API_MODULES = [
    "monitoring.api",
    "monitoring.photos.api",
    "interventions.catalogue.api",
    "interventions.register.api",
    "interventions.followup.api",
    "calculation.api",
    "calculation.realised.api",
]


@pytest.fixture
def officer(client_for):
    return client_for(Role.POLICY_OFFICER)


@pytest.fixture
def reader(client_for):
    return client_for(Role.COUNCIL_MEMBER)


# --- what the fuzzer found --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/areas/0.5/", "/api/v1/households/-1e-12/", "/api/v1/nothing/", "/api/"]
)
def test_an_api_address_no_route_matches_answers_json_404(officer, path):
    response = officer.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_other_addresses_keep_the_html_404(officer):
    response = officer.get("/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_too_many_fields_in_an_api_query_is_a_json_400(officer, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    query = "&".join(f"code={n}" for n in range(20))
    response = officer.get(f"/api/v1/areas/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("page", ["0", "-1", "1.5", "abc", "false", "", "9" * 30, "²"])
def test_a_page_that_is_not_a_whole_number_of_1_or_more_is_400(reader, world, page):
    world.district  # noqa: B018
    response = reader.get("/api/v1/areas/", {"page": page})
    assert response.status_code == 400, response.content
    assert response.json()["page"] == ["Enter a whole number of 1 or more."]


def test_a_page_after_the_last_is_404(reader, world):
    world.district  # noqa: B018
    assert reader.get("/api/v1/areas/", {"page": 1}).status_code == 200
    response = reader.get("/api/v1/areas/", {"page": 3})
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no such page."}


@pytest.mark.parametrize("path", ["/api/v1/areas/", "/api/v1/households/"])
@pytest.mark.parametrize("size", ["false", "0", "-5", "2.5", ""])
def test_a_page_size_that_is_not_a_whole_number_of_1_or_more_is_400(officer, path, size):
    response = officer.get(path, {"page_size": size})
    assert response.status_code == 400, response.content
    assert "page_size" in response.json()


def test_the_schema_documents_the_answers_of_pages_and_deletions(schema_paths):
    areas = schema_paths["/api/v1/areas/"]["get"]
    parameters = {parameter["name"]: parameter["schema"] for parameter in areas["parameters"]}
    assert parameters["page"]["minimum"] == 1
    assert parameters["page_size"]["minimum"] == 1
    assert {"400", "404"} <= set(areas["responses"])
    assert {"400", "404"} <= set(schema_paths["/api/v1/households/"]["get"]["responses"])
    assert {"400", "404"} <= set(schema_paths["/api/v1/life-domains/"]["get"]["responses"])
    deletion = schema_paths["/api/v1/assessments/{id}/"]["delete"]["responses"]
    assert {"400", "409"} <= set(deletion)
    # A date in the query that cannot be read is a 400.
    assert "400" in schema_paths["/api/v1/area-photos/{code}/"]["get"]["responses"]
    assert "404" in schema_paths["/api/v1/photos/compare/"]["get"]["responses"]
    assert "415" in schema_paths["/api/v1/households/"]["post"]["responses"]


def test_the_household_area_is_declared_as_a_wijk_code(schema_components, officer, world):
    area = schema_components["PatchedHouseholdRequest"]["properties"]["area"]
    assert area["pattern"] == "^WK[0-9]{6}$"
    household = world.household
    response = officer.patch(
        f"/api/v1/households/{household.pk}/",
        {"area": "GM0014", "version": household.version},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["area"]


def test_every_nullable_field_the_api_reads_is_nullable_in_its_schema():
    """A read-only relation to a nullable column (parent, budget_line, created_by, fixed_by,
    started_by, ...) says allow_null, so that the schema says nullable."""
    missing = []
    for module_name in API_MODULES:
        module = importlib.import_module(module_name)
        for name, cls in vars(module).items():
            if not (
                inspect.isclass(cls)
                and issubclass(cls, serializers.ModelSerializer)
                and cls.__module__ == module_name
                and hasattr(cls, "Meta")
            ):
                continue  # (a base class without a model of its own)
            model = cls.Meta.model
            for field_name, field in cls().fields.items():
                if field.write_only or field.source == "*" or "." in field.source:
                    continue
                if isinstance(field, serializers.ListSerializer):
                    continue  # the records of a reverse relation: never null
                try:
                    column = model._meta.get_field(field.source)
                except FieldDoesNotExist:
                    continue  # a property or a method, not a column
                if getattr(column, "null", False) and not field.allow_null:
                    missing.append(f"{module_name}.{name}.{field_name}")
    assert not missing


def test_an_unknown_version_when_deleting_is_a_documented_409(officer, world):
    assessment = world.assessment
    response = officer.delete(f"/api/v1/assessments/{assessment.pk}/?version=99")
    assert response.status_code == 409
    assert response.json()["current_version"] == assessment.version
    response = officer.delete(f"/api/v1/assessments/{assessment.pk}/?version=x")
    assert response.status_code == 400
    assert Assessment.objects.filter(pk=assessment.pk).exists()


@pytest.fixture(scope="module")
def schema_document(django_db_blocker):
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    with django_db_blocker.unblock():
        generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


@pytest.fixture
def schema_paths(schema_document):
    return schema_document["paths"]


@pytest.fixture
def schema_components(schema_document):
    return schema_document["components"]["schemas"]


# --- Hypothesis: generated bodies -------------------------------------------------------------

# Values of every JSON type, including the awkward ones: empty, very long, control characters,
# numbers far out of range, nested.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=300),
    st.sampled_from(["", "0", "-1", "2024-02-30", "WK001404", "GM0014", "1e400", "\x00"]),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(), scalars))

HOUSEHOLD_FIELDS = [
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
    # Read only: sent, never taken.
    "pseudonym",
    "source",
    "created_at",
    "id",
]
INTERVENTION_FIELDS = [
    "household",
    "intervention_type",
    "start_date",
    "end_date",
    "status",
    "actual_cost",
    "cost_deviation_reason",
    "notes",
    "created_by",
    "updated_by",
    "source",
    "id",
]
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def body_of(fields):
    return st.dictionaries(st.sampled_from(fields), values, max_size=len(fields))


def assert_answer(response, *allowed):
    """A JSON answer with one of the allowed statuses; a 400 says per field what is wrong."""
    assert response.status_code in allowed, (response.status_code, response.content)
    assert response["Content-Type"] == "application/json"
    if response.status_code == 400:
        messages = response.json()
        assert messages and isinstance(messages, dict)
        assert all(messages.values())


@pytest.mark.slow
@FUZZ
@given(body=body_of(HOUSEHOLD_FIELDS), send_version=st.booleans())
def test_a_household_patch_never_fails_and_never_changes_what_is_read_only(
    officer, world, body, send_version
):
    household = world.fresh(world.household)
    before = (household.pseudonym, household.source, household.created_at, household.created_by_id)
    if send_version:
        body = {**body, "version": household.version}
    response = officer.patch(
        f"/api/v1/households/{household.pk}/", body, content_type="application/json"
    )
    assert_answer(response, 200, 400, 409)
    household.refresh_from_db()
    after = (household.pseudonym, household.source, household.created_at, household.created_by_id)
    assert after == before
    if response.status_code == 200:
        assert response.json()["pseudonym"] == before[0]
        assert household.version == body["version"] + 1
    else:
        assert household.version == world.fresh(world.household).version


@pytest.mark.slow
@FUZZ
@given(body=body_of(HOUSEHOLD_FIELDS + ["external_reference"]))
def test_registering_a_household_with_any_body_is_201_or_a_400_with_messages(officer, world, body):
    world.district  # noqa: B018
    before = Household.objects.count()
    response = officer.post("/api/v1/households/", body, content_type="application/json")
    assert_answer(response, 201, 400)
    assert Household.objects.count() == before + (response.status_code == 201)


@pytest.mark.slow
@FUZZ
@given(body=body_of(INTERVENTION_FIELDS), send_version=st.booleans())
def test_an_intervention_patch_never_fails_and_never_changes_what_is_read_only(
    officer, world, body, send_version
):
    intervention = world.fresh(world.intervention)
    before = (
        intervention.household_id,
        intervention.source,
        intervention.created_by_id,
        intervention.created_at,
    )
    if send_version:
        body = {**body, "version": intervention.version}
    response = officer.patch(
        f"/api/v1/interventions/{intervention.pk}/", body, content_type="application/json"
    )
    assert_answer(response, 200, 400, 409)
    intervention.refresh_from_db()
    assert (
        intervention.household_id,
        intervention.source,
        intervention.created_by_id,
        intervention.created_at,
    ) == before
    if response.status_code != 200:
        assert Intervention.objects.get(pk=intervention.pk).version == intervention.version


@pytest.mark.slow
@FUZZ
@given(
    body=body_of(["household", "instrument", "date", "scores", "version", "source", "created_by"])
)
def test_an_assessment_put_never_fails(officer, world, body):
    assessment = world.fresh(world.assessment)
    response = officer.put(
        f"/api/v1/assessments/{assessment.pk}/", body, content_type="application/json"
    )
    assert_answer(response, 200, 400, 409)
    assessment.refresh_from_db()
    assert assessment.household_id == world.household.pk
    assert assessment.source == "manual"


@pytest.mark.slow
@FUZZ
@given(body=st.one_of(values, st.binary(max_size=200)))
def test_a_body_that_is_no_object_is_a_400(officer, world, body):
    world.household  # noqa: B018
    if isinstance(body, bytes):
        response = officer.generic(
            "POST", "/api/v1/households/", body, content_type="application/json"
        )
    else:
        response = officer.post("/api/v1/households/", body, content_type="application/json")
    assert_answer(response, 400)
