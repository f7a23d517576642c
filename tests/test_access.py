"""Role × page matrix: every page and endpoint that exists, for every role, allowed or refused.

The test fails when a URL is added without an entry here, so no page escapes the matrix.
"""

from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from calculation.selectors import scenario_document
from calculation.services import (
    run_execute,
    run_start,
    scenario_create,
    scenario_version_fix,
    scenario_version_new,
    scenario_version_update,
)
from tests.access_matrix import (
    AD,
    ALL_ROLES,
    ANONYMOUS,
    CM,
    EVERYONE,
    NO_ROLE,
    PL,
    PO,
    accounts,
    audit,
    catalogue,
    compare,
    dashboard,
    followup,
    imports,
    indicator_imports,
    monitoring,
    participants,
    photos,
    realised,
    register,
    revision,
    sign_in,
)
from tests.factories import (
    HouseholdFactory,
    InterventionFactory,
    InterventionTypeFactory,
    OutcomeFactory,
)
from tests.two_factor import force_login_verified

pytestmark = pytest.mark.django_db

PARTS = [
    register,
    followup,
    imports,
    catalogue,
    audit,
    accounts,
    monitoring,
    revision,
    indicator_imports,
    photos,
    realised,
    compare,
    dashboard,
    participants,
    sign_in,
]

# url name -> list of (method, kwargs/data builder, who is allowed)
# "allowed" means the request is served (2xx, or the redirect a form post ends with); everyone
# else is refused: a redirect to sign in for anonymous page requests, 403 otherwise.
MATRIX = {
    "home": [("get", None, ALL_ROLES)],
    "health": [("get", None, EVERYONE)],
    "accounts:login": [("get", None, EVERYONE)],
    "accounts:logout": [("post", None, EVERYONE)],
    "accounts:password_change": [("get", None, ALL_ROLES)],
    "accounts:password_change_done": [("get", None, ALL_ROLES)],
    "set_language": [("post", None, EVERYONE)],
    "core:status": [("get", None, {AD})],
    "core:status-worker": [("get", None, {AD})],
    "api-schema": [("get", None, ALL_ROLES)],
    "api-docs": [("get", None, ALL_ROLES)],
    "area-list": [("get", None, ALL_ROLES)],
    "area-detail": [("get", "area", ALL_ROLES)],
    "life-domain-list": [("get", None, ALL_ROLES)],
    "life-domain-detail": [("get", "life_domain", ALL_ROLES)],
    "actor-list": [("get", None, ALL_ROLES)],
    "actor-detail": [("get", "actor", ALL_ROLES)],
    "intervention-type-list": [("get", None, ALL_ROLES)],
    "intervention-type-detail": [("get", "intervention_type", ALL_ROLES)],
    "outcome-list": [("get", None, ALL_ROLES)],
    "outcome-detail": [("get", "outcome", ALL_ROLES)],
    "household-list": [("get", None, {PO, PL}), ("post", "new_household", {PO})],
    "household-search": [("post", "household_search", {PO, PL})],
    "household-detail": [("get", "household", {PO, PL}), ("patch", "household", {PO})],
    "intervention-list": [("get", None, {PO, PL}), ("post", "new_intervention", {PO})],
    "intervention-detail": [("get", "intervention", {PO, PL}), ("patch", "intervention", {PO})],
    # Scenarios and calculations: the project lead's; the council reads fixed versions and their
    # results (never a draft).
    "calculation:scenarios": [("get", None, {PL, CM})],
    "calculation:scenario-new": [("get", None, {PL}), ("post", "new_scenario", {PL})],
    "calculation:scenario-upload": [("get", None, {PL}), ("post", None, {PL})],
    "calculation:version": [("get", "version", {PL}), ("get", "fixed_version", {PL, CM})],
    "calculation:version-edit": [("get", "version", {PL}), ("post", "version", {PL})],
    "calculation:version-fix": [("get", "version", {PL}), ("post", "fixable_page", {PL})],
    "calculation:version-new": [("get", "version", {PL}), ("post", "version", {PL})],
    "calculation:version-copy": [("get", "version", {PL}), ("post", "copy", {PL})],
    "calculation:version-download": [("get", "version", {PL}), ("get", "fixed_version", {PL})],
    "calculation:version-run": [("post", "version", {PL})],
    "calculation:run": [("get", "run", {PL}), ("get", "fixed_run", {PL, CM})],
    "calculation:run-progress": [("get", "run", {PL}), ("get", "fixed_run", {PL, CM})],
    "calculation:run-download": [("get", "run", {PL}), ("get", "fixed_run", {PL, CM})],
    "calculation:run-workbook": [("get", "run", {PL}), ("get", "fixed_run", {PL, CM})],
    "calculation:run-chart": [("get", "run_chart", {PL}), ("get", "fixed_run_chart", {PL, CM})],
    "scenario-list": [("get", None, {PL, CM}), ("post", "new_scenario_api", {PL})],
    "scenario-detail": [("get", "scenario", {PL, CM}), ("get", "draft_scenario", {PL})],
    "scenario-version-list": [("get", None, {PL, CM})],
    "scenario-version-detail": [
        ("get", "version", {PL}),
        ("get", "fixed_version", {PL, CM}),
        ("patch", "version", {PL}),
    ],
    "scenario-version-document": [("get", "version", {PL}), ("get", "fixed_version", {PL})],
    "scenario-version-import": [("post", "import", {PL})],
    "scenario-version-fix": [("post", "fixable_api", {PL})],
    "scenario-version-new-version": [("post", "version", {PL})],
    "scenario-version-runs": [("post", "version", {PL})],
    "calculation-run-list": [("get", None, {PL, CM})],
    "calculation-run-detail": [("get", "run", {PL}), ("get", "fixed_run", {PL, CM})],
    "calculation-run-results": [("get", "run", {PL}), ("get", "fixed_run", {PL, CM})],
    "calculation-run-tables": [("get", "run", {PL}), ("get", "fixed_run", {PL, CM})],
}
for _part in PARTS:
    assert not set(_part.MATRIX) & set(MATRIX), _part.__name__
    MATRIX.update(_part.MATRIX)

HOUSEHOLD_LEVEL = {
    "household-list",
    "household-detail",
    "intervention-list",
    "intervention-detail",
}.union(*(part.HOUSEHOLD_LEVEL for part in PARTS))


def url_names(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = pattern.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from url_names(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_in_the_matrix():
    assert set(url_names()) == set(MATRIX)


@pytest.fixture
def objects(groningen_areas):
    household = HouseholdFactory(area=groningen_areas[0], participation_start=date(2023, 1, 1))
    intervention = InterventionFactory(household=household)
    outcome = OutcomeFactory()
    intervention_type = intervention.intervention_type
    new_type = InterventionTypeFactory(code="nieuw-type")
    # Scenarios on the catalogue above: a draft with a finished run, and drafts to fix.
    version = scenario_create(code="matrix", name="Matrix")
    version = scenario_version_update(
        version=version, expected_version=version.version, monte_carlo_draws=100
    )
    run = run_start(version=version)
    run_execute(run_id=run.pk)
    fixed = scenario_version_new(version=version)
    fixed = scenario_version_fix(version=fixed, expected_version=fixed.version)
    fixed_run = run_start(version=fixed)
    run_execute(run_id=fixed_run.pk)
    draft_scenario = scenario_create(code="matrix-ontwerp", name="Alleen een ontwerp")
    fixable_page = scenario_version_new(version=version)
    fixable_api = scenario_version_new(version=version)
    context = {
        "household": household,
        "intervention": intervention,
        "intervention_type": intervention_type,
        "new_type": new_type,
        "outcome": outcome,
        "version": version,
        "run": run,
        "areas": groningen_areas,
    }
    built = {
        "version": ({"pk": version.pk}, {"version": version.version, "note": "matrix"}),
        "fixable_page": ({"pk": fixable_page.pk}, {"version": fixable_page.version}),
        "fixable_api": ({"pk": fixable_api.pk}, {"version": fixable_api.version}),
        "copy": ({"pk": version.pk}, {"code": "matrix-kopie", "name": "Kopie"}),
        "run": ({"pk": run.pk}, None),
        "fixed_version": ({"pk": fixed.pk}, None),
        "fixed_run": ({"pk": fixed_run.pk}, None),
        "run_chart": ({"pk": run.pk, "key": "grex", "file_format": "csv"}, None),
        "fixed_run_chart": ({"pk": fixed_run.pk, "key": "grex", "file_format": "csv"}, None),
        "draft_scenario": ({"pk": draft_scenario.scenario_id}, None),
        "scenario": ({"pk": version.scenario_id}, None),
        "new_scenario": ({}, {"code": "matrix-nieuw", "name": "Nieuw"}),
        "new_scenario_api": ({}, {"code": "matrix-api", "name": "Via de API"}),
        "import": ({}, {**scenario_document(version), "code": "matrix-import"}),
        "area": ({"pk": groningen_areas[0].pk}, None),
        "life_domain": ({"code": outcome.life_domain.code}, None),
        "actor": ({"code": intervention_type.paying_actor.code}, None),
        "intervention_type": ({"code": intervention_type.code}, None),
        "outcome": ({"code": outcome.code}, None),
        "household": ({"pk": household.pk}, {"version": household.version, "children": 1}),
        "intervention": ({"pk": intervention.pk}, {"version": intervention.version, "notes": "x"}),
        "household_search": ({}, {"reference": "WIJ-MATRIX-1"}),
        "new_household": (
            {},
            {
                "external_reference": "WIJ-MATRIX-1",
                "area": "WK001401",
                "income_source": "bijstand",
                "debt_situation": "none",
                "participation_start": "2024-01-01",
                "legal_basis": "consent",
            },
        ),
        "new_intervention": (
            {},
            {
                "household": household.pk,
                "intervention_type": new_type.code,
                "start_date": "2024-02-01",
            },
        ),
    }
    for part in PARTS:
        extra = part.builders(context)
        assert not set(extra) & set(built), part.__name__
        built.update(extra)
    return built


def request(client: Client, method: str, url: str, data):
    if method == "get":
        return client.get(url, data)
    if method == "post" and url.startswith("/api/"):
        return client.post(url, data or {}, content_type="application/json")
    if method == "post":
        return client.post(url, data or {})
    return client.patch(url, data or {}, content_type="application/json")


def assert_served(response, who, name):
    assert response.status_code in (200, 201, 202, 302), (who, name, response.status_code)
    if response.status_code == 302 and not name.endswith("accounts:logout"):
        assert not response["Location"].startswith(reverse("accounts:login")), (who, name)


def assert_refused(response, who, name, url):
    if url.startswith("/api/") and not (who == ANONYMOUS and name.endswith("api-docs")):
        assert response.status_code in (401, 403), (who, name, response.status_code)
    elif who == ANONYMOUS:
        assert response.status_code == 302, (who, name, response.status_code)
        assert response["Location"].startswith(reverse("accounts:login")), (who, name)
    else:
        assert response.status_code == 403, (who, name, response.status_code)


@pytest.mark.parametrize("who", [ANONYMOUS, NO_ROLE, PO, CM, PL, AD], ids=str)
def test_role_page_matrix(who, client_for, objects):
    client = Client() if who == ANONYMOUS else client_for(None if who == NO_ROLE else who)
    for name, checks in MATRIX.items():
        for method, builder, allowed in checks:
            kwargs, data = objects[builder] if builder else ({}, None)
            url = reverse(name, kwargs=kwargs)
            response = request(client, method, url, data)
            if who in allowed:
                assert_served(response, who, f"{method} {name}")
            else:
                assert_refused(response, who, f"{method} {name}", url)
            if name == "accounts:logout" and who != ANONYMOUS:
                client = client_for(None if who == NO_ROLE else who)


def test_a_council_member_never_reaches_household_data(client_for, objects):
    client = client_for(CM)
    for name in HOUSEHOLD_LEVEL:
        for method, builder, _ in MATRIX[name]:
            kwargs, data = objects[builder] if builder else ({}, None)
            response = request(client, method, reverse(name, kwargs=kwargs), data)
            assert response.status_code == 403, name
            assert b"pseudonym" not in response.content


@pytest.mark.parametrize("who", [NO_ROLE, PO, CM, PL, AD], ids=str)
def test_no_role_reaches_the_admin_only_a_superuser_does(who, client_for):
    """The Django admin is the superuser's: the administrator role manages users on SIEX's own
    pages, where the separation of duties holds (tests/accounts)."""
    client = client_for(None if who == NO_ROLE else who)
    for url in (
        reverse("admin:index"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:authtoken_tokenproxy_add"),
        reverse("admin:auditlog_logentry_changelist"),
    ):
        assert client.get(url).status_code == 403, url


def test_signed_out_the_admin_asks_for_a_superuser_to_sign_in(db):
    response = Client().get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_superuser_reaches_the_admin(db):
    from django.contrib.auth import get_user_model

    client = Client()
    root = get_user_model().objects.create_superuser("root", password="x" * 16)
    force_login_verified(client, root)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_a_view_without_a_declared_permission_is_refused(rf, user_for):
    """Deny by default: the middleware refuses a view that names no permission."""
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from siex.accounts.middleware import DenyByDefaultMiddleware

    def undeclared_view(request):
        return HttpResponse("secret")

    request_ = rf.get("/somewhere/")
    request_.user = user_for(AD)
    request_.user.is_verified = lambda: True  # the administrator passed the second step
    middleware = DenyByDefaultMiddleware(lambda r: HttpResponse())
    with pytest.raises(PermissionDenied):
        middleware.process_view(request_, undeclared_view, (), {})


def test_an_api_view_without_a_declared_permission_is_refused(rf, user_for):
    from rest_framework.response import Response
    from rest_framework.test import force_authenticate
    from rest_framework.views import APIView

    class Undeclared(APIView):
        def get(self, request):
            return Response({"secret": True})

    request_ = rf.get("/api/v1/undeclared/")
    force_authenticate(request_, user=user_for(AD))
    assert Undeclared.as_view()(request_).status_code == 403
