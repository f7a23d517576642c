"""The OpenAPI 3 schema: valid, without generator warnings, every endpoint in it with its
methods, authentication, filters, pagination and error answers described."""

import json
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.urls import reverse

from siex.accounts.roles import Role
from siex.urls import router

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    """Generated once for the module, as the schema endpoint does (JSON round trip included)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


def router_operations():
    """(OpenAPI path, lower-case method) for every route and method of the router."""
    for url in router.urls:
        kwargs = {
            name: "{id}" if name == "pk" else f"{{{name}}}" for name in url.pattern.regex.groupindex
        }
        path = unquote(reverse(url.name, kwargs=kwargs))
        for method in url.callback.actions:
            # (DRF adds "head" to the actions of a route once it has served a request.)
            if method != "head" and method in url.callback.cls.http_method_names:
                yield path, method


def test_the_schema_generates_and_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    # --fail-on-warn turns every generator warning (an unresolvable field, filter or
    # response) into an error; --validate checks the result against the OpenAPI 3 spec.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert target.read_text().startswith("openapi: 3")


def test_the_schema_endpoint_serves_it_to_every_role(client_for, schema):
    for role in Role:
        response = client_for(role).get("/api/v1/schema/", {"format": "json"})
        assert response.status_code == 200
        assert set(response.json()["paths"]) == set(schema["paths"])


def test_the_schema_lists_every_endpoint_with_its_methods(schema):
    assert schema["openapi"].startswith("3.")
    operations = set(router_operations())
    assert len(operations) == 73
    missing = [
        (path, method) for path, method in operations if method not in schema["paths"].get(path, {})
    ]
    assert not missing
    listed = {
        (path, method)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert listed == operations


def test_every_operation_describes_its_errors(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (path, method)
            if "{" in path:
                assert "404" in codes, (path, method)
            if method in ("post", "put", "patch"):
                assert "400" in codes, (path, method)
    paths = schema["paths"]
    for path in ("/api/v1/households/{id}/", "/api/v1/interventions/{id}/"):
        for method in ("put", "patch"):
            conflict = paths[path][method]["responses"]["409"]
            ref = conflict["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/Conflict")
    assert "409" in paths["/api/v1/scenario-versions/{id}/fix/"]["post"]["responses"]
    assert "409" not in paths["/api/v1/households/"]["post"]["responses"]
    assert "400" in paths["/api/v1/households/"]["get"]["responses"]  # an invalid filter
    assert "current_version" in schema["components"]["schemas"]["Conflict"]["properties"]


def test_authentication_is_described(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["in"] == "header"
    assert "Token <key>" in schemes["tokenAuth"]["description"]
    assert schemes["cookieAuth"]["in"] == "cookie"
    assert "X-CSRFToken" in schemes["cookieAuth"]["description"]
    security = schema["paths"]["/api/v1/households/"]["get"]["security"]
    assert {"tokenAuth": []} in security and {"cookieAuth": []} in security


def test_filters_and_cursor_pagination_are_described(schema):
    households = schema["paths"]["/api/v1/households/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in households["parameters"]}
    assert {
        "cursor",
        "page_size",
        "area",
        "income_source",
        "debt_situation",
        "legal_basis",
        "participation",
        "intervention_type",
        "pseudonym",
        "participation_start_from",
        "participation_start_until",
        "ordering",
    } <= set(parameters)
    assert parameters["participation"]["schema"]["enum"] == [
        "ended",
        "not_started",
        "participating",
    ]
    assert "page" not in parameters
    # The own reference is searched by POST, never in an address.
    assert "reference" not in parameters
    search = schema["paths"]["/api/v1/households/search/"]["post"]
    body = search["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert schema["components"]["schemas"][body.rsplit("/", 1)[1]]["required"] == ["reference"]
    page = households["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    paginated = schema["components"]["schemas"][page.rsplit("/", 1)[1]]
    assert set(paginated["properties"]) == {"next", "previous", "results"}  # no count
    interventions = {
        parameter["name"]
        for parameter in schema["paths"]["/api/v1/interventions/"]["get"]["parameters"]
    }
    assert {
        "household",
        "intervention_type",
        "status",
        "source",
        "start_date_from",
        "start_date_until",
        "end_date_from",
        "end_date_until",
        "cursor",
    } <= interventions
    types = {
        parameter["name"]
        for parameter in schema["paths"]["/api/v1/intervention-types/"]["get"]["parameters"]
    }
    assert {"life_domain", "grade", "is_active", "page", "page_size"} <= types


def test_the_docs_page_is_served_from_our_own_static_files(client_for):
    client = client_for(Role.COUNCIL_MEMBER)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # the content security policy forbids inline scripts
    # The page's own script (a separate file, for the same reason) loads our schema.
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200
    assert reverse("api-schema") in script.content.decode()
    assert (
        client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css").status_code
        == 200
    )
